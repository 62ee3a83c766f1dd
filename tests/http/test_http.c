/* The HTTP dissector on the recorded AMT 15 exchanges and on hand-made
 * streams: framing, pairing, authentication, limits and malformed input. */
#include "testutil.h"

#include "decoder/dissector.h"
#include "decoder/events/http.h"
#include "decoder/events/wsman.h"

extern const dissector dissector_http;

typedef struct conv {
	dis_test t;
	void *st;
} conv;

static void conv_open(conv *v)
{
	dis_test_init(&v->t, 6, "127.0.6.1", 40000, "127.0.6.2", 16992);
	v->st = dissector_http.state_new(&v->t.ctx);
}

static void conv_close(conv *v)
{
	dissector_http.state_free(v->st);
	dis_test_free(&v->t);
}

static void feed(conv *v, uint8_t dir, const void *p, size_t n, size_t chunk, bool eof)
{
	dis_test_stream(&v->t, &dissector_http, v->st, dir, p, n, chunk, eof);
}

static void feed_str(conv *v, uint8_t dir, const char *s, bool eof)
{
	feed(v, dir, s, strlen(s), 0, eof);
}

static size_t count_notes(conv *v, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; dis_test_find(&v->t, EV_NOTE, i); i++)
		if (event_mentions(dis_test_find(&v->t, EV_NOTE, i), needle))
			n++;
	return n;
}

static const char *REQ_GET_GS =
	"POST /wsman HTTP/1.1\r\nHost: 127.0.6.2:16992\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n";

static char *wsman_post(const char *sample, const char *extra_headers)
{
	GBytes *b = public_file(sample);
	gsize n;
	const char *body = g_bytes_get_data(b, &n);
	char *r = g_strdup_printf("%sContent-Length: %zu\r\n%s\r\n%.*s", REQ_GET_GS, (size_t)n,
				  extra_headers ? extra_headers : "", (int)n, body);
	g_bytes_unref(b);
	return r;
}

static void test_challenge_sample(void)
{
	conv v;
	conv_open(&v);
	char *req = wsman_post("wsman/requests/amt_generalsettings_get.xml", NULL);
	feed_str(&v, DIR_C2S, req, false);
	GBytes *b = public_file("wsman/http/amt15_wsman_401_digest_challenge.http");
	gsize n;
	const uint8_t *p = g_bytes_get_data(b, &n);
	feed(&v, DIR_S2C, p, n, 0, true);
	const event *rq = dis_test_find(&v.t, EV_HTTP_REQUEST, 0);
	const event *rs = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rq);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	STR_EQ(fstr(rq, "http.request.method"), "POST");
	STR_EQ(fstr(rq, "http.request.uri"), "/wsman");
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_WSMAN_REQUEST), 1);
	const ev_http *h = rs->data;
	CU_ASSERT_EQUAL(h->status, 401);
	CU_ASSERT_EQUAL(h->auth.scheme, HTTP_AUTH_DIGEST);
	STR_EQ(h->auth.realm, "Digest:727734D63A1FC0423736E48DA554E462");
	STR_EQ(h->auth.nonce, "B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA");
	STR_EQ(h->auth.qop, "auth");
	CU_ASSERT_FALSE(h->auth.stale);
	STR_EQ(h->amt_version, "15.0.23.1706");
	CU_ASSERT_EQUAL(h->body_len, 434);
	CU_ASSERT_TRUE(h->has_request);
	STR_EQ(h->request_uri, "/wsman");
	STR_EQ(fstr(rs, "http.content_type"), "text/html");
	STR_EQ(fstr(rs, "http.auth.realm"), "Digest:727734D63A1FC0423736E48DA554E462");
	STR_EQ(rs->info, "HTTP/1.1 401 Unauthorized (text/html)");
	/* the HTML page is not SOAP */
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_WSMAN_RESPONSE), 0);
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_NOTE), 0);
	g_bytes_unref(b);
	g_free(req);
	conv_close(&v);
}

