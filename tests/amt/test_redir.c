/* Redirection dissector: message boundaries, session events, secrets kept
 * out, opcodes keyed on the session type, RFB after KVM start. */
#include "decoder/events/redir.h"
#include "redir_build.h"

extern const dissector dissector_redir;

#define PASSWORD "Sup3r-S3cret!"
#define RESPONSE "5f4dcc3b5aa765d61d8327deb882cf99"

typedef struct session_test {
	dis_test t;
	void *st;
} session_test;

static void open_test(session_test *s)
{
	dis_test_init(&s->t, 6, "10.0.0.9", 40000, "10.0.0.5", 16994);
	s->st = dissector_redir.state_new(&s->t.ctx);
}

static void close_test(session_test *s)
{
	dissector_redir.state_free(s->st);
	dis_test_free(&s->t);
}

/* One direction's bytes, as whole messages; the buffer is emptied. */
static dis_result feed(session_test *s, uint8_t dir, GByteArray *b)
{
	s->t.ctx.dir = dir;
	dis_result r = dissector_redir.parse(s->st, &s->t.ctx, b->data, b->len);
	g_byte_array_set_size(b, 0);
	return r;
}

static const ev_redir_session *session_event(session_test *s, redir_session_state state)
{
	for (size_t i = 0; dis_test_get(&s->t, i); i++) {
		const event *e = dis_test_get(&s->t, i);
		if (e->kind == EV_REDIR_SESSION && ((const ev_redir_session *)e->data)->state == state)
			return e->data;
	}
	return NULL;
}

static size_t sessions_in(session_test *s, redir_session_state state)
{
	size_t n = 0;
	for (size_t i = 0; dis_test_get(&s->t, i); i++) {
		const event *e = dis_test_get(&s->t, i);
		if (e->kind == EV_REDIR_SESSION && ((const ev_redir_session *)e->data)->state == state)
			n++;
	}
	return n;
}

static const event *message_named(session_test *s, const char *name, size_t nth)
{
	for (size_t i = 0; dis_test_get(&s->t, i); i++) {
		const event *e = dis_test_get(&s->t, i);
		if (e->kind == EV_REDIR_MESSAGE && !strcmp(((const ev_redir_message *)e->data)->name, name) &&
		    nth-- == 0)
			return e;
	}
	return NULL;
}

/* A whole SOL session with digest (qop) login; returns nothing, checks all. */
static void sol_session(session_test *s, bool show_data, bool redact)
{
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	s->t.cfg.show_sol_data = show_data;
	s->t.cfg.redact = redact;
	m_start(c, "SOL ");
	feed(s, DIR_C2S, c);
	m_start_reply(a, 0);
	feed(s, DIR_S2C, a);
	m_auth(c, 0x13, 0, 0, NULL);
	feed(s, DIR_C2S, c);
	put(a, "14 00 00 00 00 02 00 00 00 03 04");
	feed(s, DIR_S2C, a);
	m_digest(c, 4, "admin", NULL, NULL, NULL);
	feed(s, DIR_C2S, c);
	m_challenge(a, 4, "Digest:A3829B3827DE4D33D4449B366831FD01", "nonce-1234");
	feed(s, DIR_S2C, a);
	m_digest(c, 4, "admin", "Digest:A3829B3827DE4D33D4449B366831FD01", "nonce-1234", RESPONSE);
	feed(s, DIR_C2S, c);
	m_auth(a, 0x14, 0, 4, NULL);
	feed(s, DIR_S2C, a);
	m_sol_start(c, 1);
	m_sol_data(c, 0x28, 2, "ls -l\r");
	m_hdr(c, 0x2B, 0, 3);
	feed(s, DIR_C2S, c);
	m_sol_start_reply(a, 0);
	m_sol_data(a, 0x2A, 0, "login: ");
	m_hdr(a, 0x29, 0, 0);
	put(a, "03 04");
	feed(s, DIR_S2C, a);
	m_hdr(c, 0x22, 0, 4);
	put(c, "12 00 00 00");
	feed(s, DIR_C2S, c);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
}

