#include "user_rules.h"

bool user_rules_load(analysis *an, const char *path, char **err)
{
	(void)an;
	*err = g_strdup_printf("%s: user rules are not implemented yet", path);
	return false;
}
