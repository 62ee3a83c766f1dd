/* The one table of rules, run in this order for every event. */
#include "rule.h"

extern const rule rule_infra, rule_tls, rule_hello, rule_redir, rule_wsman, rule_logs, rule_user;
extern const rule rule_decrypt, rule_capture;

const rule *const amt_rules[] = {
	&rule_capture,  /* first: what the capture can show, for the others' verdicts */
	&rule_infra,
	&rule_hello,
	&rule_tls,
	&rule_decrypt,
	&rule_wsman,
	&rule_redir,
	&rule_logs,
	&rule_user,
	NULL,
};
