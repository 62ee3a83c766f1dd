/* Certificate chain verdicts: one place decides (see chainjudge.h). The
 * texts rest on the verdict of rules/certcheck and the leaf's x509_info. */
#include "chainjudge.h"

#include <string.h>

#include "../dissectors/x509.h"

const cert_date_limits cert_dates = {
	.expires_soon_us = 30LL * 86400 * 1000000,
	.expires_soon_days = 30,
};

static const char *dn(const char *name)
{
	return !name ? "(not decoded)" : *name ? name : "(an empty name)";
}

static void add(GArray *out, const char *id, severity sev, const char *key, char *summary, char *remedy)
{
	cert_finding f = {id, sev, g_strdup(key), summary, remedy, -1};
	g_array_append_val(out, f);
}

static void add_cert(GArray *out, int cert, const char *id, severity sev, const char *key, char *summary,
		     char *remedy)
{
	add(out, id, sev, key, summary, remedy);
	g_array_index(out, cert_finding, out->len - 1).cert = cert;
}

/* "The certificate X" for the leaf, "Certificate 2 (X) in the chain of L" above it. */
static char *cert_name(const chain_verdict *v, int i)
{
	return i ? g_strdup_printf("Certificate %d (%s) in the chain of %s", i + 1, dn(v->subjects[i]),
				   dn(v->subjects[0]))
		 : g_strdup_printf("The certificate %s", dn(v->subjects[0]));
}

/* Each certificate's dates at in->at_us; the text names the dates, never
 * the moment, so a packet's time and "now" give the same words. */
static void judge_dates(GArray *out, const chain_judge_in *in)
{
	const chain_verdict *v = in->v;
	char d[32];
	for (uint32_t u = 0; u < v->n; u++) {
		int i = (int)u;
		if (!v->decoded[i])
			continue;
		if (v->not_after[i] && in->at_us > v->not_after[i]) {
			char *name = cert_name(v, i);
			add_cert(out, i, "tls.cert.expired", SEV_ERROR, v->sha256[i],
				 g_strdup_printf("%s expired on %s.", name, x509_time_text(v->not_after[i], d, sizeof(d))),
				 g_strdup("Renew the certificate and install it with its chain where it is served; if "
					  "it looks valid, check the clock of the host that judged it."));
			g_free(name);
		} else if (in->at_us < v->not_before[i]) {
			char *name = cert_name(v, i);
			add_cert(out, i, "tls.cert.not_yet_valid", SEV_ERROR, v->sha256[i],
				 g_strdup_printf("%s is valid only from %s.", name,
						 x509_time_text(v->not_before[i], d, sizeof(d))),
				 g_strdup("Check the clocks of the CA and of the host that judges the certificate "
					  "(AMT takes its time from the BIOS/host), or reissue it with a start date "
					  "in the past."));
			g_free(name);
		} else if (i == 0 && in->provisioning && v->not_after[0] &&
			   v->not_after[0] - in->at_us < cert_dates.expires_soon_us) {
			add_cert(out, 0, "prov.cert.expires_soon", SEV_WARNING, v->sha256[0],
				 g_strdup_printf("The provisioning certificate %s expires on %s, within %d days: "
						 "devices provisioned after that will refuse it.", dn(v->subjects[0]),
						 x509_time_text(v->not_after[0], d, sizeof(d)),
						 cert_dates.expires_soon_days),
				 g_strdup("Renew it now and install the new one (with its chain) on the setup "
					  "service."));
		}
	}
}

static const char *top_subject(const chain_verdict *v)
{
	int t = v->top_index >= 0 ? v->top_index : (int)v->n - 1;
	return dn(v->subjects[t]);
}

bool chain_judge_rejectable(const chain_verdict *v)
{
	return v->status == CHAIN_UNANCHORED || v->status == CHAIN_ISSUER_UNKNOWN;
}

