/* TLS and certificate rules (tls.*, prov.cert.*): judges the chains the TLS
 * dissector saw, at each packet's own time, and tells the infra rule which
 * domain a provisioning certificate vouches for (FACT_PROV_DOMAIN). */
#include <string.h>

#include "../decoder/events/tls.h"
#include "../decoder/numtext.h"
#include "../dissectors/x509.h"
#include "amthashes.h"
#include "certcheck.h"
#include "rule.h"

enum { AMT_TLS_PORT = 16993 };

/* A server-certificate finding on AMT's TLS port that is by design when the
 * client turns out to be a setup service presenting a provisioning chain. */
typedef struct pending {
	uint64_t flow;
	char *rule, *device, *key, *summary, *remedy;
	severity sev;
	uint16_t input;
	uint32_t frame_first, frame_last;
	int64_t ts;
} pending;

typedef struct tls_rule {
	certcheck *cc;
	bool cc_tried;
	amt_hashes *hashes;
	bool hashes_tried;
	GHashTable *sni;         /* flow key -> SNI */
	GHashTable *prov_flows;  /* flow key -> 1: a client certificate was offered to AMT:16993 */
	GArray *pending;
	GHashTable *cert_seen;   /* "device id/sha256" -> 1: its FACT_CERT is recorded */
	GHashTable *cert_text;   /* sha256 -> the text of its FACT_CERT */
} tls_rule;

#define CERT_SEEN_MAX 65536
#define CERT_TEXT_MAX 4096   /* distinct certificates whose fact text is kept */

static uint64_t flow_key(const event *e)
{
	return e->flow ? ((uint64_t)e->flow->input << 48) ^ e->flow->id : 0;
}

static void pending_clear(gpointer p)
{
	pending *x = p;
	g_free(x->rule);
	g_free(x->device);
	g_free(x->key);
	g_free(x->summary);
	g_free(x->remedy);
}

static void *init(analysis *an)
{
	(void)an;
	tls_rule *r = g_new0(tls_rule, 1);
	r->sni = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	r->prov_flows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	r->pending = g_array_new(FALSE, TRUE, sizeof(pending));
	g_array_set_clear_func(r->pending, pending_clear);
	r->cert_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->cert_text = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return r;
}

static void rule_free(void *st)
{
	tls_rule *r = st;
	certcheck_free(r->cc);
	amt_hashes_free(r->hashes);
	g_hash_table_destroy(r->sni);
	g_hash_table_destroy(r->prov_flows);
	g_array_free(r->pending, TRUE);
	g_hash_table_destroy(r->cert_seen);
	g_hash_table_destroy(r->cert_text);
	g_free(r);
}

static void config_problem(analysis *an, const char *id, const char *msg)
{
	bool is_new;
	finding *x = finding_add(&an->fnd, id, SEV_WARNING, NULL, NULL, &is_new);
	if (!is_new)
		return;
	finding_summary(x, "%s: certificate checks run without it", msg);
	finding_remedy(x, "Fix the path or the file format and run again.");
}

static certcheck *checker(tls_rule *r, analysis *an)
{
	if (!r->cc_tried) {
		r->cc_tried = true;
		char *err = NULL;
		r->cc = certcheck_new(an->cfg->ca_file, &err);
		if (!r->cc) {
			config_problem(an, "tls.config.ca_file", err);
			g_free(err);
			r->cc = certcheck_new(NULL, &err);
		}
	}
	return r->cc;
}

static amt_hashes *default_hashes(tls_rule *r, analysis *an)
{
	if (!r->hashes_tried) {
		r->hashes_tried = true;
		r->hashes = amt_hashes_new();
		char *err = NULL;
		if (!amt_hashes_load_default(r->hashes, an->cfg->data_dir, an->cfg->amt_hashes_file, &err)) {
			config_problem(an, "tls.config.amt_hashes", err);
			g_free(err);
		}
	}
	return r->hashes;
}

static const char *fmt_day(int64_t us, char *buf, size_t n)
{
	return x509_time_text(us, buf, n);
}

static finding *raise_finding(analysis *an, const event *e, const char *id, severity sev, const char *label,
			      const char *key, bool *is_new)
{
	finding *x = finding_add(&an->fnd, id, sev, label, key, is_new);
	finding_event(x, e);
	analysis_keep(an, e, sev == SEV_ERROR);
	return x;
}

