/* Payload of EV_HELLO (dissectors/hello.c): one AMT hello message, TCP 9971,
 * AMT -> setup service. Layout: Intel AMT SDK (remote configuration) and
 * MeshCentral's amtprovisioningserver.js; samples in tests/data/public/hello/. */
#ifndef AMT_EV_HELLO_H
#define AMT_EV_HELLO_H
#include <stdbool.h>
#include <stdint.h>

#include "../hash.h"

/* Hash algorithm numbering of the hello and of the firmware's
 * CERT_HASH_ALGORITHM: 1 SHA-1, 2 SHA-256, 3 SHA-384 (= amt_hash_alg). */
enum { HELLO_HASH_SHA1 = 1, HELLO_HASH_SHA256 = 2, HELLO_HASH_SHA384 = 3 };
#define HELLO_MAX_HASHES 33  /* CERT_HASH_MAX_NUMBER of the firmware */
#define HELLO_MAX_LEN (25 + HELLO_MAX_HASHES * 50)

typedef struct hello_hash {
	uint8_t type;         /* HELLO_HASH_* */
	uint8_t len;          /* 20, 32 or 48 */
	const char *hex;      /* lower-case hex of the hash */
	amt_hash hash;        /* the same, typed (what rules compare) */
} hello_hash;

typedef struct ev_hello {
	uint16_t version;     /* 2 (PSK) or 3 (PKI) */
	bool admin_set;       /* word 0: admin credentials set */
	uint32_t retry;       /* retry counter, rises with every resend */
	char uuid[37];        /* mixed-endian GUID text */
	const char *pid;      /* v2 only: the PID, redacted unless cfg->redact is false */
	uint32_t nhashes;     /* v3 only */
	const hello_hash *hashes;
	uint32_t length;      /* bytes in the message */
} ev_hello;

/* "sha1", "sha256", "sha384", or NULL for another type. */
const char *hello_hash_name(uint8_t type);

#endif
