/* Names of TLS protocol numbers: versions, alerts, cipher suites. */
#ifndef AMT_TLS_NAMES_H
#define AMT_TLS_NAMES_H
#include <stdint.h>

#include "../decoder/arena.h"
#include "../decoder/events/tls.h"

/* "TLS 1.2 (0x0303)" style text of a cipher suite: its IANA name when known. */
const char *tls_suite_text(arena *a, uint16_t suite);

/* Bytes of MAC after the data of a record protected by a NULL-cipher suite
 * (RFC 5246 and RFC 4785/5487/5489 suites that authenticate but do not
 * encrypt); 0 for every suite that encrypts. */
unsigned tls_null_suite_mac_len(uint16_t suite);

#endif
