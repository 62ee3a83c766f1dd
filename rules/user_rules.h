/* User rules (--rules FILE): regular expressions over log messages and
 * event fields that raise findings, without recompiling. */
#ifndef AMT_USER_RULES_H
#define AMT_USER_RULES_H
#include <stdbool.h>

#include "rule.h"

bool user_rules_load(analysis *an, const char *path, char **err);

#endif
