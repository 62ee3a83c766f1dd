/* Link, IP and transport headers of one frame. */
#ifndef AMT_PACKET_H
#define AMT_PACKET_H
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

typedef enum pkt_status {
	PKT_OK,
	PKT_NOT_IP,       /* ARP, LLDP, ... */
	PKT_NOT_TCPUDP,   /* ICMP, ... */
	PKT_FRAGMENT,     /* a fragment: see ipfrag */
	PKT_MALFORMED,
	PKT_UNSUPPORTED_LINK,
} pkt_status;

typedef struct pkt {
	uint16_t vlan;
	amt_addr src, dst;
	uint8_t ipproto;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	const uint8_t *payload;
	uint32_t payload_len;      /* bytes present in the capture */
	uint32_t payload_missing;  /* bytes the headers announce but the capture cut */
	/* fragment info (PKT_FRAGMENT) */
	const uint8_t *ip_start;   /* the IPv4 or IPv6 header */
	uint32_t ip_len;           /* bytes of the IP datagram present */
	uint32_t frag_id;          /* IPv4: 16 bits; IPv6: the Fragment header's 32 */
	uint16_t frag_off;         /* offset in bytes */
	bool frag_more;
	bool frag_v6;
	uint8_t frag_next;         /* IPv6: the fragmented protocol */
	const uint8_t *frag_data;  /* IPv6: this fragment's fragmentable part */
	uint32_t frag_len;
	const char *why;           /* PKT_MALFORMED: what was wrong */
} pkt;

/* Decodes a frame of this DLT link type. */
pkt_status pkt_decode(int linktype, const uint8_t *data, uint32_t caplen, pkt *out);
/* Decodes an IPv4 or IPv6 datagram (after reassembly, or for raw links). */
pkt_status pkt_decode_ip(const uint8_t *p, uint32_t len, pkt *out);
bool pkt_linktype_supported(int linktype);

#endif
