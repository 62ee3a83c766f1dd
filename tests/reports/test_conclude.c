/* What the analysis hands the reports (rules/conclude.c, rules/timeline.c):
 * each timeline entry's devices, a certificate event's typed chain and its
 * failing link, each finding's device record and its evidence per input,
 * and the one lookup of a kept event by frame or line. */
#include <CUnit/Basic.h>
#include <string.h>

#include "decoder/events/tls.h"
#include "rules/rule.h"

typedef struct bench {
	amt_run run;
	analysis an;
	arena a;
	flow_info fl;
} bench;

static void bench_init(bench *b)
{
	memset(b, 0, sizeof(*b));
	run_init(&b->run);
	run_add_input(&b->run, "a.pcap", INPUT_PCAP);
	run_add_input(&b->run, "b.log", INPUT_LOG);
	b->an.run = &b->run;
	b->an.cfg = &b->run.cfg;
	devtab_init(&b->an.dev);
	findings_init(&b->an.fnd, 100, 8);
	timeline_init(&b->an.tl, 100);
	arena_init(&b->a, 4096);
	b->fl.id = 1;
	b->fl.ipproto = 6;
	amt_addr_parse("10.0.0.5", &b->fl.cli);
	amt_addr_parse("10.0.0.9", &b->fl.srv);
	b->fl.cport = 40000;
	b->fl.sport = 16993;
}

static void bench_free(bench *b)
{
	arena_free(&b->a);
	timeline_free(&b->an.tl);
	findings_free(&b->an.fnd);
	devtab_free(&b->an.dev);
	run_free(&b->run);
}

static event *packet_ev(bench *b, ev_kind k, uint32_t frame, int64_t ts)
{
	event *e = ev_new(&b->a, k, "t");
	e->ts = ts;
	e->flow = &b->fl;
	e->dir = DIR_C2S;
	e->frame_first = e->frame_last = frame;
	return e;
}

static event *log_ev(bench *b, uint32_t line, int64_t ts)
{
	event *e = ev_new(&b->a, EV_LOG_RECORD, "log");
	e->ts = ts;
	e->input = 1;
	e->line = line;
	return e;
}

static const tl_entry *entry_at_frame(bench *b, uint16_t input, uint32_t frame, uint32_t line)
{
	return tl_find(&b->an.tl, input, frame, line, -1);
}

static bool has_device(bench *b, const tl_entry *x, const device *d)
{
	device *const *ds = tl_devices(&b->an.tl, x);
	for (uint32_t i = 0; ds && i < x->ndevs; i++)
		if (ds[i] == d)
			return true;
	return false;
}

static void test_entry_devices(void)
{
	bench b;
	bench_init(&b);
	evidence none = {0, 0, 0, 0};
	device *amt = dev_by_ip_str(&b.an.dev, "10.0.0.9", true);
	device *cli = dev_by_ip_str(&b.an.dev, "10.0.0.5", true);
	device *other = dev_by_ip_str(&b.an.dev, "10.0.0.77", true);
	/* a UUID record that a later fact merges into the AMT device */
	device *by_uuid = dev_by_uuid(&b.an.dev, "939b524b-13d4-1d18-e487-1c697a6b7a2b", true);
	analysis_keep(&b.an, packet_ev(&b, EV_TLS_CLIENT_HELLO, 3, 3000), false);
	event *e = log_ev(&b, 12, 2000);
	ev_str(e, "log.uuid", "939b524b-13d4-1d18-e487-1c697a6b7a2b");
	analysis_keep(&b.an, e, false);
	e = log_ev(&b, 13, 1000);
	ev_str(e, "log.message", "nothing about any device");
	analysis_keep(&b.an, e, false);
	dev_fact(&b.an.dev, by_uuid, FACT_IP, "10.0.0.9", "hello", none, 0);  /* merges */
	analysis_conclude(&b.an);

	const tl_entry *x = entry_at_frame(&b, 0, 3, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->ndevs, 2);
	CU_ASSERT(has_device(&b, x, dev_resolve(amt)));
	CU_ASSERT(has_device(&b, x, cli));
	CU_ASSERT(!has_device(&b, x, other));
	x = entry_at_frame(&b, 1, 0, 12);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->ndevs, 1);  /* the merged record: the live device, once */
	CU_ASSERT(has_device(&b, x, dev_resolve(by_uuid)));
	CU_ASSERT(dev_resolve(by_uuid) == dev_resolve(amt));
	x = entry_at_frame(&b, 1, 0, 13);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->ndevs, 0);
	CU_ASSERT_PTR_NULL(tl_devices(&b.an.tl, x));
	/* sorted by time by the conclusion */
	CU_ASSERT_EQUAL(g_array_index(b.an.tl.entries, tl_entry, 0).line, 13);
	bench_free(&b);
}

