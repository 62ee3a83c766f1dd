/* The dns.* and dhcp.* findings, drawn at the end of the analysis from
 * what rule_infra.c gathered and from the device table. */
#include <stdio.h>
#include <string.h>

#include "infra.h"

bool infra_is_provisionserver(const char *qname)
{
	static const char label[] = "provisionserver";
	size_t n = sizeof(label) - 1;
	return qname && !g_ascii_strncasecmp(qname, label, n) && (qname[n] == 0 || qname[n] == '.');
}

const char *infra_zone_of(const char *fqdn)
{
	const char *dot = fqdn ? strchr(fqdn, '.') : NULL;
	return dot && dot[1] ? dot + 1 : NULL;
}

static void add_evs(finding *x, const GArray *evs)
{
	for (guint i = 0; i < evs->len; i++) {
		const evidence *ev = &g_array_index(evs, evidence, i);
		finding_evidence(x, *ev);
	}
}

static void add_fact_ev(finding *x, evidence ev)
{
	finding_evidence(x, ev);
}

static char *join(const GPtrArray *a, const char *sep)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? sep : "", (const char *)a->pdata[i]);
	return g_string_free(s, FALSE);
}

static char *addr_list(const GArray *a)
{
	GString *s = g_string_new(NULL);
	char buf[AMT_ADDRSTRLEN];
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", amt_addr_str(&g_array_index(a, amt_addr, i), buf));
	return g_string_free(s, FALSE);
}

/* The zone ProvisionServer belongs in for this client: the suffix it
 * asked with, else the domain DHCP gave the device. */
static const char *provision_zone(const ps_lookup *l, device *client)
{
	for (guint i = 0; i < l->failed_names->len; i++) {
		const char *z = infra_zone_of(l->failed_names->pdata[i]);
		if (z)
			return z;
	}
	const fact *dom = client ? dev_first(client, FACT_DOMAIN) : NULL;
	return dom ? dom->value : NULL;
}

static void check_missing(ps_lookup *l, analysis *an)
{
	device *dev = dev_by_ip(&an->dev, &l->client, true);
	const char *zone = provision_zone(l, dev);
	finding *x = finding_add(&an->fnd, "dns.provisionserver.missing", SEV_ERROR, dev_label(dev), NULL, NULL);
	char *names = join(l->failed_names, ", "), *reasons = join(l->reasons, ", ");
	char *servers = join(l->servers, ", ");
	finding_summary(x, "%s cannot resolve its setup server: the lookup of %s failed (%s%s%s), so "
			"remote configuration cannot find the provisioning server",
			dev_label(dev), names, reasons, l->servers->len ? "; DNS servers asked: " : "", servers);
	if (zone)
		finding_remedy(x, "Add an A record (or a CNAME) for ProvisionServer in the DNS zone %s that points "
				  "at the host running the setup service (Intel SCS/RCS, TCP 9971), then check with "
				  "'dig provisionserver.%s'; alternatively enter the setup server's FQDN or IP in MEBx",
			       zone, zone);
	else
		finding_remedy(x, "Add an A record (or a CNAME) for ProvisionServer in the DNS zone of the device's "
				  "domain (the DHCP option 15 it gets; the query carried no suffix) pointing at the "
				  "host running the setup service (Intel SCS/RCS, TCP 9971), and hand that domain out "
				  "with DHCP option 15; alternatively enter the setup server's FQDN or IP in MEBx");
	add_evs(x, l->failed_ev);
	g_free(names);
	g_free(reasons);
	g_free(servers);
}

static bool is_setup_service_addr(infra_state *st, analysis *an, const amt_addr *a)
{
	char buf[AMT_ADDRSTRLEN];
	if (g_hash_table_contains(st->hello_dst, amt_addr_str(a, buf)))
		return true;
	device *d = dev_by_ip(&an->dev, a, false);
	return d && (d->roles & ROLE_SETUP_SERVICE);
}