static void defer(tls_rule *r, const event *e, const char *id, severity sev, const char *label,
		  const char *key, char *summary, char *remedy)
{
	pending p = {flow_key(e), g_strdup(id), g_strdup(label), g_strdup(key), summary, remedy,
		     sev, e->input, e->frame_first, e->frame_last, e->ts};
	g_array_append_val(r->pending, p);
}

/* Raises the deferred findings of one flow (all when flow is 0), unless the
 * flow turned out to be remote configuration. */
static void flush_pending(tls_rule *r, analysis *an, uint64_t flow, bool all)
{
	for (guint i = 0; i < r->pending->len;) {
		pending *p = &g_array_index(r->pending, pending, i);
		if (!all && p->flow != flow) {
			i++;
			continue;
		}
		if (!g_hash_table_contains(r->prov_flows, &p->flow)) {
			bool is_new;
			finding *x = finding_add(&an->fnd, p->rule, p->sev, p->device, p->key, &is_new);
			if (is_new) {
				finding_summary(x, "%s", p->summary ? p->summary : "");
				finding_remedy(x, "%s", p->remedy ? p->remedy : "");
			}
			finding_frame_at(x, p->input, p->frame_first, p->ts);
			if (p->frame_last != p->frame_first)
				finding_frame_at(x, p->input, p->frame_last, p->ts);
		}
		g_array_remove_index(r->pending, i);
	}
}

/* ---- alerts ---- */

static const char *alert_remedy(uint8_t desc, bool amt_rejected_prov)
{
	if (amt_rejected_prov)
		return "AMT refused the setup service's provisioning certificate. Check that the leaf has the OU "
		       "'Intel(R) Client Setup Certificate' or EKU 2.16.840.1.113741.1.2.3 and serverAuth, that "
		       "the whole chain (root included) is sent and SHA-2 signed, that the root's hash is active "
		       "in AMT (MEBx > Remote Setup and Configuration > TLS PKI > Manage Hashes), and that the "
		       "certificate's domain matches the device's DNS suffix (DHCP option 15).";
	switch (desc) {
	case 48: return "The side that sent the alert does not trust the CA that issued the peer's "
			"certificate: install the issuing root (and intermediates) in its trust store, or "
			"send the full chain.";
	case 42: case 43: case 46:
		return "The peer's certificate was refused: check the chain, key usage/EKU and names with "
		       "`amtscope certs`.";
	case 45: return "A certificate had expired at the time of the handshake: renew it (or fix the "
			"clock of the side that sent the alert).";
	case 40: case 71: case 70:
		return "The two sides share no protocol version or cipher suite: enable a common TLS version "
		       "(AMT 12+ needs TLS 1.2; old consoles may only offer TLS 1.0) and cipher suites.";
	case 116: case 41:
		return "The server requires a client certificate and none was sent: configure the client "
		       "certificate (mutual TLS) on the console or setup service.";
	case 112: return "The server does not know the name sent in SNI: connect with the name the "
			 "server is configured for.";
	}
	return "Look at the handshake just before the alert (decode -V) to see what the sender refused.";
}

static void on_alert(tls_rule *r, analysis *an, const event *e)
{
	const ev_tls_alert *a = e->data;
	if (!a || a->encrypted || a->level != 2)
		return;  /* encrypted ones cannot be judged; warnings are routine */
	char src[AMT_ADDRSTRLEN];
	amt_addr_str(ev_src(e), src);
	const char *who = a->from_client ? "client" : "server";
	const char *name = a->description_name ? a->description_name : "unknown";
	device *srv = e->flow ? dev_by_ip(&an->dev, &e->flow->srv, true) : NULL;
	bool prov = !a->from_client && e->flow && e->flow->sport == AMT_TLS_PORT &&
		    g_hash_table_contains(r->prov_flows, &(uint64_t){flow_key(e)});
	char *key = g_strdup_printf("%s/%s/%s", name, who, src);
	bool is_new;
	finding *x = raise_finding(an, e, "tls.alert", SEV_ERROR, srv ? dev_label(srv) : NULL, key, &is_new);
	if (is_new) {
		finding_summary(x, "The TLS %s %s ended the handshake with a fatal alert: %s (%u)%s.", who, src,
				name, a->description, a->in_handshake ? "" : " after its Finished");
		finding_remedy(x, "%s", alert_remedy(a->description, prov));
	}
	g_free(key);
}

/* ---- certificates ---- */

/* The same chain comes in every handshake with a device: each certificate
 * becomes a fact of the device once (the fact text costs more than the rest
 * of the rule). */
