/* libFuzzer harness: the DHCP dissector (v4 and v6) on arbitrary bytes,
 * with the per-run exchange table kept across the two directions. */
#include <stdint.h>
#include <stddef.h>

#include "../../decoder/dissector.h"

extern const dissector dissector_dhcp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dis_test t;
	dis_test_init(&t, 17, "0.0.0.0", 68, "255.255.255.255", 67);
	t.ctx.global = dissector_dhcp.global_new(&t.cfg);
	t.ctx.dir = DIR_C2S;
	dissector_dhcp.parse(NULL, &t.ctx, data, size);
	t.ctx.dir = DIR_S2C;
	t.mark.frame = 2;
	dissector_dhcp.parse(NULL, &t.ctx, data, size);
	dissector_dhcp.global_free(t.ctx.global);
	dis_test_free(&t);

	dis_test v6;
	dis_test_init(&v6, 17, "fe80::1", 546, "ff02::1:2", 547);
	dissector_dhcp.parse(NULL, &v6.ctx, data, size);
	dis_test_free(&v6);
	return 0;
}