/* Where the setup service really is: hello destinations, then devices with the role. */
static GPtrArray *setup_service_addrs(infra_state *st, analysis *an, GArray *evs)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, st->hello_dst);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_ptr_array_add(out, g_strdup(k));
		g_array_append_val(evs, *(evidence *)v);
	}
	GPtrArray *devs = devtab_list(&an->dev);
	for (guint i = 0; i < devs->len; i++) {
		device *d = devs->pdata[i];
		const fact *ip = dev_first(d, FACT_IP);
		if (!(d->roles & ROLE_SETUP_SERVICE) || !ip)
			continue;
		bool have = false;
		for (guint j = 0; j < out->len && !have; j++)
			have = !strcmp(out->pdata[j], ip->value);
		if (!have)
			g_ptr_array_add(out, g_strdup(ip->value));
	}
	g_ptr_array_free(devs, TRUE);
	g_ptr_array_sort(out, (GCompareFunc)g_strcmp0);
	return out;
}

static void check_wrong_host(infra_state *st, ps_lookup *l, analysis *an)
{
	device *dev = dev_by_ip(&an->dev, &l->client, true);
	const char *name = l->answered_names->pdata[0];
	const char *zone = infra_zone_of(name);
	char buf[AMT_ADDRSTRLEN];
	bool any_at_setup = false;
	for (guint i = 0; i < l->addrs->len; i++)
		any_at_setup |= is_setup_service_addr(st, an, &g_array_index(l->addrs, amt_addr, i));
	for (guint i = 0; i < l->addrs->len; i++) {
		const amt_addr *a = &g_array_index(l->addrs, amt_addr, i);
		svc_probe *s = g_hash_table_lookup(st->svc, amt_addr_str(a, buf));
		if (!s || s->answered || !s->failed_ev->len || (!s->refused && analysis_one_direction(an)))
			continue;
		finding *x = finding_add(&an->fnd, "dns.provisionserver.wrong_host", SEV_ERROR, dev_label(dev), buf, NULL);
		finding_summary(x, "%s resolves to %s, but the setup service port there (TCP %d) %s: "
				"no setup service is listening at the address DNS gives",
				name, buf, SETUP_SERVICE_PORT, s->how);
		finding_remedy(x, "Point the ProvisionServer record%s%s at the host that runs the setup service "
				  "(Intel SCS/RCS), or start the service on %s and allow TCP %d through its firewall",
			       zone ? " in zone " : "", zone ? zone : "", buf, SETUP_SERVICE_PORT);
		add_evs(x, l->answer_ev);
		add_evs(x, s->failed_ev);
	}
	if (any_at_setup)
		return;
	GArray *evs = g_array_new(FALSE, TRUE, sizeof(evidence));
	GPtrArray *real = setup_service_addrs(st, an, evs);
	if (real->len) {
		char *got = addr_list(l->addrs), *want = join(real, ", ");
		finding *x = finding_add(&an->fnd, "dns.provisionserver.wrong_host", SEV_ERROR, dev_label(dev),
					 "elsewhere", NULL);
		finding_summary(x, "%s resolves to %s, but the setup service that receives the hello packets "
				"is at %s", name, got, want);
		finding_remedy(x, "Change the ProvisionServer record%s%s to point at %s (the host running the setup "
				  "service), or move the setup service to %s",
			       zone ? " in zone " : "", zone ? zone : "", want, got);
		add_evs(x, l->answer_ev);
		add_evs(x, evs);
		g_free(got);
		g_free(want);
	}
	g_ptr_array_free(real, TRUE);
	g_array_free(evs, TRUE);
}

void infra_check_provisionserver(infra_state *st, analysis *an)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(st->ps), (GCompareFunc)g_strcmp0);
	for (GList *k = keys; k; k = k->next) {
		ps_lookup *l = g_hash_table_lookup(st->ps, k->data);
		/* one direction only: silence may be the answer the capture lacks */
		if (!l->addrs->len && l->failed_names->len && (l->failure_answered || !analysis_one_direction(an)))
			check_missing(l, an);
		else if (l->addrs->len)
			check_wrong_host(st, l, an);
	}
	g_list_free(keys);
}

static bool from_dns(const fact *f)
{
	return !strncmp(f->source, "dns", 3);
}

