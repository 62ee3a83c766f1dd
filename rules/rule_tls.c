/* TLS and certificate rules (tls.*, prov.cert.*): judges the chains the TLS
 * dissector saw, at each packet's own time, and tells the infra rule which
 * domain a provisioning certificate vouches for (FACT_PROV_DOMAIN). */
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../decoder/events/tls.h"
#include "../dissectors/x509.h"
#include "../inputs/amthashes.h"
#include "certcheck.h"
#include "chainjudge.h"
#include "rule.h"
#include "tls_facts.h"

/* AMT's TLS ports: 16993 (WS-Man), 16995 (redirection), 664 (secure RMCP/ASF). */
static bool amt_tls_port(uint16_t p)
{
	return p == AMT_PORT_HTTPS || p == AMT_PORT_REDIR_TLS || p == AMT_PORT_RMCP_SECURE;
}

/* A server-certificate finding on AMT's TLS port that is by design when the
 * client turns out to be a setup service presenting a provisioning chain. */
typedef struct pending {
	uint64_t flow;
	char *rule, *device, *key, *summary, *remedy;
	severity sev;
	uint16_t input;
	uint32_t frame_first, frame_last;
	int64_t ts;
	bool drop_if_prov;        /* AMT's own server certificate: by design in remote configuration */
	bool rejectable;          /* incompleteness unknown: an unknown_ca right after proves it */
	bool from_client;         /* which side sent the chain */
	const chain_verdict *v;   /* owned by the certcheck cache */
} pending;

typedef struct tls_rule {
	certcheck *cc;
	bool cc_tried;
	amt_hashes *hashes;
	bool hashes_tried;
	GHashTable *sni;         /* flow key -> SNI */
	GHashTable *prov_flows;  /* flow key -> 1: a client certificate was offered to AMT:16993 */
	GArray *pending;
	tls_facts facts;
	cert_host_memo *hosts;
} tls_rule;

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
	tls_rule *r = g_new0(tls_rule, 1);
	r->hosts = cert_host_memo_new(x509_run_cache(an->run));
	r->sni = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	r->prov_flows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	r->pending = g_array_new(FALSE, TRUE, sizeof(pending));
	g_array_set_clear_func(r->pending, pending_clear);
	tls_facts_init(&r->facts);
	return r;
}

