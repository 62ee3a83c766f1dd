/* \summary: TLS key derivation and record decryption (OpenSSL EVP) */
/* specification: RFC 2246 6.2.3, RFC 5246 5 and 6.3, RFC 5288 3, RFC 7905 2,
 * RFC 7366 3, RFC 6655 3, RFC 8446 5.2-5.3 and 7.1-7.3 */
#include "tls_decrypt.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

/* Every TLS 1.2 suite with AES (CBC, GCM, CCM with 16-byte tags) or
 * ChaCha20-Poly1305, whatever its key exchange and authentication (RSA,
 * DH/DHE with RSA/DSS, ECDH/ECDHE with RSA/ECDSA, anonymous, PSK variants,
 * SRP): with the key log's master secret the key exchange does not matter. */
#define CBC(id, kl, mac, ml, prf) {id, TLS_MODE_CBC, kl, mac, ml, prf, TLS_ALG_AES, 0}
#define AEAD(id, mode, kl, prf) {id, mode, kl, NULL, 0, prf, TLS_ALG_AES, 0}
#define CAMELLIA(id, kl, mac, ml, prf) {id, TLS_MODE_CBC, kl, mac, ml, prf, TLS_ALG_CAMELLIA, 0}
#define DES3(id) {id, TLS_MODE_CBC, 24, "SHA1", 20, "SHA256", TLS_ALG_3DES, 0}
#define ARIA(id, kl, prf) {id, TLS_MODE_GCM, kl, NULL, 0, prf, TLS_ALG_ARIA, 0}
#define CCM8(id, kl) {id, TLS_MODE_CCM, kl, NULL, 0, "SHA256", TLS_ALG_AES, 8}
static const tls_suite_info suites[] = {
	/* TLS 1.3 */
	AEAD(0x1301, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x1302, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x1303, TLS_MODE_CHACHA, 32, "SHA256"), AEAD(0x1304, TLS_MODE_CCM, 16, "SHA256"),
	/* AES-CCM, RSA 0xc09c-d, DHE_RSA 0xc09e-f, PSK 0xc0a4-5, DHE_PSK 0xc0a6-7,
	 * ECDHE_ECDSA 0xc0ac-d (the 8-byte-tag variants are not decrypted) */
	AEAD(0xc09c, TLS_MODE_CCM, 16, "SHA256"), AEAD(0xc09d, TLS_MODE_CCM, 32, "SHA256"),
	AEAD(0xc09e, TLS_MODE_CCM, 16, "SHA256"), AEAD(0xc09f, TLS_MODE_CCM, 32, "SHA256"),
	AEAD(0xc0a4, TLS_MODE_CCM, 16, "SHA256"), AEAD(0xc0a5, TLS_MODE_CCM, 32, "SHA256"),
	AEAD(0xc0a6, TLS_MODE_CCM, 16, "SHA256"), AEAD(0xc0a7, TLS_MODE_CCM, 32, "SHA256"),
	AEAD(0xc0ac, TLS_MODE_CCM, 16, "SHA256"), AEAD(0xc0ad, TLS_MODE_CCM, 32, "SHA256"),
	/* AES-GCM: RSA, DHE_RSA, DH_RSA, DHE_DSS, DH_DSS, DH_anon, PSK, DHE_PSK,
	 * RSA_PSK (0x009c-0x00ad), ECDHE/ECDH with ECDSA/RSA (0xc02b-0xc032) */
	AEAD(0x009c, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x009d, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x009e, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x009f, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00a0, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00a1, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00a2, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00a3, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00a4, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00a5, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00a6, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00a7, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00a8, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00a9, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00aa, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00ab, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0x00ac, TLS_MODE_GCM, 16, "SHA256"), AEAD(0x00ad, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0xc02b, TLS_MODE_GCM, 16, "SHA256"), AEAD(0xc02c, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0xc02d, TLS_MODE_GCM, 16, "SHA256"), AEAD(0xc02e, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0xc02f, TLS_MODE_GCM, 16, "SHA256"), AEAD(0xc030, TLS_MODE_GCM, 32, "SHA384"),
	AEAD(0xc031, TLS_MODE_GCM, 16, "SHA256"), AEAD(0xc032, TLS_MODE_GCM, 32, "SHA384"),
	/* ChaCha20-Poly1305: ECDHE_RSA, ECDHE_ECDSA, DHE_RSA, PSK, ECDHE_PSK, DHE_PSK, RSA_PSK */
	AEAD(0xcca8, TLS_MODE_CHACHA, 32, "SHA256"), AEAD(0xcca9, TLS_MODE_CHACHA, 32, "SHA256"),
	AEAD(0xccaa, TLS_MODE_CHACHA, 32, "SHA256"), AEAD(0xccab, TLS_MODE_CHACHA, 32, "SHA256"),
	AEAD(0xccac, TLS_MODE_CHACHA, 32, "SHA256"), AEAD(0xccad, TLS_MODE_CHACHA, 32, "SHA256"),
	AEAD(0xccae, TLS_MODE_CHACHA, 32, "SHA256"),
	/* AES-CBC with HMAC-SHA1 (MAC-then-encrypt unless RFC 7366): RSA, DH_DSS,
	 * DH_RSA, DHE_DSS, DHE_RSA, DH_anon (0x002f-0x003a), PSK, DHE_PSK, RSA_PSK
	 * (0x008c-0x0095), ECDH/ECDHE with ECDSA/RSA, ECDH_anon (0xc004-0xc019),
	 * SRP (0xc01d-0xc022), ECDHE_PSK (0xc035-6) */
	CBC(0x002f, 16, "SHA1", 20, "SHA256"), CBC(0x0035, 32, "SHA1", 20, "SHA256"),
	CBC(0x0030, 16, "SHA1", 20, "SHA256"), CBC(0x0036, 32, "SHA1", 20, "SHA256"),
	CBC(0x0031, 16, "SHA1", 20, "SHA256"), CBC(0x0037, 32, "SHA1", 20, "SHA256"),
	CBC(0x0032, 16, "SHA1", 20, "SHA256"), CBC(0x0038, 32, "SHA1", 20, "SHA256"),
	CBC(0x0033, 16, "SHA1", 20, "SHA256"), CBC(0x0039, 32, "SHA1", 20, "SHA256"),
	CBC(0x0034, 16, "SHA1", 20, "SHA256"), CBC(0x003a, 32, "SHA1", 20, "SHA256"),
	CBC(0x008c, 16, "SHA1", 20, "SHA256"), CBC(0x008d, 32, "SHA1", 20, "SHA256"),
	CBC(0x0090, 16, "SHA1", 20, "SHA256"), CBC(0x0091, 32, "SHA1", 20, "SHA256"),
	CBC(0x0094, 16, "SHA1", 20, "SHA256"), CBC(0x0095, 32, "SHA1", 20, "SHA256"),
	CBC(0xc004, 16, "SHA1", 20, "SHA256"), CBC(0xc005, 32, "SHA1", 20, "SHA256"),
	CBC(0xc009, 16, "SHA1", 20, "SHA256"), CBC(0xc00a, 32, "SHA1", 20, "SHA256"),
	CBC(0xc00e, 16, "SHA1", 20, "SHA256"), CBC(0xc00f, 32, "SHA1", 20, "SHA256"),
	CBC(0xc013, 16, "SHA1", 20, "SHA256"), CBC(0xc014, 32, "SHA1", 20, "SHA256"),
	CBC(0xc018, 16, "SHA1", 20, "SHA256"), CBC(0xc019, 32, "SHA1", 20, "SHA256"),
	CBC(0xc01d, 16, "SHA1", 20, "SHA256"), CBC(0xc01e, 16, "SHA1", 20, "SHA256"),
	CBC(0xc01f, 16, "SHA1", 20, "SHA256"), CBC(0xc020, 32, "SHA1", 20, "SHA256"),
	CBC(0xc021, 32, "SHA1", 20, "SHA256"), CBC(0xc022, 32, "SHA1", 20, "SHA256"),
	CBC(0xc035, 16, "SHA1", 20, "SHA256"), CBC(0xc036, 32, "SHA1", 20, "SHA256"),
	/* AES-CBC with HMAC-SHA256 */
	CBC(0x003c, 16, "SHA256", 32, "SHA256"), CBC(0x003d, 32, "SHA256", 32, "SHA256"),
	CBC(0x003e, 16, "SHA256", 32, "SHA256"), CBC(0x003f, 16, "SHA256", 32, "SHA256"),
	CBC(0x0040, 16, "SHA256", 32, "SHA256"), CBC(0x0067, 16, "SHA256", 32, "SHA256"),
	CBC(0x0068, 32, "SHA256", 32, "SHA256"), CBC(0x0069, 32, "SHA256", 32, "SHA256"),
	CBC(0x006a, 32, "SHA256", 32, "SHA256"), CBC(0x006b, 32, "SHA256", 32, "SHA256"),
	CBC(0x006c, 16, "SHA256", 32, "SHA256"), CBC(0x006d, 32, "SHA256", 32, "SHA256"),
	CBC(0x00ae, 16, "SHA256", 32, "SHA256"), CBC(0x00b2, 16, "SHA256", 32, "SHA256"),
	CBC(0x00b6, 16, "SHA256", 32, "SHA256"), CBC(0xc023, 16, "SHA256", 32, "SHA256"),
	CBC(0xc025, 16, "SHA256", 32, "SHA256"), CBC(0xc027, 16, "SHA256", 32, "SHA256"),
	CBC(0xc029, 16, "SHA256", 32, "SHA256"), CBC(0xc037, 16, "SHA256", 32, "SHA256"),
	/* AES-CBC with HMAC-SHA384 (and the SHA-384 PRF) */
	CBC(0x00af, 32, "SHA384", 48, "SHA384"), CBC(0x00b3, 32, "SHA384", 48, "SHA384"),
	CBC(0x00b7, 32, "SHA384", 48, "SHA384"), CBC(0xc024, 32, "SHA384", 48, "SHA384"),
	CBC(0xc026, 32, "SHA384", 48, "SHA384"), CBC(0xc028, 32, "SHA384", 48, "SHA384"),
	CBC(0xc02a, 32, "SHA384", 48, "SHA384"), CBC(0xc038, 32, "SHA384", 48, "SHA384"),
	/* AES-CCM_8 (8-byte tag): RSA, DHE_RSA, PSK, DHE_PSK, ECDHE_ECDSA */
	CCM8(0xc0a0, 16), CCM8(0xc0a1, 32), CCM8(0xc0a2, 16), CCM8(0xc0a3, 32), CCM8(0xc0a8, 16),
	CCM8(0xc0a9, 32), CCM8(0xc0aa, 16), CCM8(0xc0ab, 32), CCM8(0xc0ae, 16), CCM8(0xc0af, 32),
	/* Camellia-CBC with HMAC-SHA1: RSA, DH_DSS, DH_RSA, DHE_DSS, DHE_RSA, DH_anon */
	CAMELLIA(0x0041, 16, "SHA1", 20, "SHA256"), CAMELLIA(0x0042, 16, "SHA1", 20, "SHA256"),
	CAMELLIA(0x0043, 16, "SHA1", 20, "SHA256"), CAMELLIA(0x0044, 16, "SHA1", 20, "SHA256"),
	CAMELLIA(0x0045, 16, "SHA1", 20, "SHA256"), CAMELLIA(0x0046, 16, "SHA1", 20, "SHA256"),
	CAMELLIA(0x0084, 32, "SHA1", 20, "SHA256"), CAMELLIA(0x0085, 32, "SHA1", 20, "SHA256"),
	CAMELLIA(0x0086, 32, "SHA1", 20, "SHA256"), CAMELLIA(0x0087, 32, "SHA1", 20, "SHA256"),
	CAMELLIA(0x0088, 32, "SHA1", 20, "SHA256"), CAMELLIA(0x0089, 32, "SHA1", 20, "SHA256"),
	/* Camellia-CBC with HMAC-SHA256 (0x00ba-0x00c5), ECC (0xc072-0xc079), PSK (0xc094-0xc09b) */
	CAMELLIA(0x00ba, 16, "SHA256", 32, "SHA256"), CAMELLIA(0x00bb, 16, "SHA256", 32, "SHA256"),
	CAMELLIA(0x00bc, 16, "SHA256", 32, "SHA256"), CAMELLIA(0x00bd, 16, "SHA256", 32, "SHA256"),
	CAMELLIA(0x00be, 16, "SHA256", 32, "SHA256"), CAMELLIA(0x00bf, 16, "SHA256", 32, "SHA256"),
	CAMELLIA(0x00c0, 32, "SHA256", 32, "SHA256"), CAMELLIA(0x00c1, 32, "SHA256", 32, "SHA256"),
	CAMELLIA(0x00c2, 32, "SHA256", 32, "SHA256"), CAMELLIA(0x00c3, 32, "SHA256", 32, "SHA256"),
	CAMELLIA(0x00c4, 32, "SHA256", 32, "SHA256"), CAMELLIA(0x00c5, 32, "SHA256", 32, "SHA256"),
	CAMELLIA(0xc072, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc073, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc074, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc075, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc076, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc077, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc078, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc079, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc094, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc095, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc096, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc097, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc098, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc099, 32, "SHA384", 48, "SHA384"),
	CAMELLIA(0xc09a, 16, "SHA256", 32, "SHA256"), CAMELLIA(0xc09b, 32, "SHA384", 48, "SHA384"),
	/* ARIA-GCM (0xc050-0xc063, PSK 0xc06a-0xc06f): even ids 128-bit/SHA-256, odd 256-bit/SHA-384 */
	ARIA(0xc050, 16, "SHA256"), ARIA(0xc051, 32, "SHA384"), ARIA(0xc052, 16, "SHA256"),
	ARIA(0xc053, 32, "SHA384"), ARIA(0xc054, 16, "SHA256"), ARIA(0xc055, 32, "SHA384"),
	ARIA(0xc056, 16, "SHA256"), ARIA(0xc057, 32, "SHA384"), ARIA(0xc058, 16, "SHA256"),
	ARIA(0xc059, 32, "SHA384"), ARIA(0xc05a, 16, "SHA256"), ARIA(0xc05b, 32, "SHA384"),
	ARIA(0xc05c, 16, "SHA256"), ARIA(0xc05d, 32, "SHA384"), ARIA(0xc05e, 16, "SHA256"),
	ARIA(0xc05f, 32, "SHA384"), ARIA(0xc060, 16, "SHA256"), ARIA(0xc061, 32, "SHA384"),
	ARIA(0xc062, 16, "SHA256"), ARIA(0xc063, 32, "SHA384"), ARIA(0xc06a, 16, "SHA256"),
	ARIA(0xc06b, 32, "SHA384"), ARIA(0xc06c, 16, "SHA256"), ARIA(0xc06d, 32, "SHA384"),
	ARIA(0xc06e, 16, "SHA256"), ARIA(0xc06f, 32, "SHA384"),
	/* 3DES-EDE-CBC with HMAC-SHA1 */
	DES3(0x000a), DES3(0x000d), DES3(0x0010), DES3(0x0013), DES3(0x0016), DES3(0x001b),
	DES3(0x008b), DES3(0x008f), DES3(0x0093), DES3(0xc003), DES3(0xc008), DES3(0xc00d),
	DES3(0xc012), DES3(0xc017), DES3(0xc01a), DES3(0xc01b), DES3(0xc01c), DES3(0xc034),
};
#undef CBC
#undef AEAD
#undef CAMELLIA
#undef DES3
#undef ARIA
#undef CCM8