/* Where a name came from, in words. */
static const char *source_text(const char *src)
{
	static const struct { const char *src, *text; } map[] = {
		{"dhcp.81", "its DHCP client FQDN, option 81"},
		{"dhcp.12+15", "its DHCP host name and domain, options 12 and 15"},
		{"dhcp.12", "its DHCP host name, option 12"},
		{"dns", "a DNS answer"},
		{"dns.ptr", "a PTR record"},
		{"hello", "its hello packets"},
		{"tls.cert", "its TLS certificate"},
		{"wsman", "its AMT settings read over WS-Man"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].src, src))
			return map[i].text;
	return src;
}

/* Two pieces of evidence, earliest first. */
static void add_pair(finding *x, evidence a, evidence b)
{
	bool swap = a.input > b.input || (a.input == b.input && (a.frame > b.frame || a.line > b.line));
	evidence first = swap ? b : a, second = swap ? a : b;
	finding_evidence(x, first);
	finding_evidence(x, second);
}

/* The other name(s) of the device DNS sends people to, for the summary. */
static const char *who_is(analysis *an, const amt_addr *a, const char *not_this)
{
	device *d = dev_by_ip(&an->dev, a, false);
	if (!d)
		return NULL;
	static const fact_kind pref[] = {FACT_FQDN, FACT_HOSTNAME, FACT_MAC};
	/* what the device says first, then what DNS calls it */
	for (int dns = 0; dns < 2; dns++)
		for (size_t k = 0; k < sizeof(pref) / sizeof(pref[0]); k++)
			for (guint i = 0; i < d->facts->len; i++) {
				const fact *f = &g_array_index(d->facts, fact, i);
				if (f->kind == pref[k] && from_dns(f) == (dns == 1) &&
				    g_ascii_strcasecmp(f->value, not_this))
					return f->value;
			}
	return NULL;
}

static void fqdn_mismatch(analysis *an, device *d, const fact *claim, const name_answer *n)
{
	GString *mine = g_string_new(NULL);
	bool comparable = false;
	for (guint i = 0; i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind != FACT_IP || !f->as.addr.family)
			continue;
		const amt_addr ip = f->as.addr;
		for (guint j = 0; j < n->addrs->len; j++) {
			const amt_addr *r = &g_array_index(n->addrs, amt_addr, j);
			if (r->family == ip.family)
				comparable = true;
			if (amt_addr_eq(r, &ip))
				goto out;  /* one matching address is enough */
		}
		g_string_append_printf(mine, "%s%s", mine->len ? ", " : "", f->value);
	}
	if (!comparable)
		goto out;
	char *got = addr_list(n->addrs);
	const amt_addr *first = &g_array_index(n->addrs, amt_addr, 0);
	const char *other = who_is(an, first, claim->value);
	const char *zone = infra_zone_of(claim->value);
	finding *x = finding_add(&an->fnd, "dns.fqdn.mismatch", SEV_ERROR, dev_label(d), claim->value, NULL);
	finding_summary(x, "DNS resolves %s to %s%s%s%s, but the device with that name (from %s) is at %s: "
			"connections by name (setup service, consoles, TLS) go to the wrong host",
			claim->value, got, other ? " (which is " : "", other ? other : "", other ? ")" : "",
			source_text(claim->source), mine->str);
	gchar *label = g_strdup(claim->value);
	char *dot = strchr(label, '.');
	if (dot)
		*dot = 0;
	finding_remedy(x, "Fix the A record of %s in the DNS zone %s to %s (remove the stale record; if DHCP "
			  "registers names, check that it may update the record) and its PTR record; then flush "
			  "the resolver caches of the setup server and consoles",
		       label, zone ? zone : "of the device", mine->str);
	g_free(label);
	add_pair(x, n->ev, claim->ev);
	g_free(got);
out:
	g_string_free(mine, TRUE);
}

/* The seeds' "FQDN-to-IP resolution of the clients was at fault" in its
 * plainest form: the device's name does not resolve at all. */
