/* Certificate chains: verified with OpenSSL once per distinct chain. */
#include "certcheck.h"

#include <glib.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "../dissectors/x509.h"

struct certcheck {
	STACK_OF(X509) *anchors;
	bool system_ca;           /* OpenSSL's default paths are anchors too */
	STACK_OF(X509) *seen_cas; /* CA certificates other chains sent: known intermediates */
	GHashTable *cache;  /* chain key -> chain_verdict* */
	GHashTable *der_alias;  /* DER chain key -> the same verdict (not owned) */
	x509_cache *x509;       /* the run's decoded certificates (not owned), or NULL */
};

#define SEEN_CAS_MAX 256

static void verdict_free(gpointer p)
{
	chain_verdict *v = p;
	g_free(v->missing_issuer);
	g_free(v->verify_error);
	g_free(v->weak_reason);
	g_free(v->root_subject);
	g_free(v->bad_algorithm);
	for (uint32_t i = 0; i < v->n; i++)
		g_free(v->subjects[i]);
	g_free(v->subjects);
	g_free(v->not_before);
	g_free(v->not_after);
	g_free(v->decoded);
	g_free(v->sha256);
	g_free(v);
}

certcheck *certcheck_new(const char *ca_file, bool system_ca, char **err)
{
	certcheck *cc = g_new0(certcheck, 1);
	cc->anchors = sk_X509_new_null();
	cc->seen_cas = sk_X509_new_null();
	cc->system_ca = system_ca;
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
	sk_X509_pop_free(cc->seen_cas, X509_free);
	g_hash_table_destroy(cc->der_alias);
	g_hash_table_destroy(cc->cache);
	g_free(cc);
}

void certcheck_use_x509(certcheck *cc, x509_cache *x509)
{
	cc->x509 = x509;
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
	return s ? s : g_strdup("");
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

const char *cert_weakness(X509 *x, bool is_root, char *buf, size_t n)
{
	int sig = X509_get_signature_nid(x);
	int md = NID_undef, pk = NID_undef;
	size_t o = 0;
	buf[0] = 0;
	EVP_PKEY *key = X509_get0_pubkey(x);
	if (key) {
		int id = EVP_PKEY_get_base_id(key), bits = EVP_PKEY_get_bits(key);
		int min = x509_key_bits_min(id);
		if (min && bits < min)
			o += (size_t)snprintf(buf, n, "%s key of %d bits", id == EVP_PKEY_DSA ? "DSA"
								      : id == EVP_PKEY_EC ? "EC" : "RSA", bits);
	}
	if (!is_root && OBJ_find_sigid_algs(sig, &md, &pk) && x509_digest_weak(md) && o < n)
		o += (size_t)snprintf(buf + o, n - o, "%ssigned with %s", o ? " and " : "", OBJ_nid2ln(sig));
	return o ? buf : NULL;
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

/* One verification: 1 verified (ctx holds the path), 0 not (ctx holds why). */
static int verify_once(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us, bool with_seen,
		       X509_STORE *store, X509_STORE_CTX *ctx, STACK_OF(X509) *untrusted)
{
	for (int i = 0; i < sk_X509_num(cc->anchors); i++)
		X509_STORE_add_cert(store, sk_X509_value(cc->anchors, i));
	if (cc->system_ca) {
		/* the hashed directory only (Debian's /etc/ssl/certs): read lazily,
		 * one file per issuer asked for; the bundle file would be parsed
		 * whole for every chain verified */
		const char *env = getenv(X509_get_default_cert_dir_env());
		X509_LOOKUP *dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
		if (dir)
			X509_LOOKUP_add_dir(dir, env && *env ? env : X509_get_default_cert_dir(), X509_FILETYPE_PEM);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!certs[i])
			continue;
		if (X509_self_signed(certs[i], 1) == 1)
			X509_STORE_add_cert(store, certs[i]);
		else if (i > 0)
			sk_X509_push(untrusted, certs[i]);
	}
	for (int i = 0; with_seen && i < sk_X509_num(cc->seen_cas); i++)
		sk_X509_push(untrusted, sk_X509_value(cc->seen_cas, i));
	X509_STORE_set_verify_cb(store, ignore_time);
	if (!X509_STORE_CTX_init(ctx, store, certs[0], untrusted))
		return 0;
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)(at_us / 1000000));
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	return X509_verify_cert(ctx) == 1;
}

