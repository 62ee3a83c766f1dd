/* DNS names on the wire (RFC 1035 4.1.4), shared by the DNS dissector and
 * DHCP options 81 and 119. Loop-proof: every compression pointer must point
 * strictly before the label that holds it, so a name can only walk
 * backwards and terminates. */
#ifndef AMT_DNSNAME_H
#define AMT_DNSNAME_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/addr.h"

#define DNSNAME_MAX 1024   /* text form, escapes included (wire max 255) */
#define DNSNAME_MAX_LABELS 128

typedef enum dnsname_status {
	DNSNAME_OK,
	DNSNAME_TRUNCATED,    /* a label or pointer runs past the end */
	DNSNAME_BAD_POINTER,  /* pointer forward, to itself, or out of the buffer */
	DNSNAME_TOO_LONG,     /* over 255 wire bytes or 128 labels */
	DNSNAME_BAD_LABEL,    /* label type 01/10 (obsolete/extended) */
} dnsname_status;

/* Reads the name at msg[*pos] into out (dotted, no trailing dot, "" for the
 * root; bytes outside [A-Za-z0-9-_*] printable ASCII become \DDD, dots inside
 * labels \.). *pos is advanced past the name in place (not past pointer
 * targets). allow_pointers = 0 for contexts without compression. */
dnsname_status dnsname_read(const uint8_t *msg, size_t len, size_t *pos, char *out,
			    size_t outlen, int allow_pointers);
const char *dnsname_status_text(dnsname_status s);
/* The address a reverse-lookup name stands for: 10.1.2.3 from
 * "3.2.1.10.in-addr.arpa" (any case), or the 32 nibbles of an ip6.arpa name;
 * false if the name is not one. */
bool dnsname_reverse_addr(const char *qname, amt_addr *out);

#endif
