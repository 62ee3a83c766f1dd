/* libFuzzer harness: the TLS dissector over both directions of a flow.
 * Byte 0 picks the chunk size the engine would deliver, byte 1 where the
 * input is cut between client and server bytes. */
#include <stddef.h>
#include <stdint.h>

#include "decoder/dissector.h"

extern const dissector dissector_tls;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t chunk = data[0] ? data[0] : 0;
	size_t rest = size - 2;
	size_t cut = rest ? (size_t)data[1] * rest / 255 : 0;
	const uint8_t *p = data + 2;
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	t.cfg.limit[LIM_TLS_HANDSHAKE] = 1u << 16;
	void *st = dissector_tls.state_new(&t.ctx);
	dis_test_stream(&t, &dissector_tls, st, DIR_C2S, p, cut, chunk, false);
	dis_test_stream(&t, &dissector_tls, st, DIR_S2C, p + cut, rest - cut, chunk, true);
	dissector_tls.gap(st, &t.ctx, 10);
	dis_test_stream(&t, &dissector_tls, st, DIR_C2S, p, cut, 0, true);
	(void)dissector_tls.probe(p, rest, DIR_C2S);
	dissector_tls.state_free(st);
	dis_test_free(&t);
	return 0;
}
