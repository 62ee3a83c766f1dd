/* A small RFB (RFC 6143) decoder for AMT KVM sessions: after the KVM start
 * messages each direction of a redirection connection is raw RFB. It follows
 * the handshake and the message framing (so that every message is seen) and
 * recognises Intel's CutText extensions; it does not decode pixels.
 * RFC 6143, with Intel's extensions as MeshCommander's amt-desktop reads them. */
#include <glib.h>
#include <stdio.h>

#include "redir_int.h"

#define MAX_DIMENSION 16384  /* larger than any real AMT framebuffer */
#define MAX_NAME 4096
#define MAX_CUT_TEXT 65536   /* longer cut text is counted, not decoded */
#define ENC_RAW 0
#define ENC_COPYRECT 1
#define ENC_RRE 2
#define ENC_ZRLE 16
#define ENC_CURSOR (-239)
#define ENC_DESKTOP_SIZE (-223)

enum {
	PH_VERSION = 0,
	PH_SECURITY,       /* server: type list (3.7+) or type (3.3); client: selection */
	PH_CHALLENGE,      /* VNC authentication: 16 bytes each way */
	PH_SECURITY_RESULT,
	PH_INIT,           /* ServerInit / ClientInit */
	PH_MESSAGE,
	PH_RECT,
	PH_DONE,
};

void rfb_init(rfb_state *r)
{
	memset(r, 0, sizeof(*r));
	r->bytes_per_pixel = 4;
}

typedef struct rfb_cur {
	rfb_state *r;
	rfb_side *side;
	dis_ctx *c;
	const uint8_t *buf;
	size_t off, len;
} rfb_cur;

static event *rfb_event(rfb_cur *k, size_t n, const char *name, int type)
{
	event *e = dis_event(k->c, EV_RFB_MESSAGE, RFB_PROTO, k->off, n);
	ev_rfb_message *m = arena_alloc(k->c->scratch, sizeof(*m));
	m->from_server = k->c->dir == DIR_S2C;
	m->name = name;
	m->msg_type = type;
	e->data = m;
	if (type >= 0)
		ev_uint(e, m->from_server ? "vnc.server_message_type" : "vnc.client_message_type",
			(uint64_t)type);
	ev_set_info(e, "%s", name);
	return e;
}

static void give_up(rfb_cur *k, note_kind kind, const char *why)
{
	dis_note(k->c, RFB_PROTO, kind, k->off, "%s; rest of the %s stream not decoded", why,
		 k->c->dir == DIR_S2C ? "server" : "client");
	k->side->dead = true;
	k->side->phase = PH_DONE;
}

/* Each step reads one message at the position of in (the bytes present
 * from k->off on, never moved: the steps peek) and returns ok when it moved
 * k->off past it or changed phase, incomplete with the message's length when
 * fewer bytes are there, error when it gave up on the direction. */
#define STEP_DONE frame_ok(0)
static frame_result version_msg(rfb_cur *k, wire *in)
{
	if (!wire_has(in, 12))
		return frame_incomplete(12);
	unsigned major, minor;
	char text[13];
	memcpy(text, wire_peek(in, 0, 12), 12);
	text[12] = 0;
	if (sscanf(text, "RFB %3u.%3u\n", &major, &minor) != 2) {
		give_up(k, NOTE_MALFORMED, "RFB version string expected");
		return frame_error(NULL);
	}
	bool server = k->c->dir == DIR_S2C;
	if (!server || !k->r->minor)
		k->r->minor = minor >= 8 ? 8 : minor >= 7 ? 7 : 3;
	event *e = rfb_event(k, 12, "ProtocolVersion", -1);
	ev_str(e, server ? "vnc.server_proto_ver" : "vnc.client_proto_ver",
	       arena_printf(k->c->scratch, "%03u.%03u", major, minor));
	ev_set_info(e, "%s version %03u.%03u", server ? "Server" : "Client", major, minor);
	dis_emit(k->c, e);
	k->off += 12;
	k->side->phase = PH_SECURITY;
	return STEP_DONE;
}

static const tok security_types[] = {
	{0, "Invalid"}, {1, "None"}, {2, "VNC"}, {0, NULL},
};

