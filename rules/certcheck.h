/* Certificate chain analysis with OpenSSL, shared by rule_tls and
 * `amtscope certs`: order, completeness, root, self-signed, weakness, and
 * validity judged at a given time. Each distinct chain (by the SHA-256 of
 * its certificates) is verified once; the time-dependent answers are
 * computed per call from the cached validity dates. */
#ifndef AMT_CERTCHECK_H
#define AMT_CERTCHECK_H
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dissectors/x509.h"

typedef struct certcheck certcheck;

/* How far the chain could be verified, from what was sent and the anchors
 * (the chain's own self-signed certificates, --ca-file, the system store). */
typedef enum chain_status {
	CHAIN_VERIFIED,             /* up to an anchor */
	CHAIN_UNANCHORED,           /* top sent is a CA whose issuer (its root) is unknown here */
	CHAIN_ISSUER_UNKNOWN,       /* top sent is not a CA and its issuer is unknown here */
	CHAIN_MISSING_INTERMEDIATE, /* provably: the issuer is unknown, the root above it is known */
	CHAIN_UNPARSEABLE,          /* certificate bad_index does not parse */
	CHAIN_UNSUPPORTED,          /* certificate bad_index uses an algorithm OpenSSL lacks */
	CHAIN_INVALID,              /* verification failed otherwise: verify_error */
} chain_status;

typedef struct chain_verdict {
	chain_status status;
	int top_index;              /* highest certificate the verification reached, or -1 */
	int bad_index;              /* UNPARSEABLE / UNSUPPORTED: which one, or -1 */
	char *bad_algorithm;        /* UNSUPPORTED: the algorithm's name or OID */
	bool root_sent;             /* a self-signed CA certificate is in the chain */
	const char *anchor_source;  /* VERIFIED: "the chain", "--ca-file", "the system store" */
	char leaf_sha256[65];
	uint32_t n;                 /* certificates in the chain as given */
	bool leaf_decoded;          /* false: nothing else below is meaningful */
	bool ordered;               /* each certificate certifies the one before it */
	int first_misplaced;        /* index of the first one that does not, or -1 */
	bool complete;              /* status == CHAIN_VERIFIED */
	bool anchored_by_ca_file;   /* the anchor came from outside the chain (--ca-file or system) */
	char *missing_issuer;       /* when incomplete for lack of an issuer: its DN ("" when empty) */
	char *verify_error;         /* when incomplete for another reason: OpenSSL's text */
	bool leaf_self_signed;
	int weak_index;             /* first weak certificate, or -1 */
	int weak_count;             /* how many are weak */
	char *weak_reason;          /* every reason of every weak certificate: "RSA key of 1024
				     * bits and signed with sha1WithRSAEncryption" (subjects
				     * named when more than one certificate is weak) */
	int root_index;             /* the self-signed root within the chain, or -1 */
	char *root_subject;         /* root that ends the verified path (chain or anchor) */
	char root_sha1[41], root_sha256[65], root_sha384[97];  /* of the root's DER */
	char **subjects;            /* per certificate */
	int64_t *not_before, *not_after;  /* per certificate, µs UTC */
	bool *decoded;              /* per certificate */
	char (*sha256)[65];         /* per certificate, of its DER ("" when it does not parse) */
} chain_verdict;

/* NULL ca_file: no extra trust anchors. system_ca: OpenSSL's default paths
 * (Debian's ca-certificates) are anchors too, as Zeek's validate-certs does.
 * On failure returns NULL and sets *err (g_free it). */
certcheck *certcheck_new(const char *ca_file, bool system_ca, char **err);
void certcheck_free(certcheck *cc);
/* Number of anchors loaded from the CA file. */
int certcheck_anchor_count(const certcheck *cc);
/* Certificates by DER are looked up in x509 (the run's; not owned) before
 * they are parsed. */
void certcheck_use_x509(certcheck *cc, x509_cache *x509);

/* The chain in the order it was sent (certs[0] is the sender's own). The
 * verdict belongs to cc. at_us is the moment to verify at (the packet's). */
const chain_verdict *certcheck_der(certcheck *cc, const uint8_t *const *der, const size_t *len,
				   uint32_t n, int64_t at_us);
const chain_verdict *certcheck_x509(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us);

/* What makes one certificate weak, every reason joined with " and " (one
 * threshold table for analyze, check and certs); NULL when it is not. A
 * root's own signature is never checked by anyone: only its key counts. */
const char *cert_weakness(X509 *x, bool is_root, char *buf, size_t n);

/* Index of the first certificate expired / not yet valid at at_us, or -1. */
int chain_expired_at(const chain_verdict *v, int64_t at_us);
int chain_not_yet_valid_at(const chain_verdict *v, int64_t at_us);

/* Does the certificate cover host (DNS name or IP literal)? 1 yes, 0 no. */
int cert_matches_host(X509 *x, const char *host);
/* The same for a DER certificate, the answer remembered in m (the run's:
 * made and freed by its user) and the certificate taken from m's cache. */
typedef struct cert_host_memo cert_host_memo;
cert_host_memo *cert_host_memo_new(x509_cache *x509);
void cert_host_memo_free(cert_host_memo *m);
int cert_der_matches_host(cert_host_memo *m, const uint8_t *der, size_t len, const char *host);

/* Domain suffix a provisioning certificate vouches for: its CN without the
 * first label ("prov.corp.example" -> "corp.example"); NULL if none. g_free. */
char *prov_domain_suffix(const char *cn);

#endif
