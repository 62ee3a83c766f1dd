#include "severity.h"

#include <string.h>

const char *severity_name(severity s)
{
	switch (s) {
	case SEV_INFO: return "info";
	case SEV_WARNING: return "warning";
	case SEV_ERROR: return "error";
	}
	return "info";
}

bool severity_parse(const char *s, int *out)
{
	if (!strcmp(s, "error")) *out = SEV_ERROR;
	else if (!strcmp(s, "warning")) *out = SEV_WARNING;
	else if (!strcmp(s, "info")) *out = SEV_INFO;
	else if (!strcmp(s, "never")) *out = 3;
	else return false;
	return true;
}