static bool cert_recorded(tls_rule *r, const device *d, const x509_info *x)
{
	char key[96];
	size_t o = u64_text(d->id, key);
	key[o++] = '/';
	g_strlcpy(key + o, x->sha256, sizeof(key) - o);  /* "<device id>/<sha256>" */
	if (g_hash_table_contains(r->cert_seen, key))
		return true;
	if (g_hash_table_size(r->cert_seen) < CERT_SEEN_MAX)
		g_hash_table_add(r->cert_seen, g_strdup(key));
	return false;
}

/* What a FACT_CERT says about x. The same few certificates come from many
 * devices: the text is built once per certificate. The caller frees it
 * when *owned. */
static const char *cert_fact_text(tls_rule *r, const x509_info *x, bool *owned)
{
	const char *kept = g_hash_table_lookup(r->cert_text, x->sha256);
	*owned = false;
	if (kept)
		return kept;
	char nb[32], na[32];
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "%s; issuer %s; valid %s to %s", x->subject, x->issuer,
			       fmt_day(x->not_before, nb, sizeof(nb)), fmt_day(x->not_after, na, sizeof(na)));
	for (uint32_t j = 0; j < x->nsans; j++)
		g_string_append_printf(s, "%s%s", j ? ", " : "; SAN ", x->sans[j]);
	g_string_append_printf(s, "; sha1 %s; sha256 %s", x->sha1, x->sha256);
	char *text = g_string_free(s, FALSE);
	if (g_hash_table_size(r->cert_text) < CERT_TEXT_MAX) {
		g_hash_table_insert(r->cert_text, g_strdup(x->sha256), text);
		return text;
	}
	*owned = true;
	return text;
}

static void cert_facts(tls_rule *r, analysis *an, device *d, const event *e, const ev_tls_certificates *m,
		       const char *source)
{
	for (uint32_t i = 0; i < m->ncerts; i++) {
		const x509_info *x = &m->certs[i].x;
		d = dev_resolve(d);
		if (!x->decoded || cert_recorded(r, d, x))
			continue;
		bool owned;
		const char *text = cert_fact_text(r, x, &owned);
		d = dev_fact(&an->dev, d, FACT_CERT, text, source, ev_evidence(e), e->ts);
		if (owned)
			g_free((char *)text);
	}
}

/* What a finding about this chain calls it. */
typedef struct chain_ctx {
	const event *e;
	const ev_tls_certificates *m;
	const chain_verdict *v;
	const char *side;        /* "server" / "client" */
	const char *device;      /* label of the sender */
	char src[AMT_ADDRSTRLEN];
	const char *leaf_fp;
	bool deferrable;         /* AMT's server certificate: by design during remote configuration */
} chain_ctx;

static void check_dates(analysis *an, const chain_ctx *k)
{
	char when[32], d1[32];
	int i = chain_expired_at(k->v, k->e->ts);
	bool is_new;
	if (i >= 0) {
		finding *x = raise_finding(an, k->e, "tls.cert.expired", SEV_ERROR, k->device, k->m->certs[i].x.sha256,
				   &is_new);
		if (is_new) {
			finding_summary(x, "The %s certificate %s%s sent by %s expired on %s, before this handshake (%s).",
					k->side, k->v->subjects[i], i ? " (in the chain)" : "", k->src,
					x509_time_text(k->v->not_after[i], d1, sizeof(d1)),
					x509_time_text(k->e->ts, when, sizeof(when)));
			finding_remedy(x, "Renew the certificate and install it (with its chain) where %s gets it; "
				       "if it looks valid, check that host's clock.", k->src);
		}
	}
	i = chain_not_yet_valid_at(k->v, k->e->ts);
	if (i >= 0) {
		finding *x = raise_finding(an, k->e, "tls.cert.not_yet_valid", SEV_ERROR, k->device,
				   k->m->certs[i].x.sha256, &is_new);
		if (is_new) {
			finding_summary(x, "The %s certificate %s%s sent by %s is valid only from %s, after this handshake (%s).",
					k->side, k->v->subjects[i], i ? " (in the chain)" : "", k->src,
					x509_time_text(k->v->not_before[i], d1, sizeof(d1)),
					x509_time_text(k->e->ts, when, sizeof(when)));
			finding_remedy(x, "Check the clocks of the CA and of the device that judges the "
				       "certificate (AMT takes its time from the BIOS/host), or reissue it "
				       "with a start date in the past.");
		}
	}
}

/* Whether report() needs a summary and remedy: not for a finding that is
 * already raised or over a cap (deferred or not, it would keep no text). */
