/* \summary: TLS record layer: records, alerts, ChangeCipherSpec, the decrypt hooks */
/* specification: RFC 6101 (SSL 3.0), RFC 5246 (TLS 1.2), RFC 8446 (TLS 1.3) */
#include <glib.h>
#include <string.h>

#include "tls_int.h"
#include "tls_names.h"


static void *state_new(dis_ctx *c)
{
	tls_state *s = g_new0(tls_state, 1);
	s->dec = tls_dec_new(c->global);  /* decrypt hook */
	s->side[0].hs = g_byte_array_new();
	s->side[1].hs = g_byte_array_new();
	return s;
}

static void state_free(void *st)
{
	tls_state *s = st;
	if (!s)
		return;
	dis_hold_release(&s->side[0].held);
	dis_hold_release(&s->side[1].held);
	g_byte_array_free(s->side[0].hs, TRUE);
	g_byte_array_free(s->side[1].hs, TRUE);
	g_free(s->sni);
	tls_dec_free(s->dec);  /* decrypt hook */
	g_free(s);
}


static void alert_record(tls_state *s, dis_ctx *c, const uint8_t *p, size_t n, size_t off, size_t len)
{
	tls_side *d = &s->side[c->dir];
	/* TLS 1.3 protects everything after the ServerHello; a 2-byte alert is
	 * still a plaintext one (sent before the keys were installed). */
	bool encrypted = !s->alert_decrypted && (d->encrypted || (s->tls13 && s->server_hello_seen && n != 2));
	wire w = wire_init(p, n);
	do {
		ev_tls_alert *a = arena_alloc(c->scratch, sizeof(*a));
		a->encrypted = encrypted;
		a->from_client = c->dir == DIR_C2S;
		a->in_handshake = !d->encrypted;
		event *e = dis_event(c, EV_TLS_ALERT, "tls", off, len);
		e->data = a;
		ev_str(e, "tls.alert_message.sender", a->from_client ? "client" : "server");
		if (encrypted) {
			ev_set_info(e, "Encrypted Alert");
			ev_bool(e, "tls.alert_message.encrypted", true);
			dis_emit(c, e);
			return;
		}
		a->level = wire_u8(&w);
		a->description = wire_u8(&w);
		if (w.err) {
			dis_note(c, "tls", NOTE_MALFORMED, off, "alert record of %zu byte(s)", n);
			return;
		}
		a->description_name = tls_alert_name(a->description);
		const char *desc = a->description_name ? a->description_name
						       : arena_printf(c->scratch, "%u", a->description);
		ev_set_info(e, "Alert (Level: %s, Description: %s)",
			    a->level == 2 ? "Fatal" : a->level == 1 ? "Warning" : "?", desc);
		ev_uint(e, "tls.alert_message.level", a->level);
		ev_uint(e, "tls.alert_message.desc", a->description);
		ev_str(e, "tls.alert_message.desc_name", desc);
		dis_emit(c, e);
	} while (wire_left(&w) >= 2);
}

/* ---- decrypt hook: a protected record, decrypted with the key log ---- */

static bool protected_record(tls_state *s, dis_ctx *c, uint8_t type, uint16_t version, const uint8_t *body,
			     size_t blen, size_t off, size_t rec_len)
{
	size_t n = 0;
	uint8_t inner = 0;
	const uint8_t *plain = tls_dec_record(s->dec, c, type, version, body, blen, off, rec_len, &n, &inner);
	if (!plain)
		return false;
	if (inner == REC_HANDSHAKE) {
		tls_handshake_record(s, c, plain, n, version, off, rec_len);
	} else if (inner == REC_APPDATA) {
		tls_dec_feed_inner(c, off, rec_len, plain, n);
	} else if (inner == REC_ALERT) {
		s->alert_decrypted = true;
		alert_record(s, c, plain, n, off, rec_len);
		s->alert_decrypted = false;
	}
	return true;
}


