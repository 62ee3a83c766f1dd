/* Certificate chains: verified with OpenSSL once per distinct chain. */
#include "certcheck.h"

#include <glib.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "../dissectors/x509.h"

struct certcheck {
	STACK_OF(X509) *anchors;
	GHashTable *cache;  /* chain key -> chain_verdict* */
	GHashTable *der_alias;  /* DER chain key -> the same verdict (not owned) */
};

static void verdict_free(gpointer p)
{
	chain_verdict *v = p;
	g_free(v->missing_issuer);
	g_free(v->verify_error);
	g_free(v->weak_reason);
	g_free(v->root_subject);
	for (uint32_t i = 0; i < v->n; i++)
		g_free(v->subjects[i]);
	g_free(v->subjects);
	g_free(v->not_before);
	g_free(v->not_after);
	g_free(v->decoded);
	g_free(v);
}

certcheck *certcheck_new(const char *ca_file, char **err)
{
	certcheck *cc = g_new0(certcheck, 1);
	cc->anchors = sk_X509_new_null();
	cc->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, verdict_free);
	cc->der_alias = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (!ca_file)
		return cc;
	FILE *f = fopen(ca_file, "rb");
	if (!f) {
		*err = g_strdup_printf("cannot read --ca-file %s", ca_file);
		certcheck_free(cc);
		return NULL;
	}
	X509 *x;
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(cc->anchors, x);
	fclose(f);
	ERR_clear_error();
	if (sk_X509_num(cc->anchors) == 0) {
		*err = g_strdup_printf("--ca-file %s holds no PEM certificate", ca_file);
		certcheck_free(cc);
		return NULL;
	}
	return cc;
}

void certcheck_free(certcheck *cc)
{
	if (!cc)
		return;
	sk_X509_pop_free(cc->anchors, X509_free);
	g_hash_table_destroy(cc->der_alias);
	g_hash_table_destroy(cc->cache);
	g_free(cc);
}

int certcheck_anchor_count(const certcheck *cc)
{
	return sk_X509_num(cc->anchors);
}

static char *name_text(const X509_NAME *n)
{
	arena a;
	arena_init(&a, 0);
	char *s = g_strdup(x509_name_text(&a, n));
	arena_free(&a);
	return s;
}

static void der_hashes(X509 *x, char sha1[41], char sha256[65])
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	if (len <= 0) {
		sha1[0] = sha256[0] = 0;
		return;
	}
	x509_sha1_hex(der, (size_t)len, sha1);
	x509_sha256_hex(der, (size_t)len, sha256);
	OPENSSL_free(der);
}

static const char *weakness(X509 *x, bool is_root, char *buf, size_t n)
{
	int sig = X509_get_signature_nid(x);
	int md = NID_undef, pk = NID_undef;
	/* a root's own signature is never checked by anyone: only its key counts */
	if (!is_root && OBJ_find_sigid_algs(sig, &md, &pk) &&
	    (md == NID_md5 || md == NID_sha1 || md == NID_md4 || md == NID_md2)) {
		snprintf(buf, n, "signed with %s", OBJ_nid2ln(sig));
		return buf;
	}
	EVP_PKEY *key = X509_get0_pubkey(x);
	if (!key)
		return NULL;
	int id = EVP_PKEY_get_base_id(key), bits = EVP_PKEY_get_bits(key);
	if ((id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS || id == EVP_PKEY_DSA) && bits < 2048) {
		snprintf(buf, n, "%s key of %d bits", id == EVP_PKEY_DSA ? "DSA" : "RSA", bits);
		return buf;
	}
	if (id == EVP_PKEY_EC && bits < 224) {
		snprintf(buf, n, "EC key of %d bits", bits);
		return buf;
	}
	return NULL;
}

/* Times are judged by the caller from the dates, so the verification
 * itself ignores them (the chain is cached across packet times). */
static int ignore_time(int ok, X509_STORE_CTX *ctx)
{
	int e = X509_STORE_CTX_get_error(ctx);
	if (!ok && (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID ||
		    e == X509_V_ERR_CRL_HAS_EXPIRED || e == X509_V_ERR_CRL_NOT_YET_VALID))
		return 1;
	return ok;
}

