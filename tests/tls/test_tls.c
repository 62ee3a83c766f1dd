/* Unit tests of the TLS dissector on hand-made records. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "decoder/dissector.h"
#include "decoder/events/tls.h"

extern const dissector dissector_tls;

static GByteArray *leaf_der, *issuing_der;

/* ---- builders ---- */

static void u8(GByteArray *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	g_byte_array_append(b, &x, 1);
}
static void u16(GByteArray *b, unsigned v)
{
	u8(b, v >> 8);
	u8(b, v);
}
static void u24(GByteArray *b, unsigned v)
{
	u8(b, v >> 16);
	u16(b, v & 0xffff);
}
static void bytes(GByteArray *b, const void *p, size_t n)
{
	g_byte_array_append(b, p, (guint)n);
}

/* A handshake message: type, u24 length, body. */
static GByteArray *hs_msg(unsigned type, const GByteArray *body)
{
	GByteArray *m = g_byte_array_new();
	u8(m, type);
	u24(m, body->len);
	bytes(m, body->data, body->len);
	return m;
}

/* Wraps data in records of at most `frag` bytes each. */
static void records(GByteArray *out, unsigned type, const GByteArray *data, size_t frag)
{
	for (size_t off = 0; off < data->len || (off == 0 && data->len == 0); off += frag) {
		size_t n = data->len - off < frag ? data->len - off : frag;
		u8(out, type);
		u16(out, 0x0303);
		u16(out, (unsigned)n);
		bytes(out, data->data + off, n);
		if (!data->len)
			break;
	}
}

static GByteArray *client_hello_body(const char *sni)
{
	GByteArray *b = g_byte_array_new();
	u16(b, 0x0303);
	for (int i = 0; i < 32; i++)
		u8(b, i);
	u8(b, 0);            /* session id */
	u16(b, 6);
	u16(b, 0x1301);
	u16(b, 0xc02f);
	u16(b, 0x0a0a);      /* GREASE */
	u8(b, 1);
	u8(b, 0);
	GByteArray *ext = g_byte_array_new();
	if (sni) {
		size_t n = strlen(sni);
		u16(ext, 0);
		u16(ext, (unsigned)n + 5);
		u16(ext, (unsigned)n + 3);
		u8(ext, 0);
		u16(ext, (unsigned)n);
		bytes(ext, sni, n);
	}
	u16(ext, 16);        /* ALPN: h2, http/1.1 */
	u16(ext, 14);
	u16(ext, 12);
	u8(ext, 2);
	bytes(ext, "h2", 2);
	u8(ext, 8);
	bytes(ext, "http/1.1", 8);
	u16(ext, 43);        /* supported_versions: 1.3, 1.2 */
	u16(ext, 5);
	u8(ext, 4);
	u16(ext, 0x0304);
	u16(ext, 0x0303);
	u16(b, ext->len);
	bytes(b, ext->data, ext->len);
	g_byte_array_free(ext, TRUE);
	return b;
}

static GByteArray *server_hello_body(unsigned version)
{
	GByteArray *b = g_byte_array_new();
	u16(b, 0x0303);
	for (int i = 0; i < 32; i++)
		u8(b, 0x80 + i);
	u8(b, 0);
	u16(b, version == 0x0304 ? 0x1302 : 0xc02f);
	u8(b, 0);
	if (version == 0x0304) {
		u16(b, 6);
		u16(b, 43);
		u16(b, 2);
		u16(b, 0x0304);
	}
	return b;
}

/* Certificate body with the given DER blobs. */
static GByteArray *cert_body(GByteArray **ders, int n)
{
	GByteArray *list = g_byte_array_new();
	for (int i = 0; i < n; i++) {
		u24(list, ders[i]->len);
		bytes(list, ders[i]->data, ders[i]->len);
	}
	GByteArray *b = g_byte_array_new();
	u24(b, list->len);
	bytes(b, list->data, list->len);
	g_byte_array_free(list, TRUE);
	return b;
}

static void run(dis_test *t, uint8_t dir, const GByteArray *stream, size_t chunk)
{
	void *st = dissector_tls.state_new(&t->ctx);
	dis_test_stream(t, &dissector_tls, st, dir, stream->data, stream->len, chunk, true);
	dissector_tls.state_free(st);
}