static bool needs_text(const analysis *an, const chain_ctx *k, const char *id, const char *key)
{
	return finding_would_be_new(&an->fnd, id, k->device, key);
}

/* Raises a finding now, or (server certificates on AMT's TLS port) once the
 * flow shows it was not remote configuration. Takes summary and remedy
 * (NULL when needs_text() said no). */
static void report(tls_rule *r, analysis *an, const chain_ctx *k, const char *id, severity sev,
		   const char *key, char *summary, char *remedy)
{
	if (k->deferrable) {
		defer(r, k->e, id, sev, k->device, key, summary, remedy);
		return;
	}
	bool is_new;
	finding *x = raise_finding(an, k->e, id, sev, k->device, key, &is_new);
	if (is_new) {
		finding_summary(x, "%s", summary ? summary : "");
		finding_remedy(x, "%s", remedy ? remedy : "");
	}
	g_free(summary);
	g_free(remedy);
}

static void check_chain(tls_rule *r, analysis *an, const chain_ctx *k)
{
	const chain_verdict *v = k->v;
	if (!v->complete) {
		bool text = needs_text(an, k, "tls.cert.chain_incomplete", k->leaf_fp);
		char *summary = !text ? NULL : v->missing_issuer
			? g_strdup_printf("The %s certificate chain sent by %s (%s) does not reach a root: "
					  "the issuer %s was neither sent nor given with --ca-file.",
					  k->side, k->src, v->subjects[0], v->missing_issuer)
			: g_strdup_printf("The %s certificate chain sent by %s (%s) does not verify: %s.",
					  k->side, k->src, v->subjects[0],
					  v->verify_error ? v->verify_error : "unknown reason");
		report(r, an, k, "tls.cert.chain_incomplete", SEV_ERROR, k->leaf_fp, summary,
		       !text ? NULL : g_strdup_printf("Configure %s to send its intermediate CA certificate(s) after its own "
				       "(leaf first, then each issuer), or pass the missing root to amtscope with "
				       "--ca-file if the peer already trusts it.", k->src));
	} else if (!v->ordered) {
		bool text = needs_text(an, k, "tls.cert.chain_order", k->leaf_fp);
		const char *misplaced = v->subjects[v->first_misplaced] ? v->subjects[v->first_misplaced]
									  : "undecodable";
		report(r, an, k, "tls.cert.chain_order", SEV_WARNING, k->leaf_fp,
		       !text ? NULL : g_strdup_printf("The %s certificate chain sent by %s is complete but out of order: "
				       "certificate %d (%s) does not certify the one before it.",
				       k->side, k->src, v->first_misplaced + 1, misplaced),
		       !text ? NULL : g_strdup("Rebuild the chain file in order: the leaf, then its issuer, then that "
				"issuer's issuer, up to the root. Strict peers (OpenSSL-based redirection, "
				"AMT) reject other orders."));
	}
	if (v->weak_index >= 0) {
		bool is_new;
		finding *x = raise_finding(an, k->e, "tls.cert.weak", SEV_WARNING, k->device,
					   k->m->certs[v->weak_index].x.sha256, &is_new);
		if (is_new) {
			finding_summary(x, "The %s certificate %s sent by %s is weak: %s.", k->side,
					v->subjects[v->weak_index], k->src, v->weak_reason);
			finding_remedy(x, "Reissue it with an RSA key of at least 2048 bits (or ECDSA P-256+) "
				       "and a SHA-256 signature; AMT requires SHA-2 across the chain.");
		}
	}
}

/* The name the client asked for: SNI, else a DNS name that resolved to the server. */
static const char *wanted_name(tls_rule *r, analysis *an, const event *e, const ev_tls_certificates *m,
			       const char **how, const uint8_t *der, size_t len, bool *matched)
{
	uint64_t fk = flow_key(e);
	const char *sni = m->sni ? m->sni : g_hash_table_lookup(r->sni, &fk);
	*matched = false;
	if (sni) {
		*how = "SNI";
		*matched = cert_der_matches_host(der, len, sni);
		return sni;
	}
	device *d = dev_by_ip(&an->dev, ev_src(e), false);
	const char *last = NULL;
	for (guint i = 0; d && i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind != FACT_FQDN || !f->source || strcmp(f->source, "dns") != 0)
			continue;
		last = f->value;
		if (cert_der_matches_host(der, len, f->value)) {
			*matched = true;
			break;
		}
	}
	*how = "DNS";
	return last;
}

