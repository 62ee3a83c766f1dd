/* The NSS key log format (SSLKEYLOGFILE), as OpenSSL, NSS, Go and Node.js
 * write it: one "LABEL <client random hex> <secret hex>" per line. Sessions
 * are looked up by the ClientHello random. Nothing here ever prints a secret:
 * problems name the file and line only. */
#ifndef AMT_TLS_KEYLOG_H
#define AMT_TLS_KEYLOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	KL_CLIENT_HS,   /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	KL_SERVER_HS,   /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	KL_CLIENT_APP,  /* CLIENT_TRAFFIC_SECRET_0 */
	KL_SERVER_APP,  /* SERVER_TRAFFIC_SECRET_0 */
	KL_SECRETS,
	KL_SECRET_MAX = 48,  /* SHA-384 */
	KL_MAX_PROBLEMS = 64 /* problem lines described one by one; the rest counted */
};

typedef struct tls_session_keys {
	uint8_t client_random[32];
	bool has_master;
	uint8_t master[48];           /* CLIENT_RANDOM (TLS 1.0-1.2) */
	uint8_t secret_len[KL_SECRETS];  /* 0: absent */
	uint8_t secret[KL_SECRETS][KL_SECRET_MAX];
} tls_session_keys;

typedef struct tls_keylog tls_keylog;

tls_keylog *tls_keylog_new(uint64_t max_sessions);
void tls_keylog_free(tls_keylog *k);
/* Reads a whole file; an unreadable file is a problem, not a failure. */
void tls_keylog_load_file(tls_keylog *k, const char *path);
/* One line without its end-of-line; `where` names it in problems ("f:12"). */
void tls_keylog_add_line(tls_keylog *k, const char *line, size_t len, const char *where);
const tls_session_keys *tls_keylog_find(const tls_keylog *k, const uint8_t client_random[32]);
size_t tls_keylog_sessions(const tls_keylog *k);
uint64_t tls_keylog_files(const tls_keylog *k);   /* files given (read or not) */
bool tls_keylog_limit_hit(const tls_keylog *k);   /* sessions were dropped at the cap */
/* Problems found while loading, in order; the count includes those not kept. */
size_t tls_keylog_problem_count(const tls_keylog *k);
const char *tls_keylog_problem(const tls_keylog *k, size_t i);  /* i < KL_MAX_PROBLEMS */

#endif
