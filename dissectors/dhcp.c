/* \summary: DHCPv4 (BOOTP) and DHCPv6 (stub: filled in by its issue) */
#include "../decoder/dissector.h"

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	(void)c;
	(void)p;
	return dis_ok(len);
}

const dissector dissector_dhcp = {
	.name = "dhcp",
	.ipproto = 17,
	.ports = {67, 68, 0},
	.tls_ports = {0},
	.parse = parse,
};