/* The chunked 200 decodes the same whole and byte by byte. */
static void test_chunked_sample(void)
{
	GBytes *b = public_file("wsman/http/amt15_wsman_get_generalsettings_200_chunked.http");
	gsize n;
	const uint8_t *p = g_bytes_get_data(b, &n);
	size_t chunks[] = {0, 1, 7, 300};
	for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
		conv v;
		conv_open(&v);
		feed(&v, DIR_S2C, p, n, chunks[i], false);
		const event *rs = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
		const ev_http *h = rs->data;
		CU_ASSERT_EQUAL(h->status, 200);
		CU_ASSERT_TRUE(h->chunked);
		CU_ASSERT_EQUAL(h->body_len, 0x220 + 0x2FA + 0x2FA + 0x3C);
		CU_ASSERT_FALSE(h->body_truncated);
		const event *we = dis_test_find(&v.t, EV_WSMAN_RESPONSE, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(we);
		const ev_wsman *w = we->data;
		STR_EQ(w->operation, "GetResponse");
		STR_EQ(w->class_name, "AMT_GeneralSettings");
		CU_ASSERT_TRUE(has_value(we, "wsman.property",
					 "AMT_GeneralSettings.DigestRealm=Digest:62FFAC181B3F3457C5B3894ED21F3E6E"));
		CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_NOTE), 0);
		conv_close(&v);
	}
	g_bytes_unref(b);
}

static void test_fault_sample(void)
{
	conv v;
	conv_open(&v);
	char *req = wsman_post("wsman/requests/amt_setupandconfiguration_unprovision.xml", NULL);
	feed_str(&v, DIR_C2S, req, true);
	GBytes *b = public_file("wsman/http/amt15_wsman_400_fault_alreadyexists_chunked.http");
	gsize n;
	const uint8_t *p = g_bytes_get_data(b, &n);
	feed(&v, DIR_S2C, p, n, 0, true);
	const event *we = dis_test_find(&v.t, EV_WSMAN_RESPONSE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(we);
	const ev_wsman *w = we->data;
	CU_ASSERT_TRUE(w->fault);
	STR_EQ(w->fault_subcode, "e:AlreadyExists");
	STR_EQ(w->fault_reason, "The sender attempted to create a resource which already exists.");
	CU_ASSERT_EQUAL(w->http_status, 400);
	/* the request it answers travels with it */
	CU_ASSERT_TRUE(w->has_request);
	STR_EQ(w->req_method, "Unprovision");
	STR_EQ(w->req_class, "AMT_SetupAndConfigurationService");
	STR_EQ(w->method, "Unprovision");
	CU_ASSERT_TRUE(wsman_failed(w));
	g_bytes_unref(b);
	g_free(req);
	conv_close(&v);
}

static void test_pipelining_keepalive(void)
{
	conv v;
	conv_open(&v);
	feed_str(&v, DIR_C2S,
		 "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
		 "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n"
		 "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
		 false);
	feed_str(&v, DIR_S2C,
		 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
		 "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"  /* HEAD: no body */
		 "HTTP/1.1 204 No Content\r\n\r\n",
		 false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_REQUEST), 3);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 3);
	const char *uris[] = {"/a", "/b", "/c"};
	for (size_t i = 0; i < 3; i++) {
		const ev_http *h = dis_test_find(&v.t, EV_HTTP_RESPONSE, i)->data;
		STR_EQ(h->request_uri, uris[i]);
	}
	const ev_http *post = dis_test_find(&v.t, EV_HTTP_REQUEST, 2)->data;
	CU_ASSERT_EQUAL(post->body_len, 3);
	CU_ASSERT_EQUAL(post->trailers, 1);
	CU_ASSERT_EQUAL(((const ev_http *)dis_test_find(&v.t, EV_HTTP_RESPONSE, 1)->data)->body_len, 0);
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_NOTE), 0);
	conv_close(&v);
}

static void test_close_and_continue(void)
{
	conv v;
	conv_open(&v);
	feed_str(&v, DIR_C2S, "POST /wsman HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", false);
	feed_str(&v, DIR_S2C, "HTTP/1.1 100 Continue\r\n\r\n", false);
	feed_str(&v, DIR_C2S, "abcd", true);
	feed_str(&v, DIR_S2C, "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nbody to the end", true);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 2);
	const ev_http *interim = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0)->data;
	const ev_http *final = dis_test_find(&v.t, EV_HTTP_RESPONSE, 1)->data;
	CU_ASSERT_EQUAL(interim->status, 100);
	CU_ASSERT_EQUAL(final->status, 200);
	CU_ASSERT_TRUE(final->has_request);
	STR_EQ(final->request_uri, "/wsman");
	CU_ASSERT_EQUAL(final->body_len, 15);
	CU_ASSERT_FALSE(final->body_truncated);
	conv_close(&v);
}

