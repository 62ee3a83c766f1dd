/* The network probes of `amtscope check`: a TCP connect, a TLS handshake
 * that only collects the server's certificates, and an RMCP presence ping.
 * Each ends by its deadline; none sends application data. */
#ifndef AMT_CHECK_PROBE_H
#define AMT_CHECK_PROBE_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum port_state {
	PORT_OPEN,        /* TCP: connected; UDP: a reply came */
	PORT_REFUSED,     /* RST / ICMP port unreachable */
	PORT_TIMEOUT,     /* nothing in time (filtered, or host down) */
	PORT_ERROR,       /* anything else (no route, ...) */
} port_state;

const char *port_state_text(port_state s);

/* Connects to host (address literal) on port; the connected socket is
 * returned in *fd when wanted (else closed). *detail: g_free. */
port_state probe_tcp(const char *addr, uint16_t port, int timeout_ms, int *fd, char **detail);

/* TLS handshake on a connected socket (closed here), SNI = sni when not
 * NULL. On success *chain holds the server's certificates in the order sent
 * (GBytes of DER) and *version the protocol name. False with *detail when
 * the handshake fails or times out. */
bool probe_tls_chain(int fd, const char *sni, int timeout_ms, GPtrArray **chain, char **version, char **detail);

/* ASF presence ping to UDP 623; PORT_OPEN when a pong comes back. */
port_state probe_rmcp(const char *addr, int timeout_ms, char **detail);
/* Bytes of the ping and the test whether a datagram is its pong (tests). */
size_t rmcp_ping_build(uint8_t *buf, size_t cap, uint8_t tag);
bool rmcp_is_pong(const uint8_t *msg, size_t len, uint8_t tag);

#endif
