/* Unit tests of rule_tls: TLS events (made by the dissector from hand-built
 * records) go through a real analysis with a prepared device table. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "decoder/dissector.h"
#include "rules/rule.h"

extern const dissector dissector_tls;
static char *certs_dir;
static const int64_t at_2026 = 1795000000LL * 1000000;

static void der_of(GByteArray *out, const char *name)
{
	char *path = g_build_filename(certs_dir, name, NULL);
	gchar *pem = NULL;
	if (g_file_get_contents(path, &pem, NULL, NULL)) {
		GString *b64 = g_string_new(NULL);
		gchar **lines = g_strsplit(pem, "\n", -1);
		for (gchar **l = lines; *l; l++)
			if (**l && strncmp(*l, "-----", 5) != 0)
				g_string_append(b64, *l);
		gsize n = 0;
		guchar *der = g_base64_decode(b64->str, &n);
		uint8_t len[3] = {(uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
		g_byte_array_append(out, len, 3);
		g_byte_array_append(out, der, (guint)n);
		g_free(der);
		g_strfreev(lines);
		g_string_free(b64, TRUE);
		g_free(pem);
	}
	g_free(path);
}

/* One record holding a Certificate message with the named certificates. */
static GByteArray *cert_record(const char *const *names)
{
	GByteArray *list = g_byte_array_new();
	for (; *names; names++)
		der_of(list, *names);
	GByteArray *r = g_byte_array_new();
	size_t body = list->len + 3, rec = body + 4;
	uint8_t hdr[] = {22, 3, 3, (uint8_t)(rec >> 8), (uint8_t)rec, 11, (uint8_t)(body >> 16),
			 (uint8_t)(body >> 8), (uint8_t)body, (uint8_t)(list->len >> 16),
			 (uint8_t)(list->len >> 8), (uint8_t)list->len};
	g_byte_array_append(r, hdr, sizeof(hdr));
	g_byte_array_append(r, list->data, list->len);
	g_byte_array_free(list, TRUE);
	return r;
}

typedef struct fixture {
	amt_run run;
	analysis an;
	dis_test t;
	void *st;
} fixture;

static void setup(fixture *f, const char *cli, const char *srv, uint16_t sport, const char *hashes)
{
	run_init(&f->run);
	f->run.cfg.data_dir = NULL;
	f->run.cfg.amt_hashes_file = hashes;
	analysis_init(&f->an, &f->run);
	dis_test_init(&f->t, 6, cli, 40000, srv, sport);
	f->t.mark.ts = at_2026;
	f->st = dissector_tls.state_new(&f->t.ctx);
}

/* Feeds one direction, then delivers every new event to the analysis. */
static void feed(fixture *f, uint8_t dir, GByteArray *bytes)
{
	size_t before = ((GPtrArray *)f->t.events)->len;
	dis_test_stream(&f->t, &dissector_tls, f->st, dir, bytes->data, bytes->len, 0, false);
	GPtrArray *evs = f->t.events;
	for (guint i = (guint)before; i < evs->len; i++)
		bus_emit(&f->run.bus, evs->pdata[i]);
	g_byte_array_free(bytes, TRUE);
}

static size_t count_rule(fixture *f, const char *id)
{
	size_t n = 0;
	for (guint i = 0; i < f->an.fnd.list->len; i++)
		if (!strcmp(((finding *)f->an.fnd.list->pdata[i])->rule, id))
			n++;
	return n;
}

static void teardown(fixture *f)
{
	dissector_tls.state_free(f->st);
	analysis_free(&f->an);
	dis_test_free(&f->t);
	run_free(&f->run);
}

/* A root hash the device announced in its hello, as the hello rule records it. */
static void announce_root(fixture *f, device *amtdev, const char *sha256_hex, evidence ev)
{
	uint8_t b[32];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(g_ascii_xdigit_value(sha256_hex[2 * i]) * 16 + g_ascii_xdigit_value(sha256_hex[2 * i + 1]));
	amt_hash h;
	CU_ASSERT_TRUE_FATAL(amt_hash_set(&h, AMT_HASH_SHA256, b, sizeof(b)));
	dev_fact_hash(&f->an.dev, amtdev, FACT_ROOT_HASH, &h, "hello", ev, 0);
}

static void test_name_from_dns(void)
{
	fixture f;
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	f.run.cfg.ca_file = NULL;
	device *d = dev_by_ip_str(&f.an.dev, "10.0.0.2", true);
	evidence ev = {0, 1, 0, 0};
	dev_fact(&f.an.dev, d, FACT_FQDN, "amt.tls.test", "dns", ev, 0);
	const char *chain[] = {"leaf-other.pem", "issuing.pem", "policy.pem", "root.pem", NULL};
	feed(&f, DIR_S2C, cert_record(chain));
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.name_mismatch"), 1);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	/* every certificate of the chain is on the server's record */
	size_t certs = 0;
	d = dev_resolve(d);
	for (guint i = 0; i < d->facts->len; i++)
		certs += g_array_index(d->facts, fact, i).kind == FACT_CERT;
	CU_ASSERT_EQUAL(certs, 4);
	teardown(&f);
}

