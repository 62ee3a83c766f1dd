/* DNS, DHCP and name-resolution rules (dns.*, dhcp.*): learns what DNS
 * answers and DHCP leases say about devices into the device table, and at
 * the end compares names, addresses and services (infra_checks.c). */
#include <stdio.h>
#include <string.h>

#include "../decoder/events/dhcp.h"
#include "../decoder/events/dns.h"
#include "../decoder/events/flow.h"
#include "infra.h"

static void name_answer_free(gpointer p)
{
	name_answer *n = p;
	g_array_free(n->addrs, TRUE);
	g_free(n);
}

static void ps_free(gpointer p)
{
	ps_lookup *l = p;
	g_ptr_array_free(l->failed_names, TRUE);
	g_array_free(l->failed_ev, TRUE);
	g_ptr_array_free(l->reasons, TRUE);
	g_array_free(l->addrs, TRUE);
	g_ptr_array_free(l->answered_names, TRUE);
	g_array_free(l->answer_ev, TRUE);
	g_ptr_array_free(l->servers, TRUE);
	g_free(l);
}

static void failure_free(gpointer p)
{
	name_failure *f = p;
	g_array_free(f->ev, TRUE);
	g_ptr_array_free(f->reasons, TRUE);
	g_free(f);
}

static void svc_free(gpointer p)
{
	svc_probe *s = p;
	g_array_free(s->failed_ev, TRUE);
	g_free(s);
}

static void *init(analysis *an)
{
	(void)an;
	infra_state *st = g_new0(infra_state, 1);
	st->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, name_answer_free);
	st->failed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, failure_free);
	st->ptrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 (GDestroyNotify)g_ptr_array_unref);
	st->ptr_ev = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	st->ps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ps_free);
	st->svc = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, svc_free);
	st->hello_dst = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return st;
}

static void state_free(void *p)
{
	infra_state *st = p;
	g_hash_table_destroy(st->names);
	g_hash_table_destroy(st->failed);
	g_hash_table_destroy(st->ptrs);
	g_hash_table_destroy(st->ptr_ev);
	g_hash_table_destroy(st->ps);
	g_hash_table_destroy(st->svc);
	g_hash_table_destroy(st->hello_dst);
	g_free(st);
}

static void add_str_once(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (!g_ascii_strcasecmp(a->pdata[i], s))
			return;
	g_ptr_array_add(a, g_strdup(s));
}

static void add_addr_once(GArray *a, const amt_addr *x)
{
	for (guint i = 0; i < a->len; i++)
		if (amt_addr_eq(&g_array_index(a, amt_addr, i), x))
			return;
	g_array_append_val(a, *x);
}

static void add_ev(GArray *a, uint16_t input, uint32_t frame, int64_t ts)
{
	if (!frame || a->len >= 64 || evidence_find(a, input, frame, 0))
		return;
	evidence ev = {input, frame, 0, ts};
	g_array_append_val(a, ev);
}

static void note_failure(infra_state *st, const char *name, const char *reason, bool answered, const event *e,
			 uint32_t query_frame)
{
	char *key = g_ascii_strdown(name, -1);
	name_failure *f = g_hash_table_lookup(st->failed, key);
	if (!f) {
		f = g_new0(name_failure, 1);
		f->ev = g_array_new(FALSE, TRUE, sizeof(evidence));
		f->reasons = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(st->failed, key, f);
	} else {
		g_free(key);
	}
	add_str_once(f->reasons, reason);
	f->answered |= answered;
	add_ev(f->ev, e->input, query_frame, 0);
	add_ev(f->ev, e->input, e->frame_first, e->ts);
}

static ps_lookup *ps_for(infra_state *st, const amt_addr *client)
{
	char buf[AMT_ADDRSTRLEN];
	amt_addr_str(client, buf);
	ps_lookup *l = g_hash_table_lookup(st->ps, buf);
	if (l)
		return l;
	l = g_new0(ps_lookup, 1);
	l->client = *client;
	l->failed_names = g_ptr_array_new_with_free_func(g_free);
	l->failed_ev = g_array_new(FALSE, TRUE, sizeof(evidence));
	l->reasons = g_ptr_array_new_with_free_func(g_free);
	l->addrs = g_array_new(FALSE, TRUE, sizeof(amt_addr));
	l->answered_names = g_ptr_array_new_with_free_func(g_free);
	l->answer_ev = g_array_new(FALSE, TRUE, sizeof(evidence));
	l->servers = g_ptr_array_new_with_free_func(g_free);
	g_hash_table_insert(st->ps, g_strdup(buf), l);
	return l;
}

static bool is_address_query(uint16_t qtype)
{
	return qtype == DNS_T_A || qtype == DNS_T_AAAA || qtype == DNS_T_ANY;
}

static void note_name(infra_state *st, const char *name, const ev_dns *d, const event *e)
{
	char *key = g_ascii_strdown(name, -1);
	name_answer *n = g_hash_table_lookup(st->names, key);
	if (!n) {
		n = g_new0(name_answer, 1);
		n->addrs = g_array_new(FALSE, TRUE, sizeof(amt_addr));
		n->ev = ev_evidence(e);
		g_hash_table_insert(st->names, key, n);
	} else {
		g_free(key);
	}
	for (size_t i = 0; i < d->naddrs; i++)
		add_addr_once(n->addrs, &d->addrs[i]);
}

