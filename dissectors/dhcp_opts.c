#include "dhcp_opts.h"

#include <string.h>

#include "../decoder/tok.h"
#include "dnsname.h"

#define DHCP_MAX_SEARCH 32

void dhcp_opts_init(dhcp_opts *o, dis_ctx *c, event *e, ev_dhcp *d)
{
	memset(o, 0, sizeof(*o));
	o->c = c;
	o->e = e;
	o->d = d;
}

/* Text options: trailing NULs (some clients send them) are not part of it. */
static const char *opt_text(dhcp_opts *o, const uint8_t *v, size_t n)
{
	while (n && !v[n - 1])
		n--;
	return arena_printable(o->c->scratch, v, n);
}

static size_t addr_list(dhcp_opts *o, const char *field, const uint8_t *v, size_t n, amt_addr *out,
			size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		amt_addr a = amt_addr_v4(v + i);
		ev_addr(o->e, field, &a);
		if (out && k < max)
			out[k++] = a;
	}
	return k;
}

/* Option 81 / DHCPv6 39 names: DNS labels, possibly without the final root
 * label (a partial name). Returns NULL when a label overruns. */
static const char *label_name(arena *a, const uint8_t *v, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t i = 0;
	bool ok = true;
	while (i < n) {
		size_t l = v[i++];
		if (!l)
			break;
		if (l > 63 || l > n - i || s->len > 255) {
			ok = false;
			break;
		}
		if (s->len)
			g_string_append_c(s, '.');
		char *part = arena_printable(a, v + i, l);
		g_string_append(s, part);
		i += l;
	}
	char *r = ok ? arena_strdup(a, s->str) : NULL;
	g_string_free(s, TRUE);
	return r;
}

static void opt_fqdn(dhcp_opts *o, const uint8_t *v, size_t n, size_t off)
{
	if (n < 3) {
		dis_note(o->c, "dhcp", NOTE_MALFORMED, off, "option 81 (client FQDN) of %zu bytes is too short", n);
		return;
	}
	o->d->fqdn_flags = v[0];
	ev_uint(o->e, "dhcp.fqdn.flags", v[0]);
	ev_uint(o->e, "dhcp.fqdn.rcode1", v[1]);
	ev_uint(o->e, "dhcp.fqdn.rcode2", v[2]);
	const char *name;
	if (v[0] & 0x04)
		name = label_name(o->c->scratch, v + 3, n - 3);
	else
		name = opt_text(o, v + 3, n - 3);
	if (!name) {
		dis_note(o->c, "dhcp", NOTE_MALFORMED, off, "option 81 (client FQDN): a label runs past the option");
		return;
	}
	if (*name) {
		o->d->fqdn = name;
		ev_str(o->e, "dhcp.fqdn.name", name);
	}
}

static void one_option(dhcp_opts *o, uint8_t code, const uint8_t *v, size_t n, size_t off)
{
	ev_dhcp *d = o->d;
	event *e = o->e;
	switch (code) {
	case 1:
		if (n == 4) {
			d->subnet_mask = amt_addr_v4(v);
			ev_addr(e, "dhcp.option.subnet_mask", &d->subnet_mask);
		}
		break;
	case 3:
		d->nrouters = addr_list(o, "dhcp.option.router", v, n, d->routers, DHCP_MAX_ADDRS);
		break;
	case 6:
		d->ndns = addr_list(o, "dhcp.option.domain_name_server", v, n, d->dns, DHCP_MAX_ADDRS);
		break;
	case 12:
		d->hostname = opt_text(o, v, n);
		ev_str(e, "dhcp.option.hostname", d->hostname);
		break;
	case 15:
		d->domain = opt_text(o, v, n);
		ev_str(e, "dhcp.option.domain_name", d->domain);
		break;
	case 50:
		if (n == 4) {
			d->requested_ip = amt_addr_v4(v);
			ev_addr(e, "dhcp.option.requested_ip_address", &d->requested_ip);
		}
		break;
	case 51:
		if (n == 4) {
			wire lease = wire_init(v, n);
			d->lease_time = wire_u32be(&lease);
			d->has_lease_time = true;
			ev_uint(e, "dhcp.option.ip_address_lease_time", d->lease_time);
		}
		break;
	case 52:
		if (n == 1) {
			o->overload = v[0] & 3;
			ev_uint(e, "dhcp.option.option_overload", v[0]);
		}
		break;
	case 53:
		if (n == 1) {
			d->msg_type = v[0];
			ev_uint(e, "dhcp.option.dhcp", v[0]);
		}
		break;
	case 54:
		if (n == 4) {
			d->server_id = amt_addr_v4(v);
			ev_addr(e, "dhcp.option.dhcp_server_id", &d->server_id);
		}
		break;
	case 55:
		for (size_t i = 0; i < n; i++)
			ev_uint(e, "dhcp.option.request_list_item", v[i]);
		break;
	case 60:
		d->vendor_class = opt_text(o, v, n);
		ev_str(e, "dhcp.option.vendor_class_id", d->vendor_class);
		break;
	case 61:
		if (n >= 1) {
			ev_uint(e, "dhcp.client_id.type", v[0]);
			ev_hex(e, "dhcp.client_id.value", v + 1, n - 1);
		}
		break;
	case 81:
		opt_fqdn(o, v, n, off);
		return;
	case 119:
		if (!o->search)
			o->search = g_byte_array_new();
		g_byte_array_append(o->search, v, (guint)n);
		return;
	default:
		return;
	}
	if ((code == 1 || code == 50 || code == 51 || code == 52 || code == 53 || code == 54) &&
	    n != (code == 52 || code == 53 ? 1u : 4u))
		dis_note(o->c, "dhcp", NOTE_MALFORMED, off, "option %u has length %zu", code, n);
}