static const char *field(const event *e, const char *name)
{
	const ev_field *f = ev_field_get(e, name);
	return f && (f->type == FT_STR || f->type == FT_HEX) ? f->v.s : NULL;
}

static size_t notes_of(dis_test *t, note_kind k)
{
	size_t n = 0;
	for (size_t i = 0; dis_test_get(t, i); i++) {
		const event *e = dis_test_get(t, i);
		if (e->kind == EV_NOTE && ((const ev_note *)e->data)->kind == k)
			n++;
	}
	return n;
}

/* ---- tests ---- */

static void test_client_hello(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	GByteArray *body = client_hello_body("AMT-07.Corp.Example");
	GByteArray *msg = hs_msg(1, body);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 16384);
	run(&t, DIR_C2S, s, 3);  /* three bytes at a time: partial headers and records */
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TLS_CLIENT_HELLO), 1);
	const event *e = dis_test_find(&t, EV_TLS_CLIENT_HELLO, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_tls_client_hello *h = e->data;
	CU_ASSERT_STRING_EQUAL(h->sni, "amt-07.corp.example");
	CU_ASSERT_EQUAL(h->nsuites, 3);
	CU_ASSERT_EQUAL(h->suites[1], 0xc02f);
	CU_ASSERT_EQUAL(h->nalpn, 2);
	CU_ASSERT_STRING_EQUAL(h->alpn[1], "http/1.1");
	CU_ASSERT_EQUAL(h->nversions, 2);
	CU_ASSERT_EQUAL(h->max_version, 0x0304);
	CU_ASSERT_EQUAL(h->random[31], 31);
	CU_ASSERT_STRING_EQUAL(e->info, "Client Hello (SNI=amt-07.corp.example)");
	CU_ASSERT_STRING_EQUAL(field(e, "tls.handshake.extensions_server_name"), "amt-07.corp.example");
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_server_hello_tls13(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 443);
	GByteArray *body = server_hello_body(0x0304);
	GByteArray *msg = hs_msg(2, body);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 16384);
	/* then encrypted records: TLS 1.3 hides its certificates as application data */
	u8(s, 23);
	u16(s, 0x0303);
	u16(s, 40);
	for (int i = 0; i < 40; i++)
		u8(s, 0xaa);
	run(&t, DIR_S2C, s, 0);
	const event *e = dis_test_find(&t, EV_TLS_SERVER_HELLO, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_tls_server_hello *h = e->data;
	CU_ASSERT_EQUAL(h->version, 0x0304);
	CU_ASSERT_TRUE(h->certs_encrypted);
	CU_ASSERT_FALSE(h->hello_retry);
	CU_ASSERT_EQUAL(h->suite, 0x1302);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TLS_CERTIFICATES), 0);
	CU_ASSERT_STRING_EQUAL(field(e, "tls.handshake.certificate"), "unknown (encrypted in TLS 1.3)");
	g_byte_array_free(body, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_certificates_across_records(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	GByteArray *ders[] = {leaf_der, issuing_der};
	GByteArray *body = cert_body(ders, 2);
	GByteArray *msg = hs_msg(11, body);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 100);  /* a handshake message over many records */
	run(&t, DIR_S2C, s, 7);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&t, EV_TLS_CERTIFICATES), 1);
	const event *e = dis_test_find(&t, EV_TLS_CERTIFICATES, 0);
	const ev_tls_certificates *m = e->data;
	CU_ASSERT_FALSE(m->from_client);
	CU_ASSERT_EQUAL(m->ncerts, 2);
	CU_ASSERT_EQUAL(m->total, 2);
	CU_ASSERT_TRUE(m->certs[0].x.decoded);
	CU_ASSERT_STRING_EQUAL(m->certs[0].x.subject, "CN=amt.tls.test,O=amtscope tests");
	CU_ASSERT_STRING_EQUAL(m->certs[0].x.subject_cn, "amt.tls.test");
	CU_ASSERT_EQUAL(m->certs[0].x.nsans, 1);
	CU_ASSERT_STRING_EQUAL(m->certs[0].x.sans[0], "DNS:amt.tls.test");
	CU_ASSERT_TRUE(m->certs[0].x.eku_server_auth);
	CU_ASSERT_FALSE(m->certs[0].x.is_ca);
	CU_ASSERT_TRUE(m->certs[1].x.is_ca);
	CU_ASSERT_STRING_EQUAL(m->certs[0].x.issuer, m->certs[1].x.subject);
	CU_ASSERT_EQUAL(m->certs[0].x.key_bits, 2048);
	CU_ASSERT_STRING_EQUAL(m->certs[0].x.key_type, "RSA");
	CU_ASSERT_EQUAL(strlen(m->certs[0].x.sha256), 64);
	CU_ASSERT_EQUAL(m->certs[0].x.not_before, 1767225600LL * 1000000);  /* 2026-01-01 */
	CU_ASSERT_STRING_EQUAL(field(e, "x509.subject"), "CN=amt.tls.test,O=amtscope tests");
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_client_certificate_and_request(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	/* CertificateRequest (TLS 1.2): types, sig algs, one CA name */
	GByteArray *dn = g_byte_array_new();
	static const uint8_t name_der[] = {0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04,
					   0x03, 0x0c, 0x04, 'P', 'r', 'o', 'v'};
	bytes(dn, name_der, sizeof(name_der));
	GByteArray *req = g_byte_array_new();
	u8(req, 1);
	u8(req, 1);
	u16(req, 2);
	u16(req, 0x0401);
	u16(req, dn->len + 2);
	u16(req, dn->len);
	bytes(req, dn->data, dn->len);
	GByteArray *msg = hs_msg(13, req);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 16384);
	run(&t, DIR_S2C, s, 0);
	const event *e = dis_test_find(&t, EV_TLS_CERT_REQUEST, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_tls_cert_request *r = e->data;
	CU_ASSERT_EQUAL(r->nca, 1);
	CU_ASSERT_STRING_EQUAL(r->ca_names[0], "CN=Prov");

	GByteArray *ders[] = {leaf_der};
	GByteArray *body = cert_body(ders, 1);
	GByteArray *cm = hs_msg(11, body);
	GByteArray *s2 = g_byte_array_new();
	records(s2, 22, cm, 16384);
	run(&t, DIR_C2S, s2, 0);
	const event *c = dis_test_find(&t, EV_TLS_CERTIFICATES, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(((const ev_tls_certificates *)c->data)->from_client);
	CU_ASSERT_STRING_EQUAL(field(c, "tls.handshake.certificates.sender"), "client");
	g_byte_array_free(dn, TRUE);
	g_byte_array_free(req, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(cm, TRUE);
	g_byte_array_free(s2, TRUE);
	dis_test_free(&t);
}

static void test_alerts(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	GByteArray *s = g_byte_array_new();
	static const uint8_t fatal[] = {21, 3, 3, 0, 2, 2, 48};
	static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};
	static const uint8_t enc[] = {21, 3, 3, 0, 26, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9,
				      9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
	bytes(s, fatal, sizeof(fatal));
	bytes(s, ccs, sizeof(ccs));
	bytes(s, enc, sizeof(enc));
	run(&t, DIR_S2C, s, 0);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&t, EV_TLS_ALERT), 2);
	const ev_tls_alert *a = dis_test_find(&t, EV_TLS_ALERT, 0)->data;
	CU_ASSERT_FALSE(a->encrypted);
	CU_ASSERT_EQUAL(a->level, 2);
	CU_ASSERT_EQUAL(a->description, 48);
	CU_ASSERT_STRING_EQUAL(a->description_name, "unknown_ca");
	CU_ASSERT_FALSE(a->from_client);
	CU_ASSERT_STRING_EQUAL(dis_test_find(&t, EV_TLS_ALERT, 0)->info,
			       "Alert (Level: Fatal, Description: unknown_ca)");
	const ev_tls_alert *b = dis_test_find(&t, EV_TLS_ALERT, 1)->data;
	CU_ASSERT_TRUE(b->encrypted);
	CU_ASSERT_EQUAL(b->level, 0);
	CU_ASSERT_STRING_EQUAL(dis_test_find(&t, EV_TLS_ALERT, 1)->info, "Encrypted Alert");
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_ten_thousand_certificates(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	GByteArray *junk = g_byte_array_new();
	static const uint8_t broken[] = {0x30, 0x82, 0xff, 0xff, 0x01};  /* DER length past its end */
	bytes(junk, broken, sizeof(broken));
	GByteArray **ders = g_new(GByteArray *, 10000);
	for (int i = 0; i < 10000; i++)
		ders[i] = junk;
	GByteArray *body = cert_body(ders, 10000);
	GByteArray *msg = hs_msg(11, body);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 16384);
	run(&t, DIR_S2C, s, 1000);
	const event *e = dis_test_find(&t, EV_TLS_CERTIFICATES, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_tls_certificates *m = e->data;
	CU_ASSERT_EQUAL(m->total, 10000);
	CU_ASSERT_EQUAL(m->ncerts, t.cfg.limit[LIM_CERTS]);
	CU_ASSERT_TRUE(m->truncated);
	CU_ASSERT_FALSE(m->certs[0].x.decoded);
	CU_ASSERT_EQUAL(t.limit_hits[LIM_CERTS], 1);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_MALFORMED), 1);  /* one note for all the broken ones */
	g_free(ders);
	g_byte_array_free(junk, TRUE);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_one_message_over_1000_records_and_limit(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	t.cfg.limit[LIM_TLS_HANDSHAKE] = 2000;
	GByteArray *big = g_byte_array_new();
	for (int i = 0; i < 3000; i++)
		u8(big, i);
	GByteArray *msg = hs_msg(11, big);   /* over the limit: dropped, counted */
	GByteArray *body = client_hello_body(NULL);
	GByteArray *ch = hs_msg(1, body);
	bytes(msg, ch->data, ch->len);       /* the next message still decodes */
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 3);              /* 1,000+ records */
	run(&t, DIR_C2S, s, 64);
	CU_ASSERT_EQUAL(t.limit_hits[LIM_TLS_HANDSHAKE], 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TLS_CERTIFICATES), 0);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TLS_CLIENT_HELLO), 1);
	g_byte_array_free(big, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(ch, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_malformed_lengths(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	GByteArray *body = g_byte_array_new();
	u24(body, 5000);  /* list claims more than the message holds */
	u24(body, 3);
	u8(body, 0x30);
	u8(body, 1);
	u8(body, 0);
	GByteArray *msg = hs_msg(11, body);
	GByteArray *s = g_byte_array_new();
	records(s, 22, msg, 16384);
	static const uint8_t cut[] = {22, 3, 3, 0x10, 0x00, 1, 0};  /* record cut at capture end */
	bytes(s, cut, sizeof(cut));
	run(&t, DIR_S2C, s, 0);
	const event *e = dis_test_find(&t, EV_TLS_CERTIFICATES, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(((const ev_tls_certificates *)e->data)->truncated);
	CU_ASSERT(notes_of(&t, NOTE_MALFORMED) >= 1);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_TRUNCATED), 1);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(msg, TRUE);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

static void test_not_tls(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	GByteArray *s = g_byte_array_new();
	bytes(s, http, sizeof(http) - 1);
	run(&t, DIR_C2S, s, 0);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_UNDECODABLE), 1);
	g_byte_array_free(s, TRUE);
	dis_test_free(&t);
}

