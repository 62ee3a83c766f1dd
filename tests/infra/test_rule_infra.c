/* The infrastructure rule on hand-made events and hand-built device tables:
 * facts learnt from DHCP/DNS and each dns.* / dhcp.* finding. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "../../decoder/events/dhcp.h"
#include "../../decoder/events/dns.h"
#include "../../decoder/events/flow.h"
#include "../../dissectors/dnsname.h"
#include "../../rules/infra.h"
#include "../../rules/rule.h"

typedef struct fixture {
	amt_run run;
	analysis an;
	arena a;
} fixture;

static void fx_init(fixture *f)
{
	run_init(&f->run);
	run_add_input(&f->run, "test.pcap", INPUT_PCAP);
	analysis_init(&f->an, &f->run);
	arena_init(&f->a, 0);
}

static void fx_free(fixture *f)
{
	analysis_free(&f->an);
	run_free(&f->run);
	arena_free(&f->a);
}

static amt_addr A(const char *s)
{
	amt_addr a;
	CU_ASSERT_FATAL(amt_addr_parse(s, &a));
	return a;
}

static flow_info *flow(fixture *f, uint8_t proto, const char *cli, uint16_t cport, const char *srv,
		       uint16_t sport)
{
	flow_info *fl = arena_alloc(&f->a, sizeof(*fl));
	fl->ipproto = proto;
	fl->cli = A(cli);
	fl->srv = A(srv);
	fl->cport = cport;
	fl->sport = sport;
	return fl;
}

static event *ev(fixture *f, ev_kind k, const flow_info *fl, uint8_t dir, uint32_t frame)
{
	event *e = ev_new(&f->a, k, "test");
	e->flow = fl;
	e->dir = dir;
	e->frame_first = e->frame_last = frame;
	e->ts = 1700000000LL * 1000000 + frame * 1000;
	return e;
}

/* A response (or failure) to a query made in frame query_frame. */
static void dns_reply(fixture *f, const char *client, const char *qname, uint16_t qtype, uint8_t rcode,
		      const char *addr, const char *ptr, uint32_t query_frame, uint32_t frame)
{
	const flow_info *fl = flow(f, 17, client, 40000, "10.3.0.1", 53);
	ev_dns *d = arena_alloc(&f->a, sizeof(*d));
	d->response = true;
	d->id = 1;
	d->qname = qname;
	d->qtype = qtype;
	d->rcode = rcode;
	d->client = fl->cli;
	d->server = fl->srv;
	d->query_frame = query_frame;
	d->canonical = qname;
	if (addr) {
		d->addrs = arena_alloc(&f->a, sizeof(amt_addr));
		d->addrs[0] = A(addr);
		d->naddrs = 1;
	}
	if (ptr) {
		d->ptrs = arena_alloc(&f->a, sizeof(char *));
		d->ptrs[0] = ptr;
		d->nptrs = 1;
		dnsname_reverse_addr(qname, &d->ptr_addr);  /* as the DNS dissector does */
	}
	d->failure = rcode ? DNS_FAIL_RCODE : query_frame == frame ? DNS_FAIL_NO_ANSWER : DNS_FAIL_NONE;
	event *e = ev(f, d->failure ? EV_DNS_FAILURE : EV_DNS_ANSWER, fl, d->failure == DNS_FAIL_NO_ANSWER ? DIR_C2S : DIR_S2C, frame);
	e->data = d;
	bus_emit(&f->run.bus, e);
}

static void lease(fixture *f, const char *mac, const char *ip, const char *host, const char *domain,
		  const char *fqdn, uint32_t frame)
{
	const flow_info *fl = flow(f, 17, "10.3.0.1", 67, ip, 68);
	ev_dhcp_lease *l = arena_alloc(&f->a, sizeof(*l));
	g_strlcpy(l->mac, mac, sizeof(l->mac));
	l->ip = A(ip);
	l->hostname = host;
	l->domain = domain;
	l->fqdn = fqdn;
	l->dns[0] = A("10.3.0.1");
	l->ndns = 1;
	l->server_id = A("10.3.0.1");
	event *e = ev(f, EV_DHCP_LEASE, fl, DIR_C2S, frame);
	e->data = l;
	bus_emit(&f->run.bus, e);
}

