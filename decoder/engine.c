/* The capture engine: frames → flows → reassembly → dissectors. */
#include "engine.h"

#include <errno.h>
#include <glib.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "dispatch.h"
#include "events/flow.h"
#include "flow.h"
#include "ipfrag.h"
#include "packet.h"
#include "engine_int.h"

#define PROBE_MAX 4096  /* bytes buffered while no dissector has claimed a flow */

static size_t dissector_index(const dissector *d)
{
	for (size_t i = 0; amt_dissectors[i]; i++)
		if (amt_dissectors[i] == d)
			return i;
	return 0;
}

engine *engine_new(amt_run *run)
{
	engine *e = g_new0(engine, 1);
	e->run = run;
	flow_table_init(&e->ft);
	e->frags = ipfrag_new((uint32_t)run->cfg.limit[LIM_IP_FRAGMENTS]);
	arena_init(&e->scratch, 65536);
	for (size_t i = 0; amt_dissectors[i]; i++)
		if (amt_dissectors[i]->global_new)
			e->globals[i] = amt_dissectors[i]->global_new(&run->cfg);
	return e;
}

/* ---- notes without a flow ---- */

void engine_note(engine *e, note_kind k, int limit, const char *fmt, ...)
{
	event *ev = ev_new(&e->scratch, EV_NOTE, "amtscope");
	ev_note *n = arena_alloc(&e->scratch, sizeof(*n));
	va_list ap;
	va_start(ap, fmt);
	n->message = arena_vprintf(&e->scratch, fmt, ap);
	va_end(ap);
	n->kind = k;
	n->limit = limit;
	ev->data = n;
	ev->ts = e->now;
	ev->input = e->cur_input;
	ev->frame_first = ev->frame_last = e->cur_frame;
	ev->info = arena_printf(&e->scratch, "[%s] %s", note_kind_name(k), n->message);
	ev_str(ev, "note.kind", note_kind_name(k));
	ev_str(ev, "note.message", n->message);
	bus_emit(&e->run->bus, ev);
}

static void limit_hit(engine *e, limit_id l)
{
	if (e->run->stats.limit_hits[l]++ == 0)
		engine_note(e, NOTE_LIMIT, (int)l, "limit %s (%llu, %s) reached; raise it with %s",
			    amt_limits[l].name, (unsigned long long)e->run->cfg.limit[l], amt_limits[l].what,
			    amt_limits[l].option);
}

/* ---- feeding dissectors ---- */

static void ctx_init(engine *e, flow *f, const dissector *d, uint8_t dir, dis_ctx *c,
		     const dis_mark *marks, size_t nmarks)
{
	memset(c, 0, sizeof(*c));
	c->cfg = &e->run->cfg;
	c->bus = &e->run->bus;
	c->scratch = &e->scratch;
	c->flow = &f->info;
	c->dir = dir;
	c->input = marks && nmarks ? marks[nmarks - 1].input : e->cur_input;
	c->marks = marks;
	c->nmarks = nmarks;
	c->limit_hits = e->run->stats.limit_hits;
	c->global = d ? e->globals[dissector_index(d)] : NULL;
	c->engine = e;
	c->held_total = &e->buffered;
}

static void buf_free(engine *e, flow_dir *d)
{
	e->buffered -= d->cap;
	g_free(d->buf);
	g_free(d->marks);
	d->buf = NULL;
	d->marks = NULL;
	d->len = d->cap = d->nmarks = d->capmarks = 0;
	d->need = 0;
}

static bool buf_append(engine *e, flow_dir *d, const uint8_t *p, size_t len, uint32_t frame,
		       int64_t ts, uint16_t input)
{
	if (d->len + len > d->cap) {
		size_t ncap = d->cap ? d->cap : 2048;
		while (ncap < d->len + len)
			ncap *= 2;
		e->buffered += ncap - d->cap;
		d->buf = g_realloc(d->buf, ncap);
		d->cap = ncap;
	}
	if (d->nmarks == d->capmarks) {
		d->capmarks = d->capmarks ? d->capmarks * 2 : 8;
		d->marks = g_realloc(d->marks, d->capmarks * sizeof(dis_mark));
	}
	if (len)
		memcpy(d->buf + d->len, p, len);
	dis_mark m = {d->len, frame, ts, input};
	d->marks[d->nmarks++] = m;
	d->len += len;
	return true;
}

