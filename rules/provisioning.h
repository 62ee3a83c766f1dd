/* The provisioning timeline per AMT device, kept by rule_wsman: the ordered
 * configuration steps a console drove over WS-Man or legacy SOAP (every
 * Put, Create, Delete and method call: SetMEBxPassword, AdminSetup,
 * AddTrustedRootCertificate, Put AMT_GeneralSettings, ..., CommitChanges),
 * each with its outcome, so a report can say how far provisioning got and
 * which step failed. Reads (Get, Enumerate, Pull) are not steps. A request
 * answered by a 401 challenge is not a step (its authenticated retry is).
 *
 * Read it after analysis_end(); reports render, they do not recompute.
 * rule_wsman also leaves a one-line summary per device as a FACT_NOTE with
 * source "wsman.provisioning" for renderers that only show facts. */
#ifndef AMT_PROVISIONING_H
#define AMT_PROVISIONING_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "rule.h"

typedef enum prov_result {
	PROV_PENDING,    /* request seen, no answer yet (only during the run) */
	PROV_OK,         /* ReturnValue 0 / 2xx without fault */
	PROV_FAILED,     /* fault, non-zero ReturnValue/PT_STATUS, HTTP error */
	PROV_NO_ANSWER,  /* the request got no response before the capture ended */
} prov_result;

const char *prov_result_name(prov_result r);  /* "pending", "ok", "failed", "no_answer" */

typedef struct prov_step {
	char *cls;         /* "AMT_SetupAndConfigurationService" (legacy: "RemoteControl") */
	char *op;          /* "CommitChanges", "Put", "Create", "Delete", "AdminSetup", ... */
	prov_result result;
	char *detail;      /* "ReturnValue 0 (SUCCESS)", "fault e:AlreadyExists: ...", "HTTP 500" */
	unsigned http_status;
	evidence request, response;   /* response.frame is 0 without an answer */
	int64_t ts;        /* time of the request */
} prov_step;

typedef struct prov_track {
	device *dev;       /* the AMT device: pass through dev_resolve() */
	char *amt_ip;      /* its address as seen on the wire */
	char *console_ip;  /* the console that sent the first step */
	GPtrArray *steps;  /* prov_step*, in request order */
	uint32_t dropped;  /* answered-ok steps let go to stay under PROV_MAX_STEPS */
} prov_track;

/* Steps kept per device: a provisioning is a few dozen; a device managed
 * all day sends more, and the oldest successful ones make room. */
#define PROV_MAX_STEPS 256

/* Every track, in order of the first step; NULL before analysis_init or
 * when rule_wsman is not registered. */
const GPtrArray *prov_tracks(const analysis *an);
/* Index of the first failed (or unanswered) step, or -1. */
int prov_first_failure(const prov_track *t);
/* CommitChanges (or a successful AdminSetup/Setup) went through. */
bool prov_committed(const prov_track *t);

#endif
