/* \summary: Intel AMT redirection: SOL, IDE-R, KVM (TCP 16994/16995)
 *
 * A console opens a session (0x10 with the session type), authenticates
 * (0x13/0x14) and then speaks SOL or IDE-R framed messages, or switches KVM
 * to raw RFB (rfb.c). Message boundaries follow
 * the reference clients (MeshCommander amt-redir, kraxel/amtterm redir.c); opcode meaning depends on
 * the session type (0x40/0x41 are KVM start on KVMR, IDE-R start on IDER).
 * An unknown opcode ends decoding of that direction, as the reference clients
 * abort there. Passwords and digest responses never leave this file. */
#include <glib.h>
#include <stdio.h>

#include "redir_int.h"

#define AUTH_MAX 65535      /* real authentication data is under 300 bytes */
#define USER_MAX 64
#define NO_AUTH 0xff

enum {
	OP_START = 0x10, OP_START_REPLY = 0x11, OP_END = 0x12, OP_AUTH = 0x13, OP_AUTH_REPLY = 0x14,
	OP_SOL_START = 0x20, OP_SOL_START_REPLY = 0x21, OP_SOL_END = 0x22, OP_SOL_END_REPLY = 0x23,
	OP_SOL_PING = 0x24, OP_SOL_PONG = 0x25, OP_SOL_SETTINGS = 0x27, OP_SOL_TO_HOST = 0x28,
	OP_SOL_CONTROLS = 0x29, OP_SOL_FROM_HOST = 0x2A, OP_SOL_HEARTBEAT = 0x2B,
	OP_KVM_START = 0x40, OP_KVM_START_REPLY = 0x41,
};

typedef struct redir_state {
	redir_type type;
	bool dead[2];
	bool rfb_on[2];
	rfb_state rfb;
	bool started, opened, authenticated, closed;
	bool challenge_pending;  /* last 0x13 was a digest opening (no response yet) */
	int64_t start_ts, last_ts;
	uint32_t last_frame;
	uint16_t last_input;
	uint64_t bytes[2];
	uint8_t auth_type;
	char user[USER_MAX + 1];
} redir_state;

const char *redir_type_name(redir_type t)
{
	switch (t) {
	case REDIR_TYPE_SOL: return "SOL";
	case REDIR_TYPE_IDER: return "IDER";
	case REDIR_TYPE_KVM: return "KVM";
	default: return "unknown";
	}
}

static const tok auth_names[] = {
	{REDIR_AUTH_QUERY, "query"}, {REDIR_AUTH_USERPASS, "user/password"},
	{REDIR_AUTH_KERBEROS, "kerberos"}, {REDIR_AUTH_DIGEST, "digest"},
	{REDIR_AUTH_DIGEST_QOP, "digest-qop"}, {0, NULL},
};

const char *redir_auth_name(uint8_t t)
{
	return tok_name(auth_names, t, "unknown");
}

const char *redir_session_state_name(redir_session_state s)
{
	switch (s) {
	case REDIR_SESSION_OPENED: return "opened";
	case REDIR_SESSION_AUTHENTICATED: return "authenticated";
	case REDIR_SESSION_REFUSED: return "refused";
	case REDIR_SESSION_CLOSED: return "closed";
	}
	return "?";
}

static const tok op_names[] = {
	{OP_START, "StartRedirectionSession"}, {OP_START_REPLY, "StartRedirectionSessionReply"},
	{OP_END, "EndRedirectionSession"}, {OP_AUTH, "AuthenticateSession"},
	{OP_AUTH_REPLY, "AuthenticateSessionReply"}, {OP_SOL_START, "START_SOL_REDIRECTION"},
	{OP_SOL_START_REPLY, "START_SOL_REDIRECTION_REPLY"}, {OP_SOL_END, "END_SOL_REDIRECTION"},
	{OP_SOL_END_REPLY, "END_SOL_REDIRECTION_REPLY"}, {OP_SOL_PING, "SOL_KEEP_ALIVE_PING"},
	{OP_SOL_PONG, "SOL_KEEP_ALIVE_PONG"}, {OP_SOL_SETTINGS, "SOL_0x27 (undocumented)"},
	{OP_SOL_TO_HOST, "SOL_DATA_TO_HOST"}, {OP_SOL_CONTROLS, "SOL_CONTROLS_FROM_HOST"},
	{OP_SOL_FROM_HOST, "SOL_DATA_FROM_HOST"}, {OP_SOL_HEARTBEAT, "SOL_HEARTBEAT"},
	{0x42, "END_IDER_REDIRECTION"}, {0x43, "END_IDER_REDIRECTION_REPLY"},
	{0x44, "IDER_KEEP_ALIVE_PING"}, {0x45, "IDER_KEEP_ALIVE_PONG"},
	{0x46, "IDER_RESET_OCCURED"}, {0x47, "IDER_RESET_OCCURED_RESPONSE"},
	{0x48, "IDER_DISABLE_ENABLE_FEATURES"}, {0x49, "IDER_DISABLE_ENABLE_FEATURES_REPLY"},
	{0x4A, "IDER_ERROR_OCCURED"}, {0x4B, "IDER_HEARTBEAT"}, {0x50, "IDER_COMMAND_WRITTEN"},
	{0x51, "IDER_COMMAND_END_RESPONSE"}, {0x52, "IDER_GET_DATA_FROM_HOST"},
	{0x53, "IDER_DATA_FROM_HOST"}, {0x54, "IDER_DATA_TO_HOST"}, {0, NULL},
};