static void rule_free(void *st)
{
	tls_rule *r = st;
	certcheck_free(r->cc);
	cert_host_memo_free(r->hosts);
	amt_hashes_free(r->hashes);
	g_hash_table_destroy(r->sni);
	g_hash_table_destroy(r->prov_flows);
	g_array_free(r->pending, TRUE);
	tls_facts_free(&r->facts);
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
		bool system_ca = !an->cfg->no_system_ca;
		r->cc = certcheck_new(an->cfg->ca_file, system_ca, &err);
		if (!r->cc) {
			config_problem(an, "tls.config.ca_file", err);
			g_free(err);
			r->cc = certcheck_new(NULL, system_ca, &err);
		}
		if (r->cc)
			certcheck_use_x509(r->cc, x509_run_cache(an->run));
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

static finding *raise_finding(analysis *an, const event *e, const char *id, severity sev, const char *label,
			      const char *key, bool *is_new)
{
	finding *x = finding_add(&an->fnd, id, sev, label, key, is_new);
	finding_event(x, e);
	analysis_keep(an, e, sev == SEV_ERROR);
	return x;
}

static pending *defer(tls_rule *r, const event *e, const char *id, severity sev, const char *label,
		      const char *key, char *summary, char *remedy)
{
	pending p = {flow_key(e), g_strdup(id), g_strdup(label), g_strdup(key), summary, remedy,
		     sev, e->input, e->frame_first, e->frame_last, e->ts, true, false, false, NULL};
	g_array_append_val(r->pending, p);
	return &g_array_index(r->pending, pending, r->pending->len - 1);
}

static int failed_cert(const chain_verdict *v);

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
		if (!p->drop_if_prov || !g_hash_table_contains(r->prov_flows, &p->flow)) {
			bool is_new;
			finding *x = finding_add(&an->fnd, p->rule, p->sev, p->device, p->key, &is_new);
			if (is_new) {
				finding_summary(x, "%s", p->summary ? p->summary : "");
				finding_remedy(x, "%s", p->remedy ? p->remedy : "");
			}
			finding_frame_at(x, p->input, p->frame_first, p->ts);
			if (p->sev == SEV_ERROR && p->v)  /* the chain view marks the certificate */
				analysis_mark_failed_item(an, p->input, p->frame_first, EV_TLS_CERTIFICATES,
							  failed_cert(p->v));
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

static void chain_rejected(tls_rule *r, analysis *an, const event *e, const ev_tls_alert *a);

static void on_alert(tls_rule *r, analysis *an, const event *e)
{
	const ev_tls_alert *a = e->data;
	if (!a || a->encrypted || a->level != 2)
		return;  /* encrypted ones cannot be judged; warnings are routine */
	if (a->description == 48 || a->description == 42)  /* unknown_ca, bad_certificate */
		chain_rejected(r, an, e, a);
	char src[AMT_ADDRSTRLEN];
	amt_addr_str(ev_src(e), src);
	const char *who = a->from_client ? "client" : "server";
	const char *name = a->description_name ? a->description_name : "unknown";
	device *srv = e->flow ? dev_by_ip(&an->dev, &e->flow->srv, true) : NULL;
	bool prov = !a->from_client && e->flow && e->flow->sport == AMT_PORT_HTTPS &&
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

/* The certificate the HTML chain view marks: the one a check stopped at. */
static int failed_cert(const chain_verdict *v)
{
	if (v->bad_index >= 0)
		return v->bad_index;
	return v->top_index >= 0 ? v->top_index : 0;
}

static bool is_rejectable_id(const char *id)
{
	return !strcmp(id, "tls.cert.root_unknown") || !strcmp(id, "tls.cert.issuer_unknown");
}

static void raise_judged(analysis *an, const event *e, const cert_finding *f, const char *label)
{
	bool is_new;
	finding *x = raise_finding(an, e, f->id, f->sev, label, f->key, &is_new);
	if (is_new) {
		finding_summary(x, "%s", f->summary);
		finding_remedy(x, "%s", f->remedy);
	}
}

/* The judge's findings on the chain (chainjudge.c decides; this says where
 * and when). A finding whose truth an alert right after could change waits
 * for the flow's end. */
static void judge_chain(tls_rule *r, analysis *an, const chain_ctx *k, const chain_judge_in *in,
			const char *prov_label)
{
	GArray *out = chain_judge(in);
	for (guint i = 0; i < out->len; i++) {
		cert_finding *f = &g_array_index(out, cert_finding, i);
		const char *label = prov_label && !strncmp(f->id, "prov.", 5) ? prov_label : k->device;
		if (f->cert >= 0) {  /* a date: true whoever the client turns out to be */
			raise_judged(an, k->e, f, label);
			analysis_keep_failed_item(an, k->e, f->cert);
			continue;
		}
		bool rejectable = is_rejectable_id(f->id);
		if (k->deferrable || rejectable) {
			pending *p = defer(r, k->e, f->id, f->sev, label, f->key, f->summary, f->remedy);
			p->drop_if_prov = k->deferrable;
			p->rejectable = rejectable;
			p->from_client = k->m->from_client;
			p->v = k->v;
			f->summary = f->remedy = NULL;
			continue;
		}
		raise_judged(an, k->e, f, label);
		/* a provisioning chain without its root is the setup service's to
		 * fix, and the device it provisions is where it shows: both carry it */
		if (prov_label && !strcmp(f->id, "prov.cert.root_not_sent") && strcmp(k->device, label))
			raise_judged(an, k->e, f, k->device);
		if (f->sev == SEV_ERROR)
			analysis_keep_failed_item(an, k->e, failed_cert(k->v));
	}
	chain_judge_free(out);
}

/* The peer refused the chain it was just sent: an unknown issuer is now
 * proof of an incomplete chain (one finding replaces the softer one). */
static void chain_rejected(tls_rule *r, analysis *an, const event *e, const ev_tls_alert *a)
{
	uint64_t fk = flow_key(e);
	for (guint i = 0; i < r->pending->len;) {
		pending *p = &g_array_index(r->pending, pending, i);
		if (p->flow != fk || !p->rejectable || p->from_client == a->from_client) {
			i++;
			continue;
		}
		char why[64];
		snprintf(why, sizeof(why), "alert %s (%u)", a->description_name ? a->description_name : "?",
			 a->description);
		chain_judge_in in = {.v = p->v, .rejected_by = why, .root_trusted = -1};
		GArray *out = chain_judge(&in);
		char *label = g_strdup(p->device);
		uint16_t input = p->input;
		uint32_t frame = p->frame_first;
		int64_t ts = p->ts;
		g_array_remove_index(r->pending, i);
		for (guint j = 0; j < out->len; j++) {
			cert_finding *f = &g_array_index(out, cert_finding, j);
			if (strcmp(f->id, "tls.cert.chain_incomplete") != 0)
				continue;
			bool is_new;
			finding *x = raise_finding(an, e, f->id, f->sev, label, f->key, &is_new);
			if (is_new) {
				finding_summary(x, "%s", f->summary);
				finding_remedy(x, "%s", f->remedy);
			}
			finding_frame_at(x, input, frame, ts);
			analysis_mark_failed_item(an, input, frame, EV_TLS_CERTIFICATES, failed_cert(in.v));
		}
		g_free(label);
		chain_judge_free(out);
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
		*matched = cert_der_matches_host(r->hosts, der, len, sni);
		return sni;
	}
	device *d = dev_by_ip(&an->dev, ev_src(e), false);
	const char *last = NULL;
	for (guint i = 0; d && i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind != FACT_FQDN || !f->source || strcmp(f->source, "dns") != 0)
			continue;
		last = f->value;
		if (cert_der_matches_host(r->hosts, der, len, f->value)) {
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

/* The chain's root hash of that algorithm (lower-case hex), NULL for another. */
static const char *root_hash_hex(const chain_verdict *v, unsigned alg)
{
	switch (alg) {
	case AMT_HASH_SHA1: return v->root_sha1;
	case AMT_HASH_SHA256: return v->root_sha256;
	case AMT_HASH_SHA384: return v->root_sha384;
	default: return NULL;
	}
}

/* Root hashes the AMT device announced in its hello, if any were seen. */
static bool announced_root(const device *amt, const chain_verdict *v, bool *any)
{
	*any = false;
	for (guint i = 0; amt && i < amt->facts->len; i++) {
		const fact *f = &g_array_index(amt->facts, fact, i);
		if (f->kind != FACT_ROOT_HASH)
			continue;
		*any = true;
		const char *mine = root_hash_hex(v, f->as.hash.alg);
		char hex[2 * AMT_HASH_MAX + 1];
		if (mine && *mine && !strcmp(amt_hash_hex(&f->as.hash, hex), mine))
			return true;
	}
	return false;
}

/* Remote configuration: the setup service's chain to AMT:16993. Records
 * roles and the domain, and asks whether AMT knows the root; returns the
 * AMT device's label, which the prov.* findings name. */
static const char *provisioning_setup(tls_rule *r, analysis *an, const chain_ctx *k, chain_judge_in *in)
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
	/* a client certificate to AMT's TLS port is remote configuration, right
	 * certificate or not: AMT's self-signed server certificate is by design */
	uint64_t fk = flow_key(k->e);
	g_hash_table_add(r->prov_flows, g_memdup2(&fk, sizeof(fk)));
	in->provisioning = true;
	in->leaf = leaf;
	in->root_trusted = -1;
	if (k->v->complete && *k->v->root_sha256) {
		bool any;
		bool trusted = announced_root(amt, k->v, &any);
		in->hashes_source = "the hashes the device announced in its hello";
		if (!any) {
			trusted = amt_hashes_find(default_hashes(r, an), k->v->root_sha1, k->v->root_sha256) != NULL;
			in->hashes_source = an->cfg->amt_hashes_file ? "AMT's default root hashes or --amt-hashes"
								     : "AMT's default root hashes";
		}
		in->root_trusted = trusted;
	}
	return dev_label(amt);
}

static void on_certificates(tls_rule *r, analysis *an, const event *e)
{
	const ev_tls_certificates *m = e->data;
	if (!m || m->ncerts == 0)
		return;
	/* a certificate cut short (its DER announces more than was sent) is not
	 * judged: the dissector's note and capture.truncated say why. One whose
	 * bytes were all there and do not parse is judged: reported as that. */
	for (uint32_t i = 0; i < m->ncerts; i++)
		if (m->certs[i].der_cut)
			return;
	bool leaf_parsed = m->certs[0].x.decoded;
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
	if (!leaf_parsed) {  /* nothing of the leaf to learn from: only the judge's word on it */
		k.device = dev_label(dev_resolve(sender));
		k.deferrable = !m->from_client && e->flow && e->flow->sport == AMT_PORT_HTTPS;
		judge_chain(r, an, &k, &(chain_judge_in){.v = k.v, .root_trusted = -1}, NULL);
		return;
	}
	tls_facts_certs(&r->facts, an, sender, e, m, "tls.cert");
	if (!m->from_client && e->flow && amt_tls_port(e->flow->sport))
		sender = tls_facts_server_name(an, dev_resolve(sender), e, m);
	k.device = dev_label(dev_resolve(sender));
	/* AMT's own certificate (self-signed, or from its On-Die CA) is judged
	 * only when the flow turns out not to be remote configuration */
	k.deferrable = !m->from_client && e->flow && e->flow->sport == AMT_PORT_HTTPS;
	chain_judge_in in = {.v = k.v, .root_trusted = -1, .dates = true, .at_us = e->ts};
	const char *prov_label = NULL;
	if (m->from_client && e->flow && e->flow->sport == AMT_PORT_HTTPS)
		prov_label = provisioning_setup(r, an, &k, &in);
	judge_chain(r, an, &k, &in, prov_label);
	if (!m->from_client)
		check_server(r, an, &k);
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
