/* The verdicts of `amtscope check` on what the probes found: dns.*
 * findings with the ids and remedies of the infra rule, the device TLS
 * certificates through the tls rule, and info findings that say what was
 * checked and what could not be. */
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../decoder/events/tls.h"
#include "../dissectors/x509.h"
#include "check.h"


static char *resolver_name(const check_opts *o, bool direct)
{
	return direct ? g_strdup_printf("DNS server %s", o->dns_server) : g_strdup("the system resolver");
}

static char *join(GPtrArray *a, const char *sep)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? sep : "", (const char *)a->pdata[i]);
	return g_string_free(s, FALSE);
}

static bool contains(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (!g_ascii_strcasecmp(a->pdata[i], s))
			return true;
	return false;
}

/* The resolver whose answer the devices get: the server named with --dns,
 * else the system resolver (the only one asked). */
static bool decisive(const check_opts *o, const lookup *l)
{
	return o->dns_server ? l->direct : true;
}

static bool definitive_miss(const lookup *l)
{
	return l->r.status == DNSQ_NXDOMAIN || l->r.status == DNSQ_NODATA;
}

/* "CNAME a -> b, 10.0.0.5" or the failure. */
static char *describe(const lookup *l)
{
	GString *s = g_string_new(NULL);
	if (l->r.cnames->len) {
		char *c = join(l->r.cnames, " -> ");
		g_string_append_printf(s, "CNAME %s, ", c);
		g_free(c);
	}
	if (l->r.status == DNSQ_OK) {
		char *a = join(l->r.addrs->len ? l->r.addrs : l->r.ptrs, ", ");
		g_string_append(s, a);
		g_free(a);
	} else {
		g_string_append(s, l->r.error ? l->r.error : dnsq_status_text(l->r.status));
	}
	return g_string_free(s, FALSE);
}

static void info_lookup(const check_opts *o, analysis *an, const lookup *l, const char *label, bool reverse)
{
	char *who = resolver_name(o, l->direct), *what = describe(l);
	char *key = g_strdup_printf("%s|%s|%d", l->name, who, reverse);
	bool is_new;
	finding *x = finding_add(&an->fnd, "check.dns.lookup", SEV_INFO, label, key, &is_new);
	if (is_new)
		finding_summary(x, "%s %s asked of %s: %s.", reverse ? "PTR of" : "Lookup of", l->name, who, what);
	g_free(who);
	g_free(what);
	g_free(key);
}

/* No usable answer: when it is the devices' resolver, the name could not be
 * checked at all, which fails the default gate (an error). */
static void no_answer(const check_opts *o, analysis *an, const lookup *l, const char *label)
{
	char *who = resolver_name(o, l->direct);
	char *key = g_strdup_printf("%s|%s", l->name, who);
	bool blind = decisive(o, l);
	finding *x = finding_add(&an->fnd, "check.dns.no_answer", blind ? SEV_ERROR : SEV_WARNING, label, key, NULL);
	finding_summary(x, "%s gave no usable answer for %s: %s; %s.", who, l->name,
			l->r.error ? l->r.error : dnsq_status_text(l->r.status),
			blind ? "what the devices get for this name could not be checked at all"
			      : "this name could not be checked there");
	finding_remedy(x, "Check that %s is running and reachable on UDP/TCP 53 and answers for this zone "
		       "(dig @SERVER %s), or raise --timeout.", l->direct ? o->dns_server : "the DNS server in "
		       "/etc/resolv.conf", l->name);
	g_free(who);
	g_free(key);
}

/* The system resolver of the host running check disagrees with the DNS
 * server the devices use (--dns): a view of its own, not the devices'. */
static void split_view(const check_opts *o, analysis *an, const char *label, const lookup *dev_side,
		       const lookup *sys)
{
	char *a = describe(dev_side), *b = describe(sys);
	finding *x = finding_add(&an->fnd, "dns.split_view", SEV_WARNING, label, sys->name, NULL);
	finding_summary(x, "The system resolver of this host answers %s with %s, but the DNS server the devices "
			"use (%s) answers %s: verdicts follow the devices' server; tools on this host (and "
			"consoles using the same resolver) see another answer.", sys->name, b, o->dns_server, a);
	finding_remedy(x, "If the consoles or the setup service use this resolver, make it agree with %s for %s "
		       "(forwarding, a stale local zone or cache); if the split is intended, nothing to do.",
		       o->dns_server, sys->name);
	g_free(a);
	g_free(b);
}