static event *chain_ev(bench *b, uint32_t frame)
{
	event *e = packet_ev(b, EV_TLS_CERTIFICATES, frame, 5000);
	ev_tls_certificates *m = arena_alloc(&b->a, sizeof(*m));
	ev_tls_cert *c = arena_alloc(&b->a, 3 * sizeof(*c));
	memset(m, 0, sizeof(*m));
	memset(c, 0, 3 * sizeof(*c));
	c[0].x.decoded = true;
	c[0].x.subject = "CN=amt.corp.example";
	c[0].x.issuer = "CN=Corp CA";
	c[0].x.not_before = 1000;
	c[0].x.not_after = 2000;
	strcpy(c[0].x.sha256, "ab01");
	strcpy(c[1].x.sha256, "cd02");  /* does not parse: only the fingerprint */
	c[2].x.decoded = true;
	c[2].x.subject = c[2].x.issuer = "CN=Corp Root";
	m->certs = c;
	m->ncerts = m->total = 3;
	e->data = m;
	/* fields named like a chain are no chain: the payload is */
	ev_str(e, "x509af.subject", "CN=from a field");
	return e;
}

static void test_typed_chain(void)
{
	bench b;
	bench_init(&b);
	analysis_keep(&b.an, chain_ev(&b, 7), false);
	analysis_keep_failed_item(&b.an, chain_ev(&b, 8), 2);
	event *plain = packet_ev(&b, EV_TLS_CERTIFICATES, 9, 6000);
	ev_str(plain, "x509.subject", "CN=no payload");
	analysis_keep(&b.an, plain, false);

	tl_entry *x = tl_find(&b.an.tl, 0, 7, 0, EV_TLS_CERTIFICATES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	const tl_cert *c = tl_certs(&b.an.tl, x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(x->ncerts, 3);
	CU_ASSERT_EQUAL(c[0].role, TL_CERT_SERVER);
	CU_ASSERT_EQUAL(c[1].role, TL_CERT_ISSUER);
	/* the chain a client sent (the setup service's provisioning chain) is not the server's */
	event *client_chain = chain_ev(&b, 10);
	((ev_tls_certificates *)client_chain->data)->from_client = true;
	analysis_keep(&b.an, client_chain, false);
	const tl_entry *xc = tl_find(&b.an.tl, 0, 10, 0, EV_TLS_CERTIFICATES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xc);
	CU_ASSERT_EQUAL(tl_certs(&b.an.tl, xc)[0].role, TL_CERT_CLIENT);
	CU_ASSERT_EQUAL(tl_certs(&b.an.tl, xc)[1].role, TL_CERT_ISSUER);
	CU_ASSERT(c[0].decoded && !c[1].decoded && c[2].decoded);
	CU_ASSERT_STRING_EQUAL(c[0].subject, "CN=amt.corp.example");
	CU_ASSERT_STRING_EQUAL(c[0].issuer, "CN=Corp CA");
	CU_ASSERT_EQUAL(c[0].not_before, 1000);
	CU_ASSERT_EQUAL(c[0].not_after, 2000);
	CU_ASSERT_STRING_EQUAL(c[0].sha256, "ab01");
	CU_ASSERT_PTR_NULL(c[1].subject);
	CU_ASSERT_STRING_EQUAL(c[1].sha256, "cd02");
	CU_ASSERT_STRING_EQUAL(c[2].subject, "CN=Corp Root");
	CU_ASSERT(!c[0].failed && !c[1].failed && !c[2].failed);

	/* the failing link as a rule marks it, then marked again at the end */
	x = tl_find(&b.an.tl, 0, 8, 0, EV_TLS_CERTIFICATES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	c = tl_certs(&b.an.tl, x);
	CU_ASSERT(x->failure && !c[0].failed && !c[1].failed && c[2].failed);
	analysis_mark_failed_item(&b.an, 0, 8, EV_TLS_CERTIFICATES, 1);
	CU_ASSERT(!c[0].failed && c[1].failed && !c[2].failed);
	analysis_mark_failed_item(&b.an, 0, 8, EV_TLS_CERTIFICATES, 5);  /* no such link: none marked */
	CU_ASSERT(x->failure && !c[0].failed && !c[1].failed && !c[2].failed);

	x = tl_find(&b.an.tl, 0, 9, 0, EV_TLS_CERTIFICATES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->ncerts, 0);
	CU_ASSERT_PTR_NULL(tl_certs(&b.an.tl, x));
	bench_free(&b);
}

static void test_find(void)
{
	bench b;
	bench_init(&b);
	analysis_keep(&b.an, packet_ev(&b, EV_DNS_QUERY, 4, 100), false);
	analysis_keep(&b.an, log_ev(&b, 4, 200), false);
	event *live = packet_ev(&b, EV_TLS_CERTIFICATES, 0, 300);  /* a live check's: no frame */
	analysis_keep(&b.an, live, false);
	analysis_mark_failure(&b.an, 0, 4, 0);
	analysis_mark_failure(&b.an, 0, 0, 0);  /* neither frame nor line: nothing */
	CU_ASSERT(entry_at_frame(&b, 0, 4, 0)->failure);
	CU_ASSERT(!entry_at_frame(&b, 1, 0, 4)->failure);  /* frame 4 of input 0 is not line 4 of input 1 */
	analysis_mark_failure(&b.an, 1, 0, 4);
	CU_ASSERT(entry_at_frame(&b, 1, 0, 4)->failure);
	tl_entry *x = tl_find(&b.an.tl, 0, 0, 0, EV_TLS_CERTIFICATES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT(!x->failure);
	analysis_mark_failed_item(&b.an, 0, 0, EV_TLS_CERTIFICATES, 0);
	CU_ASSERT(x->failure);
	CU_ASSERT_EQUAL(x->failed_item, 0);
	CU_ASSERT_PTR_NULL(tl_find(&b.an.tl, 0, 99, 0, -1));
	CU_ASSERT_PTR_NULL(tl_find(&b.an.tl, 0, 4, 0, EV_DNS_ANSWER));
	bench_free(&b);
}

static void test_finding_cites_and_device(void)
{
	bench b;
	bench_init(&b);
	evidence none = {0, 0, 0, 0};
	device *d = dev_by_ip_str(&b.an.dev, "10.0.0.9", true);
	dev_fact(&b.an.dev, d, FACT_FQDN, "amt.corp.example", "dns", none, 0);
	device *named = dev_by_uuid(&b.an.dev, "11111111-2222-3333-4444-555555555555", true);
	dev_fact(&b.an.dev, named, FACT_FQDN, "only-a-name.corp.example", "dhcp.12", none, 0);

	finding *x = finding_add(&b.an.fnd, "t.one", SEV_ERROR, "10.0.0.9", NULL, NULL);
	finding_frame(x, 0, 9);
	finding_frame(x, 0, 3);
	evidence again = {0, 3, 0, 0};  /* finding_frame keeps a place once; the list must not need it */
	g_array_append_val(x->evidence, again);
	finding_line(x, 1, 40);
	finding_frame(x, 5, 7);   /* an input the run does not know */
	finding_frame(x, 0, 5);
	finding_evidence(x, none); /* neither frame nor line: cites nothing */
	finding *y = finding_add(&b.an.fnd, "t.two", SEV_WARNING, "only-a-name.corp.example", NULL, NULL);
	finding *z = finding_add(&b.an.fnd, "t.three", SEV_INFO, "10.9.9.9", NULL, NULL);
	finding *w = finding_add(&b.an.fnd, "t.four", SEV_INFO, NULL, NULL, NULL);
	analysis_conclude(&b.an);

	CU_ASSERT_PTR_NOT_NULL_FATAL(x->cites);
	CU_ASSERT_EQUAL_FATAL(x->ncites, 3);
	const finding_cites *c = &x->cites[0];
	CU_ASSERT_EQUAL(c->input, 0);
	CU_ASSERT_EQUAL_FATAL(c->nframes, 4);  /* as cited, repeats kept */
	CU_ASSERT(c->frames[0] == 9 && c->frames[1] == 3 && c->frames[2] == 3 && c->frames[3] == 5);
	CU_ASSERT_EQUAL(c->nlines, 0);
	CU_ASSERT_EQUAL_FATAL(c->nsorted, 3);
	CU_ASSERT(c->frames_sorted[0] == 3 && c->frames_sorted[1] == 5 && c->frames_sorted[2] == 9);
	c = &x->cites[1];
	CU_ASSERT_EQUAL(c->input, 1);
	CU_ASSERT(c->nframes == 0 && c->nlines == 1 && c->lines[0] == 40);
	c = &x->cites[2];
	CU_ASSERT_EQUAL(c->input, 2);  /* = the number of inputs: the unknown ones */
	CU_ASSERT(c->nframes == 1 && c->frames[0] == 7 && c->nsorted == 1);

	CU_ASSERT(x->dev == d && x->label_is_ip);
	CU_ASSERT(y->dev == named && !y->label_is_ip);
	CU_ASSERT(z->dev == NULL && !z->label_is_ip);
	CU_ASSERT(w->dev == NULL);
	CU_ASSERT_EQUAL(w->ncites, 0);
	CU_ASSERT_PTR_NULL(w->cites);

	size_t n[3];
	findings_tally(&b.an.fnd, n);
	CU_ASSERT(n[SEV_ERROR] == 1 && n[SEV_WARNING] == 1 && n[SEV_INFO] == 2);
	bench_free(&b);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("conclude", NULL, NULL);
	CU_add_test(s, "timeline entries carry their devices", test_entry_devices);
	CU_add_test(s, "certificate chains are typed, the failing link marked", test_typed_chain);
	CU_add_test(s, "one lookup of a kept event by frame or line", test_find);
	CU_add_test(s, "a finding's evidence per input and its device", test_finding_cites_and_device);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
