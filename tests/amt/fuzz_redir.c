/* libFuzzer harness for the redir dissector. */
#include "fuzz_common.h"

extern const dissector dissector_redir;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stream(&dissector_redir, 16994, data, size);
	return 0;
}