static void buf_consume(flow_dir *d, size_t n)
{
	if (n >= d->len) {
		d->len = 0;
		d->nmarks = 0;
		return;
	}
	memmove(d->buf, d->buf + n, d->len - n);
	d->len -= n;
	/* keep the mark that covers the new offset 0 and those after it */
	size_t keep = 0;
	while (keep + 1 < d->nmarks && d->marks[keep + 1].off <= n)
		keep++;
	memmove(d->marks, d->marks + keep, (d->nmarks - keep) * sizeof(dis_mark));
	d->nmarks -= keep;
	for (size_t i = 0; i < d->nmarks; i++)
		d->marks[i].off = d->marks[i].off > n ? d->marks[i].off - n : 0;
}

static void give_up(engine *e, flow *f, const dissector *d, flow_dir *fd, uint8_t dir, size_t off,
		    note_kind k, const char *why)
{
	fd->dead = true;
	dis_ctx c;
	dis_mark m = {0, fd->last_frame, fd->last_ts, fd->last_input};
	ctx_init(e, f, d, dir, &c, &m, 1);
	dis_note(&c, d->name, k, off, "%s: not decoding the rest of this direction", why);
	buf_free(e, fd);
}

/* Runs the dissector over the buffered bytes. */
static void run_parser(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir,
		       const uint8_t *p, size_t len, const dis_mark *marks, size_t nmarks, bool eof,
		       bool from_buf)
{
	dis_ctx c;
	ctx_init(e, f, d, dir, &c, marks, nmarks);
	c.at_eof = eof;
	c.inner = NULL;
	dis_result r = d->parse(st, &c, p, len);
	size_t used = r.consumed > len ? len : r.consumed;
	if (r.status == DIS_ERROR) {
		give_up(e, f, d, fd, dir, used, NOTE_UNDECODABLE, "the bytes do not follow the protocol");
		return;
	}
	if (r.status == DIS_OK)
		used = len;
	size_t left = len - used;
	if (from_buf) {
		buf_consume(fd, used);
	} else if (left && !eof) {
		/* keep the unconsumed tail, with the marks that cover it */
		size_t first = 0;
		while (first + 1 < nmarks && marks[first + 1].off <= used)
			first++;
		for (size_t i = first; i < nmarks; i++) {
			size_t from = marks[i].off > used ? marks[i].off : used;
			size_t to = i + 1 < nmarks ? marks[i + 1].off : len;
			buf_append(e, fd, p + from, to - from, marks[i].frame, marks[i].ts, marks[i].input);
		}
	}
	fd->need = r.status == DIS_INCOMPLETE ? left + r.needed : 0;
	if (eof)
		buf_free(e, fd);
}

static void feed(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir,
		 const uint8_t *p, size_t len, uint32_t frame, int64_t ts, uint16_t input)
{
	if (fd->dead || fd->eof)
		return;
	uint64_t cap = e->run->cfg.limit[LIM_FLOW_BYTES];
	if (fd->len + len > cap) {
		limit_hit(e, LIM_FLOW_BYTES);
		give_up(e, f, d, fd, dir, 0, NOTE_LIMIT, "the dissector waited for more bytes than --max-flow-bytes allows");
		return;
	}
	if (fd->len == 0) {
		dis_mark m = {0, frame, ts, input};
		run_parser(e, f, d, st, fd, dir, p, len, &m, 1, false, false);
	} else {
		buf_append(e, fd, p, len, frame, ts, input);
		if (fd->len >= fd->need)
			run_parser(e, f, d, st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, false, true);
	}
	if (e->buffered > e->run->cfg.limit[LIM_TOTAL_BYTES] && fd->len) {
		limit_hit(e, LIM_TOTAL_BYTES);
		give_up(e, f, d, fd, dir, 0, NOTE_LIMIT, "buffered bytes across flows exceed --max-total-bytes");
	}
}