/* An SSL 2.0 record header: 2 bytes, the high bit set, a 15-bit length. */
static bool sslv2_hello_header(const uint8_t *p, size_t len)
{
	if (len < 5 || !(p[0] & 0x80))
		return false;
	wire w = wire_init(p, len);
	size_t rlen = wire_peek_u16be(&w, 0) & 0x7fff;
	return p[2] == HS_CLIENT_HELLO && p[3] == 3 && p[4] <= 4 && rlen >= 9;
}

/* ---- record layer ---- */

static void change_cipher_spec(tls_state *s, tls_side *d)
{
	if (s->tls13)
		return;  /* RFC 8446 §D.4: sent for middleboxes; protection comes with the keys */
	unsigned mac = s->server_hello_seen ? tls_null_suite_mac_len(s->suite) : 0;
	if (mac)
		d->null_mac = mac;
	else
		d->encrypted = true;
}

/* Under a NULL-cipher suite a record is its plaintext and a MAC. */
static void null_cipher_record(tls_state *s, dis_ctx *c, tls_side *d, uint8_t type, uint16_t version,
			       const uint8_t *body, size_t blen, size_t off, size_t rec_len)
{
	if (blen < d->null_mac) {
		dis_note(c, "tls", NOTE_MALFORMED, off, "record of %zu byte(s) shorter than its %u-byte MAC", blen,
			 d->null_mac);
		return;
	}
	size_t n = blen - d->null_mac;
	if (type == REC_HANDSHAKE)
		tls_handshake_record(s, c, body, n, version, off, rec_len);
	else if (type == REC_ALERT)
		alert_record(s, c, body, n, off, rec_len);
	else if (type == REC_APPDATA)
		tls_dec_feed_inner(c, off, rec_len, body, n);
}

/* p holds at least the 5 bytes of a record header. */
static bool plausible_header(const uint8_t *p)
{
	wire w = wire_init(p, 5);
	size_t rlen = wire_peek_u16be(&w, 3);
	return p[0] >= REC_CCS && p[0] <= REC_HEARTBEAT && p[1] == 3 && p[2] <= 4 && rlen <= TLS_MAX_RECORD;
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	tls_state *s = st;
	tls_side *d = &s->side[c->dir];
	size_t pos = 0;
	if (d->lost) {
		while (pos + 5 <= len && !plausible_header(p + pos))
			pos++;
		if (pos + 5 > len)
			return c->at_eof ? dis_ok(len) : dis_incomplete(pos, 5);
		d->lost = false;
	}
	while (len - pos >= 5) {
		wire w = wire_init(p + pos, len - pos);
		uint8_t type = wire_u8(&w);
		uint16_t version = wire_u16be(&w);
		uint16_t rlen = wire_u16be(&w);
		if (!plausible_header(p + pos)) {
			if (sslv2_hello_header(p + pos, len - pos)) {
				wire v2 = wire_init(p + pos, len - pos);
				size_t v2len = 2 + (size_t)(wire_peek_u16be(&v2, 0) & 0x7fff);
				if (len - pos < v2len)
					break;
				tls_sslv2_client_hello(s, c, p + pos + 2, v2len - 2, pos, v2len);
				pos += v2len;
				continue;
			}
			if (type & 0x80)
				dis_note(c, "tls", NOTE_UNDECODABLE, pos, "SSL 2.0 record: not decoded");
			else
				dis_note(c, "tls", NOTE_UNDECODABLE, pos,
					 "not a TLS record (type %u, version 0x%04x, length %u); rest of this direction skipped",
					 type, version, rlen);
			return dis_error(pos);
		}
		if (wire_left(&w) < rlen)
			break;
		const uint8_t *body = wire_bytes(&w, rlen);
		size_t rec_len = 5 + (size_t)rlen;
		bool prot = tls_dec_protected(s->dec, c->dir);  /* decrypt hook */
		if (d->null_mac && type != REC_CCS) {
			null_cipher_record(s, c, d, type, version, body, rlen, pos, rec_len);
			pos += rec_len;
			continue;
		}
		switch (type) {
		case REC_CCS:
			change_cipher_spec(s, d);
			tls_dec_ccs(s->dec, c->dir);  /* decrypt hook */
			break;
		case REC_ALERT:
			if (!prot || !protected_record(s, c, type, version, body, rlen, pos, rec_len))  /* decrypt hook */
				alert_record(s, c, body, rlen, pos, rec_len);
			break;
		case REC_HANDSHAKE:
			if (prot)  /* decrypt hook */
				protected_record(s, c, type, version, body, rlen, pos, rec_len);
			else if (!d->encrypted)
				tls_handshake_record(s, c, body, rlen, version, pos, rec_len);
			break;
		case REC_APPDATA:
			if (s->dec)  /* decrypt hook: protected bytes of this direction */
				protected_record(s, c, type, version, body, rlen, pos, rec_len);
			break;
		default: break;
		}
		pos += rec_len;
	}
	if (pos == len)
		return dis_ok(len);
	if (c->at_eof) {
		dis_note(c, "tls", NOTE_TRUNCATED, pos, "TLS record cut short: %zu byte(s) at the end", len - pos);
		return dis_ok(len);
	}
	size_t have = len - pos;
	wire t = wire_init(p + pos, have);
	size_t need = have < 5 ? 5 - have : 5 + (size_t)wire_peek_u16be(&t, 3) - have;
	if (have >= 5 && sslv2_hello_header(p + pos, have))
		need = 2 + (size_t)(wire_peek_u16be(&t, 0) & 0x7fff) - have;
	return dis_incomplete(pos, need);
}