void dhcp_opts_parse(dhcp_opts *o, const uint8_t *p, size_t len, size_t off, const char *where)
{
	wire w = wire_init(p, len);
	while (wire_left(&w)) {
		size_t at = w.pos;
		uint8_t code = wire_u8(&w);
		if (code == 0)
			continue;
		if (code == 255)
			return;
		uint8_t n = wire_u8(&w);
		const uint8_t *v = wire_bytes(&w, n);
		if (!v) {
			dis_note(o->c, "dhcp", NOTE_MALFORMED, off + at,
				 "option %u in the %s claims %u bytes but only %zu remain", code, where, n,
				 len - at > 2 ? len - at - 2 : 0);
			return;
		}
		one_option(o, code, v, n, off + at);
	}
}

/* Option 119 and DHCPv6 24: a list of names; 119 may use compression with
 * offsets relative to the start of the (concatenated) option. */
static void search_list(dis_ctx *c, event *e, ev_dhcp *d, const uint8_t *v, size_t n, int pointers,
			const char *field)
{
	d->search = arena_alloc(c->scratch, DHCP_MAX_SEARCH * sizeof(char *));
	size_t pos = 0;
	char name[DNSNAME_MAX];
	while (pos < n) {
		if (d->nsearch >= DHCP_MAX_SEARCH) {
			dis_note(c, "dhcp", NOTE_INFO, 0, "domain search list: only the first %d names kept",
				 DHCP_MAX_SEARCH);
			return;
		}
		dnsname_status st = dnsname_read(v, n, &pos, name, sizeof(name), pointers);
		if (st != DNSNAME_OK) {
			dis_note(c, "dhcp", NOTE_MALFORMED, 0, "domain search list: %s", dnsname_status_text(st));
			return;
		}
		d->search[d->nsearch] = arena_strdup(c->scratch, name);
		ev_str(e, field, d->search[d->nsearch]);
		d->nsearch++;
	}
}

void dhcp_opts_finish(dhcp_opts *o)
{
	if (!o->search)
		return;
	search_list(o->c, o->e, o->d, o->search->data, o->search->len, 1,
		    "dhcp.option.dhcp_dns_domain_search_list_fqdn");
	g_byte_array_free(o->search, TRUE);
	o->search = NULL;
}

static const tok v6_types[] = {
	{1, "Solicit"}, {2, "Advertise"}, {3, "Request"}, {4, "Confirm"}, {5, "Renew"}, {6, "Rebind"},
	{7, "Reply"}, {8, "Release"}, {9, "Decline"}, {10, "Reconfigure"}, {11, "Information-request"},
	{12, "Relay-forw"}, {13, "Relay-reply"}, {0, NULL},
};

static const char *v6_type_name(uint8_t t)
{
	return tok_name(v6_types, t, NULL);
}

dis_result dhcpv6_parse(dis_ctx *c, const uint8_t *p, size_t len)
{
	wire w = wire_init(p, len);
	uint8_t type = wire_u8(&w);
	uint32_t xid = wire_u24be(&w);
	if (w.err) {
		dis_note(c, "dhcpv6", NOTE_TRUNCATED, 0, "DHCPv6 message of %zu bytes is too short", len);
		return dis_ok(len);
	}
	event *e = dis_event(c, EV_DHCP_MESSAGE, "dhcpv6", 0, len);
	ev_dhcp *d = arena_alloc(c->scratch, sizeof(*d));
	d->v6 = true;
	d->msg_type = type;
	d->xid = xid;
	e->data = d;
	const char *tn = v6_type_name(type);
	ev_set_info(e, "%s XID: 0x%06x", tn ? tn : "DHCPv6", xid);
	ev_uint(e, "dhcpv6.msgtype", type);
	if (type == 12 || type == 13) {
		dis_note(c, "dhcpv6", NOTE_INFO, 0, "DHCPv6 relay message: inner message not decoded");
		dis_emit(c, e);
		return dis_ok(len);
	}
	ev_uint(e, "dhcpv6.xid", xid);
	while (wire_left(&w)) {
		size_t at = w.pos;
		uint16_t code = wire_u16be(&w), n = wire_u16be(&w);
		const uint8_t *v = wire_bytes(&w, n);
		if (!v) {
			dis_note(c, "dhcpv6", NOTE_MALFORMED, at, "DHCPv6 option %u runs past the end of the message", code);
			break;
		}
		if (code == 24 && !d->search)
			search_list(c, e, d, v, n, 0, "dhcpv6.search_list_entry");
	}
	dis_emit(c, e);
	return dis_ok(len);
}