static void record_root(certcheck *cc, X509 *const *certs, uint32_t n, X509_STORE_CTX *ctx, chain_verdict *v)
{
	v->complete = true;
	v->status = CHAIN_VERIFIED;
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
	v->anchor_source = "the system store";
	for (int i = 0; i < sk_X509_num(cc->anchors); i++)
		if (X509_cmp(sk_X509_value(cc->anchors, i), root) == 0)
			v->anchor_source = "--ca-file";
	for (uint32_t i = 0; i < n; i++)
		if (certs[i] && X509_cmp(certs[i], root) == 0) {
			v->anchored_by_ca_file = false;
			v->anchor_source = "the chain";
			if (X509_self_signed(root, 0) == 1)
				v->root_index = (int)i;
		}
}

/* A self-issued certificate OpenSSL cannot check: its key or signature
 * algorithm is one this build lacks (e.g. ML-DSA). */
static bool unsupported_algorithm(X509 *x, chain_verdict *v, int index)
{
	if (X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) != 0)
		return false;
	int md = NID_undef, pk = NID_undef;
	int sig = X509_get_signature_nid(x);
	bool sig_known = sig != NID_undef && OBJ_find_sigid_algs(sig, &md, &pk);
	if (X509_get0_pubkey(x) && sig_known)
		return false;
	const X509_ALGOR *alg = NULL;
	X509_get0_signature(NULL, &alg, x);
	const ASN1_OBJECT *oid = NULL;
	if (alg)
		X509_ALGOR_get0(&oid, NULL, NULL, alg);
	char text[128] = "?";
	if (oid)
		OBJ_obj2txt(text, sizeof(text), oid, 0);
	v->status = CHAIN_UNSUPPORTED;
	v->bad_index = index;
	v->bad_algorithm = g_strdup(text);
	ERR_clear_error();
	return true;
}

static int index_of(X509 *const *certs, uint32_t n, X509 *x)
{
	for (uint32_t i = 0; x && i < n; i++)
		if (certs[i] && X509_cmp(certs[i], x) == 0)
			return (int)i;
	return -1;
}

static void why_not(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us, X509_STORE_CTX *ctx,
		    chain_verdict *v)
{
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *at = X509_STORE_CTX_get_current_cert(ctx);
	v->top_index = index_of(certs, n, at);
	if (at && unsupported_algorithm(at, v, v->top_index))
		return;
	if (!at || (e != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT && e != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)) {
		v->status = CHAIN_INVALID;
		v->verify_error = g_strdup(X509_verify_cert_error_string(e));
		return;
	}
	v->missing_issuer = name_text(X509_get_issuer_name(at));
	/* the root above the missing issuer is known when the sender sent a
	 * root, or when a CA certificate another chain sent completes it */
	bool root_sent_unlinked = false;
	for (uint32_t i = 0; i < n; i++)
		if (certs[i] && certs[i] != at && X509_self_signed(certs[i], 0) == 1 && X509_check_ca(certs[i]) > 0)
			root_sent_unlinked = true;
	bool completed_by_seen = false;
	if (!root_sent_unlinked && sk_X509_num(cc->seen_cas)) {
		X509_STORE *store = X509_STORE_new();
		STACK_OF(X509) *untrusted = sk_X509_new_null();
		X509_STORE_CTX *c2 = X509_STORE_CTX_new();
		completed_by_seen = store && untrusted && c2 &&
				    verify_once(cc, certs, n, at_us, true, store, c2, untrusted) == 1;
		X509_STORE_CTX_free(c2);
		sk_X509_free(untrusted);
		X509_STORE_free(store);
	}
	if (root_sent_unlinked || completed_by_seen)
		v->status = CHAIN_MISSING_INTERMEDIATE;
	else if (X509_check_ca(at) > 0 && v->top_index > 0)
		v->status = CHAIN_UNANCHORED;
	else
		v->status = CHAIN_ISSUER_UNKNOWN;
}