static void learn_ptr(infra_state *st, analysis *an, const ev_dns *d, const event *e)
{
	if (!d->nptrs || !d->ptr_addr.family)
		return;
	const amt_addr ip = d->ptr_addr;
	char buf[AMT_ADDRSTRLEN];
	amt_addr_str(&ip, buf);
	GPtrArray *names = g_hash_table_lookup(st->ptrs, buf);
	if (!names) {
		names = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(st->ptrs, g_strdup(buf), names);
		ptr_seen *seen = g_new(ptr_seen, 1);
		seen->ev = ev_evidence(e);
		seen->ip = ip;
		g_hash_table_insert(st->ptr_ev, g_strdup(buf), seen);
	}
	device *dev = dev_by_ip(&an->dev, &ip, true);
	for (size_t i = 0; i < d->nptrs; i++) {
		add_str_once(names, d->ptrs[i]);
		dev = dev_fact(&an->dev, dev, FACT_FQDN, d->ptrs[i], "dns.ptr", ev_evidence(e), e->ts);
	}
}

static void on_dns_answer(infra_state *st, analysis *an, const event *e, const ev_dns *d)
{
	if (!d->qname)
		return;
	if (d->server.family)
		dev_role(dev_by_ip(&an->dev, &d->server, true), ROLE_DNS_SERVER);
	learn_ptr(st, an, d, e);
	if (!is_address_query(d->qtype))
		return;
	if (d->naddrs) {
		note_name(st, d->qname, d, e);
		for (size_t i = 0; i < d->ncnames; i++)
			note_name(st, d->cnames[i], d, e);
	}
	for (size_t i = 0; i < d->naddrs; i++) {
		device *dev = dev_by_ip(&an->dev, &d->addrs[i], true);
		/* single-label names are search-list guesses, not FQDNs */
		if (strchr(d->canonical, '.'))
			dev = dev_fact(&an->dev, dev, FACT_FQDN, d->canonical, "dns", ev_evidence(e), e->ts);
		/* the alias too: clients (and the TLS name check) use the name they asked for */
		if (d->ncnames && strchr(d->qname, '.'))
			dev_fact(&an->dev, dev, FACT_FQDN, d->qname, "dns", ev_evidence(e), e->ts);
	}
	if (!infra_is_provisionserver(d->qname))
		return;
	char buf[AMT_ADDRSTRLEN];
	ps_lookup *l = ps_for(st, &d->client);
	add_str_once(l->servers, amt_addr_str(&d->server, buf));
	if (!d->naddrs && (d->truncated || d->qtype == DNS_T_AAAA))
		return;  /* TC: asked again over TCP; no AAAA is normal for IPv4 hosts */
	if (!d->naddrs)
		note_failure(st, d->qname, "no address record", true, e, d->query_frame);
	if (!d->naddrs) {
		/* NOERROR without an address (NODATA) fails the lookup as surely */
		add_str_once(l->failed_names, d->qname);
		add_str_once(l->reasons, "no address record");
		add_ev(l->failed_ev, e->input, d->query_frame, 0);
		add_ev(l->failed_ev, e->input, e->frame_first, e->ts);
		return;
	}
	add_str_once(l->answered_names, d->qname);
	for (size_t i = 0; i < d->naddrs; i++)
		add_addr_once(l->addrs, &d->addrs[i]);
	add_ev(l->answer_ev, e->input, e->frame_first, e->ts);
}

static void on_dns_failure(infra_state *st, analysis *an, const event *e, const ev_dns *d)
{
	analysis_keep(an, e, true);
	if (d->failure == DNS_FAIL_RCODE && d->server.family)
		dev_role(dev_by_ip(&an->dev, &d->server, true), ROLE_DNS_SERVER);
	if (!d->qname || !is_address_query(d->qtype))
		return;
	/* an absence says what window it looked at: the DNS timeout, or the
	 * shorter time the capture still ran after the query */
	char window[96];
	const char *reason = dns_rcode_name(d->rcode);
	if (d->failure == DNS_FAIL_NO_ANSWER) {
		int64_t end = 0;
		for (guint i = 0; i < an->run->inputs->len; i++) {
			const amt_input *in = an->run->inputs->pdata[i];
			if (in->last_ts > end)
				end = in->last_ts;
		}
		int64_t after = end > d->query_ts ? end - d->query_ts : 0;
		if (after >= an->cfg->dns_timeout_us)
			snprintf(window, sizeof(window), "no response within %.0f s",
				 (double)an->cfg->dns_timeout_us / 1e6);
		else
			snprintf(window, sizeof(window), "no response before the capture ended %.1f s after the query",
				 (double)after / 1e6);
		reason = window;
	}
	bool answered = d->failure != DNS_FAIL_NO_ANSWER;
	note_failure(st, d->qname, reason, answered, e, d->query_frame);
	if (!infra_is_provisionserver(d->qname))
		return;
	char buf[AMT_ADDRSTRLEN];
	ps_lookup *l = ps_for(st, &d->client);
	if (d->server.family)
		add_str_once(l->servers, amt_addr_str(&d->server, buf));
	add_str_once(l->failed_names, d->qname);
	add_str_once(l->reasons, reason);
	l->failure_answered |= answered;
	add_ev(l->failed_ev, e->input, d->query_frame, 0);
	add_ev(l->failed_ev, e->input, e->frame_first, e->ts);
}

