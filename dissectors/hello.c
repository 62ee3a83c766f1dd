/* \summary: Intel AMT hello packets (TCP 9971, AMT -> setup service)
 *
 * AMT connects to the setup service, writes one hello and closes; the
 * service never answers on this connection. There is no length field: the
 * message is the whole AMT->service stream, so it is decoded at FIN.
 * Layout and validation: the Intel AMT SDK's remote configuration pages and
 * MeshCentral's amtprovisioningserver.js parser; real samples in
 * tests/data/public/hello/. */
#include <glib.h>
#include <stdio.h>

#include "../decoder/dissector.h"
#include "../decoder/events/hello.h"
#include "../decoder/tok.h"

#define PROTO "hello"
#define HELLO_V2_LEN 32
#define HELLO_V3_HEADER 25
#define PID_LEN 8
#define PID_SHOWN 2  /* the PID is half of a pre-shared secret */

typedef struct hello_state {
	bool service_bytes_noted;
} hello_state;

static const tok hash_titles[] = {
	{HELLO_HASH_SHA1, "SHA-1"}, {HELLO_HASH_SHA256, "SHA-256"}, {HELLO_HASH_SHA384, "SHA-384"}, {0, NULL},
};

const char *hello_hash_name(uint8_t type)
{
	return amt_hash_alg_name(type);
}

static uint8_t hash_len_of(uint8_t type)
{
	switch (type) {
	case HELLO_HASH_SHA1: return 20;
	case HELLO_HASH_SHA256: return 32;
	case HELLO_HASH_SHA384: return 48;
	default: return 0;
	}
}

