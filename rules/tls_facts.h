/* Facts the TLS rule records on devices: each certificate a device sent
 * (FACT_CERT, once per device), and the name AMT's own server certificate
 * gives the device (FACT_FQDN from tls.cert), which the FQDN checks use. */
#ifndef AMT_TLS_FACTS_H
#define AMT_TLS_FACTS_H
#include "../decoder/events/tls.h"
#include "rule.h"

typedef struct tls_facts {
	GHashTable *cert_seen;   /* "device id/sha256" -> 1: its FACT_CERT is recorded */
	GHashTable *cert_text;   /* sha256 -> the text of its FACT_CERT */
} tls_facts;

void tls_facts_init(tls_facts *r);
void tls_facts_free(tls_facts *r);
void tls_facts_certs(tls_facts *r, analysis *an, device *d, const event *e, const ev_tls_certificates *m,
		     const char *source);
/* Returns the device, which the new fact may have merged with another. */
device *tls_facts_server_name(analysis *an, device *d, const event *e, const ev_tls_certificates *m);

#endif