static void feed_eof(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir)
{
	if (fd->dead || fd->eof)
		return;
	fd->eof = true;
	if (fd->len) {
		run_parser(e, f, d, st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, true, true);
	} else {
		dis_mark m = {0, fd->last_frame, fd->last_ts, fd->last_input};
		run_parser(e, f, d, st, fd, dir, (const uint8_t *)"", 0, &m, 1, true, false);
	}
}

static void ensure_state(engine *e, flow *f)
{
	if (f->st_made || !f->dis)
		return;
	f->st_made = true;
	if (f->dis->state_new) {
		dis_ctx c;
		ctx_init(e, f, f->dis, 0, &c, NULL, 0);
		f->st = f->dis->state_new(&c);
	}
}

/* Bytes for the app layer of one direction; probes when no dissector yet. */
static void app_data(engine *e, flow *f, uint8_t dir, const uint8_t *p, size_t len,
		     uint32_t frame, int64_t ts, uint16_t input)
{
	flow_dir *fd = &f->dir[dir];
	fd->last_frame = frame;
	fd->last_ts = ts;
	fd->last_input = input;
	if (!len)
		return;
	fd->bytes += len;
	if (!f->dis) {
		if (f->probing_done)
			return;
		buf_append(e, fd, p, len, frame, ts, input);
		bool more = false;
		const dissector *d = dispatch_by_probe(f->info.ipproto, fd->buf, fd->len, dir, &more);
		if (!d) {
			if (!more || fd->len >= PROBE_MAX) {
				f->probing_done = true;
				buf_free(e, &f->dir[0]);
				buf_free(e, &f->dir[1]);
			}
			return;
		}
		f->dis = d;
		ensure_state(e, f);
		run_parser(e, f, d, f->st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, false, true);
		return;
	}
	ensure_state(e, f);
	feed(e, f, f->dis, f->st, fd, dir, p, len, frame, ts, input);
}

/* ---- reassembly callbacks ---- */

typedef struct reasm_user {
	engine *e;
	flow *f;
	uint8_t dir;
} reasm_user;

static void on_data(void *user, const uint8_t *p, size_t len, uint32_t frame, int64_t ts)
{
	reasm_user *u = user;
	app_data(u->e, u->f, u->dir, p, len, frame, ts, u->e->cur_input);
}

static void on_gap(void *user, uint32_t len)
{
	reasm_user *u = user;
	flow *f = u->f;
	flow_dir *fd = &f->dir[u->dir];
	fd->gaps++;
	if (!f->dis || fd->dead || fd->eof)
		return;
	if (f->dis->gap) {
		dis_ctx c;
		dis_mark m = {0, fd->last_frame, fd->last_ts, fd->last_input};
		ctx_init(u->e, f, f->dis, u->dir, &c, &m, 1);
		buf_free(u->e, fd);  /* the partial message cannot complete */
		ensure_state(u->e, f);
		f->dis->gap(f->st, &c, len);
	} else {
		char why[96];
		snprintf(why, sizeof(why), "%u bytes missing from the capture", len);
		give_up(u->e, f, f->dis, fd, u->dir, 0, NOTE_GAP, why);
	}
}

static void on_eof(void *user)
{
	reasm_user *u = user;
	flow *f = u->f;
	if (f->dis) {
		ensure_state(u->e, f);
		feed_eof(u->e, f, f->dis, f->st, &f->dir[u->dir], u->dir);
	}
}

static const reasm_ops ops = {on_data, on_gap, on_eof};

/* ---- flow lifecycle ---- */

/* Fields and info of a flow event, built when a reader asks: most flow
 * events are read by no one. */
