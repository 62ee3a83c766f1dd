/* Payload of EV_TLS_DECRYPT (dissectors/tls_decflow.c): whether a TLS flow
 * was decrypted with the key log, and if not, why. Never carries a key. */
#ifndef AMT_EV_TLS_DECRYPT_H
#define AMT_EV_TLS_DECRYPT_H
#include <stdbool.h>
#include <stdint.h>

typedef enum tls_decrypt_status {
	TLS_DECRYPTED,      /* the first protected record authenticated */
	TLS_NOT_DECRYPTED,  /* no usable key: see reason */
	TLS_DECRYPT_FAILED, /* a record did not authenticate: that direction stays encrypted */
} tls_decrypt_status;

typedef enum tls_decrypt_reason {
	TLS_REASON_NONE,
	TLS_REASON_NO_KEY,          /* no key log entry for this client random */
	TLS_REASON_RSA_NO_KEY,      /* RSA key transport and no key log entry */
	TLS_REASON_RESUMED,         /* session resumption whose master secret is unknown */
	TLS_REASON_UNSUPPORTED,     /* cipher suite or version not decrypted */
	TLS_REASON_NO_HANDSHAKE,    /* the hellos were not captured */
	TLS_REASON_BAD_RECORD,      /* tag/MAC/padding check failed */
} tls_decrypt_reason;

typedef struct ev_tls_decrypt {
	tls_decrypt_status status;
	tls_decrypt_reason reason;
	const char *reason_text;
	uint16_t version;   /* 0 when the ServerHello was not seen */
	uint16_t suite;
	bool from_client;   /* TLS_DECRYPT_FAILED: the direction that failed */
} ev_tls_decrypt;

#endif
