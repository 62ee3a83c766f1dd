/* log correlation rules (scs.*, time.skew). */
#include "rule.h"

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	(void)an;
	(void)e;
}

const rule rule_logs = {
	.name = "logs",
	.on_event = on_event,
};