static void flow_close(fixture *f, const char *cli, const char *srv, uint16_t port, flow_state s,
		       uint32_t first, uint32_t last)
{
	const flow_info *fl = flow(f, 6, cli, 50000, srv, port);
	ev_flow *x = arena_alloc(&f->a, sizeof(*x));
	x->state = s;
	x->last_frame = last;
	event *e = ev(f, EV_FLOW_CLOSE, fl, DIR_C2S, first);
	e->frame_last = last;
	e->data = x;
	bus_emit(&f->run.bus, e);
}

static const finding *only(fixture *f, const char *rule_id)
{
	const finding *hit = NULL;
	int n = 0;
	for (guint i = 0; i < f->an.fnd.list->len; i++) {
		const finding *x = f->an.fnd.list->pdata[i];
		if (!strcmp(x->rule, rule_id)) {
			hit = x;
			n++;
		}
	}
	CU_ASSERT_EQUAL(n, 1);
	return n == 1 ? hit : NULL;
}

static bool has_frame(const finding *x, uint32_t frame)
{
	for (guint i = 0; i < x->evidence->len; i++)
		if (g_array_index(x->evidence, evidence, i).frame == frame)
			return true;
	return false;
}

static void test_provisionserver_missing(void)
{
	fixture f;
	fx_init(&f);
	dns_reply(&f, "10.3.0.7", "provisionserver.corp.example", DNS_T_A, DNS_RCODE_NXDOMAIN, NULL, NULL, 3, 4);
	dns_reply(&f, "10.3.0.7", "ProvisionServer", DNS_T_A, 0, NULL, NULL, 5, 5);  /* no answer */
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dns.provisionserver.missing");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_EQUAL(x->sev, SEV_ERROR);
	CU_ASSERT_EQUAL(x->evidence->len, 3);
	CU_ASSERT_TRUE(has_frame(x, 3) && has_frame(x, 4) && has_frame(x, 5));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "No such name"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "no response"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "zone corp.example"));
	/* the DNS server that answered is known as one */
	device *srv = dev_by_ip_str(&f.an.dev, "10.3.0.1", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_TRUE(srv->roles & ROLE_DNS_SERVER);
	fx_free(&f);
}

static void test_provisionserver_found_later(void)
{
	fixture f;
	fx_init(&f);
	dns_reply(&f, "10.3.0.7", "ProvisionServer", DNS_T_A, DNS_RCODE_NXDOMAIN, NULL, NULL, 1, 2);
	dns_reply(&f, "10.3.0.7", "provisionserver.corp.example", DNS_T_A, 0, "10.3.0.50", NULL, 3, 4);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 0);
	fx_free(&f);
}

static void test_wrong_host_refused(void)
{
	fixture f;
	fx_init(&f);
	dns_reply(&f, "10.3.0.7", "provisionserver.corp.example", DNS_T_A, 0, "10.3.0.50", NULL, 3, 4);
	flow_close(&f, "10.3.0.7", "10.3.0.50", 9971, FLOW_REFUSED, 9, 10);
	flow_close(&f, "10.3.0.7", "10.3.0.51", 9971, FLOW_REFUSED, 11, 12);  /* not the resolved one */
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dns.provisionserver.wrong_host");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_TRUE(has_frame(x, 4) && has_frame(x, 9) && has_frame(x, 10));
	CU_ASSERT_FALSE(has_frame(x, 11));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "refused"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "zone corp.example"));
	fx_free(&f);
}

static void test_wrong_host_elsewhere(void)
{
	fixture f;
	fx_init(&f);
	/* the hello rule's work, by hand: the setup service is 10.3.0.60 */
	dev_role(dev_by_ip_str(&f.an.dev, "10.3.0.60", true), ROLE_SETUP_SERVICE);
	dns_reply(&f, "10.3.0.7", "provisionserver.corp.example", DNS_T_A, 0, "10.3.0.50", NULL, 3, 4);
	analysis_end(&f.an);
	const finding *x = only(&f, "dns.provisionserver.wrong_host");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "10.3.0.60"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "point at 10.3.0.60"));
	CU_ASSERT_TRUE(has_frame(x, 4));
	fx_free(&f);

	/* resolving to the setup service, reached by hellos: healthy */
	fx_init(&f);
	const flow_info *hf = flow(&f, 17, "10.3.0.7", 50000, "10.3.0.50", 9971);
	event *h = ev(&f, EV_HELLO, hf, DIR_C2S, 20);
	bus_emit(&f.run.bus, h);
	dns_reply(&f, "10.3.0.7", "provisionserver.corp.example", DNS_T_A, 0, "10.3.0.50", NULL, 3, 4);
	flow_close(&f, "10.3.0.50", "10.3.0.50", 9971, FLOW_CLOSED, 21, 30);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 0);
	fx_free(&f);
}

