/* \summary: X.509 certificates: DER to a summary of what a person checks */
/* specification: RFC 5280 */
#include "x509.h"

#include <glib.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void hex_digest(const EVP_MD *md, const uint8_t *p, size_t n, char *out, size_t outlen)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	out[0] = 0;
	if (!EVP_Digest(p, n, d, &dl, md, NULL))
		return;
	static const char hx[] = "0123456789abcdef";
	unsigned int i = 0;
	for (; i < dl && 2 * i + 2 < outlen; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * i] = 0;
}

void x509_sha1_hex(const uint8_t *p, size_t n, char out[41])
{
	hex_digest(EVP_sha1(), p, n, out, 41);
}

void x509_sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	hex_digest(EVP_sha256(), p, n, out, 65);
}

void x509_sha384_hex(const uint8_t *p, size_t n, char out[97])
{
	hex_digest(EVP_sha384(), p, n, out, 97);
}

int64_t x509_time_us(const ASN1_TIME *t)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm) * 1000000;
}

const char *x509_time_text(int64_t us, char *buf, size_t n)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;
	if (!gmtime_r(&s, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "?");
	return buf;
}

/* The one table of what is too weak, for every verdict on certificates
 * (analyze, check --prov-cert, certs): digests nobody may sign with, and
 * the smallest key each algorithm may have. */
static const int weak_digests[] = {NID_md2, NID_md4, NID_md5, NID_md5_sha1, NID_sha1};
static const struct { int pkey; int min_bits; } key_minimum[] = {
	{EVP_PKEY_RSA, 2048}, {EVP_PKEY_RSA_PSS, 2048}, {EVP_PKEY_DSA, 2048}, {EVP_PKEY_EC, 224},
};

bool x509_digest_weak(int md_nid)
{
	for (size_t i = 0; i < G_N_ELEMENTS(weak_digests); i++)
		if (md_nid == weak_digests[i])
			return true;
	return false;
}

int x509_key_bits_min(int pkey_base_id)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_minimum); i++)
		if (key_minimum[i].pkey == pkey_base_id)
			return key_minimum[i].min_bits;
	return 0;
}

char *x509_name_text(arena *a, const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return NULL;
	/* RFC 4514 escaping done once by OpenSSL (O=VeriSign\, Inc.), in
	 * encoding order (as Wireshark and OpenSSL show it), UTF-8 kept
	 * readable, control characters escaped by the printer as \XX */
	unsigned long flags = (XN_FLAG_RFC2253 & ~(ASN1_STRFLGS_ESC_MSB | XN_FLAG_DN_REV));
	char *res = NULL;
	if (X509_NAME_print_ex(b, n, 0, flags) >= 0) {
		char *data = NULL;
		long len = BIO_get_mem_data(b, &data);
		size_t l = len > 0 && data ? (size_t)len : 0;
		if (l == 0)  /* an empty name: the memory BIO may hand back no buffer at all */
			res = arena_strndup(a, "", 0);
		else if (g_utf8_validate(data, (gssize)l, NULL) && !memchr(data, 0, l))
			res = arena_strndup(a, data, l);
		else  /* bytes that are not text: shown as \xNN, never raw */
			res = arena_printable(a, (const uint8_t *)data, l);
	}
	BIO_free(b);
	return res;
}

static char *entry_text(arena *a, const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, s);
	if (n < 0)
		return NULL;
	char *res = arena_printable(a, utf8, (size_t)n);
	OPENSSL_free(utf8);
	return res;
}

static void subject_entries(arena *a, X509 *x, x509_info *out)
{
	const X509_NAME *subj = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
	if (i >= 0)
		out->subject_cn = entry_text(a, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i)));
	const char **ous = arena_alloc(a, X509_MAX_OUS * sizeof(char *));
	uint32_t n = 0;
	for (i = X509_NAME_get_index_by_NID(subj, NID_organizationalUnitName, -1);
	     i >= 0 && n < X509_MAX_OUS;
	     i = X509_NAME_get_index_by_NID(subj, NID_organizationalUnitName, i)) {
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		char *ou = entry_text(a, s);
		if (!ou)
			continue;
		/* AMT compares the raw value, so the printable copy must equal the bytes */
		if (!strcmp(ou, AMT_OU_SETUP_CERT) && ASN1_STRING_length(s) == (int)strlen(AMT_OU_SETUP_CERT))
			out->ou_setup_cert = true;
		ous[n++] = ou;
	}
	out->ous = ous;
	out->nous = n;
}