static const port_probe *port_at(GPtrArray *ports, const char *addr, uint16_t port, bool udp)
{
	for (guint i = 0; i < ports->len; i++) {
		const port_probe *p = ports->pdata[i];
		if (p->port == port && p->udp == udp && !strcmp(p->addr, addr))
			return p;
	}
	return NULL;
}

static void setup_service_roles(const check_state *st, analysis *an)
{
	for (guint i = 0; i < st->scs.ports->len; i++) {
		const port_probe *p = st->scs.ports->pdata[i];
		device *d = dev_by_ip_str(&an->dev, p->addr, true);
		if (d && p->st == PORT_OPEN) {
			dev_role(d, ROLE_SETUP_SERVICE);
			char *v = g_strdup_printf("%u", p->port);
			dev_fact(&an->dev, d, FACT_TLS, v, "check", (evidence){0}, st->o->now_us);
			g_free(v);
		}
	}
}

static void missing(const check_opts *o, analysis *an, const char *name, GPtrArray *failed_by, GPtrArray *why)
{
	char *who = join(failed_by, " and "), *reasons = join(why, "; ");
	finding *x = finding_add(&an->fnd, "dns.provisionserver.missing", SEV_ERROR, NULL, name, NULL);
	finding_summary(x, "%s does not resolve (asked of %s: %s): devices using DNS suffix %s cannot find their "
			"setup service, so remote configuration cannot start.", name, who, reasons, o->domain);
	finding_remedy(x, "Add an A record (or a CNAME) for ProvisionServer in the DNS zone %s that points at the "
		       "host running the setup service (Intel SCS/RCS, TCP %d), then check with 'dig "
		       "provisionserver.%s'; alternatively enter the setup server's FQDN or IP in MEBx.",
		       o->domain, CHECK_SCS_PORT, o->domain);
	g_free(who);
	g_free(reasons);
}

