/* The rule interface and the analysis every rule sees. A rule reads events
 * and the device table and writes facts and findings; it never parses bytes.
 * rules/registry.c is the one table of rules. */
#ifndef AMT_RULE_H
#define AMT_RULE_H
#include "../decoder/event.h"
#include "../decoder/run.h"
#include "devices.h"
#include "findings.h"
#include "../inputs/kb.h"
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
	kb *kb;           /* rules/kb, loaded once per analysis: what codes mean */
	bool ended;
	/* only the HTML report draws the timeline per device: a run that renders
	 * no HTML (`analyze` says so before analysis_end) skips placing entries
	 * on devices, 1-2% of an analysis; tl_devices then finds none */
	bool skip_placement;
	/* what the capture can show, kept by rule_capture (first in the
	 * registry) for the rules whose verdicts need both directions */
	uint64_t tcp_two_way, tcp_one_way;  /* TCP flows with packets both ways / one way only */
};

/* Marks the timeline entry of a frame (or log line, frame 0) as a failure,
 * for verdicts made at the end from kept evidence rather than an event. */
void analysis_mark_failure(analysis *an, uint16_t input, uint32_t frame, uint32_t line);
/* The same for one item of a kept event of this kind in that frame (the
 * certificate of a chain judged after its event has gone). */
void analysis_mark_failed_item(analysis *an, uint16_t input, uint32_t frame, ev_kind kind, int item);

/* Only one direction of the traffic was captured (SPAN of one side,
 * asymmetric routing): no verdict may rest on the other one. */
bool analysis_one_direction(const analysis *an);
/* Frames of this input were cut by the capture's snaplen. */
bool analysis_input_cut(const analysis *an, uint16_t input);

extern const rule *const amt_rules[];  /* NULL-terminated */

/* Subscribes the rules (and the timeline) to run->bus. */
void analysis_init(analysis *an, amt_run *run);
/* Runs every rule's on_end once, then analysis_conclude. */
void analysis_end(analysis *an);
/* What the reports are handed, worked out once every fact and finding is in
 * (rules/conclude.c): the timeline sorted and each entry tied to its devices
 * (timeline_place), each finding's device record and its evidence per input
 * (finding.dev, finding.cites). Part of analysis_end; a caller that plays the
 * rules' part itself (a test fixture) calls it before rendering. */
void analysis_conclude(analysis *an);
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