static void alt_names(arena *a, X509 *x, x509_info *out)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (!gens)
		return;
	const char **sans = arena_alloc(a, X509_MAX_SANS * sizeof(char *));
	uint32_t n = 0;
	for (int i = 0; i < sk_GENERAL_NAME_num(gens) && n < X509_MAX_SANS; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS) {
			const ASN1_IA5STRING *s = g->d.dNSName;
			char *v = arena_printable(a, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
			sans[n++] = arena_printf(a, "DNS:%s", v);
		} else if (g->type == GEN_IPADD) {
			const ASN1_OCTET_STRING *s = g->d.iPAddress;
			const unsigned char *b = ASN1_STRING_get0_data(s);
			if (ASN1_STRING_length(s) == 4)
				sans[n++] = arena_printf(a, "IP:%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
			else
				sans[n++] = arena_printf(a, "IP:%s", arena_hex(a, b, (size_t)ASN1_STRING_length(s)));
		}
	}
	GENERAL_NAMES_free(gens);
	out->sans = sans;
	out->nsans = n;
}

static void key_usages(arena *a, X509 *x, x509_info *out)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	if (!eku)
		return;
	const char **ekus = arena_alloc(a, X509_MAX_EKUS * sizeof(char *));
	uint32_t n = 0;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && n < X509_MAX_EKUS; i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		char oid[128];
		if (OBJ_obj2txt(oid, sizeof(oid), o, 1) <= 0)
			continue;
		if (OBJ_obj2nid(o) == NID_server_auth)
			out->eku_server_auth = true;
		if (!strcmp(oid, AMT_OID_AMT_ACTIVATION))
			out->eku_amt_activation = true;
		ekus[n++] = arena_strdup(a, oid);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	out->ekus = ekus;
	out->nekus = n;
}

static const char *key_type_name(int id)
{
	switch (id) {
	case EVP_PKEY_RSA: case EVP_PKEY_RSA_PSS: return "RSA";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_DSA: return "DSA";
	case EVP_PKEY_ED25519: return "ED25519";
	case EVP_PKEY_ED448: return "ED448";
	}
	return "unknown";
}

void x509_describe(arena *a, X509 *x, x509_info *out)
{
	out->decoded = true;
	out->subject = x509_name_text(a, X509_get_subject_name(x));
	out->issuer = x509_name_text(a, X509_get_issuer_name(x));
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	out->serial = arena_hex(a, ASN1_STRING_get0_data(serial), (size_t)ASN1_STRING_length(serial));
	out->not_before = x509_time_us(X509_get0_notBefore(x));
	out->not_after = x509_time_us(X509_get0_notAfter(x));
	subject_entries(a, x, out);
	alt_names(a, x, out);
	key_usages(a, x, out);
	EVP_PKEY *pk = X509_get0_pubkey(x);
	out->key_type = pk ? key_type_name(EVP_PKEY_get_base_id(pk)) : "unknown";
	out->key_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	int sig_nid = X509_get_signature_nid(x);
	out->sig_alg = sig_nid != NID_undef ? OBJ_nid2ln(sig_nid) : "unknown";
	int md_nid = NID_undef, pk_nid = NID_undef;
	if (OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid))
		out->sig_weak = x509_digest_weak(md_nid);
	out->is_ca = X509_check_ca(x) > 0;
	out->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
	out->self_signed = out->self_issued && X509_self_signed(x, 1) == 1;
}

/* The same few certificates come in every handshake of a capture: each
 * distinct DER is hashed, decoded and parsed once per run. An entry is found
 * by a cheap 64-bit hash of the DER and confirmed by comparing the bytes, so
 * a hit costs one pass over the certificate and no digest. The cache belongs
 * to the run (x509_run_cache), its entries to the cache's arena; it stops
 * growing at CACHE_MAX entries or CACHE_MAX_BYTES of DER, whichever comes
 * first. */
#define CACHE_MAX 1024
#define CACHE_MAX_BYTES (4u << 20)

typedef struct cert_entry {
	uint64_t h;
	size_t len;
	const uint8_t *der;
	x509_info info;  /* strings in the cache's arena */
	X509 *x;         /* parsed certificate: the cache holds one reference */
} cert_entry;