static void test_device_facts(void)
{
	fixture f;
	fx_init(&f);
	lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", "corp.example", "amt-07.corp.example", 4);
	analysis_end(&f.an);
	device *d = dev_by_mac(&f.an.dev, "00:1c:69:7a:6b:07", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d, dev_by_ip_str(&f.an.dev, "10.3.0.7", false));
	const fact *h = dev_first(d, FACT_HOSTNAME), *dom = dev_first(d, FACT_DOMAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
	CU_ASSERT_STRING_EQUAL(h->source, "dhcp.12");
	CU_ASSERT_STRING_EQUAL(dom->source, "dhcp.15");
	CU_ASSERT_EQUAL(dom->ev.frame, 4);
	CU_ASSERT_TRUE(dev_has(d, FACT_FQDN, "amt-07.corp.example"));
	GPtrArray *byname = dev_by_fqdn(&f.an.dev, "AMT-07.corp.example.");
	CU_ASSERT_TRUE(byname && byname->len == 1 && byname->pdata[0] == d);
	device *srv = dev_by_ip_str(&f.an.dev, "10.3.0.1", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_TRUE(srv->roles & ROLE_DHCP_SERVER);
	CU_ASSERT_TRUE(srv->roles & ROLE_DNS_SERVER);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 0);
	fx_free(&f);
}

static void test_fqdn_mismatch(void)
{
	fixture f;
	fx_init(&f);
	lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", "corp.example", NULL, 4);
	lease(&f, "00:1c:69:7a:6b:08", "10.3.0.8", "amt-08", "corp.example", NULL, 8);
	dns_reply(&f, "10.3.0.20", "amt-07.corp.example", DNS_T_A, 0, "10.3.0.8", NULL, 9, 10);
	dns_reply(&f, "10.3.0.20", "amt-08.corp.example", DNS_T_A, 0, "10.3.0.8", NULL, 11, 12);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dns.fqdn.mismatch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_TRUE(has_frame(x, 10) && has_frame(x, 4));
	CU_ASSERT_EQUAL(x->evidence->len, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "amt-07.corp.example to 10.3.0.8"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "amt-08.corp.example"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "A record of amt-07 in the DNS zone corp.example to 10.3.0.7"));
	fx_free(&f);
}

static void test_fqdn_unresolved(void)
{
	fixture f;
	fx_init(&f);
	lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", "corp.example", NULL, 4);
	dns_reply(&f, "10.3.0.20", "amt-07.corp.example", DNS_T_A, DNS_RCODE_NXDOMAIN, NULL, NULL, 9, 10);
	/* AAAA without data is normal for an IPv4 host, and says nothing */
	lease(&f, "00:1c:69:7a:6b:08", "10.3.0.8", "amt-08", "corp.example", NULL, 5);
	dns_reply(&f, "10.3.0.20", "amt-08.corp.example", DNS_T_AAAA, 0, NULL, NULL, 11, 12);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dns.fqdn.mismatch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_TRUE(has_frame(x, 4) && has_frame(x, 9) && has_frame(x, 10));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "does not resolve (No such name)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "A record for amt-07 in the DNS zone corp.example pointing at 10.3.0.7"));
	fx_free(&f);
}

static void test_reverse_mismatch(void)
{
	fixture f;
	fx_init(&f);
	lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", "corp.example", NULL, 4);
	dns_reply(&f, "10.3.0.20", "7.0.3.10.in-addr.arpa", DNS_T_PTR, 0, NULL, "amt-99.corp.example", 5, 6);
	/* a matching PTR for another host: no finding */
	lease(&f, "00:1c:69:7a:6b:08", "10.3.0.8", "amt-08", "corp.example", NULL, 7);
	dns_reply(&f, "10.3.0.20", "8.0.3.10.in-addr.arpa", DNS_T_PTR, 0, NULL, "AMT-08.corp.example", 8, 9);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dns.reverse.mismatch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->sev, SEV_WARNING);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_TRUE(has_frame(x, 6) && has_frame(x, 4));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "7.0.3.10.in-addr.arpa in the reverse zone 0.3.10.in-addr.arpa"));
	fx_free(&f);
}

