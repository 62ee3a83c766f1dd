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

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static void give_up(rfb_cur *k, note_kind kind, const char *why)
{
	dis_note(k->c, RFB_PROTO, kind, k->off, "%s; rest of the %s stream not decoded", why,
		 k->c->dir == DIR_S2C ? "server" : "client");
	k->side->dead = true;
	k->side->phase = PH_DONE;
}

/* 0: decoded n bytes; >0: bytes still needed; <0: gave up. */
static long version_msg(rfb_cur *k, const uint8_t *p, size_t avail)
{
	if (avail < 12)
		return 12;
	unsigned major, minor;
	char text[13];
	memcpy(text, p, 12);
	text[12] = 0;
	if (sscanf(text, "RFB %3u.%3u\n", &major, &minor) != 2) {
		give_up(k, NOTE_MALFORMED, "RFB version string expected");
		return -1;
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
	return 0;
}

static const char *security_name(uint8_t t)
{
	switch (t) {
	case 0: return "Invalid";
	case 1: return "None";
	case 2: return "VNC";
	default: return "other";
	}
}

static long server_security(rfb_cur *k, const uint8_t *p, size_t avail)
{
	size_t n;
	event *e;
	if (k->r->minor >= 7) {
		if (avail < 1)
			return 1;
		n = 1 + (size_t)p[0];
		if (avail < n)
			return (long)n;
		e = rfb_event(k, n, "Security types", -1);
		ev_uint(e, "vnc.num_security_types", p[0]);
		for (size_t i = 1; i < n; i++)
			ev_uint(e, "vnc.server_security_type", p[i]);
		ev_set_info(e, "Security types offered: %u (first %s)", p[0], n > 1 ? security_name(p[1]) : "none");
	} else {
		if (avail < 4)
			return 4;
		n = 4;
		uint32_t t = be32(p);
		k->r->security = (uint8_t)t;
		e = rfb_event(k, n, "Security type", -1);
		ev_uint(e, "vnc.server_security_type", t);
		ev_set_info(e, "Security type %s", security_name((uint8_t)t));
	}
	dis_emit(k->c, e);
	k->off += n;
	if (k->r->minor >= 7 && n == 1) {
		give_up(k, NOTE_INFO, "server offered no security type (connection failed)");
		return -1;
	}
	k->side->phase = PH_SECURITY_RESULT;
	return 0;
}

static long security_result(rfb_cur *k, const uint8_t *p, size_t avail, uint8_t selected)
{
	if (selected == 2 && !k->side->challenge_seen) {
		/* VNC authentication: a 16-byte challenge comes first */
		if (avail < 16)
			return 16;
		event *e = rfb_event(k, 16, "VNC authentication challenge", -1);
		dis_emit(k->c, e);
		k->off += 16;
		k->side->challenge_seen = true;
		return 0;
	}
	if (selected == 1 && k->r->minor < 8) {
		k->side->phase = PH_INIT;  /* no SecurityResult for None before 3.8 */
		return 0;
	}
	if (avail < 4)
		return 4;
	uint32_t result = be32(p);
	event *e = rfb_event(k, 4, "SecurityResult", -1);
	ev_uint(e, "vnc.auth_result", result);
	ev_set_info(e, "SecurityResult %s", result ? "failed" : "OK");
	dis_emit(k->c, e);
	k->off += 4;
	if (result) {
		give_up(k, NOTE_INFO, "RFB security failed");
		return -1;
	}
	k->side->phase = PH_INIT;
	return 0;
}

static long server_init(rfb_cur *k, const uint8_t *p, size_t avail)
{
	if (avail < 24)
		return 24;
	uint32_t namelen = be32(p + 20);
	if (namelen > MAX_NAME) {
		give_up(k, NOTE_MALFORMED, "ServerInit desktop name longer than 4096 bytes");
		return -1;
	}
	if (avail < 24 + namelen)
		return (long)(24 + namelen);
	uint16_t w = be16(p), h = be16(p + 2);
	uint8_t bpp = p[4];
	event *e = rfb_event(k, 24 + namelen, "ServerInit", -1);
	ev_rfb_message *m = (ev_rfb_message *)e->data;
	m->width = w;
	m->height = h;
	m->desktop_name = arena_printable(k->c->scratch, p + 24, namelen);
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
	return 0;
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
static long finish_message(rfb_cur *k, event *e, size_t n, bool big_cut)
{
	dis_emit(k->c, e);
	if (big_cut) {
		k->off += 8;
		k->side->skip = n - 8;
	} else {
		k->off += n;
	}
	return 0;
}

static long client_message(rfb_cur *k, const uint8_t *p, size_t avail)
{
	size_t n;
	switch (p[0]) {
	case 0: n = 20; break;
	case 2:
		if (avail < 4)
			return 4;
		n = 4 + 4 * (size_t)be16(p + 2);
		break;
	case 3: n = 10; break;
	case 4: n = 8; break;
	case 5: n = 6; break;
	case 6:
		if (avail < 8)
			return 8;
		n = 8 + (size_t)be32(p + 4);
		break;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "unknown RFB client message type %u", p[0]);
		give_up(k, NOTE_UNDECODABLE, why);
		return -1;
	}
	}
	static const char *const names[] = {"SetPixelFormat", "?", "SetEncodings", "FramebufferUpdateRequest",
					    "KeyEvent", "PointerEvent", "ClientCutText"};
	bool big_cut = p[0] == 6 && n - 8 > MAX_CUT_TEXT;
	if (avail < (big_cut ? 8 : n))
		return (long)(big_cut ? 8 : n);
	event *e = rfb_event(k, big_cut ? 8 : n, names[p[0]], p[0]);
	if (p[0] == 0) {
		uint8_t bpp = p[4];
		if (bpp == 8 || bpp == 16 || bpp == 32)
			k->r->bytes_per_pixel = bpp / 8;
		ev_uint(e, "vnc.client_bits_per_pixel", bpp);
		ev_set_info(e, "SetPixelFormat %u bpp", bpp);
	} else if (p[0] == 2) {
		uint16_t count = be16(p + 2);
		ev_uint(e, "vnc.num_encoding_types", count);
		for (uint16_t i = 0; i < count && i < 64; i++)
			ev_int(e, "vnc.client_set_encodings_encoding_type", (int32_t)be32(p + 4 + 4 * i));
		ev_set_info(e, "SetEncodings %u encodings", count);
	} else if (p[0] == 6) {
		cut_text(k, e, p + 8, (uint32_t)(n - 8), !big_cut);
	}
	return finish_message(k, e, n, big_cut);
}

