/* Volume controls on findings (--suppress FILE, --min-severity) and the
 * per-rule summary every report shows first. Decided here, once, after the
 * analysis: reports only print what this leaves and counts. */
#ifndef AMT_VOLUME_H
#define AMT_VOLUME_H
#include <glib.h>
#include <stdbool.h>

#include "rule.h"

/* One line of a suppress file:  RULE  DEVICE  REASON...
 * RULE is a rule id or a glob (`dns.*`, `tls.cert.?*`); DEVICE is `*` (any
 * device, service-wide findings too), an address, a CIDR block, or a name
 * (FQDN, host name, UUID or MAC of the device, case-insensitive); REASON is
 * the rest of the line and may not be empty. '#' starts a comment line. */
typedef struct suppression {
	char *rule;           /* as written */
	GPatternSpec *pat;
	char *device;         /* as written; NULL for `*` */
	amt_addr net;         /* address or block when family != 0 */
	unsigned prefix;      /* bits of net that must match */
	char *reason;
	char *file;
	unsigned line;
	uint64_t hits;        /* findings it removed */
} suppression;

typedef struct volume {
	GPtrArray *sup;       /* suppression* */
	int min_sev;          /* findings below it are dropped (SEV_INFO: none) */
	uint64_t suppressed, below_min;
} volume;

void volume_init(volume *v);
void volume_free(volume *v);
/* Reads a suppress file; false with *err ("FILE:LINE: what is wrong, how to
 * write it") on the first bad line. Several files may be loaded. */
bool volume_load(volume *v, const char *path, char **err);
/* Removes the suppressed findings and those below min_sev from an->fnd
 * (after analysis_end), counting them in v. */
void volume_apply(volume *v, analysis *an);

/* One row of the per-rule summary. */
typedef struct rule_summary {
	const char *rule;        /* points into a finding */
	severity sev;            /* the highest of its findings */
	unsigned count;          /* findings */
	unsigned devices;        /* distinct devices (a service-wide finding counts as none) */
	int64_t first_seen, last_seen;
	GPtrArray *findings;     /* finding*, in report order (findings_sorted) */
} rule_summary;

/* Rules by severity (error first), then by count (most first), then id.
 * Free with rule_summaries_free. */
GArray *rule_summaries(const findings *f);
void rule_summaries_free(GArray *a);

#endif
