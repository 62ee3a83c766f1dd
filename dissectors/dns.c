/* \summary: DNS over UDP (one message per datagram) and TCP (2-byte length
 * prefix, several messages per stream). Emits EV_DNS_QUERY for queries,
 * EV_DNS_ANSWER for NOERROR responses, EV_DNS_FAILURE for error rcodes and
 * for queries left unanswered; pairs them by id within the flow. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/dissector.h"
#include "../decoder/events/dns.h"
#include "dns_rr.h"
#include "dnsname.h"

#define DNS_MAX_PENDING 256

typedef struct pending_query {
	uint16_t id, qtype;
	uint8_t opcode;
	char *qname;
	uint32_t frame;
	int64_t ts;
	uint8_t dir;
} pending_query;

/* After a gap in a TCP stream the next message's length prefix is looked
 * for; a message is at most 65535 bytes, so one must start within this
 * many bytes of the gap. */
#define DNS_RESYNC_WINDOW (65535 + 2)

typedef struct dns_state {
	GArray *pending;  /* pending_query, oldest first */
	bool resync[2];   /* per direction: looking for a message boundary after a gap */
	size_t skipped[2];
} dns_state;

static const char *type_text(arena *a, uint16_t t)
{
	const char *n = dns_type_name(t);
	return n ? n : arena_printf(a, "Unknown (%u)", t);
}

/* Wireshark shows the root name as <Root>; the differential tests compare
 * field by field, so the same spelling is used. */
static const char *shown_name(const char *n)
{
	return n && *n ? n : "<Root>";
}

static void pending_clear(gpointer p)
{
	g_free(((pending_query *)p)->qname);
}

static void *state_new(dis_ctx *c)
{
	(void)c;
	dns_state *st = g_new0(dns_state, 1);
	st->pending = g_array_new(FALSE, TRUE, sizeof(pending_query));
	g_array_set_clear_func(st->pending, pending_clear);
	return st;
}

static void state_free(void *p)
{
	dns_state *st = p;
	g_array_free(st->pending, TRUE);
	g_free(st);
}

static void emit_unanswered(dis_ctx *c, const pending_query *q, const char *why)
{
	event *e = dis_event(c, EV_DNS_FAILURE, "dns", 0, 0);
	ev_dns *d = arena_alloc(c->scratch, sizeof(*d));
	d->id = q->id;
	d->qname = arena_strdup(c->scratch, q->qname);
	d->qtype = q->qtype;
	d->qclass = 1;
	d->failure = DNS_FAIL_NO_ANSWER;
	d->query_frame = q->frame;
	d->query_ts = q->ts;
	d->tcp = c->flow && c->flow->ipproto == 6;
	e->dir = q->dir;
	e->frame_first = e->frame_last = q->frame;
	e->ts = q->ts;
	if (c->flow) {
		d->client = *ev_src(e);
		d->server = *ev_dst(e);
	}
	e->data = d;
	d->opcode = q->opcode;
	ev_set_info(e, "%s 0x%04x %s %s: no response (%s)", dns_opcode_name(q->opcode), q->id,
		    type_text(c->scratch, q->qtype), shown_name(q->qname), why);
	ev_uint(e, "dns.id", q->id);
	ev_str(e, "dns.qry.name", shown_name(d->qname));
	ev_uint(e, "dns.qry.type", q->qtype);
	ev_bool(e, "dns.unanswered", true);
	dis_emit(c, e);
}

/* Queries older than the timeout at `now` are reported as unanswered. */
static void expire_pending(dns_state *st, dis_ctx *c, int64_t now, bool all)
{
	int64_t timeout = c->cfg->dns_timeout_us;
	guint i = 0;
	while (i < st->pending->len) {
		pending_query *q = &g_array_index(st->pending, pending_query, i);
		if (all || now - q->ts > timeout) {
			emit_unanswered(c, q, all ? "flow ended" : "timed out");
			g_array_remove_index(st->pending, i);
		} else {
			i++;
		}
	}
}

