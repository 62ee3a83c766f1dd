/* \summary: HTTP/1.x, carrying WS-Management and legacy AMT SOAP
 *
 * One state machine per direction: header block, then a body framed by
 * Content-Length, chunked coding (with trailers) or the end of the stream.
 * Bodies are copied into our own buffer up to LIM_HTTP_BODY so that the
 * engine never has to hold a whole message. Requests are queued per
 * connection and each final response takes the oldest (pipelining);
 * 1xx responses take nothing. Bodies that are SOAP go to wsman.c and
 * become EV_WSMAN_* events next to the EV_HTTP_* ones. Nothing here is
 * port-specific: the same code runs on 16992 and on decrypted 16993. */
#include <glib.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../decoder/dissector.h"
#include "../decoder/events/http.h"
#include "../decoder/events/wsman.h"
#include "http_priv.h"

static const char *const methods[] = {"GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS",
				      "PATCH", "CONNECT", "TRACE", "M-POST"};

static probe_result probe(const uint8_t *p, size_t len, uint8_t dir)
{
	(void)dir;
	static const char resp[] = "HTTP/1.";
	size_t rl = sizeof(resp) - 1;
	if (memcmp(p, resp, len < rl ? len : rl) == 0)
		return len < rl ? PROBE_MORE : PROBE_YES;
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
		size_t ml = strlen(methods[i]);
		if (len <= ml) {
			if (len && memcmp(p, methods[i], len) == 0)
				return PROBE_MORE;
			continue;
		}
		if (memcmp(p, methods[i], ml) == 0 && p[ml] == ' ')
			return PROBE_YES;
	}
	return PROBE_NO;
}

void http_pending_unref(pending *q)
{
	if (!q || --q->refs > 0)
		return;
	g_free(q->method);
	g_free(q->uri);
	if (q->authorization)
		memset(q->authorization, 0, strlen(q->authorization));
	g_free(q->authorization);
	g_free(q->action);
	g_free(q->operation);
	g_free(q->cls);
	g_free(q->wmethod);
	g_free(q);
}

void http_msg_clear(msg *m)
{
	if (m->authorization)
		memset(m->authorization, 0, strlen(m->authorization));
	/* the strings go with the arena; the next message of this direction
	 * reuses it, and a body buffer of usual size, instead of allocating */
	dis_hold_release(&m->body_held);
	arena strs = m->strs;
	arena_reset(&strs);
	GByteArray *keep = m->body && m->body->len <= BODY_KEEP ? m->body : NULL;
	if (m->body && !keep)
		g_byte_array_free(m->body, TRUE);
	http_pending_unref(m->req);
	memset(m, 0, sizeof(*m));
	if (keep)
		g_byte_array_set_size(keep, 0);
	m->body = keep;
	m->strs = strs;
}

static void http_msg_free(msg *m)
{
	http_msg_clear(m);
	if (m->body)
		g_byte_array_free(m->body, TRUE);
	m->body = NULL;
	arena_free(&m->strs);
}

static void *state_new(dis_ctx *c)
{
	(void)c;
	http_state *s = g_new0(http_state, 1);
	g_queue_init(&s->pending);
	for (int d = 0; d < 2; d++)
		arena_init(&s->d[d].m.strs, 1024);
	return s;
}

static void state_free(void *st)
{
	http_state *s = st;
	http_msg_free(&s->d[0].m);
	http_msg_free(&s->d[1].m);
	pending *q;
	while ((q = g_queue_pop_head(&s->pending)))
		http_pending_unref(q);
	g_free(s);
}

static uint32_t frame_at(const dis_ctx *c, size_t off)
{
	if (!c->nmarks)
		return 0;
	size_t lo = 0, hi = c->nmarks;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->marks[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return c->marks[lo].frame;
}

/* ---- body framing ---- */

static void body_append(dis_ctx *c, msg *m, const uint8_t *p, size_t n, size_t off)
{
	uint64_t cap = c->cfg->limit[LIM_HTTP_BODY];
	m->body_len += n;
	if (!m->body)
		m->body = g_byte_array_new();
	size_t room = m->body->len < cap ? (size_t)(cap - m->body->len) : 0;
	if (n > room && !m->body_truncated) {
		m->body_truncated = true;
		dis_limit(c, "http", LIM_HTTP_BODY, off);
	}
	size_t take = n < room ? n : room;
	if (take && !dis_hold_set(c, &m->body_held, m->body->len + take)) {
		/* many bodies at once: the copy stops, the framing goes on */
		if (!m->body_truncated)
			dis_limit(c, "http", LIM_TOTAL_BYTES, off);
		m->body_truncated = true;
		take = 0;
	}
	if (take)
		g_byte_array_append(m->body, p, (guint)take);
}

/* Returns false when the chunk-size line is invalid (the direction dies). */
static bool parse_chunk_size(const uint8_t *p, size_t n, uint64_t *size)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (; i < n && g_ascii_isxdigit(p[i]); i++, digits++) {
		if (v > (UINT64_MAX >> 4))
			return false;
		v = (v << 4) | (uint64_t)g_ascii_xdigit_value(p[i]);
	}
	if (!digits)
		return false;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && p[i] != ';' && p[i] != '\r' && p[i] != '\n')
		return false;
	*size = v;
	return true;
}

