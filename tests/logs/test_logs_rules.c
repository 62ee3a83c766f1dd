/* Knowledge base, correlation rules and user rules, on logs and hand-made
 * wire events (hello and flow events built here, not by the dissectors). */
#include <CUnit/Basic.h>
#include <string.h>
#include <unistd.h>

#include "decoder/events/flow.h"
#include "decoder/events/hello.h"
#include "logtest.h"
#include "inputs/kb.h"
#include "inputs/logfmt.h"
#include "inputs/logs.h"
#include "rules/rule.h"
#include "rules/rule_logs.h"
#include "rules/user_rules.h"

#define SEC 1000000LL
static const int64_t T0 = 1795434600LL * SEC; /* 2026-11-23T09:10:00Z */
static const char *UUID = "939b524b-13d4-1d18-e487-1c697a6b7a2b";

static finding *find(analysis *an, const char *id, int nth)
{
	for (guint i = 0; i < an->fnd.list->len; i++) {
		finding *x = an->fnd.list->pdata[i];
		if (!strcmp(x->rule, id) && nth-- == 0)
			return x;
	}
	return NULL;
}

static int count(analysis *an, const char *id)
{
	int n = 0;
	while (find(an, id, n))
		n++;
	return n;
}

static bool cites(const finding *x, uint16_t input, uint32_t frame, uint32_t line)
{
	for (guint i = 0; i < x->evidence->len; i++) {
		const evidence *e = &g_array_index(x->evidence, evidence, i);
		if (e->input == input && e->frame == frame && e->line == line)
			return true;
	}
	return false;
}

static void test_kb_scopes(void)
{
	char *dir = src_path("rules/kb");
	char *warn = NULL;
	kb *k = kb_load_dir(dir, &warn);
	CU_ASSERT_PTR_NULL(warn);
	const char *seeds[] = {"102", "103", "137", "139", "407", "602", "913", "contact_back"};
	for (size_t i = 0; i < 8; i++) {
		const kb_entry *e = kb_lookup(k, "scs", seeds[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_PTR_NOT_NULL(e->meaning);
		CU_ASSERT_PTR_NOT_NULL(e->remedy);
	}
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "scs", "102")->rule, "scs.error.102");
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "rpc-go", "102")->title, "ActivationFailed");
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "rpc-go", "139")->title, "LMSConnectionFailed");
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "rpc-go", "128")->rule, "rpcgo.error.128");
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "pt-status", "0x0026")->title, "PT_STATUS_FLASH_WRITE_LIMIT_EXCEEDED");
	CU_ASSERT_STRING_EQUAL(kb_lookup(k, "acuconfig", "0XC0003E93")->rule, "scs.error.0xc0003e93");
	CU_ASSERT_PTR_NULL(kb_lookup(k, "scs", "128"));
	CU_ASSERT_PTR_NULL(kb_lookup(k, "windows", "102"));
	/* every rpc-go exit code of the spec */
	const int rpc[] = {1, 2, 3, 4, 5, 10, 20, 24, 28, 38, 70, 71, 72, 100, 111, 114, 116, 120, 121, 139, 150, 154};
	for (size_t i = 0; i < sizeof(rpc) / sizeof(rpc[0]); i++) {
		char c[8];
		snprintf(c, sizeof(c), "%d", rpc[i]);
		CU_ASSERT_PTR_NOT_NULL(kb_lookup(k, "rpc-go", c));
	}
	kb_free(k);
	g_free(dir);
}

typedef struct world {
	amt_run run;
	analysis an;
	arena a;
	flow_info hello_flow[3], back;
	ev_flow back_state, hello_state[3];
	ev_hello hello;   /* payload of the hand-made hellos (UUID only) */
	bool flows_only;  /* no hello dissector: only the 9971 connections */
	int64_t spacing;  /* between hellos; 60 s unless set */
} world;

static void world_init(world *w)
{
	memset(w, 0, sizeof(*w));
	run_init(&w->run);
	analysis_init(&w->an, &w->run);
	arena_init(&w->a, 4096);
}

static void world_free(world *w)
{
	analysis_free(&w->an);
	run_free(&w->run);
	arena_free(&w->a);
}

