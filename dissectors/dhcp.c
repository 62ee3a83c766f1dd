/* \summary: DHCPv4 (BOOTP header and options, RFC 2131/2132, 4702, 3397,
 * option overload) and DHCPv6 option 24. Every message is an
 * EV_DHCP_MESSAGE; an ACK becomes an EV_DHCP_LEASE that also carries what
 * the client said about itself earlier in the exchange. Messages of one
 * exchange travel on different UDP 5-tuples (0.0.0.0 -> broadcast, server
 * -> client), so exchanges are paired by xid in the per-run state. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/dissector.h"
#include "../decoder/events/dhcp.h"
#include "../decoder/tok.h"
#include "dhcp_opts.h"

#define DHCP_MAX_EXCHANGES 4096

typedef struct exchange {
	char *hostname, *fqdn;
	uint32_t discover_frame, offer_frame, request_frame;
} exchange;

typedef struct dhcp_global {
	GHashTable *by_xid;  /* xid (GUINT_TO_POINTER) -> exchange* */
} dhcp_global;

static void exchange_free(gpointer p)
{
	exchange *x = p;
	g_free(x->hostname);
	g_free(x->fqdn);
	g_free(x);
}

static void *global_new(const amt_config *cfg)
{
	(void)cfg;
	dhcp_global *g = g_new0(dhcp_global, 1);
	g->by_xid = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, exchange_free);
	return g;
}

static void global_free(void *p)
{
	dhcp_global *g = p;
	if (!g)
		return;
	g_hash_table_destroy(g->by_xid);
	g_free(g);
}

static const tok msg_types[] = {
	{1, "Discover"}, {2, "Offer"}, {3, "Request"}, {4, "Decline"}, {5, "ACK"}, {6, "NAK"},
	{7, "Release"}, {8, "Inform"}, {0, NULL},
};

static const char *msg_type_name(uint8_t t)
{
	return tok_name(msg_types, t, NULL);
}

/* The per-exchange memory: what the client asked for under this xid. */
static exchange *exchange_for(dis_ctx *c, uint32_t xid, bool create)
{
	dhcp_global *g = c->global;
	if (!g)
		return NULL;
	exchange *x = g_hash_table_lookup(g->by_xid, GUINT_TO_POINTER(xid));
	if (x || !create)
		return x;
	if (g_hash_table_size(g->by_xid) >= DHCP_MAX_EXCHANGES)
		g_hash_table_remove_all(g->by_xid);  /* a flood of xids: forget, stay bounded */
	x = g_new0(exchange, 1);
	g_hash_table_insert(g->by_xid, GUINT_TO_POINTER(xid), x);
	return x;
}

static void replace(char **slot, const char *v)
{
	if (!v)
		return;
	g_free(*slot);
	*slot = g_strdup(v);
}

static void track(dis_ctx *c, const ev_dhcp *d, const event *e)
{
	if (!d->msg_type)
		return;
	bool from_client = d->op == 1;
	exchange *x = exchange_for(c, d->xid, from_client || d->msg_type == DHCP_OFFER);
	if (!x)
		return;
	switch (d->msg_type) {
	case DHCP_DISCOVER: x->discover_frame = e->frame_first; break;
	case DHCP_OFFER: x->offer_frame = e->frame_first; break;
	case DHCP_REQUEST:
	case DHCP_INFORM: x->request_frame = e->frame_first; break;
	default: break;
	}
	if (from_client) {
		replace(&x->hostname, d->hostname);
		replace(&x->fqdn, d->fqdn);
	}
}

static void emit_lease(dis_ctx *c, const ev_dhcp *d, size_t len)
{
	event *e = dis_event(c, EV_DHCP_LEASE, "dhcp", 0, len);
	ev_dhcp_lease *l = arena_alloc(c->scratch, sizeof(*l));
	exchange *x = exchange_for(c, d->xid, false);
	char buf[AMT_ADDRSTRLEN];
	l->xid = d->xid;
	memcpy(l->mac, d->mac, sizeof(l->mac));
	l->ip = d->yiaddr.family && memcmp(d->yiaddr.b, "\0\0\0\0", 4) ? d->yiaddr : d->ciaddr;
	l->hostname = d->hostname ? d->hostname : x ? arena_strdup(c->scratch, x->hostname) : NULL;
	l->fqdn = d->fqdn ? d->fqdn : x ? arena_strdup(c->scratch, x->fqdn) : NULL;
	l->domain = d->domain;
	l->search = d->search;
	l->nsearch = d->nsearch;
	memcpy(l->dns, d->dns, sizeof(l->dns));
	l->ndns = d->ndns;
	l->server_id = d->server_id.family ? d->server_id : c->flow ? *ev_src(e) : d->siaddr;
	l->lease_time = d->lease_time;
	if (x) {
		l->request_frame = x->request_frame;
		l->discover_frame = x->discover_frame;
		l->offer_frame = x->offer_frame;
	}
	e->data = l;
	ev_set_info(e, "DHCP lease %s to %s%s%s%s%s", amt_addr_str(&l->ip, buf), l->mac,
		    l->hostname ? " hostname " : "", l->hostname ? l->hostname : "",
		    l->domain ? " domain " : "", l->domain ? l->domain : "");
	ev_uint(e, "dhcp.id", l->xid);
	ev_str(e, "dhcp.hw.mac_addr", l->mac);
	ev_addr(e, "dhcp.ip.your", &l->ip);
	ev_str(e, "dhcp.option.hostname", l->hostname);
	ev_str(e, "dhcp.option.domain_name", l->domain);
	ev_str(e, "dhcp.fqdn.name", l->fqdn);
	for (size_t i = 0; i < l->ndns; i++)
		ev_addr(e, "dhcp.option.domain_name_server", &l->dns[i]);
	ev_addr(e, "dhcp.option.dhcp_server_id", &l->server_id);
	if (l->request_frame)
		ev_uint(e, "dhcp.request_frame", l->request_frame);
	dis_emit(c, e);
	if (x) {
		dhcp_global *g = c->global;
		g_hash_table_remove(g->by_xid, GUINT_TO_POINTER(d->xid));
	}
}