/* Which framing the body of the message just parsed has. */
static phase body_phase(http_state *s, http_dir *d)
{
	msg *m = &d->m;
	if (m->transfer_encoding && strstr(m->transfer_encoding, "chunked")) {
		m->chunked = true;
		return PH_CHUNK_SIZE;
	}
	if (!m->is_request) {
		pending *q = g_queue_peek_head(&s->pending);
		if (m->status < 200 || m->status == 204 || m->status == 304 ||
		    (q && strcmp(q->method, "HEAD") == 0))
			return PH_HEAD;
		if (q && strcmp(q->method, "CONNECT") == 0) {
			s->connect_sent = false;
			if (m->status < 300) {
				s->tunnel = true;
				return PH_TUNNEL;  /* not HTTP any more */
			}
		}
	}
	if (m->has_cl) {
		d->remaining = m->cl;
		return m->cl ? PH_BODY_LEN : PH_HEAD;
	}
	return m->is_request ? PH_HEAD : PH_BODY_EOF;
}

static size_t find_lf(const uint8_t *p, size_t n)
{
	wire w = wire_init(p, n);
	size_t lf;
	return wire_find(&w, '\n', &lf) ? lf : n;
}

/* Offset of the first line start in p that opens a message of this
 * direction, or n. */
static size_t find_start(const uint8_t *p, size_t n, uint8_t dir)
{
	for (size_t i = 0; i < n; i++) {
		if (i && p[i - 1] != '\n')
			continue;
		bool is_status = n - i >= 7 && memcmp(p + i, "HTTP/1.", 7) == 0;
		if (dir == DIR_S2C ? is_status : (!is_status && probe(p + i, n - i, dir) == PROBE_YES))
			return i;
	}
	return n;
}

void http_die(http_dir *d)
{
	http_msg_clear(&d->m);
	d->scanned = 0;
	d->ph = PH_DEAD;
}

/* The body cannot be framed any more: what was parsed of the message is
 * still reported (truncated), then this direction is given up. */
static dis_result give_up(dis_ctx *c, http_state *s, http_dir *d, size_t pos)
{
	if (d->m.version) {
		d->m.body_truncated = true;
		http_finish(c, s, &d->m, pos ? pos - 1 : 0);
	}
	http_die(d);
	return dis_error(pos);
}

/* Each phase step reads from p + *pos and moves *pos; it returns false,
 * with *out set, when parse() must return *out now. */
#define STEP_RETURN(r) do { *out = (r); return false; } while (0)

/* Not an HTTP start line at pos: look for the next message. */
static void start_resync(dis_ctx *c, http_dir *d, size_t pos)
{
	dis_note(c, "http", NOTE_MALFORMED, pos, "not an HTTP %s line: looking for the next message",
		 c->dir == DIR_C2S ? "request" : "status");
	d->ph = PH_RESYNC;
}

/* A header block parsed at pos, end bytes long: queue a request, choose
 * the body's framing, finish a message without a body. */
static void head_done(dis_ctx *c, http_state *s, http_dir *d, size_t *pos, size_t end)
{
	d->m.first_frame = frame_at(c, *pos);
	if (d->m.is_request) {
		http_queue_request(c, s, &d->m);
		if (!strcmp(d->m.method, "CONNECT"))
			s->connect_sent = true;
	}
	*pos += end;
	d->ph = body_phase(s, d);
	if (d->ph == PH_TUNNEL) {
		pending *cq = g_queue_peek_head(&s->pending);
		dis_note(c, "http", NOTE_INFO, *pos - 1,
			 "HTTP CONNECT %s answered %u: a tunnel; what follows is handed to the protocol it carries",
			 cq && cq->uri ? arena_printable(c->scratch, (const uint8_t *)cq->uri, strlen(cq->uri)) : "?",
			 d->m.status);
	}
	if (d->ph == PH_HEAD || d->ph == PH_TUNNEL)
		http_finish(c, s, &d->m, *pos - 1);
}

