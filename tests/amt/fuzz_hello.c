/* libFuzzer harness for the hello dissector. */
#include "fuzz_common.h"

extern const dissector dissector_hello;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stream(&dissector_hello, 9971, data, size);
	return 0;
}
