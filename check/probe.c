/* TCP, TLS and RMCP probes (see probe.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../decoder/amt_ports.h"
#include "../decoder/wire.h"
#include "probe.h"

const char *port_state_text(port_state s)
{
	switch (s) {
	case PORT_OPEN: return "open";
	case PORT_REFUSED: return "refused";
	case PORT_TIMEOUT: return "no answer";
	case PORT_ERROR: return "error";
	}
	return "?";
}

static bool fill_addr(const char *addr, uint16_t port, struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		*sl = sizeof(*v4);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*sl = sizeof(*v6);
		return true;
	}
	return false;
}

static int64_t now_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

/* Waits for events on fd until deadline; 0 on timeout, <0 on error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = {fd, events, 0};
		int rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		return rc;
	}
}

port_state probe_tcp(const char *addr, uint16_t port, int timeout_ms, int *fdp, char **detail)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (fdp)
		*fdp = -1;
	if (!fill_addr(addr, port, &ss, &sl)) {
		*detail = g_strdup_printf("'%s' is not an IP address", addr);
		return PORT_ERROR;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*detail = g_strdup_printf("socket: %s", strerror(errno));
		return PORT_ERROR;
	}
	int err = 0;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		err = errno;
		if (err == EINPROGRESS) {
			int rc = wait_fd(fd, POLLOUT, now_ms() + timeout_ms);
			socklen_t el = sizeof(err);
			if (rc == 0) {
				close(fd);
				*detail = g_strdup_printf("no answer within %d ms (filtered, or the host is down)", timeout_ms);
				return PORT_TIMEOUT;
			}
			err = 0;
			if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
				err = errno;
		}
	}
	if (err) {
		close(fd);
		*detail = g_strdup(err == ECONNREFUSED ? "connection refused (nothing listens)" : strerror(err));
		return err == ECONNREFUSED ? PORT_REFUSED : err == ETIMEDOUT ? PORT_TIMEOUT : PORT_ERROR;
	}
	*detail = g_strdup("connected");
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return PORT_OPEN;
}

static char *ssl_error_text(void)
{
	unsigned long e = ERR_get_error();
	char buf[256];
	if (!e)
		return NULL;
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return g_strdup(buf);
}

bool probe_tls_chain(int fd, const char *sni, int timeout_ms, GPtrArray **chain, char **version, char **detail)
{
	*chain = NULL;
	*version = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	bool ok = false;
	if (!ssl) {
		*detail = g_strdup("cannot set up TLS");
		goto out;
	}
	/* every certificate is judged afterwards by amtscope, not refused here;
	 * old AMT firmware speaks TLS 1.0 with old ciphers */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_set_fd(ssl, fd);
	if (sni && *sni && !g_hostname_is_ip_address(sni))
		SSL_set_tlsext_host_name(ssl, sni);
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		ERR_clear_error();
		int rc = SSL_connect(ssl);
		if (rc == 1)
			break;
		int e = SSL_get_error(ssl, rc);
		short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
		if (!ev) {
			char *why = ssl_error_text();
			*detail = g_strdup_printf("TLS handshake failed: %s",
						  why ? why : e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN
							     ? "the server closed the connection"
							     : "unknown error");
			g_free(why);
			goto out;
		}
		int w = wait_fd(fd, ev, deadline);
		if (w == 0) {
			*detail = g_strdup_printf("the server accepted the connection but did not complete a TLS "
						  "handshake within %d ms", timeout_ms);
			goto out;
		}
		if (w < 0) {
			*detail = g_strdup_printf("poll: %s", strerror(errno));
			goto out;
		}
	}
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	*chain = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	for (int i = 0; sk && i < sk_X509_num(sk); i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(sk, i), &der);
		if (len > 0)
			g_ptr_array_add(*chain, g_bytes_new(der, (gsize)len));
		OPENSSL_free(der);
	}
	*version = g_strdup(SSL_get_version(ssl));
	*detail = g_strdup_printf("%s handshake, %u certificate%s", *version, (*chain)->len,
				  (*chain)->len == 1 ? "" : "s");
	ok = true;
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return ok;
}

/* ---- RMCP / ASF presence ping (DSP0136) ---- */

enum { ASF_IANA = 4542, ASF_PING = 0x80, ASF_PONG = 0x40 };

size_t rmcp_ping_build(uint8_t *buf, size_t cap, uint8_t tag)
{
	const uint8_t ping[12] = {0x06, 0x00, 0xff, 0x06,  /* RMCP v1, no ack, class ASF */
				  0x00, 0x00, 0x11, 0xbe,  /* IANA enterprise 4542 */
				  ASF_PING, tag, 0x00, 0x00};
	if (cap < sizeof(ping))
		return 0;
	memcpy(buf, ping, sizeof(ping));
	return sizeof(ping);
}

bool rmcp_is_pong(const uint8_t *msg, size_t len, uint8_t tag)
{
	wire w = wire_init(msg, len);
	uint8_t version = wire_u8(&w);
	wire_skip(&w, 2);
	uint8_t cls = wire_u8(&w);
	uint32_t iana = wire_u32be(&w);
	uint8_t type = wire_u8(&w), rtag = wire_u8(&w);
	return !w.err && version == 0x06 && (cls & 0x0f) == 0x06 && iana == ASF_IANA && type == ASF_PONG &&
	       rtag == tag;
}

port_state probe_rmcp(const char *addr, int timeout_ms, char **detail)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!fill_addr(addr, AMT_PORT_RMCP, &ss, &sl)) {
		*detail = g_strdup_printf("'%s' is not an IP address", addr);
		return PORT_ERROR;
	}
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		*detail = g_strdup_printf("cannot send: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return PORT_ERROR;
	}
	uint8_t tag = (uint8_t)g_random_int_range(1, 256), ping[16], reply[512];
	size_t n = rmcp_ping_build(ping, sizeof(ping), tag);
	port_state st = PORT_TIMEOUT;
	int64_t deadline = now_ms() + timeout_ms;
	if (send(fd, ping, n, 0) < 0) {
		st = errno == ECONNREFUSED ? PORT_REFUSED : PORT_ERROR;
		*detail = g_strdup(strerror(errno));
		close(fd);
		return st;
	}
	while (wait_fd(fd, POLLIN, deadline) > 0) {
		ssize_t got = recv(fd, reply, sizeof(reply), 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			st = errno == ECONNREFUSED ? PORT_REFUSED : PORT_ERROR;
			*detail = g_strdup(errno == ECONNREFUSED ? "port unreachable (nothing listens)" : strerror(errno));
			close(fd);
			return st;
		}
		if (rmcp_is_pong(reply, (size_t)got, tag)) {
			close(fd);
			*detail = g_strdup("presence pong received");
			return PORT_OPEN;
		}
	}
	close(fd);
	*detail = g_strdup_printf("no pong within %d ms", timeout_ms);
	return st;
}