static const char *op_name(redir_type t, uint8_t op)
{
	/* IDE-R and KVM share the opcodes of their start messages */
	if (op == OP_KVM_START)
		return t == REDIR_TYPE_KVM ? "KVM_START" : "START_IDER_REDIRECTION";
	if (op == OP_KVM_START_REPLY)
		return t == REDIR_TYPE_KVM ? "KVM_START_REPLY" : "START_IDER_REDIRECTION_REPLY";
	return tok_name(op_names, op, "unknown");
}

static redir_type type_from_tag(const uint8_t *tag)
{
	if (!memcmp(tag, "SOL ", 4))
		return REDIR_TYPE_SOL;
	if (!memcmp(tag, "IDER", 4))
		return REDIR_TYPE_IDER;
	if (!memcmp(tag, "KVMR", 4))
		return REDIR_TYPE_KVM;
	return REDIR_TYPE_UNKNOWN;
}

/* The length of the message at p[0..len) (section 2.6), len >= 1. */
static frame_result message_length(redir_type t, const uint8_t *p, size_t len)
{
	wire w = wire_init(p, len);
	uint8_t op = wire_peek_u8(&w, 0);
	switch (op) {
	case OP_START: return frame_ok(8);
	case OP_END: return frame_ok(4);
	case OP_START_REPLY:
		if (!wire_has(&w, 13))
			return frame_incomplete(13);
		return frame_ok(13 + (size_t)wire_peek_u8(&w, 12));
	case OP_AUTH:
	case OP_AUTH_REPLY: {
		if (!wire_has(&w, 9))
			return frame_incomplete(9);
		uint32_t l = wire_peek_u32le(&w, 5);
		return l > AUTH_MAX ? frame_error(REDIR_ABSURD_LENGTH) : frame_ok(9 + (size_t)l);
	}
	default:
		break;
	}
	if (op >= 0x20 && op <= 0x2B && (t == REDIR_TYPE_SOL || t == REDIR_TYPE_UNKNOWN)) {
		switch (op) {
		case OP_SOL_START: return frame_ok(24);
		case OP_SOL_START_REPLY: return frame_ok(23);
		case OP_SOL_SETTINGS: return frame_ok(14);
		case OP_SOL_CONTROLS: return frame_ok(10);
		case OP_SOL_TO_HOST:
		case OP_SOL_FROM_HOST:
			if (!wire_has(&w, 10))
				return frame_incomplete(10);
			return frame_ok(10 + (size_t)wire_peek_u16le(&w, 8));
		case OP_SOL_END: case OP_SOL_END_REPLY: case OP_SOL_PING: case OP_SOL_PONG:
		case OP_SOL_HEARTBEAT:
			return frame_ok(8);
		default:
			return frame_error(REDIR_UNKNOWN_COMMAND);
		}
	}
	if (t == REDIR_TYPE_KVM && (op == OP_KVM_START || op == OP_KVM_START_REPLY))
		return frame_ok(8);
	if (t == REDIR_TYPE_IDER || (t == REDIR_TYPE_UNKNOWN && op > OP_KVM_START_REPLY))
		return redir_ider_length(p, len);
	return frame_error(REDIR_UNKNOWN_COMMAND);
}

static void copy_user(redir_state *s, const uint8_t *u, size_t n)
{
	n = n > USER_MAX ? USER_MAX : n;
	for (size_t i = 0; i < n; i++)
		s->user[i] = (u[i] >= 0x20 && u[i] < 0x7f) ? (char)u[i] : '?';
	s->user[n] = 0;
}

