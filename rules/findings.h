/* Findings: what amtscope concludes, with evidence and remedy. The JSON
 * contract is in docs/findings.md; ids are stable forever. */
#ifndef AMT_FINDINGS_H
#define AMT_FINDINGS_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/event.h"
#include "../inputs/severity.h"


#define FINDING_MAX_EVIDENCE 16  /* places one finding cites (the first ones) */

typedef struct evidence {
	uint16_t input;
	uint32_t frame;  /* 1-based, or 0 */
	uint32_t line;   /* 1-based, or 0 */
	int64_t ts;      /* µs UTC of that frame or line, 0 when not known */
} evidence;

/* What a finding cites in one input (analysis_conclude): the frames and the
 * log lines, each in the order cited, and the frames ascending, each once
 * (what the tshark command of the reports opens). */
typedef struct finding_cites {
	unsigned input;                 /* run->inputs->len: inputs the run does not know */
	const uint32_t *frames;         /* nframes of them */
	const uint32_t *lines;          /* nlines: evidence without a frame */
	const uint32_t *frames_sorted;  /* nsorted */
	uint32_t nframes, nlines, nsorted;
} finding_cites;

struct device;

typedef struct finding {
	char *rule;      /* "dns.provisionserver.missing" */
	severity sev;
	char *device;    /* device label (IP, else FQDN/UUID), or NULL for a service-wide finding */
	char *summary;
	char *remedy;
	GArray *evidence;  /* evidence */
	char *key;         /* de-duplication identifier */
	bool first;        /* listed before every other finding: what the whole report rests on
			    * (capture.no_amt_traffic: the capture was probably taken elsewhere) */
	/* earliest and latest time of any evidence ever added (also beyond
	 * FINDING_MAX_EVIDENCE), 0 when no evidence had a time */
	int64_t first_seen, last_seen;
	/* Worked out for the reports once the rules are done (analysis_conclude):
	 * the device record the label names (by IP, else UUID, else FQDN; NULL
	 * when service-wide or no record has it), whether the label is one of
	 * its IP addresses, and the evidence per input (finding_cites, inputs in
	 * order, the unknown ones last; only inputs something is cited in). */
	struct device *dev;
	bool label_is_ip;
	finding_cites *cites;  /* ncites of them, one block with their numbers */
	uint32_t ncites;
} finding;

typedef struct findings {
	GPtrArray *list;   /* finding*, in order of creation */
	GHashTable *by_key;
	GHashTable *per_device;  /* "rule|device" -> findings kept for it */
	uint64_t cap, cap_per_device;
	uint64_t over_cap, over_cap_per_device;  /* findings not kept (distinct keys) */
	GHashTable *dropped;                      /* their keys, to count each once */
	finding *sink;     /* handed out for findings over a cap, never reported */
} findings;

/* cap: findings kept in all; cap_per_device: of one rule for one device.
 * Beyond them a new finding is counted and not kept, so that a capture with
 * a million distinct names cannot grow the report without bound. */
void findings_init(findings *f, uint64_t cap, uint64_t cap_per_device);
void findings_free(findings *f);
/* A finding for (rule, device, key). If one with the same rule+device+key
 * exists it is returned so that the caller can add evidence; *is_new tells
 * which (may be NULL). key may be NULL. Over a cap, a scratch finding that
 * no report shows is returned (callers need not care). */
finding *finding_add(findings *f, const char *rule, severity sev, const char *device,
		     const char *key, bool *is_new);
/* Whether finding_add would find it. */
bool finding_exists(const findings *f, const char *rule, const char *device, const char *key);
/* Whether finding_add would now make a new finding that is kept: not when
 * it exists, nor over a cap. Both only grow, so a rule may skip building
 * the text of a finding it raises now or later when this says no. */
bool finding_would_be_new(const findings *f, const char *rule, const char *device, const char *key);
void finding_summary(finding *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void finding_remedy(finding *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The place of a list of evidence (evidence) at this input, frame and line,
 * or NULL: how a list of cited places is looked up by number. */
evidence *evidence_find(GArray *list, uint16_t input, uint32_t frame, uint32_t line);
void finding_frame(finding *x, uint16_t input, uint32_t frame);
void finding_line(finding *x, uint16_t input, uint32_t line);
/* The same with the time of that frame or line (first_seen/last_seen). */
void finding_frame_at(finding *x, uint16_t input, uint32_t frame, int64_t ts);
void finding_line_at(finding *x, uint16_t input, uint32_t line, int64_t ts);
/* A stored piece of evidence (a fact's, a rule's list): frame or line, with its time. */
void finding_evidence(finding *x, evidence e);
/* frame_first and frame_last (or the log line) of an event. */
void finding_event(finding *x, const event *e);
/* Sorted copy: severity (error first), then device, then rule. */
GPtrArray *findings_sorted(const findings *f);
size_t findings_count_at_least(const findings *f, severity s);
/* Findings per severity (count[SEV_INFO..SEV_ERROR]); a severity out of
 * range counts as an error. */
void findings_tally(const findings *f, size_t count[3]);
/* Sets x->cites from x->evidence, for a run of ninputs inputs. */
void finding_list_cites(finding *x, unsigned ninputs);
/* Removes and frees the findings in `gone` (a set of finding*), after the
 * analysis (rules/volume.c): finding_add no longer finds them. */
void findings_remove(findings *f, GHashTable *gone);

#endif
