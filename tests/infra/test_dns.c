/* Unit tests of the DNS dissector on hand-made messages. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "../../decoder/dissector.h"
#include "../../decoder/events/dns.h"
#include "../../dissectors/dnsname.h"
#include "msgbuild.h"

extern const dissector dissector_dns;

#define T0 (1700000000LL * 1000000)

static const char *fstr(const event *e, const char *name)
{
	const ev_field *f = ev_field_get(e, name);
	return f && f->type == FT_STR ? f->v.s : NULL;
}

static uint64_t fuint(const event *e, const char *name)
{
	const ev_field *f = ev_field_get(e, name);
	return f && f->type == FT_UINT ? f->v.u : 999999;
}

static size_t count_field(const event *e, const char *name)
{
	size_t n = 0;
	for (uint32_t i = 0; i < e->nfields; i++)
		n += !strcmp(e->fields[i].name, name);
	return n;
}

/* Feeds one datagram as frame `frame` at time T0 + ms. */
static void feed(dis_test *t, void *st, uint8_t dir, const msgbuf *m, uint32_t frame, int64_t ms)
{
	t->mark.frame = frame;
	t->mark.ts = T0 + ms * 1000;
	t->ctx.dir = dir;
	dis_result r = dissector_dns.parse(st, &t->ctx, m->b, m->n);
	CU_ASSERT_EQUAL(r.status, DIS_OK);
	CU_ASSERT_EQUAL(r.consumed, m->n);
}

static void query(msgbuf *m, uint16_t id, const char *name, uint16_t type)
{
	m->n = 0;
	mb_dns_header(m, id, 0x0100, 1, 0, 0, 0);
	mb_name(m, name);
	mb_u16(m, type);
	mb_u16(m, 1);
}

static void test_query(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m;
	query(&m, 0x1234, "ProvisionServer.corp.example", DNS_T_A);
	feed(&t, st, DIR_C2S, &m, 3, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 1);
	const event *e = dis_test_find(&t, EV_DNS_QUERY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.qry.name"), "ProvisionServer.corp.example");
	CU_ASSERT_EQUAL(fuint(e, "dns.qry.type"), 1);
	CU_ASSERT_EQUAL(fuint(e, "dns.id"), 0x1234);
	CU_ASSERT_STRING_EQUAL(e->info, "Standard query 0x1234 A ProvisionServer.corp.example");
	CU_ASSERT_EQUAL(e->frame_first, 3);
	const ev_dns *d = e->data;
	CU_ASSERT_FALSE(d->response);
	CU_ASSERT_STRING_EQUAL(d->qname, "ProvisionServer.corp.example");
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&d->client, buf), "10.0.0.7");
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&d->server, buf), "10.0.0.1");
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

/* www -> alias1 -> host A 10.0.0.5, all names compressed against the question */
static void cname_response(msgbuf *m, uint16_t id)
{
	m->n = 0;
	mb_dns_header(m, id, 0x8180, 1, 3, 0, 0);
	size_t qn = m->n;  /* 12 */
	mb_name(m, "www.corp.example");
	mb_u16(m, DNS_T_A);
	mb_u16(m, 1);
	size_t at = mb_rr_ptr(m, (int)qn, DNS_T_CNAME, 300);
	size_t alias = m->n;
	mb_name_ptr(m, "alias1", (int)qn + 4);  /* alias1.corp.example */
	mb_rdlen_fix(m, at);
	at = mb_rr_ptr(m, (int)alias, DNS_T_CNAME, 300);
	size_t host = m->n;
	mb_name_ptr(m, "host", (int)qn + 4);
	mb_rdlen_fix(m, at);
	at = mb_rr_ptr(m, (int)host, DNS_T_A, 60);
	mb_bytes(m, "\x0a\x00\x00\x05", 4);
	mb_rdlen_fix(m, at);
}