static const tok client_msgs[] = {
	{0, "SetPixelFormat"}, {2, "SetEncodings"}, {3, "FramebufferUpdateRequest"}, {4, "KeyEvent"},
	{5, "PointerEvent"}, {6, "ClientCutText"}, {0, NULL},
};
static const tok server_msgs[] = {
	{0, "FramebufferUpdate"}, {1, "SetColourMapEntries"}, {2, "Bell"}, {3, "ServerCutText"}, {0, NULL},
};

static const char *security_name(uint8_t t)
{
	return tok_name(security_types, t, "other");
}

static frame_result server_security(rfb_cur *k, wire *in)
{
	size_t n;
	event *e;
	if (k->r->minor >= 7) {
		if (!wire_has(in, 1))
			return frame_incomplete(1);
		n = 1 + (size_t)wire_peek_u8(in, 0);
		if (!wire_has(in, n))
			return frame_incomplete(n);
		e = rfb_event(k, n, "Security types", -1);
		ev_uint(e, "vnc.num_security_types", wire_peek_u8(in, 0));
		for (size_t i = 1; i < n; i++)
			ev_uint(e, "vnc.server_security_type", wire_peek_u8(in, i));
		ev_set_info(e, "Security types offered: %u (first %s)", wire_peek_u8(in, 0),
			    n > 1 ? security_name(wire_peek_u8(in, 1)) : "none");
	} else {
		if (!wire_has(in, 4))
			return frame_incomplete(4);
		n = 4;
		uint32_t t = wire_peek_u32be(in, 0);
		k->r->security = (uint8_t)t;
		e = rfb_event(k, n, "Security type", -1);
		ev_uint(e, "vnc.server_security_type", t);
		ev_set_info(e, "Security type %s", security_name((uint8_t)t));
	}
	dis_emit(k->c, e);
	k->off += n;
	if (k->r->minor >= 7 && n == 1) {
		give_up(k, NOTE_INFO, "server offered no security type (connection failed)");
		return frame_error(NULL);
	}
	k->side->phase = PH_SECURITY_RESULT;
	return STEP_DONE;
}

static frame_result security_result(rfb_cur *k, wire *in, uint8_t selected)
{
	if (selected == 2 && !k->side->challenge_seen) {
		/* VNC authentication: a 16-byte challenge comes first */
		if (!wire_has(in, 16))
			return frame_incomplete(16);
		event *e = rfb_event(k, 16, "VNC authentication challenge", -1);
		dis_emit(k->c, e);
		k->off += 16;
		k->side->challenge_seen = true;
		return STEP_DONE;
	}
	if (selected == 1 && k->r->minor < 8) {
		k->side->phase = PH_INIT;  /* no SecurityResult for None before 3.8 */
		return STEP_DONE;
	}
	if (!wire_has(in, 4))
		return frame_incomplete(4);
	uint32_t result = wire_peek_u32be(in, 0);
	event *e = rfb_event(k, 4, "SecurityResult", -1);
	ev_uint(e, "vnc.auth_result", result);
	ev_set_info(e, "SecurityResult %s", result ? "failed" : "OK");
	dis_emit(k->c, e);
	k->off += 4;
	if (result) {
		give_up(k, NOTE_INFO, "RFB security failed");
		return frame_error(NULL);
	}
	k->side->phase = PH_INIT;
	return STEP_DONE;
}

