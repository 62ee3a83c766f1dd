/* libFuzzer harness: the DNS dissector on arbitrary bytes, as a UDP
 * datagram and as a TCP stream (chunked by the first byte), then flow end. */
#include <stdint.h>
#include <stddef.h>

#include "../../decoder/dissector.h"

extern const dissector dissector_dns;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = data[0] % 17;
	const uint8_t *p = data + 1;
	size_t n = size - 1;

	dis_test u;
	dis_test_init(&u, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	u.cfg.limit[LIM_DNS_RECORDS] = 64;
	void *st = dissector_dns.state_new(&u.ctx);
	u.ctx.dir = DIR_C2S;
	dissector_dns.parse(st, &u.ctx, p, n);
	u.ctx.dir = DIR_S2C;
	u.mark.frame = 2;
	dissector_dns.parse(st, &u.ctx, p, n);
	dissector_dns.flow_end(st, &u.ctx);
	dissector_dns.state_free(st);
	dis_test_free(&u);

	dis_test t;
	dis_test_init(&t, 6, "10.0.0.7", 40000, "10.0.0.1", 53);
	st = dissector_dns.state_new(&t.ctx);
	dis_test_stream(&t, &dissector_dns, st, DIR_C2S, p, n, chunk, true);
	dissector_dns.flow_end(st, &t.ctx);
	dissector_dns.state_free(st);
	dis_test_free(&t);
	return 0;
}
