/* libFuzzer: the SOAP / WS-Man extractor on arbitrary bodies. */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/wsman.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena a;
	arena_init(&a, 0);
	wsman_opts o = {16, 1u << 16, true, "\"http://schemas.intel.com/platform/client/RemoteControl/2004/01#RemoteControl\""};
	ev_wsman w;
	wsman_parse(&a, data, size, &o, &w);
	if (w.soap_version) {
		event *e = ev_new(&a, EV_WSMAN_RESPONSE, "wsman");
		wsman_add_fields(e, &w);
	}
	arena_free(&a);
	return 0;
}
