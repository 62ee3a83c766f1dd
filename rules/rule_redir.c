/* redirection rules (redir.*). */
#include "rule.h"

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	(void)an;
	(void)e;
}

const rule rule_redir = {
	.name = "redir",
	.on_event = on_event,
};
