/* \summary: the template dissector: copy it to start a new protocol
 *
 * Not a real protocol: it claims no port and has no probe, so it never runs
 * on a capture; it is compiled, unit-tested (tests/template/test_template.c)
 * and fuzzed (tests/template/fuzz_template.c) so that it keeps compiling and
 * keeps showing the house's ways. Its wire format is a stream of messages:
 *
 *   type u8 | flags u8 | length u16 big-endian | body (length bytes, text)
 *
 * To add protocol `foo` (docs/hacking.md, "Add a dissector"):
 *   1. cp dissectors/template.c dissectors/foo.c; in it, template -> foo,
 *      TEMPLATE -> FOO, and list the server ports in .ports below (names from
 *      decoder/amt_ports.h when AMT's, a number otherwise).
 *   2. One line in decoder/dissectors.def, after the dissectors whose probes
 *      are stricter than yours:
 *        DISSECTOR(foo, OTHER, KIND(FOO_MESSAGE, foo_message))
 *      That line makes EV_FOO_MESSAGE, its name "foo_message", its timeline
 *      lane, the dispatch entry, the live capture filter and the build.
 *   3. Replace the wire format with yours; keep the shape: every read through
 *      the cursor (decoder/wire.h), incomplete(consumed, needed) when the
 *      stream stops mid-message, a note (dis_note) for malformed bytes.
 * Only when a rule reads your events' payload (rules read `data`, never
 * fields) does the payload struct below move to decoder/events/foo.h. */
#include <glib.h>

#include "../decoder/dissector.h"

#define PROTO "template"
#define HEADER_LEN 4
#define MAX_BODY 4096  /* a longer message is malformed in this protocol */

/* The payload of EV_TEMPLATE_MESSAGE (e->data). */
typedef struct ev_template_message {
	uint8_t type;
	uint8_t flags;
	uint16_t length;
	bool from_server;
} ev_template_message;

/* Per flow: what a dissector remembers between calls (both directions). */
typedef struct template_state {
	uint64_t messages[2];  /* per direction */
} template_state;

static const char *type_name(uint8_t type)
{
	switch (type) {
	case 1: return "Request";
	case 2: return "Response";
	default: return "Unknown";
	}
}

/* One whole message, body at w: an event with a typed payload for rules and
 * named fields (Wireshark-style) for `decode`. */
static void emit_message(dis_ctx *c, const ev_template_message *hdr, wire *w, size_t off)
{
	event *e = dis_event(c, EV_TEMPLATE_MESSAGE, PROTO, off, HEADER_LEN + (size_t)hdr->length);
	ev_template_message *m = arena_alloc(c->scratch, sizeof(*m));
	*m = *hdr;
	m->from_server = c->dir == DIR_S2C;
	e->data = m;
	const uint8_t *body = wire_bytes(w, hdr->length);
	ev_uint(e, "template.type", m->type);
	ev_uint(e, "template.flags", m->flags);
	ev_uint(e, "template.length", m->length);
	if (body && m->length)
		ev_strn(e, "template.body", body, m->length);  /* a printable copy */
	ev_set_info(e, "%s (type %u), %u bytes", type_name(m->type), m->type, m->length);
	dis_emit(c, e);
}

static void *state_new(dis_ctx *c)
{
	(void)c;
	return g_malloc0(sizeof(template_state));
}

static void state_free(void *st)
{
	g_free(st);
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	template_state *s = st;
	size_t off = 0;
	while (off < len) {
		wire w = wire_init(p + off, len - off);
		ev_template_message hdr = {0};
		hdr.type = wire_u8(&w);
		hdr.flags = wire_u8(&w);
		hdr.length = wire_u16be(&w);
		size_t need = w.err ? HEADER_LEN : HEADER_LEN + (size_t)hdr.length;
		if (!w.err && hdr.length > MAX_BODY) {
			dis_note(c, PROTO, NOTE_UNDECODABLE, off,
				 "message length %u is over %u; rest of this direction not decoded",
				 hdr.length, MAX_BODY);
			return dis_error(len);
		}
		if (len - off < need) {
			if (c->at_eof) {
				dis_note(c, PROTO, NOTE_TRUNCATED, off, "message cut short: %zu of %zu bytes",
					 len - off, need);
				return dis_ok(len);
			}
			return dis_incomplete(off, need - (len - off));
		}
		emit_message(c, &hdr, &w, off);
		s->messages[c->dir]++;
		off += need;
	}
	return dis_ok(len);
}

const dissector dissector_template = {
	.name = "template",
	.ipproto = 6,
	.ports = {0},      /* a copy: its server ports, e.g. {AMT_PORT_HTTP, 0} */
	.tls_ports = {0},  /* ports where it runs inside TLS (the TLS dissector hands it the bytes) */
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
};
