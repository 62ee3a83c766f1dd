/* rule_hello and rule_redir on hand-made event sequences: the cases the
 * captures do not cover (an authentication refusal while another console
 * holds the device, connect-back states, the RMCP info finding). */
#include <stdio.h>
#include <string.h>

#include "amt_test.h"
#include "decoder/events/flow.h"
#include "decoder/events/hello.h"
#include "decoder/events/redir.h"
#include "decoder/events/rmcp.h"
#include "rules/rule.h"

typedef struct bench {
	amt_run run;
	analysis an;
	arena a;
	int64_t now;
	uint32_t frame;
} bench;

static void bench_init(bench *b)
{
	run_init(&b->run);
	analysis_init(&b->an, &b->run);
	arena_init(&b->a, 0);
	b->now = 1700000000LL * 1000000;
	b->frame = 1;
}

static void bench_free(bench *b)
{
	analysis_free(&b->an);
	run_free(&b->run);
	arena_free(&b->a);
}

static flow_info *make_flow(bench *b, uint64_t id, const char *cli, const char *srv, uint16_t sport)
{
	flow_info *f = arena_alloc(&b->a, sizeof(*f));
	f->id = id;
	f->ipproto = 6;
	amt_addr_parse(cli, &f->cli);
	amt_addr_parse(srv, &f->srv);
	f->cport = (uint16_t)(40000 + id);
	f->sport = sport;
	f->first_frame = b->frame;
	f->first_ts = b->now;
	return f;
}

static void emit(bench *b, ev_kind k, const flow_info *f, uint8_t dir, const void *data, int64_t advance_us)
{
	b->now += advance_us;
	event *e = ev_new(&b->a, k, "test");
	e->flow = f;
	e->dir = dir;
	e->ts = b->now;
	e->frame_first = e->frame_last = b->frame++;
	e->data = data;
	bus_emit(&b->run.bus, e);
}

static void session(bench *b, const flow_info *f, redir_session_state st, redir_refusal at, uint8_t status)
{
	ev_redir_session *x = arena_alloc(&b->a, sizeof(*x));
	x->state = st;
	x->type = REDIR_TYPE_SOL;
	x->console = f->cli;
	x->device = f->srv;
	x->console_port = f->cport;
	x->flow_id = f->id;
	x->refused_at = at;
	x->status = status;
	x->auth_type = REDIR_AUTH_DIGEST_QOP;
	x->user = "admin";
	emit(b, EV_REDIR_SESSION, f, DIR_S2C, x, 1000);
}

static size_t count_rule(bench *b, const char *id)
{
	size_t n = 0;
	for (guint i = 0; i < b->an.fnd.list->len; i++)
		if (!strcmp(((finding *)b->an.fnd.list->pdata[i])->rule, id))
			n++;
	return n;
}

static const finding *first_of(bench *b, const char *id)
{
	for (guint i = 0; i < b->an.fnd.list->len; i++)
		if (!strcmp(((finding *)b->an.fnd.list->pdata[i])->rule, id))
			return b->an.fnd.list->pdata[i];
	return NULL;
}

/* The seeds' case: the second console's login fails "with an authentication
 * error" while the first holds SOL: busy, and not auth.failed. */
static void test_auth_refusal_while_held_is_busy(void)
{
	bench b;
	bench_init(&b);
	flow_info *one = make_flow(&b, 1, "10.0.0.2", "10.0.0.5", 16994);
	flow_info *two = make_flow(&b, 2, "10.0.0.3", "10.0.0.5", 16994);
	session(&b, one, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0);
	session(&b, one, REDIR_SESSION_AUTHENTICATED, REDIR_REFUSED_NONE, 0);
	session(&b, two, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0);
	session(&b, two, REDIR_SESSION_REFUSED, REDIR_REFUSED_AUTH, 1);
	session(&b, one, REDIR_SESSION_CLOSED, REDIR_REFUSED_NONE, 0);
	analysis_end(&b.an);
	CU_ASSERT_EQUAL(count_rule(&b, "redir.session.busy"), 1);
	CU_ASSERT_EQUAL(count_rule(&b, "redir.auth.failed"), 0);
	const finding *f = first_of(&b, "redir.session.busy");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->device, "10.0.0.5");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "10.0.0.2"));
	CU_ASSERT_EQUAL(f->evidence->len, 2);  /* the holder's start and the refusal */
	bench_free(&b);
}

