/* \summary: RMCP / ASF presence ping and pong (UDP 623/664)
 *
 * Consoles and scanners send an ASF presence ping; AMT answers with a pong
 * whose OEM bytes carry its open port, version, provisioning state and
 * whether TLS is on. Layout: DMTF ASF 2.0 (RMCP presence ping/pong), the
 * OEM bytes as MeshCentral's amtscanner.js and Wireshark's packet-asf.c read
 * them. */
#include "../decoder/dissector.h"
#include "../decoder/events/rmcp.h"

#define PROTO "rmcp"
#define RMCP_VERSION 6
#define RMCP_CLASS_ASF 6
#define RMCP_CLASS_MASK 0x0f
#define RMCP_CLASS_ACK 0x80
#define ASF_IANA 4542
#define INTEL_IANA 343
#define ASF_PING 0x80
#define ASF_PONG 0x40
#define PONG_DATA_LEN 16

const char *rmcp_prov_state_name(rmcp_prov_state s)
{
	switch (s) {
	case RMCP_PROV_PRE: return "pre";
	case RMCP_PROV_IN: return "in";
	case RMCP_PROV_POST: return "post";
	default: return "unknown";
	}
}

static void decode_pong(wire *w, ev_rmcp *r)
{
	r->oem_iana = wire_u32be(w);
	r->open_port = wire_u16be(w);
	uint8_t version = wire_u8(w);
	uint8_t state = wire_u8(w);
	r->entities = wire_u8(w);
	r->interactions = wire_u8(w);
	uint8_t major = wire_u8(w);
	uint8_t minor = wire_u8(w);
	r->is_amt = r->oem_iana == INTEL_IANA;
	if (version) {
		r->ver_major = version >> 4;
		r->ver_minor = version & 0x0f;
		r->has_version = true;
	} else if (major) {
		/* newer firmware leaves byte 18 at 0 and puts the version here */
		r->ver_major = major;
		r->ver_minor = minor;
		r->has_version = true;
	}
	r->prov_state = (rmcp_prov_state)(state & 0x03);
	r->dual_ports = (state & 0x04) != 0;
}

static void emit_pong(dis_ctx *c, event *e, ev_rmcp *r)
{
	e->kind = EV_RMCP_PONG;
	ev_uint(e, "asf.pong.oem_iana", r->oem_iana);
	ev_uint(e, "asf.pong.entities", r->entities);
	ev_uint(e, "asf.pong.interactions", r->interactions);
	if (!r->is_amt) {
		ev_set_info(e, "Presence Pong (tag %u), not Intel AMT (OEM IANA %u)", r->tag, r->oem_iana);
		return;
	}
	ev_uint(e, "amt.open_port", r->open_port);
	ev_str(e, "amt.prov_state", rmcp_prov_state_name(r->prov_state));
	ev_bool(e, "amt.tls", r->dual_ports || r->open_port == AMT_PORT_HTTPS);
	const char *ver = "?";
	if (r->has_version) {
		ver = arena_printf(c->scratch, "%u.%u", r->ver_major, r->ver_minor);
		ev_str(e, "amt.version", ver);
	}
	ev_set_info(e, "Presence Pong (tag %u), Intel AMT %s, port %u, provisioning state %s%s", r->tag,
		    ver, r->open_port, rmcp_prov_state_name(r->prov_state),
		    r->dual_ports ? ", TLS" : "");
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	wire w = wire_init(p, len);
	ev_rmcp *r = arena_alloc(c->scratch, sizeof(*r));
	uint8_t version = wire_u8(&w);
	wire_skip(&w, 1);
	r->sequence = wire_u8(&w);
	uint8_t klass = wire_u8(&w);
	if (w.err || version != RMCP_VERSION) {
		dis_note(c, PROTO, NOTE_MALFORMED, 0, "not RMCP: %zu bytes, version byte %u", len, version);
		return dis_ok(len);
	}
	if ((klass & RMCP_CLASS_MASK) != RMCP_CLASS_ASF || (klass & RMCP_CLASS_ACK))
		return dis_ok(len);  /* IPMI sessions and RMCP ACKs are not presence traffic */
	uint32_t iana = wire_u32be(&w);
	r->asf_type = wire_u8(&w);
	r->tag = wire_u8(&w);
	wire_skip(&w, 1);
	uint8_t data_len = wire_u8(&w);
	if (w.err) {
		dis_note(c, PROTO, NOTE_TRUNCATED, 0, "ASF header cut short (%zu bytes)", len);
		return dis_ok(len);
	}
	if (iana != ASF_IANA) {
		dis_note(c, PROTO, NOTE_MALFORMED, 4, "ASF message with IANA %u (expected 4542)", iana);
		return dis_ok(len);
	}
	if (r->asf_type != ASF_PING && r->asf_type != ASF_PONG) {
		dis_note(c, PROTO, NOTE_INFO, 8, "ASF message type 0x%02x is not decoded", r->asf_type);
		return dis_ok(len);
	}
	event *e = dis_event(c, EV_RMCP_PING, PROTO, 0, len);
	e->data = r;
	ev_uint(e, "rmcp.version", version);
	ev_uint(e, "rmcp.sequence", r->sequence);
	ev_uint(e, "rmcp.class", klass);
	ev_uint(e, "asf.iana", iana);
	ev_uint(e, "asf.type", r->asf_type);
	ev_uint(e, "asf.tag", r->tag);
	ev_uint(e, "asf.len", data_len);
	if (r->asf_type == ASF_PING) {
		ev_set_info(e, "Presence Ping (tag %u)", r->tag);
	} else {
		size_t avail = wire_left(&w) < data_len ? wire_left(&w) : data_len;
		if (avail < PONG_DATA_LEN) {
			dis_note(c, PROTO, NOTE_TRUNCATED, 12, "presence pong with %zu of 16 data bytes",
				 avail);
			return dis_ok(len);
		}
		decode_pong(&w, r);
		emit_pong(c, e, r);
	}
	dis_emit(c, e);
	return dis_ok(len);
}

const dissector dissector_rmcp = {
	.name = "rmcp",
	.ipproto = 17,
	.ports = {AMT_PORT_RMCP, AMT_PORT_RMCP_SECURE, 0},
	.tls_ports = {0},
	.parse = parse,
};
