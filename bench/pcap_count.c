/* The floor of the benchmark: libpcap reading a capture and counting its
 * packets and bytes, with nothing else done per packet. Prints
 * "PACKETS BYTES" on stdout. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

typedef struct totals {
	uint64_t packets, bytes;
} totals;

static void count_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	(void)data;
	totals *t = (totals *)user;
	t->packets++;
	t->bytes += h->caplen;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_count CAPTURE\n");
		return 2;
	}
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "pcap_count: %s\n", errbuf);
		return 2;
	}
	totals t = {0, 0};
	int rc = pcap_loop(p, -1, count_packet, (u_char *)&t);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "pcap_count: %s\n", pcap_geterr(p));
	pcap_close(p);
	printf("%llu %llu\n", (unsigned long long)t.packets, (unsigned long long)t.bytes);
	return rc == PCAP_ERROR ? 1 : 0;
}
