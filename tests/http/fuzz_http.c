/* libFuzzer: the HTTP dissector (and the SOAP extractor behind it) on
 * arbitrary streams, with the rules listening (rule_wsman reads what it
 * emits). Byte 0 picks the segment size, bytes 1-2 where the
 * client's stream ends and the server's begins, byte 3 small limits. */
#include <stddef.h>
#include <stdint.h>

#include "decoder/dissector.h"
#include "rules/rule.h"

extern const dissector dissector_http;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	size_t chunk = data[0] ? data[0] : 0;
	size_t split = ((size_t)data[1] << 8 | data[2]);
	bool small = data[3] & 1;
	data += 4;
	size -= 4;
	if (split > size)
		split = size;
	amt_run run;
	analysis an;
	run_init(&run);
	analysis_init(&an, &run);
	dis_test t;
	dis_test_init(&t, 6, "127.0.6.1", 40000, "127.0.6.2", 16992);
	t.ctx.bus = &run.bus;
	if (small) {
		t.cfg.limit[LIM_HTTP_BODY] = 64;
		t.cfg.limit[LIM_HTTP_HEADER] = 128;
		t.cfg.limit[LIM_XML_DEPTH] = 8;
	}
	void *st = dissector_http.state_new(&t.ctx);
	dis_test_stream(&t, &dissector_http, st, DIR_C2S, data, split, chunk, true);
	dis_test_stream(&t, &dissector_http, st, DIR_S2C, data + split, size - split, chunk, true);
	dissector_http.state_free(st);
	analysis_end(&an);
	analysis_free(&an);
	dis_test_free(&t);
	run_free(&run);
	return 0;
}
