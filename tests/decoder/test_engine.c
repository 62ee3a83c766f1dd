/* The engine on hand-made frames: flow states, link layers, malformed input,
 * caps. Frames are raw IP (LINKTYPE_RAW) unless a test says otherwise. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <string.h>

#include "decoder/engine.h"
#include "decoder/engine_int.h"
#include "decoder/events/flow.h"
#include "decoder/packet.h"

static amt_run run;
static engine *eng;
static GPtrArray *closes;  /* ev_flow copies */
static GPtrArray *close_infos;  /* their info lines, described when read */
static uint32_t frame_no;

static void on_event(void *u, const event *e)
{
	(void)u;
	if (e->kind == EV_FLOW_CLOSE) {
		ev_describe(e);
		const ev_field *st = ev_field_get(e, "tcp.state");
		g_ptr_array_add(close_infos, g_strdup_printf("%s|%s", e->info ? e->info : "-",
							     st ? st->v.s : "-"));
		ev_flow *copy = g_new(ev_flow, 1);
		*copy = *(const ev_flow *)e->data;
		copy->app = NULL;
		g_ptr_array_add(closes, copy);
	}
}

static void start(void)
{
	run_init(&run);
	closes = g_ptr_array_new_with_free_func(g_free);
	close_infos = g_ptr_array_new_with_free_func(g_free);
	bus_subscribe(&run.bus, on_event, NULL);
	eng = engine_new(&run);
	frame_no = 0;
}

static void stop(void)
{
	engine_free(eng);
	run_free(&run);
	g_ptr_array_free(closes, TRUE);
	g_ptr_array_free(close_infos, TRUE);
}

/* An IPv4 TCP segment from a:ap to b:bp. */
static size_t tcp4(uint8_t *buf, const char *a, uint16_t ap, const char *b, uint16_t bp, uint32_t seq,
		   uint32_t ack, uint8_t flags, const char *payload)
{
	size_t plen = payload ? strlen(payload) : 0;
	memset(buf, 0, 40);
	buf[0] = 0x45;
	uint16_t total = (uint16_t)(40 + plen);
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	buf[8] = 64;
	buf[9] = 6;
	inet_pton(AF_INET, a, buf + 12);
	inet_pton(AF_INET, b, buf + 16);
	uint8_t *t = buf + 20;
	t[0] = (uint8_t)(ap >> 8);
	t[1] = (uint8_t)ap;
	t[2] = (uint8_t)(bp >> 8);
	t[3] = (uint8_t)bp;
	uint32_t s = htonl(seq), k = htonl(ack);
	memcpy(t + 4, &s, 4);
	memcpy(t + 8, &k, 4);
	t[12] = 5 << 4;
	t[13] = flags;
	if (plen)
		memcpy(buf + 40, payload, plen);
	return 40 + plen;
}

static void send4(const char *a, uint16_t ap, const char *b, uint16_t bp, uint32_t seq, uint32_t ack,
		  uint8_t flags, const char *payload)
{
	uint8_t buf[2048];
	size_t n = tcp4(buf, a, ap, b, bp, seq, ack, flags, payload);
	frame_no++;
	engine_frame(eng, 0, frame_no, 101, 1700000000000000LL + frame_no * 1000, buf, (uint32_t)n, (uint32_t)n);
}

#define C "10.0.0.1"
#define S "10.0.0.2"

static const ev_flow *close_at(guint i)
{
	return i < closes->len ? closes->pdata[i] : NULL;
}

static void test_rst_midstream(void)
{
	start();
	send4(C, 40000, S, 16992, 100, 0, TH_SYN, NULL);
	send4(S, 16992, C, 40000, 500, 101, TH_SYN | TH_ACK, NULL);
	send4(C, 40000, S, 16992, 101, 501, TH_ACK, "GET / HTTP/1.1\r\n");
	send4(S, 16992, C, 40000, 501, 117, TH_RST | TH_ACK, NULL);
	CU_ASSERT_EQUAL_FATAL(closes->len, 1);
	CU_ASSERT_EQUAL(close_at(0)->state, FLOW_CLOSED);
	CU_ASSERT_EQUAL(close_at(0)->bytes[0], 16);
	CU_ASSERT_EQUAL(close_at(0)->bytes[1], 0);
	/* a late ACK of the closed connection does not make a new flow */
	send4(C, 40000, S, 16992, 117, 501, TH_ACK, NULL);
	engine_finish(eng);
	CU_ASSERT_EQUAL(closes->len, 1);
	CU_ASSERT_EQUAL(run.stats.flows, 1);
	stop();
}

