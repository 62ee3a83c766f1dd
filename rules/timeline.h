/* Events kept for reports (the -v timeline, the HTML lanes), stored compactly
 * and capped by LIM_EVENTS. */
#ifndef AMT_TIMELINE_H
#define AMT_TIMELINE_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/event.h"

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
} tl_entry;

/* Caps on what the timeline copies of an event's fields (reports show them on
 * hover, the first dozen, and certificate events as whole chains). */
#define TL_MAX_DETAILS 48        /* certificate events */
#define TL_MAX_DETAILS_OTHER 12  /* every other event */
#define TL_MAX_DETAIL_LEN 512

typedef struct timeline {
	GArray *entries;       /* tl_entry */
	GStringChunk *strings;
	GHashTable *interned;  /* strings in `strings` kept once: set of char* */
	GArray *details;       /* ev_field: copies, strings in `strings` */
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

#endif
