/* The provisioning certificate (--prov-cert) and the domain (--domain):
 * what AMT will check when the setup service presents the certificate,
 * judged before any device tries. Reads the file with rules/certfile and
 * judges the chain with rules/certcheck and rules/amthashes, the same
 * functions `amtscope certs` and the tls rule use. */
#include <openssl/x509v3.h>
#include <string.h>

#include "../dissectors/x509.h"
#include "../inputs/amthashes.h"
#include "../rules/certcheck.h"
#include "../inputs/certfile.h"
#include "../rules/chainjudge.h"
#include "check.h"

bool check_domain_non_public(const char *domain)
{
	static const char *const private_tlds[] = {"local", "corp", "lan", "internal", "intranet", "home",
						   "private", "localdomain", "localhost", "test", "example",
						   "invalid", "home.arpa", NULL};
	if (!domain || !*domain)
		return false;
	size_t n = strlen(domain);
	if (domain[n - 1] == '.')
		n--;
	for (int i = 0; private_tlds[i]; i++) {
		size_t t = strlen(private_tlds[i]);
		if (n == t && !g_ascii_strncasecmp(domain, private_tlds[i], t))
			return true;
		if (n > t && domain[n - t - 1] == '.' && !g_ascii_strncasecmp(domain + n - t, private_tlds[i], t))
			return true;
	}
	return !strchr(domain, '.');  /* a single label is not a public domain either */
}

bool check_domain_covered(const char *domain, const char *cert_domain)
{
	size_t n = strlen(domain), c = strlen(cert_domain);
	if (n && domain[n - 1] == '.')
		n--;
	if (c && cert_domain[c - 1] == '.')
		c--;
	if (n == c)
		return !g_ascii_strncasecmp(domain, cert_domain, n);
	/* AMT compares the suffix: a certificate for corp.example serves sub.corp.example */
	return n > c && domain[n - c - 1] == '.' && !g_ascii_strncasecmp(domain + n - c, cert_domain, c);
}

void check_domain(const check_opts *o, analysis *an)
{
	if (!check_domain_non_public(o->domain))
		return;
	finding *x = finding_add(&an->fnd, "prov.domain.non_public", SEV_WARNING, NULL, o->domain, NULL);
	finding_summary(x, "%s is not a public DNS domain: no public CA issues a provisioning certificate for it, "
			"so remote configuration with a certificate whose root AMT trusts by default is impossible "
			"for devices with this DNS suffix.", o->domain);
	finding_remedy(x, "Either provision with a registered domain (give the devices a DNS suffix you own, "
		       "e.g. with DHCP option 15 or the MEBx PKI DNS suffix, and buy the certificate for it), or "
		       "issue the provisioning certificate from your own CA and add its root hash to every device "
		       "(MEBx > Remote Setup and Configuration > TLS PKI > Manage Hashes, or setup.bin).");
}

/* The certificate of the file that issued none of the others: the leaf. */
static int leaf_index(X509 **c, int n)
{
	for (int i = 0; i < n; i++) {
		bool issuer_of_other = false;
		for (int j = 0; j < n && !issuer_of_other; j++)
			issuer_of_other = j != i && X509_check_issued(c[i], c[j]) == X509_V_OK &&
					  X509_check_issued(c[j], c[i]) != X509_V_OK;
		if (!issuer_of_other)
			return i;
	}
	return 0;
}

static finding *prov_finding(analysis *an, const char *id, severity sev, const char *key)
{
	return finding_add(&an->fnd, id, sev, NULL, key, NULL);
}

static void judge_domain(const check_opts *o, analysis *an, const x509_info *leaf)
{
	char *domain = prov_domain_suffix(leaf->subject_cn);
	if (!domain) {
		finding *x = prov_finding(an, "prov.cert.domain_mismatch", SEV_ERROR, "no-domain");
		finding_summary(x, "The provisioning certificate %s (%s) has no domain in its CN: AMT matches the CN's "
				"domain suffix against its own DNS suffix (%s).", o->prov_cert, leaf->subject, o->domain);
		finding_remedy(x, "Issue it with CN=<setup server>.%s.", o->domain);
	} else if (!check_domain_covered(o->domain, domain)) {
		finding *x = prov_finding(an, "prov.cert.domain_mismatch", SEV_ERROR, domain);
		finding_summary(x, "The provisioning certificate %s vouches for domain %s (CN %s), but the devices' "
				"domain is %s: AMT will refuse it.", o->prov_cert, domain, leaf->subject_cn, o->domain);
		finding_remedy(x, "Use a provisioning certificate for %s (CN=<setup server>.%s), or give the devices "
			       "the DNS suffix %s (DHCP option 15 or the MEBx PKI DNS suffix).", o->domain, o->domain,
			       domain);
	}
	g_free(domain);
}

