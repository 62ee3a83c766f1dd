/* \summary: HTTP authentication headers (Digest, Basic, Negotiate) and the AMT banner */
#include "http_auth.h"

#include <ctype.h>
#include <stddef.h>
#include <glib.h>
#include <string.h>

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One auth-param: key=token or key="quoted \\" string", as spans of the
 * header value (quoted: the bytes between the quotes, still escaped). */
typedef struct auth_param {
	const char *key, *val;
	size_t keyl, vall;
	bool quoted;
} auth_param;

/* The next auth-param from s; returns the position after it, or NULL at
 * the end. */
static const char *next_param(const char *s, auth_param *p)
{
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	if (!*s)
		return NULL;
	p->key = s;
	while (*s && *s != '=' && *s != ',' && *s != ' ' && *s != '\t')
		s++;
	p->keyl = (size_t)(s - p->key);
	p->quoted = false;
	s = skip_ws(s);
	if (*s != '=') {
		p->val = s;
		p->vall = 0;
		return s;
	}
	s = skip_ws(s + 1);
	if (*s == '"') {
		p->quoted = true;
		p->val = ++s;
		for (; *s && *s != '"'; s++)
			if (*s == '\\' && s[1])
				s++;
		p->vall = (size_t)(s - p->val);
		if (*s == '"')
			s++;
	} else {
		p->val = s;
		while (*s && *s != ',' && *s != ' ' && *s != '\t')
			s++;
		p->vall = (size_t)(s - p->val);
	}
	return s;
}

/* The value unescaped into out (when not NULL); its length. Within the
 * span a backslash always has a next byte, except at the very end of an
 * unterminated string, where it stands for itself. */
static size_t param_value(const auth_param *p, char *out)
{
	if (!p->quoted) {
		if (out)
			memcpy(out, p->val, p->vall);
		return p->vall;
	}
	size_t n = 0;
	for (const char *s = p->val, *e = p->val + p->vall; s < e; s++, n++) {
		if (*s == '\\' && s + 1 < e)
			s++;
		if (out)
			out[n] = *s;
	}
	return n;
}

/* Unescaped, then control bytes as \xNN (the peer chose them), as the
 * HTTP dissector's other strings (http.c peer_text). */
static char *param_copy(arena *a, const auth_param *p)
{
	char *v = g_malloc(p->vall + 1);  /* unescaping never lengthens */
	size_t n = param_value(p, v);
	char *shown = arena_printable(a, (const uint8_t *)v, n);
	g_free(v);
	return shown;
}

static bool key_is(const auth_param *p, const char *k, size_t n)
{
	return p->keyl == n && g_ascii_strncasecmp(p->key, k, n) == 0;
}

static void parse_digest(arena *a, const char *s, http_auth *out)
{
	static const struct {
		const char *key;
		size_t len, off;
	} kept[] = {
		{"realm", 5, offsetof(http_auth, realm)},
		{"nonce", 5, offsetof(http_auth, nonce)},
		{"qop", 3, offsetof(http_auth, qop)},
		{"algorithm", 9, offsetof(http_auth, algorithm)},
		{"opaque", 6, offsetof(http_auth, opaque)},
		{"username", 8, offsetof(http_auth, username)},
		{"uri", 3, offsetof(http_auth, uri)},
		{"nc", 2, offsetof(http_auth, nc)},
		{"cnonce", 6, offsetof(http_auth, cnonce)},
	};
	auth_param p;
	while ((s = next_param(s, &p))) {
		size_t i = 0;
		while (i < G_N_ELEMENTS(kept) && !key_is(&p, kept[i].key, kept[i].len))
			i++;
		if (i < G_N_ELEMENTS(kept))
			*(const char **)((char *)out + kept[i].off) = param_copy(a, &p);
		else if (key_is(&p, "stale", 5))
			out->stale = g_ascii_strcasecmp(param_copy(a, &p), "true") == 0;
		else if (key_is(&p, "response", 8)) {
			out->has_response = true;
			out->response_len = param_value(&p, NULL);  /* counted, never copied */
		}
	}
}

static void parse_basic(arena *a, const char *s, http_auth *out)
{
	s = skip_ws(s);
	size_t n = strcspn(s, " \t,");
	if (!n)
		return;
	char *b64 = g_strndup(s, n);
	gsize len = 0;
	guchar *raw = g_base64_decode(b64, &len);
	g_free(b64);
	if (!raw)
		return;
	size_t user = 0;
	while (user < len && raw[user] != ':')
		user++;
	out->username = arena_printable(a, raw, user);
	out->has_response = user < len;
	out->response_len = user < len ? len - user - 1 : 0;
	memset(raw, 0, len);
	g_free(raw);
}

void http_auth_parse(arena *a, const char *value, http_auth *out)
{
	memset(out, 0, sizeof(*out));
	if (!value)
		return;
	const char *s = skip_ws(value);
	size_t n = strcspn(s, " \t");
	const char *rest = s + n;
	if (n == 6 && g_ascii_strncasecmp(s, "Digest", 6) == 0) {
		out->scheme = HTTP_AUTH_DIGEST;
		parse_digest(a, rest, out);
	} else if (n == 5 && g_ascii_strncasecmp(s, "Basic", 5) == 0) {
		out->scheme = HTTP_AUTH_BASIC;
		if (*skip_ws(rest) && g_ascii_strncasecmp(skip_ws(rest), "realm", 5) != 0)
			parse_basic(a, rest, out);
		else
			parse_digest(a, rest, out);  /* a challenge: realm="..." */
	} else if (n == 9 && g_ascii_strncasecmp(s, "Negotiate", 9) == 0) {
		out->scheme = HTTP_AUTH_NEGOTIATE;
		out->token_len = strcspn(skip_ws(rest), " \t,");
	} else if (n) {
		out->scheme = HTTP_AUTH_OTHER;
	}
}

const char *http_amt_version(arena *a, const char *server)
{
	static const char banner[] = "Intel(R) Active Management Technology";
	if (!server)
		return NULL;
	const char *s = strstr(server, banner);
	if (!s)
		return NULL;
	s = skip_ws(s + sizeof(banner) - 1);
	size_t n = 0;
	while (isdigit((unsigned char)s[n]) || s[n] == '.')
		n++;
	return n && isdigit((unsigned char)s[0]) ? arena_strndup(a, s, n) : NULL;
}

void http_auth_fields(event *e, const char *scheme_field, const http_auth *au)
{
	if (au->scheme == HTTP_AUTH_NONE)
		return;
	ev_str(e, scheme_field, http_auth_scheme_name(au->scheme));
	ev_str(e, "http.auth.username", au->username);
	ev_str(e, "http.auth.realm", au->realm);
	ev_str(e, "http.auth.nonce", au->nonce);
	ev_str(e, "http.auth.uri", au->uri);
	ev_str(e, "http.auth.qop", au->qop);
	ev_str(e, "http.auth.algorithm", au->algorithm);
	ev_str(e, "http.auth.nc", au->nc);
	if (au->stale)
		ev_bool(e, "http.auth.stale", true);
	if (au->scheme == HTTP_AUTH_DIGEST && au->has_response)
		ev_uint(e, "http.auth.response_length", au->response_len);
	if (au->scheme == HTTP_AUTH_BASIC && au->has_response)
		ev_str(e, "http.auth.password", "<redacted>");
	if (au->scheme == HTTP_AUTH_NEGOTIATE && au->token_len)
		ev_uint(e, "http.auth.token_length", au->token_len);
}