static void test_cname_chain_and_pairing(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m;
	query(&m, 0x0042, "www.corp.example", DNS_T_A);
	feed(&t, st, DIR_C2S, &m, 1, 0);
	cname_response(&m, 0x0042);
	feed(&t, st, DIR_S2C, &m, 2, 3);
	const event *e = dis_test_find(&t, EV_DNS_ANSWER, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_dns *d = e->data;
	CU_ASSERT_EQUAL(d->nrrs, 3);
	CU_ASSERT_EQUAL_FATAL(d->ncnames, 2);
	CU_ASSERT_STRING_EQUAL(d->cnames[0], "alias1.corp.example");
	CU_ASSERT_STRING_EQUAL(d->cnames[1], "host.corp.example");
	CU_ASSERT_STRING_EQUAL(d->canonical, "host.corp.example");
	CU_ASSERT_EQUAL_FATAL(d->naddrs, 1);
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&d->addrs[0], buf), "10.0.0.5");
	CU_ASSERT_EQUAL(d->query_frame, 1);
	CU_ASSERT_EQUAL(fuint(e, "dns.response_to"), 1);
	CU_ASSERT_EQUAL(fuint(e, "dns.time_us"), 3000);
	CU_ASSERT_EQUAL(count_field(e, "dns.cname"), 2);
	CU_ASSERT_EQUAL(count_field(e, "dns.resp.name"), 3);
	CU_ASSERT_STRING_EQUAL(e->info, "Standard query response 0x0042 A www.corp.example CNAME "
					"alias1.corp.example CNAME host.corp.example A 10.0.0.5");
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	/* answered: nothing left to time out */
	dissector_dns.flow_end(st, &t.ctx);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_FAILURE), 0);
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_nxdomain(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m;
	query(&m, 7, "provisionserver.corp.example", DNS_T_A);
	feed(&t, st, DIR_C2S, &m, 4, 0);
	m.b[2] = 0x81;
	m.b[3] = 0x83;  /* response, RD RA, NXDOMAIN */
	feed(&t, st, DIR_S2C, &m, 5, 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_ANSWER), 0);
	const event *e = dis_test_find(&t, EV_DNS_FAILURE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_dns *d = e->data;
	CU_ASSERT_EQUAL(d->failure, DNS_FAIL_RCODE);
	CU_ASSERT_EQUAL(d->rcode, DNS_RCODE_NXDOMAIN);
	CU_ASSERT_EQUAL(d->query_frame, 4);
	CU_ASSERT_EQUAL(e->frame_first, 5);
	CU_ASSERT_EQUAL(fuint(e, "dns.flags.rcode"), 3);
	CU_ASSERT_STRING_EQUAL(e->info, "Standard query response 0x0007 No such name A provisionserver.corp.example");
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_unanswered(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m;
	query(&m, 1, "provisionserver", DNS_T_A);
	feed(&t, st, DIR_C2S, &m, 1, 0);
	query(&m, 1, "provisionserver", DNS_T_A);  /* retransmission, same id */
	feed(&t, st, DIR_C2S, &m, 2, 1000);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_FAILURE), 0);
	query(&m, 2, "other.corp.example", DNS_T_A);
	feed(&t, st, DIR_C2S, &m, 9, 6000);  /* 6 s later: the first timed out */
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&t, EV_DNS_FAILURE), 1);
	const event *e = dis_test_find(&t, EV_DNS_FAILURE, 0);
	const ev_dns *d = e->data;
	CU_ASSERT_EQUAL(d->failure, DNS_FAIL_NO_ANSWER);
	CU_ASSERT_EQUAL(e->frame_first, 1);
	CU_ASSERT_EQUAL(d->query_frame, 1);
	CU_ASSERT_STRING_EQUAL(d->qname, "provisionserver");
	CU_ASSERT_EQUAL(e->ts, T0);
	/* the second one is left when the flow ends */
	dissector_dns.flow_end(st, &t.ctx);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&t, EV_DNS_FAILURE), 2);
	e = dis_test_find(&t, EV_DNS_FAILURE, 1);
	CU_ASSERT_EQUAL(e->frame_first, 9);
	CU_ASSERT_STRING_EQUAL(((const ev_dns *)e->data)->qname, "other.corp.example");
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_ptr_and_types(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m = {.n = 0};
	mb_dns_header(&m, 9, 0x8400, 1, 1, 1, 4);
	mb_name(&m, "5.0.0.10.in-addr.arpa");
	mb_u16(&m, DNS_T_PTR);
	mb_u16(&m, 1);
	size_t at = mb_rr_ptr(&m, 12, DNS_T_PTR, 60);
	mb_name(&m, "amt-05.corp.example");
	mb_rdlen_fix(&m, at);
	/* authority: SOA */
	at = mb_rr_ptr(&m, 12 + 9, DNS_T_SOA, 60);  /* 10.in-addr.arpa */
	mb_name(&m, "ns.corp.example");
	mb_name(&m, "hostmaster.corp.example");
	mb_u32(&m, 2026112301);
	mb_u32(&m, 1);
	mb_u32(&m, 2);
	mb_u32(&m, 3);
	mb_u32(&m, 4);
	mb_rdlen_fix(&m, at);
	/* additional: AAAA, SRV, TXT, OPT */
	at = mb_rr_ptr(&m, 12, DNS_T_AAAA, 60);
	mb_bytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x05", 16);
	mb_rdlen_fix(&m, at);
	at = mb_rr_ptr(&m, 12, DNS_T_SRV, 60);
	mb_u16(&m, 1);
	mb_u16(&m, 2);
	mb_u16(&m, 9971);
	mb_name(&m, "scs.corp.example");
	mb_rdlen_fix(&m, at);
	at = mb_rr_ptr(&m, 12, DNS_T_TXT, 60);
	mb_bytes(&m, "\x05hello\x02hi", 9);
	mb_rdlen_fix(&m, at);
	mb_u8(&m, 0);
	mb_u16(&m, DNS_T_OPT);
	mb_u16(&m, 1232);
	mb_u32(&m, 0);
	mb_u16(&m, 0);
	feed(&t, st, DIR_S2C, &m, 1, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	const event *e = dis_test_find(&t, EV_DNS_ANSWER, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_dns *d = e->data;
	CU_ASSERT_EQUAL(d->nrrs, 6);
	CU_ASSERT_EQUAL_FATAL(d->nptrs, 1);
	CU_ASSERT_STRING_EQUAL(d->ptrs[0], "amt-05.corp.example");
	char ip[AMT_ADDRSTRLEN];
	CU_ASSERT_EQUAL(d->ptr_addr.family, 4);  /* typed: rules never parse the name again */
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&d->ptr_addr, ip), "10.0.0.5");
	CU_ASSERT_EQUAL(d->naddrs, 0);  /* the AAAA is additional, not an answer */
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.ptr.domain_name"), "amt-05.corp.example");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.soa.mname"), "ns.corp.example");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.soa.rname"), "hostmaster.corp.example");
	CU_ASSERT_EQUAL(fuint(e, "dns.soa.serial_number"), 2026112301);
	CU_ASSERT_EQUAL(fuint(e, "dns.srv.port"), 9971);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.srv.target"), "scs.corp.example");
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.txt"), "hello");
	CU_ASSERT_EQUAL(count_field(e, "dns.txt"), 2);
	CU_ASSERT_EQUAL(fuint(e, "dns.rr.udp_payload_size"), 1232);
	const ev_field *f = ev_field_get(e, "dns.aaaa");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_STRING_EQUAL(amt_addr_str(f->v.addr, buf), "2001:db8::5");
	CU_ASSERT_EQUAL(count_field(e, "dns.resp.name"), 6);
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_compression_loops(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m = {.n = 0};
	/* the question is a pointer to itself */
	mb_dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	feed(&t, st, DIR_C2S, &m, 1, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 1);
	/* label "a" then a pointer back to it: a two-step loop */
	m.n = 0;
	mb_dns_header(&m, 2, 0x0100, 1, 0, 0, 0);
	mb_u8(&m, 1);
	mb_u8(&m, 'a');
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	feed(&t, st, DIR_C2S, &m, 2, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 2);
	/* forward pointer */
	m.n = 0;
	mb_dns_header(&m, 3, 0x0100, 1, 0, 0, 0);
	mb_u16(&m, 0xc010);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_name(&m, "x");
	feed(&t, st, DIR_C2S, &m, 3, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 3);
	const event *n = dis_test_find(&t, EV_NOTE, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(fstr(n, "note.message"), "does not point backwards"));
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_counts_and_limits(void)
{
	dis_test t;
	dis_test_init(&t, 17, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf m = {.n = 0};
	/* says 10 answers, carries 1 */
	mb_dns_header(&m, 5, 0x8180, 1, 10, 0, 0);
	mb_name(&m, "a.example");
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	size_t at = mb_rr_ptr(&m, 12, DNS_T_A, 1);
	mb_bytes(&m, "\x01\x02\x03\x04", 4);
	mb_rdlen_fix(&m, at);
	feed(&t, st, DIR_S2C, &m, 1, 0);
	const event *e = dis_test_find(&t, EV_DNS_ANSWER, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(((const ev_dns *)e->data)->nrrs, 1);
	CU_ASSERT_EQUAL(((const ev_dns *)e->data)->naddrs, 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 1);
	/* record limit: 5 records, limit 2 */
	t.cfg.limit[LIM_DNS_RECORDS] = 2;
	m.n = 0;
	mb_dns_header(&m, 6, 0x8180, 1, 5, 0, 0);
	mb_name(&m, "a.example");
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	for (int i = 0; i < 5; i++) {
		at = mb_rr_ptr(&m, 12, DNS_T_A, 1);
		mb_bytes(&m, "\x01\x02\x03\x04", 4);
		mb_rdlen_fix(&m, at);
	}
	feed(&t, st, DIR_S2C, &m, 2, 0);
	e = dis_test_find(&t, EV_DNS_ANSWER, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(((const ev_dns *)e->data)->nrrs, 2);
	CU_ASSERT_EQUAL(t.limit_hits[LIM_DNS_RECORDS], 1);
	/* rdata past the end; a label past the end; a 5-byte message */
	m.n = 0;
	mb_dns_header(&m, 7, 0x8180, 1, 1, 0, 0);
	mb_name(&m, "a.example");
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_rr_ptr(&m, 12, DNS_T_A, 1);
	m.b[m.n - 1] = 200;
	mb_bytes(&m, "\x01\x02\x03\x04", 4);
	feed(&t, st, DIR_S2C, &m, 3, 0);
	m.n = 0;
	mb_dns_header(&m, 8, 0x0100, 1, 0, 0, 0);
	mb_u8(&m, 40);
	mb_bytes(&m, "abc", 3);
	feed(&t, st, DIR_C2S, &m, 4, 0);
	m.n = 5;
	feed(&t, st, DIR_C2S, &m, 5, 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 5);
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_tcp_stream(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf one, two, stream = {.n = 0};
	query(&one, 0x10, "a.corp.example", DNS_T_A);
	query(&two, 0x11, "b.corp.example", DNS_T_AAAA);
	mb_u16(&stream, (uint16_t)one.n);
	mb_bytes(&stream, one.b, one.n);
	mb_u16(&stream, (uint16_t)two.n);
	mb_bytes(&stream, two.b, two.n);
	dis_test_stream(&t, &dissector_dns, st, DIR_C2S, stream.b, stream.n, 3, false);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 2);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	const event *e = dis_test_find(&t, EV_DNS_QUERY, 1);
	CU_ASSERT_STRING_EQUAL(fstr(e, "dns.qry.name"), "b.corp.example");
	CU_ASSERT_TRUE(((const ev_dns *)e->data)->tcp);
	/* a message cut off by the end of the stream */
	dis_test_stream(&t, &dissector_dns, st, DIR_C2S, stream.b, stream.n - 5, 0, true);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 4);  /* the whole first, what is left of the second */
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 2);  /* truncated + malformed remainder */
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static const char *last_note(dis_test *t)
{
	size_t n = dis_test_count(t, EV_NOTE);
	if (!n)
		return "";
	const event *e = dis_test_find(t, EV_NOTE, n - 1);
	return ((const ev_note *)e->data)->message;
}

/* After a gap: the tail of a lost message is skipped up to the next length
 * prefix that starts a plausible message; without one the note says so. */
static void test_tcp_gap_resync(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.7", 40000, "10.0.0.1", 53);
	void *st = dissector_dns.state_new(&t.ctx);
	msgbuf one, stream = {.n = 0};
	query(&one, 0x12, "c.corp.example", DNS_T_A);
	for (int i = 0; i < 300; i++)
		mb_u8(&stream, (uint8_t)('0' + i % 10));  /* the rest of a lost message */
	mb_u16(&stream, (uint16_t)one.n);
	mb_bytes(&stream, one.b, one.n);
	dissector_dns.gap(st, &t.ctx, 1000);
	dis_test_stream(&t, &dissector_dns, st, DIR_C2S, stream.b, stream.n, 7, false);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 1);
	CU_ASSERT_STRING_EQUAL(fstr(dis_test_find(&t, EV_DNS_QUERY, 0), "dns.qry.name"), "c.corp.example");
	CU_ASSERT_PTR_NOT_NULL(strstr(last_note(&t), "resumed at a message boundary 300 bytes after the gap"));
	/* garbage to the end: it says it stopped */
	dissector_dns.gap(st, &t.ctx, 1000);
	dis_test_stream(&t, &dissector_dns, st, DIR_C2S, stream.b, 300, 0, true);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_DNS_QUERY), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_note(&t), "ended before a message boundary"));
	dissector_dns.state_free(st);
	dis_test_free(&t);
}