static void verify(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us, chain_verdict *v)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (store && untrusted && ctx) {
		if (verify_once(cc, certs, n, at_us, false, store, ctx, untrusted))
			record_root(cc, certs, n, ctx, v);
		else
			why_not(cc, certs, n, at_us, ctx, v);
	} else {
		v->status = CHAIN_INVALID;
		v->verify_error = g_strdup("out of memory");
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	ERR_clear_error();
}

/* CA certificates a chain sent are known intermediates for later chains. */
static void remember_cas(certcheck *cc, X509 *const *certs, uint32_t n)
{
	for (uint32_t i = 1; i < n && sk_X509_num(cc->seen_cas) < SEEN_CAS_MAX; i++) {
		if (!certs[i] || X509_check_ca(certs[i]) <= 0 || X509_self_signed(certs[i], 0) == 1)
			continue;
		bool known = false;
		for (int j = 0; j < sk_X509_num(cc->seen_cas) && !known; j++)
			known = X509_cmp(sk_X509_value(cc->seen_cas, j), certs[i]) == 0;
		if (!known && X509_up_ref(certs[i]))
			sk_X509_push(cc->seen_cas, certs[i]);
	}
	ERR_clear_error();
}

static chain_verdict *analyse(certcheck *cc, X509 *const *certs, uint32_t n, int64_t at_us)
{
	chain_verdict *v = g_new0(chain_verdict, 1);
	v->n = n;
	v->first_misplaced = v->weak_index = v->root_index = v->top_index = v->bad_index = -1;
	v->status = CHAIN_INVALID;
	v->subjects = g_new0(char *, n + 1);
	v->not_before = g_new0(int64_t, n + 1);
	v->not_after = g_new0(int64_t, n + 1);
	v->decoded = g_new0(bool, n + 1);
	v->sha256 = g_malloc0_n(n + 1, sizeof(*v->sha256));
	for (uint32_t i = 0; i < n; i++) {
		if (!certs[i])
			continue;
		v->decoded[i] = true;
		char sha1[41];
		der_hashes(certs[i], sha1, v->sha256[i]);
		v->subjects[i] = name_text(X509_get_subject_name(certs[i]));
		v->not_before[i] = x509_time_us(X509_get0_notBefore(certs[i]));
		v->not_after[i] = x509_time_us(X509_get0_notAfter(certs[i]));
		if (X509_self_signed(certs[i], 0) == 1 && X509_check_ca(certs[i]) > 0)
			v->root_sent = true;
	}
	v->leaf_decoded = n > 0 && certs[0];
	for (uint32_t i = 0; i < n; i++)
		if (!certs[i]) {
			v->status = CHAIN_UNPARSEABLE;
			v->bad_index = (int)i;
			break;
		}
	if (!v->leaf_decoded)
		return v;
	memcpy(v->leaf_sha256, v->sha256[0], sizeof(v->leaf_sha256));
	v->ordered = true;
	for (uint32_t i = 1; i < n; i++)
		if (!certs[i] || X509_check_issued(certs[i], certs[i - 1]) != X509_V_OK) {
			v->ordered = false;
			v->first_misplaced = (int)i;
			break;
		}
	v->leaf_self_signed = X509_self_signed(certs[0], 1) == 1;
	GPtrArray *weak = g_ptr_array_new_with_free_func(g_free);
	for (uint32_t i = 0; i < n; i++) {
		char buf[160];
		const char *why = certs[i] ? cert_weakness(certs[i], i > 0 && X509_self_signed(certs[i], 0) == 1,
							   buf, sizeof(buf))
					   : NULL;
		if (!why)
			continue;
		if (v->weak_index < 0)
			v->weak_index = (int)i;
		g_ptr_array_add(weak, g_strdup_printf("%s: %s", v->subjects[i], why));
		if (weak->len == 1)
			v->weak_reason = g_strdup(why);
	}
	v->weak_count = (int)weak->len;
	if (weak->len > 1) {  /* more than one weak certificate: each named */
		g_free(v->weak_reason);
		g_ptr_array_add(weak, NULL);
		v->weak_reason = g_strjoinv("; ", (char **)weak->pdata);
	}
	g_ptr_array_free(weak, TRUE);
	if (v->status != CHAIN_UNPARSEABLE)
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
	remember_cas(cc, certs, n);
	g_hash_table_insert(cc->cache, key, v);
	return v;
}

