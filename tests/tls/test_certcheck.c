/* Unit tests of chain analysis, root hash lists and certificate files. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <string.h>

#include "rules/amthashes.h"
#include "rules/certcheck.h"
#include "rules/certfile.h"

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

int main(void)
{
	const char *src = getenv("SRCDIR");
	certs_dir = g_build_filename(src ? src : ".", "tests", "tls", "certs", NULL);
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("certcheck", NULL, NULL);
	CU_add_test(s, "chains with a --ca-file anchor: good, reversed, missing", test_good_chain_with_anchor);
	CU_add_test(s, "chains without anchor: root sent, self-signed, SHA-1, expired", test_without_anchor);
	CU_add_test(s, "host names and provisioning domain suffix", test_names);
	CU_add_test(s, "AMT root hash lists", test_hash_lists);
	CU_add_test(s, "certificate files: PEM, DER, PKCS#12, broken", test_cert_files);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	g_free(certs_dir);
	return failed ? 1 : 0;
}
