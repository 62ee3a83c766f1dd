/* rule_wsman on events from the real HTTP dissector (no engine): findings,
 * device facts and the provisioning timeline. */
#include "testutil.h"

#include "decoder/dissector.h"
#include "rules/provisioning.h"
#include "rules/rule.h"

extern const dissector dissector_http;

typedef struct world {
	amt_run run;
	analysis an;
	dis_test t;
	void *st;
} world;

static world *world_new(void)
{
	world *w = g_new0(world, 1);
	run_init(&w->run);
	analysis_init(&w->an, &w->run);
	dis_test_init(&w->t, 6, "127.0.6.1", 40000, "127.0.6.2", 16992);
	w->t.ctx.bus = &w->run.bus;  /* events go to the rules */
	w->st = dissector_http.state_new(&w->t.ctx);
	return w;
}

static void world_free(world *w)
{
	dissector_http.state_free(w->st);
	analysis_free(&w->an);
	dis_test_free(&w->t);
	run_free(&w->run);
	g_free(w);
}

/* A new connection: a fresh dissector state and flow id, like a reconnect. */
static void reconnect(world *w)
{
	dissector_http.state_free(w->st);
	w->t.flow.id++;
	w->st = dissector_http.state_new(&w->t.ctx);
}

static void send_str(world *w, uint8_t dir, const char *s, uint32_t frame)
{
	w->t.mark.frame = frame;
	dis_test_stream(&w->t, &dissector_http, w->st, dir, (const uint8_t *)s, strlen(s), 0, false);
}

static void send_sample(world *w, const char *rel, uint32_t frame)
{
	GBytes *b = public_file(rel);
	gsize n;
	const uint8_t *p = g_bytes_get_data(b, &n);
	w->t.mark.frame = frame;
	dis_test_stream(&w->t, &dissector_http, w->st, DIR_S2C, p, n, 0, false);
	g_bytes_unref(b);
}

static char *post(const char *body_sample, const char *auth)
{
	GBytes *b = public_file(body_sample);
	gsize n;
	const char *body = g_bytes_get_data(b, &n);
	char *r = g_strdup_printf("POST /wsman HTTP/1.1\r\nHost: 127.0.6.2:16992\r\n%s%s%sContent-Length: %zu\r\n\r\n%.*s",
				  auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "", (size_t)n,
				  (int)n, body);
	g_bytes_unref(b);
	return r;
}

static char *post_xml(const char *xml)
{
	return g_strdup_printf("POST /wsman HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s", strlen(xml), xml);
}

static char *ok_response(const char *sample)
{
	GBytes *b = public_file(sample);
	gsize n;
	const char *body = g_bytes_get_data(b, &n);
	char *r = g_strdup_printf("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=UTF-8\r\n"
				  "Content-Length: %zu\r\n\r\n%.*s", (size_t)n, (int)n, body);
	g_bytes_unref(b);
	return r;
}

#define DIGEST_OK "Digest username=\"admin\", realm=\"Digest:727734D63A1FC0423736E48DA554E462\", " \
	"nonce=\"B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA\", uri=\"/wsman\", cnonce=\"MTIz\", nc=00000001, qop=auth, " \
	"response=\"feedfacefeedfacefeedfacefeedface\""

static size_t count_rule(world *w, const char *id)
{
	size_t n = 0;
	for (guint i = 0; i < w->an.fnd.list->len; i++)
		if (strcmp(((finding *)w->an.fnd.list->pdata[i])->rule, id) == 0)
			n++;
	return n;
}

static const finding *get_rule(world *w, const char *id)
{
	for (guint i = 0; i < w->an.fnd.list->len; i++)
		if (strcmp(((finding *)w->an.fnd.list->pdata[i])->rule, id) == 0)
			return w->an.fnd.list->pdata[i];
	return NULL;
}

