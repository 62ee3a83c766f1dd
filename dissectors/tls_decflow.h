/* Key-log decryption of one TLS flow, driven by tls.c at a few hook points:
 * hellos (session ids, randoms, suite), ChangeCipherSpec, TLS 1.3 Finished
 * and KeyUpdate, and each protected record. Emits EV_TLS_DECRYPT once the
 * outcome is known; decrypted application data goes to dis_inner_feed. */
#ifndef AMT_TLS_DECFLOW_H
#define AMT_TLS_DECFLOW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoder/dissector.h"
#include "tls_keylog.h"

/* The TLS dissector's per-run state. */
typedef struct tls_global {
	tls_keylog *keylog;  /* NULL: no key log given, nothing is decrypted or reported */
} tls_global;

void *tls_global_new(const amt_config *cfg);
void tls_global_end(void *g, dis_ctx *c);  /* notes for key log problems */
void tls_global_free(void *g);

typedef struct tls_dec tls_dec;

tls_dec *tls_dec_new(const tls_global *g);  /* NULL when there is no key log */
void tls_dec_free(tls_dec *d);
void tls_dec_client_hello(tls_dec *d, const uint8_t *session_id, size_t sid_len);
void tls_dec_server_hello(tls_dec *d, dis_ctx *c, size_t off, size_t len, uint16_t version, uint16_t suite,
			  const uint8_t *client_random, const uint8_t *server_random, const uint8_t *session_id,
			  size_t sid_len, bool etm);
void tls_dec_ccs(tls_dec *d, uint8_t dir);
/* A handshake message decrypted in dir (Finished and KeyUpdate move keys). */
void tls_dec_handshake_msg(tls_dec *d, uint8_t dir, uint8_t type, const uint8_t *body, size_t len);
/* The records of dir are protected from now on (and a key log was given). */
bool tls_dec_protected(const tls_dec *d, uint8_t dir);
/* Decrypts one protected record; NULL when it is not (already reported). */
const uint8_t *tls_dec_record(tls_dec *d, dis_ctx *c, uint8_t type, uint16_t rec_version, const uint8_t *body,
			      size_t blen, size_t off, size_t rec_len, size_t *plain_len, uint8_t *inner_type);
/* Application data of the record at [off, off+rec_len) to the inner dissector. */
void tls_dec_feed_inner(dis_ctx *c, size_t off, size_t rec_len, const uint8_t *p, size_t n);

#endif