static void remember_query(dns_state *st, dis_ctx *c, const ev_dns *d, const event *e)
{
	for (guint i = 0; i < st->pending->len; i++) {
		pending_query *q = &g_array_index(st->pending, pending_query, i);
		if (q->id == d->id && q->dir == e->dir)
			return;  /* a retransmission: the first query is the evidence */
	}
	if (st->pending->len >= DNS_MAX_PENDING) {
		emit_unanswered(c, &g_array_index(st->pending, pending_query, 0),
				"too many outstanding queries");
		g_array_remove_index(st->pending, 0);
	}
	pending_query q = {d->id, d->qtype, d->opcode, g_strdup(d->qname ? d->qname : ""), e->frame_first,
			   e->ts, e->dir};
	g_array_append_val(st->pending, q);
}

static void match_response(dns_state *st, ev_dns *d, uint8_t dir)
{
	for (guint i = 0; i < st->pending->len; i++) {
		pending_query *q = &g_array_index(st->pending, pending_query, i);
		if (q->id == d->id && q->dir != dir) {
			d->query_frame = q->frame;
			d->query_ts = q->ts;
			g_array_remove_index(st->pending, i);
			return;
		}
	}
}

static void add_fields(event *e, const ev_dns *d)
{
	ev_uint(e, "dns.id", d->id);
	ev_bool(e, "dns.flags.response", d->response);
	ev_uint(e, "dns.flags.opcode", d->opcode);
	if (d->response) {
		ev_bool(e, "dns.flags.authoritative", d->authoritative);
		ev_uint(e, "dns.flags.rcode", d->rcode);
	}
	ev_bool(e, "dns.flags.truncated", d->truncated);
	bool update = d->opcode == DNS_OP_UPDATE;  /* RFC 2136 names the sections differently */
	ev_uint(e, update ? "dns.count.zones" : "dns.count.queries", d->qdcount);
	ev_uint(e, update ? "dns.count.prerequisites" : "dns.count.answers", d->ancount);
	ev_uint(e, update ? "dns.count.updates" : "dns.count.auth_rr", d->nscount);
	ev_uint(e, "dns.count.add_rr", d->arcount);
	if (d->qname) {
		ev_str(e, "dns.qry.name", shown_name(d->qname));
		ev_uint(e, "dns.qry.type", d->qtype);
		ev_uint(e, "dns.qry.class", d->qclass);
	}
	for (size_t i = 0; i < d->nrrs; i++)
		dns_rr_fields(e, &d->rrs[i]);
	if (d->response && d->query_frame)
		ev_uint(e, "dns.response_to", d->query_frame);
	if (d->response && d->query_frame && e->ts >= d->query_ts)
		ev_uint(e, "dns.time_us", (uint64_t)(e->ts - d->query_ts));
}

static void set_info(event *e, const ev_dns *d)
{
	GString *s = g_string_new(dns_opcode_name(d->opcode));
	if (d->response)
		g_string_append(s, " response");
	g_string_append_printf(s, " 0x%04x", d->id);
	if (d->response && d->rcode)
		g_string_append_printf(s, " %s", dns_rcode_name(d->rcode));
	if (d->qname)
		g_string_append_printf(s, " %s %s", type_text(e->a, d->qtype), shown_name(d->qname));
	for (size_t i = 0; i < d->nrrs && s->len < 400; i++) {
		const dns_rr *r = &d->rrs[i];
		g_string_append_printf(s, " %s", type_text(e->a, r->type));
		if (r->rclass == DNS_C_ANY || r->rclass == DNS_C_NONE)
			g_string_append_printf(s, " %s", dns_class_name(r->rclass));
		if (r->type != DNS_T_OPT && r->text && *r->text)
			g_string_append_printf(s, " %s", r->text);
	}
	e->info = arena_strdup(e->a, s->str);
	g_string_free(s, TRUE);
}