struct x509_cache {
	GHashTable *entries;  /* set of cert_entry* */
	arena a;
	size_t bytes;
};
static uint64_t der_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
	size_t i = 0;
	/* four independent lanes: one multiply chain would wait on itself */
	uint64_t lane[4] = {h, h ^ 0x2545F4914F6CDD1Dull, h ^ 0x94D049BB133111EBull, h ^ 0xBF58476D1CE4E5B9ull};
	for (; i + 32 <= n; i += 32) {
		for (int k = 0; k < 4; k++) {
			uint64_t v;
			memcpy(&v, p + i + 8 * k, 8);
			lane[k] = (lane[k] ^ v) * 0xff51afd7ed558ccdull;
			lane[k] ^= lane[k] >> 32;
		}
	}
	for (int k = 0; k < 4; k++)
		h = (h ^ lane[k]) * 0xc4ceb9fe1a85ec53ull;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static guint entry_hash(gconstpointer k)
{
	return (guint)((const cert_entry *)k)->h;
}

static gboolean entry_equal(gconstpointer a, gconstpointer b)
{
	const cert_entry *x = a, *y = b;
	return x->h == y->h && x->len == y->len && memcmp(x->der, y->der, x->len) == 0;
}

x509_cache *x509_cache_new(void)
{
	x509_cache *c = g_new0(x509_cache, 1);
	c->entries = g_hash_table_new(entry_hash, entry_equal);
	arena_init(&c->a, 65536);
	return c;
}

void x509_cache_free(x509_cache *c)
{
	if (!c)
		return;
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init(&it, c->entries);
	while (g_hash_table_iter_next(&it, &k, NULL))
		X509_free(((cert_entry *)k)->x);
	g_hash_table_destroy(c->entries);
	arena_free(&c->a);
	g_free(c);
}

static void cache_free_cb(void *c)
{
	x509_cache_free(c);
}

x509_cache *x509_run_cache(amt_run *run)
{
	if (!run)
		return NULL;
	if (!run->x509) {
		run->x509 = x509_cache_new();
		run_own(run, run->x509, cache_free_cb);
	}
	return run->x509;
}

static const cert_entry *cache_find(const x509_cache *c, const uint8_t *der, size_t len)
{
	if (!c || !der)
		return NULL;
	cert_entry probe = {.h = der_hash(der, len), .len = len, .der = der};
	return g_hash_table_lookup(c->entries, &probe);
}

/* Takes the reference to cert: kept in the cache, or freed when it is full. */
static void cache_put(x509_cache *c, const uint8_t *der, size_t len, const x509_info *x, X509 *cert)
{
	if (!c || g_hash_table_size(c->entries) >= CACHE_MAX || c->bytes + len > CACHE_MAX_BYTES) {
		X509_free(cert);
		return;
	}
	c->bytes += len;
	cert_entry *k = arena_alloc(&c->a, sizeof(*k));
	k->h = der_hash(der, len);
	k->len = len;
	uint8_t *copy = arena_alloc(&c->a, len);
	memcpy(copy, der, len);
	k->der = copy;
	x509_describe(&c->a, cert, &k->info);
	memcpy(k->info.sha1, x->sha1, sizeof(k->info.sha1));
	memcpy(k->info.sha256, x->sha256, sizeof(k->info.sha256));
	k->x = cert;
	g_hash_table_add(c->entries, k);
}

bool x509_decode(x509_cache *c, arena *a, const uint8_t *der, size_t len, x509_info *out)
{
	const cert_entry *hit = cache_find(c, der, len);
	if (hit) {
		*out = hit->info;
		return true;
	}
	memset(out, 0, sizeof(*out));
	x509_sha256_hex(der, len, out->sha256);
	x509_sha1_hex(der, len, out->sha1);
	out->key_type = out->sig_alg = "unknown";
	if (len == 0 || len > X509_MAX_DER)
		return false;
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	if (!x) {
		ERR_clear_error();
		return false;
	}
	x509_describe(a, x, out);
	cache_put(c, der, len, out, x);
	ERR_clear_error();
	return true;
}

X509 *x509_parse_der(x509_cache *c, const uint8_t *der, size_t len)
{
	if (!der || len == 0 || len > X509_MAX_DER)
		return NULL;
	const cert_entry *hit = cache_find(c, der, len);
	if (hit && X509_up_ref(hit->x))
		return hit->x;
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	ERR_clear_error();
	return x;
}

void x509_der_sha256_hex(const x509_cache *c, const uint8_t *der, size_t len, char out[65])
{
	const cert_entry *hit = cache_find(c, der, len);
	if (hit)
		memcpy(out, hit->info.sha256, 65);
	else
		x509_sha256_hex(der, len, out);
}