static void test_sol_session(void)
{
	session_test s;
	open_test(&s);
	sol_session(&s, false, true);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_NOTE), 0);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_REDIR_MESSAGE), 16);
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_OPENED), 1);
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_AUTHENTICATED), 1);
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_REFUSED), 0);  /* the challenge is no failure */
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_CLOSED), 1);
	const ev_redir_session *x = session_event(&s, REDIR_SESSION_CLOSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->type, REDIR_TYPE_SOL);
	CU_ASSERT_STRING_EQUAL(x->user, "admin");
	CU_ASSERT_TRUE(x->authenticated);
	CU_ASSERT_TRUE(x->bytes[0] > 100 && x->bytes[1] > 50);

	const event *e = message_named(&s, "AuthenticateSessionReply", 0);
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.auth.supported"), "digest,digest-qop");
	e = message_named(&s, "AuthenticateSession", 2);
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.auth.user"), "admin");
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.auth.realm"), "Digest:A3829B3827DE4D33D4449B366831FD01");
	CU_ASSERT_FALSE(events_contain(&s.t, RESPONSE));
	e = message_named(&s, "SOL_DATA_TO_HOST", 0);
	CU_ASSERT_EQUAL(field_uint(e, "redir.sol.data_len"), 6);
	CU_ASSERT_PTR_NULL(field_str(e, "redir.sol.data"));
	CU_ASSERT_FALSE(events_contain(&s.t, "login:"));
	e = message_named(&s, "START_SOL_REDIRECTION", 0);
	CU_ASSERT_EQUAL(field_uint(e, "redir.sol.max_tx_buffer"), 10000);
	CU_ASSERT_EQUAL(field_uint(e, "redir.sol.host_rx_timeout"), 10000);
	e = message_named(&s, "SOL_CONTROLS_FROM_HOST", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NOT_NULL(strstr(e->info, "RTS DTR"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e->info, "host-on"));
	close_test(&s);

	open_test(&s);
	sol_session(&s, true, false);
	e = message_named(&s, "SOL_DATA_FROM_HOST", 0);
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.sol.data"), "login: ");
	CU_ASSERT_TRUE(events_contain(&s.t, RESPONSE));  /* --no-redact shows it */
	close_test(&s);
}

/* The same bytes one at a time give the same messages. */
static void test_byte_by_byte(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new();
	m_start(c, "SOL ");
	m_auth(c, 0x13, 0, 0, NULL);
	m_sol_start(c, 1);
	m_sol_data(c, 0x28, 2, "abc");
	dis_test_stream(&s.t, &dissector_redir, s.st, DIR_C2S, c->data, c->len, 1, false);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_REDIR_MESSAGE), 4);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_NOTE), 0);
	g_byte_array_free(c, TRUE);
	close_test(&s);
}

static void test_wrong_password(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	m_start(c, "SOL ");
	feed(&s, DIR_C2S, c);
	m_start_reply(a, 0);
	feed(&s, DIR_S2C, a);
	m_digest(c, 3, "operator", NULL, NULL, NULL);
	feed(&s, DIR_C2S, c);
	m_challenge(a, 3, "Digest:0000", "n1");
	feed(&s, DIR_S2C, a);
	m_digest(c, 3, "operator", "Digest:0000", "n1", RESPONSE);
	feed(&s, DIR_C2S, c);
	m_auth(a, 0x14, 1, 3, NULL);
	feed(&s, DIR_S2C, a);
	const ev_redir_session *x = session_event(&s, REDIR_SESSION_REFUSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_REFUSED), 1);
	CU_ASSERT_EQUAL(x->refused_at, REDIR_REFUSED_AUTH);
	CU_ASSERT_EQUAL(x->auth_type, REDIR_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(x->user, "operator");
	CU_ASSERT_FALSE(events_contain(&s.t, RESPONSE));
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
	close_test(&s);
}