/* After the first console closed, the same refusal is a real auth failure. */
static void test_auth_refusal_after_close_is_auth_failed(void)
{
	bench b;
	bench_init(&b);
	flow_info *one = make_flow(&b, 1, "10.0.0.2", "10.0.0.5", 16994);
	flow_info *two = make_flow(&b, 2, "10.0.0.3", "10.0.0.5", 16994);
	flow_info *other = make_flow(&b, 3, "10.0.0.2", "10.0.0.6", 16994);
	session(&b, one, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0);
	session(&b, one, REDIR_SESSION_AUTHENTICATED, REDIR_REFUSED_NONE, 0);
	session(&b, other, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0);  /* another device */
	session(&b, one, REDIR_SESSION_CLOSED, REDIR_REFUSED_NONE, 0);
	session(&b, two, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0);
	session(&b, two, REDIR_SESSION_REFUSED, REDIR_REFUSED_AUTH, 1);
	analysis_end(&b.an);
	CU_ASSERT_EQUAL(count_rule(&b, "redir.session.busy"), 0);
	CU_ASSERT_EQUAL(count_rule(&b, "redir.auth.failed"), 1);
	const finding *f = first_of(&b, "redir.auth.failed");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->sev, SEV_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "user \"admin\""));
	bench_free(&b);
}

static void hello_from(bench *b, const flow_info *f, uint32_t retry, int64_t advance_us)
{
	ev_hello *h = arena_alloc(&b->a, sizeof(*h));
	h->version = 3;
	h->retry = retry;
	/* one UUID per device: the device table merges records by UUID */
	snprintf(h->uuid, sizeof(h->uuid), "939b524b-13d4-1d18-e487-%012x", f->cli.b[3]);
	hello_hash *hash = arena_alloc(&b->a, sizeof(*hash));
	hash->type = HELLO_HASH_SHA384;
	hash->len = 48;
	hash->hex = "aa";  /* what the rule must not read: the typed hash below is the value */
	uint8_t aa[48];
	memset(aa, 0xaa, sizeof(aa));
	amt_hash_set(&hash->hash, AMT_HASH_SHA384, aa, sizeof(aa));
	h->hashes = hash;
	h->nhashes = 1;
	emit(b, EV_HELLO, f, DIR_C2S, h, advance_us);
}

static void connect_back(bench *b, const flow_info *f, flow_state st, int64_t advance_us)
{
	ev_flow *x = arena_alloc(&b->a, sizeof(*x));
	x->state = st;
	x->syn_count = 3;
	((flow_info *)f)->first_ts = b->now + advance_us;
	emit(b, EV_FLOW_CLOSE, f, DIR_C2S, x, advance_us);
}

/* Absence needs a window: a capture that ends before AMT's connect-back
 * window closes makes hello.unanswered a warning that says so. */
static void test_hello_unanswered_window(void)
{
	bench b;
	bench_init(&b);
	flow_info *h = make_flow(&b, 1, "10.0.0.8", "10.0.0.1", 9971);
	hello_from(&b, h, 0, 0);
	hello_from(&b, h, 1, 5 * 1000000LL);  /* the capture ends 0 s after it */
	analysis_end(&b.an);
	const finding *f = first_of(&b, "hello.unanswered");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->sev, SEV_WARNING);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "the capture ran 0.0 s after the last hello, less than the window"));
	bench_free(&b);
}