static void judge_setup_service(check_state *st, analysis *an)
{
	const check_opts *o = st->o;
	scs_probe *s = &st->scs;
	char *fq = g_strdup_printf("ProvisionServer.%s", o->domain);
	GPtrArray *leads = g_ptr_array_new(), *bare_leads = g_ptr_array_new();
	GPtrArray *failed_by = g_ptr_array_new_with_free_func(g_free), *why = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < s->lookups->len; i++) {
		lookup *l = s->lookups->pdata[i];
		bool full = !g_ascii_strcasecmp(l->name, fq);
		info_lookup(o, an, l, NULL, false);
		for (guint k = 0; k < l->r.addrs->len; k++)
			if (!contains(full ? leads : bare_leads, l->r.addrs->pdata[k]))
				g_ptr_array_add(full ? leads : bare_leads, l->r.addrs->pdata[k]);
		if (!full)
			continue;  /* the bare name depends on each device's search list: reported, not judged */
		if (definitive_miss(l) && decisive(o, l)) {
			g_ptr_array_add(failed_by, resolver_name(o, l->direct));
			g_ptr_array_add(why, g_strdup(l->r.error ? l->r.error : dnsq_status_text(l->r.status)));
		} else if (l->r.status != DNSQ_OK && !definitive_miss(l)) {
			no_answer(o, an, l, NULL);
		}
	}
	/* with --dns, a system resolver that disagrees is a view of its own */
	const lookup *dev_side = NULL, *sys_side = NULL;
	for (guint i = 0; o->dns_server && i < s->lookups->len; i++) {
		lookup *l = s->lookups->pdata[i];
		if (g_ascii_strcasecmp(l->name, fq) != 0)
			continue;
		if (l->direct)
			dev_side = l;
		else
			sys_side = l;
	}
	if (dev_side && sys_side && (dev_side->r.status == DNSQ_OK) != (sys_side->r.status == DNSQ_OK) &&
	    (definitive_miss(dev_side) || dev_side->r.status == DNSQ_OK) &&
	    (definitive_miss(sys_side) || sys_side->r.status == DNSQ_OK))
		split_view(o, an, NULL, dev_side, sys_side);
	if (failed_by->len)
		missing(o, an, fq, failed_by, why);
	if (!leads->len)
		g_ptr_array_extend(leads, bare_leads, NULL, NULL);
	setup_service_roles(st, an);
	if (s->scs_lookup) {
		info_lookup(o, an, s->scs_lookup, NULL, false);
		if (s->scs_lookup->r.status != DNSQ_OK) {
			finding *x = finding_add(&an->fnd, "check.scs.unresolved", SEV_WARNING, NULL, NULL, NULL);
			finding_summary(x, "The setup service host given with --scs, %s, does not resolve (%s): "
					"ProvisionServer could not be compared with it.", o->scs_host,
					s->scs_lookup->r.error ? s->scs_lookup->r.error : "no address");
			finding_remedy(x, "Give --scs as the setup service's IP address or a name that resolves.");
		}
	}
	bool scs_given = s->scs_addrs->len > 0;
	bool any_common = false;
	for (guint i = 0; i < leads->len; i++)
		any_common |= contains(s->scs_addrs, leads->pdata[i]);
	if (scs_given && leads->len && !any_common) {
		char *got = join(leads, ", "), *want = join(s->scs_addrs, ", ");
		finding *x = finding_add(&an->fnd, "dns.provisionserver.wrong_host", SEV_ERROR, NULL, "elsewhere", NULL);
		const port_probe *p = port_at(s->ports, leads->pdata[0], o->scs_port, false);
		finding_summary(x, "%s resolves to %s, but the setup service (--scs %s) is at %s; TCP %u at %s: %s.",
				fq, got, o->scs_host, want, o->scs_port, (char *)leads->pdata[0],
				p ? p->detail : "not probed");
		finding_remedy(x, "Point the ProvisionServer record in zone %s at %s (the host running the setup "
			       "service), or move the setup service to %s.", o->domain, want, got);
		g_free(got);
		g_free(want);
	} else {
		/* where DNS leads is where devices will send their hello */
		for (guint i = 0; i < leads->len; i++) {
			const char *a = leads->pdata[i];
			const port_probe *p = port_at(s->ports, a, o->scs_port, false);
			if (!p || p->st == PORT_OPEN)
				continue;
			finding *x = finding_add(&an->fnd, "dns.provisionserver.wrong_host", SEV_ERROR, NULL, a, NULL);
			finding_summary(x, "%s resolves to %s, but the setup service port there (TCP %u) gives: %s; "
					"no setup service is listening at the address DNS gives.", fq, a, o->scs_port,
					p->detail);
			finding_remedy(x, "Point the ProvisionServer record in zone %s at the host that runs the setup "
				       "service (Intel SCS/RCS), or start the service on %s and allow TCP %u through "
				       "its firewall.", o->domain, a, o->scs_port);
		}
	}
	/* the setup service given with --scs must answer even when DNS leads elsewhere */
	bool scs_up = false;
	for (guint i = 0; i < s->scs_addrs->len; i++) {
		const port_probe *p = port_at(s->ports, s->scs_addrs->pdata[i], o->scs_port, false);
		scs_up |= p && p->st == PORT_OPEN;
	}
	if (scs_given && !scs_up && (!leads->len || !any_common)) {
		const port_probe *p = port_at(s->ports, s->scs_addrs->pdata[0], o->scs_port, false);
		finding *x = finding_add(&an->fnd, "check.scs.unreachable", SEV_ERROR, NULL, NULL, NULL);
		finding_summary(x, "The setup service given with --scs %s does not answer on TCP %u at %s: %s.",
				o->scs_host, o->scs_port, (char *)s->scs_addrs->pdata[0], p ? p->detail : "not probed");
		finding_remedy(x, "Start the setup service (Intel SCS/RCS) on that host and allow TCP %u through "
			       "its firewall, or give the right --scs HOST[:PORT].", o->scs_port);
	}
	if (s->ports->len) {
		GString *t = g_string_new(NULL);
		for (guint i = 0; i < s->ports->len; i++) {
			const port_probe *p = s->ports->pdata[i];
			g_string_append_printf(t, "%s%s %s", i ? "; " : "", p->addr, port_state_text(p->st));
		}
		finding *x = finding_add(&an->fnd, "check.scs.port", SEV_INFO, NULL, NULL, NULL);
		finding_summary(x, "Setup service port TCP %u: %s.", o->scs_port, t->str);
		g_string_free(t, TRUE);
	}
	g_ptr_array_free(leads, TRUE);
	g_ptr_array_free(bare_leads, TRUE);
	g_ptr_array_free(failed_by, TRUE);
	g_ptr_array_free(why, TRUE);
	g_free(fq);
}