/* What the capture engine and the hello dissector would emit for a device
 * that says hello three times, a minute apart, and a setup service whose
 * SYN to the device's port 16993 is never answered. */
static void emit_capture(world *w)
{
	run_add_input(&w->run, "capture.pcap", INPUT_PCAP);
	for (int i = 0; i < 3; i++) {
		flow_info *f = &w->hello_flow[i];
		memset(f, 0, sizeof(*f));
		f->id = (uint64_t)i + 1;
		f->ipproto = 6;
		amt_addr_parse("127.0.7.21", &f->cli);
		amt_addr_parse("127.0.7.1", &f->srv);
		f->cport = (uint16_t)(50000 + i);
		f->sport = 9971;
		f->first_frame = (uint32_t)(1 + 10 * i);
		f->first_ts = T0 + i * (w->spacing ? w->spacing : 60 * SEC);
		if (w->flows_only) {
			memset(&w->hello_state[i], 0, sizeof(w->hello_state[i]));
			w->hello_state[i].state = FLOW_CLOSED;
			w->hello_state[i].last_frame = f->first_frame + 6;
			event *e = ev_new(&w->a, EV_FLOW_CLOSE, "tcp");
			e->flow = f;
			e->data = &w->hello_state[i];
			e->ts = f->first_ts + 5000;
			e->frame_first = f->first_frame;
			e->frame_last = f->first_frame + 6;
			bus_emit(&w->run.bus, e);
			continue;
		}
		event *e = ev_new(&w->a, EV_HELLO, "hello");
		e->flow = f;
		e->dir = DIR_C2S;
		e->ts = f->first_ts + 2000;
		e->frame_first = e->frame_last = f->first_frame + 3;
		if (i == 0) {
			ev_str(e, "hello.uuid", UUID);  /* the generic field alone */
		} else {
			g_strlcpy(w->hello.uuid, UUID, sizeof(w->hello.uuid));
			w->hello.version = 3;
			e->data = &w->hello;      /* the payload */
		}
		bus_emit(&w->run.bus, e);
	}
	flow_info *b = &w->back;
	memset(b, 0, sizeof(*b));
	b->id = 4;
	b->ipproto = 6;
	amt_addr_parse("127.0.7.1", &b->cli);
	amt_addr_parse("127.0.7.21", &b->srv);
	b->cport = 40000;
	b->sport = 16993;
	b->first_frame = 30;
	b->first_ts = T0 + 121 * SEC;
	memset(&w->back_state, 0, sizeof(w->back_state));
	w->back_state.state = FLOW_NO_ANSWER;
	w->back_state.syn_count = 3;
	w->back_state.last_frame = 33;
	event *e = ev_new(&w->a, EV_FLOW_CLOSE, "tcp");
	e->flow = b;
	e->data = &w->back_state;
	e->ts = T0 + 130 * SEC;
	e->frame_first = 30;
	e->frame_last = 33;
	bus_emit(&w->run.bus, e);
}

static char *fmt_local(int64_t us)
{
	GDateTime *d = g_date_time_new_from_unix_utc(us / SEC);
	char *s = g_date_time_format(d, "%Y-%m-%d %H:%M:%S");
	char *out = g_strdup_printf("%s.%03d", s, (int)((us % SEC) / 1000));
	g_free(s);
	g_date_time_unref(d);
	return out;
}

/* An SCS debug log of the same story, its clock `skew` ahead. */
static char *scs_log(int64_t skew)
{
	GString *g = g_string_new(NULL);
	for (int i = 0; i < 3; i++) {
		char *t = fmt_local(T0 + i * 60 * SEC + 150000 + skew);
		g_string_append_printf(g, "%s [0x0B40] V Hello packet received from 127.0.7.21 (UUID %s)\n", t, UUID);
		g_free(t);
	}
	char *t = fmt_local(T0 + 125 * SEC + skew);
	g_string_append_printf(g, "%s [0x0B40] E Intel SCS Exception: Cannot contact back AMT with IP:127.0.7.21 Exception\n", t);
	g_free(t);
	char *path = temp_file(g->str, g->len);
	g_string_free(g, TRUE);
	return path;
}