/* Microsoft GUID order: the first three groups are little-endian. */
static void guid_text(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static const char *pid_text(dis_ctx *c, const uint8_t *pid)
{
	if (!c->cfg->redact)
		return arena_printable(c->scratch, pid, PID_LEN);
	char *shown = arena_printable(c->scratch, pid, PID_SHOWN);
	return arena_printf(c->scratch, "%s******", shown);
}

/* Parses the v3 hash list into h; returns NULL (with *why) if it breaks
 * the rules of section 2.5. */
static hello_hash *parse_hashes(dis_ctx *c, wire *w, uint32_t n, const char **why)
{
	hello_hash *list = arena_alloc(c->scratch, (n ? n : 1) * sizeof(*list));
	for (uint32_t i = 0; i < n; i++) {
		uint8_t type = wire_u8(w);
		uint8_t len = wire_u8(w);
		if (w->err) {
			*why = arena_printf(c->scratch, "hash entry %u of %u is cut short", i + 1, n);
			return NULL;
		}
		if (!hash_len_of(type) || hash_len_of(type) != len) {
			*why = arena_printf(c->scratch,
					    "hash entry %u has type %u with length %u (expected 1/20, 2/32 or 3/48)",
					    i + 1, type, len);
			return NULL;
		}
		const uint8_t *b = wire_bytes(w, len);
		if (!b) {
			*why = arena_printf(c->scratch, "hash entry %u of %u is cut short", i + 1, n);
			return NULL;
		}
		list[i].type = type;
		list[i].len = len;
		list[i].hex = arena_hex(c->scratch, b, len);
		amt_hash_set(&list[i].hash, type, b, len);
	}
	if (wire_left(w)) {
		*why = arena_printf(c->scratch, "%zu bytes after the last hash entry", wire_left(w));
		return NULL;
	}
	return list;
}

static void emit_hello(dis_ctx *c, ev_hello *h, size_t len)
{
	event *e = dis_event(c, EV_HELLO, PROTO, 0, len);
	e->data = h;
	ev_bool(e, "hello.admin_set", h->admin_set);
	ev_uint(e, "hello.version", h->version);
	ev_uint(e, "hello.retry", h->retry);
	ev_str(e, "hello.uuid", h->uuid);
	if (h->version == 2) {
		ev_str(e, "hello.pid", h->pid);
		ev_set_info(e, "Hello v2 (PSK), UUID %s, retry %u, PID %s", h->uuid, h->retry, h->pid);
	} else {
		unsigned per_type[4] = {0};
		ev_uint(e, "hello.hash_count", h->nhashes);
		for (uint32_t i = 0; i < h->nhashes; i++) {
			per_type[h->hashes[i].type]++;
			ev_str(e, "hello.hash", arena_printf(c->scratch, "%s:%s",
							     hello_hash_name(h->hashes[i].type),
							     h->hashes[i].hex));
		}
		GString *types = g_string_new(NULL);
		for (int t = 1; t <= 3; t++)
			if (per_type[t])
				g_string_append_printf(types, "%s%u %s", types->len ? ", " : " (", per_type[t],
						       tok_name(hash_titles, (uint32_t)t, ""));
		if (types->len)
			g_string_append_c(types, ')');
		ev_set_info(e, "Hello v3 (PKI), UUID %s, retry %u, %u root hashes%s", h->uuid, h->retry,
			    h->nhashes, types->str);
		g_string_free(types, TRUE);
	}
	dis_emit(c, e);
}

static void decode(dis_ctx *c, const uint8_t *p, size_t len)
{
	wire w = wire_init(p, len);
	ev_hello *h = arena_alloc(c->scratch, sizeof(*h));
	const char *why = NULL;
	uint16_t admin = wire_u16le(&w);
	h->version = wire_u16le(&w);
	h->retry = wire_u32le(&w);
	const uint8_t *uuid = wire_bytes(&w, 16);
	h->length = (uint32_t)len;
	if (w.err) {
		why = arena_printf(c->scratch, "%zu bytes, shorter than any hello", len);
	} else if (admin > 1) {
		why = arena_printf(c->scratch, "first word is %u, not 0 or 1", admin);
	} else if (h->version != 2 && h->version != 3) {
		why = arena_printf(c->scratch, "interface version %u (only 2 and 3 exist)", h->version);
	} else if (h->version == 2 && len != HELLO_V2_LEN) {
		why = arena_printf(c->scratch, "version 2 hello of %zu bytes (must be 32)", len);
	} else if (h->version == 2) {
		h->pid = pid_text(c, wire_bytes(&w, PID_LEN));
	} else {
		uint8_t n = wire_u8(&w);
		if (w.err)
			why = "version 3 hello without its hash count";
		else if (n > HELLO_MAX_HASHES)
			why = arena_printf(c->scratch, "%u hash entries (firmware holds at most %d)", n,
					   HELLO_MAX_HASHES);
		else if ((h->hashes = parse_hashes(c, &w, n, &why)) != NULL)
			h->nhashes = n;
	}
	if (why) {
		dis_note(c, PROTO, NOTE_MALFORMED, 0, "not a hello: %s", why);
		return;
	}
	h->admin_set = admin == 1;
	guid_text(uuid, h->uuid);
	emit_hello(c, h, len);
}

static void *state_new(dis_ctx *c)
{
	(void)c;
	return g_malloc0(sizeof(hello_state));
}

static void state_free(void *st)
{
	g_free(st);
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	hello_state *s = st;
	if (c->dir == DIR_S2C) {
		/* MeshCentral answers a browser's GET here; AMT never reads anything */
		if (len && !s->service_bytes_noted) {
			s->service_bytes_noted = true;
			dis_note(c, PROTO, NOTE_INFO, 0,
				 "the setup service sent %zu bytes on the hello port (AMT expects none)", len);
		}
		return dis_ok(len);
	}
	if (len > HELLO_MAX_LEN) {
		dis_note(c, PROTO, NOTE_MALFORMED, 0,
			 "not a hello: more than %d bytes before the end of the stream", HELLO_MAX_LEN);
		return dis_error(len);
	}
	if (!c->at_eof)
		return dis_incomplete(0, 0);
	if (len)
		decode(c, p, len);
	return dis_ok(len);
}

const dissector dissector_hello = {
	.name = "hello",
	.ipproto = 6,
	.ports = {AMT_PORT_HELLO, 0},
	.tls_ports = {0},
	.state_new = state_new,
	.state_free = state_free,
	.parse = parse,
};
