/* \summary: STARTTLS in SMTP (RFC 3207), IMAP (RFC 9051 §6.2.1), POP3 STLS
 * (RFC 2595 §4) and FTP AUTH TLS (RFC 4217 §4): the plaintext prelude is
 * read line by line until the server accepts the upgrade; from there each
 * direction's bytes go to the TLS dissector (its certificates are judged
 * like any other). */
#include <glib.h>
#include <string.h>

#include "../decoder/dissector.h"

enum { LINE_MAX_BYTES = 4096 };

typedef enum st_proto { ST_SMTP, ST_IMAP, ST_POP3, ST_FTP } st_proto;

typedef struct starttls_state {
	st_proto proto;
	bool asked;          /* the client asked for TLS; the answer is awaited */
	bool accepted;       /* the server said yes: the client's next bytes are TLS */
	bool tls[2];         /* per direction: bytes go to the TLS dissector */
	char tag[32];        /* IMAP: the tag of the STARTTLS command */
} starttls_state;

static const char *const proto_names[] = {"SMTP", "IMAP", "POP3", "FTP"};

static st_proto proto_of(uint16_t port)
{
	switch (port) {
	case 143: return ST_IMAP;
	case 110: return ST_POP3;
	case 21: return ST_FTP;
	default: return ST_SMTP;  /* 25, 587 */
	}
}

static void *state_new(dis_ctx *c)
{
	starttls_state *s = g_new0(starttls_state, 1);
	s->proto = proto_of(c->flow ? c->flow->sport : 25);
	return s;
}

static void state_free(void *st)
{
	g_free(st);
}

static bool word_is(const uint8_t *p, size_t n, const char *w)
{
	size_t l = strlen(w);
	return n >= l && g_ascii_strncasecmp((const char *)p, w, l) == 0 && (n == l || p[l] == ' ' || p[l] == '\r');
}

/* A client command line (without its LF): is it the request for TLS? */
static bool client_asks(starttls_state *s, const uint8_t *p, size_t n)
{
	switch (s->proto) {
	case ST_SMTP: return word_is(p, n, "STARTTLS");
	case ST_POP3: return word_is(p, n, "STLS");
	case ST_FTP: return word_is(p, n, "AUTH TLS") || word_is(p, n, "AUTH SSL") || word_is(p, n, "AUTH TLS-C");
	case ST_IMAP: {
		const uint8_t *sp = memchr(p, ' ', n);
		size_t tl = sp ? (size_t)(sp - p) : 0;
		if (!tl || tl >= sizeof(s->tag) || !word_is(sp + 1, n - tl - 1, "STARTTLS"))
			return false;
		memcpy(s->tag, p, tl);
		s->tag[tl] = 0;
		return true;
	}
	}
	return false;
}

/* What a server reply line says about the upgrade. */
typedef enum server_answer { ANSWER_NOT_YET, ANSWER_REFUSED, ANSWER_ACCEPTED } server_answer;

static server_answer server_answers(const starttls_state *s, const uint8_t *p, size_t n)
{
	switch (s->proto) {
	case ST_SMTP:
	case ST_FTP:
		if (n < 4 || !g_ascii_isdigit(p[0]) || !g_ascii_isdigit(p[1]) || !g_ascii_isdigit(p[2]))
			return ANSWER_NOT_YET;
		if (p[3] == '-')
			return ANSWER_NOT_YET;  /* a multi-line reply goes on */
		return !memcmp(p, s->proto == ST_SMTP ? "220" : "234", 3) ? ANSWER_ACCEPTED : ANSWER_REFUSED;
	case ST_POP3:
		return word_is(p, n, "+OK") ? ANSWER_ACCEPTED : word_is(p, n, "-ERR") ? ANSWER_REFUSED : ANSWER_NOT_YET;
	case ST_IMAP: {
		size_t tl = strlen(s->tag);
		if (n <= tl || memcmp(p, s->tag, tl) != 0 || p[tl] != ' ')
			return ANSWER_NOT_YET;  /* untagged (*) lines, other commands' answers */
		return word_is(p + tl + 1, n - tl - 1, "OK") ? ANSWER_ACCEPTED : ANSWER_REFUSED;
	}
	}
	return ANSWER_NOT_YET;
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	starttls_state *s = st;
	uint8_t d = c->dir & 1;
	size_t pos = 0;
	while (pos < len) {
		/* a TLS record from the client after its request: the upgrade
		 * happened (even when the server's answer is parsed later) */
		if (!s->tls[d] && d == DIR_C2S && (s->accepted || s->asked) && p[pos] == 0x16) {
			s->tls[d] = true;
			s->accepted = false;
		}
		if (s->tls[d]) {
			dis_inner_feed_at(c, pos, p + pos, len - pos);
			return dis_ok(len);
		}
		wire rest = wire_init(p + pos, len - pos);
		size_t n;  /* the line up to its LF (a CR before it kept) */
		if (!wire_find(&rest, '\n', &n)) {
			if (len - pos >= LINE_MAX_BYTES) {
				dis_note(c, "starttls", NOTE_MALFORMED, pos, "%s line longer than %d bytes: skipped",
					 proto_names[s->proto], LINE_MAX_BYTES);
				return dis_ok(len);
			}
			return c->at_eof ? dis_ok(len) : dis_incomplete(pos, 0);
		}
		const uint8_t *line = p + pos;
		size_t at = pos;
		pos += n + 1;
		if (d == DIR_C2S) {
			s->accepted = false;  /* plaintext from the client: no upgrade pending */
			if (client_asks(s, line, n))
				s->asked = true;
			continue;
		}
		if (!s->asked)
			continue;
		server_answer r = server_answers(s, line, n);
		if (r == ANSWER_NOT_YET)
			continue;
		s->asked = false;
		if (r == ANSWER_REFUSED) {
			dis_note(c, "starttls", NOTE_INFO, at, "%s: the server refused TLS; the session goes on in plaintext",
				 proto_names[s->proto]);
			continue;
		}
		dis_note(c, "starttls", NOTE_INFO, at, "%s %s accepted: TLS from here", proto_names[s->proto],
			 s->proto == ST_POP3 ? "STLS" : s->proto == ST_FTP ? "AUTH TLS" : "STARTTLS");
		s->tls[d] = true;
		s->accepted = true;
	}
	return dis_ok(len);
}

/* Plaintext commands and replies are not decoded further; TLS after the
 * upgrade is. Well-known ports only: the prelude has no signature of its own. */
const dissector dissector_starttls = {
	.name = "starttls",
	.ipproto = 6,
	.ports = {25, 587, 143, 110, 21, 0},
	.tls_ports = {0},
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
};