static void verify(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us, chain_verdict *v)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	for (int i = 0; i < sk_X509_num(cc->anchors); i++)
		X509_STORE_add_cert(store, sk_X509_value(cc->anchors, i));
	for (uint32_t i = 0; i < n; i++) {
		if (!certs[i])
			continue;
		if (X509_self_signed(certs[i], 1) == 1)
			X509_STORE_add_cert(store, certs[i]);
		else if (i > 0)
			sk_X509_push(untrusted, certs[i]);
	}
	X509_STORE_set_verify_cb(store, ignore_time);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (ctx && X509_STORE_CTX_init(ctx, store, certs[0], untrusted)) {
		X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set_time(param, (time_t)(at_us / 1000000));
		X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
		if (X509_verify_cert(ctx) == 1) {
			v->complete = true;
			STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
			X509 *root = sk_X509_value(path, sk_X509_num(path) - 1);
			v->root_subject = name_text(X509_get_subject_name(root));
			der_hashes(root, v->root_sha1, v->root_sha256);
			unsigned char *der = NULL;
			int len = i2d_X509(root, &der);
			if (len > 0)
				x509_sha384_hex(der, (size_t)len, v->root_sha384);
			OPENSSL_free(der);
			v->anchored_by_ca_file = true;
			for (uint32_t i = 0; i < n; i++)
				if (certs[i] && X509_cmp(certs[i], root) == 0) {
					v->anchored_by_ca_file = false;
					if (X509_self_signed(root, 0) == 1)
						v->root_index = (int)i;
				}
		} else {
			int e = X509_STORE_CTX_get_error(ctx);
			X509 *at = X509_STORE_CTX_get_current_cert(ctx);
			if ((e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
			     e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) && at)
				v->missing_issuer = name_text(X509_get_issuer_name(at));
			else
				v->verify_error = g_strdup(X509_verify_cert_error_string(e));
		}
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	ERR_clear_error();
}

static chain_verdict *analyse(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us)
{
	chain_verdict *v = g_new0(chain_verdict, 1);
	v->n = n;
	v->first_misplaced = v->weak_index = v->root_index = -1;
	v->subjects = g_new0(char *, n + 1);
	v->not_before = g_new0(int64_t, n + 1);
	v->not_after = g_new0(int64_t, n + 1);
	v->decoded = g_new0(bool, n + 1);
	for (uint32_t i = 0; i < n; i++) {
		if (!certs[i])
			continue;
		v->decoded[i] = true;
		v->subjects[i] = name_text(X509_get_subject_name(certs[i]));
		v->not_before[i] = x509_time_us(X509_get0_notBefore(certs[i]));
		v->not_after[i] = x509_time_us(X509_get0_notAfter(certs[i]));
	}
	v->leaf_decoded = n > 0 && certs[0];
	if (!v->leaf_decoded)
		return v;
	v->ordered = true;
	for (uint32_t i = 1; i < n; i++)
		if (!certs[i] || X509_check_issued(certs[i], certs[i - 1]) != X509_V_OK) {
			v->ordered = false;
			v->first_misplaced = (int)i;
			break;
		}
	v->leaf_self_signed = X509_self_signed(certs[0], 1) == 1;
	for (uint32_t i = 0; i < n && v->weak_index < 0; i++) {
		char buf[128];
		const char *why = certs[i] ? weakness(certs[i], i > 0 && X509_self_signed(certs[i], 0) == 1,
						     buf, sizeof(buf))
					   : NULL;
		if (why) {
			v->weak_index = (int)i;
			v->weak_reason = g_strdup(why);
		}
	}
	verify(cc, certs, n, at_us, v);
	return v;
}

static char *chain_key(X509 *const *certs, uint32_t n)
{
	GString *k = g_string_new(NULL);
	for (uint32_t i = 0; i < n; i++) {
		char sha1[41], sha256[65];
		if (certs[i])
			der_hashes(certs[i], sha1, sha256);
		else
			strcpy(sha256, "-");
		g_string_append(k, sha256);
		g_string_append_c(k, '/');
	}
	return g_string_free(k, FALSE);
}

const chain_verdict *certcheck_x509(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us)
{
	char *key = chain_key(certs, n);
	chain_verdict *v = g_hash_table_lookup(cc->cache, key);
	if (v) {
		g_free(key);
		return v;
	}
	v = analyse(cc, certs, n, at_us);
	g_hash_table_insert(cc->cache, key, v);
	return v;
}

