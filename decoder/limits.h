/* Every resource cap in one table: its default, the option that raises it, and
 * a counter of how often it was hit (reports print the counters). */
#ifndef AMT_LIMITS_H
#define AMT_LIMITS_H
#include <stdint.h>

typedef enum limit_id {
	LIM_FLOWS,          /* flows held in memory at once */
	LIM_FLOW_BYTES,     /* bytes buffered per flow direction (reassembly) */
	LIM_TOTAL_BYTES,    /* bytes buffered across all flows */
	LIM_OOO_SEGMENTS,   /* out-of-order segments held per direction */
	LIM_IP_FRAGMENTS,   /* IPv4 and IPv6 datagrams being reassembled at once */
	LIM_HTTP_BODY,      /* HTTP body bytes kept per message */
	LIM_HTTP_HEADER,    /* bytes of one HTTP header block */
	LIM_XML_DEPTH,      /* XML nesting depth */
	LIM_XML_SIZE,       /* XML document size parsed */
	LIM_CERTS,          /* certificates per chain */
	LIM_TLS_HANDSHAKE,  /* bytes of one TLS handshake message */
	LIM_DNS_RECORDS,    /* resource records decoded per DNS message */
	LIM_EVENTS,         /* events kept for the timeline */
	LIM_LOG_LINE,       /* bytes of one log line */
	LIM_KEYLOG_ENTRIES, /* TLS sessions kept from key log files */
	LIM_FINDINGS,       /* findings kept in all */
	LIM_FINDINGS_DEVICE, /* findings of one rule for one device */
	LIM_COUNT
} limit_id;

typedef struct limit_def {
	const char *name;    /* stable id used in JSON: "flows", "flow_bytes", ... */
	const char *option;  /* command-line option that raises it */
	uint64_t def;
	const char *what;    /* what it bounds, for messages */
} limit_def;

extern const limit_def amt_limits[LIM_COUNT];

#endif