/* One 1-byte-length-prefixed digest string. */
static const uint8_t *lp_string(wire *w, uint8_t *n)
{
	*n = wire_u8(w);
	return wire_bytes(w, *n);
}

static void decode_auth(redir_state *s, dis_ctx *c, event *e, ev_redir_message *m, wire *w)
{
	wire_skip(w, 3);
	m->has_auth = true;
	m->auth_type = wire_u8(w);
	uint32_t l = wire_u32le(w);
	wire data = wire_sub(w, l);
	ev_str(e, "redir.auth.type", redir_auth_name(m->auth_type));
	s->auth_type = m->auth_type;
	s->challenge_pending = false;
	uint8_t n;
	const uint8_t *b;
	switch (m->auth_type) {
	case REDIR_AUTH_QUERY:
		ev_set_info(e, "AuthenticateSession query supported methods");
		return;
	case REDIR_AUTH_USERPASS:
		b = lp_string(&data, &n);
		if (b)
			copy_user(s, b, n);
		m->auth_user = arena_strdup(c->scratch, s->user);
		ev_str(e, "redir.auth.user", m->auth_user);
		if (!c->cfg->redact) {
			const uint8_t *pw = lp_string(&data, &n);
			if (pw)
				ev_strn(e, "redir.auth.password", pw, n);
		}
		ev_set_info(e, "AuthenticateSession user/password, user %s", m->auth_user);
		return;
	case REDIR_AUTH_KERBEROS:
		ev_uint(e, "redir.auth.kerberos_token_len", l);
		ev_set_info(e, "AuthenticateSession Kerberos, %u-byte token", l);
		return;
	case REDIR_AUTH_DIGEST:
	case REDIR_AUTH_DIGEST_QOP: {
		/* user, realm, nonce, uri, cnonce, nc, response[, qop] */
		const uint8_t *f[8];
		uint8_t fl[8] = {0};
		int nf = m->auth_type == REDIR_AUTH_DIGEST_QOP ? 8 : 7;
		for (int i = 0; i < nf; i++)
			f[i] = lp_string(&data, &fl[i]);
		if (data.err) {
			dis_note(c, REDIR_PROTO, NOTE_MALFORMED, 0, "digest authentication fields cut short");
			ev_set_info(e, "AuthenticateSession %s (malformed)", redir_auth_name(m->auth_type));
			return;
		}
		copy_user(s, f[0], fl[0]);
		m->auth_user = arena_strdup(c->scratch, s->user);
		ev_str(e, "redir.auth.user", m->auth_user);
		if (fl[1]) {
			m->auth_realm = arena_printable(c->scratch, f[1], fl[1]);
			ev_str(e, "redir.auth.realm", m->auth_realm);
		}
		ev_strn(e, "redir.auth.uri", f[3], fl[3]);
		s->challenge_pending = fl[6] == 0;
		if (fl[6] && !c->cfg->redact)
			ev_strn(e, "redir.auth.response", f[6], fl[6]);
		ev_set_info(e, "AuthenticateSession %s, user %s%s", redir_auth_name(m->auth_type),
			    m->auth_user, s->challenge_pending ? " (asking for a challenge)" : " (response)");
		return;
	}
	default:
		ev_set_info(e, "AuthenticateSession type %u, %u bytes", m->auth_type, l);
		return;
	}
}