static long server_message(rfb_cur *k, const uint8_t *p, size_t avail)
{
	size_t n;
	switch (p[0]) {
	case 0: n = 4; break;
	case 1:
		if (avail < 6)
			return 6;
		n = 6 + 6 * (size_t)be16(p + 4);
		break;
	case 2: n = 1; break;
	case 3:
		if (avail < 8)
			return 8;
		n = 8 + (size_t)be32(p + 4);
		break;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "unknown RFB server message type %u", p[0]);
		give_up(k, NOTE_UNDECODABLE, why);
		return -1;
	}
	}
	static const char *const names[] = {"FramebufferUpdate", "SetColourMapEntries", "Bell", "ServerCutText"};
	bool big_cut = p[0] == 3 && n - 8 > MAX_CUT_TEXT;
	if (avail < (big_cut ? 8 : n))
		return (long)(big_cut ? 8 : n);
	event *e = rfb_event(k, big_cut ? 8 : n, names[p[0]], p[0]);
	if (p[0] == 0) {
		k->side->rects_left = be16(p + 2);
		ev_uint(e, "vnc.num_rects", k->side->rects_left);
		ev_set_info(e, "FramebufferUpdate %u rectangles", k->side->rects_left);
		if (k->side->rects_left)
			k->side->phase = PH_RECT;
	} else if (p[0] == 3) {
		cut_text(k, e, p + 8, (uint32_t)(n - 8), !big_cut);
	}
	return finish_message(k, e, n, big_cut);
}

