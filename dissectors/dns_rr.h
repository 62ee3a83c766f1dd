/* DNS resource records: reading one from the wire, its fields, and the
 * resolver's view of an answer (CNAME chain, final addresses, PTRs). */
#ifndef AMT_DNS_RR_H
#define AMT_DNS_RR_H
#include <stddef.h>
#include <stdint.h>

#include "../decoder/arena.h"
#include "../decoder/event.h"
#include "../decoder/events/dns.h"

/* Reads the record at msg[*pos]; NULL on success, else what was wrong. */
const char *dns_rr_read(arena *a, const uint8_t *msg, size_t len, size_t *pos, dns_section sec,
			dns_rr *r);
void dns_rr_fields(event *e, const dns_rr *r);
/* Fills d->cnames/canonical/addrs/ptrs from d->qname and the answer section. */
void dns_resolve_chain(arena *a, ev_dns *d);

#endif