static void describe_flow(event *ev)
{
	const ev_flow *x = ev->data;
	ev_str(ev, "tcp.state", flow_state_name(x->state));
	if (x->app)
		ev_str(ev, "tcp.app", x->app);
	if (x->vlan[0])
		ev_uint(ev, "vlan.id", x->vlan[0]);
	if (x->vlan[1] && x->vlan[1] != x->vlan[0])
		ev_uint(ev, "vlan.id_reply", x->vlan[1]);
	if (ev->kind == EV_FLOW_CLOSE) {
		ev_uint(ev, "tcp.syn_count", x->syn_count);
		ev_uint(ev, "tcp.bytes_c2s", x->bytes[0]);
		ev_uint(ev, "tcp.bytes_s2c", x->bytes[1]);
		ev_int(ev, "tcp.duration_us", x->duration_us);
		if (x->gaps[0] + x->gaps[1])
			ev_uint(ev, "tcp.gaps", x->gaps[0] + x->gaps[1]);
		if (x->overlaps_conflicting[0] + x->overlaps_conflicting[1])
			ev_uint(ev, "tcp.overlap_conflicts", x->overlaps_conflicting[0] + x->overlaps_conflicting[1]);
		ev_set_info(ev, "connection %s, %llu/%llu bytes, %.3f s", flow_state_name(x->state),
			    (unsigned long long)x->bytes[0], (unsigned long long)x->bytes[1],
			    (double)x->duration_us / 1e6);
	} else {
		ev_set_info(ev, "connection %s", x->midstream ? "seen mid-stream" : "attempt");
	}
}

static void emit_flow(engine *e, flow *f, ev_kind kind)
{
	if (f->info.ipproto != 6)
		return;
	dis_mark m = {0, f->last_frame, f->last_ts, f->last_input};
	dis_ctx c;
	ctx_init(e, f, NULL, DIR_C2S, &c, &m, 1);
	event *ev = dis_event(&c, kind, "tcp", 0, 1);
	if (kind == EV_FLOW_OPEN) {
		ev->frame_first = ev->frame_last = f->info.first_frame;
		ev->ts = f->info.first_ts;
		ev->input = f->info.input;
	} else {
		ev->frame_first = f->info.first_frame;
	}
	ev_flow *x = arena_alloc(&e->scratch, sizeof(*x));
	x->state = f->state;
	x->syn_count = f->syn_count;
	for (int d = 0; d < 2; d++) {
		x->bytes[d] = f->dir[d].bytes;
		x->packets[d] = f->dir[d].packets;
		x->gaps[d] = f->dir[d].r.gaps;
		x->overlaps_conflicting[d] = f->dir[d].r.conflicts;
	}
	x->duration_us = f->last_ts - f->info.first_ts;
	x->app = f->dis ? f->dis->name : NULL;
	x->last_frame = f->last_frame;
	x->midstream = f->info.midstream;
	x->vlan[0] = f->info.vlan;
	x->vlan[1] = f->info.vlan_reply;
	ev->data = x;
	ev_describe_later(ev, describe_flow);
	bus_emit(&e->run->bus, ev);
}

static void flow_free_inner(engine *e, flow *f);

/* Everything that is still waiting is delivered; the dissector sees the end. */
static void finalize(engine *e, flow *f)
{
	if (f->closed)
		return;
	f->closed = true;
	for (uint8_t d = 0; d < 2; d++) {
		if (f->info.ipproto == 6) {
			reasm_user u = {e, f, d};
			reasm_flush(&f->dir[d].r, &ops, &u);
		}
		if (f->dis && f->info.ipproto == 6) {
			ensure_state(e, f);
			feed_eof(e, f, f->dis, f->st, &f->dir[d], d);
		}
	}
	if (f->info.ipproto == 6) {
		if (f->state == FLOW_SYN_SENT)
			f->state = FLOW_NO_ANSWER;
		else if (f->state == FLOW_ESTABLISHED)
			f->state = (f->fin[0] && f->fin[1]) ? FLOW_CLOSED : FLOW_TIMED_OUT;
	}
	if (f->dis && f->st_made) {
		dis_ctx c;
		dis_mark m = {0, f->last_frame, f->last_ts, f->last_input};
		ctx_init(e, f, f->dis, DIR_C2S, &c, &m, 1);
		if (f->dis->flow_end)
			f->dis->flow_end(f->st, &c);
		if (f->dis->state_free)
			f->dis->state_free(f->st);
		f->st = NULL;
	}
	flow_free_inner(e, f);
	emit_flow(e, f, EV_FLOW_CLOSE);
	for (int d = 0; d < 2; d++) {
		e->buffered -= reasm_held(&f->dir[d].r);
		reasm_free(&f->dir[d].r);
		buf_free(e, &f->dir[d]);
	}
	flow_mark_closed(&e->ft, f, e->now);
}