/* ---- devices ---- */

static bool disjoint(GPtrArray *a, GPtrArray *b)
{
	for (guint i = 0; i < a->len; i++)
		if (contains(b, a->pdata[i]))
			return false;
	return true;
}

static void judge_forward(const check_opts *o, analysis *an, device_probe *d, const char *label)
{
	const lookup *dev_side = NULL, *sys_side = NULL;  /* the devices' resolver; the system's when --dns */
	for (guint i = 0; i < d->fwd->len; i++) {
		lookup *l = d->fwd->pdata[i];
		info_lookup(o, an, l, label, false);
		if (decisive(o, l))
			dev_side = l;
		else
			sys_side = l;
		if (l->r.status != DNSQ_OK && !definitive_miss(l))
			no_answer(o, an, l, label);
	}
	if (!dev_side)
		return;
	if (definitive_miss(dev_side)) {
		finding *x = finding_add(&an->fnd, "dns.fqdn.missing", SEV_ERROR, label, d->fqdn, NULL);
		finding_summary(x, "%s does not resolve (%s): consoles and the setup service cannot reach the device "
				"by name, and its TLS certificate cannot be checked.", d->fqdn,
				dev_side->r.error ? dev_side->r.error : dnsq_status_text(dev_side->r.status));
		finding_remedy(x, "Register %s in DNS (an A record, or let DHCP register it with option 81), or "
			       "correct the name given with --device.", d->fqdn);
	}
	if (!sys_side || sys_side->r.status == DNSQ_TIMEOUT || sys_side->r.status == DNSQ_ERROR ||
	    dev_side->r.status == DNSQ_TIMEOUT || dev_side->r.status == DNSQ_ERROR)
		return;  /* a resolver that did not answer is check.dns.no_answer, not a view */
	bool differ = (dev_side->r.status == DNSQ_OK) != (sys_side->r.status == DNSQ_OK) ||
		      (dev_side->r.status == DNSQ_OK && disjoint(dev_side->r.addrs, sys_side->r.addrs));
	if (differ)
		split_view(o, an, label, dev_side, sys_side);
}

static bool names_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na && a[na - 1] == '.')
		na--;
	if (nb && b[nb - 1] == '.')
		nb--;
	return na == nb && !g_ascii_strncasecmp(a, b, na);
}

static void judge_reverse(const check_opts *o, analysis *an, device_probe *d, const char *label)
{
	for (guint i = 0; i < d->rev->len; i++) {
		lookup *l = d->rev->pdata[i];
		info_lookup(o, an, l, label, true);
		if (l->r.status == DNSQ_OK) {
			if (g_hostname_is_ip_address(d->fqdn))
				continue;  /* given as an address: its PTR is only reported */
			bool same = false;
			for (guint k = 0; k < l->r.ptrs->len; k++)
				same |= names_equal(l->r.ptrs->pdata[k], d->fqdn);
			if (same)
				continue;
			char *who = resolver_name(o, l->direct), *names = join(l->r.ptrs, ", ");
			finding *x = finding_add(&an->fnd, "dns.reverse.mismatch", SEV_WARNING, label, l->name, NULL);
			finding_summary(x, "The PTR record of %s names %s (asked of %s), not %s: reverse lookups "
					"(logs, Kerberos, certificate checks) give the wrong name.", l->name, names, who,
					d->fqdn);
			char *rname = dnsq_reverse_name(l->name);
			finding_remedy(x, "Change the PTR record %s in the reverse zone to %s (or let DHCP update it).",
				       rname ? rname : l->name, d->fqdn);
			g_free(rname);
			g_free(who);
			g_free(names);
		} else if (definitive_miss(l)) {
			finding *x = finding_add(&an->fnd, "dns.reverse.missing", SEV_INFO, label, l->name, NULL);
			finding_summary(x, "%s has no PTR record: reverse lookups of the device's address find no name.",
					l->name);
			finding_remedy(x, "Add a PTR record for %s pointing at %s if consoles or Kerberos need it.",
				       l->name, d->fqdn);
		} else {
			no_answer(o, an, l, label);
		}
	}
}

