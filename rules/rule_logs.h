/* Shared by rule_logs.c (collects wire and log marks) and log_correlate.c
 * (matches them at the end). Private to the log rules.
 *
 * Hellos: hello_identity() in rule_logs.c takes the sender from the flow
 * (ev_src) and the UUID from the ev_hello payload (or the generic
 * "hello.uuid" field); until a hello is decoded, TCP connections to 9971
 * stand in for hellos. */
#ifndef AMT_RULE_LOGS_H
#define AMT_RULE_LOGS_H
#include "../decoder/events/flow.h"
#include "../decoder/events/log.h"
#include "../inputs/kb.h"
#include "rule.h"

#define KERBEROS_TOLERANCE_US (300LL * 1000000)  /* Kerberos' default 5 minutes */
#define PAIR_SLACK_US (2LL * 1000000)            /* a logged and a captured hello coincide */
#define NEAR_US (120LL * 1000000)                /* frames "around" a log line */
#define HELLO_LOOKBACK_US (3600LL * 1000000)
#define MAX_CITED_FRAMES 6

typedef struct wire_mark {
	int64_t ts;
	uint16_t input;
	uint32_t frame_first, frame_last;
	amt_addr ip;          /* hello: its sender (AMT); connection: its server (AMT) */
	char uuid[40];
	flow_state state;     /* connections only */
	uint16_t port;
} wire_mark;

typedef struct log_mark {
	int64_t ts;
	bool has_ts;
	uint16_t input;
	uint32_t line;
	amt_addr ip;          /* first address the line names */
	char *uuid;
	char *event;
	char *tool;
	uint32_t ncodes;
	char *scope[EV_LOG_MAX_CODES], *code[EV_LOG_MAX_CODES];
	device *dev;
} log_mark;

typedef struct logs_state {
	kb *kb;  /* the analysis's (an->kb), not owned */
	GArray *hellos, *conns;  /* wire_mark */
	GArray *hello_flows;     /* TCP connections to 9971: hellos when no EV_HELLO is decoded */
	GArray *flows;           /* every other flow, once per end (ip = that end): frames near a log line */
	GPtrArray *marks;        /* log_mark* */
	GHashTable *offsets;     /* input index -> log_offset* */
	GHashTable *assumed_utc; /* inputs whose local times were read as UTC (no --log-tz) */
	GHashTable *thread_dev;  /* "input|thread" -> thread_ctx*: the host a thread last named */
	uint64_t cap;
} logs_state;

typedef struct log_offset {
	int64_t us;     /* log time - capture time */
	int pairs;      /* events seen in both that agree on it */
} log_offset;

bool logs_same_host(const amt_addr *ip, const char *uuid, const wire_mark *w);
void logs_correlate(void *st, analysis *an);
/* The clock offset estimated for a log input (after analysis_end). */
bool rule_logs_offset(analysis *an, uint16_t input, int64_t *us, int *pairs);

#endif