const tls_suite_info *tls_suite_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

bool tls_suite_rsa_kx(uint16_t id)
{
	/* TLS_RSA_WITH_*: RC4, 3DES, AES-CBC, AES-GCM, Camellia, SEED, ARIA, CCM */
	return (id >= 0x0001 && id <= 0x000a) || id == 0x002f || id == 0x0035 || id == 0x003b ||
	       id == 0x003c || id == 0x003d || id == 0x0041 || id == 0x0084 || id == 0x0096 ||
	       id == 0x009c || id == 0x009d || id == 0xc03c || id == 0xc03d || id == 0xc050 ||
	       id == 0xc051 || (id >= 0xc09c && id <= 0xc0a3);
}

const char *tls_dec_result_text(tls_dec_result r)
{
	switch (r) {
	case TLS_DEC_OK: return "ok";
	case TLS_DEC_SHORT: return "record too short for its protection";
	case TLS_DEC_BAD_AUTH: return "authentication tag or MAC does not match";
	case TLS_DEC_BAD_PADDING: return "CBC padding is wrong";
	case TLS_DEC_ERROR: return "the cipher could not be set up";
	}
	return "?";
}

/* ---- key derivation ---- */

static bool kdf(const char *name, OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
	EVP_KDF *k = EVP_KDF_fetch(NULL, name, NULL);
	if (!k)
		return false;
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(k);
	EVP_KDF_free(k);
	if (!ctx)
		return false;
	bool ok = EVP_KDF_derive(ctx, out, out_len, params) > 0;
	EVP_KDF_CTX_free(ctx);
	return ok;
}