static void test_challenge_then_success(void)
{
	world *w = world_new();
	char *rq = post("wsman/requests/amt_generalsettings_get.xml", NULL);
	send_str(w, DIR_C2S, rq, 1);
	send_sample(w, "wsman/http/amt15_wsman_401_digest_challenge.http", 2);
	reconnect(w);
	char *rq2 = post("wsman/requests/amt_generalsettings_get.xml", DIGEST_OK);
	send_str(w, DIR_C2S, rq2, 3);
	send_sample(w, "wsman/http/amt15_wsman_get_generalsettings_200_chunked.http", 4);
	analysis_end(&w->an);
	CU_ASSERT_EQUAL(w->an.fnd.list->len, 0);
	device *amt = dev_by_ip_str(&w->an.dev, "127.0.6.2", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(amt);
	CU_ASSERT_TRUE(dev_has(amt, FACT_AMT_VERSION, "15.0.23.1706"));
	CU_ASSERT_TRUE(amt->roles & ROLE_AMT);
	CU_ASSERT_TRUE(dev_has(amt, FACT_NOTE, "digest realm Digest:62FFAC181B3F3457C5B3894ED21F3E6E"));
	device *con = dev_by_ip_str(&w->an.dev, "127.0.6.1", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(con);
	CU_ASSERT_TRUE(con->roles & ROLE_CONSOLE);
	g_free(rq);
	g_free(rq2);
	world_free(w);
}

static void test_wrong_password(void)
{
	world *w = world_new();
	char *rq = post("wsman/requests/amt_generalsettings_get.xml", NULL);
	send_str(w, DIR_C2S, rq, 1);
	send_sample(w, "wsman/http/amt15_wsman_401_digest_challenge.http", 2);
	reconnect(w);
	char *rq2 = post("wsman/requests/amt_generalsettings_get.xml", DIGEST_OK);
	send_str(w, DIR_C2S, rq2, 3);
	send_sample(w, "wsman/http/amt15_wsman_401_digest_challenge.http", 4);
	analysis_end(&w->an);
	CU_ASSERT_EQUAL(w->an.fnd.list->len, 1);
	const finding *f = get_rule(w, "wsman.auth.failed");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->sev, SEV_ERROR);
	STR_EQ(f->device, "127.0.6.2");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "\"admin\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "Digest:727734D63A1FC0423736E48DA554E462"));
	CU_ASSERT_PTR_NULL(strstr(f->summary, "feedface"));
	CU_ASSERT_PTR_NULL(strstr(f->remedy, "feedface"));
	/* evidence: both refusals */
	CU_ASSERT_EQUAL_FATAL(f->evidence->len, 2);
	CU_ASSERT_EQUAL(g_array_index(f->evidence, evidence, 1).frame, 4);
	g_free(rq);
	g_free(rq2);
	world_free(w);
}

static void test_fault_finding(void)
{
	world *w = world_new();
	char *rq = post("wsman/requests/amt_setupandconfiguration_unprovision.xml", DIGEST_OK);
	send_str(w, DIR_C2S, rq, 1);
	send_sample(w, "wsman/http/amt15_wsman_400_fault_alreadyexists_chunked.http", 2);
	analysis_end(&w->an);
	CU_ASSERT_EQUAL(w->an.fnd.list->len, 1);
	const finding *f = get_rule(w, "wsman.fault");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->sev, SEV_WARNING);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "e:AlreadyExists"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "Unprovision"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "already exists"));
	CU_ASSERT_EQUAL(g_array_index(f->evidence, evidence, 0).frame, 2);
	const GPtrArray *tracks = prov_tracks(&w->an);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tracks);
	CU_ASSERT_EQUAL_FATAL(tracks->len, 1);
	const prov_track *t = tracks->pdata[0];
	CU_ASSERT_EQUAL_FATAL(t->steps->len, 1);
	CU_ASSERT_EQUAL(prov_first_failure(t), 0);
	const prov_step *s = t->steps->pdata[0];
	STR_EQ(s->op, "Unprovision");
	CU_ASSERT_EQUAL(s->result, PROV_FAILED);
	CU_ASSERT_EQUAL(s->http_status, 400);
	g_free(rq);
	world_free(w);
}