static frame_result server_init(rfb_cur *k, wire *in)
{
	if (!wire_has(in, 24))
		return frame_incomplete(24);
	uint32_t namelen = wire_peek_u32be(in, 20);
	if (namelen > MAX_NAME) {
		give_up(k, NOTE_MALFORMED, "ServerInit desktop name longer than 4096 bytes");
		return frame_error(NULL);
	}
	if (!wire_has(in, 24 + namelen))
		return frame_incomplete(24 + namelen);
	uint16_t w = wire_peek_u16be(in, 0), h = wire_peek_u16be(in, 2);
	uint8_t bpp = wire_peek_u8(in, 4);
	event *e = rfb_event(k, 24 + namelen, "ServerInit", -1);
	ev_rfb_message *m = (ev_rfb_message *)e->data;
	m->width = w;
	m->height = h;
	m->desktop_name = arena_printable(k->c->scratch, wire_peek(in, 24, namelen), namelen);
	ev_uint(e, "vnc.width", w);
	ev_uint(e, "vnc.height", h);
	ev_uint(e, "vnc.server_bits_per_pixel", bpp);
	ev_str(e, "vnc.desktop_name", m->desktop_name);
	ev_set_info(e, "ServerInit %ux%u, %u bpp, name \"%s\"", w, h, bpp, m->desktop_name);
	dis_emit(k->c, e);
	if (w > MAX_DIMENSION || h > MAX_DIMENSION || !w || !h)
		dis_note(k->c, RFB_PROTO, NOTE_MALFORMED, k->off, "ServerInit framebuffer %ux%u is not plausible",
			 w, h);
	k->r->width = w;
	k->r->height = h;
	if (bpp == 8 || bpp == 16 || bpp == 32)
		k->r->bytes_per_pixel = bpp / 8;
	k->off += 24 + namelen;
	k->side->phase = PH_MESSAGE;
	return STEP_DONE;
}

/* CutText in either direction: Intel's extensions ride in it. */
static void cut_text(rfb_cur *k, event *e, const uint8_t *text, uint32_t n, bool whole)
{
	static const char ext_cmd[] = "\0KvmExtCmd\0";
	static const char ext_data[] = "\0KvmDataChannel\0";
	ev_rfb_message *m = (ev_rfb_message *)e->data;
	ev_uint(e, k->c->dir == DIR_S2C ? "vnc.server_cut_text_len" : "vnc.client_cut_text_len", n);
	if (whole && n >= sizeof(ext_cmd) - 1 && !memcmp(text, ext_cmd, sizeof(ext_cmd) - 1)) {
		m->intel_ext = "KvmExtCmd";
	} else if (whole && n >= sizeof(ext_data) - 1 && !memcmp(text, ext_data, sizeof(ext_data) - 1)) {
		m->intel_ext = "KvmDataChannel";
	}
	if (m->intel_ext) {
		ev_str(e, "rfb.intel_extension", m->intel_ext);
		ev_set_info(e, "%s, Intel %s extension, %u bytes", m->name, m->intel_ext, n);
	} else {
		ev_set_info(e, "%s, %u bytes", m->name, n);
	}
}

/* Emits a message and moves past it; a cut text too long to keep is skipped
 * after its 8-byte header rather than buffered. */
static frame_result finish_message(rfb_cur *k, event *e, size_t n, bool big_cut)
{
	dis_emit(k->c, e);
	if (big_cut) {
		k->off += 8;
		k->side->skip = n - 8;
	} else {
		k->off += n;
	}
	return STEP_DONE;
}

static frame_result client_message(rfb_cur *k, wire *in)
{
	uint8_t type = wire_peek_u8(in, 0);
	size_t n;
	switch (type) {
	case 0: n = 20; break;
	case 2:
		if (!wire_has(in, 4))
			return frame_incomplete(4);
		n = 4 + 4 * (size_t)wire_peek_u16be(in, 2);
		break;
	case 3: n = 10; break;
	case 4: n = 8; break;
	case 5: n = 6; break;
	case 6:
		if (!wire_has(in, 8))
			return frame_incomplete(8);
		n = 8 + (size_t)wire_peek_u32be(in, 4);
		break;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "unknown RFB client message type %u", type);
		give_up(k, NOTE_UNDECODABLE, why);
		return frame_error(NULL);
	}
	}
	bool big_cut = type == 6 && n - 8 > MAX_CUT_TEXT;
	if (!wire_has(in, big_cut ? 8 : n))
		return frame_incomplete(big_cut ? 8 : n);
	event *e = rfb_event(k, big_cut ? 8 : n, tok_name(client_msgs, type, "?"), type);
	if (type == 0) {
		uint8_t bpp = wire_peek_u8(in, 4);
		if (bpp == 8 || bpp == 16 || bpp == 32)
			k->r->bytes_per_pixel = bpp / 8;
		ev_uint(e, "vnc.client_bits_per_pixel", bpp);
		ev_set_info(e, "SetPixelFormat %u bpp", bpp);
	} else if (type == 2) {
		uint16_t count = wire_peek_u16be(in, 2);
		ev_uint(e, "vnc.num_encoding_types", count);
		for (uint16_t i = 0; i < count && i < 64; i++)
			ev_int(e, "vnc.client_set_encodings_encoding_type", (int32_t)wire_peek_u32be(in, 4 + 4 * i));
		ev_set_info(e, "SetEncodings %u encodings", count);
	} else if (type == 6) {
		cut_text(k, e, wire_peek(in, 8, big_cut ? 0 : n - 8), (uint32_t)(n - 8), !big_cut);
	}
	return finish_message(k, e, n, big_cut);
}