static void judge_chain(const check_opts *o, analysis *an, const chain_verdict *v, amt_hashes *h,
			const x509_info *leaf)
{
	/* the chain and its dates: the same judge as analyze and certs */
	chain_judge_in in = {.v = v, .leaf = leaf, .provisioning = true, .root_trusted = -1,
			     .dates = true, .at_us = o->now_us,
			     .hashes_source = o->amt_hashes ? "AMT's default root hashes or --amt-hashes"
							    : "AMT's default root hashes"};
	if (v->complete && *v->root_sha256)
		in.root_trusted = amt_hashes_find(h, v->root_sha1, v->root_sha256) != NULL;
	GArray *out = chain_judge(&in);
	for (guint j = 0; j < out->len; j++) {
		const cert_finding *f = &g_array_index(out, cert_finding, j);
		finding *x = prov_finding(an, f->id, f->sev, f->key);
		finding_summary(x, "%s", f->summary);
		finding_remedy(x, "%s", f->remedy);
	}
	chain_judge_free(out);
}

static void not_checked(const check_opts *o, analysis *an, const char *why)
{
	finding *x = finding_add(&an->fnd, "check.skipped", SEV_INFO, NULL, "prov", NULL);
	finding_summary(x, "Not checked: the provisioning certificate %s (%s).", o->prov_cert, why);
	finding_remedy(x, "Give a readable PKCS#12 (.pfx/.p12) with --password-file, or a PEM/DER file.");
}

bool check_prov_cert(const check_opts *o, analysis *an)
{
	if (!o->prov_cert)
		return true;
	char *err = NULL;
	certfile cf;
	if (!certfile_read(o->prov_cert, o->prov_password, &cf, &err)) {
		fprintf(stderr, "amtscope: --prov-cert %s\n", err);
		not_checked(o, an, err);
		g_free(err);
		return false;
	}
	bool ok = true;
	certcheck *cc = certcheck_new(o->ca_file, !o->no_system_ca, &err);
	amt_hashes *h = amt_hashes_new();
	if (!cc) {
		fprintf(stderr, "amtscope: --ca-file: %s\n", err);
		g_clear_pointer(&err, g_free);
		cc = certcheck_new(NULL, !o->no_system_ca, &err);
		ok = false;
	}
	if (!amt_hashes_load_default(h, an->cfg->data_dir, o->amt_hashes, &err)) {
		fprintf(stderr, "amtscope: %s\n", err);
		g_clear_pointer(&err, g_free);
		ok = false;
	}
	int n = sk_X509_num(cf.certs);
	X509 **c = g_new0(X509 *, n + 1);
	for (int i = 0; i < n; i++)
		c[i] = sk_X509_value(cf.certs, i);
	int li = leaf_index(c, n);
	X509 **chain = g_new0(X509 *, n + 1);
	int k = 0;
	chain[k++] = c[li];
	for (int i = 0; i < n; i++)
		if (i != li)
			chain[k++] = c[i];
	arena a;
	arena_init(&a, 0);
	x509_info leaf;
	memset(&leaf, 0, sizeof(leaf));
	x509_describe(&a, c[li], &leaf);
	const chain_verdict *v = certcheck_x509(cc, chain, (uint32_t)k, o->now_us);
	finding *x = finding_add(&an->fnd, "check.prov.cert", SEV_INFO, NULL, NULL, NULL);
	char *dom = prov_domain_suffix(leaf.subject_cn);
	finding_summary(x, "Provisioning certificate %s (%s, %d certificate%s%s): %s, for domain %s, root %s.",
			o->prov_cert, certfile_kind_name(cf.kind), n, n == 1 ? "" : "s",
			cf.has_key ? ", with private key" : "", leaf.subject, dom ? dom : "(none)",
			v->root_subject ? v->root_subject : "not in the file");
	g_free(dom);
	judge_domain(o, an, &leaf);
	judge_chain(o, an, v, h, &leaf);
	if (cf.kind == CF_PKCS12 && !cf.has_key) {
		finding *y = prov_finding(an, "prov.cert.no_key", SEV_ERROR, o->prov_cert);
		finding_summary(y, "The PKCS#12 file %s holds no private key: the setup service cannot use it.",
				o->prov_cert);
		finding_remedy(y, "Export the certificate again with its private key.");
	} else if (cf.has_key && !cf.key_matches) {
		finding *y = prov_finding(an, "prov.cert.no_key", SEV_ERROR, o->prov_cert);
		finding_summary(y, "The private key in %s does not belong to its certificate.", o->prov_cert);
		finding_remedy(y, "Export the certificate again together with its own private key.");
	}
	arena_free(&a);
	g_free(chain);
	g_free(c);
	certcheck_free(cc);
	amt_hashes_free(h);
	certfile_free(&cf);
	return ok;
}