/* TLS 1.0: no signature algorithms in CertificateRequest; a gap then resync */
static void test_tls10_request_and_gap(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.1", 40000, "10.0.0.2", 16993);
	void *st = dissector_tls.state_new(&t.ctx);
	GByteArray *sh = server_hello_body(0x0301);
	sh->data[1] = 0x01;  /* legacy_version 3.1 */
	GByteArray *m1 = hs_msg(2, sh);
	GByteArray *req = g_byte_array_new();
	u8(req, 2);
	u8(req, 1);
	u8(req, 2);
	u16(req, 0);  /* no CA names */
	GByteArray *m2 = hs_msg(13, req);
	bytes(m1, m2->data, m2->len);
	GByteArray *s = g_byte_array_new();
	records(s, 22, m1, 16384);
	dis_test_stream(&t, &dissector_tls, st, DIR_S2C, s->data, s->len, 0, false);
	const event *e = dis_test_find(&t, EV_TLS_CERT_REQUEST, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_tls_cert_request *r = e->data;
	CU_ASSERT_EQUAL(r->ntypes, 2);
	CU_ASSERT_EQUAL(r->nca, 0);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_MALFORMED), 0);
	CU_ASSERT_EQUAL(((const ev_tls_server_hello *)dis_test_find(&t, EV_TLS_SERVER_HELLO, 0)->data)->version,
			0x0301);
	/* bytes lost: the dissector looks for the next record header */
	dissector_tls.gap(st, &t.ctx, 100);
	GByteArray *after = g_byte_array_new();
	static const uint8_t junk[] = {0x99, 0x42, 0x00, 0x17};
	static const uint8_t alert[] = {21, 3, 1, 0, 2, 2, 40};
	bytes(after, junk, sizeof(junk));
	bytes(after, alert, sizeof(alert));
	t.ctx.dir = DIR_S2C;
	dis_test_stream(&t, &dissector_tls, st, DIR_S2C, after->data, after->len, 0, true);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_TLS_ALERT), 1);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_UNDECODABLE), 0);
	dissector_tls.state_free(st);
	g_byte_array_free(sh, TRUE);
	g_byte_array_free(m1, TRUE);
	g_byte_array_free(req, TRUE);
	g_byte_array_free(m2, TRUE);
	g_byte_array_free(s, TRUE);
	g_byte_array_free(after, TRUE);
	dis_test_free(&t);
}

