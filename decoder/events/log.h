/* Payload of EV_LOG_RECORD: one record of a log file, as its format
 * description (rules/formats/<id>.fmt) understood it. Strings live in the
 * event's arena; NULL when the record did not carry that part. */
#ifndef AMT_EV_LOG_H
#define AMT_EV_LOG_H
#include <stdbool.h>
#include <stdint.h>

#include "../addr.h"

#define EV_LOG_MAX_CODES 8
#define EV_LOG_MAX_IPS 4

typedef struct ev_log_code {
	const char *scope;  /* knowledge-base scope: "scs", "acuconfig", "rpc-go", ... */
	const char *code;   /* "102", "0xc0002825", "contact_back" */
} ev_log_code;

typedef struct ev_log {
	const char *format;     /* format id, e.g. "scs-debug-log" */
	const char *tool;       /* the tool that wrote the log (default code scope) */
	const char *level;      /* normalised: "error", "warning", "info", "debug" */
	const char *component;
	const char *thread;
	const char *message;
	const char *event;      /* what the format says the line means: "hello", "contact_back_failed", ... */
	bool has_time;          /* e->ts is meaningful */
	bool time_assumed_utc;  /* local time without zone and no --log-tz */
	bool parsed;            /* false: the line did not match the record pattern */
	uint32_t line_last;     /* last physical line of a multi-line record */
	ev_log_code codes[EV_LOG_MAX_CODES];
	uint32_t ncodes;
	amt_addr ips[EV_LOG_MAX_IPS];  /* addresses mentioned in the record */
	uint32_t nips;
	const char *uuid, *mac, *fqdn; /* first of each mentioned */
} ev_log;

#endif