static void judge_ports(const check_opts *o, analysis *an, device_probe *d, device *dv, const char *label)
{
	GString *t = g_string_new(NULL);
	for (guint i = 0; i < d->ports->len; i++) {
		const port_probe *p = d->ports->pdata[i];
		g_string_append_printf(t, "%s%s %u %s", i ? ", " : "", p->udp ? "UDP" : "TCP", p->port,
				       p->udp && p->st == PORT_OPEN ? "answers (RMCP pong)" : port_state_text(p->st));
		if (p->st == PORT_OPEN && dv) {
			char *v = g_strdup_printf("%s%u", p->udp ? "udp/" : "", p->port);
			dev_fact(&an->dev, dv, FACT_TLS, v, "check", (evidence){0}, o->now_us);
			g_free(v);
		}
	}
	finding *x = finding_add(&an->fnd, "check.device.ports", SEV_INFO, label, NULL, NULL);
	finding_summary(x, "%s at %s: %s.", d->fqdn, (char *)d->addrs->pdata[0], t->str);
	g_string_free(t, TRUE);
}

/* The chain the device sent goes through the tls rule exactly as a captured
 * handshake would: same checks (name against the FQDN asked as SNI, chain,
 * dates at the time of the handshake, strength), same findings. */
static void judge_tls(check_state *st, analysis *an, device_probe *d, uint64_t flow_id)
{
	arena a;
	arena_init(&a, 0);
	flow_info *fl = arena_alloc(&a, sizeof(*fl));
	fl->id = flow_id;
	fl->ipproto = 6;
	fl->sport = AMT_PORT_HTTPS;
	fl->input = 0;
	amt_addr_parse(d->addrs->pdata[0], &fl->srv);
	amt_addr_parse(fl->srv.family == 6 ? "::1" : "127.0.0.1", &fl->cli);
	ev_tls_certificates *m = arena_alloc(&a, sizeof(*m));
	ev_tls_cert *certs = arena_alloc(&a, sizeof(ev_tls_cert) * (d->chain->len + 1));
	for (guint i = 0; i < d->chain->len; i++) {
		gsize n;
		const uint8_t *der = g_bytes_get_data(d->chain->pdata[i], &n);
		certs[i].der = der;
		certs[i].der_len = n;
		x509_decode(NULL, &a, der, n, &certs[i].x);
	}
	m->from_client = false;
	m->sni = arena_strdup(&a, d->fqdn);
	m->certs = certs;
	m->ncerts = m->total = d->chain->len;
	event *e = ev_new(&a, EV_TLS_CERTIFICATES, "tls");
	e->ts = d->tls_ts;
	e->flow = fl;
	e->dir = DIR_S2C;
	e->data = m;
	ev_set_info(e, "Certificate (%u) from %s:%u, checked live", m->ncerts, (char *)d->addrs->pdata[0], AMT_PORT_HTTPS);
	bus_emit(&an->run->bus, e);
	arena_free(&a);
	(void)st;
}