static void emit_session(redir_state *s, dis_ctx *c, redir_session_state state, redir_refusal at,
			 uint8_t status, size_t off, size_t len)
{
	event *e = dis_event(c, EV_REDIR_SESSION, REDIR_PROTO, off, len);
	if (!c->nmarks && s->last_frame) {
		/* no packet to point at: the evidence is the last message seen */
		e->frame_first = e->frame_last = s->last_frame;
		e->ts = s->last_ts;
		e->input = s->last_input;
	}
	ev_redir_session *x = arena_alloc(c->scratch, sizeof(*x));
	x->state = state;
	x->type = s->type;
	if (c->flow) {
		x->console = c->flow->cli;
		x->device = c->flow->srv;
		x->console_port = c->flow->cport;
		x->device_port = c->flow->sport;
		x->flow_id = c->flow->id;
	}
	x->start_ts = s->start_ts;
	x->duration_us = e->ts - s->start_ts;
	x->bytes[0] = s->bytes[0] + s->rfb.bytes[0];
	x->bytes[1] = s->bytes[1] + s->rfb.bytes[1];
	x->refused_at = at;
	x->status = status;
	x->auth_type = s->auth_type;
	x->user = s->user[0] ? arena_strdup(c->scratch, s->user) : NULL;
	x->authenticated = s->authenticated;
	e->data = x;
	char con[AMT_ADDRSTRLEN], dev[AMT_ADDRSTRLEN];
	amt_addr_str(&x->console, con);
	amt_addr_str(&x->device, dev);
	ev_str(e, "redir.session.state", redir_session_state_name(state));
	ev_str(e, "redir.session.type", redir_type_name(s->type));
	ev_addr(e, "redir.session.console", &x->console);
	ev_addr(e, "redir.session.device", &x->device);
	if (x->user)
		ev_str(e, "redir.auth.user", x->user);
	if (state == REDIR_SESSION_REFUSED)
		ev_uint(e, "redir.status", status);
	ev_int(e, "redir.session.duration_us", x->duration_us);
	ev_uint(e, "redir.session.bytes_to_amt", x->bytes[0]);
	ev_uint(e, "redir.session.bytes_from_amt", x->bytes[1]);
	static const char *const where[] = {"", " at session start", " at authentication",
					    " at the SOL/IDE-R start"};
	ev_set_info(e, "%s session %s -> %s %s%s%s (%.3f s, %llu/%llu bytes)", redir_type_name(s->type),
		    con, dev, redir_session_state_name(state), where[at],
		    state == REDIR_SESSION_REFUSED ? arena_printf(c->scratch, ", status %u", status) : "",
		    x->duration_us / 1e6, (unsigned long long)x->bytes[0],
		    (unsigned long long)x->bytes[1]);
	dis_emit(c, e);
}

static void close_session(redir_state *s, dis_ctx *c, size_t off, size_t len)
{
	if (!s->opened || s->closed)
		return;
	s->closed = true;
	emit_session(s, c, REDIR_SESSION_CLOSED, REDIR_REFUSED_NONE, 0, off, len);
}

static void decode_sol(dis_ctx *c, event *e, ev_redir_message *m, wire *w)
{
	uint8_t op = m->opcode;
	uint8_t status = wire_u8(w);
	wire_skip(w, 2);
	ev_uint(e, "redir.seq", wire_u32le(w));
	switch (op) {
	case OP_SOL_START: {
		static const char *const names[] = {"redir.sol.max_tx_buffer", "redir.sol.tx_timeout",
			"redir.sol.tx_overflow_timeout", "redir.sol.host_rx_timeout",
			"redir.sol.host_fifo_rx_flush_timeout", "redir.sol.heartbeat_interval"};
		uint16_t v[6];
		for (int i = 0; i < 6; i++)
			ev_uint(e, names[i], v[i] = wire_u16le(w));
		ev_set_info(e, "%s max tx buffer %u, tx timeout %u ms, heartbeat %u ms", m->name, v[0], v[1],
			    v[5]);
		return;
	}
	case OP_SOL_START_REPLY:
		m->has_status = true;
		m->status = status;
		ev_uint(e, "redir.status", status);
		ev_set_info(e, "%s status %u%s", m->name, status, status ? " (refused)" : " (success)");
		return;
	case OP_SOL_TO_HOST:
	case OP_SOL_FROM_HOST: {
		m->data_len = wire_u16le(w);
		const uint8_t *d = wire_bytes(w, m->data_len);
		ev_uint(e, "redir.sol.data_len", m->data_len);
		if (c->cfg->show_sol_data && d)
			ev_strn(e, "redir.sol.data", d, m->data_len);
		ev_set_info(e, "%s %u bytes", m->name, m->data_len);
		return;
	}
	case OP_SOL_CONTROLS: {
		uint8_t ctl = wire_u8(w), st = wire_u8(w);
		ev_uint(e, "redir.sol.control", ctl);
		ev_uint(e, "redir.sol.status", st);
		ev_set_info(e, "%s control%s%s%s, status%s%s%s%s%s", m->name, ctl & 1 ? " RTS" : "",
			    ctl & 2 ? " DTR" : "", ctl & 4 ? " BREAK" : "", st & 1 ? " tx-overflow" : "",
			    st & 2 ? " loopback" : "", st & 4 ? " host-on" : " host-off",
			    st & 8 ? " rx-flush-timeout" : "", st & 0x10 ? " test-mode" : "");
		return;
	}
	default:
		ev_set_info(e, "%s", m->name);
		return;
	}
}

