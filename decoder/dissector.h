/* The dissector interface: one const struct per protocol, in the spirit of
 * Suricata's app-layer parser contract. The table of dissectors
 * (decoder/dissectors.def, read by dispatch.c) is the one place that names
 * them all.
 *
 * Stream dissectors (TCP) get the reassembled, in-order bytes of one
 * direction that they have not consumed yet; datagram dissectors (UDP) get
 * one payload per call. parse() returns:
 *   DIS_OK                     all bytes consumed;
 *   DIS_INCOMPLETE(c, n)       c bytes consumed, keep the rest and call again
 *                              when about n more bytes are there (0: any);
 *   DIS_ERROR                  give up on this direction (a note is emitted).
 * When ctx->at_eof is set no more bytes will come in that direction: it is
 * the last call, and the dissector decodes what it can. */
#ifndef AMT_DISSECTOR_H
#define AMT_DISSECTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amt_ports.h"  /* the ports a dissector claims, named */
#include "config.h"
#include "event.h"
#include "events/flow.h"
#include "wire.h"

typedef enum dis_status { DIS_OK, DIS_ERROR, DIS_INCOMPLETE } dis_status;
typedef struct dis_result {
	dis_status status;
	size_t consumed;
	size_t needed;
} dis_result;

static inline dis_result dis_ok(size_t consumed)
{
	dis_result r = {DIS_OK, consumed, 0};
	return r;
}
static inline dis_result dis_error(size_t consumed)
{
	dis_result r = {DIS_ERROR, consumed, 0};
	return r;
}
static inline dis_result dis_incomplete(size_t consumed, size_t needed)
{
	dis_result r = {DIS_INCOMPLETE, consumed, needed};
	return r;
}

typedef enum probe_result { PROBE_NO, PROBE_YES, PROBE_MORE } probe_result;

/* Where each byte of the buffer being parsed came from. */
typedef struct dis_mark {
	size_t off;      /* first buffer offset carried by this frame */
	uint32_t frame;
	int64_t ts;
	uint16_t input;  /* a flow may span several capture files */
} dis_mark;

typedef struct dis_ctx {
	const amt_config *cfg;
	ev_bus *bus;
	arena *scratch;          /* events are built here; reset after dispatch */
	const flow_info *flow;
	uint8_t dir;             /* direction of the bytes being parsed */
	bool at_eof;             /* no more bytes in this direction */
	uint16_t input;
	const dis_mark *marks;   /* ascending by off; at least one */
	size_t nmarks;
	uint64_t *limit_hits;    /* LIM_COUNT counters */
	void *global;            /* the dissector's per-run state, if it has one */
	void *engine;            /* opaque: for dis_inner_feed */
	size_t *held_total;      /* bytes held by the engine and every dissector
				  * (--max-total-bytes); NULL in unit tests */
	void *inner;             /* opaque: inner stream of this direction */
	struct amt_run *run;     /* its per-run caches (x509_run_cache); NULL in unit tests */
} dis_ctx;

typedef struct dissector {
	const char *name;
	uint8_t ipproto;                /* 6 TCP, 17 UDP */
	/* A second transport on the same ports, tried after every dissector's
	 * own (DNS over TCP, RFC 1035 4.2.2: 6); parse() tells them apart by
	 * c->flow->ipproto. 0: none. */
	uint8_t also_ipproto;
	uint16_t ports[8];              /* server ports, 0-terminated */
	uint16_t tls_ports[4];          /* server ports where it runs inside TLS */
	probe_result (*probe)(const uint8_t *p, size_t len, uint8_t dir);
	void *(*state_new)(dis_ctx *c);
	void (*state_free)(void *st);
	dis_result (*parse)(void *st, dis_ctx *c, const uint8_t *p, size_t len);
	void (*gap)(void *st, dis_ctx *c, size_t len);   /* optional */
	void (*flow_end)(void *st, dis_ctx *c);          /* optional: flow is going */
	void *(*global_new)(const amt_config *cfg);      /* optional */
	void (*global_end)(void *g, dis_ctx *c);         /* optional: end of run */
	void (*global_free)(void *g);                    /* optional */
} dissector;

/* A new event whose evidence is buffer bytes [off, off+len): frames and time
 * are filled from the marks. Direction and flow come from the context. */
event *dis_event(dis_ctx *c, ev_kind kind, const char *proto, size_t off, size_t len);
void dis_emit(dis_ctx *c, event *e);
/* Malformed input, truncation, an undecodable stream: an EV_NOTE. */
void dis_note(dis_ctx *c, const char *proto, note_kind k, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A limit was hit: counted, and one EV_NOTE per flow direction. */
void dis_limit(dis_ctx *c, const char *proto, limit_id l, size_t off);

/* Bytes a dissector keeps across calls (a body copy, a handshake being
 * reassembled) count against --max-total-bytes with the engine's buffers.
 * One dis_hold per holder: dis_hold_set says how many bytes it keeps now,
 * and returns false (changing nothing) when growing to n would pass the
 * limit: the holder then drops what it would have kept and says so with
 * dis_limit(LIM_TOTAL_BYTES). dis_hold_release when the bytes are freed. */
typedef struct dis_hold {
	size_t *total;
	size_t n;
} dis_hold;
bool dis_hold_set(dis_ctx *c, dis_hold *h, size_t n);
void dis_hold_release(dis_hold *h);
/* Feed decrypted (or otherwise unwrapped) bytes of this direction to the
 * dissector that runs inside, chosen by the flow's server port. */
void dis_inner_feed(dis_ctx *c, const uint8_t *p, size_t len);
/* The same for the bytes p[0..len) found at buffer offset off (a tunnel or
 * STARTTLS switching mid-buffer): dated by the frames they came in. */
void dis_inner_feed_at(dis_ctx *c, size_t off, const uint8_t *p, size_t len);

/* For unit tests: a context that records emitted events (deep copies into
 * the given arena) into a GPtrArray of event*. */
typedef struct dis_test {
	dis_ctx ctx;
	amt_config cfg;
	ev_bus bus;
	arena scratch;
	arena keep;
	flow_info flow;
	dis_mark mark;
	uint64_t limit_hits[LIM_COUNT];
	void *events;  /* GPtrArray* of event* */
} dis_test;

void dis_test_init(dis_test *t, uint8_t ipproto, const char *cli, uint16_t cport,
		   const char *srv, uint16_t sport);
void dis_test_free(dis_test *t);
size_t dis_test_count(dis_test *t, ev_kind k);
const event *dis_test_get(dis_test *t, size_t i); /* i-th event of any kind */
const event *dis_test_find(dis_test *t, ev_kind k, size_t nth);
/* Runs a whole direction through d like the engine would, in chunks of
 * `chunk` bytes (0 = all at once), with at_eof on the last call. */
void dis_test_stream(dis_test *t, const dissector *d, void *st, uint8_t dir,
		     const uint8_t *p, size_t len, size_t chunk, bool eof);
event *event_clone(arena *a, const event *e);

#endif
