/* IPv4 fragment reassembly, bounded in datagrams held and in time. */
#ifndef AMT_IPFRAG_H
#define AMT_IPFRAG_H
#include <stdbool.h>
#include <stdint.h>

typedef struct ipfrag_table ipfrag_table;

ipfrag_table *ipfrag_new(uint32_t max_datagrams);
void ipfrag_free(ipfrag_table *t);
/* Adds a fragment (ip points at its IPv4 header, len bytes present). When
 * the datagram is complete, returns true with out and outlen pointing at the
 * whole datagram (valid until the next call). *dropped is set when an old
 * datagram had to be given up to make room (the caller counts a limit hit). */
bool ipfrag_add(ipfrag_table *t, const uint8_t *ip, uint32_t len, int64_t now,
		const uint8_t **out, uint32_t *outlen, bool *dropped);

#endif
