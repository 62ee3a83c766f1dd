/* How serious a finding is. Declared below rules/ because the knowledge base
 * (inputs/kb.c) reads a severity for each code from its files; rules/findings.h
 * uses the same type. */
#ifndef AMT_SEVERITY_H
#define AMT_SEVERITY_H
#include <stdbool.h>

typedef enum severity { SEV_INFO = 0, SEV_WARNING = 1, SEV_ERROR = 2 } severity;
const char *severity_name(severity s);
bool severity_parse(const char *s, int *out); /* "error|warning|info|never"; never = 3 */

#endif
