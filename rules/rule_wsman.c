/* HTTP / WS-Man rules (wsman.*) and the provisioning timeline. */
#include "rule.h"

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	(void)an;
	(void)e;
}

const rule rule_wsman = {
	.name = "wsman",
	.on_event = on_event,
};