static void test_probe(void)
{
	static const uint8_t ch[] = {22, 3, 1, 0, 200, 1};
	static const uint8_t app[] = {23, 3, 3, 0, 40};
	static const uint8_t cert_first[] = {22, 3, 3, 0, 200, 11};
	static const uint8_t http[] = "GET / HTTP/1.1";
	static const uint8_t hello[] = {1, 0, 3, 0, 0, 0};
	CU_ASSERT_EQUAL(dissector_tls.probe(ch, sizeof(ch), DIR_C2S), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_tls.probe(ch, 3, DIR_C2S), PROBE_MORE);
	CU_ASSERT_EQUAL(dissector_tls.probe(ch, 5, DIR_C2S), PROBE_MORE);
	CU_ASSERT_EQUAL(dissector_tls.probe(app, sizeof(app), DIR_S2C), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_tls.probe(cert_first, sizeof(cert_first), DIR_S2C), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_tls.probe(http, sizeof(http) - 1, DIR_C2S), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_tls.probe(hello, sizeof(hello), DIR_C2S), PROBE_NO);
}

static GByteArray *read_der(const char *name)
{
	const char *src = getenv("SRCDIR");
	char *path = g_build_filename(src ? src : ".", "tests", "tls", "certs", name, NULL);
	gchar *pem = NULL;
	gsize len = 0;
	GByteArray *b = g_byte_array_new();
	if (g_file_get_contents(path, &pem, &len, NULL)) {
		/* the PEM body is base64 between the armour lines */
		GString *b64 = g_string_new(NULL);
		gchar **lines = g_strsplit(pem, "\n", -1);
		for (gchar **l = lines; *l; l++)
			if (**l && strncmp(*l, "-----", 5) != 0)
				g_string_append(b64, *l);
		gsize n = 0;
		guchar *der = g_base64_decode(b64->str, &n);
		g_byte_array_append(b, der, (guint)n);
		g_free(der);
		g_strfreev(lines);
		g_string_free(b64, TRUE);
		g_free(pem);
	}
	g_free(path);
	return b;
}

