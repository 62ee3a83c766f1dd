/* Read-only WS-Man Get with HTTP digest authentication (see wsman_get.h). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../dissectors/xmlscan.h"
#include "probe.h"
#include "wsman_get.h"

#define AMT_SCHEMA "http://intel.com/wbem/wscim/1/amt-schema/1/"

void wsman_reply_clear(wsman_reply *r)
{
	if (r->props)
		g_hash_table_destroy(r->props);
	g_free(r->error);
	memset(r, 0, sizeof(*r));
}

static void md5_hex(const char *s, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL);
	for (unsigned i = 0; i < n && i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[32] = 0;
}

char *digest_param(const char *challenge, const char *key)
{
	size_t kn = strlen(key);
	const char *p = challenge;
	while (p && *p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!g_ascii_strncasecmp(p, "Digest ", 7)) {
			p += 7;
			continue;
		}
		const char *eq = strchr(p, '=');
		if (!eq)
			return NULL;
		bool match = (size_t)(eq - p) == kn && !g_ascii_strncasecmp(p, key, kn);
		const char *v = eq + 1, *end;
		if (*v == '"') {
			v++;
			end = strchr(v, '"');
			if (!end)
				return NULL;
			if (match)
				return g_strndup(v, (gsize)(end - v));
			p = end + 1;
		} else {
			end = v + strcspn(v, ", \t");
			if (match)
				return g_strndup(v, (gsize)(end - v));
			p = end;
		}
	}
	return NULL;
}

static char *dechunk(const char *p, size_t len)
{
	GString *out = g_string_new(NULL);
	size_t pos = 0;
	while (pos < len) {
		char *end;
		unsigned long n = strtoul(p + pos, &end, 16);
		const char *crlf = g_strstr_len(p + pos, (gssize)(len - pos), "\r\n");
		if (!crlf || end == p + pos)
			break;
		pos = (size_t)(crlf - p) + 2;
		if (n == 0 || n > len - pos)
			break;
		g_string_append_len(out, p + pos, (gssize)n);
		pos += n + 2;
	}
	return g_string_free(out, FALSE);
}

bool http_reply_parse(const char *buf, size_t len, int *status, char **www_auth, char **body)
{
	*status = 0;
	*www_auth = *body = NULL;
	const char *hend = g_strstr_len(buf, (gssize)len, "\r\n\r\n");
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) || !hend)
		return false;
	*status = atoi(buf + 9);
	bool chunked = false;
	long clen = -1;
	char *head = g_strndup(buf, (gsize)(hend - buf));
	char **lines = g_strsplit(head, "\r\n", 0);
	for (int i = 1; lines[i]; i++) {
		char *colon = strchr(lines[i], ':');
		if (!colon)
			continue;
		*colon = 0;
		char *v = g_strstrip(colon + 1);
		if (!g_ascii_strcasecmp(lines[i], "WWW-Authenticate") && !g_ascii_strncasecmp(v, "Digest", 6)) {
			g_free(*www_auth);
			*www_auth = g_strdup(v);
		} else if (!g_ascii_strcasecmp(lines[i], "Transfer-Encoding") && strstr(v, "chunked")) {
			chunked = true;
		} else if (!g_ascii_strcasecmp(lines[i], "Content-Length")) {
			clen = atol(v);
		}
	}
	g_strfreev(lines);
	g_free(head);
	const char *b = hend + 4;
	size_t blen = len - (size_t)(b - buf);
	if (chunked)
		*body = dechunk(b, blen);
	else
		*body = g_strndup(b, clen >= 0 && (size_t)clen < blen ? (gsize)clen : blen);
	return true;
}

/* The reply's first Body element and its child elements' text, read with
 * the capture path's XML scanner: a device is a peer like any other, so a
 * DOCTYPE (entities, external references) is refused and nothing expands. */
#define PROPS_MAX 256
#define PROP_TEXT_MAX 4096

typedef struct props_walk {
	GHashTable *props;
	size_t depth;         /* elements open */
	bool in_body, done;   /* done: the instance ended */
	char *name;           /* the property open (depth 4), or NULL */
	GString *text;
} props_walk;

static bool props_start(void *user, const char *local, const char *ns, const xml_attr *attrs, size_t nattrs)
{
	props_walk *w = user;
	w->depth++;
	if (w->depth == 2)
		w->in_body = !strcmp(local, "Body");
	else if (w->depth == 3 && w->in_body && !w->props && !w->done) {
		w->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		g_hash_table_replace(w->props, g_strdup("@class"), g_strdup(local));
	} else if (w->depth == 4 && w->props && !w->done && g_hash_table_size(w->props) < PROPS_MAX) {
		w->name = g_strdup(local);
		g_string_truncate(w->text, 0);
	}
	return true;
}

static bool props_end(void *user)
{
	props_walk *w = user;
	if (w->depth == 4 && w->name) {
		g_hash_table_replace(w->props, w->name, g_strndup(w->text->str, w->text->len));
		w->name = NULL;
	} else if (w->depth == 3 && w->props) {
		w->done = true;
	}
	w->depth--;
	return true;
}