static void drop_flow(engine *e, flow *f)
{
	finalize(e, f);
	flow_remove(&e->ft, f);
}

/* How long a finished TCP connection is remembered, so that its last ACKs
 * and retransmitted FINs are not taken for a new connection. */
#define CLOSED_LINGER_US (5LL * 1000000)

static int64_t idle_limit(const engine *e, const flow *f)
{
	return f->info.ipproto == 6 ? e->run->cfg.tcp_idle_us : e->run->cfg.udp_idle_us;
}

static void expire(engine *e)
{
	flow *f;
	while ((f = e->ft.closed_head) && e->now - f->closed_ts > CLOSED_LINGER_US)
		flow_remove(&e->ft, f);
	while ((f = e->ft.lru_head) && e->now - f->last_ts > idle_limit(e, f))
		drop_flow(e, f);
}

static bool known(uint8_t proto, uint16_t port)
{
	return dispatch_known_port(proto, port);
}

static flow *new_flow(engine *e, const flow_key *k, const pkt *p, uint32_t frame, int64_t ts)
{
	if (e->ft.count >= e->run->cfg.limit[LIM_FLOWS]) {
		if (e->ft.closed_head) {
			flow_remove(&e->ft, e->ft.closed_head);  /* finished: nothing is lost */
		} else {
			limit_hit(e, LIM_FLOWS);
			drop_flow(e, e->ft.lru_head);
		}
	}
	flow *f = flow_insert(&e->ft, k);
	e->run->stats.flows++;
	bool src_is_client;
	if (p->ipproto == 6 && (p->tcp_flags & TH_SYN))
		src_is_client = !(p->tcp_flags & TH_ACK);
	else if (known(p->ipproto, p->dport) && !known(p->ipproto, p->sport))
		src_is_client = true;
	else if (known(p->ipproto, p->sport) && !known(p->ipproto, p->dport))
		src_is_client = false;
	else if (p->ipproto == 6)
		src_is_client = p->sport >= p->dport;  /* the ephemeral port is the higher one */
	else
		src_is_client = true;
	flow_info *fi = &f->info;
	fi->ipproto = p->ipproto;
	if (src_is_client)
		fi->vlan = p->vlan;
	else
		fi->vlan_reply = p->vlan;
	fi->cli = src_is_client ? p->src : p->dst;
	fi->srv = src_is_client ? p->dst : p->src;
	fi->cport = src_is_client ? p->sport : p->dport;
	fi->sport = src_is_client ? p->dport : p->sport;
	fi->input = e->cur_input;
	fi->first_frame = frame;
	fi->first_ts = ts;
	fi->midstream = p->ipproto == 6 && !(p->tcp_flags & TH_SYN);
	community_id_v1(fi->community_id, fi->ipproto, &fi->cli, fi->cport, &fi->srv, fi->sport);
	f->state = p->ipproto != 6 ? FLOW_UDP : fi->midstream ? FLOW_ESTABLISHED : FLOW_SYN_SENT;
	f->last_ts = ts;
	f->last_frame = frame;
	f->last_input = e->cur_input;
	uint32_t segs = (uint32_t)e->run->cfg.limit[LIM_OOO_SEGMENTS];
	size_t bytes = (size_t)e->run->cfg.limit[LIM_FLOW_BYTES];
	reasm_init(&f->dir[0].r, segs, bytes);
	reasm_init(&f->dir[1].r, segs, bytes);
	f->dis = dispatch_by_port(p->ipproto, fi->sport, fi->cport);
	if (p->ipproto == 6)
		emit_flow(e, f, EV_FLOW_OPEN);
	return f;
}