/* One whole DNS message msg[0..len) found at buffer offset `off`. */
static void parse_message(dns_state *st, dis_ctx *c, const uint8_t *msg, size_t len,
			  size_t off, bool tcp)
{
	wire w = wire_init(msg, len);
	ev_dns *d = arena_alloc(c->scratch, sizeof(*d));
	d->tcp = tcp;
	d->id = wire_u16be(&w);
	uint16_t flags = wire_u16be(&w);
	d->qdcount = wire_u16be(&w);
	d->ancount = wire_u16be(&w);
	d->nscount = wire_u16be(&w);
	d->arcount = wire_u16be(&w);
	if (w.err) {
		dis_note(c, "dns", NOTE_TRUNCATED, off, "DNS message of %zu bytes is shorter than its 12-byte header", len);
		return;
	}
	d->response = flags & 0x8000;
	d->opcode = (flags >> 11) & 0xf;
	d->authoritative = flags & 0x0400;
	d->truncated = flags & 0x0200;
	d->rcode = flags & 0xf;

	uint64_t cap = c->cfg->limit[LIM_DNS_RECORDS];
	bool limited = false;
	const char *problem = NULL;
	size_t pos = 12;
	char name[DNSNAME_MAX];
	for (uint32_t i = 0; i < d->qdcount && !problem; i++) {
		if (i >= cap) {
			limited = true;
			break;
		}
		dnsname_status ns = dnsname_read(msg, len, &pos, name, sizeof(name), 1);
		if (ns != DNSNAME_OK) {
			problem = arena_printf(c->scratch, "question %u: %s", i + 1, dnsname_status_text(ns));
			break;
		}
		if (i == 0)
			d->qname = arena_strdup(c->scratch, name);
		wire q = wire_init(msg, len);
		q.pos = pos;
		uint16_t qtype = wire_u16be(&q), qclass = wire_u16be(&q);
		if (q.err) {
			problem = arena_printf(c->scratch, "question %u runs past the end of the message", i + 1);
			break;
		}
		pos = q.pos;
		if (i == 0) {
			d->qtype = qtype;
			d->qclass = qclass & 0x7fff;
		}
	}

	bool questions_done = !problem;
	const char *rdata_problem = NULL;
	uint32_t total = (uint32_t)d->ancount + d->nscount + d->arcount;
	uint32_t room = total < cap ? total : (uint32_t)cap;
	d->rrs = arena_alloc(c->scratch, (room ? room : 1) * sizeof(dns_rr));
	/* past a capped question section the records' offsets are unknown */
	for (uint32_t i = 0; i < total && !problem && !limited; i++) {
		if (d->nrrs >= room) {
			limited = true;
			break;
		}
		dns_section sec = i < d->ancount ? DNS_SEC_ANSWER
				  : i < (uint32_t)d->ancount + d->nscount ? DNS_SEC_AUTHORITY
									   : DNS_SEC_ADDITIONAL;
		dns_rr *r = &d->rrs[d->nrrs];
		problem = dns_rr_read(c->scratch, msg, len, &pos, sec, r);
		if (problem) {
			problem = arena_printf(c->scratch, "record %u: %s", i + 1, problem);
		} else {
			if (r->rdata_problem && !rdata_problem)
				rdata_problem = arena_printf(c->scratch, "record %u: %s", i + 1, r->rdata_problem);
			d->nrrs++;
		}
	}
	if (limited)
		dis_limit(c, "dns", LIM_DNS_RECORDS, off);
	if (problem && !questions_done)
		dis_note(c, "dns", NOTE_MALFORMED, off, "DNS message 0x%04x: %s; the rest of the message is not decoded",
			 d->id, problem);
	else if (problem)
		dis_note(c, "dns", NOTE_MALFORMED, off, "DNS message 0x%04x: %s; decoded %zu of %u records",
			 d->id, problem, d->nrrs, total);
	if (rdata_problem)
		dis_note(c, "dns", NOTE_MALFORMED, off, "DNS message 0x%04x: %s; the other records decoded",
			 d->id, rdata_problem);
	if (!problem && pos < len && !limited)
		dis_note(c, "dns", NOTE_MALFORMED, off, "DNS message 0x%04x: %zu bytes after the last record",
			 d->id, len - pos);
	dns_resolve_chain(c->scratch, d);

	ev_kind kind = !d->response ? EV_DNS_QUERY : d->rcode ? EV_DNS_FAILURE : EV_DNS_ANSWER;
	event *e = dis_event(c, kind, "dns", off, len);
	if (kind == EV_DNS_FAILURE)
		d->failure = DNS_FAIL_RCODE;
	if (c->flow) {
		d->client = d->response ? *ev_dst(e) : *ev_src(e);
		d->server = d->response ? *ev_src(e) : *ev_dst(e);
	}
	expire_pending(st, c, e->ts, false);
	if (d->response)
		match_response(st, d, e->dir);
	else if (d->qname)
		remember_query(st, c, d, e);  /* a query without a readable question cannot be answered */
	e->data = d;
	add_fields(e, d);
	set_info(e, d);
	dis_emit(c, e);
}