static void decode_session_reply(redir_state *s, dis_ctx *c, event *e, ev_redir_message *m, wire *w)
{
	m->has_status = true;
	m->status = wire_u8(w);
	wire_skip(w, 2);
	uint8_t pmaj = wire_u8(w), pmin = wire_u8(w), fmaj = wire_u8(w), fmin = wire_u8(w);
	uint32_t iana = wire_u32le(w);
	ev_uint(e, "redir.status", m->status);
	ev_str(e, "redir.protocol_version", arena_printf(c->scratch, "%u.%u", pmaj, pmin));
	ev_str(e, "redir.fw_version", arena_printf(c->scratch, "%u.%u", fmaj, fmin));
	ev_uint(e, "redir.oem_iana", iana);
	ev_set_info(e, "%s %s status %u%s, protocol %u.%u, firmware %u.%u", m->name,
		    redir_type_name(s->type), m->status, m->status ? " (refused)" : " (success)", pmaj,
		    pmin, fmaj, fmin);
}

static void decode_auth_reply(dis_ctx *c, event *e, ev_redir_message *m, wire *w)
{
	m->has_status = true;
	m->status = wire_u8(w);
	wire_skip(w, 2);
	m->has_auth = true;
	m->auth_type = wire_u8(w);
	uint32_t l = wire_u32le(w);
	wire data = wire_sub(w, l);
	ev_uint(e, "redir.status", m->status);
	ev_str(e, "redir.auth.type", redir_auth_name(m->auth_type));
	if (m->auth_type == REDIR_AUTH_QUERY) {
		GString *list = g_string_new(NULL);
		while (wire_left(&data))
			g_string_append_printf(list, "%s%s", list->len ? "," : "",
					       redir_auth_name(wire_u8(&data)));
		ev_str(e, "redir.auth.supported", list->str);
		ev_set_info(e, "%s supported methods: %s", m->name, list->str);
		g_string_free(list, TRUE);
		return;
	}
	if ((m->auth_type == REDIR_AUTH_DIGEST || m->auth_type == REDIR_AUTH_DIGEST_QOP) && m->status == 1 &&
	    l) {
		uint8_t n;
		const uint8_t *realm = lp_string(&data, &n);
		if (realm && n) {
			m->auth_realm = arena_printable(c->scratch, realm, n);
			ev_str(e, "redir.auth.realm", m->auth_realm);
		}
	}
	ev_set_info(e, "%s %s status %u", m->name, redir_auth_name(m->auth_type), m->status);
}

/* Decodes one whole message p[0..n) at buffer offset off. */
static void decode_message(redir_state *s, dis_ctx *c, const uint8_t *p, size_t n, size_t off)
{
	uint8_t op = p[0];
	if (op == OP_START && c->dir == DIR_C2S)
		s->type = type_from_tag(p + 4);
	event *e = dis_event(c, EV_REDIR_MESSAGE, REDIR_PROTO, off, n);
	ev_redir_message *m = arena_alloc(c->scratch, sizeof(*m));
	m->session = s->type;
	m->opcode = op;
	m->name = op_name(s->type, op);
	m->length = (uint32_t)n;
	e->data = m;
	if (!s->started) {
		s->started = true;
		s->start_ts = e->ts;
	}
	s->last_ts = e->ts;
	s->last_frame = e->frame_last;
	s->last_input = e->input;
	ev_uint(e, "redir.command", op);
	ev_str(e, "redir.command_name", m->name);
	ev_str(e, "redir.session_type", redir_type_name(s->type));
	wire w = wire_init(p + 1, n - 1);
	switch (op) {
	case OP_START:
		ev_set_info(e, "%s %s", m->name, redir_type_name(s->type));
		break;
	case OP_START_REPLY:
		decode_session_reply(s, c, e, m, &w);
		break;
	case OP_END:
		ev_set_info(e, "%s", m->name);
		break;
	case OP_AUTH:
		decode_auth(s, c, e, m, &w);
		break;
	case OP_AUTH_REPLY:
		decode_auth_reply(c, e, m, &w);
		break;
	default:
		w = wire_init(p, n);
		wire_skip(&w, 1);
		if (s->type == REDIR_TYPE_KVM) {
			ev_set_info(e, "%s, RFB follows", m->name);
		} else if (op >= OP_SOL_START && op <= OP_SOL_HEARTBEAT) {
			decode_sol(c, e, m, &w);
		} else {
			redir_ider_decode(c, e, m, &w);
		}
		break;
	}
	dis_emit(c, e);

	/* session state, after the message itself */
	if (op == OP_START_REPLY) {
		if (m->status == 0) {
			s->opened = true;
			emit_session(s, c, REDIR_SESSION_OPENED, REDIR_REFUSED_NONE, 0, off, n);
		} else {
			emit_session(s, c, REDIR_SESSION_REFUSED, REDIR_REFUSED_START, m->status, off, n);
		}
	} else if (op == OP_AUTH_REPLY && m->auth_type != REDIR_AUTH_QUERY) {
		if (m->status == 0) {
			s->authenticated = true;
			s->challenge_pending = false;
			emit_session(s, c, REDIR_SESSION_AUTHENTICATED, REDIR_REFUSED_NONE, 0, off, n);
		} else if (s->challenge_pending && m->status == 1) {
			s->challenge_pending = false;  /* the digest challenge, not a failure */
		} else {
			emit_session(s, c, REDIR_SESSION_REFUSED, REDIR_REFUSED_AUTH, m->status, off, n);
		}
	} else if (m->has_status && m->status &&
		   (op == OP_SOL_START_REPLY || (op == OP_KVM_START_REPLY && s->type == REDIR_TYPE_IDER))) {
		emit_session(s, c, REDIR_SESSION_REFUSED, REDIR_REFUSED_SUBSESSION, m->status, off, n);
	} else if (op == OP_END) {
		close_session(s, c, off, n);
	}
}

