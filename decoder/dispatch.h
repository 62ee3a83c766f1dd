/* Which dissector runs on a flow: one table, in dispatch.c. */
#ifndef AMT_DISPATCH_H
#define AMT_DISPATCH_H
#include "dissector.h"

extern const dissector *const amt_dissectors[]; /* NULL-terminated */

/* By server port (then client port, for flows whose start was missed). */
const dissector *dispatch_by_port(uint8_t ipproto, uint16_t sport, uint16_t cport);
/* By looking at the first bytes of a stream; *more is set when the answer
 * may change with more bytes. */
const dissector *dispatch_by_probe(uint8_t ipproto, const uint8_t *p, size_t len, uint8_t dir,
				   bool *more);
/* The dissector that runs inside TLS on this server port. */
const dissector *dispatch_inner(uint16_t sport);
const dissector *dispatch_by_name(const char *name);
/* True when a port belongs to some dissector: used to guess the server side. */
bool dispatch_known_port(uint8_t ipproto, uint16_t port);

#endif