static void fqdn_unresolved(analysis *an, device *d, const fact *claim, const name_failure *nf)
{
	GString *mine = g_string_new(NULL);
	for (guint i = 0; i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind == FACT_IP)
			g_string_append_printf(mine, "%s%s", mine->len ? ", " : "", f->value);
	}
	char *reasons = join(nf->reasons, ", ");
	const char *zone = infra_zone_of(claim->value);
	gchar *label = g_strdup(claim->value);
	char *dot = strchr(label, '.');
	if (dot)
		*dot = 0;
	finding *x = finding_add(&an->fnd, "dns.fqdn.mismatch", SEV_ERROR, dev_label(d), claim->value, NULL);
	finding_summary(x, "%s does not resolve (%s), but it is the name of the device at %s (from %s): "
			"the setup service and consoles cannot reach the device by name",
			claim->value, reasons, mine->str, source_text(claim->source));
	finding_remedy(x, "Add an A record for %s in the DNS zone %s pointing at %s (or let the DHCP server "
			  "register the names of its clients with dynamic DNS updates)",
		       label, zone ? zone : "of the device", mine->str);
	add_fact_ev(x, claim->ev);
	add_evs(x, nf->ev);
	g_free(label);
	g_free(reasons);
	g_string_free(mine, TRUE);
}

void infra_check_fqdn(infra_state *st, analysis *an)
{
	GPtrArray *devs = devtab_list(&an->dev);
	for (guint i = 0; i < devs->len; i++) {
		device *d = devs->pdata[i];
		if (!dev_first(d, FACT_IP))
			continue;
		for (guint j = 0; j < d->facts->len; j++) {
			const fact *f = &g_array_index(d->facts, fact, j);
			if (f->kind != FACT_FQDN || from_dns(f))
				continue;
			char *key = g_ascii_strdown(f->value, -1);
			const name_answer *n = g_hash_table_lookup(st->names, key);
			const name_failure *nf = g_hash_table_lookup(st->failed, key);
			g_free(key);
			if (n && n->addrs->len)
				fqdn_mismatch(an, d, f, n);
			else if (nf && (nf->answered || !analysis_one_direction(an)))
				fqdn_unresolved(an, d, f, nf);
		}
	}
	g_ptr_array_free(devs, TRUE);
}

void infra_check_reverse(infra_state *st, analysis *an)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(st->ptrs), (GCompareFunc)g_strcmp0);
	for (GList *k = keys; k; k = k->next) {
		GPtrArray *names = g_hash_table_lookup(st->ptrs, k->data);
		const ptr_seen *seen = g_hash_table_lookup(st->ptr_ev, k->data);
		device *d = seen ? dev_by_ip(&an->dev, &seen->ip, false) : NULL;
		if (!d)
			continue;
		/* what the device says it is; DNS forward names only when nothing else does */
		const fact *claim = NULL;
		bool matched = false;
		for (int pass = 0; pass < 2 && !claim && !matched; pass++) {
			for (guint i = 0; i < d->facts->len; i++) {
				const fact *f = &g_array_index(d->facts, fact, i);
				if (f->kind != FACT_FQDN || !strcmp(f->source, "dns.ptr") ||
				    (pass == 0) == from_dns(f))
					continue;
				for (guint j = 0; j < names->len && !matched; j++)
					matched = !g_ascii_strcasecmp(names->pdata[j], f->value);
				if (!claim)
					claim = f;
			}
		}
		if (!claim || matched)
			continue;
		char *ptr = join(names, ", ");
		const amt_addr ip = seen->ip;
		finding *x = finding_add(&an->fnd, "dns.reverse.mismatch", SEV_WARNING, dev_label(d), k->data, NULL);
		finding_summary(x, "The PTR record of %s names %s, but the device at that address is %s (from %s): "
				"reverse lookups (logs, Kerberos, certificate checks) give the wrong name",
				(const char *)k->data, ptr, claim->value, source_text(claim->source));
		if (ip.family == 4)
			finding_remedy(x, "Change the PTR record %u.%u.%u.%u.in-addr.arpa in the reverse zone "
					  "%u.%u.%u.in-addr.arpa to %s. (or remove the stale one)",
				       ip.b[3], ip.b[2], ip.b[1], ip.b[0], ip.b[2], ip.b[1], ip.b[0], claim->value);
		else
			finding_remedy(x, "Change the PTR record of %s in its ip6.arpa reverse zone to %s.",
				       (const char *)k->data, claim->value);
		add_pair(x, seen->ev, claim->ev);
		g_free(ptr);
	}
	g_list_free(keys);
}

