/* Shared between the TLS record layer (tls.c) and the handshake messages
 * it carries (tls_handshake.c). */
#ifndef AMT_TLS_INT_H
#define AMT_TLS_INT_H
#include <glib.h>

#include "../decoder/dissector.h"
#include "../decoder/events/tls.h"
#include "tls_decflow.h"  /* decrypt: key-log decryption hooks */

enum {
	REC_CCS = 20, REC_ALERT = 21, REC_HANDSHAKE = 22, REC_APPDATA = 23, REC_HEARTBEAT = 24,
	HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2, HS_CERTIFICATE = 11, HS_CERT_REQUEST = 13,
	TLS_MAX_RECORD = 16384 + 2048,  /* ciphertext bound of RFC 5246 6.2.3 */
	TLS_MAX_LIST = 64,              /* ALPN names, versions, CA names decoded per message */
};

/* One direction: handshake bytes waiting for a whole message. */
typedef struct tls_side {
	GByteArray *hs;
	uint32_t hs_first_frame;  /* frame that carried the first byte of hs */
	size_t skip;              /* bytes of an over-limit message still to drop */
	bool encrypted;           /* this side sent ChangeCipherSpec (TLS <= 1.2, a suite that encrypts) */
	unsigned null_mac;        /* after ChangeCipherSpec under a NULL-cipher suite: MAC bytes per record */
	bool lost;                /* after a gap: look for the next record header */
	dis_hold held;            /* hs->len, counted against --max-total-bytes */
} tls_side;

/* Per flow. The randoms, version and suite are what a later key-log based
 * decryption needs; nothing here decrypts. */
typedef struct tls_state {
	tls_side side[2];
	uint16_t version;
	uint16_t suite;
	uint8_t client_random[32], server_random[32];
	bool have_client_random, have_server_random;
	bool server_hello_seen;
	bool tls13;
	char *sni;
	tls_dec *dec;  /* decrypt: NULL without a key log */
	bool alert_decrypted;  /* decrypt: alert_record is given a decrypted alert */
} tls_state;

/* Handshake bytes p[0..n) of one record at [off, off+len): appended to the
 * direction's handshake buffer, whole messages decoded. */
void tls_handshake_record(tls_state *s, dis_ctx *c, const uint8_t *p, size_t n, uint16_t rec_version,
			  size_t off, size_t len);
/* The body p[0..n) of an SSL 2.0-format ClientHello record at [off, off+len). */
void tls_sslv2_client_hello(tls_state *s, dis_ctx *c, const uint8_t *p, size_t n, size_t off, size_t len);

#endif
