/* The event model: the only thing dissectors produce and the only thing rules
 * and reports consume. See docs/events.md.
 *
 * An event has a common header (time, input, frames, flow, direction), a
 * kind-specific payload (`data`, a struct from decoder/events/<proto>.h) for
 * rules, and a generic list of named fields (dotted names in the Wireshark
 * style, e.g. "dns.qry.name") that `decode` prints without knowing the kind.
 * Events live in a scratch arena that is reset after they have been
 * delivered: a subscriber that keeps anything copies it. */
#ifndef AMT_EVENT_H
#define AMT_EVENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "arena.h"

/* Where an event is drawn on the HTML timeline: a lane per kind of exchange,
 * top to bottom in this order. A dissector picks one in its table line. */
#define EV_LANES(X) \
	X(DHCP, "DHCP") X(DNS, "DNS") X(HELLO, "hello") X(CONN, "connections") X(TLS, "TLS") \
	X(WSMAN, "WS-Man / HTTP") X(REDIR, "redirection") X(RMCP, "RMCP") X(OTHER, "other protocols") \
	X(LOG, "log lines") X(NOTE, "notes")

typedef enum ev_lane {
#define EV_LANE_ENUM(id, label) EV_LANE_##id,
	EV_LANES(EV_LANE_ENUM)
#undef EV_LANE_ENUM
	EV_LANE_COUNT
} ev_lane;

/* The decoder's and the log reader's kinds are here; every dissector's come
 * from its line in decoder/dissectors.def, in the table's order. */
typedef enum ev_kind {
	EV_NONE = 0,
	EV_FLOW_OPEN,   /* data: ev_flow (decoder/events/flow.h) */
	EV_FLOW_CLOSE,  /* data: ev_flow */
	EV_NOTE,        /* data: ev_note: malformed input, gap, limit hit */
#define KIND(id, name) EV_##id,
#define DISSECTOR(dis, lane, kinds) kinds
#include "dissectors.def"
#undef DISSECTOR
#undef KIND
	EV_LOG_RECORD,  /* inputs/logread.c: one record of a log file */
	EV_KIND_COUNT
} ev_kind;

const char *ev_kind_name(ev_kind k); /* stable names, e.g. "dns_answer" */
ev_lane ev_kind_lane(ev_kind k);     /* EV_LANE_NOTE for a kind no line declares */
const char *ev_lane_name(ev_lane l); /* "DNS", "WS-Man / HTTP", ... */
/* The dissector whose table line declares k ("dns"), or NULL for the
 * decoder's and the log reader's kinds. */
const char *ev_kind_dissector(ev_kind k);

/* A flow as everyone else sees it. cli/srv: the initiator (SYN sender, or the
 * sender of the first packet seen) and the responder. */
typedef struct flow_info {
	uint64_t id;  /* 1-based, in order of first packet */
	uint8_t ipproto;  /* 6 TCP, 17 UDP */
	amt_addr cli, srv;
	uint16_t cport, sport;
	uint16_t vlan;        /* the initiator's VLAN id (not part of the key by default) */
	uint16_t vlan_reply;  /* the responder's, which may differ on a trunk */
	uint16_t input;
	uint32_t first_frame;
	int64_t first_ts;
	bool midstream;  /* no SYN seen: capture started late */
	/* Community ID v1 of the 5-tuple, computed once when the flow is made
	 * (decoder/community_id.h); empty when not computed */
	char community_id[32];
} flow_info;

enum { DIR_C2S = 0, DIR_S2C = 1 };

typedef enum ev_ftype {
	FT_STR, FT_UINT, FT_INT, FT_BOOL, FT_HEX, FT_ADDR, FT_TIME
} ev_ftype;