static void test_dnsname_bounds(void)
{
	uint8_t buf[600];
	size_t n = 0;
	for (int i = 0; i < 130; i++) {
		buf[n++] = 1;
		buf[n++] = 'x';
	}
	buf[n++] = 0;
	char out[DNSNAME_MAX];
	size_t pos = 0;
	CU_ASSERT_EQUAL(dnsname_read(buf, n, &pos, out, sizeof(out), 1), DNSNAME_TOO_LONG);
	CU_ASSERT_EQUAL(pos, n);
	uint8_t esc[] = {3, 'a', '.', 0x01, 0};
	pos = 0;
	CU_ASSERT_EQUAL(dnsname_read(esc, sizeof(esc), &pos, out, sizeof(out), 1), DNSNAME_OK);
	CU_ASSERT_STRING_EQUAL(out, "a\\.\\001");
	CU_ASSERT_EQUAL(pos, sizeof(esc));
	uint8_t bad[] = {0x40, 0};
	pos = 0;
	CU_ASSERT_EQUAL(dnsname_read(bad, sizeof(bad), &pos, out, sizeof(out), 1), DNSNAME_BAD_LABEL);
	uint8_t nopt[] = {0xc0, 0};
	pos = 0;
	CU_ASSERT_EQUAL(dnsname_read(nopt, sizeof(nopt), &pos, out, sizeof(out), 0), DNSNAME_BAD_LABEL);
	uint8_t root[] = {0};
	pos = 0;
	CU_ASSERT_EQUAL(dnsname_read(root, 1, &pos, out, sizeof(out), 1), DNSNAME_OK);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void test_reverse_names(void)
{
	amt_addr a;
	char buf[AMT_ADDRSTRLEN];
	CU_ASSERT_TRUE(dnsname_reverse_addr("7.0.3.10.IN-ADDR.ARPA", &a));
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&a, buf), "10.3.0.7");
	CU_ASSERT_FALSE(dnsname_reverse_addr("0.3.10.in-addr.arpa", &a));
	CU_ASSERT_FALSE(dnsname_reverse_addr("300.0.3.10.in-addr.arpa", &a));
	CU_ASSERT_TRUE(dnsname_reverse_addr(
		"0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", &a));
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&a, buf), "2001:db8::20");
	CU_ASSERT_TRUE(dnsname_reverse_addr(
		"f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", &a));
	CU_ASSERT_STRING_EQUAL(amt_addr_str(&a, buf), "2001:db8::123:4567:89ab:cdef");
	CU_ASSERT_FALSE(dnsname_reverse_addr("x.ip6.arpa", &a));
	CU_ASSERT_FALSE(dnsname_reverse_addr("amt-05.corp.example", &a));
	CU_ASSERT_FALSE(dnsname_reverse_addr(NULL, &a));
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("dns", NULL, NULL);
	CU_add_test(s, "query", test_query);
	CU_add_test(s, "cname chain and pairing", test_cname_chain_and_pairing);
	CU_add_test(s, "nxdomain", test_nxdomain);
	CU_add_test(s, "unanswered", test_unanswered);
	CU_add_test(s, "ptr and record types", test_ptr_and_types);
	CU_add_test(s, "reverse names", test_reverse_names);
	CU_add_test(s, "compression loops", test_compression_loops);
	CU_add_test(s, "counts and limits", test_counts_and_limits);
	CU_add_test(s, "tcp stream", test_tcp_stream);
	CU_add_test(s, "tcp gap resync", test_tcp_gap_resync);
	CU_add_test(s, "name bounds", test_dnsname_bounds);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