bool tls_prf(const char *hash, const uint8_t *secret, size_t slen, const char *label, const uint8_t *seed,
	     size_t seed_len, uint8_t *out, size_t out_len)
{
	uint8_t ls[128];
	size_t ll = strlen(label);
	if (ll + seed_len > sizeof(ls))
		return false;
	memcpy(ls, label, ll);
	memcpy(ls + ll, seed, seed_len);
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)hash, 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, ls, ll + seed_len),
		OSSL_PARAM_construct_end(),
	};
	return kdf("TLS1-PRF", p, out, out_len);
}

bool tls13_expand_label(const char *hash, const uint8_t *secret, size_t slen, const char *label,
			const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len)
{
	/* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } */
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = strlen(label);
	if (6 + ll > 255 || ctx_len > 255 || out_len > 0xffff)
		return false;
	size_t n = 0;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = (uint8_t)ctx_len;
	if (ctx_len)
		memcpy(info + n, ctx, ctx_len);
	n += ctx_len;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)hash, 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, slen),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
		OSSL_PARAM_construct_end(),
	};
	return kdf("HKDF", p, out, out_len);
}

static size_t block_len(const tls_suite_info *su)
{
	return su->alg == TLS_ALG_3DES ? 8 : 16;
}

static size_t tag_len(const tls_suite_info *su)
{
	return su->tag_len ? su->tag_len : 16;
}