static void judge_unusable(GArray *out, const chain_verdict *v, const char *key)
{
	if (v->status == CHAIN_UNPARSEABLE)
		add(out, "tls.cert.unparseable", SEV_WARNING, key,
		    v->bad_index ? g_strdup_printf("Certificate %d of the chain of %s does not parse as X.509: the "
						   "chain was not judged.", v->bad_index + 1, dn(v->subjects[0]))
				 : g_strdup("The chain's first certificate (its leaf) does not parse as X.509: the chain "
					    "was not judged."),
		    g_strdup("Look at the certificate (amtscope decode -V, or openssl x509 -text); if it is valid, "
			     "this build's OpenSSL cannot read it and the chain needs another tool."));
	else if (v->status == CHAIN_UNSUPPORTED)
		add(out, "tls.cert.unsupported_algorithm", SEV_WARNING, key,
		    g_strdup_printf("Certificate %d (%s) of the chain of %s uses an algorithm this OpenSSL cannot "
				    "check (%s): the chain was not judged.", v->bad_index + 1,
				    dn(v->subjects[v->bad_index >= 0 ? v->bad_index : 0]), dn(v->subjects[0]),
				    v->bad_algorithm ? v->bad_algorithm : "?"),
		    g_strdup("Check this chain with a tool that knows the algorithm; if the peers must verify it, "
			     "make sure they support it too."));
	else if (v->status == CHAIN_INVALID)
		add(out, "tls.cert.chain_invalid", SEV_ERROR, key,
		    g_strdup_printf("The chain of %s does not verify: %s.", dn(v->subjects[0]),
				    v->verify_error ? v->verify_error : "unknown reason"),
		    g_strdup("Rebuild the chain from the CA's own certificates (leaf first, then each issuer), and "
			     "check with `amtscope certs` which link fails."));
}

/* Provisioning: AMT holds only root hashes, so the root must come with the chain. */
static bool judge_root_sent(GArray *out, const chain_judge_in *in, const char *key)
{
	const chain_verdict *v = in->v;
	if (v->status == CHAIN_VERIFIED && v->root_index >= 0)
		return false;
	char *why = v->status == CHAIN_VERIFIED
		? g_strdup_printf("it ends at %s, which was not sent", dn(v->root_subject))
		: g_strdup_printf("the issuer %s of %s is not in it", dn(v->missing_issuer), top_subject(v));
	add(out, "prov.cert.root_not_sent", SEV_ERROR, key,
	    g_strdup_printf("The provisioning chain of %s comes without its self-signed root (%s): AMT keeps "
			    "only hashes of trusted roots and cannot match the chain against the root hashes "
			    "its hello listed, so remote configuration fails.", dn(v->subjects[0]), why),
	    g_strdup("Export the provisioning certificate as a PFX with the whole certification path, root "
		     "included (\"Include all certificates in the certification path\"), and import that on the "
		     "setup service, so it sends leaf, intermediates and root."));
	g_free(why);
	return true;
}

static void judge_reach(GArray *out, const chain_judge_in *in, const char *key)
{
	const chain_verdict *v = in->v;
	const char *leaf = dn(v->subjects[0]);
	if (in->rejected_by && chain_judge_rejectable(v)) {
		add(out, "tls.cert.chain_incomplete", SEV_ERROR, key,
		    g_strdup_printf("The chain of %s was rejected by the peer (%s right after it): its top, %s, "
				    "names the issuer %s, which was not sent.", leaf, in->rejected_by, top_subject(v),
				    dn(v->missing_issuer)),
		    g_strdup_printf("Send the intermediate CA certificate(s) after the leaf (leaf first, then "
				    "each issuer), or install %s as trusted on the peer.", dn(v->missing_issuer)));
	} else if (v->status == CHAIN_MISSING_INTERMEDIATE) {
		add(out, "tls.cert.chain_incomplete", SEV_ERROR, key,
		    g_strdup_printf("The chain of %s is incomplete: the issuer %s of %s was not sent and is not "
				    "a trust anchor, while the root above it is known.", leaf,
				    dn(v->missing_issuer), top_subject(v)),
		    g_strdup_printf("Configure the sender to send %s after its own certificate (leaf first, "
				    "then each issuer up to the root).", dn(v->missing_issuer)));
	} else if (v->status == CHAIN_ISSUER_UNKNOWN) {
		add(out, "tls.cert.issuer_unknown", SEV_WARNING, key,
		    g_strdup_printf("The chain of %s ends at %s, which is not a CA certificate; its issuer %s was "
				    "not sent and is not a known trust anchor here, so whether the chain is complete "
				    "is unknown.", leaf, top_subject(v), dn(v->missing_issuer)),
		    g_strdup_printf("If %s is an intermediate CA, configure the sender to send it after its own "
				    "certificate; if it is a root the peers hold, give it to amtscope with --ca-file.",
				    dn(v->missing_issuer)));
	} else if (v->status == CHAIN_UNANCHORED) {
		add(out, "tls.cert.root_unknown", SEV_INFO, key,
		    g_strdup_printf("The chain of %s is complete as far as it was sent (TLS lets a sender omit the "
				    "root): its top, %s, is a CA whose issuer %s is not a known trust anchor here.",
				    leaf, top_subject(v), dn(v->missing_issuer)),
		    g_strdup_printf("Nothing to fix on the sender. To verify the chain fully, give the root %s to "
				    "amtscope with --ca-file.", dn(v->missing_issuer)));
	}
}

