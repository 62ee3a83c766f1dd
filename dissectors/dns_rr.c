#include "dns_rr.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/wire.h"
#include "dnsname.h"

/* A name inside rdata: compression may point anywhere earlier in the
 * message, but the in-place bytes must stay inside the rdata. */
static const char *rdata_name(arena *a, const uint8_t *msg, size_t len, size_t *pos, size_t end,
			      const char **out)
{
	char buf[DNSNAME_MAX];
	dnsname_status ns = dnsname_read(msg, end < len ? end : len, pos, buf, sizeof(buf), 1);
	if (ns != DNSNAME_OK)
		return dnsname_status_text(ns);
	*out = arena_strdup(a, buf);
	return NULL;
}

/* TXT rdata: character-strings, kept one by one and joined for the text. */
static void txt_strings(arena *a, const uint8_t *p, size_t n, dns_rr *r)
{
	r->txt = arena_alloc(a, (n + 1) * sizeof(char *));
	GString *s = g_string_new(NULL);
	size_t i = 0;
	while (i < n) {
		size_t l = p[i++];
		if (l > n - i)
			l = n - i;
		char *part = arena_printable(a, p + i, l);
		r->txt[r->ntxt++] = part;
		if (s->len)
			g_string_append_c(s, ' ');
		g_string_append(s, part);
		i += l;
	}
	r->text = arena_strdup(a, s->str);
	g_string_free(s, TRUE);
}

static const char *read_rdata(arena *a, const uint8_t *msg, size_t len, size_t start, size_t rdlen,
			      dns_rr *r)
{
	size_t end = start + rdlen;
	size_t pos = start;
	wire w = wire_init(msg, end);
	w.pos = start;
	const char *bad = NULL;
	char buf[AMT_ADDRSTRLEN];
	if (rdlen == 0) {
		/* no rdata: RFC 2136 deletes (class ANY/NONE), prerequisites, empty records */
		r->text = "";
		return NULL;
	}
	switch (r->type) {
	case DNS_T_A:
	case DNS_T_AAAA: {
		size_t n = r->type == DNS_T_A ? 4 : 16;
		if (rdlen != n)
			return arena_printf(a, "%s record with %zu bytes of data", r->type == DNS_T_A ? "A" : "AAAA", rdlen);
		r->addr = n == 4 ? amt_addr_v4(msg + start) : amt_addr_v6(msg + start);
		r->text = arena_strdup(a, amt_addr_str(&r->addr, buf));
		return NULL;
	}
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		bad = rdata_name(a, msg, len, &pos, end, &r->target);
		r->text = r->target;
		break;
	case DNS_T_MX: {
		uint16_t pref = wire_u16be(&w);
		if (w.err)
			return "MX record too short";
		pos = w.pos;
		bad = rdata_name(a, msg, len, &pos, end, &r->target);
		if (!bad)
			r->text = arena_printf(a, "%u %s", pref, r->target);
		break;
	}
	case DNS_T_SRV: {
		uint16_t prio = wire_u16be(&w), weight = wire_u16be(&w), port = wire_u16be(&w);
		if (w.err)
			return "SRV record too short";
		r->srv_priority = prio;
		r->srv_weight = weight;
		r->srv_port = port;
		pos = w.pos;
		bad = rdata_name(a, msg, len, &pos, end, &r->target);
		if (!bad)
			r->text = arena_printf(a, "%u %u %u %s", prio, weight, port, r->target);
		break;
	}
	case DNS_T_SOA: {
		bad = rdata_name(a, msg, len, &pos, end, &r->target);
		if (!bad)
			bad = rdata_name(a, msg, len, &pos, end, &r->soa_rname);
		if (bad)
			break;
		w.pos = pos;
		r->soa_serial = wire_u32be(&w);
		wire_skip(&w, 16);
		if (w.err)
			return "SOA record too short";
		pos = w.pos;
		r->text = r->target;
		break;
	}
	case DNS_T_TXT:
		txt_strings(a, msg + start, rdlen, r);
		return NULL;
	case DNS_T_OPT:
		r->text = "";
		return NULL;
	default:
		r->text = arena_hex(a, msg + start, rdlen > 64 ? 64 : rdlen);
		return NULL;
	}
	if (bad)
		return bad;
	if (pos != end)
		return arena_printf(a, "%zu bytes of rdata left over", end - pos);
	return NULL;
}