static bool head_step(dis_ctx *c, http_state *s, http_dir *d, const uint8_t *p, size_t len, size_t *pos,
		      dis_result *out)
{
	const uint8_t *q = p + *pos;
	size_t left = len - *pos;
	/* the client speaks through the tunnel once it is open; a TLS
	 * record right after CONNECT means the answer was not captured */
	if (c->dir == DIR_C2S && (s->tunnel || (s->connect_sent && *q == 0x16))) {
		d->ph = PH_TUNNEL;
		return true;
	}
	if (*q == '\r' || *q == '\n') {  /* stray CRLF between messages */
		(*pos)++;
		return true;
	}
	if (!d->scanned && probe(q, left, c->dir) == PROBE_NO) {
		/* not even the start of a request or status line: say so now,
		 * not when the stream ends without a header block */
		start_resync(c, d, *pos);
		return true;
	}
	uint64_t cap = c->cfg->limit[LIM_HTTP_HEADER];
	size_t upto = left < cap ? left : (size_t)cap;
	/* resume where the last call stopped: slow senders must not cost O(n^2) */
	size_t from = d->scanned > 3 ? d->scanned - 3 : 0;
	size_t end = from < upto ? http_find_head_end(q + from, upto - from) : 0;
	if (end)
		end += from;
	if (!end) {
		d->scanned = upto;
		if (left >= cap) {
			dis_limit(c, "http", LIM_HTTP_HEADER, *pos);
			http_die(d);
			STEP_RETURN(dis_error(*pos));
		}
		if (c->at_eof) {
			dis_note(c, "http", NOTE_TRUNCATED, *pos,
				 "HTTP header block cut short by the end of the stream (%zu bytes)", left);
			STEP_RETURN(dis_ok(len));
		}
		STEP_RETURN(dis_incomplete(*pos, 0));
	}
	d->scanned = 0;
	http_msg_clear(&d->m);
	if (!http_parse_head(&d->m, q, end)) {
		start_resync(c, d, *pos);
		http_msg_clear(&d->m);
		size_t line = find_lf(q, left);
		*pos += line < left ? line + 1 : left;
		d->skipped = line < left ? line + 1 : left;
		return true;
	}
	head_done(c, s, d, pos, end);
	return true;
}

/* Body bytes framed by a length, a chunk, or the end of the stream. */
static void body_step(dis_ctx *c, http_state *s, http_dir *d, const uint8_t *p, size_t len, size_t *pos)
{
	size_t take = len - *pos;
	if (d->ph != PH_BODY_EOF && d->remaining < take)
		take = (size_t)d->remaining;
	body_append(c, &d->m, p + *pos, take, *pos);
	*pos += take;
	if (d->ph == PH_BODY_EOF)
		return;
	d->remaining -= take;
	if (d->remaining)
		return;
	if (d->ph == PH_CHUNK_DATA) {
		d->ph = PH_CHUNK_CRLF;
	} else {
		d->ph = PH_HEAD;
		http_finish(c, s, &d->m, *pos - 1);
	}
}

/* One whole line q[0..lf) of the chunked coding at pos: a chunk size, the
 * CRLF after a chunk's data, or a trailer. */
static bool chunk_line(dis_ctx *c, http_state *s, http_dir *d, const uint8_t *q, size_t lf, size_t pos,
		       dis_result *out)
{
	bool empty = lf == 0 || (lf == 1 && q[0] == '\r');
	if (d->ph == PH_CHUNK_CRLF) {
		if (!empty) {
			dis_note(c, "http", NOTE_MALFORMED, pos, "chunk data not followed by CRLF");
			STEP_RETURN(give_up(c, s, d, pos));
		}
		d->ph = PH_CHUNK_SIZE;
	} else if (d->ph == PH_CHUNK_SIZE) {
		if (!parse_chunk_size(q, lf, &d->remaining)) {
			dis_note(c, "http", NOTE_MALFORMED, pos, "invalid or overflowing chunk size \"%s\"",
				 arena_printable(c->scratch, q, lf > 40 ? 40 : lf));
			STEP_RETURN(give_up(c, s, d, pos));
		}
		d->ph = d->remaining ? PH_CHUNK_DATA : PH_TRAILERS;
		d->trailer_bytes = 0;
	} else if (empty) {
		d->ph = PH_HEAD;
		http_finish(c, s, &d->m, pos + lf);
	} else {
		d->m.trailers++;
		d->trailer_bytes += lf + 1;
		if (d->trailer_bytes > c->cfg->limit[LIM_HTTP_HEADER]) {
			dis_limit(c, "http", LIM_HTTP_HEADER, pos);
			STEP_RETURN(give_up(c, s, d, pos));
		}
	}
	return true;
}

