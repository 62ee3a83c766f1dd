/* IPv4 and IPv6 fragment reassembly, bounded in datagrams held and in time. */
#ifndef AMT_IPFRAG_H
#define AMT_IPFRAG_H
#include <stdbool.h>
#include <stdint.h>

typedef struct ipfrag_table ipfrag_table;

typedef enum ipfrag_result {
	IPFRAG_HELD,      /* kept until the datagram is complete */
	IPFRAG_DONE,      /* the datagram is complete: see out/outlen */
	IPFRAG_REFUSED,   /* overlapping IPv6 fragments: the datagram is discarded (RFC 5722) */
	IPFRAG_IGNORED,   /* malformed, or past 65535 bytes */
} ipfrag_result;

/* One IPv6 fragment as pkt_decode found it (RFC 8200 §4.5). */
typedef struct ipfrag6 {
	const uint8_t *ip6;     /* the IPv6 header (its first 40 bytes are read) */
	uint32_t id;
	uint32_t off;           /* bytes */
	bool more;
	uint8_t next;           /* the Fragment header's Next Header */
	const uint8_t *data;    /* the fragmentable part of this fragment */
	uint32_t len;
} ipfrag6;

ipfrag_table *ipfrag_new(uint32_t max_datagrams);
void ipfrag_free(ipfrag_table *t);
/* Adds an IPv4 fragment (ip points at its IPv4 header, len bytes present).
 * IPFRAG_DONE: out and outlen point at the whole datagram with an
 * unfragmented header (valid until the next call). *dropped is set when an
 * old datagram had to be given up to make room (the caller counts a limit). */
ipfrag_result ipfrag_add(ipfrag_table *t, const uint8_t *ip, uint32_t len, int64_t now,
			 const uint8_t **out, uint32_t *outlen, bool *dropped);
/* The same for an IPv6 fragment; the datagram is rebuilt as an IPv6 header
 * whose Next Header is the fragmented protocol (the extension headers before
 * the Fragment header are left out). */
ipfrag_result ipfrag_add6(ipfrag_table *t, const ipfrag6 *f, int64_t now, const uint8_t **out,
			  uint32_t *outlen, bool *dropped);

#endif