const char *dns_rr_read(arena *a, const uint8_t *msg, size_t len, size_t *pos, dns_section sec,
			dns_rr *r)
{
	char name[DNSNAME_MAX];
	memset(r, 0, sizeof(*r));
	r->section = sec;
	dnsname_status ns = dnsname_read(msg, len, pos, name, sizeof(name), 1);
	if (ns != DNSNAME_OK)
		return dnsname_status_text(ns);
	r->name = arena_strdup(a, name);
	wire w = wire_init(msg, len);
	w.pos = *pos;
	r->type = wire_u16be(&w);
	r->rclass = wire_u16be(&w);
	r->ttl = wire_u32be(&w);
	uint16_t rdlen = wire_u16be(&w);
	if (w.err)
		return "record header runs past the end of the message";
	if (rdlen > len - w.pos)
		return arena_printf(a, "rdata of %u bytes runs past the end of the message", rdlen);
	r->rdlen = rdlen;
	/* rdata that does not fit its type spoils that record only: its length
	 * still says where the next one starts */
	const char *bad = read_rdata(a, msg, len, w.pos, rdlen, r);
	if (bad) {
		r->rdata_problem = bad;
		r->target = NULL;
		r->addr.family = 0;
		r->text = arena_hex(a, msg + w.pos, rdlen > 64 ? 64 : rdlen);
	}
	*pos = w.pos + rdlen;
	return NULL;
}

void dns_rr_fields(event *e, const dns_rr *r)
{
	ev_str(e, "dns.resp.name", r->name && *r->name ? r->name : "<Root>");
	ev_uint(e, "dns.resp.type", r->type);
	if (r->type == DNS_T_OPT) {
		/* EDNS(0): class is the payload size, TTL holds ext-rcode, version, flags */
		ev_uint(e, "dns.rr.udp_payload_size", r->rclass);
		ev_uint(e, "dns.resp.ext_rcode", r->ttl >> 24);
		ev_uint(e, "dns.resp.edns0_version", (r->ttl >> 16) & 0xff);
		ev_bool(e, "dns.resp.z.do", r->ttl & 0x8000);
		return;
	}
	ev_uint(e, "dns.resp.class", r->rclass);
	ev_uint(e, "dns.resp.ttl", r->ttl);
	if (r->rdlen == 0 || r->rdata_problem) {
		ev_uint(e, "dns.resp.len", r->rdlen);
		return;
	}
	switch (r->type) {
	case DNS_T_A: ev_addr(e, "dns.a", &r->addr); break;
	case DNS_T_AAAA: ev_addr(e, "dns.aaaa", &r->addr); break;
	case DNS_T_CNAME: ev_str(e, "dns.cname", r->target); break;
	case DNS_T_PTR: ev_str(e, "dns.ptr.domain_name", r->target); break;
	case DNS_T_NS: ev_str(e, "dns.ns", r->target); break;
	case DNS_T_MX: ev_str(e, "dns.mx.mail_exchange", r->target); break;
	case DNS_T_SRV:
		ev_uint(e, "dns.srv.priority", r->srv_priority);
		ev_uint(e, "dns.srv.weight", r->srv_weight);
		ev_uint(e, "dns.srv.port", r->srv_port);
		ev_str(e, "dns.srv.target", r->target);
		break;
	case DNS_T_SOA:
		ev_str(e, "dns.soa.mname", r->target);
		ev_str(e, "dns.soa.rname", r->soa_rname);
		ev_uint(e, "dns.soa.serial_number", r->soa_serial);
		break;
	case DNS_T_TXT:
		for (size_t i = 0; i < r->ntxt; i++)
			ev_str(e, "dns.txt", r->txt[i]);
		break;
	default: break;
	}
}

void dns_resolve_chain(arena *a, ev_dns *d)
{
	if (!d->qname)
		return;
	size_t n = d->nrrs;
	d->cnames = arena_alloc(a, (n + 1) * sizeof(char *));
	d->addrs = arena_alloc(a, (n + 1) * sizeof(amt_addr));
	d->ptrs = arena_alloc(a, (n + 1) * sizeof(char *));
	const char *cur = d->qname;
	/* each step consumes one CNAME record at most once: bounded by n */
	for (size_t step = 0; step <= n; step++) {
		const char *next = NULL;
		for (size_t i = 0; i < n && !next; i++) {
			const dns_rr *r = &d->rrs[i];
			if (r->section == DNS_SEC_ANSWER && r->type == DNS_T_CNAME && r->target &&
			    !g_ascii_strcasecmp(r->name, cur))
				next = r->target;
		}
		if (!next || d->ncnames >= n)
			break;
		bool seen = !g_ascii_strcasecmp(next, d->qname);
		for (size_t j = 0; j < d->ncnames && !seen; j++)
			seen = !g_ascii_strcasecmp(next, d->cnames[j]);
		if (seen)
			break;  /* a CNAME loop: stop where it closes */
		d->cnames[d->ncnames++] = next;
		cur = next;
	}
	d->canonical = cur;
	for (size_t i = 0; i < n; i++) {
		const dns_rr *r = &d->rrs[i];
		if (r->section != DNS_SEC_ANSWER)
			continue;
		bool is_addr = (r->type == DNS_T_A || r->type == DNS_T_AAAA) && r->addr.family;
		if (is_addr && !g_ascii_strcasecmp(r->name, cur))
			d->addrs[d->naddrs++] = r->addr;
		else if (r->type == DNS_T_PTR && r->target && !g_ascii_strcasecmp(r->name, d->qname))
			d->ptrs[d->nptrs++] = r->target;
	}
	if (!d->nptrs || !dnsname_reverse_addr(d->qname, &d->ptr_addr))
		d->ptr_addr.family = 0;
}