static void test_auth_answers(void)
{
	conv v;
	conv_open(&v);
	feed_str(&v, DIR_C2S,
		 "POST /wsman HTTP/1.1\r\nAuthorization: Digest username=\"admin\", realm=\"Digest:727734D63A1FC0423736E48DA554E462\", "
		 "nonce=\"B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA\", uri=\"/wsman\", cnonce=\"NjY3\", nc=00000001, qop=auth, "
		 "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5\r\nContent-Length: 0\r\n\r\n"
		 "GET /index.htm HTTP/1.1\r\nAuthorization: Digest username=\"admin\",realm=\"r\",nonce=\"n\",uri=\"/index.htm\",response=\"\"\r\n\r\n"
		 "GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46UzNjcmV0IQ==\r\n\r\n"
		 "GET / HTTP/1.1\r\nAuthorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag\r\n\r\n",
		 false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_REQUEST), 4);
	const event *e = dis_test_find(&v.t, EV_HTTP_REQUEST, 0);
	const ev_http *h = e->data;
	CU_ASSERT_EQUAL(h->auth.scheme, HTTP_AUTH_DIGEST);
	STR_EQ(h->auth.username, "admin");
	STR_EQ(h->auth.uri, "/wsman");
	STR_EQ(h->auth.nc, "00000001");
	STR_EQ(h->auth.algorithm, "MD5");
	CU_ASSERT_TRUE(h->auth.has_response);
	CU_ASSERT_EQUAL(h->auth.response_len, 32);
	STR_EQ(fstr(e, "http.auth.username"), "admin");
	const ev_http *empty = dis_test_find(&v.t, EV_HTTP_REQUEST, 1)->data;
	CU_ASSERT_TRUE(empty->auth.has_response);
	CU_ASSERT_EQUAL(empty->auth.response_len, 0);
	const ev_http *basic = dis_test_find(&v.t, EV_HTTP_REQUEST, 2)->data;
	CU_ASSERT_EQUAL(basic->auth.scheme, HTTP_AUTH_BASIC);
	STR_EQ(basic->auth.username, "admin");
	const ev_http *neg = dis_test_find(&v.t, EV_HTTP_REQUEST, 3)->data;
	CU_ASSERT_EQUAL(neg->auth.scheme, HTTP_AUTH_NEGOTIATE);
	CU_ASSERT_EQUAL(neg->auth.token_len, 28);
	/* secrets never reach a field or an info line */
	for (size_t i = 0; dis_test_get(&v.t, i); i++) {
		const event *x = dis_test_get(&v.t, i);
		CU_ASSERT_FALSE(event_mentions(x, "0123456789abcdef0123456789abcdef"));
		CU_ASSERT_FALSE(event_mentions(x, "S3cret"));
		CU_ASSERT_FALSE(event_mentions(x, "YWRtaW46UzNjcmV0IQ"));
	}
	conv_close(&v);
}

/* AMT 16.1 offers qop="auth-int, auth"; Kerberos consoles get Negotiate. */
static void test_challenges(void)
{
	conv v;
	conv_open(&v);
	feed_str(&v, DIR_C2S, "POST /wsman HTTP/1.1\r\nContent-Length: 0\r\n\r\nPOST /wsman HTTP/1.1\r\nContent-Length: 0\r\n\r\n", false);
	feed_str(&v, DIR_S2C,
		 "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"Digest:2517B2330000000000000000000000000\", "
		 "nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",stale=\"true\",qop=\"auth-int, auth\"\r\nContent-Length: 0\r\n\r\n"
		 "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nServer: AMT\r\nContent-Length: 0\r\n\r\n",
		 false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 2);
	const ev_http *d = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0)->data;
	STR_EQ(d->auth.qop, "auth-int, auth");
	CU_ASSERT_TRUE(d->auth.stale);
	STR_EQ(d->auth.nonce, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	const ev_http *n = dis_test_find(&v.t, EV_HTTP_RESPONSE, 1)->data;
	CU_ASSERT_EQUAL(n->auth.scheme, HTTP_AUTH_NEGOTIATE);
	CU_ASSERT_PTR_NULL(n->amt_version);  /* ME 11 may say only "AMT" */
	conv_close(&v);
}

