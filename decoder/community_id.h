/* Community ID v1 (github.com/corelight/community-id-spec): the flow hash
 * Zeek, Suricata, tshark and Elastic compute, so records of one connection
 * from different tools and sensors join on one string. */
#ifndef AMT_COMMUNITY_ID_H
#define AMT_COMMUNITY_ID_H
#include <stdint.h>

#include "addr.h"

#define COMMUNITY_ID_LEN 32  /* "1:" + 28 base64 characters + NUL, rounded up */

/* "1:<base64 SHA-1>" of the flow's endpoints, seed 0 as the tools default
 * to; empty when an address is not set. Either direction gives the same. */
void community_id_v1(char out[COMMUNITY_ID_LEN], uint8_t ipproto, const amt_addr *a, uint16_t aport,
		     const amt_addr *b, uint16_t bport);

#endif
