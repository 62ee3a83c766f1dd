/* TLS and certificate rules (tls.*, prov.cert.*). */
#include "rule.h"

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	(void)an;
	(void)e;
}

const rule rule_tls = {
	.name = "tls",
	.on_event = on_event,
};
