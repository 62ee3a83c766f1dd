/* Key log reader, key derivation against published vectors, and record
 * decryption of records sealed here with OpenSSL for each mode: GCM, CCM,
 * ChaCha20-Poly1305 (TLS 1.2 and 1.3), CBC with MAC-then-encrypt and
 * encrypt-then-MAC, TLS 1.0's chained IV; tampered and short records. */
#include <CUnit/Basic.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "dissectors/tls_decrypt.h"
#include "dissectors/tls_keylog.h"

static void unhex(const char *h, uint8_t *out)
{
	for (size_t i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static const char *R1 = "0101010101010101010101010101010101010101010101010101010101010101";

static void add(tls_keylog *k, const char *line)
{
	tls_keylog_add_line(k, line, strlen(line), "test:1");
}

static void test_keylog_lines(void)
{
	tls_keylog *k = tls_keylog_new(10);
	char line[400];
	snprintf(line, sizeof(line), "CLIENT_RANDOM %s %s", R1,
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	add(k, line);
	add(k, "# comment");
	add(k, "   ");
	snprintf(line, sizeof(line), "SERVER_TRAFFIC_SECRET_0 %s %s\r", R1,
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	add(k, line);
	CU_ASSERT_EQUAL(tls_keylog_problem_count(k), 0);
	uint8_t r[32];
	unhex(R1, r);
	const tls_session_keys *s = tls_keylog_find(k, r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->has_master);
	CU_ASSERT_EQUAL(s->master[47], 0xaa);
	CU_ASSERT_EQUAL(s->secret_len[KL_SERVER_APP], 32);
	CU_ASSERT_EQUAL(s->secret[KL_SERVER_APP][0], 0xbb);
	CU_ASSERT_EQUAL(s->secret_len[KL_CLIENT_HS], 0);
	r[0] ^= 1;
	CU_ASSERT_PTR_NULL(tls_keylog_find(k, r));

	/* each bad line is one problem; none changes the session */
	snprintf(line, sizeof(line), "CLIENT_RANDOM %s %s", R1, "cccc");
	add(k, line);  /* master of the wrong length */
	snprintf(line, sizeof(line), "CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %040d", R1, 0);
	add(k, line);  /* 20-byte secret */
	add(k, "CLIENT_RANDOM 0101 aaaa");
	add(k, "BOGUS a b");
	add(k, "CLIENT_RANDOM onlytwo");
	add(k, "RSA 0102 0304");  /* a known label amtscope does not use: ignored */
	CU_ASSERT_EQUAL(tls_keylog_problem_count(k), 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(tls_keylog_problem(k, 0), "test:1: master secret"));
	r[0] ^= 1;
	CU_ASSERT_EQUAL(tls_keylog_find(k, r)->master[0], 0xaa);
	CU_ASSERT_EQUAL(tls_keylog_sessions(k), 1);
	CU_ASSERT_FALSE(tls_keylog_limit_hit(k));
	tls_keylog_free(k);
}

static void test_keylog_caps(void)
{
	tls_keylog *k = tls_keylog_new(2);
	char line[400];
	for (int i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "CLIENT_RANDOM %064d %096d", i, i);
		add(k, line);
	}
	CU_ASSERT_EQUAL(tls_keylog_sessions(k), 2);
	CU_ASSERT_TRUE(tls_keylog_limit_hit(k));
	for (int i = 0; i < KL_MAX_PROBLEMS + 10; i++)
		add(k, "X");
	CU_ASSERT_EQUAL(tls_keylog_problem_count(k), KL_MAX_PROBLEMS + 10);
	CU_ASSERT_PTR_NULL(tls_keylog_problem(k, KL_MAX_PROBLEMS));
	tls_keylog_free(k);
}

static void test_vectors(void)
{
	/* TLS 1.2 PRF (SHA-256) test vector circulated on the TLS WG list */
	uint8_t secret[16], seed[16], out[16], want[16];
	unhex("9bbe436ba940f017b17652849a71db35", secret);
	unhex("a0ba9f936cda311827a6f796ffd5198c", seed);
	unhex("e3f229ba727be17b8d122620557cd453", want);
	CU_ASSERT_TRUE_FATAL(tls_prf("SHA256", secret, 16, "test label", seed, 16, out, 16));
	CU_ASSERT_EQUAL(memcmp(out, want, 16), 0);
	/* RFC 8448 section 3: server handshake traffic key and iv */
	uint8_t shts[32], key[16], iv[12];
	unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", shts);
	CU_ASSERT_TRUE_FATAL(tls13_expand_label("SHA256", shts, 32, "key", NULL, 0, key, 16));
	unhex("3fce516009c21727d0f2e4e86ee403bc", want);
	CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
	tls13_expand_label("SHA256", shts, 32, "iv", NULL, 0, iv, 12);
	unhex("5d313eb2671276ee13000b30", want);
	CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
	tls_cipher c;
	CU_ASSERT_TRUE_FATAL(tls13_derive(tls_suite_find(0x1301), shts, 32, &c));
	CU_ASSERT_EQUAL(memcmp(c.iv, want, 12), 0);
	CU_ASSERT_FALSE(tls13_derive(tls_suite_find(0x1302), shts, 32, &c));  /* SHA-384 wants 48 */
	CU_ASSERT_PTR_NOT_NULL(tls_suite_find(0x0041));  /* Camellia-CBC */
	CU_ASSERT_EQUAL(tls_suite_find(0xc0a0)->tag_len, 8);  /* AES-CCM_8 */
	CU_ASSERT_PTR_NULL(tls_suite_find(0x1305));  /* TLS 1.3 CCM_8: not decrypted */
	CU_ASSERT_TRUE(tls_suite_rsa_kx(0x009c));
	CU_ASSERT_FALSE(tls_suite_rsa_kx(0xc02f));
}

/* ---- sealing records the way a TLS stack does ---- */

static size_t aead_seal(const tls_cipher *c, const EVP_CIPHER *ev, const uint8_t nonce[12], const uint8_t *aad,
			size_t aad_len, const uint8_t *pt, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int l = 0;
	bool ccm = c->suite->mode == TLS_MODE_CCM;
	EVP_EncryptInit_ex(x, ev, NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (ccm)
		EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, NULL);
	EVP_EncryptInit_ex(x, NULL, NULL, c->key, nonce);
	if (ccm)
		EVP_EncryptUpdate(x, NULL, &l, NULL, (int)n);
	EVP_EncryptUpdate(x, NULL, &l, aad, (int)aad_len);
	EVP_EncryptUpdate(x, out, &l, pt, (int)n);
	EVP_EncryptFinal_ex(x, out + l, &l);
	EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, out + n);
	EVP_CIPHER_CTX_free(x);
	return n + 16;
}

static void seq_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t ver, size_t len)
{
	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(seq >> (56 - 8 * i));
	h[8] = type;
	h[9] = (uint8_t)(ver >> 8);
	h[10] = (uint8_t)ver;
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

static void derive12(uint16_t suite, uint16_t version, bool etm, tls_cipher *cli, tls_cipher *srv)
{
	uint8_t master[48], cr[32], sr[32];
	memset(master, 0x42, 48);
	memset(cr, 1, 32);
	memset(sr, 2, 32);
	CU_ASSERT_TRUE_FATAL(tls12_derive(tls_suite_find(suite), version, etm, master, cr, sr, cli, srv));
}

static const char MSG[] = "POST /wsman HTTP/1.1\r\nHost: amt\r\n\r\n";

static void check_open(tls_cipher *c, const uint8_t *rec, size_t n, uint8_t type, uint16_t ver, const char *want,
		       uint8_t want_type)
{
	static uint8_t out[TLS_PLAIN_MAX];
	size_t got = 0;
	uint8_t inner = 0;
	uint64_t seq = c->seq;
	uint8_t bad[2048];
	memcpy(bad, rec, n);
	bad[n / 2] ^= 0x20;
	CU_ASSERT_EQUAL(tls_decrypt_record(c, type, ver, bad, n, out, &got, &inner), TLS_DEC_BAD_AUTH);
	CU_ASSERT_EQUAL(c->seq, seq);
	CU_ASSERT_EQUAL(tls_decrypt_record(c, type, ver, rec, 5, out, &got, &inner), TLS_DEC_SHORT);
	CU_ASSERT_EQUAL_FATAL(tls_decrypt_record(c, type, ver, rec, n, out, &got, &inner), TLS_DEC_OK);
	CU_ASSERT_EQUAL(c->seq, seq + 1);
	CU_ASSERT_EQUAL(inner, want_type);
	CU_ASSERT_EQUAL_FATAL(got, strlen(want));
	CU_ASSERT_EQUAL(memcmp(out, want, got), 0);
}

static void aead12(uint16_t suite, const EVP_CIPHER *ev, bool explicit_nonce)
{
	tls_cipher cli, srv;
	derive12(suite, 0x0303, false, &cli, &srv);
	uint8_t rec[512], nonce[12], aad[13];
	size_t n = strlen(MSG), off = 0;
	cli.seq = srv.seq = 5;
	if (explicit_nonce) {
		memcpy(nonce, srv.iv, 4);
		memcpy(nonce + 4, "\0\0\0\0\0\0\0\x05", 8);
		memcpy(rec, nonce + 4, 8);
		off = 8;
	} else {
		memcpy(nonce, srv.iv, 12);
		nonce[11] ^= 5;
	}
	seq_header(aad, 5, 23, 0x0303, n);
	size_t len = off + aead_seal(&srv, ev, nonce, aad, 13, (const uint8_t *)MSG, n, rec + off);
	check_open(&srv, rec, len, 23, 0x0303, MSG, 23);
	(void)cli;
}

static void test_gcm_ccm_chacha12(void)
{
	aead12(0xc02f, EVP_aes_128_gcm(), true);
	aead12(0xc030, EVP_aes_256_gcm(), true);
	aead12(0xc09c, EVP_aes_128_ccm(), true);
	aead12(0xcca8, EVP_chacha20_poly1305(), false);
}

static void aead13(uint16_t suite, const EVP_CIPHER *ev, size_t slen)
{
	uint8_t secret[48], rec[512], inner[512], nonce[12], aad[5];
	memset(secret, 0x33, sizeof(secret));
	tls_cipher c;
	CU_ASSERT_TRUE_FATAL(tls13_derive(tls_suite_find(suite), secret, slen, &c));
	size_t n = strlen(MSG);
	memcpy(inner, MSG, n);
	inner[n] = 23;               /* content type */
	memset(inner + n + 1, 0, 7); /* padding */
	size_t pn = n + 8;
	memcpy(nonce, c.iv, 12);
	aad[0] = 23, aad[1] = 3, aad[2] = 3, aad[3] = 0, aad[4] = (uint8_t)(pn + 16);
	size_t len = aead_seal(&c, ev, nonce, aad, 5, inner, pn, rec);
	check_open(&c, rec, len, 23, 0x0303, MSG, 23);
	/* KeyUpdate: a new generation of keys, the sequence starts again */
	CU_ASSERT_TRUE(tls13_key_update(&c));
	CU_ASSERT_EQUAL(c.seq, 0);
}

static void test_tls13(void)
{
	aead13(0x1301, EVP_aes_128_gcm(), 32);
	aead13(0x1302, EVP_aes_256_gcm(), 48);
	aead13(0x1303, EVP_chacha20_poly1305(), 32);
	aead13(0x1304, EVP_aes_128_ccm(), 32);
}

static void mac(const EVP_MD *md, const uint8_t *key, size_t kl, const uint8_t hdr[13], const uint8_t *p, size_t n,
		uint8_t *out)
{
	uint8_t buf[600];
	unsigned int l = 0;
	memcpy(buf, hdr, 13);
	memcpy(buf + 13, p, n);
	HMAC(md, key, (int)kl, buf, 13 + n, out, &l);
}

static size_t cbc_seal(const tls_cipher *c, uint16_t ver, bool etm, const uint8_t *iv, const char *msg,
		       uint8_t *rec)
{
	size_t n = strlen(msg), ml = c->suite->mac_len, ivl = ver >= 0x0302 ? 16 : 0;
	const EVP_MD *md = EVP_get_digestbyname(c->suite->mac);
	uint8_t pt[512], hdr[13];
	memcpy(pt, msg, n);
	size_t pn = n;
	if (!etm) {
		seq_header(hdr, c->seq, 23, ver, n);
		mac(md, c->mac_key, ml, hdr, pt, n, pt + n);
		pn += ml;
	}
	uint8_t pad = (uint8_t)(15 - pn % 16);
	memset(pt + pn, pad, pad + 1u);
	pn += pad + 1u;
	memcpy(rec, iv, ivl);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int o = 0;
	EVP_EncryptInit_ex(x, c->suite->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(), NULL, c->key, iv);
	EVP_CIPHER_CTX_set_padding(x, 0);
	EVP_EncryptUpdate(x, rec + ivl, &o, pt, (int)pn);
	EVP_CIPHER_CTX_free(x);
	size_t len = ivl + pn;
	if (etm) {
		seq_header(hdr, c->seq, 23, ver, len);
		mac(md, c->mac_key, ml, hdr, rec, len, rec + len);
		len += ml;
	}
	return len;
}

static void test_cbc(void)
{
	static const uint16_t suites[] = {0xc013, 0x003c, 0xc028};
	uint8_t iv[16], rec[512];
	memset(iv, 0x5a, 16);
	for (size_t i = 0; i < 3; i++) {
		for (int etm = 0; etm < 2; etm++) {
			tls_cipher cli, srv;
			derive12(suites[i], 0x0303, etm, &cli, &srv);
			CU_ASSERT_EQUAL(cli.etm, etm);
			size_t len = cbc_seal(&cli, 0x0303, etm, iv, MSG, rec);
			check_open(&cli, rec, len, 23, 0x0303, MSG, 23);
			len = cbc_seal(&cli, 0x0303, etm, iv, "x", rec);
			check_open(&cli, rec, len, 23, 0x0303, "x", 23);
		}
	}
	/* TLS 1.0: the IV comes from the key block, then from the last block of each record */
	tls_cipher cli, srv, sealer;
	derive12(0x002f, 0x0301, false, &cli, &srv);
	sealer = cli;
	size_t len = cbc_seal(&sealer, 0x0301, false, sealer.iv, MSG, rec);
	check_open(&cli, rec, len, 23, 0x0301, MSG, 23);
	sealer.seq = 1;
	len = cbc_seal(&sealer, 0x0301, false, cli.iv, "second", rec);
	check_open(&cli, rec, len, 23, 0x0301, "second", 23);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("decrypt", NULL, NULL);
	CU_add_test(s, "key log lines", test_keylog_lines);
	CU_add_test(s, "key log caps", test_keylog_caps);
	CU_add_test(s, "PRF and HKDF vectors", test_vectors);
	CU_add_test(s, "TLS 1.2 GCM, CCM, ChaCha20", test_gcm_ccm_chacha12);
	CU_add_test(s, "TLS 1.3 AEADs and KeyUpdate", test_tls13);
	CU_add_test(s, "CBC: MAC-then-encrypt, encrypt-then-MAC, TLS 1.0 IV chain", test_cbc);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
