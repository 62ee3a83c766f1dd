/* Unit tests of the DHCP dissector on hand-made messages. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "../../decoder/dissector.h"
#include "../../decoder/events/dhcp.h"
#include "msgbuild.h"

extern const dissector dissector_dhcp;

static const uint8_t MAC[6] = {0x00, 0x1c, 0x69, 0x7a, 0x6b, 0x07};

static const char *fstr(const event *e, const char *name)
{
	const ev_field *f = ev_field_get(e, name);
	return f && f->type == FT_STR ? f->v.s : NULL;
}

static const char *faddr(const event *e, const char *name, char *buf)
{
	const ev_field *f = ev_field_get(e, name);
	return f && f->type == FT_ADDR ? amt_addr_str(f->v.addr, buf) : "";
}

/* BOOTP header + cookie; sname/file zero unless given. */
static void bootp(msgbuf *m, uint8_t op, uint32_t xid, const char *yiaddr, const uint8_t *sname64,
		  const uint8_t *file128)
{
	m->n = 0;
	mb_u8(m, op);
	mb_u8(m, 1);
	mb_u8(m, 6);
	mb_u8(m, 0);
	mb_u32(m, xid);
	mb_u16(m, 0);
	mb_u16(m, 0x8000);
	uint8_t zero[128] = {0};
	mb_bytes(m, zero, 4);  /* ciaddr */
	amt_addr y = {0};
	if (yiaddr)
		amt_addr_parse(yiaddr, &y);
	mb_bytes(m, y.b, 4);
	mb_bytes(m, zero, 8);  /* siaddr, giaddr */
	mb_bytes(m, MAC, 6);
	mb_bytes(m, zero, 10);
	mb_bytes(m, sname64 ? sname64 : zero, 64);
	mb_bytes(m, file128 ? file128 : zero, 128);
	mb_u32(m, 0x63825363);
}

static void opt(msgbuf *m, uint8_t code, const void *v, size_t n)
{
	mb_u8(m, code);
	mb_u8(m, (uint8_t)n);
	mb_bytes(m, v, n);
}

static void opt_u8(msgbuf *m, uint8_t code, uint8_t v)
{
	opt(m, code, &v, 1);
}

static void feed(dis_test *t, const msgbuf *m, uint8_t dir, uint32_t frame)
{
	t->mark.frame = frame;
	t->ctx.dir = dir;
	dis_result r = dissector_dhcp.parse(NULL, &t->ctx, m->b, m->n);
	CU_ASSERT_EQUAL(r.status, DIS_OK);
}