/* The DER hashes name a chain without parsing it: a chain seen before is
 * answered from the cache at the cost of hashing. */
static char *der_chain_key(const x509_cache *x509, const uint8_t *const *der, const size_t *len, uint32_t n)
{
	GString *k = g_string_sized_new(4 + 66 * (gsize)n);
	g_string_append(k, "der:");
	for (uint32_t i = 0; i < n; i++) {
		char sha256[65];
		x509_der_sha256_hex(x509, der[i], len[i], sha256);
		g_string_append(k, sha256);
		g_string_append_c(k, '/');
	}
	return g_string_free(k, FALSE);
}

const chain_verdict *certcheck_der(certcheck *cc, const uint8_t *const *der, const size_t *len,
				   uint32_t n, int64_t at_us)
{
	char *dkey = der_chain_key(cc->x509, der, len, n);
	const chain_verdict *hit = g_hash_table_lookup(cc->der_alias, dkey);
	if (hit) {
		g_free(dkey);
		return hit;
	}
	X509 **certs = g_new0(X509 *, n + 1);
	for (uint32_t i = 0; i < n; i++)
		certs[i] = x509_parse_der(cc->x509, der[i], len[i]);
	const chain_verdict *v = certcheck_x509(cc, certs, n, at_us);
	for (uint32_t i = 0; i < n; i++)
		X509_free(certs[i]);
	g_free(certs);
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

/* Rules ask the same (certificate, name) question for every handshake. */
#define HOST_MEMO_MAX 4096

struct cert_host_memo {
	GHashTable *answers;  /* "sha256/host" -> GINT_TO_POINTER(result + 1) */
	x509_cache *x509;
};

cert_host_memo *cert_host_memo_new(x509_cache *x509)
{
	cert_host_memo *m = g_new0(cert_host_memo, 1);
	m->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->x509 = x509;
	return m;
}

void cert_host_memo_free(cert_host_memo *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->answers);
	g_free(m);
}

static int cert_der_matches_host_uncached(x509_cache *x509, const uint8_t *der, size_t len, const char *host)
{
	X509 *x = x509_parse_der(x509, der, len);
	int r = cert_matches_host(x, host);
	X509_free(x);
	return r;
}

int cert_der_matches_host(cert_host_memo *m, const uint8_t *der, size_t len, const char *host)
{
	if (!host)
		return 0;
	char sha256[65];
	x509_der_sha256_hex(m->x509, der, len, sha256);
	char *k = g_strconcat(sha256, "/", host, NULL);
	gpointer hit = g_hash_table_lookup(m->answers, k);
	if (hit) {
		g_free(k);
		return GPOINTER_TO_INT(hit) - 1;
	}
	int r = cert_der_matches_host_uncached(m->x509, der, len, host);
	if (g_hash_table_size(m->answers) < HOST_MEMO_MAX)
		g_hash_table_insert(m->answers, k, GINT_TO_POINTER(r + 1));
	else
		g_free(k);
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
