/* Reading certificate files as a console administrator has them: PEM
 * bundles, single DER certificates, PKCS#12 (.pfx/.p12) with its key. */
#ifndef AMT_CERTFILE_H
#define AMT_CERTFILE_H
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#define CERTFILE_MAX_BYTES (16u << 20)
#define CERTFILE_MAX_CERTS 256
/* PKCS#12 key derivation iterations (MAC and encryption) refused above this,
 * before any key is derived: OpenSSL writes 2048, Windows 2000, Java 10000 to
 * 100000; each million costs about a third of a second per password tried. */
#define PKCS12_MAX_ITERATIONS 1000000u

typedef enum certfile_kind { CF_PEM, CF_DER, CF_PKCS12 } certfile_kind;

typedef struct certfile {
	certfile_kind kind;
	STACK_OF(X509) *certs;  /* in file order (PKCS#12: its own certificate first) */
	bool has_key;           /* a private key is in the file */
	bool key_matches;       /* ... and it belongs to the first certificate */
	unsigned skipped;       /* PEM blocks that were not certificates or keys */
	bool truncated;         /* more than CERTFILE_MAX_CERTS */
} certfile;

const char *certfile_kind_name(certfile_kind k);
/* password may be NULL (PKCS#12 then tries the empty password). On failure
 * *err says what is wrong (g_free it). The password never appears in it. */
bool certfile_parse(const unsigned char *buf, size_t len, const char *password, certfile *out, char **err);
bool certfile_read(const char *path, const char *password, certfile *out, char **err);
void certfile_free(certfile *cf);

#endif