static void tcp_packet(engine *e, flow *f, uint8_t dir, const pkt *p, uint32_t frame, int64_t ts)
{
	flow_dir *fd = &f->dir[dir];
	reasm_user u = {e, f, dir};
	uint8_t fl = p->tcp_flags;
	if (fl & TH_SYN) {
		if (dir == DIR_C2S && !(fl & TH_ACK)) {
			f->syn_count++;
			f->syn_seen = true;
			f->client_isn = p->seq;
		} else if (dir == DIR_S2C && (fl & TH_ACK)) {
			f->synack_seen = true;
			if (f->state == FLOW_SYN_SENT)
				f->state = FLOW_ESTABLISHED;
		}
		reasm_syn(&fd->r, p->seq);
	}
	if (fl & TH_RST) {
		f->rst = true;
		if (f->state == FLOW_SYN_SENT && dir == DIR_S2C)
			f->state = FLOW_REFUSED;
		else if (f->state == FLOW_ESTABLISHED)
			f->state = FLOW_CLOSED;
		finalize(e, f);
		return;
	}
	if (f->state == FLOW_SYN_SENT && dir == DIR_S2C && p->payload_len)
		f->state = FLOW_ESTABLISHED;  /* the SYN-ACK was not captured */
	size_t held = reasm_held(&fd->r);
	uint32_t dropped = fd->r.dropped_segments;
	uint32_t seq = (fl & TH_SYN) ? p->seq + 1 : p->seq;
	reasm_segment(&fd->r, seq, p->payload, p->payload_len, (fl & TH_FIN) != 0, frame, ts, &ops, &u);
	if (p->payload_missing) {
		/* snaplen cut this segment: its tail will never come */
		reasm_ack(&fd->r, seq + p->payload_len + p->payload_missing, &ops, &u);
	}
	e->buffered += reasm_held(&fd->r) - held;
	if (fd->r.dropped_segments != dropped)
		limit_hit(e, LIM_OOO_SEGMENTS);
	if (fl & TH_FIN)
		f->fin[dir] = true;
	if ((fl & TH_ACK) && f->dir[!dir].r.have_isn) {
		reasm_user ou = {e, f, (uint8_t)!dir};
		size_t oheld = reasm_held(&f->dir[!dir].r);
		reasm_ack(&f->dir[!dir].r, p->ack, &ops, &ou);
		e->buffered += reasm_held(&f->dir[!dir].r) - oheld;
	}
	if (f->fin[0] && f->fin[1] && f->dir[0].r.eof_sent && f->dir[1].r.eof_sent) {
		f->state = FLOW_CLOSED;
		finalize(e, f);
	}
}

static void transport_packet(engine *e, pkt *p, uint32_t frame, int64_t ts)
{
	flow_key k;
	flow_key_make(&k, p->ipproto, e->run->cfg.vlan_in_flow_key ? p->vlan : 0, &p->src, p->sport, &p->dst, p->dport);
	flow *f = flow_lookup(&e->ft, &k);
	if (f && f->closed) {
		bool new_syn = p->ipproto == 6 && (p->tcp_flags & TH_SYN) && !(p->tcp_flags & TH_ACK) &&
			       p->seq != f->client_isn;
		if (!new_syn && p->ipproto == 6) {
			flow_touch(&e->ft, f, ts);
			e->cur_flow_id = f->info.id;
			return;  /* the tail of a closed connection */
		}
		flow_remove(&e->ft, f);
		f = NULL;
	}
	if (!f)
		f = new_flow(e, &k, p, frame, ts);
	flow_touch(&e->ft, f, ts);
	e->cur_flow_id = f->info.id;
	f->last_frame = frame;
	f->last_input = e->cur_input;
	uint8_t dir = (amt_addr_eq(&p->src, &f->info.cli) && p->sport == f->info.cport) ? DIR_C2S : DIR_S2C;
	f->dir[dir].packets++;
	if (!f->dir[dir].vlan_seen) {
		f->dir[dir].vlan_seen = true;
		if (dir == DIR_C2S)
			f->info.vlan = p->vlan;
		else
			f->info.vlan_reply = p->vlan;
	}
	if (p->ipproto == 6) {
		tcp_packet(e, f, dir, p, frame, ts);
		return;
	}
	/* UDP: one datagram, one call */
	flow_dir *fd = &f->dir[dir];
	fd->last_frame = frame;
	fd->last_ts = ts;
	fd->last_input = e->cur_input;
	fd->bytes += p->payload_len;
	if (!f->dis && !f->probing_done) {
		bool more;
		f->dis = dispatch_by_probe(17, p->payload, p->payload_len, dir, &more);
		f->probing_done = true;
	}
	if (!f->dis)
		return;
	ensure_state(e, f);
	dis_mark m = {0, frame, ts, e->cur_input};
	dis_ctx c;
	ctx_init(e, f, f->dis, dir, &c, &m, 1);
	if (p->payload_missing)
		dis_note(&c, f->dis->name, NOTE_TRUNCATED, 0, "datagram cut by the capture's snaplen (%u bytes missing)",
			 p->payload_missing);
	f->dis->parse(f->st, &c, p->payload, p->payload_len);
}