static void test_userpass_never_shown(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	m_start(c, "IDER");
	m_userpass(c, "admin", PASSWORD);
	feed(&s, DIR_C2S, c);
	m_start_reply(a, 0);
	m_auth(a, 0x14, 1, 1, NULL);
	feed(&s, DIR_S2C, a);
	CU_ASSERT_FALSE(events_contain(&s.t, PASSWORD));
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_REFUSED), 1);
	close_test(&s);

	open_test(&s);
	s.t.cfg.redact = false;
	m_start(c, "IDER");
	m_userpass(c, "admin", PASSWORD);
	feed(&s, DIR_C2S, c);
	CU_ASSERT_TRUE(events_contain(&s.t, PASSWORD));
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
	close_test(&s);
}

static void test_busy_start_refused(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	m_start(c, "SOL ");
	feed(&s, DIR_C2S, c);
	m_start_reply(a, 2);
	feed(&s, DIR_S2C, a);
	const ev_redir_session *x = session_event(&s, REDIR_SESSION_REFUSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->refused_at, REDIR_REFUSED_START);
	CU_ASSERT_EQUAL(x->status, 2);
	dissector_redir.flow_end(s.st, &s.t.ctx);
	CU_ASSERT_EQUAL(sessions_in(&s, REDIR_SESSION_CLOSED), 0);  /* never opened */
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
	close_test(&s);
}

static void ider_start(session_test *s)
{
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	m_start(c, "IDER");
	feed(s, DIR_C2S, c);
	m_start_reply(a, 0);
	feed(s, DIR_S2C, a);
	m_hdr(c, 0x40, 0, 0);
	put_le16(c, 30000);
	put_le16(c, 0);
	put_le16(c, 20000);
	put_le32(c, 1);
	feed(s, DIR_C2S, c);
	m_hdr(a, 0x41, 0, 0);
	put(a, "01 00 02 00 00 00 00 00");       /* [8..15] */
	put_le16(a, 8192);                      /* [16..17] read buffer */
	put_le16(a, 4096);                      /* [18..19] write buffer */
	put(a, "00 00 00 00 00");               /* [20..24] */
	put_le32(a, 343);                       /* [25..28] */
	put(a, "00");                           /* [29] N */
	m_hdr(a, 0x50, 0, 1);
	put(a, "00 00 00 00");
	put_le16(a, 2048);
	put(a, "b0 a0 28 00 00 00 00 10 00 00 01 00 00 00");
	feed(s, DIR_S2C, a);
	m_hdr(c, 0x48, 0, 1);
	put(c, "03 19 00 00 00");
	feed(s, DIR_C2S, c);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
}

static void test_ider_start(void)
{
	session_test s;
	open_test(&s);
	ider_start(&s);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_NOTE), 0);
	const event *e = message_named(&s, "START_IDER_REDIRECTION", 0);
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.rx_timeout"), 30000);
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.heartbeat_interval"), 20000);
	e = message_named(&s, "START_IDER_REDIRECTION_REPLY", 0);
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.read_buffer"), 8192);
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.write_buffer"), 4096);
	CU_ASSERT_EQUAL(field_uint(e, "redir.oem_iana"), 343);
	e = message_named(&s, "IDER_COMMAND_WRITTEN", 0);
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.ider.cdb_name"), "READ(10)");
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.ider.device"), "CD-ROM");
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.byte_count"), 2048);
	e = message_named(&s, "IDER_DISABLE_ENABLE_FEATURES", 0);
	CU_ASSERT_STRING_EQUAL(field_str(e, "redir.ider.feature_command"), "set register state");
	CU_ASSERT_EQUAL(field_uint(e, "redir.ider.feature_value"), 0x19);
	close_test(&s);
}

