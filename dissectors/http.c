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

/* ---- header block ---- */

/* Every text of the start line and the headers is kept through here: the
 * peer chose it, so control bytes (ESC, BEL, CR, BS...) become \xNN as in
 * every dissector's strings, before any report or terminal sees them.
 * As a C string: a NUL ends it, as it would in g_strndup. */
static char *peer_text(msg *m, const char *s, size_t n)
{
	return arena_printable(&m->strs, (const uint8_t *)s, strnlen(s, n));
}

static size_t trim(const char **s, size_t n)
{
	while (n && (**s == ' ' || **s == '\t'))
		(*s)++, n--;
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r'))
		n--;
	return n;
}

/* A header value without the blanks around it, in the message's arena. */
static char *dup_trim(msg *m, const char *s, size_t n)
{
	n = trim(&s, n);
	return peer_text(m, s, n);
}

/* The same, unescaped: for headers whose parts are parsed, then escaped. */
static char *raw_trim(msg *m, const char *s, size_t n)
{
	n = trim(&s, n);
	return arena_strndup(&m->strs, s, strnlen(s, n));
}

static bool parse_uint(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !g_ascii_isdigit(*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* One header: name and value as spans of the block (value not yet
 * trimmed). Only the headers we keep are copied. */
static void set_header(msg *m, const char *name, size_t nl, const char *value, size_t vl)
{
#define KNOWN(n, field) {n, sizeof(n) - 1, offsetof(msg, field)}
	static const struct {
		const char *name;
		size_t len, off;
	} known[] = {
		KNOWN("host", host),
		KNOWN("user-agent", user_agent),
		KNOWN("server", server),
		KNOWN("content-type", content_type),
		KNOWN("connection", connection),
		KNOWN("transfer-encoding", transfer_encoding),
		KNOWN("soapaction", soap_action),
		KNOWN("expect", expect),
		KNOWN("authorization", authorization),
		KNOWN("www-authenticate", www_authenticate),
	};
#undef KNOWN
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		if (known[i].len != nl || g_ascii_strncasecmp(name, known[i].name, nl) != 0)
			continue;
		char **slot = (char **)((char *)m + known[i].off);
		if (*slot)  /* first wins; a second challenge is rarely useful */
			return;
		if (slot == &m->authorization || slot == &m->www_authenticate)
			*slot = raw_trim(m, value, vl);  /* parsed (http_auth.c), never shown whole */
		else
			*slot = dup_trim(m, value, vl);
		return;
	}
	if (nl == 14 && g_ascii_strncasecmp(name, "content-length", nl) == 0 && !m->has_cl) {
		m->has_cl = parse_uint(dup_trim(m, value, vl), &m->cl);
	}
}

static bool parse_start_line(msg *m, const char *line)
{
	if (strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = strchr(line, ' ');
		if (!sp || !g_ascii_isdigit(sp[1]) || !g_ascii_isdigit(sp[2]) || !g_ascii_isdigit(sp[3]) ||
		    (sp[4] && sp[4] != ' '))
			return false;
		m->is_request = false;
		m->version = peer_text(m, line, (size_t)(sp - line));
		m->status = (unsigned)((sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0'));
		m->reason = sp[4] ? peer_text(m, sp + 5, strlen(sp + 5)) : arena_strdup(&m->strs, "");
		return true;
	}
	const char *sp1 = strchr(line, ' ');
	const char *sp2 = sp1 ? strrchr(line, ' ') : NULL;
	if (!sp1 || sp2 == sp1 || strncmp(sp2 + 1, "HTTP/", 5) != 0)
		return false;
	for (const char *t = line; t < sp1; t++)
		if (!g_ascii_isupper(*t) && *t != '-' && *t != '_')
			return false;
	m->is_request = true;
	m->method = peer_text(m, line, (size_t)(sp1 - line));
	m->uri = dup_trim(m, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	m->version = peer_text(m, sp2 + 1, strlen(sp2 + 1));
	return true;
}

/* The header block [p, p+n): the start line, then one header per line;
 * obs-fold continuation lines join the header before them. As C strings:
 * a NUL ends the block. */
static bool parse_head(msg *m, const uint8_t *p, size_t n)
{
	const char *b = (const char *)p, *nul = memchr(b, 0, n), *end = nul ? nul : b + n;
	const char *nl = memchr(b, '\n', (size_t)(end - b)), *le = nl ? nl : end;
	const char *fe = le;
	while (fe > b && g_ascii_isspace(fe[-1]))
		fe--;
	char *first = g_strndup(b, (size_t)(fe - b));
	bool ok = parse_start_line(m, first);
	g_free(first);
	const char *name = NULL, *val = NULL;
	size_t namel = 0, vall = 0;
	GString *folded = NULL;  /* the value, once a continuation line joined it */
	for (const char *l = nl ? nl + 1 : end; ok && l <= end; l = le + 1) {
		nl = memchr(l, '\n', (size_t)(end - l));
		le = nl ? nl : end;
		size_t ll = (size_t)(le - l);
		if (ll && l[ll - 1] == '\r')
			ll--;
		if (ll && (l[0] == ' ' || l[0] == '\t') && name) {
			const char *s = l, *e = l + ll;
			while (s < e && g_ascii_isspace(*s))
				s++;
			while (e > s && g_ascii_isspace(e[-1]))
				e--;
			if (!folded)
				folded = g_string_new_len(val, (gssize)vall);
			g_string_append_c(folded, ' ');
			g_string_append_len(folded, s, e - s);
		} else if (ll) {
			if (name)
				set_header(m, name, namel, folded ? folded->str : val, folded ? folded->len : vall);
			name = NULL;
			if (folded) {
				memset(folded->str, 0, folded->len);
				g_string_free(folded, TRUE);
				folded = NULL;
			}
			const char *colon = memchr(l, ':', ll);
			if (colon) {  /* else not a header: ignored, like most servers do */
				name = l;
				namel = (size_t)(colon - l);
				while (namel && (*name == ' ' || *name == '\t'))
					name++, namel--;
				while (namel && (name[namel - 1] == ' ' || name[namel - 1] == '\t' || name[namel - 1] == '\r'))
					namel--;
				val = colon + 1;
				vall = (size_t)(l + ll - val);
			}
		}
		if (!nl)
			break;
	}
	if (name)
		set_header(m, name, namel, folded ? folded->str : val, folded ? folded->len : vall);
	if (folded) {
		memset(folded->str, 0, folded->len);
		g_string_free(folded, TRUE);
	}
	return ok;
}

/* End of the header block: offset just past the empty line, or 0. */
static size_t find_head_end(const uint8_t *p, size_t len)
{
	for (const uint8_t *nl = p; (nl = memchr(nl, '\n', len - (size_t)(nl - p))); nl++) {
		size_t i = (size_t)(nl - p);
		if (i + 1 < len && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
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
	const uint8_t *lf = memchr(p, '\n', n);
	return lf ? (size_t)(lf - p) : n;
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

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	http_state *s = st;
	http_dir *d = &s->d[c->dir];
	size_t pos = 0;
	while (pos < len && d->ph != PH_DEAD) {
		const uint8_t *q = p + pos;
		size_t left = len - pos;
		switch (d->ph) {
		case PH_HEAD: {
			/* the client speaks through the tunnel once it is open; a TLS
			 * record right after CONNECT means the answer was not captured */
			if (c->dir == DIR_C2S && (s->tunnel || (s->connect_sent && *q == 0x16))) {
				d->ph = PH_TUNNEL;
				break;
			}
			if (*q == '\r' || *q == '\n') {  /* stray CRLF between messages */
				pos++;
				continue;
			}
			if (!d->scanned && probe(q, left, c->dir) == PROBE_NO) {
				/* not even the start of a request or status line: say so now,
				 * not when the stream ends without a header block */
				dis_note(c, "http", NOTE_MALFORMED, pos, "not an HTTP %s line: looking for the next message",
					 c->dir == DIR_C2S ? "request" : "status");
				d->ph = PH_RESYNC;
				break;
			}
			uint64_t cap = c->cfg->limit[LIM_HTTP_HEADER];
			size_t upto = left < cap ? left : (size_t)cap;
			/* resume where the last call stopped: slow senders must not cost O(n^2) */
			size_t from = d->scanned > 3 ? d->scanned - 3 : 0;
			size_t end = from < upto ? find_head_end(q + from, upto - from) : 0;
			if (end)
				end += from;
			if (!end) {
				d->scanned = upto;
				if (left >= cap) {
					dis_limit(c, "http", LIM_HTTP_HEADER, pos);
					http_die(d);
					return dis_error(pos);
				}
				if (c->at_eof) {
					dis_note(c, "http", NOTE_TRUNCATED, pos,
						 "HTTP header block cut short by the end of the stream (%zu bytes)", left);
					return dis_ok(len);
				}
				return dis_incomplete(pos, 0);
			}
			d->scanned = 0;
			http_msg_clear(&d->m);
			if (!parse_head(&d->m, q, end)) {
				dis_note(c, "http", NOTE_MALFORMED, pos, "not an HTTP %s line: looking for the next message",
					 c->dir == DIR_C2S ? "request" : "status");
				http_msg_clear(&d->m);
				size_t line = find_lf(q, left);
				pos += line < left ? line + 1 : left;
				d->ph = PH_RESYNC;
				d->skipped = line < left ? line + 1 : left;
				break;
			}
			d->m.first_frame = frame_at(c, pos);
			if (d->m.is_request) {
				http_queue_request(c, s, &d->m);
				if (!strcmp(d->m.method, "CONNECT"))
					s->connect_sent = true;
			}
			pos += end;
			d->ph = body_phase(s, d);
			if (d->ph == PH_TUNNEL) {
				pending *cq = g_queue_peek_head(&s->pending);
				dis_note(c, "http", NOTE_INFO, pos - 1,
					 "HTTP CONNECT %s answered %u: a tunnel; what follows is handed to the protocol it carries",
					 cq && cq->uri ? arena_printable(c->scratch, (const uint8_t *)cq->uri, strlen(cq->uri)) : "?",
					 d->m.status);
			}
			if (d->ph == PH_HEAD || d->ph == PH_TUNNEL)
				http_finish(c, s, &d->m, pos - 1);
			break;
		}
		case PH_BODY_LEN:
		case PH_CHUNK_DATA:
		case PH_BODY_EOF: {
			size_t take = left;
			if (d->ph != PH_BODY_EOF && d->remaining < take)
				take = (size_t)d->remaining;
			body_append(c, &d->m, q, take, pos);
			pos += take;
			if (d->ph == PH_BODY_EOF)
				break;
			d->remaining -= take;
			if (d->remaining)
				break;
			if (d->ph == PH_CHUNK_DATA) {
				d->ph = PH_CHUNK_CRLF;
			} else {
				d->ph = PH_HEAD;
				http_finish(c, s, &d->m, pos - 1);
			}
			break;
		}
		case PH_CHUNK_SIZE:
		case PH_CHUNK_CRLF:
		case PH_TRAILERS: {
			size_t lim = left < CHUNK_LINE_MAX ? left : CHUNK_LINE_MAX;
			size_t from = d->scanned < lim ? d->scanned : 0;  /* resume, as for headers */
			size_t lf = from + find_lf(q + from, lim - from);
			if (lf == lim) {
				d->scanned = lim;
				if (left >= CHUNK_LINE_MAX) {
					dis_note(c, "http", NOTE_MALFORMED, pos, "chunk line longer than %d bytes",
						 CHUNK_LINE_MAX);
					return give_up(c, s, d, pos);
				}
				if (c->at_eof) {
					pos = len;  /* http_end_of_stream() reports the cut */
					break;
				}
				return dis_incomplete(pos, 0);
			}
			d->scanned = 0;
			bool empty = lf == 0 || (lf == 1 && q[0] == '\r');
			if (d->ph == PH_CHUNK_CRLF) {
				if (!empty) {
					dis_note(c, "http", NOTE_MALFORMED, pos, "chunk data not followed by CRLF");
					return give_up(c, s, d, pos);
				}
				d->ph = PH_CHUNK_SIZE;
			} else if (d->ph == PH_CHUNK_SIZE) {
				if (!parse_chunk_size(q, lf, &d->remaining)) {
					dis_note(c, "http", NOTE_MALFORMED, pos,
						 "invalid or overflowing chunk size \"%s\"",
						 arena_printable(c->scratch, q, lf > 40 ? 40 : lf));
					return give_up(c, s, d, pos);
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
					return give_up(c, s, d, pos);
				}
			}
			pos += lf + 1;
			break;
		}
		case PH_RESYNC: {
			size_t at = find_start(q, left, c->dir);
			if (at == left) {
				/* a start line may straddle segments: keep a little */
				size_t keep = left > 16 ? 16 : left;
				d->skipped += left - keep;
				pos += left - keep;
				if (c->at_eof) {
					pos = len;
					break;
				}
				return dis_incomplete(pos, 0);
			}
			d->skipped += at;
			pos += at;
			dis_note(c, "http", NOTE_INFO, pos, "resynchronised on the next HTTP message after %" PRIu64
				 " bytes", d->skipped);
			d->skipped = 0;
			d->ph = PH_HEAD;
			break;
		}
		case PH_TUNNEL:
			dis_inner_feed_at(c, pos, q, left);
			pos = len;
			break;
		case PH_DEAD:
			break;
		}
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
