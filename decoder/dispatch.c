/* The one place that names every dissector. Ports first (a table lookup),
 * then the heuristics of each dissector that has a probe. */
#include "dispatch.h"

#include <string.h>

extern const dissector dissector_dns, dissector_dhcp, dissector_hello, dissector_redir,
	dissector_rmcp, dissector_http, dissector_tls, dissector_starttls;

/* Probe order matters: the strictest signatures first. */
const dissector *const amt_dissectors[] = {
	&dissector_tls,
	&dissector_redir,
	&dissector_http,
	&dissector_hello,
	&dissector_dns,
	&dissector_dhcp,
	&dissector_rmcp,
	&dissector_starttls,
	NULL,
};

static const dissector *by_port(uint8_t ipproto, uint16_t port)
{
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		if (d->ipproto != ipproto)
			continue;
		for (size_t j = 0; j < sizeof(d->ports) / sizeof(d->ports[0]) && d->ports[j]; j++)
			if (d->ports[j] == port)
				return d;
	}
	return NULL;
}

/* DNS over TCP shares the UDP dissector: it knows the length prefix. */
const dissector *dispatch_by_port(uint8_t ipproto, uint16_t sport, uint16_t cport)
{
	const dissector *d = by_port(ipproto, sport);
	if (!d)
		d = by_port(ipproto, cport);
	if (!d && ipproto == 6 && (sport == 53 || cport == 53))
		d = &dissector_dns;
	return d;
}

bool dispatch_known_port(uint8_t ipproto, uint16_t port)
{
	return by_port(ipproto, port) != NULL || port == 53;
}

const dissector *dispatch_by_probe(uint8_t ipproto, const uint8_t *p, size_t len, uint8_t dir,
				   bool *more)
{
	*more = false;
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		if (d->ipproto != ipproto || !d->probe)
			continue;
		probe_result r = d->probe(p, len, dir);
		if (r == PROBE_YES)
			return d;
		if (r == PROBE_MORE)
			*more = true;
	}
	return NULL;
}

const dissector *dispatch_inner(uint16_t sport)
{
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		for (size_t j = 0; j < sizeof(d->tls_ports) / sizeof(d->tls_ports[0]) && d->tls_ports[j]; j++)
			if (d->tls_ports[j] == sport)
				return d;
	}
	return NULL;
}

const dissector *dispatch_by_name(const char *name)
{
	for (size_t i = 0; amt_dissectors[i]; i++)
		if (strcmp(amt_dissectors[i]->name, name) == 0)
			return amt_dissectors[i];
	return NULL;
}