/* The console's first message is 8 bytes with one of three ASCII tags: a
 * signature strict enough to find redirection on other ports. */
static probe_result probe(const uint8_t *p, size_t len, uint8_t dir)
{
	if (dir != DIR_C2S || len < 1 || p[0] != OP_START)
		return PROBE_NO;
	if (len < 8)
		return PROBE_MORE;
	if (p[1] > 1 || p[2] || p[3] || type_from_tag(p + 4) == REDIR_TYPE_UNKNOWN)
		return PROBE_NO;
	return PROBE_YES;
}

static void *state_new(dis_ctx *c)
{
	(void)c;
	redir_state *s = g_malloc0(sizeof(*s));
	s->auth_type = NO_AUTH;
	rfb_init(&s->rfb);
	return s;
}

static void state_free(void *st)
{
	g_free(st);
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	redir_state *s = st;
	uint8_t d = c->dir;
	if (s->dead[d])
		return dis_ok(len);
	if (s->rfb_on[d])
		return rfb_parse(&s->rfb, c, p, 0, len);
	size_t off = 0;
	while (off < len) {
		frame_result f = message_length(s->type, p + off, len - off);
		if (f.status == FRAME_INCOMPLETE || (f.status == FRAME_OK && f.len > len - off)) {
			size_t want = f.status == FRAME_OK ? f.len : f.need;
			if (c->at_eof) {
				dis_note(c, REDIR_PROTO, NOTE_TRUNCATED, off,
					 "%s message cut short: %zu of %zu bytes",
					 op_name(s->type, p[off]), len - off, want);
				return dis_ok(len);
			}
			return dis_incomplete(off, want - (len - off));
		}
		if (f.status == FRAME_ERROR) {
			dis_note(c, REDIR_PROTO, NOTE_UNDECODABLE, off,
				 "%s 0x%02x (session type %s); rest of this direction not decoded", f.why, p[off],
				 redir_type_name(s->type));
			s->dead[d] = true;
			s->bytes[d] += len - off;
			return dis_error(len);
		}
		decode_message(s, c, p + off, f.len, off);
		s->bytes[d] += f.len;
		uint8_t op = p[off];
		off += f.len;
		if (s->type == REDIR_TYPE_KVM &&
		    ((d == DIR_C2S && op == OP_KVM_START) || (d == DIR_S2C && op == OP_KVM_START_REPLY))) {
			s->rfb_on[d] = true;
			return rfb_parse(&s->rfb, c, p, off, len);
		}
	}
	return dis_ok(len);
}

static void flow_end(void *st, dis_ctx *c)
{
	close_session(st, c, 0, 1);
}

const dissector dissector_redir = {
	.name = "redir",
	.ipproto = 6,
	.ports = {AMT_PORT_REDIR, 0},
	.tls_ports = {AMT_PORT_REDIR_TLS, 0},
	.probe = probe,
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
	.flow_end = flow_end,
};
