/* \summary: link layers (Ethernet + VLAN, Linux SLL/SLL2, NFLOG, PPP and PPP
 * in HDLC framing, raw IP, BSD loopback), IPv4 (options, fragments), IPv6
 * (extension headers, fragments), TCP, UDP. */
#include "packet.h"

#include <pcap/dlt.h>
#include <string.h>

#include "wire.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_NFLOG
#define DLT_NFLOG 239
#endif
#ifndef DLT_PPP_SERIAL
#define DLT_PPP_SERIAL 50
#endif

bool pkt_linktype_supported(int lt)
{
	switch (lt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW: case 101:
	case DLT_IPV4: case DLT_IPV6: case DLT_NULL: case DLT_LOOP:
	case 14: case DLT_NFLOG: case DLT_PPP: case DLT_PPP_SERIAL:
		return true;
	}
	return false;
}

static pkt_status malformed(pkt *out, const char *why)
{
	out->why = why;
	return PKT_MALFORMED;
}

static pkt_status transport(const uint8_t *p, uint32_t avail, uint32_t declared, pkt *out)
{
	wire w = wire_init(p, avail);
	if (out->ipproto == 6) {
		out->sport = wire_u16be(&w);
		out->dport = wire_u16be(&w);
		out->seq = wire_u32be(&w);
		out->ack = wire_u32be(&w);
		uint8_t off = wire_u8(&w) >> 4;
		out->tcp_flags = wire_u8(&w);
		if (w.err)
			return malformed(out, "TCP header truncated");
		uint32_t hl = off * 4u;
		if (hl < 20)
			return malformed(out, "TCP data offset below 20");
		if (hl > avail)
			return malformed(out, "TCP options truncated");
		out->payload = p + hl;
		out->payload_len = avail - hl;
		out->payload_missing = declared > avail ? declared - avail : 0;
		if (declared < hl)
			return malformed(out, "TCP header longer than the IP payload");
		return PKT_OK;
	}
	if (out->ipproto == 17) {
		out->sport = wire_u16be(&w);
		out->dport = wire_u16be(&w);
		uint16_t ulen = wire_u16be(&w);
		wire_skip(&w, 2);
		if (w.err)
			return malformed(out, "UDP header truncated");
		if (ulen < 8)
			return malformed(out, "UDP length below 8");
		/* trust the smaller of UDP and IP lengths */
		uint32_t len = ulen < declared ? ulen : declared;
		out->payload = p + 8;
		out->payload_len = (len < avail ? len : avail) - 8;
		out->payload_missing = len > avail ? len - avail : 0;
		return PKT_OK;
	}
	return PKT_NOT_TCPUDP;
}

static pkt_status ipv4(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	uint8_t vihl = wire_u8(&w);
	wire_skip(&w, 1);
	uint16_t total = wire_u16be(&w);
	uint16_t id = wire_u16be(&w);
	uint16_t frag = wire_u16be(&w);
	wire_skip(&w, 1);
	out->ipproto = wire_u8(&w);
	wire_skip(&w, 2);
	const uint8_t *s = wire_bytes(&w, 4), *d = wire_bytes(&w, 4);
	if (w.err)
		return malformed(out, "IPv4 header truncated");
	uint32_t hl = (vihl & 15) * 4u;
	if (hl < 20)
		return malformed(out, "IPv4 header length below 20");
	if (total < hl)
		return malformed(out, "IPv4 total length below header length");
	if (hl > len)
		return malformed(out, "IPv4 options truncated");
	out->src = amt_addr_v4(s);
	out->dst = amt_addr_v4(d);
	uint32_t avail = (total < len ? total : len);
	out->ip_start = p;
	out->ip_len = avail;
	out->frag_id = id;
	out->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	out->frag_more = (frag & 0x2000) != 0;
	if (out->frag_more || out->frag_off)
		return PKT_FRAGMENT;
	return transport(p + hl, avail - hl, total - hl, out);
}