static frame_result server_message(rfb_cur *k, wire *in)
{
	uint8_t type = wire_peek_u8(in, 0);
	size_t n;
	switch (type) {
	case 0: n = 4; break;
	case 1:
		if (!wire_has(in, 6))
			return frame_incomplete(6);
		n = 6 + 6 * (size_t)wire_peek_u16be(in, 4);
		break;
	case 2: n = 1; break;
	case 3:
		if (!wire_has(in, 8))
			return frame_incomplete(8);
		n = 8 + (size_t)wire_peek_u32be(in, 4);
		break;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "unknown RFB server message type %u", type);
		give_up(k, NOTE_UNDECODABLE, why);
		return frame_error(NULL);
	}
	}
	bool big_cut = type == 3 && n - 8 > MAX_CUT_TEXT;
	if (!wire_has(in, big_cut ? 8 : n))
		return frame_incomplete(big_cut ? 8 : n);
	event *e = rfb_event(k, big_cut ? 8 : n, tok_name(server_msgs, type, "?"), type);
	if (type == 0) {
		k->side->rects_left = wire_peek_u16be(in, 2);
		ev_uint(e, "vnc.num_rects", k->side->rects_left);
		ev_set_info(e, "FramebufferUpdate %u rectangles", k->side->rects_left);
		if (k->side->rects_left)
			k->side->phase = PH_RECT;
	} else if (type == 3) {
		cut_text(k, e, wire_peek(in, 8, big_cut ? 0 : n - 8), (uint32_t)(n - 8), !big_cut);
	}
	return finish_message(k, e, n, big_cut);
}

/* One rectangle header of a FramebufferUpdate; its pixels are skipped. */
static frame_result rect(rfb_cur *k, wire *in)
{
	if (!wire_has(in, 12))
		return frame_incomplete(12);
	uint64_t w = wire_peek_u16be(in, 4), h = wire_peek_u16be(in, 6), bpp = k->r->bytes_per_pixel;
	int32_t enc = (int32_t)wire_peek_u32be(in, 8);
	size_t hdr = 12;
	uint64_t body;
	switch (enc) {
	case ENC_RAW: body = w * h * bpp; break;
	case ENC_COPYRECT: body = 4; break;
	case ENC_DESKTOP_SIZE:
		body = 0;
		k->r->width = (uint16_t)w;
		k->r->height = (uint16_t)h;
		break;
	case ENC_CURSOR: body = w * h * bpp + ((w + 7) / 8) * h; break;
	case ENC_RRE:
		hdr = 16 + bpp;
		if (!wire_has(in, hdr))
			return frame_incomplete(hdr);
		body = (uint64_t)wire_peek_u32be(in, 12) * (bpp + 8);
		break;
	case ENC_ZRLE:
		hdr = 16;
		if (!wire_has(in, hdr))
			return frame_incomplete(hdr);
		body = wire_peek_u32be(in, 12);
		break;
	default: {
		char why[80];
		snprintf(why, sizeof(why), "RFB encoding %d is not followed", enc);
		give_up(k, NOTE_INFO, why);
		return frame_error(NULL);
	}
	}
	k->off += hdr;
	k->side->skip = body;
	if (--k->side->rects_left == 0)
		k->side->phase = PH_MESSAGE;
	return STEP_DONE;
}

