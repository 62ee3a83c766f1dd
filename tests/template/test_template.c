/* The template dissector (dissectors/template.c), driven without the engine
 * by dis_test_*: what a copy starts with and keeps. Its table line is checked
 * here too: the kind has its name and lane, and the dissector is in the
 * table under its name without a port (it must never run on a capture). */
#include "../amt/amt_test.h"
#include "decoder/dispatch.h"
#include "decoder/engine.h"

extern const dissector dissector_template;

/* request "hi" then response "hello" */
#define TWO_MESSAGES "01 00 00 02 68 69  02 80 00 05 68 65 6c 6c 6f"

static void stream(dis_test *t, void *st, uint8_t dir, const char *hex, size_t chunk, bool eof)
{
	GByteArray *b = hex_bytes(hex);
	dis_test_stream(t, &dissector_template, st, dir, b->data, b->len, chunk, eof);
	g_byte_array_free(b, TRUE);
}

static void test_messages(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.9", 40000, "10.0.0.5", 7000);
	void *st = dissector_template.state_new(&t.ctx);
	stream(&t, st, DIR_C2S, TWO_MESSAGES, 0, true);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TEMPLATE_MESSAGE), 2);
	const event *e = dis_test_find(&t, EV_TEMPLATE_MESSAGE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->proto, "template");
	CU_ASSERT_STRING_EQUAL(field_str(e, "template.body"), "hi");
	CU_ASSERT_EQUAL(field_uint(e, "template.type"), 1);
	CU_ASSERT_STRING_EQUAL(e->info, "Request (type 1), 2 bytes");
	e = dis_test_find(&t, EV_TEMPLATE_MESSAGE, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(field_uint(e, "template.flags"), 0x80);
	CU_ASSERT_EQUAL(field_uint(e, "template.length"), 5);
	CU_ASSERT_STRING_EQUAL(field_str(e, "template.body"), "hello");
	dissector_template.state_free(st);
	dis_test_free(&t);
}

/* Three bytes at a time: every message still seen once, whole, with the
 * frames of its bytes. */
static void test_byte_by_byte(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.9", 40000, "10.0.0.5", 7000);
	void *st = dissector_template.state_new(&t.ctx);
	stream(&t, st, DIR_C2S, TWO_MESSAGES, 3, true);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TEMPLATE_MESSAGE), 2);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	CU_ASSERT_STRING_EQUAL(field_str(dis_test_find(&t, EV_TEMPLATE_MESSAGE, 1), "template.body"), "hello");
	dissector_template.state_free(st);
	dis_test_free(&t);
}

static void test_cut_and_oversized(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.9", 40000, "10.0.0.5", 7000);
	void *st = dissector_template.state_new(&t.ctx);
	stream(&t, st, DIR_C2S, "01 00 00 09 61 62", 0, true);  /* 2 of 9 body bytes, then the end */
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TEMPLATE_MESSAGE), 0);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_TRUNCATED), 1);
	stream(&t, st, DIR_S2C, "02 00 ff ff", 0, true);  /* 65535 > MAX_BODY: given up */
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_UNDECODABLE), 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TEMPLATE_MESSAGE), 0);
	dissector_template.state_free(st);
	dis_test_free(&t);
}

static void test_table_line(void)
{
	CU_ASSERT_STRING_EQUAL(ev_kind_name(EV_TEMPLATE_MESSAGE), "template_message");
	CU_ASSERT_EQUAL(ev_kind_lane(EV_TEMPLATE_MESSAGE), EV_LANE_OTHER);
	CU_ASSERT_STRING_EQUAL(ev_kind_dissector(EV_TEMPLATE_MESSAGE), "template");
	CU_ASSERT_PTR_EQUAL(dispatch_by_name("template"), &dissector_template);
	CU_ASSERT_EQUAL(dissector_template.ports[0], 0);
	CU_ASSERT_PTR_NULL(dissector_template.probe);
}

/* What a copy's ports make of the live default filter: its transport, a
 * second one (as DNS has TCP), ports inside TLS on TCP, runs merged. */
static void test_copy_in_live_filter(void)
{
	dissector copy = dissector_template;
	copy.ports[0] = 7000;
	const dissector *one[] = {&copy, NULL};
	char *f = engine_filter_for(one);
	CU_ASSERT_STRING_EQUAL(f, "tcp port 7000");
	g_free(f);
	dissector both = dissector_template;
	both.ipproto = 17;
	both.also_ipproto = 6;
	both.ports[0] = 53;
	dissector amt = dissector_template;
	amt.ports[0] = AMT_PORT_HTTP;
	amt.ports[1] = AMT_PORT_HTTPS;
	amt.tls_ports[0] = AMT_PORT_REDIR;
	const dissector *two[] = {&amt, &both, NULL};
	f = engine_filter_for(two);
	CU_ASSERT_STRING_EQUAL(f, "port 53 or tcp portrange 16992-16994");
	g_free(f);
}

int main(void)
{
	static const CU_TestInfo tests[] = {
		{"two messages, fields and info", test_messages},
		{"three bytes at a time", test_byte_by_byte},
		{"cut short, oversized", test_cut_and_oversized},
		{"its table line", test_table_line},
		{"a copy's ports in the live filter", test_copy_in_live_filter},
		CU_TEST_INFO_NULL,
	};
	return run_suite("template", tests);
}
