/* \summary: Intel AMT redirection: SOL, IDE-R, KVM (TCP 16994/16995) (stub: filled in by its issue) */
#include "../decoder/dissector.h"

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	(void)c;
	(void)p;
	return dis_ok(len);
}

const dissector dissector_redir = {
	.name = "redir",
	.ipproto = 6,
	.ports = {16994, 0},
	.tls_ports = {16995, 0},
	.parse = parse,
};