static frame_result step(rfb_cur *k)
{
	wire msg = wire_init(k->buf + k->off, k->len - k->off);
	wire *in = &msg;
	bool server = k->c->dir == DIR_S2C;
	switch (k->side->phase) {
	case PH_VERSION:
		return version_msg(k, in);
	case PH_SECURITY:
		if (server)
			return server_security(k, in);
		if (k->r->minor < 7) {
			k->side->phase = PH_SECURITY_RESULT;
			return STEP_DONE;
		}
		if (!wire_has(in, 1))
			return frame_incomplete(1);
		{
			event *e = rfb_event(k, 1, "Security type selected", -1);
			ev_uint(e, "vnc.client_security_type", wire_peek_u8(in, 0));
			ev_set_info(e, "Security type selected: %s", security_name(wire_peek_u8(in, 0)));
			dis_emit(k->c, e);
			k->r->security = wire_peek_u8(in, 0);
			k->off += 1;
			k->side->phase = wire_peek_u8(in, 0) == 2 ? PH_CHALLENGE : PH_INIT;
		}
		return STEP_DONE;
	case PH_CHALLENGE:  /* client's VNC authentication response */
		if (!wire_has(in, 16))
			return frame_incomplete(16);
		dis_emit(k->c, rfb_event(k, 16, "VNC authentication response", -1));
		k->off += 16;
		k->side->phase = PH_INIT;
		return STEP_DONE;
	case PH_SECURITY_RESULT:
		if (!server) {
			k->side->phase = PH_INIT;
			return STEP_DONE;
		}
		/* the console's choice was parsed before the server's answer to it */
		return security_result(k, in, k->r->security ? k->r->security : 1);
	case PH_INIT:
		if (server)
			return server_init(k, in);
		if (!wire_has(in, 1))
			return frame_incomplete(1);
		{
			event *e = rfb_event(k, 1, "ClientInit", -1);
			ev_bool(e, "vnc.share_desktop_flag", wire_peek_u8(in, 0) != 0);
			dis_emit(k->c, e);
		}
		k->off += 1;
		k->side->phase = PH_MESSAGE;
		return STEP_DONE;
	case PH_MESSAGE:
		if (!wire_has(in, 1))
			return frame_incomplete(1);
		return server ? server_message(k, in) : client_message(k, in);
	case PH_RECT:
		return rect(k, in);
	default:
		k->off = k->len;
		return STEP_DONE;
	}
}

dis_result rfb_parse(rfb_state *r, dis_ctx *c, const uint8_t *buf, size_t start, size_t len)
{
	rfb_cur k = {r, &r->side[c->dir], c, buf, start, len};
	while (k.off < len && !k.side->dead) {
		if (k.side->skip) {
			uint64_t take = k.side->skip < len - k.off ? k.side->skip : len - k.off;
			k.side->skip -= take;
			k.off += (size_t)take;
			continue;
		}
		frame_result f = step(&k);
		if (f.status == FRAME_ERROR)
			break;
		if (f.status == FRAME_INCOMPLETE) {
			if (c->at_eof) {
				dis_note(c, RFB_PROTO, NOTE_TRUNCATED, k.off, "RFB message cut short: %zu of %zu bytes",
					 len - k.off, f.need);
				k.off = len;
				break;
			}
			r->bytes[c->dir] += k.off - start;
			return dis_incomplete(k.off, f.need - (len - k.off));
		}
	}
	r->bytes[c->dir] += len - start;
	return dis_ok(len);
}

/* ---- plain RFB on the standard VNC port ----
 * With the standard VNC port enabled, AMT's KVM listens on 5900 and speaks
 * RFB from the first byte, without the redirection protocol around it. */

static void *rfb_state_new(dis_ctx *c)
{
	(void)c;
	rfb_state *r = g_malloc(sizeof(*r));
	rfb_init(r);
	return r;
}

static void rfb_state_free(void *st)
{
	g_free(st);
}

static dis_result rfb_port_parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	return rfb_parse(st, c, p, 0, len);
}

const dissector dissector_rfb = {
	.name = "rfb",
	.ipproto = 6,
	.ports = {AMT_PORT_VNC, 0},
	.tls_ports = {0},
	.state_new = rfb_state_new,
	.state_free = rfb_state_free,
	.parse = rfb_port_parse,
};
