/* \summary: HTTP authentication headers (Digest, Basic, Negotiate) and the AMT banner */
#include "http_auth.h"

#include <ctype.h>
#include <glib.h>
#include <string.h>

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One auth-param: key=token or key="quoted \" string". Returns the position
 * after it, or NULL at the end. */
static const char *next_param(arena *a, const char *s, char **key, char **val)
{
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	if (!*s)
		return NULL;
	const char *k = s;
	while (*s && *s != '=' && *s != ',' && *s != ' ' && *s != '\t')
		s++;
	*key = arena_strndup(a, k, (size_t)(s - k));
	s = skip_ws(s);
	if (*s != '=') {
		*val = arena_strdup(a, "");
		return s;
	}
	s = skip_ws(s + 1);
	if (*s == '"') {
		GString *g = g_string_new(NULL);
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			g_string_append_c(g, *s);
		}
		if (*s == '"')
			s++;
		*val = arena_strndup(a, g->str, g->len);
		g_string_free(g, TRUE);
	} else {
		const char *v = s;
		while (*s && *s != ',' && *s != ' ' && *s != '\t')
			s++;
		*val = arena_strndup(a, v, (size_t)(s - v));
	}
	return s;
}

static void parse_digest(arena *a, const char *s, http_auth *out)
{
	char *k, *v;
	while ((s = next_param(a, s, &k, &v))) {
		if (g_ascii_strcasecmp(k, "realm") == 0)
			out->realm = v;
		else if (g_ascii_strcasecmp(k, "nonce") == 0)
			out->nonce = v;
		else if (g_ascii_strcasecmp(k, "qop") == 0)
			out->qop = v;
		else if (g_ascii_strcasecmp(k, "algorithm") == 0)
			out->algorithm = v;
		else if (g_ascii_strcasecmp(k, "opaque") == 0)
			out->opaque = v;
		else if (g_ascii_strcasecmp(k, "username") == 0)
			out->username = v;
		else if (g_ascii_strcasecmp(k, "uri") == 0)
			out->uri = v;
		else if (g_ascii_strcasecmp(k, "nc") == 0)
			out->nc = v;
		else if (g_ascii_strcasecmp(k, "cnonce") == 0)
			out->cnonce = v;
		else if (g_ascii_strcasecmp(k, "stale") == 0)
			out->stale = g_ascii_strcasecmp(v, "true") == 0;
		else if (g_ascii_strcasecmp(k, "response") == 0) {
			out->has_response = true;
			out->response_len = strlen(v);
			memset(v, 0, out->response_len); /* not kept, not even in the arena */
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
