/* Events kept for reports (the -v timeline, the HTML lanes), stored compactly
 * and capped by LIM_EVENTS. */
#ifndef AMT_TIMELINE_H
#define AMT_TIMELINE_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/event.h"

struct device;

/* One certificate of a chain a TLS peer sent, as the chain view of the HTML
 * report shows it: taken from the event's typed payload (not its fields),
 * strings in the timeline's chunk. */
typedef enum tl_cert_role {
	TL_CERT_SERVER,  /* the sender's own, sent first, by the TLS server */
	TL_CERT_CLIENT,  /* the same, sent by the client (mutual TLS: AMT's remote
			  * configuration, where the setup service is the client) */
	TL_CERT_ISSUER,  /* a certificate of the chain behind it */
} tl_cert_role;

typedef struct tl_cert {
	tl_cert_role role;
	bool decoded;        /* false: the DER did not parse; only the fingerprint is known */
	bool failed;         /* the link a rule found failing (analysis_keep_failed_item) */
	const char *subject, *issuer;   /* NULL when unknown */
	int64_t not_before, not_after;  /* µs UTC, 0 when unknown */
	const char *sha256;             /* of the DER, lower-case hex; NULL when unknown */
} tl_cert;

typedef struct tl_entry {
	int64_t ts;
	ev_kind kind;
	uint16_t input;
	uint32_t frame_first, frame_last, line;
	uint64_t flow_id;
	amt_addr src, dst;
	uint16_t sport, dport;
	const char *proto;  /* static */
	char *info;         /* owned by the timeline's string chunk */
	bool failure;       /* a refusal, error status, alert, fault... */
	int32_t failed_item; /* which occurrence of a repeated field failed (the
			      * certificate of a chain, counted from 0), or -1 */
	uint32_t detail_first, ndetails; /* the event's fields: timeline.details */
	uint32_t cert_first, ncerts;     /* a certificate event's chain: timeline.certs */
	uint32_t dev_first, ndevs;       /* its devices: timeline.devices (timeline_place) */
} tl_entry;

/* Caps on what the timeline copies of an event's fields (reports show them on
 * hover: a mark the first dozen, a row all kept; a certificate event's are
 * its chain's, which is kept typed besides: tl_certs). */
#define TL_MAX_DETAILS 48        /* certificate events */
#define TL_MAX_DETAILS_OTHER 12  /* every other event */
#define TL_MAX_DETAIL_LEN 512

typedef struct timeline {
	GArray *entries;       /* tl_entry */
	GStringChunk *strings;
	GHashTable *interned;  /* strings in `strings` kept once: set of char* */
	GArray *details;       /* ev_field: copies, strings in `strings` */
	GArray *certs;         /* tl_cert */
	GPtrArray *devices;    /* device*: the entries' devices, once placed */
	uint64_t cap, dropped;
} timeline;

void timeline_init(timeline *t, uint64_t cap);
void timeline_free(timeline *t);
/* Returns false (and counts a drop) when the cap is reached. Failures have a
 * reserve of a quarter of the cap beyond it, so that the events a report is
 * about are kept when a long capture fills the timeline with routine. */
bool timeline_add(timeline *t, const event *e, bool failure);
void timeline_sort(timeline *t);
/* The fields kept for an entry (ndetails of them). */
const ev_field *tl_details(const timeline *t, const tl_entry *x);
/* A certificate event's chain in the order sent (ncerts of them), or NULL. */
const tl_cert *tl_certs(const timeline *t, const tl_entry *x);
/* Marks certificate `item` (from 0) of an entry's chain as the failing link;
 * false when the chain has no such certificate. */
bool tl_mark_cert(timeline *t, tl_entry *x, int item);
/* The kept entry of (input, frame), or of (input, log line) when frame is 0,
 * the latest one first; kind < 0 matches any kind. NULL when none is kept.
 * The one place that looks a kept event up by its frame or line. */
tl_entry *tl_find(timeline *t, uint16_t input, uint32_t frame, uint32_t line, int kind);

/* Ties every entry to the live devices it concerns (rules/conclude.c):
 * either address of its packets, or an address, UUID or MAC among its
 * fields (log lines), is a device's IP, UUID or MAC. After the devices are
 * final (merges done); entries tied to none have ndevs 0. */
struct devtab;
void timeline_place(timeline *t, const struct devtab *devs);
/* The devices of an entry (ndevs of them), each once, or NULL. */
struct device *const *tl_devices(const timeline *t, const tl_entry *x);

#endif
