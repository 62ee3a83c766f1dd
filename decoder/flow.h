/* The flow table: flows keyed by 5-tuple (+ VLAN with --vlan-in-flow-key), both directions on one
 * entry, kept in least-recently-used order for idle expiry and eviction. */
#ifndef AMT_FLOW_H
#define AMT_FLOW_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "dissector.h"
#include "event.h"
#include "events/flow.h"
#include "reasm.h"

/* One direction of a flow as the dissector sees it. */
typedef struct flow_dir {
	reasm r;
	uint8_t *buf;          /* bytes not yet consumed by the dissector */
	size_t len, cap;
	dis_mark *marks;       /* where buf's bytes came from */
	size_t nmarks, capmarks;
	size_t need;           /* call the dissector again once len >= need */
	bool dead;             /* the dissector gave up on this direction */
	bool eof;              /* end of stream delivered */
	bool limit_noted;
	bool vlan_seen; /* the direction's VLAN id is recorded on the flow */
	uint64_t bytes, packets;
	uint32_t gaps;
	uint32_t last_frame;   /* for events at the end of the stream */
	int64_t last_ts;
	uint16_t last_input;
} flow_dir;

typedef struct flow {
	flow_info info;
	struct flow *lru_prev, *lru_next;
	int64_t last_ts;
	uint32_t last_frame;
	uint16_t last_input;
	flow_state state;
	bool syn_seen, synack_seen, fin[2], rst, closed;
	bool in_closed_list;   /* finalised; kept briefly to absorb the connection's tail */
	int64_t closed_ts;
	uint32_t syn_count;
	uint32_t client_isn;
	const dissector *dis;
	void *st;
	bool st_made;
	bool probing_done;
	flow_dir dir[2];
	/* inner stream (TLS-decrypted bytes) */
	const dissector *inner_dis;
	void *inner_st;
	bool inner_unknown;    /* the inner bytes matched no dissector: said once */
	flow_dir *inner_dir[2];
} flow;

typedef struct flow_key {
	uint8_t a[16], b[16];  /* the lower (address, port) first */
	uint16_t pa, pb;
	uint16_t vlan;
	uint8_t fam, proto;
} flow_key;

typedef struct flow_table {
	GHashTable *h;   /* flow_key* -> flow* */
	flow *lru_head, *lru_tail;        /* open flows, least recently used first */
	flow *closed_head, *closed_tail;  /* finalised flows, in order of closing */
	uint64_t count, next_id;
} flow_table;

void flow_key_make(flow_key *k, uint8_t proto, uint16_t vlan, const amt_addr *s, uint16_t sp,
		   const amt_addr *d, uint16_t dp);
void flow_table_init(flow_table *t);
void flow_table_free(flow_table *t);  /* frees entries; callers finalise first */
flow *flow_lookup(flow_table *t, const flow_key *k);
flow *flow_insert(flow_table *t, const flow_key *k);
void flow_remove(flow_table *t, flow *f);
void flow_touch(flow_table *t, flow *f, int64_t ts);
/* Moves a finalised flow to the closed list (memory stays flat: it is
 * reaped after a short linger instead of the idle timeout). */
void flow_mark_closed(flow_table *t, flow *f, int64_t ts);

#endif
