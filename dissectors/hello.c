/* \summary: Intel AMT hello packets (TCP 9971) (stub: filled in by its issue) */
#include "../decoder/dissector.h"

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	(void)c;
	(void)p;
	return dis_ok(len);
}

const dissector dissector_hello = {
	.name = "hello",
	.ipproto = 6,
	.ports = {9971, 0},
	.tls_ports = {0},
	.parse = parse,
};