static void on_lease(analysis *an, const event *e, const ev_dhcp_lease *l)
{
	devtab *t = &an->dev;
	evidence ev = ev_evidence(e);
	bool has_ip = l->ip.family && memcmp(l->ip.b, "\0\0\0\0", 4);
	if (!*l->mac && !has_ip)
		return;  /* nothing to hang the facts on */
	device *dev = *l->mac ? dev_by_mac(t, l->mac, true) : dev_by_ip(t, &l->ip, true);
	dev = dev_fact(t, dev, FACT_MAC, l->mac, "dhcp", ev, e->ts);
	if (has_ip)
		dev = dev_fact_addr(t, dev, &l->ip, "dhcp", ev, e->ts);
	dev = dev_fact(t, dev, FACT_HOSTNAME, l->hostname, "dhcp.12", ev, e->ts);
	dev = dev_fact(t, dev, FACT_DOMAIN, l->domain, "dhcp.15", ev, e->ts);
	if (l->fqdn && strchr(l->fqdn, '.'))
		dev = dev_fact(t, dev, FACT_FQDN, l->fqdn, "dhcp.81", ev, e->ts);
	if (l->hostname && !strchr(l->hostname, '.') && l->domain && *l->domain) {
		char *fqdn = g_strdup_printf("%s.%s", l->hostname, l->domain);
		dev = dev_fact(t, dev, FACT_FQDN, fqdn, "dhcp.12+15", ev, e->ts);
		g_free(fqdn);
	}
	if (l->server_id.family)
		dev_role(dev_by_ip(t, &l->server_id, true), ROLE_DHCP_SERVER);
	for (size_t i = 0; i < l->ndns; i++)
		dev_role(dev_by_ip(t, &l->dns[i], true), ROLE_DNS_SERVER);
}

static void on_flow_close(infra_state *st, const event *e)
{
	const ev_flow *f = e->data;
	if (!f || !e->flow || e->flow->ipproto != 6 || e->flow->sport != SETUP_SERVICE_PORT)
		return;
	char buf[AMT_ADDRSTRLEN];
	amt_addr_str(&e->flow->srv, buf);
	svc_probe *s = g_hash_table_lookup(st->svc, buf);
	if (!s) {
		s = g_new0(svc_probe, 1);
		s->failed_ev = g_array_new(FALSE, TRUE, sizeof(evidence));
		g_hash_table_insert(st->svc, g_strdup(buf), s);
	}
	if (f->state == FLOW_REFUSED || f->state == FLOW_NO_ANSWER) {
		s->how = f->state == FLOW_REFUSED ? "refused the connection (TCP reset)" : "did not answer the connection attempts";
		s->refused |= f->state == FLOW_REFUSED;
		add_ev(s->failed_ev, e->input, e->frame_first, e->ts);
		if (f->last_frame != e->frame_first)
			add_ev(s->failed_ev, e->input, f->last_frame, 0);
	} else if (f->state != FLOW_SYN_SENT) {
		s->answered = true;
	}
}

static void on_hello(infra_state *st, const event *e)
{
	const amt_addr *dst = ev_dst(e);
	if (!dst)
		return;
	char buf[AMT_ADDRSTRLEN];
	amt_addr_str(dst, buf);
	if (g_hash_table_contains(st->hello_dst, buf))
		return;
	evidence *ev = g_new(evidence, 1);
	*ev = ev_evidence(e);
	g_hash_table_insert(st->hello_dst, g_strdup(buf), ev);
}

static void on_event(void *p, analysis *an, const event *e)
{
	infra_state *st = p;
	switch (e->kind) {
	case EV_DNS_ANSWER:
		if (e->data)
			on_dns_answer(st, an, e, e->data);
		break;
	case EV_DNS_FAILURE:
		if (e->data)
			on_dns_failure(st, an, e, e->data);
		break;
	case EV_DHCP_LEASE:
		if (e->data)
			on_lease(an, e, e->data);
		break;
	case EV_FLOW_CLOSE:
		on_flow_close(st, e);
		break;
	case EV_HELLO:
		on_hello(st, e);
		break;
	default:
		break;
	}
}

static void on_end(void *p, analysis *an)
{
	infra_state *st = p;
	infra_check_provisionserver(st, an);
	infra_check_fqdn(st, an);
	infra_check_reverse(st, an);
	infra_check_dhcp_domain(st, an);
	infra_check_dhcp_domain_missing(st, an);
}

const rule rule_infra = {
	.name = "infra",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = state_free,
};