static void judge_device(check_state *st, analysis *an, device_probe *d, uint64_t n)
{
	const check_opts *o = st->o;
	device *dv = NULL;
	const char *label = d->fqdn;
	if (d->addrs->len) {
		dv = dev_by_ip_str(&an->dev, d->addrs->pdata[0], true);
		dv = dev_fact(&an->dev, dv, FACT_FQDN, d->fqdn, "dns", (evidence){0}, o->now_us);
		dev_role(dv, ROLE_AMT);
		label = dev_label(dv);
	}
	char *lab = g_strdup(label);
	judge_forward(o, an, d, lab);
	judge_reverse(o, an, d, lab);
	if (!d->addrs->len) {
		g_free(lab);
		return;
	}
	judge_ports(o, an, d, dv, lab);
	bool any_open = false;
	for (guint i = 0; i < d->ports->len; i++)
		any_open |= ((const port_probe *)d->ports->pdata[i])->st == PORT_OPEN;
	if (!any_open) {  /* nothing could be checked there: fails the default gate */
		finding *x = finding_add(&an->fnd, "check.device.unreachable", SEV_ERROR, lab, NULL, NULL);
		finding_summary(x, "%s resolves to %s, where none of AMT's ports answers (TCP 16992-16995, 664, UDP "
				"623): the device could not be checked at all.", d->fqdn, (char *)d->addrs->pdata[0]);
		finding_remedy(x, "Check that the name points at the device (a stale record?), that the device "
			       "is powered and on the network (AMT answers even when the host is off, on AC "
			       "power), and that no firewall drops AMT's ports.");
	}
	check_judge_settings(o, an, d, dv, lab);
	if (!d->tls_tried) {
		finding *x = finding_add(&an->fnd, "check.skipped", SEV_INFO, lab, "tls", NULL);
		finding_summary(x, "Not checked: the TLS certificate of %s (TCP %u at %s is closed; AMT opens it "
				"once TLS is configured).", d->fqdn, AMT_PORT_HTTPS, (char *)d->addrs->pdata[0]);
	} else if (!d->tls_ok) {
		finding *x = finding_add(&an->fnd, "check.device.tls_failed", SEV_WARNING, lab, NULL, NULL);
		finding_summary(x, "%s accepts TCP %u but its TLS certificate could not be read: %s.", d->fqdn,
				AMT_PORT_HTTPS, d->tls_detail ? d->tls_detail : "unknown error");
		finding_remedy(x, "Check that AMT's TLS is configured on %s (or that nothing else holds port %u "
			       "there), then run the check again.", d->fqdn, AMT_PORT_HTTPS);
	} else {
		finding *x = finding_add(&an->fnd, "check.device.tls", SEV_INFO, lab, NULL, NULL);
		finding_summary(x, "%s on TCP %u: %s; certificate checked for name %s, chain, dates and strength.",
				d->fqdn, AMT_PORT_HTTPS, d->tls_detail, d->fqdn);
		judge_tls(st, an, d, n);
	}
	g_free(lab);
}

static void skipped(analysis *an, const char *key, const char *text)
{
	finding *x = finding_add(&an->fnd, "check.skipped", SEV_INFO, NULL, key, NULL);
	finding_summary(x, "%s", text);
}

void check_judge(check_state *st, analysis *an)
{
	const check_opts *o = st->o;
	device *dns = o->dns_server ? dev_by_ip_str(&an->dev, o->dns_server, true) : NULL;
	if (dns)
		dev_role(dns, ROLE_DNS_SERVER);
	judge_setup_service(st, an);
	for (guint i = 0; i < st->devices->len; i++)
		judge_device(st, an, st->devices->pdata[i], i + 1);
	if (!o->dns_server)
		skipped(an, "dns", "Not checked: a direct query to a DNS server (give --dns SERVER to compare it "
				   "with the system resolver).");
	if (!o->scs_host)
		skipped(an, "scs", "Not checked: that ProvisionServer leads to a given setup service (give --scs "
				   "HOST); only that something listens on its port was checked.");
	if (!st->devices->len)
		skipped(an, "devices", "Not checked: devices (give --device FQDN for each AMT device to check its "
				       "names, ports and TLS certificate).");
	if (!o->prov_cert)
		skipped(an, "prov", "Not checked: the provisioning certificate (give --prov-cert FILE).");
	if (!o->user)
		skipped(an, "settings", "Not checked: AMT's own settings (check never authenticates to a device "
					"unless --user is given).");
}
