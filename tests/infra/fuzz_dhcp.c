/* libFuzzer harness: the DHCP dissector (v4 and v6) on arbitrary bytes,
 * with the per-run exchange table kept across the two directions, and the
 * events going through the rules as in a real run. */
#include <stdint.h>
#include <stddef.h>

#include "../../decoder/dissector.h"
#include "../../rules/rule.h"

extern const dissector dissector_dhcp;

static void run_one(const char *cli, uint16_t cport, const char *srv, uint16_t sport,
		    const uint8_t *data, size_t size)
{
	amt_run run;
	run_init(&run);
	analysis an;
	analysis_init(&an, &run);
	dis_test t;
	dis_test_init(&t, 17, cli, cport, srv, sport);
	t.ctx.bus = &run.bus;
	t.ctx.global = dissector_dhcp.global_new(&t.cfg);
	t.ctx.dir = DIR_C2S;
	dissector_dhcp.parse(NULL, &t.ctx, data, size);
	t.ctx.dir = DIR_S2C;
	t.mark.frame = 2;
	dissector_dhcp.parse(NULL, &t.ctx, data, size);
	dissector_dhcp.global_free(t.ctx.global);
	analysis_end(&an);
	analysis_free(&an);
	dis_test_free(&t);
	run_free(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_one("0.0.0.0", 68, "255.255.255.255", 67, data, size);
	run_one("fe80::1", 546, "ff02::1:2", 547, data, size);
	return 0;
}
