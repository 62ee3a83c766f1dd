/* Certificate files: PEM, DER, PKCS#12. */
#include "certfile.h"

#include <glib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
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

static bool parse_pkcs12(const unsigned char *buf, size_t len, const char *password, certfile *cf,
			 char **err)
{
	const unsigned char *q = buf;
	PKCS12 *p12 = d2i_PKCS12(NULL, &q, (long)len);
	if (!p12)
		return false;
	cf->kind = CF_PKCS12;
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
	gchar *data = NULL;
	gsize len = 0;
	GError *ge = NULL;
	memset(out, 0, sizeof(*out));
	if (!g_file_get_contents(path, &data, &len, &ge)) {
		*err = g_strdup_printf("cannot read %s: %s", path, ge->message);
		g_error_free(ge);
		return false;
	}
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