static pkt_status ipv6(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	wire_skip(&w, 4);
	uint16_t plen = wire_u16be(&w);
	uint8_t next = wire_u8(&w);
	wire_skip(&w, 1);
	const uint8_t *s = wire_bytes(&w, 16), *d = wire_bytes(&w, 16);
	if (w.err)
		return malformed(out, "IPv6 header truncated");
	out->src = amt_addr_v6(s);
	out->dst = amt_addr_v6(d);
	uint32_t declared = plen;
	/* walk extension headers; a bounded number of them */
	for (int i = 0; i < 16; i++) {
		switch (next) {
		case 0: case 43: case 60: case 135: case 139: case 140: { /* hop-by-hop, routing, dest opts, ... */
			size_t at = w.pos;
			uint8_t nh = wire_u8(&w);
			uint8_t hlen = wire_u8(&w);
			wire_skip(&w, (size_t)hlen * 8 + 6);
			if (w.err)
				return malformed(out, "IPv6 extension header truncated");
			uint32_t used = (uint32_t)(w.pos - at);
			if (used > declared)
				return malformed(out, "IPv6 extension headers longer than the payload");
			declared -= used;
			next = nh;
			continue;
		}
		case 44: { /* Fragment (RFC 8200 §4.5): reassembled by ipfrag */
			uint8_t nh = wire_u8(&w);
			wire_skip(&w, 1);
			uint16_t offm = wire_u16be(&w);
			uint32_t id = wire_u32be(&w);
			if (w.err)
				return malformed(out, "IPv6 fragment header truncated");
			if (declared < 8)
				return malformed(out, "IPv6 fragment header longer than the payload");
			declared -= 8;
			uint32_t off = (uint32_t)(offm >> 3) * 8u;
			bool more = (offm & 1) != 0;
			if (off == 0 && !more) { /* atomic fragment (RFC 6946): the whole datagram */
				next = nh;
				continue;
			}
			uint32_t have = (uint32_t)wire_left(&w);
			out->ipproto = 44;
			out->ip_start = p;
			out->ip_len = len;
			out->frag_v6 = true;
			out->frag_id = id;
			out->frag_off = (uint16_t)off;
			out->frag_more = more;
			out->frag_next = nh;
			out->frag_data = p + w.pos;
			out->frag_len = have < declared ? have : declared;
			return PKT_FRAGMENT;
		}
		case 51: { /* AH: length in 4-byte units + 2 */
			size_t at = w.pos;
			uint8_t nh = wire_u8(&w);
			uint8_t hlen = wire_u8(&w);
			wire_skip(&w, ((size_t)hlen + 2) * 4 - 2);
			if (w.err)
				return malformed(out, "IPv6 AH truncated");
			uint32_t used = (uint32_t)(w.pos - at);
			if (used > declared)
				return malformed(out, "IPv6 AH longer than the payload");
			declared -= used;
			next = nh;
			continue;
		}
		default:
			break;
		}
		break;
	}
	if (next == 44)
		return malformed(out, "IPv6 extension header chain too long");
	out->ipproto = next;
	uint32_t avail = (uint32_t)wire_left(&w);
	if (avail > declared)
		avail = declared;
	return transport(p + w.pos, avail, declared, out);
}

pkt_status pkt_decode_ip(const uint8_t *p, uint32_t len, pkt *out)
{
	if (len < 1)
		return malformed(out, "empty IP packet");
	switch (p[0] >> 4) {
	case 4: return ipv4(p, len, out);
	case 6: return ipv6(p, len, out);
	}
	return malformed(out, "IP version is neither 4 nor 6");
}

static pkt_status by_ethertype(uint16_t et, const uint8_t *p, uint32_t len, pkt *out)
{
	if (et == 0x0800 || et == 0x86dd)
		return pkt_decode_ip(p, len, out);
	return PKT_NOT_IP;
}

static pkt_status ethernet(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	wire_skip(&w, 12);
	uint16_t et = wire_u16be(&w);
	/* 802.1Q, 802.1ad and the old QinQ type; stacked tags allowed */
	for (int i = 0; i < 4 && (et == 0x8100 || et == 0x88a8 || et == 0x9100); i++) {
		uint16_t tci = wire_u16be(&w);
		if (!out->vlan)
			out->vlan = tci & 0x0fff;
		et = wire_u16be(&w);
	}
	if (w.err)
		return malformed(out, "Ethernet header truncated");
	if (et < 0x0600)
		return PKT_NOT_IP; /* 802.3 length: LLC, not IP */
	return by_ethertype(et, p + w.pos, (uint32_t)wire_left(&w), out);
}

static pkt_status null_loop(const uint8_t *p, uint32_t len, bool big_endian, pkt *out)
{
	wire w = wire_init(p, len);
	uint32_t fam = big_endian ? wire_peek_u32be(&w, 0) : wire_peek_u32le(&w, 0);
	if (w.err)
		return malformed(out, "loopback header truncated");
	/* DLT_NULL is in the capturing host's byte order: accept both */
	if (!big_endian && fam > 0xffff)
		fam = wire_peek_u32be(&w, 0);
	switch (fam) {
	case 2: case 10: case 24: case 28: case 30:
		return pkt_decode_ip(p + 4, len - 4, out);
	}
	return PKT_NOT_IP;
}

