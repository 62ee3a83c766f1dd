/* X.509 certificate decoding for the TLS dissector and `amtscope certs`:
 * DER in, an x509_info summary out (strings in the given arena). */
#ifndef AMT_X509_H
#define AMT_X509_H
#include <openssl/x509.h>

#include "../decoder/arena.h"
#include "../decoder/events/tls.h"
#include "../decoder/run.h"

/* Caps on what one certificate contributes, so a hostile one stays small. */
#define X509_MAX_SANS 64
#define X509_MAX_OUS 16
#define X509_MAX_EKUS 16
/* The largest certificate decoded: real ones with thousands of SANs pass
 * 64 KiB (a TLS certificate entry may be 16 MiB, a u24); above this a
 * certificate is reported undecoded, not parsed. */
#define X509_MAX_DER (1u << 20)

/* The certificates a run has decoded, each distinct DER decoded and parsed
 * once: the TLS dissector fills it, the certificate rules read it. Every
 * function taking one accepts NULL (no cache: decoded every time). */
typedef struct x509_cache x509_cache;
x509_cache *x509_cache_new(void);
void x509_cache_free(x509_cache *c);
/* The run's cache: made on first use, freed by run_free (NULL run: NULL). */
x509_cache *x509_run_cache(amt_run *run);

/* Decodes der into *out. Returns false (and out->decoded false, fingerprints
 * still set, key_type and sig_alg "unknown") when the DER does not parse or is
 * larger than X509_MAX_DER. A hit in c returns its strings, which live as
 * long as c; otherwise they are in a. */
bool x509_decode(x509_cache *c, arena *a, const uint8_t *der, size_t len, x509_info *out);
/* The parsed certificate, a reference of the caller's own (X509_free it):
 * the cached one's, up-ref'd, or parsed now. NULL when der does not parse. */
X509 *x509_parse_der(x509_cache *c, const uint8_t *der, size_t len);
/* x509_sha256_hex of a DER certificate, from the cache when it is there. */
void x509_der_sha256_hex(const x509_cache *c, const uint8_t *der, size_t len, char out[65]);
/* Same, from a parsed certificate. */
void x509_describe(arena *a, X509 *x, x509_info *out);
/* The weakness thresholds: is this digest too weak to sign with; the
 * smallest key size for an EVP_PKEY base id (0: no minimum). */
bool x509_digest_weak(int md_nid);
int x509_key_bits_min(int pkey_base_id);
/* A distinguished name, RFC 4514 escaping, in encoding order (arena copy). */
char *x509_name_text(arena *a, const X509_NAME *n);
/* Hex of the SHA-1 / SHA-256 / SHA-384 of bytes: out holds 41 / 65 / 97 chars. */
void x509_sha1_hex(const uint8_t *p, size_t n, char out[41]);
void x509_sha256_hex(const uint8_t *p, size_t n, char out[65]);
void x509_sha384_hex(const uint8_t *p, size_t n, char out[97]);
/* ASN1 time to µs since the epoch (0 on failure). */
int64_t x509_time_us(const ASN1_TIME *t);
/* "2026-11-23T11:50:01Z" (buffer of at least 32). */
const char *x509_time_text(int64_t us, char *buf, size_t n);

#endif
