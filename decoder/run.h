/* One run of amtscope: configuration, inputs, the bus, counters. */
#ifndef AMT_RUN_H
#define AMT_RUN_H
#include <glib.h>
#include <stdint.h>

#include "config.h"
#include "event.h"

typedef enum input_kind { INPUT_PCAP, INPUT_PCAPNG, INPUT_LIVE, INPUT_LOG } input_kind;

typedef struct amt_input {
	char *path;
	input_kind kind;
	const char *kind_name;  /* "pcap", "pcapng", "live", or the log format id */
	int linktype;
	uint64_t packets, bytes, lines;
	int64_t first_ts, last_ts;  /* 0 when nothing was read */
	char *error;                /* what went wrong reading it, or NULL */
	bool truncated;
	uint32_t snaplen;           /* the capture's snapshot length (0: unknown) */
	uint64_t cut_frames;        /* frames cut by it: caplen < len on the wire */
	uint32_t first_cut_frame;   /* the first of them (1-based), or 0 */
} amt_input;

typedef struct amt_stats {
	uint64_t packets, bytes;
	uint64_t flows;
	uint64_t messages;          /* events emitted by dissectors */
	uint64_t non_ip, malformed, ip_fragments, ip_reassembled;
	uint64_t limit_hits[LIM_COUNT];
	uint64_t kernel_drops;      /* live capture: pcap_stats */
	uint64_t dissector_misuse;  /* dissector results that broke the contract (engine_feed.c) */
} amt_stats;

struct x509_cache;

typedef struct amt_run {
	amt_config cfg;
	ev_bus bus;
	GPtrArray *inputs;  /* amt_input* */
	amt_stats stats;
	arena strings;      /* lives as long as the run */
	GArray *owned;      /* run_owned: what run_free frees */
	struct x509_cache *x509;  /* the certificates decoded (dissectors/x509.h: x509_run_cache) */
} amt_run;

void run_init(amt_run *r);
/* Frees what the run owns, the last given first. */
void run_free(amt_run *r);
/* p lives as long as the run: run_free calls free_fn(p). For the per-run
 * caches of the layers above, which this one cannot name. */
void run_own(amt_run *r, void *p, void (*free_fn)(void *p));
amt_input *run_add_input(amt_run *r, const char *path, input_kind k);
/* The time the inputs cover so far: the earliest first time and the latest
 * last time of any input; both 0 when no input had a time. */
void run_span(const amt_run *r, int64_t *first, int64_t *last);

#endif
