/* The capture engine: a run's engine, its frames in, the notes it makes
 * itself, and its end. Flows are kept in engine_flow.c, dissectors fed in
 * engine_feed.c. */
#include "engine.h"

#include <glib.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "engine_int.h"
#include "packet.h"

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

void eng_limit_hit(engine *e, limit_id l)
{
	if (e->run->stats.limit_hits[l]++ == 0)
		engine_note(e, NOTE_LIMIT, (int)l, "limit %s (%llu, %s) reached; raise it with %s",
			    amt_limits[l].name, (unsigned long long)e->run->cfg.limit[l], amt_limits[l].what,
			    amt_limits[l].option);
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
			eng_limit_hit(e, LIM_IP_FRAGMENTS);
	}
	if (st == PKT_MALFORMED) {
		s->malformed++;
		if (s->malformed <= 100)
			engine_note(e, NOTE_MALFORMED, -1, "frame %u: %s", frame, p.why);
	} else if (st == PKT_NOT_IP || st == PKT_UNSUPPORTED_LINK) {
		s->non_ip++;
	} else if (st == PKT_OK && (p.ipproto == 6 || p.ipproto == 17)) {
		e->cur_flow_id = 0;
		eng_transport_packet(e, &p, frame, ts);
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
	eng_expire(e);
	arena_reset(&e->scratch);
}

void engine_finish(engine *e)
{
	if (e->finished)
		return;
	e->finished = true;
	while (e->ft.lru_head)
		eng_drop_flow(e, e->ft.lru_head);
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
			c.run = e->run;
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