static size_t fixed_iv_len(const tls_suite_info *su, uint16_t version)
{
	if (su->mode == TLS_MODE_GCM || su->mode == TLS_MODE_CCM)
		return 4;
	if (su->mode == TLS_MODE_CHACHA)
		return 12;
	return version <= 0x0301 ? block_len(su) : 0;  /* TLS 1.1+ sends an explicit IV per record */
}

bool tls12_derive(const tls_suite_info *su, uint16_t version, bool etm, const uint8_t master[48],
		  const uint8_t client_random[32], const uint8_t server_random[32], tls_cipher *client,
		  tls_cipher *server)
{
	uint8_t seed[64], block[2 * (48 + 32 + 16)];
	memcpy(seed, server_random, 32);
	memcpy(seed + 32, client_random, 32);
	size_t ml = su->mac_len, kl = su->key_len, il = fixed_iv_len(su, version);
	size_t need = 2 * (ml + kl + il);
	const char *hash = version >= 0x0303 ? su->prf : "MD5-SHA1";
	if (!tls_prf(hash, master, 48, "key expansion", seed, sizeof(seed), block, need))
		return false;
	tls_cipher *both[2] = {client, server};
	for (int i = 0; i < 2; i++) {
		tls_cipher *c = both[i];
		memset(c, 0, sizeof(*c));
		c->suite = su;
		c->version = version;
		c->etm = etm && su->mode == TLS_MODE_CBC;
		memcpy(c->mac_key, block + i * ml, ml);
		memcpy(c->key, block + 2 * ml + i * kl, kl);
		memcpy(c->iv, block + 2 * ml + 2 * kl + i * il, il);
		c->ready = true;
	}
	OPENSSL_cleanse(block, sizeof(block));
	return true;
}