static void props_text(void *user, const char *p, size_t n)
{
	props_walk *w = user;
	if (w->name && w->text->len < PROP_TEXT_MAX)
		g_string_append_len(w->text, p, (gssize)MIN(n, PROP_TEXT_MAX - w->text->len));
}

static void props_boundary(void *user)
{
	(void)user;
}

GHashTable *wsman_props(const char *xml, size_t len)
{
	if (len > WSMAN_MAX_REPLY)
		return NULL;
	props_walk w = {.text = g_string_new(NULL)};
	arena scratch;
	arena_init(&scratch, 4096);
	xml_handler h = {&w, props_start, props_end, props_text, props_boundary};
	xml_status st = xml_scan((const uint8_t *)xml, len, 64, &scratch, &h);
	arena_free(&scratch);
	g_free(w.name);
	g_string_free(w.text, TRUE);
	if (st != XML_OK && w.props) {
		g_hash_table_destroy(w.props);
		w.props = NULL;
	}
	return w.props;
}

/* Has the whole reply arrived? AMT may keep the connection open after it. */
static bool reply_complete(const GString *r)
{
	const char *hend = g_strstr_len(r->str, (gssize)r->len, "\r\n\r\n");
	if (!hend)
		return false;
	size_t head = (size_t)(hend - r->str) + 4;
	char *h = g_ascii_strdown(r->str, (gssize)head);
	bool done = false;
	const char *cl = strstr(h, "\r\ncontent-length:");
	if (strstr(h, "\r\ntransfer-encoding:") && strstr(h, "chunked"))
		done = r->len >= head + 5 && !memcmp(r->str + r->len - 5, "0\r\n\r\n", 5);
	else if (cl)
		done = r->len - head >= (size_t)strtoul(cl + 17, NULL, 10);
	g_free(h);
	return done;
}

/* A connection, plain or TLS (16993), driven without blocking. */
typedef struct conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
} conn;