int main(void)
{
	leaf_der = read_der("leaf.pem");
	issuing_der = read_der("issuing.pem");
	if (!leaf_der->len || !issuing_der->len) {
		fprintf(stderr, "test certificates not found (set SRCDIR)\n");
		return 1;
	}
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("tls", NULL, NULL);
	CU_add_test(s, "ClientHello: SNI, suites, ALPN, versions (3-byte chunks)", test_client_hello);
	CU_add_test(s, "ServerHello TLS 1.3: certificates encrypted", test_server_hello_tls13);
	CU_add_test(s, "Certificate across records and chunks", test_certificates_across_records);
	CU_add_test(s, "CertificateRequest and client Certificate", test_client_certificate_and_request);
	CU_add_test(s, "alerts: plaintext fatal, encrypted after CCS", test_alerts);
	CU_add_test(s, "10,000 broken certificates in one message", test_ten_thousand_certificates);
	CU_add_test(s, "message over 1,000 records; handshake limit", test_one_message_over_1000_records_and_limit);
	CU_add_test(s, "lengths past the message, record cut at the end", test_malformed_lengths);
	CU_add_test(s, "not TLS: undecodable", test_not_tls);
	CU_add_test(s, "TLS 1.0 CertificateRequest; resync after a gap", test_tls10_request_and_gap);
	CU_add_test(s, "probe", test_probe);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	g_byte_array_free(leaf_der, TRUE);
	g_byte_array_free(issuing_der, TRUE);
	return failed ? 1 : 0;
}