static void judge_identity(GArray *out, const x509_info *leaf)
{
	if (!leaf->ou_setup_cert && !leaf->eku_amt_activation)
		add(out, "prov.cert.not_provisioning", SEV_ERROR, leaf->sha256,
		    g_strdup_printf("The provisioning certificate %s has neither the OU '%s' nor the EKU %s: AMT "
				    "will refuse it.", leaf->subject, AMT_OU_SETUP_CERT, AMT_OID_AMT_ACTIVATION),
		    g_strdup_printf("Use a provisioning certificate: a vendor AMT provisioning certificate, or "
				    "one from your CA whose subject has OU=%s or whose EKU includes %s (and "
				    "serverAuth).", AMT_OU_SETUP_CERT, AMT_OID_AMT_ACTIVATION));
	if (!leaf->eku_server_auth && leaf->nekus)
		add(out, "prov.cert.not_provisioning", SEV_ERROR, "serverAuth",
		    g_strdup_printf("The provisioning certificate %s lacks the serverAuth EKU (1.3.6.1.5.5.7.3.1) "
				    "that AMT requires.", leaf->subject),
		    g_strdup("Reissue the certificate with Server Authentication in its EKU."));
}

GArray *chain_judge(const chain_judge_in *in)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(cert_finding));
	const chain_verdict *v = in->v;
	const char *key = v->leaf_sha256;
	if (in->dates)
		judge_dates(out, in);
	if (in->provisioning && in->leaf && in->leaf->decoded)
		judge_identity(out, in->leaf);
	if (v->status == CHAIN_UNPARSEABLE || v->status == CHAIN_UNSUPPORTED || v->status == CHAIN_INVALID) {
		judge_unusable(out, v, key);
	} else if (!in->provisioning || !judge_root_sent(out, in, key)) {
		judge_reach(out, in, key);
		if (in->provisioning && in->root_trusted == 0)
			add(out, "prov.cert.untrusted_root", SEV_ERROR, v->root_sha256,
			    g_strdup_printf("The provisioning chain of %s ends at %s (SHA-256 %s), which is not "
					    "among %s: AMT will refuse it.", dn(v->subjects[0]), dn(v->root_subject),
					    v->root_sha256, in->hashes_source ? in->hashes_source
									      : "AMT's root hashes"),
			    g_strdup("Buy the provisioning certificate from a CA whose root AMT trusts, or add the "
				     "root's hash in MEBx (Remote Setup and Configuration > TLS PKI > Manage Hashes) "
				     "or setup.bin and activate it on every device."));
	}
	if (v->leaf_decoded && !v->ordered && v->first_misplaced > 0 &&
	    (v->status == CHAIN_VERIFIED || v->status == CHAIN_UNANCHORED))
		add(out, "tls.cert.chain_order", SEV_WARNING, key,
		    g_strdup_printf("The chain of %s is out of order: certificate %d (%s) does not certify the "
				    "one before it.", dn(v->subjects[0]), v->first_misplaced + 1,
				    dn(v->subjects[v->first_misplaced])),
		    g_strdup("Rebuild the chain file in order: the leaf, then its issuer, then that issuer's "
			     "issuer, up to the root. Strict peers (OpenSSL-based redirection, AMT) reject other "
			     "orders."));
	/* AMT refuses a provisioning chain that is not SHA-2 throughout */
	if (v->weak_index >= 0)
		add(out, "tls.cert.weak", in->provisioning ? SEV_ERROR : SEV_WARNING, key,
		    g_strdup_printf("The chain of %s holds a weak certificate: %s%s%s.", dn(v->subjects[0]),
				    v->weak_count > 1 ? "" : dn(v->subjects[v->weak_index]),
				    v->weak_count > 1 ? "" : ": ", v->weak_reason),
		    g_strdup("Reissue it with an RSA key of at least 2048 bits (or ECDSA P-256+) and a SHA-256 "
			     "signature; AMT requires SHA-2 across the chain."));
	return out;
}

void chain_judge_free(GArray *out)
{
	if (!out)
		return;
	for (guint i = 0; i < out->len; i++) {
		cert_finding *f = &g_array_index(out, cert_finding, i);
		g_free(f->key);
		g_free(f->summary);
		g_free(f->remedy);
	}
	g_array_free(out, TRUE);
}