static void test_contact_back_with_capture(void)
{
	world w;
	world_init(&w);
	w.run.cfg.log_tz = "UTC";
	emit_capture(&w);
	int64_t skew = 37 * SEC + 200000;
	char *path = scs_log(skew);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	CU_ASSERT_EQUAL(count(&w.an, "scs.contact_back_failed"), 1);
	finding *x = find(&w.an, "scs.contact_back_failed", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->sev, SEV_ERROR);
	CU_ASSERT_STRING_EQUAL(x->device, "127.0.7.21");
	CU_ASSERT_TRUE(cites(x, 1, 0, 4));  /* the log line */
	CU_ASSERT_TRUE(cites(x, 0, 4, 0));  /* the hellos */
	CU_ASSERT_TRUE(cites(x, 0, 14, 0));
	CU_ASSERT_TRUE(cites(x, 0, 24, 0));
	CU_ASSERT_TRUE(cites(x, 0, 30, 0)); /* the unanswered connection back */
	CU_ASSERT_TRUE(cites(x, 0, 33, 0));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "Seen in the capture too: 3 hellos from 127.0.7.21"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "127.0.7.21:16993 was never answered"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "Log clock offset to the capture: +37.348 s (from 3 hellos"));
	int64_t off;
	int pairs;
	CU_ASSERT_TRUE_FATAL(rule_logs_offset(&w.an, 1, &off, &pairs));
	CU_ASSERT_TRUE(llabs(off - (skew + 148000)) < SEC);
	CU_ASSERT_EQUAL(pairs, 3);
	CU_ASSERT_EQUAL(count(&w.an, "log.clock_offset"), 1);
	CU_ASSERT_EQUAL(count(&w.an, "time.skew"), 0);
	/* the device table ties the log's UUID and IP together */
	device *d = dev_by_ip_str(&w.an.dev, "127.0.7.21", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_TRUE(dev_has(d, FACT_UUID, UUID));
	unlink(path);
	g_free(path);
	world_free(&w);
}