static void test_exchange_lease(void)
{
	dis_test t;
	dis_test_init(&t, 17, "0.0.0.0", 68, "255.255.255.255", 67);
	t.ctx.global = dissector_dhcp.global_new(&t.cfg);
	msgbuf m;
	bootp(&m, 1, 0xabcd0001, NULL, NULL, NULL);
	opt_u8(&m, 53, DHCP_DISCOVER);
	opt(&m, 12, "amt-07", 6);
	opt(&m, 55, "\x01\x03\x06\x0f\x51\x77", 6);
	opt(&m, 60, "vendor-x", 8);
	opt(&m, 61, "\x01\x00\x1c\x69\x7a\x6b\x07", 7);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_C2S, 1);
	const event *e = dis_test_find(&t, EV_DHCP_MESSAGE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->info, "DHCP Discover - Transaction ID 0xabcd0001");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.hw.mac_addr"), "00:1c:69:7a:6b:07");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.hostname"), "amt-07");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.vendor_class_id"), "vendor-x");
	CU_ASSERT_EQUAL(((const ev_dhcp *)e->data)->msg_type, DHCP_DISCOVER);

	bootp(&m, 2, 0xabcd0001, "10.3.0.7", NULL, NULL);
	opt_u8(&m, 53, DHCP_OFFER);
	opt(&m, 54, "\x0a\x03\x00\x01", 4);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_S2C, 2);

	bootp(&m, 1, 0xabcd0001, NULL, NULL, NULL);
	opt_u8(&m, 53, DHCP_REQUEST);
	opt(&m, 50, "\x0a\x03\x00\x07", 4);
	opt(&m, 12, "amt-07", 6);
	opt(&m, 81, "\x05\x00\x00\x06" "amt-07\x04" "corp\x07" "example\x00", 24);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_C2S, 3);
	e = dis_test_find(&t, EV_DHCP_MESSAGE, 2);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.fqdn.name"), "amt-07.corp.example");

	bootp(&m, 2, 0xabcd0001, "10.3.0.7", NULL, NULL);
	opt_u8(&m, 53, DHCP_ACK);
	opt(&m, 54, "\x0a\x03\x00\x01", 4);
	opt(&m, 51, "\x00\x00\x0e\x10", 4);
	opt(&m, 1, "\xff\xff\xff\x00", 4);
	opt(&m, 3, "\x0a\x03\x00\x01", 4);
	opt(&m, 6, "\x0a\x03\x00\x01\x0a\x03\x00\x02", 8);
	opt(&m, 15, "corp.example\0", 13);
	/* search list: corp.example, lab.corp.example (compressed) */
	opt(&m, 119, "\x04" "corp\x07" "example\x00\x03" "lab\xc0\x00", 20);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_S2C, 4);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DHCP_MESSAGE), 4);
	e = dis_test_find(&t, EV_DHCP_MESSAGE, 3);
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.domain_name"), "corp.example");
	CU_ASSERT_STRING_EQUAL(faddr(e, "dhcp.ip.your", buf), "10.3.0.7");
	CU_ASSERT_STRING_EQUAL(faddr(e, "dhcp.option.subnet_mask", buf), "255.255.255.0");

	CU_ASSERT_EQUAL_FATAL(dis_test_count(&t, EV_DHCP_LEASE), 1);
	e = dis_test_find(&t, EV_DHCP_LEASE, 0);
	const ev_dhcp_lease *l = e->data;
	CU_ASSERT_EQUAL(e->frame_first, 4);
	CU_ASSERT_STRING_EQUAL(l->mac, "00:1c:69:7a:6b:07");
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&l->ip, buf), "10.3.0.7");
	CU_ASSERT_STRING_EQUAL(l->hostname, "amt-07");
	CU_ASSERT_STRING_EQUAL(l->domain, "corp.example");
	CU_ASSERT_STRING_EQUAL(l->fqdn, "amt-07.corp.example");
	CU_ASSERT_EQUAL(l->ndns, 2);
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&l->dns[1], buf), "10.3.0.2");
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&l->server_id, buf), "10.3.0.1");
	CU_ASSERT_EQUAL(l->lease_time, 3600);
	CU_ASSERT_EQUAL(l->request_frame, 3);
	CU_ASSERT_EQUAL(l->discover_frame, 1);
	CU_ASSERT_EQUAL(l->offer_frame, 2);
	CU_ASSERT_EQUAL_FATAL(l->nsearch, 2);
	CU_ASSERT_STRING_EQUAL(l->search[0], "corp.example");
	CU_ASSERT_STRING_EQUAL(l->search[1], "lab.corp.example");
	dissector_dhcp.global_free(t.ctx.global);
	dis_test_free(&t);
}

static void test_overload(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.3.0.1", 67, "10.3.0.7", 68);
	t.ctx.global = dissector_dhcp.global_new(&t.cfg);
	uint8_t sname[64] = {12, 4, 'h', 'o', 's', 't', 255};
	uint8_t file[128] = {15, 8, 'l', 'a', 'b', '.', 'c', 'o', 'r', 'p', 255};
	msgbuf m;
	bootp(&m, 2, 0x77, "10.3.0.9", sname, file);
	opt_u8(&m, 53, DHCP_ACK);
	opt_u8(&m, 52, 3);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_C2S, 1);
	const event *e = dis_test_find(&t, EV_DHCP_MESSAGE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.domain_name"), "lab.corp");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.hostname"), "host");
	CU_ASSERT_PTR_NULL(ev_field_get(e, "dhcp.server"));
	e = dis_test_find(&t, EV_DHCP_LEASE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(((const ev_dhcp_lease *)e->data)->domain, "lab.corp");
	/* no option 54: the sender is the server */
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&((const ev_dhcp_lease *)e->data)->server_id, buf), "10.3.0.1");
	dissector_dhcp.global_free(t.ctx.global);
	dis_test_free(&t);
}

