/* libFuzzer harness: the DNS dissector on arbitrary bytes, as a UDP
 * datagram (both directions) and as a TCP stream (chunked by the first
 * byte), then flow end; the events go through the rules (rule_infra's
 * device table and findings) as in a real run. */
#include <stdint.h>
#include <stddef.h>

#include "../../decoder/dissector.h"
#include "../../rules/rule.h"

extern const dissector dissector_dns;

static void run_one(uint8_t proto, const uint8_t *p, size_t n, size_t chunk)
{
	amt_run run;
	run_init(&run);
	analysis an;
	analysis_init(&an, &run);
	dis_test t;
	dis_test_init(&t, proto, "10.0.0.7", 40000, "10.0.0.1", 53);
	t.cfg.limit[LIM_DNS_RECORDS] = 64;
	t.ctx.bus = &run.bus;
	void *st = dissector_dns.state_new(&t.ctx);
	if (proto == 17) {
		t.ctx.dir = DIR_C2S;
		dissector_dns.parse(st, &t.ctx, p, n);
		t.ctx.dir = DIR_S2C;
		t.mark.frame = 2;
		dissector_dns.parse(st, &t.ctx, p, n);
	} else {
		if (chunk & 1)  /* as after a lost segment: look for a message boundary */
			dissector_dns.gap(st, &t.ctx, 1000);
		dis_test_stream(&t, &dissector_dns, st, DIR_C2S, p, n, chunk, true);
	}
	dissector_dns.flow_end(st, &t.ctx);
	dissector_dns.state_free(st);
	analysis_end(&an);
	analysis_free(&an);
	dis_test_free(&t);
	run_free(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	run_one(17, data + 1, size - 1, 0);
	run_one(6, data + 1, size - 1, data[0] % 17);
	return 0;
}