static void test_skew_beyond_kerberos(void)
{
	world w;
	world_init(&w);
	w.run.cfg.log_tz = "UTC";
	emit_capture(&w);
	char *path = scs_log(-(7 * 60 * SEC + 20 * SEC));  /* log 7m20s behind */
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	finding *x = find(&w.an, "time.skew", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->sev, SEV_WARNING);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "-439.852 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "Kerberos"));
	CU_ASSERT_TRUE(cites(x, 1, 0, 1));
	CU_ASSERT_TRUE(cites(x, 0, 4, 0));
	/* the contact-back line still lines up with the right frames */
	finding *c = find(&w.an, "scs.contact_back_failed", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(cites(c, 0, 30, 0));
	unlink(path);
	g_free(path);
	world_free(&w);
}

/* Before the hello dissector is wired, the TCP connections to 9971 stand in
 * for the hellos. */
static void test_contact_back_hello_flows(void)
{
	world w;
	world_init(&w);
	w.flows_only = true;
	w.run.cfg.log_tz = "UTC";
	emit_capture(&w);
	char *path = scs_log(5 * SEC);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	CU_ASSERT_EQUAL(count(&w.an, "scs.contact_back_failed"), 1);
	finding *x = find(&w.an, "scs.contact_back_failed", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_TRUE(cites(x, 0, 1, 0));
	CU_ASSERT_TRUE(cites(x, 0, 21, 0));
	CU_ASSERT_TRUE(cites(x, 0, 30, 0));
	int64_t off;
	int pairs;
	CU_ASSERT_TRUE_FATAL(rule_logs_offset(&w.an, 1, &off, &pairs));
	CU_ASSERT_TRUE(llabs(off - 5150000) < SEC);
	unlink(path);
	g_free(path);
	world_free(&w);
}

/* Hellos one second apart and a log three seconds ahead: several shifts
 * pair every hello; the tightest one is the clock offset. */
static void test_offset_dense_hellos(void)
{
	world w;
	world_init(&w);
	w.spacing = SEC;
	w.run.cfg.log_tz = "UTC";
	emit_capture(&w);
	GString *g = g_string_new(NULL);
	for (int i = 0; i < 3; i++) {
		char *t = fmt_local(T0 + i * SEC + 2000 + 3 * SEC + 40000);
		g_string_append_printf(g, "%s [0x0B40] V Hello packet received from 127.0.7.21\n", t);
		g_free(t);
	}
	char *path = temp_file(g->str, g->len);
	g_string_free(g, TRUE);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	int64_t off;
	int pairs;
	CU_ASSERT_TRUE_FATAL(rule_logs_offset(&w.an, 1, &off, &pairs));
	CU_ASSERT_TRUE(llabs(off - (3 * SEC + 40000)) < 5000);
	CU_ASSERT_EQUAL(pairs, 3);
	unlink(path);
	g_free(path);
	world_free(&w);
}

/* A log that names the device only by UUID pairs with the hellos' UUIDs. */
static void test_offset_by_uuid(void)
{
	world w;
	world_init(&w);
	w.run.cfg.log_tz = "UTC";
	emit_capture(&w);
	GString *g = g_string_new(NULL);
	for (int i = 0; i < 3; i++) {
		char *t = fmt_local(T0 + i * 60 * SEC + 2000 - 90 * SEC);
		g_string_append_printf(g, "%s [9] V Hello packet received (UUID %s)\n", t, UUID);
		g_free(t);
	}
	char *path = temp_file(g->str, g->len);
	g_string_free(g, TRUE);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	int64_t off;
	int pairs;
	CU_ASSERT_TRUE_FATAL(rule_logs_offset(&w.an, 1, &off, &pairs));
	CU_ASSERT_TRUE(llabs(off + 90 * SEC) < 5000);
	CU_ASSERT_EQUAL(pairs, 3);
	unlink(path);
	g_free(path);
	world_free(&w);
}

/* A log line naming a host by FQDN lands on the device DNS gave that name. */
static void test_link_by_fqdn(void)
{
	world w;
	world_init(&w);
	emit_capture(&w);
	evidence ev = {0, 2, 0, 0};
	device *d = dev_by_ip_str(&w.an.dev, "127.0.7.21", true);
	dev_fact(&w.an.dev, d, FACT_FQDN, "amt-07.corp.example", "dns", ev, T0);
	const char *log = "Error 913 - No rows found in get UuidMap for AMT-07.corp.example\n";
	char *path = temp_file(log, strlen(log));
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	CU_ASSERT_STRING_EQUAL(((amt_input *)w.run.inputs->pdata[1])->kind_name, "scs-legacy-text");
	finding *x = find(&w.an, "scs.error.913", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->device, "127.0.7.21");
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "Seen in the capture too"));
	CU_ASSERT_TRUE(cites(x, 1, 0, 1));
	CU_ASSERT_TRUE(cites(x, 0, 4, 0));
	unlink(path);
	g_free(path);
	world_free(&w);
}

static void test_contact_back_log_only(void)
{
	world w;
	world_init(&w);
	char *path = scs_log(0);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, path, &err));
	analysis_end(&w.an);
	finding *x = find(&w.an, "scs.contact_back_failed", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "No capture confirmed it (log only)."));
	CU_ASSERT_EQUAL(x->evidence->len, 1);
	unlink(path);
	g_free(path);
	world_free(&w);
}

/* Each seed code gives its scs.error.<code> with the seeds' words; the same
 * number in an rpc-go log gives rpc-go's meaning. */