/* KVM: 0x40 is 8 bytes and RFB follows in the same segment. */
static void kvm_start(session_test *s, uint16_t width, uint16_t height)
{
	GByteArray *c = g_byte_array_new(), *a = g_byte_array_new();
	m_start(c, "KVMR");
	feed(s, DIR_C2S, c);
	m_start_reply(a, 0);
	m_auth(a, 0x14, 0, 4, NULL);
	feed(s, DIR_S2C, a);
	put(c, "40 00 00 00 00 00 00 00");
	put_raw(c, "RFB 003.008\n");
	feed(s, DIR_C2S, c);
	put(a, "41 00 00 00 00 00 00 00");
	put_raw(a, "RFB 004.000\n");
	put(a, "01 01");
	feed(s, DIR_S2C, a);
	put(c, "01 01");  /* security None, ClientInit shared */
	put(c, "02 00 00 03 00 00 00 00 00 00 04 44 ff ff ff 21");  /* SetEncodings raw, 1092, -223 */
	put(c, "06 00 00 00 00 00 00 0f");
	g_byte_array_append(c, (const guint8 *)"\0KvmExtCmd\0" "\x01\x00\x00", 14);
	put(c, "06 00 00 00 00 00 00 01");  /* ClientCutText of one byte, cut by the segment */
	feed(s, DIR_C2S, c);
	put(a, "00 00 00 00");  /* SecurityResult OK */
	put_u8(a, width >> 8);
	put_u8(a, width & 0xff);
	put_u8(a, height >> 8);
	put_u8(a, height & 0xff);
	put(a, "20 18 00 01 00 ff 00 ff 00 ff 10 08 00 00 00 00");
	put(a, "00 00 00 07");
	put_raw(a, "AMT KVM");
	put(a, "00 00 00 01 00 00 00 00 00 02 00 01 00 00 00 00");  /* update: 2x1 raw */
	put(a, "01 02 03 04 05 06 07 08");
	put(a, "02");  /* Bell */
	feed(s, DIR_S2C, a);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(a, TRUE);
}

static const event *rfb_named(session_test *s, const char *name)
{
	for (size_t i = 0; dis_test_get(&s->t, i); i++) {
		const event *e = dis_test_get(&s->t, i);
		if (e->kind == EV_RFB_MESSAGE && !strcmp(((const ev_rfb_message *)e->data)->name, name))
			return e;
	}
	return NULL;
}

static void test_kvm_rfb(void)
{
	session_test s;
	open_test(&s);
	kvm_start(&s, 1920, 1080);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_NOTE), 0);
	CU_ASSERT_PTR_NOT_NULL(message_named(&s, "KVM_START", 0));
	CU_ASSERT_PTR_NOT_NULL(message_named(&s, "KVM_START_REPLY", 0));
	const event *e = rfb_named(&s, "ServerInit");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	const ev_rfb_message *m = e->data;
	CU_ASSERT_EQUAL(m->width, 1920);
	CU_ASSERT_EQUAL(m->height, 1080);
	CU_ASSERT_STRING_EQUAL(m->desktop_name, "AMT KVM");
	CU_ASSERT_PTR_NOT_NULL(rfb_named(&s, "SecurityResult"));
	CU_ASSERT_PTR_NOT_NULL(rfb_named(&s, "FramebufferUpdate"));
	CU_ASSERT_PTR_NOT_NULL(rfb_named(&s, "Bell"));  /* the raw pixels were skipped exactly */
	e = rfb_named(&s, "ClientCutText");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(((const ev_rfb_message *)e->data)->intel_ext, "KvmExtCmd");
	e = rfb_named(&s, "SetEncodings");
	CU_ASSERT_EQUAL(field_uint(e, "vnc.num_encoding_types"), 3);
	close_test(&s);

	open_test(&s);
	kvm_start(&s, 60000, 50000);
	CU_ASSERT_EQUAL(notes_of(&s.t, NOTE_MALFORMED), 1);  /* absurd size reported */
	close_test(&s);
}