static void test_cve_2017_5689(void)
{
	world *w = world_new();
	send_str(w, DIR_C2S,
		 "GET /index.htm HTTP/1.1\r\nAuthorization: Digest username=\"admin\", realm=\"Digest:727734D63A1FC0423736E48DA554E462\", "
		 "nonce=\"x\", uri=\"/index.htm\", response=\"\", qop=auth, nc=00000001, cnonce=\"y\"\r\n\r\n", 1);
	send_str(w, DIR_S2C, "HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology 9.1.0.1000\r\nContent-Length: 0\r\n\r\n", 2);
	analysis_end(&w->an);
	const finding *f = get_rule(w, "wsman.cve_2017_5689");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->sev, SEV_ERROR);
	CU_ASSERT_EQUAL(count_rule(w, "wsman.auth.failed"), 0);
	world_free(w);
}

static void test_facts_and_timeline(void)
{
	world *w = world_new();
	static const char *const exchanges[][2] = {
		{"wsman/requests/amt_generalsettings_get.xml", "wsman/responses/amt_setupandconfiguration_get.xml"},
		{"wsman/requests/amt_generalsettings_get.xml", "wsman/responses/ips_hostbasedsetup_get.xml"},
		{"wsman/requests/amt_generalsettings_get.xml", "wsman/responses/cim_software_identity_pull.xml"},
		{"wsman/requests/amt_generalsettings_get.xml", "wsman/responses/amt_ethernetport_pull.xml"},
		{"wsman/requests/amt_generalsettings_get.xml", "wsman/responses/amt_tls_settingdata_pull.xml"},
		{"wsman/requests/ips_hostbasedsetup_adminsetup.xml", "wsman/responses/ips_hostbasedsetup_adminsetup.xml"},
	};
	uint32_t frame = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(exchanges); i++) {
		char *rq = post(exchanges[i][0], DIGEST_OK);
		char *rs = ok_response(exchanges[i][1]);
		send_str(w, DIR_C2S, rq, frame++);
		send_str(w, DIR_S2C, rs, frame++);
		g_free(rq);
		g_free(rs);
	}
	/* CommitChanges failing with DATA_MISSING, then an unanswered Put */
	char *commit = post_xml(
		"<Envelope xmlns=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><Header>"
		"<a:Action>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService/CommitChanges</a:Action>"
		"<w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService</w:ResourceURI>"
		"</Header><Body><h:CommitChanges_INPUT xmlns:h=\"http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService\"/></Body></Envelope>");
	const char *commit_rs_body =
		"<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:g=\"http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService\">"
		"<a:Body><g:CommitChanges_OUTPUT><g:ReturnValue>2057</g:ReturnValue></g:CommitChanges_OUTPUT></a:Body></a:Envelope>";
	char *commit_rs = g_strdup_printf("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: %zu\r\n\r\n%s",
					  strlen(commit_rs_body), commit_rs_body);
	send_str(w, DIR_C2S, commit, frame++);
	send_str(w, DIR_S2C, commit_rs, frame++);
	char *put = post_xml(
		"<Envelope xmlns=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><Header>"
		"<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Put</a:Action>"
		"<w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings</w:ResourceURI></Header><Body/></Envelope>");
	send_str(w, DIR_C2S, put, frame++);
	analysis_end(&w->an);

	device *amt = dev_by_ip_str(&w->an.dev, "127.0.6.2", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(amt);
	amt = dev_resolve(amt);
	CU_ASSERT_TRUE(dev_has(amt, FACT_PROV_STATE, "post"));
	CU_ASSERT_TRUE(dev_has(amt, FACT_PROV_MODE, "admin"));
	CU_ASSERT_TRUE(dev_has(amt, FACT_CONTROL_MODE, "admin"));
	CU_ASSERT_TRUE(dev_has(amt, FACT_AMT_VERSION, "12.0.67"));
	CU_ASSERT_TRUE(dev_has(amt, FACT_MAC, "00:be:43:d8:22:a4"));
	CU_ASSERT_TRUE(dev_has(amt, FACT_TLS, "802.3 TLS disabled"));
	/* the timeline: AdminSetup ok, CommitChanges failed, Put unanswered */
	const GPtrArray *tracks = prov_tracks(&w->an);
	CU_ASSERT_EQUAL_FATAL(tracks->len, 1);
	const prov_track *t = tracks->pdata[0];
	CU_ASSERT_EQUAL_FATAL(t->steps->len, 3);
	const prov_step *s0 = t->steps->pdata[0], *s1 = t->steps->pdata[1], *s2 = t->steps->pdata[2];
	STR_EQ(s0->op, "AdminSetup");
	CU_ASSERT_EQUAL(s0->result, PROV_OK);
	STR_EQ(s1->op, "CommitChanges");
	CU_ASSERT_EQUAL(s1->result, PROV_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(s1->detail, "DATA_MISSING"));
	STR_EQ(s2->op, "Put");
	CU_ASSERT_EQUAL(s2->result, PROV_NO_ANSWER);
	CU_ASSERT_EQUAL(prov_first_failure(t), 1);
	CU_ASSERT_TRUE(prov_committed(t));  /* AdminSetup went through */
	const fact *note = NULL;
	for (guint i = 0; i < amt->facts->len; i++) {
		const fact *x = &g_array_index(amt->facts, fact, i);
		if (x->kind == FACT_NOTE && strcmp(x->source, "wsman.provisioning") == 0)
			note = x;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(note);
	CU_ASSERT_PTR_NOT_NULL(strstr(note->value, "CommitChanges"));
	const finding *f = get_rule(w, "wsman.fault");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "DATA_MISSING"));
	CU_ASSERT_EQUAL(count_rule(w, "wsman.fault"), 1);
	g_free(commit);
	g_free(commit_rs);
	g_free(put);
	world_free(w);
}