static void check_server(tls_rule *r, analysis *an, const chain_ctx *k)
{
	const ev_tls_cert *leaf = &k->m->certs[0];
	const char *how;
	bool matched;
	const char *name = wanted_name(r, an, k->e, k->m, &how, leaf->der, leaf->der_len, &matched);
	if (name && !matched) {
		char *key = g_strconcat(k->leaf_fp, "/", name, NULL);
		bool text = needs_text(an, k, "tls.cert.name_mismatch", key);
		report(r, an, k, "tls.cert.name_mismatch", SEV_ERROR, key,
		       !text ? NULL : g_strdup_printf("The server certificate of %s (%s) does not cover the name the client "
				       "asked for, %s (%s).", k->src, k->v->subjects[0], name, how),
		       !text ? NULL : g_strdup_printf("Issue the certificate with %s as CN or subjectAltName (AMT: the FQDN "
				       "configured in AMT must equal the name consoles use), or make clients "
				       "connect with a name it covers; check that %s resolves to this device.",
				       name, name));
		g_free(key);
	}
	if (k->v->leaf_self_signed) {
		bool text = needs_text(an, k, "tls.cert.self_signed", k->leaf_fp);
		report(r, an, k, "tls.cert.self_signed", SEV_WARNING, k->leaf_fp,
		       !text ? NULL : g_strdup_printf("The server certificate of %s (%s) is self-signed.", k->src,
						      k->v->subjects[0]),
		       !text ? NULL : g_strdup("Clients cannot verify a self-signed certificate: issue one from your CA "
				"(AMT: configure TLS with an enterprise CA certificate after provisioning)."));
	}
}

/* Root hashes the AMT device announced in its hello, if any were seen. */
static bool announced_root(const device *amt, const chain_verdict *v, bool *any)
{
	*any = false;
	for (guint i = 0; amt && i < amt->facts->len; i++) {
		const fact *f = &g_array_index(amt->facts, fact, i);
		if (f->kind != FACT_ROOT_HASH || !f->value)
			continue;
		*any = true;
		/* "sha256:<hex>" as the hello rule writes it; the length tells the algorithm */
		const char *h = f->value;
		const char *colon = strchr(h, ':');
		h = colon ? colon + 1 : h;
		const char *mine[] = {v->root_sha1, v->root_sha256, v->root_sha384};
		for (size_t j = 0; j < 3; j++)
			if (*mine[j] && !g_ascii_strcasecmp(h, mine[j]))
				return true;
	}
	return false;
}

static void check_provisioning(tls_rule *r, analysis *an, const chain_ctx *k)
{
	const x509_info *leaf = &k->m->certs[0].x;
	device *amt = dev_by_ip(&an->dev, ev_dst(k->e), true);
	device *sca = dev_by_ip(&an->dev, ev_src(k->e), true);
	dev_role(amt, ROLE_AMT);
	dev_role(sca, ROLE_SETUP_SERVICE);
	char *domain = prov_domain_suffix(leaf->subject_cn);
	if (domain)
		amt = dev_fact(&an->dev, amt, FACT_PROV_DOMAIN, domain, "tls.prov_cert", ev_evidence(k->e), k->e->ts);
	amt = dev_fact(&an->dev, amt, FACT_CERT, leaf->subject, "tls.prov_cert", ev_evidence(k->e), k->e->ts);
	g_free(domain);
	const char *label = dev_label(amt);
	bool is_new;
	/* a client certificate to AMT's TLS port is remote configuration, right
	 * certificate or not: AMT's self-signed server certificate is by design */
	uint64_t fk = flow_key(k->e);
	g_hash_table_add(r->prov_flows, g_memdup2(&fk, sizeof(fk)));
	if (!leaf->ou_setup_cert && !leaf->eku_amt_activation) {
		finding *x = raise_finding(an, k->e, "prov.cert.not_provisioning", SEV_ERROR, label, leaf->sha256, &is_new);
		if (is_new) {
			finding_summary(x, "The certificate %s that %s offered %s for remote configuration has "
					"neither the OU '%s' nor the EKU %s: AMT will refuse it.",
					leaf->subject, k->src, label, AMT_OU_SETUP_CERT, AMT_OID_AMT_ACTIVATION);
			finding_remedy(x, "Use a provisioning certificate: a vendor AMT provisioning certificate, "
				       "or one from your CA whose subject has OU=%s or whose EKU includes %s "
				       "(and serverAuth).", AMT_OU_SETUP_CERT, AMT_OID_AMT_ACTIVATION);
		}
	}
	if (!leaf->eku_server_auth && leaf->nekus) {
		finding *x = raise_finding(an, k->e, "prov.cert.not_provisioning", SEV_ERROR, label, "serverAuth", &is_new);
		if (is_new) {
			finding_summary(x, "The provisioning certificate %s offered to %s lacks the serverAuth EKU "
					"(1.3.6.1.5.5.7.3.1) that AMT requires.", leaf->subject, label);
			finding_remedy(x, "Reissue the certificate with Server Authentication in its EKU.");
		}
	}
	if (!k->v->complete || !*k->v->root_sha256)
		return;  /* no root to judge: chain_incomplete says why */
	bool any;
	bool trusted = announced_root(amt, k->v, &any);
	const char *against = "the hashes the device announced in its hello";
	if (!any) {
		trusted = amt_hashes_find(default_hashes(r, an), k->v->root_sha1, k->v->root_sha256) != NULL;
		against = an->cfg->amt_hashes_file ? "AMT's default root hashes or --amt-hashes"
						   : "AMT's default root hashes";
	}
	if (trusted)
		return;
	finding *x = raise_finding(an, k->e, "prov.cert.untrusted_root", SEV_ERROR, label, k->v->root_sha256, &is_new);
	if (is_new) {
		finding_summary(x, "The provisioning chain offered to %s ends at %s (SHA-256 %s), which is not "
				"among %s.", label, k->v->root_subject ? k->v->root_subject : "?",
				k->v->root_sha256, against);
		finding_remedy(x, "Buy the provisioning certificate from a CA whose root AMT trusts, or add "
			       "the root's hash in MEBx (Remote Setup and Configuration > TLS PKI > Manage "
			       "Hashes) or setup.bin and activate it; make the setup service send the full chain "
			       "including the root.");
	}
}