/* One rectangle header of a FramebufferUpdate; its pixels are skipped. */
static long rect(rfb_cur *k, const uint8_t *p, size_t avail)
{
	if (avail < 12)
		return 12;
	uint64_t w = be16(p + 4), h = be16(p + 6), bpp = k->r->bytes_per_pixel;
	int32_t enc = (int32_t)be32(p + 8);
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
		if (avail < hdr)
			return (long)hdr;
		body = (uint64_t)be32(p + 12) * (bpp + 8);
		break;
	case ENC_ZRLE:
		hdr = 16;
		if (avail < hdr)
			return 16;
		body = be32(p + 12);
		break;
	default: {
		char why[80];
		snprintf(why, sizeof(why), "RFB encoding %d is not followed", enc);
		give_up(k, NOTE_INFO, why);
		return -1;
	}
	}
	k->off += hdr;
	k->side->skip = body;
	if (--k->side->rects_left == 0)
		k->side->phase = PH_MESSAGE;
	return 0;
}

static long step(rfb_cur *k)
{
	const uint8_t *p = k->buf + k->off;
	size_t avail = k->len - k->off;
	bool server = k->c->dir == DIR_S2C;
	switch (k->side->phase) {
	case PH_VERSION:
		return version_msg(k, p, avail);
	case PH_SECURITY:
		if (server)
			return server_security(k, p, avail);
		if (k->r->minor < 7) {
			k->side->phase = PH_SECURITY_RESULT;
			return 0;
		}
		if (avail < 1)
			return 1;
		{
			event *e = rfb_event(k, 1, "Security type selected", -1);
			ev_uint(e, "vnc.client_security_type", p[0]);
			ev_set_info(e, "Security type selected: %s", security_name(p[0]));
			dis_emit(k->c, e);
			k->r->security = p[0];
			k->off += 1;
			k->side->phase = p[0] == 2 ? PH_CHALLENGE : PH_INIT;
		}
		return 0;
	case PH_CHALLENGE:  /* client's VNC authentication response */
		if (avail < 16)
			return 16;
		dis_emit(k->c, rfb_event(k, 16, "VNC authentication response", -1));
		k->off += 16;
		k->side->phase = PH_INIT;
		return 0;
	case PH_SECURITY_RESULT:
		if (!server) {
			k->side->phase = PH_INIT;
			return 0;
		}
		/* the console's choice was parsed before the server's answer to it */
		return security_result(k, p, avail, k->r->security ? k->r->security : 1);
	case PH_INIT:
		if (server)
			return server_init(k, p, avail);
		if (avail < 1)
			return 1;
		{
			event *e = rfb_event(k, 1, "ClientInit", -1);
			ev_bool(e, "vnc.share_desktop_flag", p[0] != 0);
			dis_emit(k->c, e);
		}
		k->off += 1;
		k->side->phase = PH_MESSAGE;
		return 0;
	case PH_MESSAGE:
		if (avail < 1)
			return 1;
		return server ? server_message(k, p, avail) : client_message(k, p, avail);
	case PH_RECT:
		return rect(k, p, avail);
	default:
		k->off = k->len;
		return 0;
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
		long need = step(&k);
		if (need < 0)
			break;
		if (need > 0) {
			if (c->at_eof) {
				dis_note(c, RFB_PROTO, NOTE_TRUNCATED, k.off, "RFB message cut short: %zu of %ld bytes",
					 len - k.off, need);
				k.off = len;
				break;
			}
			r->bytes[c->dir] += k.off - start;
			return dis_incomplete(k.off, (size_t)need - (len - k.off));
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