void engine_frame(engine *e, uint16_t input, uint32_t frame, int linktype, int64_t ts,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	amt_stats *s = &e->run->stats;
	s->packets++;
	s->bytes += wirelen;
	e->cur_input = input;
	e->cur_frame = frame;
	if (ts > e->now)
		e->now = ts;
	pkt p;
	pkt_status st = pkt_decode(linktype, data, caplen, &p);
	if (st == PKT_FRAGMENT) {
		s->ip_fragments++;
		const uint8_t *whole;
		uint32_t wlen;
		bool dropped;
		ipfrag_result r;
		if (p.frag_v6) {
			ipfrag6 f6 = {p.ip_start, p.frag_id, p.frag_off, p.frag_more, p.frag_next, p.frag_data,
				      p.frag_len};
			r = ipfrag_add6(e->frags, &f6, e->now, &whole, &wlen, &dropped);
		} else {
			r = ipfrag_add(e->frags, p.ip_start, p.ip_len, e->now, &whole, &wlen, &dropped);
		}
		if (r == IPFRAG_DONE) {
			s->ip_reassembled++;
			st = pkt_decode_ip(whole, wlen, &p);
		} else if (r == IPFRAG_REFUSED) {
			s->malformed++;
			if (s->malformed <= 100)
				engine_note(e, NOTE_MALFORMED, -1,
					    "frame %u: IPv6 fragments overlap: datagram 0x%08x discarded (RFC 5722)",
					    frame, p.frag_id);
		}
		if (dropped)
			limit_hit(e, LIM_IP_FRAGMENTS);
	}
	if (st == PKT_MALFORMED) {
		s->malformed++;
		if (s->malformed <= 100)
			engine_note(e, NOTE_MALFORMED, -1, "frame %u: %s", frame, p.why);
	} else if (st == PKT_NOT_IP || st == PKT_UNSUPPORTED_LINK) {
		s->non_ip++;
	} else if (st == PKT_OK && (p.ipproto == 6 || p.ipproto == 17)) {
		e->cur_flow_id = 0;
		transport_packet(e, &p, frame, ts);
	}
	if (e->hook) {
		frame_info fi;
		memset(&fi, 0, sizeof(fi));
		fi.input = input;
		fi.frame = frame;
		fi.ts = ts;
		fi.caplen = caplen;
		fi.wirelen = wirelen;
		if (st == PKT_OK && (p.ipproto == 6 || p.ipproto == 17)) {
			fi.ipproto = p.ipproto;
			fi.src = p.src;
			fi.dst = p.dst;
			fi.sport = p.sport;
			fi.dport = p.dport;
			fi.flow_id = e->cur_flow_id;
		}
		e->hook(e->hook_user, &fi);
	}
	expire(e);
	arena_reset(&e->scratch);
}

void engine_finish(engine *e)
{
	if (e->finished)
		return;
	e->finished = true;
	while (e->ft.lru_head)
		drop_flow(e, e->ft.lru_head);
	while (e->ft.closed_head)
		flow_remove(&e->ft, e->ft.closed_head);
	for (size_t i = 0; amt_dissectors[i]; i++) {
		if (amt_dissectors[i]->global_end && e->globals[i]) {
			dis_ctx c;
			memset(&c, 0, sizeof(c));
			c.cfg = &e->run->cfg;
			c.bus = &e->run->bus;
			c.scratch = &e->scratch;
			c.limit_hits = e->run->stats.limit_hits;
			c.global = e->globals[i];
			c.engine = e;
			c.input = e->cur_input;
			amt_dissectors[i]->global_end(e->globals[i], &c);
		}
	}
	arena_reset(&e->scratch);
}