static void test_refused_and_unanswered(void)
{
	start();
	send4(C, 40001, S, 16993, 1, 0, TH_SYN, NULL);
	send4(S, 16993, C, 40001, 0, 2, TH_RST | TH_ACK, NULL);
	send4(C, 40002, S, 9971, 7, 0, TH_SYN, NULL);
	send4(C, 40002, S, 9971, 7, 0, TH_SYN, NULL);
	engine_finish(eng);
	CU_ASSERT_EQUAL_FATAL(closes->len, 2);
	CU_ASSERT_EQUAL(close_at(0)->state, FLOW_REFUSED);
	CU_ASSERT_EQUAL(close_at(1)->state, FLOW_NO_ANSWER);
	CU_ASSERT_EQUAL(close_at(1)->syn_count, 2);
	stop();
}

static void test_fin_close_and_port_reuse(void)
{
	start();
	send4(C, 40003, S, 16992, 10, 0, TH_SYN, NULL);
	send4(S, 16992, C, 40003, 20, 11, TH_SYN | TH_ACK, NULL);
	send4(C, 40003, S, 16992, 11, 21, TH_ACK | TH_FIN, "abc");
	send4(S, 16992, C, 40003, 21, 15, TH_ACK | TH_FIN, "de");
	CU_ASSERT_EQUAL_FATAL(closes->len, 1);
	CU_ASSERT_EQUAL(close_at(0)->state, FLOW_CLOSED);
	/* fields and info are built when read, from the payload */
	CU_ASSERT_STRING_EQUAL(close_infos->pdata[0], "connection closed, 3/2 bytes, 0.003 s|closed");
	/* same ports, new SYN: a new connection */
	send4(C, 40003, S, 16992, 9000, 0, TH_SYN, NULL);
	engine_finish(eng);
	CU_ASSERT_EQUAL(run.stats.flows, 2);
	stop();
}

static void test_midstream_direction(void)
{
	start();
	/* no handshake seen: the known AMT port is the server side */
	send4(S, 16992, C, 51000, 77, 88, TH_ACK, "HTTP/1.1 200 OK\r\n");
	engine_finish(eng);
	CU_ASSERT_EQUAL_FATAL(closes->len, 1);
	CU_ASSERT_EQUAL(close_at(0)->state, FLOW_TIMED_OUT);
	CU_ASSERT_EQUAL(close_at(0)->bytes[1], 17);
	stop();
}

static void test_malformed(void)
{
	start();
	uint8_t buf[64];
	size_t n = tcp4(buf, C, 1, S, 2, 0, 0, TH_SYN, NULL);
	buf[0] = 0x43;  /* header length 12 */
	engine_frame(eng, 0, 1, 101, 1, buf, (uint32_t)n, (uint32_t)n);
	n = tcp4(buf, C, 1, S, 2, 0, 0, TH_SYN, NULL);
	engine_frame(eng, 0, 2, 101, 2, buf, 30, 30);  /* TCP header cut */
	buf[0] = 0x75;
	engine_frame(eng, 0, 3, 101, 3, buf, (uint32_t)n, (uint32_t)n);  /* IP version 7 */
	engine_frame(eng, 0, 4, 1, 4, buf, 5, 5);  /* Ethernet header cut */
	engine_frame(eng, 0, 5, 101, 5, buf, 0, 0);
	CU_ASSERT_EQUAL(run.stats.malformed, 5);
	CU_ASSERT_EQUAL(run.stats.flows, 0);
	stop();
}

static void test_ipv6_extension_headers(void)
{
	start();
	uint8_t buf[128];
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x60;
	buf[5] = 8 + 20;   /* payload: hop-by-hop (8) + TCP (20) */
	buf[6] = 0;        /* next: hop-by-hop */
	buf[7] = 64;
	inet_pton(AF_INET6, "fe80::1", buf + 8);
	inet_pton(AF_INET6, "fe80::2", buf + 24);
	buf[40] = 6;       /* hop-by-hop: next = TCP, length 0 (8 bytes) */
	uint8_t *t = buf + 48;
	t[0] = 0x9c; t[1] = 0x40;  /* 40000 */
	t[2] = 0x42; t[3] = 0x60;  /* 16992 */
	t[12] = 5 << 4;
	t[13] = TH_SYN;
	engine_frame(eng, 0, 1, 101, 1, buf, 68, 68);
	engine_finish(eng);
	CU_ASSERT_EQUAL(run.stats.flows, 1);
	CU_ASSERT_EQUAL_FATAL(closes->len, 1);
	CU_ASSERT_EQUAL(close_at(0)->state, FLOW_NO_ANSWER);
	stop();
}