static void gap(void *st, dis_ctx *c, size_t len)
{
	(void)len;
	tls_state *s = st;
	tls_side *d = &s->side[c->dir];
	g_byte_array_set_size(d->hs, 0);
	dis_hold_set(c, &d->held, 0);
	d->skip = 0;
	d->lost = true;
}

/* A TLS record header: content type, version 3.x, sane length; a handshake
 * record must start with a ClientHello or ServerHello. */
static probe_result probe(const uint8_t *p, size_t len, uint8_t dir)
{
	(void)dir;
	if (len < 1)
		return PROBE_MORE;
	if (p[0] & 0x80) {  /* an SSL 2.0-format ClientHello asking for SSL 3.0 or TLS */
		if (len < 5)
			return PROBE_MORE;
		return sslv2_hello_header(p, len) ? PROBE_YES : PROBE_NO;
	}
	if (p[0] < REC_CCS || p[0] > REC_APPDATA)
		return PROBE_NO;
	if (len < 2)
		return PROBE_MORE;
	if (p[1] != 3)
		return PROBE_NO;
	if (len < 5)
		return PROBE_MORE;
	wire w = wire_init(p, len);
	size_t rlen = wire_peek_u16be(&w, 3);
	if (p[2] > 4 || rlen == 0 || rlen > TLS_MAX_RECORD)
		return PROBE_NO;
	if (p[0] != REC_HANDSHAKE)
		return PROBE_YES;
	if (len < 6)
		return PROBE_MORE;
	return p[5] == HS_CLIENT_HELLO || p[5] == HS_SERVER_HELLO ? PROBE_YES : PROBE_NO;
}

const dissector dissector_tls = {
	.name = "tls",
	.ipproto = 6,
	.ports = {AMT_PORT_HTTPS, AMT_PORT_REDIR_TLS, AMT_PORT_RMCP_SECURE, 4433, 443, 0},
	.tls_ports = {0},
	.probe = probe,
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
	.gap = gap,
	.global_new = tls_global_new,   /* decrypt: the key log, loaded once per run */
	.global_end = tls_global_end,
	.global_free = tls_global_free,
};