typedef struct ev_field {
	const char *name;  /* "dns.qry.name": static, or owned by the input's reader
			    * (a log format's extra names, freed once the input is
			    * read): whoever keeps it past the event copies it */
	ev_ftype type;
	union {
		const char *s;  /* FT_STR, FT_HEX (hex text) */
		uint64_t u;
		int64_t i;      /* FT_INT, FT_TIME (µs UTC) */
		bool b;
		const amt_addr *addr;  /* FT_ADDR: a copy where the strings are */
	} v;
} ev_field;  /* 24 bytes: the timeline keeps thousands */

typedef struct event {
	ev_kind kind;
	const char *proto;   /* "dns", "dhcp", "hello", "tls", "http", ... */
	const char *info;    /* one line, like tshark's Info column */
	int64_t ts;          /* µs since the epoch, UTC */
	uint16_t input;      /* index into the run's inputs */
	uint32_t frame_first, frame_last;  /* 1-based; 0 = not from a capture */
	uint32_t line;       /* 1-based line for log records, else 0 */
	const flow_info *flow;  /* NULL for logs and pure datagram-less events */
	uint8_t dir;         /* DIR_C2S or DIR_S2C */
	const void *data;    /* kind-specific payload, may be NULL */
	ev_field *fields;
	uint32_t nfields, capfields;
	arena *a;            /* where this event and its strings live */
	/* Fields and info built on demand: most events of a long analysis are
	 * read by rules through `data` only. Readers of info or fields call
	 * ev_describe() first (ev_field_get does). */
	void (*describe)(struct event *e);
	bool described;
	/* ev_describe_some(): the describer ran with a budget of fields and
	 * ran out; a full ev_describe() starts again from what came before. */
	bool partial;
	bool truncated;          /* a field was refused for the budget */
	uint32_t field_limit;    /* while describing: 0, or at most this many fields in all */
	uint32_t base_fields;    /* fields set before the describer ran */
	const char *base_info;
} event;

/* Sender and receiver of the message this event describes. */
const amt_addr *ev_src(const event *e);
const amt_addr *ev_dst(const event *e);
uint16_t ev_sport(const event *e);
uint16_t ev_dport(const event *e);

event *ev_new(arena *a, ev_kind kind, const char *proto);
void ev_set_info(event *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ev_str(event *e, const char *name, const char *val);  /* copied; NULL skipped */
/* Not copied: val must live as long as the event (in e->a, static, or in a
 * process-wide cache). For strings the dissector already built in e->a. */
void ev_str_ref(event *e, const char *name, const char *val);
void ev_strn(event *e, const char *name, const uint8_t *val, size_t n); /* printable copy */
void ev_uint(event *e, const char *name, uint64_t v);
void ev_int(event *e, const char *name, int64_t v);
void ev_bool(event *e, const char *name, bool v);
void ev_hex(event *e, const char *name, const uint8_t *b, size_t n);
void ev_addr(event *e, const char *name, const amt_addr *a);
void ev_time(event *e, const char *name, int64_t us);
/* Fill info and fields from e->data when nobody asked before: fn runs at
 * most once, while the event is alive, and only when a reader needs them. */
void ev_describe_later(event *e, void (*fn)(event *e));
void ev_describe(const event *e);
/* Like ev_describe(), for a reader that looks at the first max fields only
 * (the timeline): the describer may stop there. Info is always complete. */
void ev_describe_some(const event *e, uint32_t max);
/* For describers: no more fields will be kept (ev_describe_some's budget is
 * spent), so building the rest would be wasted. */
static inline bool ev_fields_full(const event *e)
{
	return e->field_limit && e->nfields >= e->field_limit;
}
const ev_field *ev_field_get(const event *e, const char *name);  /* describes first */

/* The bus: producers emit, subscribers are called in order of subscription. */
typedef void (*ev_handler)(void *user, const event *e);
typedef struct ev_bus {
	struct { ev_handler fn; void *user; } sub[16];
	int nsub;
	uint64_t emitted;
	uint64_t per_kind[EV_KIND_COUNT];
} ev_bus;

void bus_init(ev_bus *b);
void bus_subscribe(ev_bus *b, ev_handler fn, void *user);
void bus_emit(ev_bus *b, const event *e);

#endif
