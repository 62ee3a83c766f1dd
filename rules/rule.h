/* The rule interface and the analysis every rule sees. A rule reads events
 * and the device table and writes facts and findings; it never parses bytes.
 * rules/registry.c is the one table of rules. */
#ifndef AMT_RULE_H
#define AMT_RULE_H
#include "../decoder/event.h"
#include "../decoder/run.h"
#include "devices.h"
#include "findings.h"
#include "timeline.h"

typedef struct analysis analysis;

typedef struct rule {
	const char *name;                                  /* "dns", "tls", ... */
	void *(*init)(analysis *an);                       /* optional */
	void (*on_event)(void *st, analysis *an, const event *e);
	void (*on_end)(void *st, analysis *an);            /* optional */
	void (*free)(void *st);                            /* optional */
} rule;

struct analysis {
	amt_run *run;
	const amt_config *cfg;
	devtab dev;
	findings fnd;
	timeline tl;
	void **state;     /* per rule, same order as the registry */
	bool ended;
};

extern const rule *const amt_rules[];  /* NULL-terminated */

/* Subscribes the rules (and the timeline) to run->bus. */
void analysis_init(analysis *an, amt_run *run);
/* Runs every rule's on_end once. */
void analysis_end(analysis *an);
void analysis_free(analysis *an);

/* Shorthand for rules: evidence of an event, for device facts. */
evidence ev_evidence(const event *e);
/* Marks the timeline entry of an event as a failure (rules decide what failed). */
void analysis_keep(analysis *an, const event *e, bool failure);
/* Marks which occurrence of a repeated field failed (item counted from 0: the
 * certificate of a chain that does not verify, expired, ...), for the HTML
 * report's chain view. Implies failure. */
void analysis_keep_failed_item(analysis *an, const event *e, int item);

#endif
