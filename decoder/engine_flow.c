/* The engine's flows: a new flow and who is its client, TCP state and
 * reassembly, the flow events, and the end of a flow (finalize, expire). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "dispatch.h"
#include "engine_int.h"
#include "events/flow.h"
#include "packet.h"

/* ---- reassembly callbacks ---- */

typedef struct reasm_user {
	engine *e;
	flow *f;
	uint8_t dir;
} reasm_user;

static void on_data(void *user, const uint8_t *p, size_t len, uint32_t frame, int64_t ts)
{
	reasm_user *u = user;
	eng_app_data(u->e, u->f, u->dir, p, len, frame, ts, u->e->cur_input);
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
		eng_ctx_init(u->e, f, f->dis, u->dir, &c, &m, 1);
		eng_buf_free(u->e, fd);  /* the partial message cannot complete */
		eng_ensure_state(u->e, f);
		f->dis->gap(f->st, &c, len);
	} else {
		char why[96];
		snprintf(why, sizeof(why), "%u bytes missing from the capture", len);
		eng_give_up(u->e, f, f->dis, fd, u->dir, 0, NOTE_GAP, why);
	}
}

static void on_eof(void *user)
{
	reasm_user *u = user;
	flow *f = u->f;
	if (f->dis) {
		eng_ensure_state(u->e, f);
		eng_feed_eof(u->e, f, f->dis, f->st, &f->dir[u->dir], u->dir);
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
	eng_ctx_init(e, f, NULL, DIR_C2S, &c, &m, 1);
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
			eng_ensure_state(e, f);
			eng_feed_eof(e, f, f->dis, f->st, &f->dir[d], d);
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
		eng_ctx_init(e, f, f->dis, DIR_C2S, &c, &m, 1);
		if (f->dis->flow_end)
			f->dis->flow_end(f->st, &c);
		if (f->dis->state_free)
			f->dis->state_free(f->st);
		f->st = NULL;
	}
	eng_inner_free(e, f);
	emit_flow(e, f, EV_FLOW_CLOSE);
	for (int d = 0; d < 2; d++) {
		e->buffered -= reasm_held(&f->dir[d].r);
		reasm_free(&f->dir[d].r);
		eng_buf_free(e, &f->dir[d]);
	}
	flow_mark_closed(&e->ft, f, e->now);
}

void eng_drop_flow(engine *e, flow *f)
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

void eng_expire(engine *e)
{
	flow *f;
	while ((f = e->ft.closed_head) && e->now - f->closed_ts > CLOSED_LINGER_US)
		flow_remove(&e->ft, f);
	while ((f = e->ft.lru_head) && e->now - f->last_ts > idle_limit(e, f))
		eng_drop_flow(e, f);
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
			eng_limit_hit(e, LIM_FLOWS);
			eng_drop_flow(e, e->ft.lru_head);
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
		eng_limit_hit(e, LIM_OOO_SEGMENTS);
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

void eng_transport_packet(engine *e, pkt *p, uint32_t frame, int64_t ts)
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
	eng_ensure_state(e, f);
	dis_mark m = {0, frame, ts, e->cur_input};
	dis_ctx c;
	eng_ctx_init(e, f, f->dis, dir, &c, &m, 1);
	if (p->payload_missing)
		dis_note(&c, f->dis->name, NOTE_TRUNCATED, 0, "datagram cut by the capture's snaplen (%u bytes missing)",
			 p->payload_missing);
	eng_parse(e, &c, f->dis, f->st, p->payload, p->payload_len);
}