/* The DER hashes name a chain without parsing it: a chain seen before is
 * answered from the cache at the cost of hashing. */
static char *der_chain_key(const uint8_t *const *der, const size_t *len, uint32_t n)
{
	GString *k = g_string_sized_new(4 + 66 * (gsize)n);
	g_string_append(k, "der:");
	for (uint32_t i = 0; i < n; i++) {
		char sha256[65];
		x509_der_sha256_hex(der[i], len[i], sha256);
		g_string_append(k, sha256);
		g_string_append_c(k, '/');
	}
	return g_string_free(k, FALSE);
}

const chain_verdict *certcheck_der(certcheck *cc, const uint8_t *const *der, const size_t *len,
				   uint32_t n, int64_t at_us)
{
	char *dkey = der_chain_key(der, len, n);
	const chain_verdict *hit = g_hash_table_lookup(cc->der_alias, dkey);
	if (hit) {
		g_free(dkey);
		return hit;
	}
	X509 **certs = g_new0(X509 *, n + 1);
	bool *owned = g_new0(bool, n + 1);
	for (uint32_t i = 0; i < n; i++)
		certs[i] = x509_parse_der(der[i], len[i], &owned[i]);
	const chain_verdict *v = certcheck_x509(cc, certs, n, at_us);
	for (uint32_t i = 0; i < n; i++)
		if (owned[i])
			X509_free(certs[i]);
	g_free(certs);
	g_free(owned);
	/* the verdict is owned under its X509 key; this second key shares it */
	g_hash_table_insert(cc->der_alias, dkey, (gpointer)v);
	return v;
}

int chain_expired_at(const chain_verdict *v, int64_t at_us)
{
	for (uint32_t i = 0; i < v->n; i++)
		if (v->decoded[i] && v->not_after[i] && at_us > v->not_after[i])
			return (int)i;
	return -1;
}

int chain_not_yet_valid_at(const chain_verdict *v, int64_t at_us)
{
	for (uint32_t i = 0; i < v->n; i++)
		if (v->decoded[i] && at_us < v->not_before[i])
			return (int)i;
	return -1;
}

int cert_matches_host(X509 *x, const char *host)
{
	if (!x || !host || !*host)
		return 0;
	int r = X509_check_ip_asc(x, host, 0);
	if (r < 0)  /* not an IP literal */
		r = X509_check_host(x, host, strlen(host), 0, NULL);
	ERR_clear_error();
	return r == 1;
}

static int cert_der_matches_host_uncached(const uint8_t *der, size_t len, const char *host);

/* Rules ask the same (certificate, name) question for every handshake. */
#define HOST_CACHE_MAX 4096
static GHashTable *host_cache;  /* "sha256/host" -> GINT_TO_POINTER(result + 1) */

int cert_der_matches_host(const uint8_t *der, size_t len, const char *host)
{
	if (!host)
		return 0;
	char sha256[65];
	x509_der_sha256_hex(der, len, sha256);
	char *k = g_strconcat(sha256, "/", host, NULL);
	if (!host_cache)
		host_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gpointer hit = g_hash_table_lookup(host_cache, k);
	if (hit) {
		g_free(k);
		return GPOINTER_TO_INT(hit) - 1;
	}
	int r = cert_der_matches_host_uncached(der, len, host);
	if (g_hash_table_size(host_cache) < HOST_CACHE_MAX)
		g_hash_table_insert(host_cache, k, GINT_TO_POINTER(r + 1));
	else
		g_free(k);
	return r;
}

static int cert_der_matches_host_uncached(const uint8_t *der, size_t len, const char *host)
{
	bool owned;
	X509 *x = x509_parse_der(der, len, &owned);
	int r = cert_matches_host(x, host);
	if (owned)
		X509_free(x);
	return r;
}

char *prov_domain_suffix(const char *cn)
{
	if (!cn || !strchr(cn, '.'))
		return NULL;
	const char *dot = strchr(cn, '.');
	/* "setup.corp.example" vouches for corp.example; a two-label CN is the domain */
	const char *suffix = strchr(dot + 1, '.') ? dot + 1 : cn;
	if (!*suffix || suffix[strlen(suffix) - 1] == '.')
		return NULL;
	return g_ascii_strdown(suffix, -1);
}