static void test_self_signed_exemption(void)
{
	const char *amt[] = {"amt-self.pem", NULL};
	const char *prov[] = {"prov.pem", "prov-issuing.pem", "prov-root.pem", NULL};
	/* a console on 16993 without a client certificate: AMT's cert is reported */
	fixture f;
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	feed(&f, DIR_S2C, cert_record(amt));
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.self_signed"), 0);  /* deferred */
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.self_signed"), 1);
	teardown(&f);
	/* remote configuration: the client presents its provisioning chain */
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	device *amtdev = dev_by_ip_str(&f.an.dev, "10.0.0.2", true);
	evidence ev = {0, 1, 0, 0};
	/* the hello announced the provisioning root's hash */
	announce_root(&f, amtdev, "5e5a44a8cf7cb864fef64431d82bf2d7a847f14ba2b01499b166688e4943c04e", ev);
	feed(&f, DIR_S2C, cert_record(amt));
	feed(&f, DIR_C2S, cert_record(prov));
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 0);
	amtdev = dev_resolve(amtdev);
	const fact *pd = dev_first(amtdev, FACT_PROV_DOMAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pd);
	CU_ASSERT_STRING_EQUAL(pd->value, "prov.test");
	CU_ASSERT_STRING_EQUAL(pd->source, "tls.prov_cert");
	CU_ASSERT_TRUE(amtdev->roles & ROLE_AMT);
	teardown(&f);
	/* an AMT certificate from a chain the client cannot complete (On-Die CA) */
	const char *odca[] = {"leaf.pem", "issuing.pem", NULL};
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, "unused");
	f.run.cfg.amt_hashes_file = NULL;
	feed(&f, DIR_S2C, cert_record(odca));
	feed(&f, DIR_C2S, cert_record(prov));
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.chain_incomplete"), 0);
	CU_ASSERT_EQUAL(count_rule(&f, "prov.cert.untrusted_root"), 1);  /* no hello: default list */
	teardown(&f);
	/* the same certificate to a console: reported when the flow ends, as
	 * complete as far as sent (its top is a CA whose root is unknown) */
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	feed(&f, DIR_S2C, cert_record(odca));
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.chain_incomplete"), 0);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.root_unknown"), 1);
	teardown(&f);
	/* a provisioning chain without its root: AMT's own rule, instead of
	 * the generic chain finding (one problem, one finding) */
	const char *no_root[] = {"prov.pem", "prov-issuing.pem", NULL};
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	feed(&f, DIR_S2C, cert_record(amt));
	feed(&f, DIR_C2S, cert_record(no_root));
	analysis_end(&f.an);
	/* on the AMT device and on the setup service that sent the chain */
	CU_ASSERT_EQUAL(count_rule(&f, "prov.cert.root_not_sent"), 2);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.root_unknown"), 0);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.cert.chain_incomplete"), 0);
	CU_ASSERT_EQUAL(count_rule(&f, "prov.cert.untrusted_root"), 0);
	teardown(&f);
}

static void test_announced_hashes_rule(void)
{
	const char *prov[] = {"prov.pem", "prov-issuing.pem", "prov-root.pem", NULL};
	fixture f;
	setup(&f, "10.0.0.1", "10.0.0.2", 16993, NULL);
	device *amtdev = dev_by_ip_str(&f.an.dev, "10.0.0.2", true);
	evidence ev = {0, 1, 0, 0};
	/* the device announced only other roots: the default list is not consulted */
	announce_root(&f, amtdev, "c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4", ev);
	feed(&f, DIR_C2S, cert_record(prov));
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(count_rule(&f, "prov.cert.untrusted_root"), 1);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	teardown(&f);
}

static void test_alerts_rule(void)
{
	fixture f;
	setup(&f, "10.0.0.1", "10.0.0.2", 443, NULL);
	static const uint8_t warn[] = {21, 3, 3, 0, 2, 1, 0};
	static const uint8_t fatal[] = {21, 3, 3, 0, 2, 2, 42};
	static const uint8_t ccs_enc[] = {20, 3, 3, 0, 1, 1, 21, 3, 3, 0, 3, 1, 2, 3};
	GByteArray *b = g_byte_array_new();
	g_byte_array_append(b, warn, sizeof(warn));
	feed(&f, DIR_S2C, b);
	b = g_byte_array_new();
	g_byte_array_append(b, ccs_enc, sizeof(ccs_enc));
	feed(&f, DIR_C2S, b);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 0);
	b = g_byte_array_new();
	g_byte_array_append(b, fatal, sizeof(fatal));
	feed(&f, DIR_S2C, b);
	CU_ASSERT_EQUAL(count_rule(&f, "tls.alert"), 1);
	finding *x = f.an.fnd.list->pdata[0];
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "bad_certificate"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "server 10.0.0.2"));
	teardown(&f);
}

int main(void)
{
	const char *src = getenv("SRCDIR");
	certs_dir = g_build_filename(src ? src : ".", "tests", "tls", "certs", NULL);
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("rule_tls", NULL, NULL);
	CU_add_test(s, "name mismatch against a DNS name of the server", test_name_from_dns);
	CU_add_test(s, "AMT's self-signed certificate during remote configuration", test_self_signed_exemption);
	CU_add_test(s, "untrusted root against the hello's hashes", test_announced_hashes_rule);
	CU_add_test(s, "fatal alerts only, encrypted ones not judged", test_alerts_rule);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	g_free(certs_dir);
	return failed ? 1 : 0;
}