static void test_seed_codes_and_scopes(void)
{
	const char *scs = "2026-11-23 11:50:01 [12] E Error 102 - Intel AMT device is already provisioned\n"
			  "2026-11-23 11:50:02 [12] W Error 103 - Request is already in the queue\n"
			  "2026-11-23 11:50:03 [12] E Error 137 - Another process currently working on AMT\n"
			  "2026-11-23 11:50:04 [12] E Error 139 - Failed to update Kerberos Password\n"
			  "2026-11-23 11:50:05 [12] E Error 407 - Batch exit code 0xfffff\n"
			  "2026-11-23 11:50:06 [12] E Error 602 - Exception in clock sync worker\n"
			  "2026-11-23 11:50:07 [12] E Error 913 - No rows found in get UuidMap\n";
	const char *rpc = "time=\"2026-11-23T11:50:00Z\" level=error msg=\"activation failed: exit code 102\"\n"
			  "time=\"2026-11-23T11:50:01Z\" level=error msg=\"exiting with code 139\"\n";
	char *p1 = temp_file(scs, strlen(scs)), *p2 = temp_file(rpc, strlen(rpc));
	world w;
	world_init(&w);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, p1, &err));
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, p2, &err));
	analysis_end(&w.an);
	const struct { const char *rule, *title, *remedy; } want[] = {
		{"scs.error.102", "Intel AMT device is already provisioned", "delete its entry from the provisioning console"},
		{"scs.error.103", "Request is already in the queue", "wait for the queued request"},
		{"scs.error.137", "Another process currently working on AMT", "partial unprovision"},
		{"scs.error.139", "Failed to update Kerberos password", "schema extensions"},
		{"scs.error.407", "Batch exit code 0xfffff", "provider of the provisioning script"},
		{"scs.error.602", "Exception in clock sync worker", "benign"},
		{"scs.error.913", "No rows found in get UuidMap", "provisioning script provider"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		finding *x = find(&w.an, want[i].rule, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(x);
		CU_ASSERT_EQUAL(count(&w.an, want[i].rule), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, want[i].title));
		CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "No capture confirmed it (log only)."));
		bool in_remedy = x->remedy && strstr(x->remedy, want[i].remedy);
		bool in_summary = strstr(x->summary, want[i].remedy) != NULL;
		if (!in_remedy && !in_summary)
			fprintf(stderr, "%s: remedy '%s'\n", want[i].rule, x->remedy);
		CU_ASSERT_TRUE(in_remedy || in_summary);
		CU_ASSERT_TRUE(cites(x, 0, 0, (uint32_t)i + 1));
		CU_ASSERT_EQUAL(x->evidence->len, 1);  /* never the rpc-go line */
	}
	CU_ASSERT_EQUAL(find(&w.an, "scs.error.103", 0)->sev, SEV_INFO);
	finding *r = find(&w.an, "rpcgo.error.102", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->summary, "ActivationFailed"));
	CU_ASSERT_PTR_NULL(strstr(r->summary, "already provisioned"));
	CU_ASSERT_TRUE(cites(r, 1, 0, 1));
	finding *l = find(&w.an, "rpcgo.error.139", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_PTR_NOT_NULL(strstr(l->summary, "LMSConnectionFailed"));
	CU_ASSERT_PTR_NOT_NULL(find(&w.an, "time.skew", 0));  /* error 602 */
	world_free(&w);
	unlink(p1);
	unlink(p2);
	g_free(p1);
	g_free(p2);
}

/* Kerberos' own skew error in a ConfigMgr log is a time.skew too. */
static void test_windows_time_skew(void)
{
	const char *log = "Error 0x80090324 returned by InitializeSecurityContext during follow up TLS handshaking with server.\n";
	char *p = temp_file(log, strlen(log));
	world w;
	world_init(&w);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, p, &err));
	analysis_end(&w.an);
	finding *x = find(&w.an, "win.error.0x80090324", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->summary, "SEC_E_TIME_SKEW"));
	finding *t = find(&w.an, "time.skew", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(cites(t, 0, 0, 1));
	world_free(&w);
	unlink(p);
	g_free(p);
}