bool tls13_derive(const tls_suite_info *su, const uint8_t *secret, size_t secret_len, tls_cipher *out)
{
	size_t want = strcmp(su->prf, "SHA384") == 0 ? 48 : 32;
	if (su->mode == TLS_MODE_CBC || secret_len != want)
		return false;
	memset(out, 0, sizeof(*out));
	out->suite = su;
	out->version = 0x0304;
	memcpy(out->secret, secret, secret_len);
	out->secret_len = (uint8_t)secret_len;
	if (!tls13_expand_label(su->prf, secret, secret_len, "key", NULL, 0, out->key, su->key_len) ||
	    !tls13_expand_label(su->prf, secret, secret_len, "iv", NULL, 0, out->iv, 12))
		return false;
	out->ready = true;
	return true;
}

bool tls13_key_update(tls_cipher *c)
{
	uint8_t next[48];
	if (!c->ready || !tls13_expand_label(c->suite->prf, c->secret, c->secret_len, "traffic upd", NULL, 0,
					     next, c->secret_len))
		return false;
	bool ok = tls13_derive(c->suite, next, c->secret_len, c);
	OPENSSL_cleanse(next, sizeof(next));
	return ok;
}

/* ---- record decryption ---- */

static const EVP_CIPHER *evp_cipher(const tls_suite_info *su)
{
	bool k128 = su->key_len == 16;
	if (su->alg == TLS_ALG_CAMELLIA)
		return k128 ? EVP_camellia_128_cbc() : EVP_camellia_256_cbc();
	if (su->alg == TLS_ALG_ARIA)
		return k128 ? EVP_aria_128_gcm() : EVP_aria_256_gcm();
	if (su->alg == TLS_ALG_3DES)
		return EVP_des_ede3_cbc();
	switch (su->mode) {
	case TLS_MODE_GCM: return su->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	case TLS_MODE_CCM: return su->key_len == 16 ? EVP_aes_128_ccm() : EVP_aes_256_ccm();
	case TLS_MODE_CHACHA: return EVP_chacha20_poly1305();
	case TLS_MODE_CBC: return su->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
	}
	return NULL;
}