static void test_flow_cap(void)
{
	start();
	run.cfg.limit[LIM_FLOWS] = 10;
	for (uint16_t i = 0; i < 25; i++)
		send4(C, (uint16_t)(30000 + i), S, 16993, i, 0, TH_SYN, NULL);
	CU_ASSERT(run.stats.limit_hits[LIM_FLOWS] >= 15);
	CU_ASSERT_EQUAL(closes->len, 15);  /* the evicted ones are reported */
	engine_finish(eng);
	CU_ASSERT_EQUAL(closes->len, 25);
	stop();
}

static void test_ooo_cap_counted(void)
{
	start();
	run.cfg.limit[LIM_OOO_SEGMENTS] = 4;
	engine_free(eng);
	eng = engine_new(&run);
	send4(C, 40010, S, 16992, 0, 0, TH_SYN, NULL);
	send4(S, 16992, C, 40010, 0, 1, TH_SYN | TH_ACK, NULL);
	for (uint32_t i = 0; i < 8; i++)
		send4(C, 40010, S, 16992, 100 + i * 10, 1, TH_ACK, "0123456789");
	CU_ASSERT(run.stats.limit_hits[LIM_OOO_SEGMENTS] >= 1);
	stop();
}

static void test_vlan_and_sll2(void)
{
	start();
	uint8_t f[128], ip[64];
	size_t n = tcp4(ip, C, 40000, S, 16992, 1, 0, TH_SYN, NULL);
	/* Ethernet, 802.1ad outer tag, 802.1Q inner tag */
	memset(f, 0, 12);
	uint8_t tags[] = {0x88, 0xa8, 0x00, 0xc8, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00};
	memcpy(f + 12, tags, sizeof(tags));
	memcpy(f + 22, ip, n);
	engine_frame(eng, 0, 1, 1, 1, f, (uint32_t)(22 + n), (uint32_t)(22 + n));
	/* Linux cooked v2: protocol first */
	memset(f, 0, 20);
	f[0] = 0x08;
	memcpy(f + 20, ip, n);
	f[20 + 12 + 3] = 9;  /* another client address: another flow */
	engine_frame(eng, 0, 2, 276, 2, f, (uint32_t)(20 + n), (uint32_t)(20 + n));
	CU_ASSERT_EQUAL(run.stats.flows, 2);
	CU_ASSERT_EQUAL(run.stats.malformed, 0);
	stop();
}

static void test_addr_text(void)
{
	const char *cases[] = {"0.0.0.0", "255.255.255.255", "10.9.2.100", "1.20.3.4", "192.168.10.9", "2001:db8::1", "::"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		amt_addr a;
		char buf[AMT_ADDRSTRLEN];
		CU_ASSERT_TRUE(amt_addr_parse(cases[i], &a));
		CU_ASSERT_STRING_EQUAL(amt_addr_str(&a, buf), cases[i]);
	}
	amt_addr none = {0};
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&none, buf), "-");
}

/* A describer that adds 30 fields after one the producer set. */
static void describe_thirty(event *e)
{
	for (int i = 0; i < 30 && !ev_fields_full(e); i++)
		ev_uint(e, "test.n", (uint64_t)i);
	ev_set_info(e, "thirty");
}

/* ev_describe_some stops the describer at a budget (info still set); a full
 * ev_describe later starts again from the producer's own fields. */
static void test_describe_budget(void)
{
	arena a;
	arena_init(&a, 0);
	event *e = ev_new(&a, EV_NOTE, "test");
	ev_str(e, "test.first", "eager");
	ev_describe_later(e, describe_thirty);
	ev_describe_some(e, 12);
	CU_ASSERT_EQUAL(e->nfields, 12);
	CU_ASSERT_STRING_EQUAL(e->info, "thirty");
	CU_ASSERT_STRING_EQUAL(e->fields[0].v.s, "eager");
	CU_ASSERT_EQUAL(e->fields[11].v.u, 10);
	ev_describe_some(e, 5);  /* has enough: nothing happens */
	CU_ASSERT_EQUAL(e->nfields, 12);
	ev_describe(e);
	CU_ASSERT_EQUAL_FATAL(e->nfields, 31);
	CU_ASSERT_STRING_EQUAL(e->fields[0].v.s, "eager");
	for (uint32_t i = 1; i < 31; i++)
		CU_ASSERT_EQUAL(e->fields[i].v.u, i - 1);
	CU_ASSERT_STRING_EQUAL(e->info, "thirty");
	ev_describe_some(e, 100);  /* complete: nothing happens */
	CU_ASSERT_EQUAL(e->nfields, 31);
	arena_free(&a);
}

