/* Unit tests of chain analysis, root hash lists and certificate files. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "inputs/amthashes.h"
#include "rules/certcheck.h"
#include "inputs/certfile.h"
#include "decoder/run.h"
#include "dissectors/x509.h"
#include "rules/chainjudge.h"

static char *certs_dir;
static const int64_t at_2026 = 1795000000LL * 1000000;  /* 2026-11-18 */

static X509 *load(const char *name)
{
	char *path = g_build_filename(certs_dir, name, NULL);
	FILE *f = fopen(path, "r");
	g_free(path);
	if (!f)
		return NULL;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

static const chain_verdict *check(certcheck *cc, const char *const *names, int n)
{
	X509 *c[8] = {0};
	for (int i = 0; i < n; i++)
		c[i] = load(names[i]);
	const chain_verdict *v = certcheck_x509(cc, c, (uint32_t)n, at_2026);
	for (int i = 0; i < n; i++)
		X509_free(c[i]);
	return v;
}

static void test_good_chain_with_anchor(void)
{
	char *err = NULL;
	char *ca = g_build_filename(certs_dir, "root.pem", NULL);
	certcheck *cc = certcheck_new(ca, false, &err);
	g_free(ca);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
	const char *good[] = {"leaf.pem", "issuing.pem", "policy.pem"};
	const chain_verdict *v = check(cc, good, 3);
	CU_ASSERT_TRUE(v->complete);
	CU_ASSERT_TRUE(v->ordered);
	CU_ASSERT_TRUE(v->anchored_by_ca_file);
	CU_ASSERT_FALSE(v->leaf_self_signed);
	CU_ASSERT_EQUAL(v->weak_index, -1);
	CU_ASSERT_STRING_EQUAL(v->root_subject, "CN=amtscope Test Root CA,O=amtscope tests");
	CU_ASSERT_EQUAL(chain_expired_at(v, at_2026), -1);
	/* the same chain is verified once: the cache returns the same verdict */
	CU_ASSERT_PTR_EQUAL(check(cc, good, 3), v);
	/* time is judged per call from the dates */
	CU_ASSERT_EQUAL(chain_expired_at(v, 2200000000LL * 1000000), 0);
	CU_ASSERT_EQUAL(chain_not_yet_valid_at(v, 1600000000LL * 1000000), 0);

	const char *reversed[] = {"leaf.pem", "policy.pem", "issuing.pem"};
	v = check(cc, reversed, 3);
	CU_ASSERT_TRUE(v->complete);
	CU_ASSERT_FALSE(v->ordered);
	CU_ASSERT_EQUAL(v->first_misplaced, 1);

	const char *missing[] = {"leaf.pem", "issuing.pem"};
	v = check(cc, missing, 2);
	CU_ASSERT_FALSE(v->complete);
	CU_ASSERT_STRING_EQUAL(v->missing_issuer, "CN=amtscope Test Policy CA,O=amtscope tests");
	certcheck_free(cc);
}

static void test_without_anchor(void)
{
	char *err = NULL;
	certcheck *cc = certcheck_new(NULL, false, &err);
	const char *good[] = {"leaf.pem", "issuing.pem", "policy.pem"};
	CU_ASSERT_FALSE(check(cc, good, 3)->complete);
	const char *full[] = {"leaf.pem", "issuing.pem", "policy.pem", "root.pem"};
	const chain_verdict *v = check(cc, full, 4);
	CU_ASSERT_TRUE(v->complete);
	CU_ASSERT_FALSE(v->anchored_by_ca_file);
	CU_ASSERT_EQUAL(v->root_index, 3);
	CU_ASSERT_EQUAL(strlen(v->root_sha256), 64);
	const char *self[] = {"selfsigned.pem"};
	v = check(cc, self, 1);
	CU_ASSERT_TRUE(v->complete);
	CU_ASSERT_TRUE(v->leaf_self_signed);
	const char *sha1[] = {"leaf-sha1.pem", "issuing.pem", "policy.pem", "root.pem"};
	v = check(cc, sha1, 4);
	CU_ASSERT_EQUAL(v->weak_index, 0);
	CU_ASSERT_STRING_EQUAL(v->weak_reason, "signed with sha1WithRSAEncryption");
	const char *expired[] = {"leaf-expired.pem", "issuing.pem"};
	v = check(cc, expired, 2);
	CU_ASSERT_EQUAL(chain_expired_at(v, at_2026), 0);
	certcheck_free(cc);
	CU_ASSERT_PTR_NULL(certcheck_new("/nonexistent/ca.pem", false, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	g_free(err);
}

static void test_names(void)
{
	X509 *leaf = load("leaf.pem");
	CU_ASSERT_TRUE(cert_matches_host(leaf, "amt.tls.test"));
	CU_ASSERT_TRUE(cert_matches_host(leaf, "AMT.tls.test"));
	CU_ASSERT_FALSE(cert_matches_host(leaf, "other.tls.test"));
	CU_ASSERT_FALSE(cert_matches_host(leaf, "127.0.4.10"));
	X509_free(leaf);
	char *d = prov_domain_suffix("setup.prov.test");
	CU_ASSERT_STRING_EQUAL(d, "prov.test");
	g_free(d);
	d = prov_domain_suffix("*.Corp.Example");
	CU_ASSERT_STRING_EQUAL(d, "corp.example");
	g_free(d);
	d = prov_domain_suffix("example.com");
	CU_ASSERT_STRING_EQUAL(d, "example.com");
	g_free(d);
	CU_ASSERT_PTR_NULL(prov_domain_suffix("localhost"));
	CU_ASSERT_PTR_NULL(prov_domain_suffix(NULL));
}

static void test_hash_lists(void)
{
	amt_hashes *h = amt_hashes_new();
	char *err = NULL;
	const char *src = getenv("SRCDIR");
	char *rules = g_build_filename(src ? src : ".", "rules", NULL);
	CU_ASSERT_TRUE(amt_hashes_load_default(h, rules, NULL, &err));
	g_free(rules);
	/* Go Daddy Class 2: both hashes in the shipped list */
	CU_ASSERT_STRING_EQUAL(amt_hashes_find(h, "2796bae63f1801e277261ba0d77770028f20eee4", NULL),
			       "Go Daddy Class 2 Certification Authority");
	CU_ASSERT_PTR_NOT_NULL(amt_hashes_find(h, NULL,
		"c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4"));
	CU_ASSERT_PTR_NULL(amt_hashes_find(h, NULL, "00"));
	char *tmp = NULL;
	int fd = g_file_open_tmp("amthashes-XXXXXX", &tmp, NULL);
	const char *list = "# custom roots\n"
			   "AABBCCDDEEFF00112233445566778899aabbccdd  Corp Root\n"
			   "\n";
	CU_ASSERT_EQUAL(write(fd, list, strlen(list)), (ssize_t)strlen(list));
	close(fd);
	CU_ASSERT_TRUE(amt_hashes_load_list(h, tmp, &err));
	CU_ASSERT_STRING_EQUAL(amt_hashes_find(h, "aabbccddeeff00112233445566778899aabbccdd", NULL), "Corp Root");
	g_file_set_contents(tmp, "not-a-hash\n", -1, NULL);
	CU_ASSERT_FALSE(amt_hashes_load_list(h, tmp, &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
	g_free(err);
	g_unlink(tmp);
	g_free(tmp);
	CU_ASSERT_TRUE(amt_hashes_add(h, "sha256:5e5a44a8cf7cb864fef64431d82bf2d7a847f14ba2b01499b166688e4943c04e", NULL));
	CU_ASSERT_FALSE(amt_hashes_add(h, "sha256:12", NULL));
	amt_hashes_free(h);
}

static void test_cert_files(void)
{
	certfile cf;
	char *err = NULL;
	char *p = g_build_filename(certs_dir, "bundle-mixed.pem", NULL);
	CU_ASSERT_TRUE_FATAL(certfile_read(p, NULL, &cf, &err));
	CU_ASSERT_EQUAL(cf.kind, CF_PEM);
	CU_ASSERT_EQUAL(sk_X509_num(cf.certs), 3);
	certfile_free(&cf);
	g_free(p);
	p = g_build_filename(certs_dir, "leaf.der", NULL);
	CU_ASSERT_TRUE(certfile_read(p, NULL, &cf, &err));
	CU_ASSERT_EQUAL(cf.kind, CF_DER);
	certfile_free(&cf);
	g_free(p);
	p = g_build_filename(certs_dir, "prov.p12", NULL);
	CU_ASSERT_FALSE(certfile_read(p, "wrong", &cf, &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "wrong password"));
	CU_ASSERT_PTR_NULL(strstr(err, "wrong\""));
	g_free(err);
	err = NULL;
	CU_ASSERT_TRUE(certfile_read(p, "amtscope-test", &cf, &err));
	CU_ASSERT_EQUAL(cf.kind, CF_PKCS12);
	CU_ASSERT_EQUAL(sk_X509_num(cf.certs), 3);
	CU_ASSERT_TRUE(cf.has_key);
	CU_ASSERT_TRUE(cf.key_matches);
	certfile_free(&cf);
	g_free(p);
	static const unsigned char junk[] = "\x30\x82\x10\x00garbage";
	CU_ASSERT_FALSE(certfile_parse(junk, sizeof(junk) - 1, NULL, &cf, &err));
	g_free(err);
	static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	CU_ASSERT_FALSE(certfile_parse((const unsigned char *)bad_pem, sizeof(bad_pem) - 1, NULL, &cf, &err));
	g_free(err);
}

/* A certificate made here: subject and issuer names as given ("" empty),
 * self-signed with a fresh RSA key of bits, with digest md. */
static X509 *make_cert(const char *subject_cn, const char *issuer_cn, int bits, const EVP_MD *md, bool ca)
{
	EVP_PKEY *key = EVP_RSA_gen((unsigned)bits);
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
	X509_NAME *sn = X509_NAME_new(), *in = X509_NAME_new();
	if (*subject_cn)
		X509_NAME_add_entry_by_txt(sn, "CN", MBSTRING_UTF8, (const unsigned char *)subject_cn, -1, -1, 0);
	if (*issuer_cn)
		X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_UTF8, (const unsigned char *)issuer_cn, -1, -1, 0);
	X509_set_subject_name(x, sn);
	X509_set_issuer_name(x, in);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	X509_set_pubkey(x, key);
	if (ca) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, "critical,CA:TRUE");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	X509_sign(x, key, md);
	EVP_PKEY_free(key);
	return x;
}

static bool judged(const chain_judge_in *in, const char *id, severity sev, const char *text)
{
	GArray *out = chain_judge(in);
	bool hit = false;
	for (guint i = 0; i < out->len; i++) {
		const cert_finding *f = &g_array_index(out, cert_finding, i);
		if (!strcmp(f->id, id) && f->sev == sev && (!text || strstr(f->summary, text)))
			hit = true;
	}
	chain_judge_free(out);
	return hit;
}

static bool judged_id(const chain_judge_in *in, const char *id)
{
	GArray *out = chain_judge(in);
	bool hit = false;
	for (guint i = 0; i < out->len; i++)
		hit |= !strcmp(g_array_index(out, cert_finding, i).id, id);
	chain_judge_free(out);
	return hit;
}

static void test_judge_edges(void)
{
	char *err = NULL;
	certcheck *cc = certcheck_new(NULL, false, &err);
	/* an empty issuer is named as empty, never as a blank */
	X509 *leaf = make_cert("leaf.judge.test", "", 2048, EVP_sha256(), false);
	const chain_verdict *v = certcheck_x509(cc, &leaf, 1, at_2026);
	CU_ASSERT_EQUAL(v->status, CHAIN_ISSUER_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(v->missing_issuer, "");
	chain_judge_in in = {.v = v, .root_trusted = -1};
	CU_ASSERT_TRUE(judged(&in, "tls.cert.issuer_unknown", SEV_WARNING, "its issuer (an empty name) was not sent"));
	X509_free(leaf);

	/* a 1024-bit RSA key and a SHA-1 signature: both reasons, not the first */
	X509 *weak = make_cert("weak.judge.test", "Some CA", 1024, EVP_sha1(), false);
	v = certcheck_x509(cc, &weak, 1, at_2026);
	CU_ASSERT_STRING_EQUAL(v->weak_reason, "RSA key of 1024 bits and signed with sha1WithRSAEncryption");
	in = (chain_judge_in){.v = v, .root_trusted = -1};
	CU_ASSERT_TRUE(judged(&in, "tls.cert.weak", SEV_WARNING, "RSA key of 1024 bits and signed with sha1"));
	in.provisioning = true;  /* AMT refuses a provisioning chain that is not SHA-2 */
	CU_ASSERT_TRUE(judged(&in, "tls.cert.weak", SEV_ERROR, NULL));
	X509_free(weak);

	/* a self-signed certificate whose algorithms OpenSSL lacks (the RSA OIDs
	 * rewritten to ML-DSA-44's, same length): named as that, not as a missing issuer */
	X509 *rsa = make_cert("mldsa.judge.test", "mldsa.judge.test", 2048, EVP_sha256(), true);
	unsigned char *der = NULL;
	int len = i2d_X509(rsa, &der);
	X509_free(rsa);
	static const unsigned char rsa_key[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	static const unsigned char rsa_sha256[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
	static const unsigned char mldsa44[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11};
	for (int i = 0; i + 9 <= len; i++)
		if (!memcmp(der + i, rsa_key, 9) || !memcmp(der + i, rsa_sha256, 9))
			memcpy(der + i, mldsa44, 9);
	const unsigned char *q = der;
	X509 *odd = d2i_X509(NULL, &q, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(odd);
	v = certcheck_x509(cc, &odd, 1, at_2026);
	CU_ASSERT_EQUAL(v->status, CHAIN_UNSUPPORTED);
	CU_ASSERT_STRING_EQUAL(v->bad_algorithm, "2.16.840.1.101.3.4.3.17");
	in = (chain_judge_in){.v = v, .root_trusted = -1};
	CU_ASSERT_TRUE(judged(&in, "tls.cert.unsupported_algorithm", SEV_WARNING, "2.16.840.1.101.3.4.3.17"));
	CU_ASSERT_FALSE(judged_id(&in, "tls.cert.issuer_unknown"));
	CU_ASSERT_FALSE(judged_id(&in, "tls.cert.chain_incomplete"));
	X509_free(odd);

	/* a certificate in the chain that does not parse */
	X509 *good = load("leaf.pem");
	unsigned char *gder = NULL;
	int glen = i2d_X509(good, &gder);
	X509_free(good);
	static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	const uint8_t *ders[] = {gder, junk};
	size_t lens[] = {(size_t)glen, sizeof(junk)};
	v = certcheck_der(cc, ders, lens, 2, at_2026);
	CU_ASSERT_EQUAL(v->status, CHAIN_UNPARSEABLE);
	CU_ASSERT_EQUAL(v->bad_index, 1);
	in = (chain_judge_in){.v = v, .root_trusted = -1};
	CU_ASSERT_TRUE(judged(&in, "tls.cert.unparseable", SEV_WARNING, "Certificate 2 of the chain"));
	CU_ASSERT_FALSE(judged_id(&in, "tls.cert.chain_incomplete"));
	OPENSSL_free(gder);
	OPENSSL_free(der);
	certcheck_free(cc);
}

static void test_rfc4514_names(void)
{
	X509 *x = make_cert("a,b+c\\d", "Example, Inc.", 2048, EVP_sha256(), false);
	arena a;
	arena_init(&a, 0);
	/* escaped once, as RFC 4514 writes it; no \x5c */
	CU_ASSERT_STRING_EQUAL(x509_name_text(&a, X509_get_subject_name(x)), "CN=a\\,b\\+c\\\\d");
	CU_ASSERT_STRING_EQUAL(x509_name_text(&a, X509_get_issuer_name(x)), "CN=Example\\, Inc.");
	arena_free(&a);
	X509_free(x);
}

/* The run's X.509 cache: a decoded certificate is parsed once, every
 * x509_parse_der hands out a reference of the caller's own (it outlives the
 * cache), and the run frees the cache. */
static void test_x509_cache(void)
{
	X509 *leaf = load("leaf.pem");
	CU_ASSERT_PTR_NOT_NULL_FATAL(leaf);
	unsigned char *der = NULL;
	int len = i2d_X509(leaf, &der);
	CU_ASSERT_FATAL(len > 0);
	amt_run run;
	run_init(&run);
	x509_cache *c = x509_run_cache(&run);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_PTR_EQUAL(x509_run_cache(&run), c);
	CU_ASSERT_PTR_NULL(x509_run_cache(NULL));
	arena a;
	arena_init(&a, 0);
	x509_info info, again;
	CU_ASSERT_TRUE(x509_decode(c, &a, der, (size_t)len, &info));
	CU_ASSERT_TRUE(x509_decode(c, &a, der, (size_t)len, &again));
	CU_ASSERT_STRING_EQUAL(again.subject, info.subject);
	X509 *x1 = x509_parse_der(c, der, (size_t)len);
	X509 *x2 = x509_parse_der(c, der, (size_t)len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x1);
	CU_ASSERT_PTR_EQUAL(x1, x2);  /* the cached certificate, not a new parse */
	CU_ASSERT_EQUAL(X509_cmp(x1, leaf), 0);
	X509 *fresh = x509_parse_der(NULL, der, (size_t)len);  /* no cache: parsed now */
	CU_ASSERT_PTR_NOT_NULL(fresh);
	CU_ASSERT_PTR_NOT_EQUAL(fresh, x1);
	X509_free(fresh);
	X509_free(x2);
	char h1[65], h2[65];
	x509_der_sha256_hex(c, der, (size_t)len, h1);
	x509_der_sha256_hex(NULL, der, (size_t)len, h2);
	CU_ASSERT_STRING_EQUAL(h1, h2);
	run_free(&run);  /* frees the cache and drops its reference */
	CU_ASSERT_PTR_NULL(run.x509);
	/* x1 is still ours: readable after the cache is gone */
	CU_ASSERT_EQUAL(X509_cmp(x1, leaf), 0);
	X509_free(x1);
	arena_free(&a);
	OPENSSL_free(der);
	X509_free(leaf);
}

int main(void)
{
	const char *src = getenv("SRCDIR");
	certs_dir = g_build_filename(src ? src : ".", "tests", "tls", "certs", NULL);
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("certcheck", NULL, NULL);
	CU_add_test(s, "chains with a --ca-file anchor: good, reversed, missing", test_good_chain_with_anchor);
	CU_add_test(s, "chains without anchor: root sent, self-signed, SHA-1, expired", test_without_anchor);
	CU_add_test(s, "judge: empty issuer, both weak reasons, unknown algorithm, unparseable", test_judge_edges);
	CU_add_test(s, "names once-escaped (RFC 4514)", test_rfc4514_names);
	CU_add_test(s, "host names and provisioning domain suffix", test_names);
	CU_add_test(s, "AMT root hash lists", test_hash_lists);
	CU_add_test(s, "certificate files: PEM, DER, PKCS#12, broken", test_cert_files);
	CU_add_test(s, "the run's X.509 cache: one parse, references up-ref'd, freed with the run", test_x509_cache);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	g_free(certs_dir);
	return failed ? 1 : 0;
}
