/* DNS, DHCP and name-resolution rules (dns.*, dhcp.*). */
#include "rule.h"

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	(void)an;
	(void)e;
}

const rule rule_infra = {
	.name = "infra",
	.on_event = on_event,
};