/* A dissector that breaks the contract of dissector.h in the way the test
 * sets: the engine counts each misuse, notes it and carries on safely. */
static dis_result stub_result;
static unsigned stub_calls;

static dis_result stub_parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	(void)c;
	(void)p;
	stub_calls++;
	dis_result r = stub_result;
	if (r.consumed == SIZE_MAX)
		r.consumed = len + 10;  /* more than it was given */
	return r;
}

static const dissector stub = {.name = "stub", .parse = stub_parse};

static GPtrArray *internal_notes;

static void on_note(void *u, const event *e)
{
	(void)u;
	if (e->kind != EV_NOTE)
		return;
	const ev_note *n = e->data;
	if (n->kind == NOTE_INTERNAL)
		g_ptr_array_add(internal_notes, g_strdup(n->message));
}

/* One connection to port 9 (no dissector claims it) handed to the stub;
 * two data segments from the client. */
static void misuse_run(dis_result r)
{
	stub_result = r;
	stub_calls = 0;
	send4(C, 40000, S, 9, 100, 0, TH_SYN, NULL);
	flow *f = eng->ft.lru_head;
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	f->dis = &stub;
	send4(S, 9, C, 40000, 500, 101, TH_SYN | TH_ACK, NULL);
	send4(C, 40000, S, 9, 101, 501, TH_ACK, "hello");
	send4(C, 40000, S, 9, 106, 501, TH_ACK, "world");
}

static void test_dissector_misuse(void)
{
	start();
	internal_notes = g_ptr_array_new_with_free_func(g_free);
	bus_subscribe(&run.bus, on_note, NULL);
	misuse_run(dis_ok(SIZE_MAX));  /* consumed past the end */
	CU_ASSERT_EQUAL(stub_calls, 2);
	CU_ASSERT_EQUAL(run.stats.dissector_misuse, 2);
	CU_ASSERT_EQUAL_FATAL(internal_notes->len, 2);
	const char *m = internal_notes->pdata[0];
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "the stub dissector broke its contract"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "15 byte(s) consumed of 5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "a bug in amtscope"));
	stop();
	g_ptr_array_free(internal_notes, TRUE);

	/* an absurd need (an underflowed subtraction): noted, forgotten, and the
	 * next segment still reaches the dissector */
	start();
	internal_notes = g_ptr_array_new_with_free_func(g_free);
	bus_subscribe(&run.bus, on_note, NULL);
	misuse_run(dis_incomplete(0, SIZE_MAX - 3));
	CU_ASSERT_EQUAL(stub_calls, 2);
	CU_ASSERT_EQUAL(run.stats.dissector_misuse, 2);
	CU_ASSERT_EQUAL(internal_notes->len, 2);
	stop();
	g_ptr_array_free(internal_notes, TRUE);

	/* a contract kept: nothing counted */
	start();
	internal_notes = g_ptr_array_new_with_free_func(g_free);
	bus_subscribe(&run.bus, on_note, NULL);
	misuse_run(dis_incomplete(0, 3));
	CU_ASSERT_EQUAL(stub_calls, 2);
	CU_ASSERT_EQUAL(run.stats.dissector_misuse, 0);
	CU_ASSERT_EQUAL(internal_notes->len, 0);
	stop();
	g_ptr_array_free(internal_notes, TRUE);
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("engine", NULL, NULL);
	CU_add_test(su, "RST mid-stream", test_rst_midstream);
	CU_add_test(su, "address text", test_addr_text);
	CU_add_test(su, "refused and unanswered connections", test_refused_and_unanswered);
	CU_add_test(su, "FIN close, then the port reused", test_fin_close_and_port_reuse);
	CU_add_test(su, "mid-stream flow direction", test_midstream_direction);
	CU_add_test(su, "malformed frames", test_malformed);
	CU_add_test(su, "IPv6 extension headers", test_ipv6_extension_headers);
	CU_add_test(su, "flow cap", test_flow_cap);
	CU_add_test(su, "VLAN tags and Linux cooked v2", test_vlan_and_sll2);
	CU_add_test(su, "out-of-order cap counted", test_ooo_cap_counted);
	CU_add_test(su, "describing within a budget of fields", test_describe_budget);
	CU_add_test(su, "a dissector's misuse counted and noted", test_dissector_misuse);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
