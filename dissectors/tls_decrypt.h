/* TLS record protection undone with OpenSSL EVP: key derivation from the
 * key log's secrets (TLS 1.0/1.1 PRF, TLS 1.2 PRF with the suite's hash,
 * TLS 1.3 HKDF-Expand-Label) and record decryption (AES-GCM, AES-CBC with
 * HMAC, encrypt-then-MAC, AES-CCM and CCM_8, ChaCha20-Poly1305, Camellia-CBC, ARIA-GCM,
 * 3DES-CBC). Tags and MACs are always
 * checked: a record that does not authenticate is never returned. */
#ifndef AMT_TLS_DECRYPT_H
#define AMT_TLS_DECRYPT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tls_cipher_mode { TLS_MODE_GCM, TLS_MODE_CCM, TLS_MODE_CHACHA, TLS_MODE_CBC } tls_cipher_mode;

typedef enum tls_block_cipher { TLS_ALG_AES, TLS_ALG_CAMELLIA, TLS_ALG_ARIA, TLS_ALG_3DES } tls_block_cipher;

typedef struct tls_suite_info {
	uint16_t id;
	tls_cipher_mode mode;
	uint8_t key_len;
	const char *mac;   /* HMAC digest for CBC suites, else NULL */
	uint8_t mac_len;
	const char *prf;   /* TLS 1.2 PRF / TLS 1.3 HKDF hash */
	tls_block_cipher alg;  /* AES unless said */
	uint8_t tag_len;   /* AEAD tag: 16 unless said (CCM_8: 8) */
} tls_suite_info;

/* NULL when the suite is not one this decrypts. */
const tls_suite_info *tls_suite_find(uint16_t id);
/* The key exchange is RSA key transport (TLS_RSA_WITH_*). */
bool tls_suite_rsa_kx(uint16_t id);

enum { TLS_PLAIN_MAX = 16384 + 2048 };  /* room for any record's plaintext */

/* One direction's keys and sequence number. */
typedef struct tls_cipher {
	const tls_suite_info *suite;
	uint16_t version;
	bool etm;                /* encrypt-then-MAC (RFC 7366) */
	uint8_t key[32];
	uint8_t iv[16];          /* GCM: 4 implicit bytes; ChaCha/TLS 1.3: 12; CBC TLS 1.0: chained IV */
	uint8_t mac_key[48];
	uint8_t secret[48];      /* TLS 1.3 traffic secret (for KeyUpdate) */
	uint8_t secret_len;
	uint64_t seq;
	bool ready;
} tls_cipher;

/* TLS 1.0-1.2: the key block from the 48-byte master secret. */
bool tls12_derive(const tls_suite_info *su, uint16_t version, bool etm, const uint8_t master[48],
		  const uint8_t client_random[32], const uint8_t server_random[32], tls_cipher *client,
		  tls_cipher *server);
/* TLS 1.3: keys of one traffic secret (32 or 48 bytes). */
bool tls13_derive(const tls_suite_info *su, const uint8_t *secret, size_t secret_len, tls_cipher *out);
/* TLS 1.3 KeyUpdate: the next generation of this direction's secret. */
bool tls13_key_update(tls_cipher *c);
/* RFC 8446 7.1 HKDF-Expand-Label; exposed for the tests. */
bool tls13_expand_label(const char *hash, const uint8_t *secret, size_t slen, const char *label,
			const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len);
/* RFC 5246 5 (and RFC 2246 5 with "MD5-SHA1"); exposed for the tests. */
bool tls_prf(const char *hash, const uint8_t *secret, size_t slen, const char *label, const uint8_t *seed,
	     size_t seed_len, uint8_t *out, size_t out_len);

typedef enum tls_dec_result {
	TLS_DEC_OK,
	TLS_DEC_SHORT,      /* shorter than IV + tag/MAC */
	TLS_DEC_BAD_AUTH,   /* tag or MAC does not match */
	TLS_DEC_BAD_PADDING,
	TLS_DEC_ERROR,      /* the crypto library refused */
} tls_dec_result;

const char *tls_dec_result_text(tls_dec_result r);

/* Decrypts one record body of the given outer type and version into out
 * (at least TLS_PLAIN_MAX bytes); on success the sequence number advances.
 * TLS 1.3: *inner_type is the real content type and *out_len excludes it
 * and the padding; before 1.3 *inner_type is the outer type. */
tls_dec_result tls_decrypt_record(tls_cipher *c, uint8_t type, uint16_t rec_version, const uint8_t *in,
				  size_t len, uint8_t *out, size_t *out_len, uint8_t *inner_type);

#endif
