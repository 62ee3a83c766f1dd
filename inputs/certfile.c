/* Certificate files: PEM, DER, PKCS#12. */
#include "certfile.h"

#include "../decoder/smallfile.h"

#include <glib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <inttypes.h>
#include <openssl/pkcs12.h>
#include <stdio.h>
#include <string.h>

const char *certfile_kind_name(certfile_kind k)
{
	switch (k) {
	case CF_PEM: return "PEM";
	case CF_DER: return "DER";
	case CF_PKCS12: return "PKCS#12";
	}
	return "?";
}

static bool push(certfile *cf, X509 *x)
{
	if (sk_X509_num(cf->certs) >= CERTFILE_MAX_CERTS) {
		cf->truncated = true;
		X509_free(x);
		return false;
	}
	sk_X509_push(cf->certs, x);
	return true;
}

static bool parse_pem(const unsigned char *buf, size_t len, certfile *cf, char **err)
{
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	STACK_OF(X509_INFO) *infos = b ? PEM_X509_INFO_read_bio(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!infos) {
		*err = g_strdup("PEM data that OpenSSL cannot read (damaged base64 or an encrypted key?)");
		return false;
	}
	EVP_PKEY *key = NULL;
	for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);
		if (xi->x509) {
			X509_up_ref(xi->x509);
			push(cf, xi->x509);
		}
		if (xi->x_pkey && xi->x_pkey->dec_pkey && !key)
			key = xi->x_pkey->dec_pkey;
		if (!xi->x509 && !xi->x_pkey)
			cf->skipped++;
	}
	if (key) {
		cf->has_key = true;
		cf->key_matches = sk_X509_num(cf->certs) > 0 && X509_check_private_key(sk_X509_value(cf->certs, 0), key);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	if (sk_X509_num(cf->certs) == 0) {
		*err = g_strdup("no certificate in this PEM file");
		return false;
	}
	return true;
}

/* The iteration count of a password-based encryption algorithm (PKCS#12
 * PBE or PBES2 with PBKDF2), 0 when it has none that we know of. */
static uint64_t pbe_iterations(const X509_ALGOR *alg)
{
	if (!alg || !alg->parameter)
		return 0;
	uint64_t n = 0;
	if (OBJ_obj2nid(alg->algorithm) == NID_pbes2) {
		PBE2PARAM *p2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
		if (p2 && p2->keyfunc && OBJ_obj2nid(p2->keyfunc->algorithm) == NID_id_pbkdf2) {
			PBKDF2PARAM *kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), p2->keyfunc->parameter);
			if (kdf && kdf->iter && !ASN1_INTEGER_get_uint64(&n, kdf->iter))
				n = UINT64_MAX;
			PBKDF2PARAM_free(kdf);
		}
		PBE2PARAM_free(p2);
	} else {
		PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), alg->parameter);
		if (pbe && pbe->iter && !ASN1_INTEGER_get_uint64(&n, pbe->iter))
			n = UINT64_MAX;  /* negative or wider than 64 bits */
		PBEPARAM_free(pbe);
	}
	ERR_clear_error();
	return n;
}

static uint64_t bags_iterations(const STACK_OF(PKCS12_SAFEBAG) *bags)
{
	uint64_t most = 0;
	for (int i = 0; bags && i < sk_PKCS12_SAFEBAG_num(bags); i++) {
		const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
		if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag)
			continue;
		const X509_ALGOR *alg = NULL;
		X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
		most = MAX(most, pbe_iterations(alg));
	}
	return most;
}

/* The largest iteration count a key derivation of this file would run, read
 * before deriving any key: the MAC's, the encrypted contents', the shrouded
 * keys' in plain contents (those inside encrypted contents are only seen
 * after decrypting, with counts already checked). */