/* Could a DNS message of mlen bytes start at m (avail bytes present)?
 * ok (len mlen) yes, error no, incomplete: not enough bytes to tell. */
static frame_result plausible_message(const uint8_t *m, size_t avail, size_t mlen)
{
	if (mlen < 12)
		return frame_error("not a DNS message");
	if (avail < 12)
		return frame_incomplete(12);
	wire w = wire_init(m, avail);
	uint16_t flags = wire_peek_u16be(&w, 2);
	uint16_t qd = wire_peek_u16be(&w, 4);
	uint32_t rrs = (uint32_t)wire_peek_u16be(&w, 6) + wire_peek_u16be(&w, 8) + wire_peek_u16be(&w, 10);
	uint8_t opcode = (flags >> 11) & 0xf;
	/* query, NOTIFY, UPDATE; one question (zone), or none in the later
	 * messages of a zone transfer */
	if ((opcode != DNS_OP_QUERY && opcode != DNS_OP_NOTIFY && opcode != DNS_OP_UPDATE) ||
	    (flags & 0x0040) || (flags & 0xf) > 10 || qd > 1 || (!qd && (!(flags & 0x8000) || !rrs)))
		return frame_error("not a DNS message");
	/* a record takes at least 11 bytes, a question 5 */
	if (qd * 5u + rrs * 11u > mlen - 12)
		return frame_error("not a DNS message");
	size_t pos = 12;
	char name[DNSNAME_MAX];
	size_t have = avail < mlen ? avail : mlen;
	dnsname_status ns = dnsname_read(m, have, &pos, name, sizeof(name), 1);
	if (ns != DNSNAME_OK)
		return have < mlen ? frame_incomplete(mlen) : frame_error("not a DNS message");
	size_t cls_at = pos + 2;  /* after the type, of the question or the first record */
	if (cls_at + 2 > have)
		return have < mlen ? frame_incomplete(mlen) : frame_error("not a DNS message");
	uint16_t cls = wire_peek_u16be(&w, cls_at) & 0x7fff;
	bool known = cls == DNS_C_IN || cls == 3 || cls == 4 || cls == DNS_C_NONE || cls == DNS_C_ANY;
	return known ? frame_ok(mlen) : frame_error("unknown class");
}

/* Finds the next message boundary after a gap. Returns the offset of the
 * length prefix, or len (nothing yet) with *need set when more bytes could
 * tell. */
static size_t find_boundary(const uint8_t *p, size_t len, bool eof, size_t *need)
{
	*need = 0;
	wire w = wire_init(p, len);
	for (size_t i = 0; i + 2 <= len; i++) {
		size_t mlen = wire_peek_u16be(&w, i);
		frame_result f = plausible_message(p + i + 2, len - i - 2, mlen);
		if (f.status == FRAME_OK)
			return i;
		if (f.status == FRAME_INCOMPLETE && !eof) {
			*need = 1;
			return i;
		}
	}
	return len;
}