/* A connection that closes on an unanswered step settles it at once. */
static void test_closed_unanswered(void)
{
	world *w = world_new();
	char *rq = post("wsman/requests/amt_setupandconfiguration_unprovision.xml", DIGEST_OK);
	send_str(w, DIR_C2S, rq, 1);
	event *close = ev_new(&w->t.scratch, EV_FLOW_CLOSE, "tcp");
	close->flow = &w->t.flow;
	close->frame_first = close->frame_last = 3;
	bus_emit(&w->run.bus, close);
	const GPtrArray *tracks = prov_tracks(&w->an);
	CU_ASSERT_EQUAL_FATAL(tracks->len, 1);
	const prov_track *t = tracks->pdata[0];
	CU_ASSERT_EQUAL_FATAL(t->steps->len, 1);
	const prov_step *s = t->steps->pdata[0];
	CU_ASSERT_EQUAL(s->result, PROV_NO_ANSWER);  /* before the end of the run */
	STR_EQ(s->detail, "connection closed without an answer");
	analysis_end(&w->an);
	CU_ASSERT_EQUAL(prov_first_failure(t), 0);
	g_free(rq);
	world_free(w);
}

int main(void)
{
	static const char *const names[] = {"challenge then success", "wrong password", "fault", "CVE-2017-5689",
					    "facts and timeline", "closed unanswered"};
	static void (*const fns[])(void) = {test_challenge_then_success, test_wrong_password, test_fault_finding,
					    test_cve_2017_5689, test_facts_and_timeline, test_closed_unanswered};
	return run_suite("rule_wsman", names, fns, G_N_ELEMENTS(fns));
}
