/* Renderers: they print what the rules concluded and never decide anything. */
#ifndef AMT_REPORT_H
#define AMT_REPORT_H
#include <stdbool.h>
#include <stdio.h>

#include "../rules/rule.h"
#include "../rules/volume.h"

typedef struct report_opts {
	bool color;       /* ANSI colours (a terminal, NO_COLOR unset) */
	bool quiet;       /* -q: findings only */
	bool verbose;     /* -v: add the timeline */
	const char *version;
	/* the per-rule summary (rules/volume.h: rule_summaries) shown first,
	 * and what --suppress/--min-severity removed; NULL: not shown (the HTML
	 * report lists its findings rule by rule from it: pass it) */
	const GArray *by_rule;
	const volume *vol;
} report_opts;

void report_text(FILE *f, analysis *an, const report_opts *o);
void report_json(FILE *f, analysis *an, const report_opts *o);
void report_html(FILE *f, analysis *an, const report_opts *o);

/* `decode`: one line per message (verbose: every field), or one JSON object
 * per message per line. */
void decode_text(FILE *f, const amt_run *run, const event *e, bool verbose);
void decode_json(FILE *f, const amt_run *run, const event *e);
/* JSON lines, one per event, for --format jsonl / --events (eve-style). */
void events_jsonl(FILE *f, const amt_run *run, const event *e);
/* --format ecs (reports/ecs.c): one Elastic Common Schema document per
 * event, then one per finding (event.kind alert). */
void ecs_event(FILE *f, const amt_run *run, const event *e, const char *version);
void ecs_findings(FILE *f, analysis *an, const char *version);
/* One `finding` record per finding, after the events (reports/stream.c). */
void findings_jsonl(FILE *f, analysis *an);

/* Shared by renderers: findings grouped by device (devices in the order of
 * their most severe finding; service-wide ones have device NULL), each group
 * errors first. Caller frees the array (not the findings). */
GPtrArray *findings_grouped(const findings *fnd);
/* A field value as text into buf. */
const char *field_text(const ev_field *fl, char *buf, size_t n);

#endif