static void on_certificates(tls_rule *r, analysis *an, const event *e)
{
	const ev_tls_certificates *m = e->data;
	if (!m || m->ncerts == 0 || !m->certs[0].x.decoded)
		return;
	const uint8_t **der = g_new0(const uint8_t *, m->ncerts);
	size_t *len = g_new0(size_t, m->ncerts);
	for (uint32_t i = 0; i < m->ncerts; i++) {
		der[i] = m->certs[i].der;
		len[i] = m->certs[i].der_len;
	}
	chain_ctx k = {.e = e, .m = m, .side = m->from_client ? "client" : "server",
		       .leaf_fp = m->certs[0].x.sha256};
	k.v = certcheck_der(checker(r, an), der, len, m->ncerts, e->ts);
	g_free(der);
	g_free(len);
	amt_addr_str(ev_src(e), k.src);
	device *sender = dev_by_ip(&an->dev, ev_src(e), true);
	cert_facts(r, an, sender, e, m, "tls.cert");
	k.device = dev_label(dev_resolve(sender));
	/* AMT's own certificate (self-signed, or from its On-Die CA) is judged
	 * only when the flow turns out not to be remote configuration */
	k.deferrable = !m->from_client && e->flow && e->flow->sport == AMT_TLS_PORT;
	check_dates(an, &k);
	check_chain(r, an, &k);
	if (!m->from_client)
		check_server(r, an, &k);
	else if (e->flow && e->flow->sport == AMT_TLS_PORT)
		check_provisioning(r, an, &k);
}

static void on_event(void *st, analysis *an, const event *e)
{
	tls_rule *r = st;
	switch (e->kind) {
	case EV_TLS_CLIENT_HELLO: {
		const ev_tls_client_hello *h = e->data;
		if (h && h->sni) {
			uint64_t fk = flow_key(e);
			g_hash_table_replace(r->sni, g_memdup2(&fk, sizeof(fk)), g_strdup(h->sni));
		}
		break;
	}
	case EV_TLS_CERTIFICATES: on_certificates(r, an, e); break;
	case EV_TLS_ALERT: on_alert(r, an, e); break;
	case EV_FLOW_CLOSE: {
		if (r->pending->len)
			flush_pending(r, an, flow_key(e), false);
		/* a flow's SNI and provisioning mark die with it: a long capture
		 * must not keep one entry per connection it ever saw */
		uint64_t fk = flow_key(e);
		g_hash_table_remove(r->sni, &fk);
		g_hash_table_remove(r->prov_flows, &fk);
		break;
	}
	default: break;
	}
}

static void on_end(void *st, analysis *an)
{
	flush_pending(st, an, 0, true);
}

const rule rule_tls = {
	.name = "tls",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = rule_free,
};
