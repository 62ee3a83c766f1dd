/* libFuzzer harness for the template dissector: a copy of the template
 * copies this too (corpus in corpus-template/, runs in
 * tests/robust/fuzz-runs.txt). */
#include "../amt/fuzz_common.h"

extern const dissector dissector_template;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stream(&dissector_template, 7000, data, size);
	return 0;
}