static void put_seq_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(seq >> (56 - 8 * i));
	h[8] = type;
	h[9] = (uint8_t)(version >> 8);
	h[10] = (uint8_t)version;
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

static tls_dec_result aead_open(const tls_cipher *c, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
				const uint8_t *ct, size_t ct_len, const uint8_t *tag, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	int tl = (int)tag_len(c->suite);
	tls_dec_result r = TLS_DEC_ERROR;
	if (x && c->suite->mode == TLS_MODE_CCM) {
		/* CCM wants the tag and the total length before the AAD; the last
		 * update is where the tag is checked */
		if (!EVP_DecryptInit_ex(x, evp_cipher(c->suite), NULL, NULL, NULL) ||
		    !EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) ||
		    !EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, tl, (void *)tag) ||
		    !EVP_DecryptInit_ex(x, NULL, NULL, c->key, nonce) ||
		    !EVP_DecryptUpdate(x, NULL, &n, NULL, (int)ct_len) ||
		    !EVP_DecryptUpdate(x, NULL, &n, aad, (int)aad_len))
			goto out;
		r = EVP_DecryptUpdate(x, out, &n, ct, (int)ct_len) > 0 ? TLS_DEC_OK : TLS_DEC_BAD_AUTH;
		goto out;
	}
	if (!x || !EVP_DecryptInit_ex(x, evp_cipher(c->suite), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) ||
	    !EVP_DecryptInit_ex(x, NULL, NULL, c->key, nonce) ||
	    !EVP_DecryptUpdate(x, NULL, &n, aad, (int)aad_len) ||
	    (ct_len && !EVP_DecryptUpdate(x, out, &n, ct, (int)ct_len)) ||
	    !EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, tl, (void *)tag))
		goto out;
	r = EVP_DecryptFinal_ex(x, out + n, &fin) > 0 ? TLS_DEC_OK : TLS_DEC_BAD_AUTH;
