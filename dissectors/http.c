/* \summary: HTTP/1.x, carrying WS-Management and legacy AMT SOAP (stub: filled in by its issue) */
#include "../decoder/dissector.h"

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	(void)c;
	(void)p;
	return dis_ok(len);
}

const dissector dissector_http = {
	.name = "http",
	.ipproto = 6,
	.ports = {16992, 623, 0},
	.tls_ports = {16993, 664, 0},
	.parse = parse,
};
