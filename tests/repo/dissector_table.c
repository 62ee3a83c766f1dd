/* What the table of dissectors (decoder/dissectors.def) generated, as the
 * program sees it at run time, for tests/repo/dissector_table.py:
 *
 *   dissector_table table          one line per dissector and per event kind
 *   dissector_table match P PORT   "yes"/"no": does the live default filter
 *                                  capture a P (tcp|udp) packet to PORT?
 *
 * The Python side compares this with what the sources declare. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoder/dispatch.h"
#include "decoder/engine.h"

static void ports(const uint16_t *p, size_t n)
{
	const char *sep = "";
	for (size_t i = 0; i < n && p[i]; i++, sep = ",")
		printf("%s%u", sep, p[i]);
	if (!n || !p[0])
		printf("-");
}

static int table(void)
{
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		printf("dissector %s %u %u ", d->name, d->ipproto, d->also_ipproto);
		ports(d->ports, sizeof(d->ports) / sizeof(d->ports[0]));
		printf(" ");
		ports(d->tls_ports, sizeof(d->tls_ports) / sizeof(d->tls_ports[0]));
		printf("\n");
	}
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		const char *dis = ev_kind_dissector((ev_kind)k);
		printf("kind %s %s %s\n", ev_kind_name((ev_kind)k), dis ? dis : "-",
		       ev_lane_name(ev_kind_lane((ev_kind)k)));
	}
	printf("filter %s\n", engine_default_filter());
	return 0;
}

/* An Ethernet + IPv4 + TCP/UDP packet from 10.0.0.9:40000 to 10.0.0.5:port. */
static size_t packet(uint8_t *b, bool tcp, unsigned port)
{
	memset(b, 0, 64);
	b[12] = 0x08;                       /* EtherType IPv4 */
	uint8_t *ip = b + 14;
	ip[0] = 0x45;
	ip[3] = tcp ? 40 : 28;              /* total length */
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	memcpy(ip + 12, (uint8_t[]){10, 0, 0, 9, 10, 0, 0, 5}, 8);
	uint8_t *l4 = ip + 20;
	l4[0] = 40000 >> 8;
	l4[1] = 40000 & 0xff;
	l4[2] = (uint8_t)(port >> 8);
	l4[3] = (uint8_t)port;
	if (tcp)
		l4[12] = 5 << 4;                /* data offset */
	else
		l4[5] = 8;                      /* UDP length */
	return 14 + (tcp ? 40u : 28u);
}

static int match(const char *proto, const char *port)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	if (pcap_compile(dead, &prog, engine_default_filter(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "the default filter does not compile: %s\n", pcap_geterr(dead));
		return 2;
	}
	uint8_t b[64];
	struct pcap_pkthdr h = {0};
	h.caplen = h.len = (bpf_u_int32)packet(b, strcmp(proto, "tcp") == 0, (unsigned)atoi(port));
	printf("%s\n", pcap_offline_filter(&prog, &h, b) ? "yes" : "no");
	pcap_freecode(&prog);
	pcap_close(dead);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "table") == 0)
		return table();
	if (argc == 4 && strcmp(argv[1], "match") == 0)
		return match(argv[2], argv[3]);
	fprintf(stderr, "usage: dissector_table table | match tcp|udp PORT\n");
	return 2;
}