static uint64_t pkcs12_iterations(const PKCS12 *p12)
{
	const ASN1_INTEGER *iter = NULL;
	uint64_t most = 0, n = 0;
	PKCS12_get0_mac(NULL, NULL, NULL, &iter, p12);
	if (iter)
		most = ASN1_INTEGER_get_uint64(&n, iter) ? n : UINT64_MAX;
	STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
	for (int i = 0; safes && i < sk_PKCS7_num(safes); i++) {
		PKCS7 *p7 = sk_PKCS7_value(safes, i);
		int nid = OBJ_obj2nid(p7->type);
		if (nid == NID_pkcs7_encrypted && p7->d.encrypted && p7->d.encrypted->enc_data) {
			most = MAX(most, pbe_iterations(p7->d.encrypted->enc_data->algorithm));
		} else if (nid == NID_pkcs7_data) {
			STACK_OF(PKCS12_SAFEBAG) *bags = PKCS12_unpack_p7data(p7);
			most = MAX(most, bags_iterations(bags));
			sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
		}
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	ERR_clear_error();
	return most;
}

static bool parse_pkcs12(const unsigned char *buf, size_t len, const char *password, certfile *cf,
			 char **err)
{
	const unsigned char *q = buf;
	PKCS12 *p12 = d2i_PKCS12(NULL, &q, (long)len);
	if (!p12)
		return false;
	cf->kind = CF_PKCS12;
	uint64_t iterations = pkcs12_iterations(p12);
	if (iterations > PKCS12_MAX_ITERATIONS) {
		PKCS12_free(p12);
		*err = g_strdup_printf("PKCS#12 file asks for %" PRIu64 " key derivation iterations, more than the %u "
				       "any exporting tool uses: refused (export it again with the tool's defaults)",
				       iterations, PKCS12_MAX_ITERATIONS);
		return false;
	}
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	bool ok = PKCS12_parse(p12, password ? password : "", &key, &cert, &ca);
	if (!ok && !password) {
		ERR_clear_error();
		ok = PKCS12_parse(p12, NULL, &key, &cert, &ca);
	}
	PKCS12_free(p12);
	if (!ok) {
		*err = g_strdup(password ? "PKCS#12 file: wrong password or damaged file"
					 : "PKCS#12 file needs a password: give it with --password-file FILE");
		return false;
	}
	if (cert)
		push(cf, cert);
	for (int i = 0; ca && i < sk_X509_num(ca); i++) {
		X509 *x = sk_X509_value(ca, i);
		X509_up_ref(x);
		push(cf, x);
	}
	sk_X509_pop_free(ca, X509_free);
	if (key) {
		cf->has_key = true;
		cf->key_matches = cert && X509_check_private_key(cert, key);
		EVP_PKEY_free(key);
	}
	if (sk_X509_num(cf->certs) == 0) {
		*err = g_strdup("no certificate in this PKCS#12 file");
		return false;
	}
	return true;
}

bool certfile_parse(const unsigned char *buf, size_t len, const char *password, certfile *out, char **err)
{
	memset(out, 0, sizeof(*out));
	out->certs = sk_X509_new_null();
	bool ok = false;
	*err = NULL;
	if (len > CERTFILE_MAX_BYTES) {
		*err = g_strdup_printf("file larger than %u MB: not a certificate file", CERTFILE_MAX_BYTES >> 20);
	} else if (g_strstr_len((const char *)buf, (gssize)len, "-----BEGIN ")) {
		out->kind = CF_PEM;
		ok = parse_pem(buf, len, out, err);
	} else {
		const unsigned char *q = buf;
		X509 *x = len ? d2i_X509(NULL, &q, (long)len) : NULL;
		if (x && q == buf + len) {
			out->kind = CF_DER;
			push(out, x);
			ok = true;
		} else {
			X509_free(x);
			ERR_clear_error();
			ok = parse_pkcs12(buf, len, password, out, err);
			if (!ok && !*err)
				*err = g_strdup("neither PEM, DER certificate nor PKCS#12");
		}
	}
	ERR_clear_error();
	if (!ok) {
		sk_X509_pop_free(out->certs, X509_free);
		out->certs = NULL;
	}
	return ok;
}

bool certfile_read(const char *path, const char *password, certfile *out, char **err)
{
	char *data = NULL;
	size_t len = 0;
	memset(out, 0, sizeof(*out));
	if (!smallfile_read(path, "certificate file", CERTFILE_MAX_BYTES, &data, &len, err))
		return false;
	char *why = NULL;
	bool ok = certfile_parse((const unsigned char *)data, len, password, out, &why);
	if (!ok) {
		*err = g_strdup_printf("%s: %s", path, why);
		g_free(why);
	}
	g_free(data);
	return ok;
}

void certfile_free(certfile *cf)
{
	if (cf->certs)
		sk_X509_pop_free(cf->certs, X509_free);
	cf->certs = NULL;
}