void engine_free(engine *e)
{
	if (!e)
		return;
	engine_finish(e);
	engine_close_sources(e);
	for (size_t i = 0; amt_dissectors[i]; i++)
		if (amt_dissectors[i]->global_free && e->globals[i])
			amt_dissectors[i]->global_free(e->globals[i]);
	flow_table_free(&e->ft);
	ipfrag_free(e->frags);
	arena_free(&e->scratch);
	g_free(e);
}

void engine_set_frame_hook(engine *e, frame_hook fn, void *user)
{
	e->hook = fn;
	e->hook_user = user;
}

/* ---- inner streams (bytes a dissector unwrapped, e.g. decrypted TLS) ---- */

static void flow_free_inner(engine *e, flow *f)
{
	for (int d = 0; d < 2; d++) {
		if (f->inner_dir[d]) {
			if (f->inner_dis && !f->inner_dir[d]->eof && !f->inner_dir[d]->dead)
				feed_eof(e, f, f->inner_dis, f->inner_st, f->inner_dir[d], (uint8_t)d);
		}
	}
	if (f->inner_dis) {
		dis_ctx c;
		dis_mark m = {0, f->last_frame, f->last_ts, f->last_input};
		ctx_init(e, f, f->inner_dis, DIR_C2S, &c, &m, 1);
		if (f->inner_dis->flow_end)
			f->inner_dis->flow_end(f->inner_st, &c);
		if (f->inner_dis->state_free)
			f->inner_dis->state_free(f->inner_st);
	}
	for (int d = 0; d < 2; d++) {
		if (f->inner_dir[d]) {
			buf_free(e, f->inner_dir[d]);
			g_free(f->inner_dir[d]);
			f->inner_dir[d] = NULL;
		}
	}
	f->inner_dis = NULL;
	f->inner_st = NULL;
}

void dis_inner_feed(dis_ctx *c, const uint8_t *p, size_t len)
{
	engine *e = c->engine;
	if (!e || !c->flow)
		return;
	flow *f = (flow *)((char *)c->flow - offsetof(flow, info));
	if (!f->inner_dis) {
		if (f->inner_unknown)
			return;
		f->inner_dis = dispatch_inner(f->info.sport);
		if (!f->inner_dis) {
			/* not an AMT port: the bytes say what they are (HTTP by its request line) */
			bool more;
			const dissector *d = dispatch_by_probe(6, p, len, c->dir, &more);
			if (d && d != f->dis)
				f->inner_dis = d;
		}
		if (!f->inner_dis) {
			f->inner_unknown = true;
			dis_note(c, f->dis ? f->dis->name : "tls", NOTE_INFO, 0,
				 "the %zu readable byte(s) inside TLS are no protocol amtscope knows; not decoded", len);
			return;
		}
		dis_ctx ic;
		ctx_init(e, f, f->inner_dis, c->dir, &ic, c->marks, c->nmarks);
		f->inner_st = f->inner_dis->state_new ? f->inner_dis->state_new(&ic) : NULL;
	}
	uint8_t d = c->dir;
	if (!f->inner_dir[d])
		f->inner_dir[d] = g_new0(flow_dir, 1);
	const dis_mark *m = c->nmarks ? &c->marks[c->nmarks - 1] : NULL;
	f->inner_dir[d]->last_frame = m ? m->frame : f->last_frame;
	f->inner_dir[d]->last_ts = m ? m->ts : f->last_ts;
	f->inner_dir[d]->last_input = m ? m->input : f->last_input;
	feed(e, f, f->inner_dis, f->inner_st, f->inner_dir[d], d, p, len,
	     f->inner_dir[d]->last_frame, f->inner_dir[d]->last_ts, f->inner_dir[d]->last_input);
}