#define BOOTP_HDR 236

static void header_fields(event *e, const ev_dhcp *d, const uint8_t *hdr)
{
	wire h = wire_init(hdr, BOOTP_HDR);
	ev_uint(e, "dhcp.type", d->op);
	ev_uint(e, "dhcp.hw.type", hdr[1]);
	ev_uint(e, "dhcp.hw.len", hdr[2]);
	ev_uint(e, "dhcp.hops", hdr[3]);
	ev_uint(e, "dhcp.id", d->xid);
	ev_uint(e, "dhcp.secs", wire_peek_u16be(&h, 8));
	ev_uint(e, "dhcp.flags", wire_peek_u16be(&h, 10));
	ev_addr(e, "dhcp.ip.client", &d->ciaddr);
	ev_addr(e, "dhcp.ip.your", &d->yiaddr);
	ev_addr(e, "dhcp.ip.server", &d->siaddr);
	ev_addr(e, "dhcp.ip.relay", &d->giaddr);
	if (*d->mac)
		ev_str(e, "dhcp.hw.mac_addr", d->mac);
	else if (hdr[2])
		ev_hex(e, "dhcp.hw.addr", hdr + 28, hdr[2] > 16 ? 16 : hdr[2]);
}

/* A NUL-terminated text field of the header (sname, file), if set. */
static void header_text(event *e, const char *name, const uint8_t *p, size_t n)
{
	size_t l = 0;
	while (l < n && p[l])
		l++;
	if (l)
		ev_strn(e, name, p, l);
}

static dis_result parse_v4(dis_ctx *c, const uint8_t *p, size_t len)
{
	wire w = wire_init(p, len);
	const uint8_t *hdr = wire_bytes(&w, BOOTP_HDR);
	if (!hdr) {
		dis_note(c, "dhcp", NOTE_TRUNCATED, 0, "BOOTP message of %zu bytes is shorter than its %d-byte header",
			 len, BOOTP_HDR);
		return dis_ok(len);
	}
	ev_dhcp *d = arena_alloc(c->scratch, sizeof(*d));
	d->op = hdr[0];
	wire h = wire_init(hdr, BOOTP_HDR);
	d->xid = wire_peek_u32be(&h, 4);
	d->ciaddr = amt_addr_v4(hdr + 12);
	d->yiaddr = amt_addr_v4(hdr + 16);
	d->siaddr = amt_addr_v4(hdr + 20);
	d->giaddr = amt_addr_v4(hdr + 24);
	if (hdr[1] == 1 && hdr[2] == 6)
		amt_mac_str(hdr + 28, d->mac);

	event *e = dis_event(c, EV_DHCP_MESSAGE, "dhcp", 0, len);
	e->data = d;
	header_fields(e, d, hdr);
	uint32_t cookie = wire_u32be(&w);
	int overload = 0;
	if (!w.err && cookie == 0x63825363) {
		ev_hex(e, "dhcp.cookie", p + BOOTP_HDR, 4);
		dhcp_opts opts;
		dhcp_opts_init(&opts, c, e, d);
		dhcp_opts_parse(&opts, p + w.pos, len - w.pos, w.pos, "options");
		overload = opts.overload;
		/* RFC 2131 4.1: file is read before sname */
		if (overload & 1)
			dhcp_opts_parse(&opts, hdr + 108, 128, 108, "file field (overload)");
		if (overload & 2)
			dhcp_opts_parse(&opts, hdr + 44, 64, 44, "sname field (overload)");
		dhcp_opts_finish(&opts);
	} else if (!w.err) {
		dis_note(c, "dhcp", NOTE_MALFORMED, BOOTP_HDR, "BOOTP message without the DHCP magic cookie");
	}
	if (!(overload & 2))
		header_text(e, "dhcp.server", hdr + 44, 64);
	if (!(overload & 1))
		header_text(e, "dhcp.file", hdr + 108, 128);

	const char *tname = msg_type_name(d->msg_type);
	char xbuf[16];
	snprintf(xbuf, sizeof(xbuf), "0x%08x", d->xid);
	if (tname)
		ev_set_info(e, "DHCP %s - Transaction ID %s", tname, xbuf);
	else
		ev_set_info(e, "BOOTP %s - Transaction ID %s", d->op == 2 ? "Reply" : "Request", xbuf);
	track(c, d, e);
	dis_emit(c, e);
	if (d->msg_type == DHCP_ACK && d->op == 2)
		emit_lease(c, d, len);
	return dis_ok(len);
}

static dis_result parse(void *st, dis_ctx *c, const uint8_t *p, size_t len)
{
	(void)st;
	if (c->flow && (c->flow->sport == 547 || c->flow->cport == 547 || c->flow->sport == 546))
		return dhcpv6_parse(c, p, len);
	return parse_v4(c, p, len);
}

const dissector dissector_dhcp = {
	.name = "dhcp",
	.ipproto = 17,
	.ports = {67, 68, 547, 546, 0},
	.tls_ports = {0},
	.parse = parse,
	.global_new = global_new,
	.global_free = global_free,
};
