/* \summary: HTTP/1.x header block: start line, the headers a rule or
 * the framing needs, the end of the block */
/* specification: RFC 9112 (HTTP/1.1) 2-5 */
#include <glib.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http_priv.h"

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
bool http_parse_head(msg *m, const uint8_t *p, size_t n)
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
size_t http_find_head_end(const uint8_t *p, size_t len)
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