static void test_legacy_soap(void)
{
	conv v;
	conv_open(&v);
	GBytes *b = public_file("wsman/requests/eoi_remotecontrol_remotecontrol_powerdown.xml");
	gsize n;
	const char *body = g_bytes_get_data(b, &n);
	char *req = g_strdup_printf(
		"POST /RemoteControlService HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n"
		"SOAPAction: \"http://schemas.intel.com/platform/client/RemoteControl/2004/01#RemoteControl\"\r\n"
		"Content-Length: %zu\r\n\r\n%.*s",
		(size_t)n, (int)n, body);
	feed_str(&v, DIR_C2S, req, false);
	const event *we = dis_test_find(&v.t, EV_WSMAN_REQUEST, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(we);
	const ev_wsman *w = we->data;
	CU_ASSERT_TRUE(w->legacy);
	CU_ASSERT_EQUAL(w->soap_version, 11);
	STR_EQ(w->method, "RemoteControl");
	STR_EQ(w->class_name, "RemoteControl");
	STR_EQ(w->action, "http://schemas.intel.com/platform/client/RemoteControl/2004/01#RemoteControl");
	STR_EQ(w->operation, "RemoteControl");
	STR_EQ(w->http_uri, "/RemoteControlService");
	CU_ASSERT_TRUE(has_value(we, "wsman.property", "RemoteControl.Command=18"));
	g_free(req);
	g_bytes_unref(b);
	conv_close(&v);
}

static void test_hostile(void)
{
	conv v;
	/* a header block that never ends */
	conv_open(&v);
	v.t.cfg.limit[LIM_HTTP_HEADER] = 256;
	GString *g = g_string_new("GET / HTTP/1.1\r\n");
	while (g->len < 4000)
		g_string_append(g, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
	feed(&v, DIR_C2S, g->str, g->len, 100, false);
	CU_ASSERT_EQUAL(v.t.limit_hits[LIM_HTTP_HEADER], 1);
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_HTTP_REQUEST), 0);
	g_string_free(g, TRUE);
	conv_close(&v);

	/* a big header block arriving a byte at a time is found in linear time */
	conv_open(&v);
	g = g_string_new("GET / HTTP/1.1\r\n");
	while (g->len < 60000)
		g_string_append(g, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
	g_string_append(g, "\r\n");
	gint64 t0 = g_get_monotonic_time();
	feed(&v, DIR_C2S, g->str, g->len, 1, false);
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_HTTP_REQUEST), 1);
	CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
	g_string_free(g, TRUE);
	conv_close(&v);

	/* long chunk extensions a byte at a time: still linear, still decoded */
	conv_open(&v);
	g = g_string_new("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 40; i++) {
		g_string_append(g, "1;ext=");
		for (int j = 0; j < 900; j++)
			g_string_append_c(g, 'e');
		g_string_append(g, "\r\nz\r\n");
	}
	g_string_append(g, "0\r\n\r\n");
	t0 = g_get_monotonic_time();
	feed(&v, DIR_S2C, g->str, g->len, 1, false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 1);
	CU_ASSERT_EQUAL(((const ev_http *)dis_test_find(&v.t, EV_HTTP_RESPONSE, 0)->data)->body_len, 40);
	CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
	g_string_free(g, TRUE);
	conv_close(&v);

	/* chunk size 2^64 */
	conv_open(&v);
	feed_str(&v, DIR_S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nxx", true);
	CU_ASSERT_EQUAL(count_notes(&v, "chunk size"), 1);
	/* the response is still reported, its body marked truncated */
	const event *cut = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
	CU_ASSERT_TRUE(((const ev_http *)cut->data)->body_truncated);
	conv_close(&v);

	/* a body past the cap: counted, kept up to the cap */
	conv_open(&v);
	v.t.cfg.limit[LIM_HTTP_BODY] = 1000;
	g = g_string_new("HTTP/1.1 200 OK\r\nContent-Length: 50000\r\n\r\n");
	size_t head = g->len;
	while (g->len < head + 50000)
		g_string_append_c(g, 'z');
	feed(&v, DIR_S2C, g->str, g->len, 1460, false);
	const event *rs = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	const ev_http *h = rs->data;
	CU_ASSERT_EQUAL(h->body_len, 50000);
	CU_ASSERT_EQUAL(h->body_kept, 1000);
	CU_ASSERT_TRUE(h->body_truncated);
	CU_ASSERT_EQUAL(v.t.limit_hits[LIM_HTTP_BODY], 1);
	g_string_free(g, TRUE);
	conv_close(&v);

	/* not HTTP at all, and a body cut by the end of the stream */
	conv_open(&v);
	feed_str(&v, DIR_C2S, "\x16\x03\x01\x02\x01garbage\r\n\r\n", true);
	CU_ASSERT_EQUAL(count_notes(&v, "not an HTTP"), 1);
	feed_str(&v, DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", true);
	CU_ASSERT_EQUAL(count_notes(&v, "cut short"), 1);
	rs = dis_test_find(&v.t, EV_HTTP_RESPONSE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_TRUE(((const ev_http *)rs->data)->body_truncated);
	conv_close(&v);

	/* an XML bomb in a SOAP body: refused, noted, no expansion */
	conv_open(&v);
	const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
			   "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&b;</s:Body></s:Envelope>";
	char *req = g_strdup_printf("POST /wsman HTTP/1.1\r\nContent-Type: application/soap+xml\r\nContent-Length: %zu\r\n\r\n%s",
				    strlen(bomb), bomb);
	feed_str(&v, DIR_C2S, req, false);
	CU_ASSERT_EQUAL(dis_test_count(&v.t, EV_WSMAN_REQUEST), 0);
	CU_ASSERT_EQUAL(count_notes(&v, "document type"), 1);
	g_free(req);
	conv_close(&v);
}

/* A capture that starts mid-message, and bytes lost outside a body. */
static void test_resync(void)
{
	conv v;
	conv_open(&v);
	feed_str(&v, DIR_C2S, "ope></a:Body></a:Envelope>\r\nmore tail\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", false);
	CU_ASSERT_EQUAL(count_notes(&v, "not an HTTP request line"), 1);
	CU_ASSERT_EQUAL(count_notes(&v, "resynchronised"), 1);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_REQUEST), 1);
	STR_EQ(fstr(dis_test_find(&v.t, EV_HTTP_REQUEST, 0), "http.request.uri"), "/b");
	/* a hole in the header block: the next message is found again */
	feed_str(&v, DIR_S2C, "HTTP/1.1 200 OK\r\nCont", false);
	v.t.ctx.dir = DIR_S2C;
	dissector_http.gap(v.st, &v.t.ctx, 100);
	feed_str(&v, DIR_S2C, "garbage\r\nHTTP/1.1 204 No Content\r\n\r\n", false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 1);
	CU_ASSERT_EQUAL(((const ev_http *)dis_test_find(&v.t, EV_HTTP_RESPONSE, 0)->data)->status, 204);
	/* a hole inside a Content-Length body only truncates that body */
	feed_str(&v, DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n0123456789", false);
	dissector_http.gap(v.st, &v.t.ctx, 90);
	feed_str(&v, DIR_S2C, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false);
	CU_ASSERT_EQUAL_FATAL(dis_test_count(&v.t, EV_HTTP_RESPONSE), 2);
	const ev_http *h = dis_test_find(&v.t, EV_HTTP_RESPONSE, 1)->data;
	CU_ASSERT_EQUAL(h->body_len, 300);
	CU_ASSERT_TRUE(h->body_truncated);
	conv_close(&v);
}

static void test_probe(void)
{
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"POST /wsman HTTP/1.1\r\n", 22, 0), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"HTTP/1.1 200 OK", 15, 1), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"PO", 2, 0), PROBE_MORE);
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"HTT", 3, 1), PROBE_MORE);
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"\x16\x03\x01\x00", 4, 0), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_http.probe((const uint8_t *)"POSTX /", 7, 0), PROBE_NO);
}

int main(void)
{
	static const char *const names[] = {"401 challenge sample", "chunked 200 sample", "400 fault sample",
					    "pipelining and keep-alive", "close and 100-continue", "auth answers", "challenges",
					    "legacy SOAP", "hostile input", "resync", "probe"};
	static void (*const fns[])(void) = {test_challenge_sample, test_chunked_sample, test_fault_sample,
					    test_pipelining_keepalive, test_close_and_continue, test_auth_answers, test_challenges,
					    test_legacy_soap, test_hostile, test_resync, test_probe};
	return run_suite("http", names, fns, G_N_ELEMENTS(fns));
}
