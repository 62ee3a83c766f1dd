/* Device facts from TLS certificates (see tls_facts.h). */
#include "tls_facts.h"

#include <string.h>

#include "../decoder/numtext.h"
#include "../dissectors/x509.h"

#define CERT_SEEN_MAX 65536
#define CERT_TEXT_MAX 4096   /* distinct certificates whose fact text is kept */

void tls_facts_init(tls_facts *r)
{
	r->cert_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->cert_text = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void tls_facts_free(tls_facts *r)
{
	g_hash_table_destroy(r->cert_seen);
	g_hash_table_destroy(r->cert_text);
}

/* The same chain comes in every handshake with a device: each certificate
 * becomes a fact of the device once (the fact text costs more than the rest
 * of the rule). */
static bool cert_recorded(tls_facts *r, const device *d, const x509_info *x)
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
static const char *cert_fact_text(tls_facts *r, const x509_info *x, bool *owned)
{
	const char *kept = g_hash_table_lookup(r->cert_text, x->sha256);
	*owned = false;
	if (kept)
		return kept;
	char nb[32], na[32];
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "%s; issuer %s; valid %s to %s", x->subject, x->issuer,
			       x509_time_text(x->not_before, nb, sizeof(nb)), x509_time_text(x->not_after, na, sizeof(na)));
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

void tls_facts_certs(tls_facts *r, analysis *an, device *d, const event *e, const ev_tls_certificates *m,
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

/* A host name fit to be a device's FQDN: letters, digits, hyphens, at
 * least two labels, no wildcard. */
static bool fqdn_like(const char *s)
{
	if (!s || !strchr(s, '.') || *s == '.' || strlen(s) > 253)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
			return false;
	return s[strlen(s) - 1] != '.';
}

/* The name AMT's own server certificate gives the device (SAN dNSName, else
 * CN) feeds the FQDN checks like DHCP's and WS-Man's names. Only a
 * certificate that names one host: a list of names could be anyone's. */
device *tls_facts_server_name(analysis *an, device *d, const event *e, const ev_tls_certificates *m)
{
	const x509_info *x = &m->certs[0].x;
	const char *name = NULL;
	uint32_t dns = 0;
	for (uint32_t i = 0; i < x->nsans; i++)
		if (!strncmp(x->sans[i], "DNS:", 4)) {
			dns++;
			name = x->sans[i] + 4;
		}
	if (dns > 1)
		return d;
	if (!dns)
		name = x->subject_cn;
	if (!fqdn_like(name))
		return d;
	char *lower = g_ascii_strdown(name, -1);
	d = dev_fact(&an->dev, d, FACT_FQDN, lower, "tls.cert", ev_evidence(e), e->ts);
	g_free(lower);
	return d;
}