/* PPP (RFC 1661): an optional address/control pair 0xff 0x03 (RFC 1662
 * HDLC-like framing), then the protocol, one byte when compressed (odd). */
static pkt_status ppp(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03)
		wire_skip(&w, 2);
	uint16_t proto = wire_peek_u8(&w, 0) & 1 ? wire_u8(&w) : wire_u16be(&w);
	if (w.err)
		return malformed(out, "PPP header truncated");
	const uint8_t *ip = p + w.pos;
	uint32_t n = (uint32_t)wire_left(&w);
	if (proto == 0x0021)
		return n && ip[0] >> 4 == 4 ? pkt_decode_ip(ip, n, out) : malformed(out, "PPP IPv4 packet is not IPv4");
	if (proto == 0x0057)
		return n && ip[0] >> 4 == 6 ? pkt_decode_ip(ip, n, out) : malformed(out, "PPP IPv6 packet is not IPv6");
	return PKT_NOT_IP;  /* LCP, IPCP, CHAP, ... */
}

/* DLT_PPP_SERIAL: PPP in HDLC-like framing, or Cisco HDLC (address 0x0f or
 * 0x8f, control 0, then an Ethernet type), as tcpdump reads it. */
static pkt_status ppp_serial(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	if (len >= 4 && (p[0] == 0x0f || p[0] == 0x8f) && p[1] == 0)
		return by_ethertype(wire_peek_u16be(&w, 2), p + 4, len - 4, out);
	return ppp(p, len, out);
}

/* NFLOG (Linux netfilter log): family, version, resource id, then TLVs
 * whose length and type are in the capturing host's byte order (tcpdump
 * reads them so); NFULA_PAYLOAD (9) holds the packet from its IP header. */
static pkt_status nflog(const uint8_t *p, uint32_t len, pkt *out)
{
	wire w = wire_init(p, len);
	uint8_t family = wire_u8(&w);
	uint8_t version = wire_u8(&w);
	wire_skip(&w, 2);
	if (w.err)
		return malformed(out, "NFLOG header truncated");
	if (version != 0)
		return malformed(out, "NFLOG header version is not 0");
	bool big = false, decided = false;
	for (int i = 0; i < 64 && wire_left(&w) >= 4; i++) {
		size_t at = w.pos;
		uint16_t lb = wire_peek_u16be(&w, 0), tb = wire_peek_u16be(&w, 2);
		uint16_t l = wire_u16le(&w), t = wire_u16le(&w);
		if (!decided) {  /* the first TLV's length tells the byte order */
			if ((l < 4 || l > len - at) && lb >= 4 && lb <= len - at)
				big = true;
			decided = true;
		}
		if (big) {
			l = lb;
			t = tb;
		}
		if (l < 4 || l > len - at)
			return malformed(out, "NFLOG TLV length past the frame");
		if (t == 9) {
			if (family != 2 && family != 10)
				return PKT_NOT_IP;
			return pkt_decode_ip(p + at + 4, l - 4u, out);
		}
		size_t next = at + (((size_t)l + 3) & ~(size_t)3);
		if (next > len)
			break;
		w.pos = next;
	}
	return PKT_NOT_IP;  /* a log entry without the packet */
}

pkt_status pkt_decode(int lt, const uint8_t *data, uint32_t caplen, pkt *out)
{
	memset(out, 0, sizeof(*out));
	switch (lt) {
	case DLT_EN10MB:
		return ethernet(data, caplen, out);
	case DLT_LINUX_SLL: {
		wire w = wire_init(data, caplen);
		wire_skip(&w, 14);
		uint16_t proto = wire_u16be(&w);
		if (w.err)
			return malformed(out, "Linux cooked header truncated");
		return by_ethertype(proto, data + 16, caplen - 16, out);
	}
	case DLT_LINUX_SLL2: {
		wire w = wire_init(data, caplen);
		uint16_t proto = wire_u16be(&w);
		wire_skip(&w, 18);
		if (w.err)
			return malformed(out, "Linux cooked v2 header truncated");
		return by_ethertype(proto, data + 20, caplen - 20, out);
	}
	case DLT_RAW: case 101: case 14: case DLT_IPV4: case DLT_IPV6:
		return pkt_decode_ip(data, caplen, out);
	case DLT_NULL:
		return null_loop(data, caplen, false, out);
	case DLT_LOOP:
		return null_loop(data, caplen, true, out);
	case DLT_PPP:
		return ppp(data, caplen, out);
	case DLT_PPP_SERIAL:
		return ppp_serial(data, caplen, out);
	case DLT_NFLOG:
		return nflog(data, caplen, out);
	}
	return PKT_UNSUPPORTED_LINK;
}