static dis_result resync(dns_state *st, dis_ctx *c, const uint8_t *p, size_t len, size_t *at)
{
	uint8_t d = c->dir & 1;
	size_t need;
	size_t i = find_boundary(p, len, c->at_eof, &need);
	if (need) {
		st->skipped[d] += i;
		return dis_incomplete(i, 1);
	}
	if (i < len) {
		dis_note(c, "dns", NOTE_INFO, i, "DNS over TCP: resumed at a message boundary %zu bytes after the gap",
			 st->skipped[d] + i);
		st->resync[d] = false;
		st->skipped[d] = 0;
		*at = i;
		return dis_ok(0);
	}
	size_t keep = len > 13 ? 13 : len;  /* a prefix and header may straddle two calls */
	st->skipped[d] += len - keep;
	if (st->skipped[d] > DNS_RESYNC_WINDOW) {
		dis_note(c, "dns", NOTE_UNDECODABLE, 0,
			 "DNS over TCP: no message boundary within %zu bytes after the gap; stopped",
			 st->skipped[d]);
		return dis_error(len);
	}
	if (c->at_eof) {
		dis_note(c, "dns", NOTE_UNDECODABLE, 0,
			 "DNS over TCP: the stream ended before a message boundary was found after the gap");
		return dis_ok(len);
	}
	return dis_incomplete(len - keep, 0);
}

static dis_result parse_stream(dns_state *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	size_t pos = 0;
	if (st->resync[c->dir & 1]) {
		dis_result r = resync(st, c, p, len, &pos);
		if (st->resync[c->dir & 1] || r.status == DIS_ERROR)
			return r;
	}
	wire w = wire_init(p, len);
	while (pos < len) {
		if (len - pos < 2) {
			if (c->at_eof)
				break;
			return dis_incomplete(pos, 2 - (len - pos));
		}
		size_t mlen = wire_peek_u16be(&w, pos);
		if (len - pos - 2 < mlen) {
			if (!c->at_eof)
				return dis_incomplete(pos, mlen - (len - pos - 2));
			dis_note(c, "dns", NOTE_TRUNCATED, pos,
				 "DNS over TCP: message of %zu bytes cut off after %zu bytes", mlen, len - pos - 2);
			if (len - pos - 2 >= 12)
				parse_message(st, c, p + pos + 2, len - pos - 2, pos, true);
			return dis_ok(len);
		}
		if (mlen)
			parse_message(st, c, p + pos + 2, mlen, pos, true);
		pos += 2 + mlen;
	}
	if (pos < len)
		dis_note(c, "dns", NOTE_TRUNCATED, pos, "DNS over TCP: %zu stray bytes at the end of the stream",
			 len - pos);
	return dis_ok(len);
}

static dis_result parse(void *p_st, dis_ctx *c, const uint8_t *p, size_t len)
{
	dns_state *st = p_st;
	if (c->flow && c->flow->ipproto == 6)
		return parse_stream(st, c, p, len);
	parse_message(st, c, p, len, 0, false);
	return dis_ok(len);
}

/* Bytes lost in a TCP stream: the partial message is gone (the engine
 * dropped it); look for the next message boundary. */
static void gap(void *p_st, dis_ctx *c, size_t len)
{
	dns_state *st = p_st;
	if (c->flow && c->flow->ipproto != 6)
		return;
	st->resync[c->dir & 1] = true;
	st->skipped[c->dir & 1] = 0;
	dis_note(c, "dns", NOTE_GAP, 0, "DNS over TCP: %zu bytes missing; looking for the next message boundary",
		 len);
}

static void flow_end(void *p_st, dis_ctx *c)
{
	dns_state *st = p_st;
	expire_pending(st, c, 0, true);
}

/* Port 53 decides; for other ports (mDNS is out of scope) no probe. */
const dissector dissector_dns = {
	.name = "dns",
	.ipproto = 17,
	.also_ipproto = 6,  /* DNS over TCP: the same parser, after a length prefix */
	.ports = {53, 0},
	.tls_ports = {0},
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
	.gap = gap,
	.flow_end = flow_end,
};
