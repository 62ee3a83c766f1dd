/* RMCP/ASF presence ping and AMT's pong. */
#include "amt_test.h"
#include "decoder/events/rmcp.h"

extern const dissector dissector_rmcp;

static const event *one(dis_test *t, const char *hex, const char *cli, const char *srv)
{
	dis_test_init(t, 17, cli, 623, srv, 623);
	GByteArray *b = hex_bytes(hex);
	dis_result r = dissector_rmcp.parse(NULL, &t->ctx, b->data, b->len);
	CU_ASSERT_EQUAL(r.status, DIS_OK);
	CU_ASSERT_EQUAL(r.consumed, b->len);
	g_byte_array_free(b, TRUE);
	return dis_test_get(t, 0);
}

static void test_ping(void)
{
	dis_test t;
	const event *e = one(&t, "06 00 00 06 00 00 11 be 80 2a 00 00", "10.0.0.9", "10.0.0.5");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EV_RMCP_PING);
	CU_ASSERT_EQUAL(((const ev_rmcp *)e->data)->tag, 0x2a);
	CU_ASSERT_EQUAL(field_uint(e, "asf.iana"), 4542);
	CU_ASSERT_EQUAL(field_uint(e, "asf.type"), 0x80);
	dis_test_free(&t);
}

static void test_pong_in_provisioning(void)
{
	dis_test t;
	t.ctx.dir = DIR_S2C;
	const event *e = one(&t, "06 00 00 06 00 00 11 be 40 2a 00 10  00 00 01 57  42 60  b1  05  00 20  00 00 00 00 00 00",
			     "10.0.0.9", "10.0.0.5");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EV_RMCP_PONG);
	const ev_rmcp *r = e->data;
	CU_ASSERT_TRUE(r->is_amt);
	CU_ASSERT_EQUAL(r->open_port, 16992);
	CU_ASSERT_EQUAL(r->ver_major, 11);
	CU_ASSERT_EQUAL(r->ver_minor, 1);
	CU_ASSERT_EQUAL(r->prov_state, RMCP_PROV_IN);
	CU_ASSERT_TRUE(r->dual_ports);
	CU_ASSERT_STRING_EQUAL(field_str(e, "amt.prov_state"), "in");
	CU_ASSERT_STRING_EQUAL(field_str(e, "amt.version"), "11.1");
	dis_test_free(&t);
}

static void test_pong_version_in_late_bytes(void)
{
	dis_test t;
	const event *e = one(&t, "06 00 00 06 00 00 11 be 40 07 00 10  00 00 01 57  42 61  00  02  00 20  10 05 00 00 00 00",
			     "10.0.0.9", "10.0.0.5");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_rmcp *r = e->data;
	CU_ASSERT_EQUAL(r->open_port, 16993);
	CU_ASSERT_EQUAL(r->ver_major, 16);
	CU_ASSERT_EQUAL(r->ver_minor, 5);
	CU_ASSERT_EQUAL(r->prov_state, RMCP_PROV_POST);
	CU_ASSERT_FALSE(r->dual_ports);
	dis_test_free(&t);
}

static void test_bad_input(void)
{
	dis_test t;
	const event *e = one(&t, "06 00 00 06 00 00 11 be 40 07 00 10  00 00 01 57  42", "10.0.0.9", "10.0.0.5");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EV_NOTE);
	CU_ASSERT_EQUAL(((const ev_note *)e->data)->kind, NOTE_TRUNCATED);
	dis_test_free(&t);

	e = one(&t, "06 00 00 06 00 00 11 bf 80 07 00 00", "10.0.0.9", "10.0.0.5");
	CU_ASSERT_EQUAL(e->kind, EV_NOTE);
	CU_ASSERT_EQUAL(((const ev_note *)e->data)->kind, NOTE_MALFORMED);
	dis_test_free(&t);

	e = one(&t, "05", "10.0.0.9", "10.0.0.5");
	CU_ASSERT_EQUAL(e->kind, EV_NOTE);
	dis_test_free(&t);

	/* IPMI class: not presence traffic, nothing said */
	e = one(&t, "06 00 ff 07 00 00 00 00 00 00 00 00 00 09", "10.0.0.9", "10.0.0.5");
	CU_ASSERT_PTR_NULL(e);
	dis_test_free(&t);

	/* pong from another vendor */
	e = one(&t, "06 00 00 06 00 00 11 be 40 07 00 10  00 00 11 be  00 00 00 00 81 00 00 00 00 00 00 00",
		"10.0.0.9", "10.0.0.5");
	CU_ASSERT_EQUAL(e->kind, EV_RMCP_PONG);
	CU_ASSERT_FALSE(((const ev_rmcp *)e->data)->is_amt);
	dis_test_free(&t);
}

int main(void)
{
	static const CU_TestInfo tests[] = {
		{"presence ping", test_ping},
		{"pong: AMT in provisioning, TLS", test_pong_in_provisioning},
		{"pong: version in bytes 22/23", test_pong_version_in_late_bytes},
		{"truncated, wrong IANA, not RMCP, IPMI, other vendor", test_bad_input},
		CU_TEST_INFO_NULL,
	};
	return run_suite("rmcp", tests);
}