out:
	EVP_CIPHER_CTX_free(x);
	return r;
}

static bool cbc_decrypt(const tls_cipher *c, const uint8_t iv[16], const uint8_t *ct, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	bool ok = x && EVP_DecryptInit_ex(x, evp_cipher(c->suite), NULL, c->key, iv) &&
		  EVP_CIPHER_CTX_set_padding(x, 0) && EVP_DecryptUpdate(x, out, &n, ct, (int)len) &&
		  EVP_DecryptFinal_ex(x, out + n, &fin);
	EVP_CIPHER_CTX_free(x);
	return ok;
}

static bool hmac(const tls_cipher *c, const uint8_t hdr[13], const uint8_t *data, size_t len, uint8_t *mac)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *x = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)c->suite->mac, 0),
		OSSL_PARAM_construct_end(),
	};
	size_t ml = 0;
	bool ok = x && EVP_MAC_init(x, c->mac_key, c->suite->mac_len, p) && EVP_MAC_update(x, hdr, 13) &&
		  EVP_MAC_update(x, data, len) && EVP_MAC_final(x, mac, &ml, 64) && ml == c->suite->mac_len;
	EVP_MAC_CTX_free(x);
	EVP_MAC_free(m);
	return ok;
}

/* Strips and checks the CBC padding of pt; returns the length without it. */
static bool unpad(const uint8_t *pt, size_t len, size_t *out_len)
{
	if (!len)
		return false;
	size_t pad = pt[len - 1];
	if (pad + 1 > len)
		return false;
	for (size_t i = len - 1 - pad; i < len - 1; i++)
		if (pt[i] != pad)
			return false;
	*out_len = len - 1 - pad;
	return true;
}