/* >0 bytes, 0 end of stream, -1 error; *want is POLLIN/POLLOUT to wait for. */
static ssize_t conn_io(conn *c, bool writing, void *buf, size_t n, short *want)
{
	*want = writing ? POLLOUT : POLLIN;
	if (!c->ssl) {
		ssize_t r = writing ? send(c->fd, buf, n, MSG_NOSIGNAL) : recv(c->fd, buf, n, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return -2;
		return r;
	}
	ERR_clear_error();
	int r = writing ? SSL_write(c->ssl, buf, (int)n) : SSL_read(c->ssl, buf, (int)n);
	if (r > 0)
		return r;
	int e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return -2;
	}
	return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static bool wait_until(int fd, short ev, int64_t deadline)
{
	int left = (int)(deadline - g_get_monotonic_time() / 1000);
	struct pollfd p = {fd, ev, 0};
	return left > 0 && poll(&p, 1, left) > 0;
}

static bool conn_open(conn *c, const char *addr, uint16_t port, bool tls, int64_t deadline, int timeout_ms,
		      char **err)
{
	char *detail = NULL;
	memset(c, 0, sizeof(*c));
	if (probe_tcp(addr, port, timeout_ms, &c->fd, &detail) != PORT_OPEN) {
		*err = g_strdup_printf("cannot connect to %s:%u: %s", addr, port, detail);
		g_free(detail);
		return false;
	}
	g_free(detail);
	if (!tls)
		return true;
	/* the device's certificate is judged by the TLS check, not here */
	c->ctx = SSL_CTX_new(TLS_client_method());
	c->ssl = c->ctx ? SSL_new(c->ctx) : NULL;
	if (!c->ssl) {
		*err = g_strdup("cannot set up TLS");
		return false;
	}
	SSL_CTX_set_security_level(c->ctx, 0);
	SSL_set_fd(c->ssl, c->fd);
	for (;;) {
		ERR_clear_error();
		int r = SSL_connect(c->ssl);
		if (r == 1)
			return true;
		int e = SSL_get_error(c->ssl, r);
		short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
		if (!ev || !wait_until(c->fd, ev, deadline)) {
			*err = g_strdup_printf("no TLS session with %s:%u", addr, port);
			return false;
		}
	}
}

static void conn_close(conn *c)
{
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
}

/* One request on a new connection; the reply (until complete or closed) in *out. */
static bool exchange(const char *addr, uint16_t port, bool tls, const char *req, int timeout_ms, GString *out,
		     char **err)
{
	int64_t deadline = g_get_monotonic_time() / 1000 + timeout_ms;
	conn c;
	if (!conn_open(&c, addr, port, tls, deadline, timeout_ms, err)) {
		conn_close(&c);
		return false;
	}
	size_t sent = 0, n = strlen(req);
	bool ok = true;
	short want;
	while (ok && sent < n) {
		ssize_t w = conn_io(&c, true, (void *)(req + sent), n - sent, &want);
		if (w > 0)
			sent += (size_t)w;
		else if (w != -2 || !wait_until(c.fd, want, deadline)) {
			ok = false;
			*err = g_strdup(w == -2 ? "timed out sending the request" : "the device closed the connection");
		}
	}
	char buf[8192];
	while (ok) {
		ssize_t r = conn_io(&c, false, buf, sizeof(buf), &want);
		if (r == -2) {
			if (wait_until(c.fd, want, deadline))
				continue;
			if (!out->len) {
				ok = false;
				*err = g_strdup_printf("no answer within %d ms", timeout_ms);
			}
			break;
		}
		if (r <= 0)
			break;
		if (out->len + (size_t)r > WSMAN_MAX_REPLY) {
			ok = false;
			*err = g_strdup_printf("the reply is larger than %u bytes", WSMAN_MAX_REPLY);
			break;
		}
		g_string_append_len(out, buf, r);
		if (reply_complete(out))
			break;
	}
	conn_close(&c);
	return ok;
}

static char *build_request(const char *addr, uint16_t port, const char *class_name, const char *auth)
{
	char *body = g_strdup_printf(
		"<?xml version=\"1.0\" encoding=\"utf-8\"?><Envelope xmlns=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><Header>"
		"<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:To>/wsman</a:To>"
		"<w:ResourceURI>" AMT_SCHEMA "%s</w:ResourceURI><a:MessageID>1</a:MessageID>"
		"<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>"
		"</a:ReplyTo><w:OperationTimeout>PT60S</w:OperationTimeout></Header><Body></Body></Envelope>",
		class_name);
	char *req = g_strdup_printf("POST /wsman HTTP/1.1\r\nHost: %s:%u\r\n%s%s%s"
				    "Content-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: %zu\r\n"
				    "Connection: close\r\n\r\n%s",
				    addr, port, auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "",
				    strlen(body), body);
	g_free(body);
	return req;
}

static char *digest_header(const char *challenge, const char *user, const char *password)
{
	char *realm = digest_param(challenge, "realm"), *nonce = digest_param(challenge, "nonce");
	char *qop = digest_param(challenge, "qop"), *opaque = digest_param(challenge, "opaque");
	char *out = NULL;
	if (realm && nonce) {
		char ha1[33], ha2[33], resp[33], cnonce[17];
		snprintf(cnonce, sizeof(cnonce), "%08x%08x", g_random_int(), g_random_int());
		char *a1 = g_strdup_printf("%s:%s:%s", user, realm, password);
		md5_hex(a1, ha1);
		memset(a1, 0, strlen(a1));
		g_free(a1);
		md5_hex("POST:/wsman", ha2);
		bool use_qop = qop && strstr(qop, "auth");
		char *r = use_qop ? g_strdup_printf("%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2)
				  : g_strdup_printf("%s:%s:%s", ha1, nonce, ha2);
		md5_hex(r, resp);
		g_free(r);
		GString *h = g_string_new(NULL);
		g_string_printf(h, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"/wsman\", response=\"%s\"",
				user, realm, nonce, resp);
		if (use_qop)
			g_string_append_printf(h, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
		if (opaque)
			g_string_append_printf(h, ", opaque=\"%s\"", opaque);
		out = g_string_free(h, FALSE);
	}
	g_free(realm);
	g_free(nonce);
	g_free(qop);
	g_free(opaque);
	return out;
}

bool wsman_get(const char *addr, uint16_t port, bool tls, const char *user, const char *password, const char *class_name,
	       int timeout_ms, wsman_reply *r)
{
	char *auth = NULL, *www = NULL, *body = NULL;
	bool ok = false;
	for (int round = 0; round < 2; round++) {
		char *req = build_request(addr, port, class_name, auth);
		GString *reply = g_string_new(NULL);
		char *err = NULL;
		bool got = exchange(addr, port, tls, req, timeout_ms, reply, &err);
		if (auth) {
			memset(req, 0, strlen(req));
			memset(auth, 0, strlen(auth));
		}
		g_free(req);
		g_clear_pointer(&www, g_free);
		g_clear_pointer(&body, g_free);
		if (got && !http_reply_parse(reply->str, reply->len, &r->status, &www, &body)) {
			got = false;
			err = g_strdup_printf("%s:%u did not answer HTTP", addr, port);
		}
		g_string_free(reply, TRUE);
		if (!got) {
			r->error = err;
			break;
		}
		if (r->status == 401 && !auth && www) {
			auth = digest_header(www, user, password);
			if (auth)
				continue;
		}
		if (r->status == 401) {
			r->error = g_strdup_printf("the user %s was refused (HTTP 401)", user);
		} else if (r->status != 200) {
			r->error = g_strdup_printf("HTTP %d", r->status);
		} else if (!(r->props = wsman_props(body, strlen(body)))) {
			r->error = g_strdup("the answer is not a WS-Man response");
		} else {
			ok = true;
		}
		break;
	}
	g_free(auth);
	g_free(www);
	g_free(body);
	return ok;
}
