/* User rules (--rules FILE): regular expressions over log messages and
 * event fields that raise findings, without recompiling. The file format is
 * in docs/user-rules.md. */
#ifndef AMT_USER_RULES_H
#define AMT_USER_RULES_H
#include <stdbool.h>

#include "rule.h"

typedef struct user_rule {
	char *id;          /* finding id */
	severity sev;
	char *field;       /* "log.message", "dns.qry.name", "info" */
	int kind;          /* ev_kind, or -1 for any */
	GRegex *re;
	char *summary, *remedy;  /* may hold \1, \g<name> references */
	char *file;
	int line;          /* where the [rule ...] group starts */
} user_rule;

/* Adds the rules of path to the analysis. false + *err ("FILE: line N: what
 * (GLib's message)") on any error; nothing of a bad file is kept. */
bool user_rules_load(analysis *an, const char *path, char **err);
void user_rule_free(gpointer p);
/* The loaded rules (rule_user's state). */
GPtrArray *user_rules_of(analysis *an);

#endif