static tls_dec_result cbc_open(tls_cipher *c, uint8_t type, uint16_t ver, const uint8_t *in, size_t len,
			       uint8_t *out, size_t *out_len)
{
	size_t bl = block_len(c->suite);
	size_t ml = c->suite->mac_len, ivl = c->version <= 0x0301 ? 0 : bl;
	uint8_t hdr[13], mac[64], iv[16];
	size_t enc_len = c->etm ? (len >= ml ? len - ml : 0) : len;
	if (enc_len < ivl + bl || (enc_len - ivl) % bl != 0 || (!c->etm && enc_len - ivl < ml + 1))
		return TLS_DEC_SHORT;
	if (c->etm) {
		put_seq_header(hdr, c->seq, type, ver, enc_len);
		if (!hmac(c, hdr, in, enc_len, mac))
			return TLS_DEC_ERROR;
		if (CRYPTO_memcmp(mac, in + enc_len, ml) != 0)
			return TLS_DEC_BAD_AUTH;
	}
	memcpy(iv, ivl ? in : c->iv, bl);
	const uint8_t *ct = in + ivl;
	size_t ct_len = enc_len - ivl, pt_len;
	if (!cbc_decrypt(c, iv, ct, ct_len, out))
		return TLS_DEC_ERROR;
	if (!unpad(out, ct_len, &pt_len))
		return c->etm ? TLS_DEC_BAD_PADDING : TLS_DEC_BAD_AUTH;  /* MAC-then-encrypt: one failure */
	if (!c->etm) {
		if (pt_len < ml)
			return TLS_DEC_BAD_AUTH;
		pt_len -= ml;
		put_seq_header(hdr, c->seq, type, ver, pt_len);
		if (!hmac(c, hdr, out, pt_len, mac))
			return TLS_DEC_ERROR;
		if (CRYPTO_memcmp(mac, out + pt_len, ml) != 0)
			return TLS_DEC_BAD_AUTH;
	}
	if (!ivl)
		memcpy(c->iv, ct + ct_len - bl, bl);  /* TLS 1.0 chains the IV across records */
	*out_len = pt_len;
	return TLS_DEC_OK;
}

tls_dec_result tls_decrypt_record(tls_cipher *c, uint8_t type, uint16_t rec_version, const uint8_t *in,
				  size_t len, uint8_t *out, size_t *out_len, uint8_t *inner_type)
{
	if (!c->ready)
		return TLS_DEC_ERROR;
	if (len > TLS_PLAIN_MAX)
		return TLS_DEC_SHORT;
	*inner_type = type;
	*out_len = 0;
	tls_dec_result r;
	uint8_t nonce[12], aad[13];
	if (c->suite->mode == TLS_MODE_CBC) {
		r = cbc_open(c, type, rec_version, in, len, out, out_len);
	} else if (c->version == 0x0304) {
		if (len < 17)
			return TLS_DEC_SHORT;
		memcpy(nonce, c->iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(c->seq >> (56 - 8 * i));
		aad[0] = type;
		aad[1] = (uint8_t)(rec_version >> 8);
		aad[2] = (uint8_t)rec_version;
		aad[3] = (uint8_t)(len >> 8);
		aad[4] = (uint8_t)len;
		r = aead_open(c, nonce, aad, 5, in, len - 16, in + len - 16, out);
		if (r == TLS_DEC_OK) {
			/* TLSInnerPlaintext: content, type, zero padding */
			size_t n = len - 16;
			while (n && out[n - 1] == 0)
				n--;
			if (!n)
				return TLS_DEC_BAD_PADDING;
			*inner_type = out[n - 1];
			*out_len = n - 1;
		}
	} else if (c->suite->mode == TLS_MODE_GCM || c->suite->mode == TLS_MODE_CCM) {
		size_t tl = tag_len(c->suite);
		if (len < 8 + tl)
			return TLS_DEC_SHORT;
		memcpy(nonce, c->iv, 4);
		memcpy(nonce + 4, in, 8);
		size_t ct_len = len - 8 - tl;
		put_seq_header(aad, c->seq, type, rec_version, ct_len);
		r = aead_open(c, nonce, aad, 13, in + 8, ct_len, in + len - tl, out);
		*out_len = r == TLS_DEC_OK ? ct_len : 0;
	} else {
		if (len < 16)
			return TLS_DEC_SHORT;
		memcpy(nonce, c->iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(c->seq >> (56 - 8 * i));
		size_t ct_len = len - 16;
		put_seq_header(aad, c->seq, type, rec_version, ct_len);
		r = aead_open(c, nonce, aad, 13, in, ct_len, in + len - 16, out);
		*out_len = r == TLS_DEC_OK ? ct_len : 0;
	}
	if (r == TLS_DEC_OK)
		c->seq++;
	else
		*out_len = 0;
	return r;
}
