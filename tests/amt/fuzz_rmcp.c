/* libFuzzer harness for the rmcp dissector. */
#include "fuzz_common.h"

extern const dissector dissector_rmcp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stream(&dissector_rmcp, 623, data, size);
	return 0;
}