static void test_malformed(void)
{
	dis_test t;
	dis_test_init(&t, 17, "0.0.0.0", 68, "255.255.255.255", 67);
	t.ctx.global = dissector_dhcp.global_new(&t.cfg);
	msgbuf m;
	bootp(&m, 1, 0x99, NULL, NULL, NULL);
	opt_u8(&m, 53, DHCP_DISCOVER);
	opt(&m, 12, "pc1", 3);
	mb_u8(&m, 15);
	mb_u8(&m, 50);  /* claims 50, 3 follow */
	mb_bytes(&m, "abc", 3);
	feed(&t, &m, DIR_C2S, 1);
	const event *e = dis_test_find(&t, EV_DHCP_MESSAGE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dhcp.option.hostname"), "pc1");
	CU_ASSERT_PTR_NULL(ev_field_get(e, "dhcp.option.domain_name"));
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 1);
	/* shorter than the header */
	m.n = 100;
	feed(&t, &m, DIR_C2S, 2);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 2);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DHCP_MESSAGE), 1);
	/* option 81 with a label past its end; option 119 with a forward pointer */
	bootp(&m, 1, 0x9a, NULL, NULL, NULL);
	opt_u8(&m, 53, DHCP_REQUEST);
	opt(&m, 81, "\x04\x00\x00\x09" "ab", 6);
	opt(&m, 119, "\xc0\x05\x00", 3);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_C2S, 3);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 4);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DHCP_MESSAGE), 2);
	/* an ACK whose exchange was never seen still makes a lease */
	bootp(&m, 2, 0x5555, "10.3.0.50", NULL, NULL);
	opt_u8(&m, 53, DHCP_ACK);
	mb_u8(&m, 255);
	feed(&t, &m, DIR_S2C, 4);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DHCP_LEASE), 1);
	dissector_dhcp.global_free(t.ctx.global);
	dis_test_free(&t);
}

static void test_dhcpv6_search(void)
{
	dis_test t;
	dis_test_init(&t, 17, "fe80::1", 546, "ff02::1:2", 547);
	msgbuf m = {.n = 0};
	mb_u8(&m, 7);  /* Reply */
	mb_u8(&m, 0x12);
	mb_u16(&m, 0x3456);
	mb_u16(&m, 24);
	mb_u16(&m, 26);
	mb_name(&m, "corp.example");  /* 14 bytes */
	mb_name(&m, "v6.example");    /* 12 bytes */
	feed(&t, &m, DIR_S2C, 1);
	const event *e = dis_test_find(&t, EV_DHCP_MESSAGE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_dhcp *d = e->data;
	CU_ASSERT_TRUE(d->v6);
	CU_ASSERT_EQUAL(d->xid, 0x123456);
	CU_ASSERT_EQUAL_FATAL(d->nsearch, 2);
	CU_ASSERT_STRING_EQUAL(d->search[0], "corp.example");
	CU_ASSERT_STRING_EQUAL(d->search[1], "v6.example");
	CU_ASSERT_STRING_EQUAL(e->info, "Reply XID: 0x123456");
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	dis_test_free(&t);
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("dhcp", NULL, NULL);
	CU_add_test(s, "exchange and lease", test_exchange_lease);
	CU_add_test(s, "option overload", test_overload);
	CU_add_test(s, "malformed", test_malformed);
	CU_add_test(s, "dhcpv6 option 24", test_dhcpv6_search);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