static void test_hello_connect_back_states(void)
{
	bench b;
	bench_init(&b);
	flow_info *h1 = make_flow(&b, 1, "10.0.0.5", "10.0.0.1", 9971);
	flow_info *h2 = make_flow(&b, 2, "10.0.0.6", "10.0.0.1", 9971);
	flow_info *h3 = make_flow(&b, 3, "10.0.0.7", "10.0.0.1", 9971);
	hello_from(&b, h1, 0, 0);
	hello_from(&b, h2, 0, 0);
	hello_from(&b, h3, 4, 0);
	hello_from(&b, h3, 5, 30 * 1000000LL);
	connect_back(&b, make_flow(&b, 4, "10.0.0.1", "10.0.0.5", 16993), FLOW_CLOSED, 1000);
	connect_back(&b, make_flow(&b, 5, "10.0.0.1", "10.0.0.6", 16993), FLOW_NO_ANSWER, 1000);
	/* too late for the window: does not count as an answer */
	connect_back(&b, make_flow(&b, 6, "10.0.0.1", "10.0.0.7", 16993), FLOW_CLOSED, 200 * 1000000LL);
	analysis_end(&b.an);
	CU_ASSERT_EQUAL(count_rule(&b, "hello.unanswered"), 2);
	CU_ASSERT_EQUAL(count_rule(&b, "hello.repeated"), 1);
	for (guint i = 0; i < b.an.fnd.list->len; i++) {
		const finding *f = b.an.fnd.list->pdata[i];
		CU_ASSERT_STRING_NOT_EQUAL(f->device, "10.0.0.5");  /* answered */
		if (!strcmp(f->rule, "hello.unanswered") && !strcmp(f->device, "10.0.0.6")) {
			CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "got no answer"));
			/* the capture ran 230 s past the hellos: the 60 s window is covered */
			CU_ASSERT_EQUAL(f->sev, SEV_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "the capture ran 230.0 s after the last hello)"));
		}
		if (!strcmp(f->rule, "hello.unanswered") && !strcmp(f->device, "10.0.0.7"))
			CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "never tried"));
		if (!strcmp(f->rule, "hello.repeated"))
			CU_ASSERT_PTR_NOT_NULL(strstr(f->summary, "retry counter 4, then 5"));
	}
	/* shared facts: UUID, root hash, roles */
	device *d = dev_by_ip_str(&b.an.dev, "10.0.0.5", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	d = dev_resolve(d);
	CU_ASSERT_TRUE(dev_has(d, FACT_UUID, "939b524b-13d4-1d18-e487-000000000005"));
	char want[AMT_HASH_TEXTLEN] = "sha384:";
	memset(want + 7, 'a', 96);
	want[7 + 96] = 0;
	CU_ASSERT_TRUE(dev_has(d, FACT_ROOT_HASH, want));
	const fact *rh = dev_first(d, FACT_ROOT_HASH);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rh);
	CU_ASSERT_EQUAL(rh->as.hash.alg, AMT_HASH_SHA384);
	CU_ASSERT_EQUAL(rh->as.hash.len, 48);
	CU_ASSERT_EQUAL(rh->as.hash.b[47], 0xaa);
	CU_ASSERT_TRUE(d->roles & ROLE_AMT);
	device *svc = dev_by_ip_str(&b.an.dev, "10.0.0.1", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svc);
	CU_ASSERT_TRUE(dev_resolve(svc)->roles & ROLE_SETUP_SERVICE);
	bench_free(&b);
}

static void pong_from(bench *b, const char *ip, rmcp_prov_state st)
{
	flow_info *f = make_flow(b, 9, "10.0.0.9", ip, 623);
	f->ipproto = 17;
	ev_rmcp *r = arena_alloc(&b->a, sizeof(*r));
	r->asf_type = 0x40;
	r->is_amt = true;
	r->open_port = 16992;
	r->has_version = true;
	r->ver_major = 11;
	r->ver_minor = 8;
	r->prov_state = st;
	r->dual_ports = true;
	emit(b, EV_RMCP_PONG, f, DIR_S2C, r, 1000);
}

static void test_rmcp_facts_and_info(void)
{
	bench b;
	bench_init(&b);
	pong_from(&b, "10.0.0.40", RMCP_PROV_IN);
	pong_from(&b, "10.0.0.41", RMCP_PROV_IN);
	pong_from(&b, "10.0.0.42", RMCP_PROV_POST);
	hello_from(&b, make_flow(&b, 10, "10.0.0.41", "10.0.0.1", 9971), 0, 1000);
	analysis_end(&b.an);
	CU_ASSERT_EQUAL(count_rule(&b, "hello.not_seen"), 1);
	const finding *f = first_of(&b, "hello.not_seen");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->device, "10.0.0.40");
	CU_ASSERT_EQUAL(f->sev, SEV_INFO);
	device *d = dev_resolve(dev_by_ip_str(&b.an.dev, "10.0.0.42", false));
	CU_ASSERT_TRUE(dev_has(d, FACT_PROV_STATE, "post"));
	CU_ASSERT_TRUE(dev_has(d, FACT_AMT_VERSION, "11.8"));
	CU_ASSERT_TRUE(dev_has(d, FACT_TLS, "16993"));
	CU_ASSERT_STRING_EQUAL(dev_first(d, FACT_PROV_STATE)->source, "rmcp");
	bench_free(&b);
}

int main(void)
{
	static const CU_TestInfo tests[] = {
		{"auth refusal while another console holds: busy only", test_auth_refusal_while_held_is_busy},
		{"auth refusal after the holder closed: auth.failed", test_auth_refusal_after_close_is_auth_failed},
		{"hello connect-back states and window", test_hello_connect_back_states},
		{"hello.unanswered: a warning when the capture ends inside the window", test_hello_unanswered_window},
		{"RMCP facts and the in-provisioning info finding", test_rmcp_facts_and_info},
		CU_TEST_INFO_NULL,
	};
	return run_suite("amt rules", tests);
}
