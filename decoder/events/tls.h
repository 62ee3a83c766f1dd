/* Payloads of the TLS events (dissectors/tls.c) and the certificate summary
 * the x509 decoder fills (dissectors/x509.c). Everything points into the
 * event's arena: a rule that keeps anything copies it. */
#ifndef AMT_EV_TLS_H
#define AMT_EV_TLS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AMT_OID_AMT_ACTIVATION "2.16.840.1.113741.1.2.3"
#define AMT_OU_SETUP_CERT "Intel(R) Client Setup Certificate"

/* One certificate as decoded from DER; strings are NULL when absent. */
typedef struct x509_info {
	bool decoded;            /* false: DER did not parse (fingerprints still set) */
	const char *subject;     /* RFC 2253 escaping, encoding order: "CN=amt.corp.example,O=Corp" */
	const char *issuer;
	const char *subject_cn;  /* first CN, or NULL */
	const char *serial;      /* hex */
	const char *const *sans; /* "DNS:name" / "IP:addr" */
	uint32_t nsans;
	const char *const *ous;  /* subject OU values */
	uint32_t nous;
	const char *const *ekus; /* dotted OIDs */
	uint32_t nekus;
	int64_t not_before, not_after;  /* µs UTC */
	char sha1[41], sha256[65];      /* of the DER, lower-case hex */
	const char *key_type;    /* "RSA", "EC", "DSA", "ED25519", ... */
	int key_bits;
	const char *sig_alg;     /* "sha256WithRSAEncryption" */
	bool sig_weak;           /* MD2/MD4/MD5/SHA-1 signature */
	bool is_ca;              /* basicConstraints CA:TRUE (or v1 self-signed) */
	bool self_issued;        /* subject == issuer */
	bool self_signed;        /* self-issued and its own key verifies it */
	bool eku_server_auth;
	bool eku_amt_activation; /* 2.16.840.1.113741.1.2.3 */
	bool ou_setup_cert;      /* OU is exactly "Intel(R) Client Setup Certificate" */
} x509_info;

typedef struct ev_tls_client_hello {
	uint16_t legacy_version;     /* ClientHello.client_version */
	uint16_t max_version;        /* highest supported_versions entry, else legacy */
	const uint8_t *random;       /* 32 bytes */
	const char *sni;             /* NULL when absent */
	const uint16_t *suites;
	uint32_t nsuites;
	const char *const *alpn;
	uint32_t nalpn;
	const uint16_t *versions;    /* supported_versions extension */
	uint32_t nversions;
} ev_tls_client_hello;

typedef struct ev_tls_server_hello {
	uint16_t legacy_version;
	uint16_t version;            /* negotiated: supported_versions if present */
	uint16_t suite;
	const uint8_t *random;       /* 32 bytes */
	bool hello_retry;            /* TLS 1.3 HelloRetryRequest */
	bool certs_encrypted;        /* TLS 1.3: the rest of the handshake is hidden */
} ev_tls_server_hello;

typedef struct ev_tls_cert {
	const uint8_t *der;
	size_t der_len;
	bool der_cut;   /* the DER announces more bytes than the entry holds: cut short, not judged;
			 * undecoded and not cut: all its bytes were there and do not parse */
	x509_info x;
} ev_tls_cert;

/* A Certificate message: from the server, or from the client (mutual TLS:
 * a setup service presents its provisioning chain to AMT:16993 this way). */
typedef struct ev_tls_certificates {
	bool from_client;
	uint16_t version;            /* negotiated version if the ServerHello was seen, else 0 */
	const char *sni;             /* the client's SNI on this flow, if seen */
	const ev_tls_cert *certs;    /* in the order sent; certs[0] is the sender's own */
	uint32_t ncerts;             /* decoded (at most LIM_CERTS) */
	uint32_t total;              /* in the message */
	bool truncated;              /* LIM_CERTS hit or the list was malformed */
} ev_tls_certificates;

typedef struct ev_tls_cert_request {
	const uint8_t *cert_types;
	uint32_t ntypes;
	const char *const *ca_names; /* distinguished names the server accepts */
	uint32_t nca;
} ev_tls_cert_request;

typedef struct ev_tls_alert {
	bool encrypted;              /* after ChangeCipherSpec (or TLS 1.3 keys): level unknown */
	bool from_client;
	uint8_t level;               /* 1 warning, 2 fatal; 0 when encrypted */
	uint8_t description;
	const char *description_name;  /* "unknown_ca"; NULL when encrypted */
	bool in_handshake;           /* before the sender's ChangeCipherSpec / Finished */
} ev_tls_alert;

const char *tls_alert_name(uint8_t desc);
const char *tls_version_name(uint16_t v);

#endif