static void test_unknown_opcode(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new();
	m_start(c, "SOL ");
	put(c, "41 00 00 00 00 00 00 00");  /* IDE-R / KVM opcode in a SOL session */
	m_auth(c, 0x13, 0, 0, NULL);
	dis_result r = feed(&s, DIR_C2S, c);
	CU_ASSERT_EQUAL(r.status, DIS_ERROR);
	CU_ASSERT_EQUAL(notes_of(&s.t, NOTE_UNDECODABLE), 1);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_REDIR_MESSAGE), 1);
	/* the direction stays given up */
	m_auth(c, 0x13, 0, 0, NULL);
	feed(&s, DIR_C2S, c);
	CU_ASSERT_EQUAL(dis_test_count(&s.t, EV_REDIR_MESSAGE), 1);
	g_byte_array_free(c, TRUE);
	close_test(&s);
}

static void test_absurd_lengths(void)
{
	session_test s;
	open_test(&s);
	GByteArray *c = g_byte_array_new();
	m_start(c, "IDER");
	put(c, "13 00 00 00 01 ff ff ff 7f");
	CU_ASSERT_EQUAL(feed(&s, DIR_C2S, c).status, DIS_ERROR);
	CU_ASSERT_EQUAL(notes_of(&s.t, NOTE_UNDECODABLE), 1);
	close_test(&s);

	open_test(&s);
	m_start(c, "IDER");
	m_hdr(c, 0x54, 0, 0);
	put(c, "00 01 40");  /* 0x4001 bytes > 8192 */
	CU_ASSERT_EQUAL(feed(&s, DIR_C2S, c).status, DIS_ERROR);
	close_test(&s);

	/* a partial message waits for more, and is reported at the end */
	open_test(&s);
	m_start(c, "SOL ");
	m_hdr(c, 0x28, 0, 1);
	put(c, "10 00 41 42");
	dis_result r = feed(&s, DIR_C2S, c);
	CU_ASSERT_EQUAL(r.status, DIS_INCOMPLETE);
	CU_ASSERT_EQUAL(r.consumed, 8);
	CU_ASSERT_EQUAL(r.needed, 14);
	m_hdr(c, 0x28, 0, 1);
	put(c, "10 00 41 42");
	s.t.ctx.at_eof = true;
	r = feed(&s, DIR_C2S, c);
	CU_ASSERT_EQUAL(r.status, DIS_OK);
	CU_ASSERT_EQUAL(notes_of(&s.t, NOTE_TRUNCATED), 1);
	g_byte_array_free(c, TRUE);
	close_test(&s);
}

static void test_probe(void)
{
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\0\0\0SOL ", 8, DIR_C2S), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\x01\0\0KVMR", 8, DIR_C2S), PROBE_YES);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\0\0\0IDER", 8, DIR_S2C), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\0\0", 3, DIR_C2S), PROBE_MORE);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\0\0\0SOLX", 8, DIR_C2S), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"\x10\x02\0\0SOL ", 8, DIR_C2S), PROBE_NO);
	CU_ASSERT_EQUAL(dissector_redir.probe((const uint8_t *)"GET / HTTP/1.1", 14, DIR_C2S), PROBE_NO);
}

int main(void)
{
	static const CU_TestInfo tests[] = {
		{"SOL session with digest login", test_sol_session},
		{"byte-by-byte delivery", test_byte_by_byte},
		{"wrong password refused at authentication", test_wrong_password},
		{"user/password never shown", test_userpass_never_shown},
		{"start refused busy", test_busy_start_refused},
		{"IDE-R start and command", test_ider_start},
		{"KVM start and RFB handshake", test_kvm_rfb},
		{"unknown opcode: undecodable", test_unknown_opcode},
		{"absurd and partial lengths", test_absurd_lengths},
		{"probe: the session start signature", test_probe},
		CU_TEST_INFO_NULL,
	};
	return run_suite("redir", tests);
}