static bool chunk_step(dis_ctx *c, http_state *s, http_dir *d, const uint8_t *p, size_t len, size_t *pos,
		       dis_result *out)
{
	const uint8_t *q = p + *pos;
	size_t left = len - *pos;
	size_t lim = left < CHUNK_LINE_MAX ? left : CHUNK_LINE_MAX;
	size_t from = d->scanned < lim ? d->scanned : 0;  /* resume, as for headers */
	size_t lf = from + find_lf(q + from, lim - from);
	if (lf == lim) {
		d->scanned = lim;
		if (left >= CHUNK_LINE_MAX) {
			dis_note(c, "http", NOTE_MALFORMED, *pos, "chunk line longer than %d bytes", CHUNK_LINE_MAX);
			STEP_RETURN(give_up(c, s, d, *pos));
		}
		if (c->at_eof) {
			*pos = len;  /* http_end_of_stream() reports the cut */
			return true;
		}
		STEP_RETURN(dis_incomplete(*pos, 0));
	}
	d->scanned = 0;
	if (!chunk_line(c, s, d, q, lf, *pos, out))
		return false;
	*pos += lf + 1;
	return true;
}

static bool resync_step(dis_ctx *c, http_dir *d, const uint8_t *p, size_t len, size_t *pos, dis_result *out)
{
	size_t left = len - *pos;
	size_t at = find_start(p + *pos, left, c->dir);
	if (at == left) {
		/* a start line may straddle segments: keep a little */
		size_t keep = left > 16 ? 16 : left;
		d->skipped += left - keep;
		*pos += left - keep;
		if (c->at_eof) {
			*pos = len;
			return true;
		}
		STEP_RETURN(dis_incomplete(*pos, 0));
	}
	d->skipped += at;
	*pos += at;
	dis_note(c, "http", NOTE_INFO, *pos, "resynchronised on the next HTTP message after %" PRIu64 " bytes",
		 d->skipped);
	d->skipped = 0;
	d->ph = PH_HEAD;
	return true;
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	http_state *s = st;
	http_dir *d = &s->d[c->dir];
	size_t pos = 0;
	dis_result out = dis_ok(0);
	while (pos < len && d->ph != PH_DEAD) {
		bool go_on = true;
		switch (d->ph) {
		case PH_HEAD:
			go_on = head_step(c, s, d, p, len, &pos, &out);
			break;
		case PH_BODY_LEN:
		case PH_CHUNK_DATA:
		case PH_BODY_EOF:
			body_step(c, s, d, p, len, &pos);
			break;
		case PH_CHUNK_SIZE:
		case PH_CHUNK_CRLF:
		case PH_TRAILERS:
			go_on = chunk_step(c, s, d, p, len, &pos, &out);
			break;
		case PH_RESYNC:
			go_on = resync_step(c, d, p, len, &pos, &out);
			break;
		case PH_TUNNEL:
			dis_inner_feed_at(c, pos, p + pos, len - pos);
			pos = len;
			break;
		case PH_DEAD:
			break;
		}
		if (!go_on)
			return out;
		if (c->at_eof && pos >= len)
			break;
	}
	if (c->at_eof)
		http_end_of_stream(c, s, d, len);
	return d->ph == PH_DEAD ? dis_ok(len) : dis_ok(pos);
}

static void gap(void *st, dis_ctx *c, size_t len)
{
	http_state *s = st;
	http_dir *d = &s->d[c->dir];
	if ((d->ph == PH_BODY_LEN || d->ph == PH_CHUNK_DATA) && d->remaining >= len) {
		d->remaining -= len;
		d->m.body_len += len;
		d->m.body_truncated = true;
		return;
	}
	if (d->ph == PH_BODY_EOF) {
		d->m.body_len += len;
		d->m.body_truncated = true;
		return;
	}
	if (d->ph == PH_DEAD || d->ph == PH_TUNNEL)
		return;
	if (d->ph != PH_RESYNC)
		dis_note(c, "http", NOTE_GAP, 0, "%zu bytes missing outside a body: looking for the next message", len);
	http_msg_clear(&d->m);
	d->ph = PH_RESYNC;
	d->scanned = 0;
	d->skipped += len;
}

const dissector dissector_http = {
	.name = "http",
	.ipproto = 6,
	.ports = {AMT_PORT_HTTP, AMT_PORT_RMCP, 0},
	.tls_ports = {AMT_PORT_HTTPS, AMT_PORT_RMCP_SECURE, 0},
	.probe = probe,
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
	.gap = gap,
};