/* The example file in docs/ works as the documentation says. */
static void test_user_rules_example(void)
{
	char *rules = src_path("docs/examples/user-rules.rules");
	char *log = public_path("rpc-go-activation.log");
	const char *scs = "2026-11-23 11:50:01 [7] E SCS poller: SQL connection timeout talking to AMT database\n";
	char *p = temp_file(scs, strlen(scs));
	world w;
	world_init(&w);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(user_rules_load(&w.an, rules, &err));
	CU_ASSERT_EQUAL(user_rules_of(&w.an)->len, 3);
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, log, &err));
	CU_ASSERT_TRUE_FATAL(logs_load(&w.run, p, &err));
	/* a wire event for the field rule */
	event *e = ev_new(&w.a, EV_DNS_QUERY, "dns");
	flow_info f = {.id = 9, .ipproto = 17, .sport = 53, .cport = 5353, .first_frame = 7};
	amt_addr_parse("127.0.7.21", &f.cli);
	amt_addr_parse("127.0.7.53", &f.srv);
	e->flow = &f;
	e->frame_first = e->frame_last = 7;
	ev_str(e, "dns.qry.name", "ProvisionServer.corp.example");
	bus_emit(&w.run.bus, e);
	analysis_end(&w.an);
	finding *x = find(&w.an, "site.rpcgo.lms_missing", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->sev, SEV_WARNING);
	CU_ASSERT_STRING_EQUAL(x->summary, "rpc-go could not reach LMS and fell back to the local HECI transport");
	CU_ASSERT_TRUE(cites(x, 0, 0, 2));
	CU_ASSERT_TRUE(cites(x, 0, 0, 7));
	finding *d = find(&w.an, "site.dns.provisionserver_query", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->summary, "A device looked for its setup server in corp.example");
	CU_ASSERT_STRING_EQUAL(d->device, "127.0.7.21");
	CU_ASSERT_TRUE(cites(d, 0, 7, 0));
	finding *q = find(&w.an, "site.scs.sql_timeout", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->sev, SEV_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(q->summary, "SQL connection timeout"));
	world_free(&w);
	unlink(p);
	g_free(p);
	g_free(rules);
	g_free(log);
}

static void expect_error(const char *text, const char *line, const char *words)
{
	char *p = temp_file(text, strlen(text));
	world w;
	world_init(&w);
	char *err = NULL;
	CU_ASSERT_FALSE(user_rules_load(&w.an, p, &err));
	if (!err || !strstr(err, p) || !strstr(err, line) || !strstr(err, words))
		fprintf(stderr, "unexpected: %s\n", err ? err : "(none)");
	CU_ASSERT_TRUE(err && strstr(err, p) != NULL);
	CU_ASSERT_TRUE(err && strstr(err, line) != NULL);
	CU_ASSERT_TRUE(err && strstr(err, words) != NULL);
	CU_ASSERT_EQUAL(user_rules_of(&w.an)->len, 0);
	g_free(err);
	world_free(&w);
	unlink(p);
	g_free(p);
}

static void test_user_rules_errors(void)
{
	expect_error("[rule ok]\nregex=x\nsummary=y\n\n[rule bad]\nseverity=error\nregex=(unclosed\nsummary=z\n",
		     "line 7", "missing terminating )");
	expect_error("[rule a]\nregex=x\nsummary=y\nseverty=error\n", "line 4", "unknown key 'severty'");
	expect_error("[rule a]\nregex=x\nsummary=y\nseverity=fatal\n", "line 4", "severity must be");
	expect_error("[rule a]\nregex=x\nsummary=y\nkind=dns_qery\n", "line 4", "unknown event kind");
	expect_error("[rule a]\nregex=x\n", "line 1", "needs summary=");
	expect_error("[rule a]\nregex=x\nsummary=y\nthis is not a key\n", "line 4", "not a key-value pair");
	expect_error("[rule a]\nregex=(?<n>x)\nsummary=bad \\g<n\n", "line 3", "summary");
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("logs-rules", NULL, NULL);
	CU_add_test(s, "knowledge base scopes", test_kb_scopes);
	CU_add_test(s, "contact back: log + capture, offset", test_contact_back_with_capture);
	CU_add_test(s, "time.skew beyond Kerberos", test_skew_beyond_kerberos);
	CU_add_test(s, "contact back: log only", test_contact_back_log_only);
	CU_add_test(s, "contact back: 9971 flows stand in for hellos", test_contact_back_hello_flows);
	CU_add_test(s, "offset with hellos a second apart", test_offset_dense_hellos);
	CU_add_test(s, "log line linked by FQDN", test_link_by_fqdn);
	CU_add_test(s, "offset paired by UUID (hello payload)", test_offset_by_uuid);
	CU_add_test(s, "seed codes vs rpc-go codes", test_seed_codes_and_scopes);
	CU_add_test(s, "SEC_E_TIME_SKEW is a time.skew", test_windows_time_skew);
	CU_add_test(s, "user rules: docs example", test_user_rules_example);
	CU_add_test(s, "user rules: errors", test_user_rules_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