static void test_dhcp_domain_mismatch(void)
{
	static const struct { const char *dhcp, *cert; bool fires; } cases[] = {
		{"corp.local", "corp.example", true},
		{"corp.example", "CORP.example", false},
		{"corp.example", "eu.corp.example", false},
		{"eu.corp.example", "corp.example", true},
		{"xcorp.example", "corp.example", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture f;
		fx_init(&f);
		lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", cases[i].dhcp, NULL, 4);
		/* the TLS rule's work, by hand */
		device *d = dev_by_ip_str(&f.an.dev, "10.3.0.7", false);
		evidence tls = {0, 40, 0, 0};
		dev_fact(&f.an.dev, d, FACT_PROV_DOMAIN, cases[i].cert, "tls.prov_cert", tls, 0);
		analysis_end(&f.an);
		size_t n = 0;
		for (guint j = 0; j < f.an.fnd.list->len; j++) {
			const finding *x = f.an.fnd.list->pdata[j];
			CU_ASSERT_STRING_EQUAL(x->rule, "dhcp.domain.mismatch");
			CU_ASSERT_TRUE(has_frame(x, 4) && has_frame(x, 40));
			CU_ASSERT_PTR_NOT_NULL(strstr(x->remedy, "option 15"));
			n++;
		}
		CU_ASSERT_EQUAL(n, cases[i].fires ? 1u : 0u);
		fx_free(&f);
	}
}

static void test_dhcp_domain_missing(void)
{
	fixture f;
	fx_init(&f);
	lease(&f, "00:1c:69:7a:6b:07", "10.3.0.7", "amt-07", NULL, NULL, 4);
	lease(&f, "00:1c:69:7a:6b:08", "10.3.0.8", "pc-08", NULL, NULL, 6);  /* not AMT: nothing */
	lease(&f, "00:1c:69:7a:6b:09", "10.3.0.9", "amt-09", "corp.example", NULL, 8);
	dev_role(dev_by_ip_str(&f.an.dev, "10.3.0.7", false), ROLE_AMT);
	dev_role(dev_by_ip_str(&f.an.dev, "10.3.0.9", false), ROLE_AMT);
	analysis_end(&f.an);
	CU_ASSERT_EQUAL(f.an.fnd.list->len, 1);
	const finding *x = only(&f, "dhcp.domain.missing");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "10.3.0.7");
	CU_ASSERT_EQUAL(x->sev, SEV_WARNING);
	CU_ASSERT_TRUE(has_frame(x, 4));
	fx_free(&f);
}

static void test_name_helpers(void)
{
	CU_ASSERT_TRUE(infra_is_provisionserver("ProvisionServer"));
	CU_ASSERT_TRUE(infra_is_provisionserver("PROVISIONSERVER.corp.example"));
	CU_ASSERT_FALSE(infra_is_provisionserver("provisionserver2.corp.example"));
	CU_ASSERT_FALSE(infra_is_provisionserver("x.provisionserver.corp.example"));
	CU_ASSERT_STRING_EQUAL(infra_zone_of("amt-07.corp.example"), "corp.example");
	CU_ASSERT_PTR_NULL(infra_zone_of("amt-07"));
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("rule_infra", NULL, NULL);
	CU_add_test(s, "provisionserver missing", test_provisionserver_missing);
	CU_add_test(s, "provisionserver found under a suffix", test_provisionserver_found_later);
	CU_add_test(s, "wrong host: refused", test_wrong_host_refused);
	CU_add_test(s, "wrong host: hellos elsewhere", test_wrong_host_elsewhere);
	CU_add_test(s, "device facts from a lease", test_device_facts);
	CU_add_test(s, "fqdn mismatch", test_fqdn_mismatch);
	CU_add_test(s, "fqdn does not resolve", test_fqdn_unresolved);
	CU_add_test(s, "reverse mismatch", test_reverse_mismatch);
	CU_add_test(s, "dhcp domain mismatch", test_dhcp_domain_mismatch);
	CU_add_test(s, "dhcp domain missing", test_dhcp_domain_missing);
	CU_add_test(s, "name helpers", test_name_helpers);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