/* AMT accepts a provisioning certificate whose domain equals the DNS
 * suffix it got (option 15), or lies below it. */
static bool domain_matches(const char *dhcp_domain, const char *cert_domain)
{
	size_t a = strlen(dhcp_domain), b = strlen(cert_domain);
	if (!g_ascii_strcasecmp(dhcp_domain, cert_domain))
		return true;
	return b > a && cert_domain[b - a - 1] == '.' && !g_ascii_strcasecmp(cert_domain + b - a, dhcp_domain);
}

void infra_check_dhcp_domain(infra_state *st, analysis *an)
{
	(void)st;
	GPtrArray *devs = devtab_list(&an->dev);
	for (guint i = 0; i < devs->len; i++) {
		device *d = devs->pdata[i];
		for (guint j = 0; j < d->facts->len; j++) {
			const fact *dom = &g_array_index(d->facts, fact, j);
			if (dom->kind != FACT_DOMAIN || strcmp(dom->source, "dhcp.15"))
				continue;
			const fact *cert = NULL;
			bool ok = false;
			for (guint k = 0; k < d->facts->len && !ok; k++) {
				const fact *f = &g_array_index(d->facts, fact, k);
				if (f->kind != FACT_PROV_DOMAIN)
					continue;
				ok = domain_matches(dom->value, f->value);
				if (!cert)
					cert = f;
			}
			if (!cert || ok)
				continue;
			finding *x = finding_add(&an->fnd, "dhcp.domain.mismatch", SEV_ERROR, dev_label(d), dom->value, NULL);
			finding_summary(x, "DHCP gives %s the domain %s (option 15), but the provisioning certificate "
					"offered to it is for %s: AMT only accepts a certificate whose domain suffix "
					"matches its DNS suffix, so remote configuration fails",
					dev_label(d), dom->value, cert->value);
			finding_remedy(x, "Set DHCP option 15 (domain name) for this device's scope to %s, or set the "
					  "PKI DNS suffix in MEBx to %s, or use a provisioning certificate issued for "
					  "a name in %s",
				       cert->value, cert->value, dom->value);
			add_pair(x, dom->ev, cert->ev);
		}
	}
	g_ptr_array_free(devs, TRUE);
}

/* Section 8 of the provisioning notes: an AMT device whose lease carries no
 * option 15 has no DNS suffix for PKI remote configuration (unless one is
 * set in MEBx, which the wire cannot show). */
void infra_check_dhcp_domain_missing(infra_state *st, analysis *an)
{
	(void)st;
	GPtrArray *devs = devtab_list(&an->dev);
	for (guint i = 0; i < devs->len; i++) {
		device *d = devs->pdata[i];
		if (!(d->roles & ROLE_AMT) || dev_first(d, FACT_DOMAIN))
			continue;
		const fact *leased = NULL;
		for (guint j = 0; j < d->facts->len && !leased; j++) {
			const fact *f = &g_array_index(d->facts, fact, j);
			if (f->kind == FACT_IP && !strcmp(f->source, "dhcp"))
				leased = f;
		}
		if (!leased)
			continue;
		finding *x = finding_add(&an->fnd, "dhcp.domain.missing", SEV_WARNING, dev_label(d), NULL, NULL);
		finding_summary(x, "The DHCP lease of AMT device %s carries no domain name (option 15): without a "
				"DNS suffix AMT cannot look up provisionserver.<domain> nor match a provisioning "
				"certificate, unless a PKI DNS suffix is set in MEBx",
				leased->value);
		finding_remedy(x, "Hand out option 15 (domain name) in this device's DHCP scope, or set the PKI DNS "
				  "suffix in MEBx (Remote Setup and Configuration)");
		add_fact_ev(x, leased->ev);
	}
	g_ptr_array_free(devs, TRUE);
}
