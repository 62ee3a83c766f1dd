/* The one place that names every dissector: the table in dissectors.def.
 * Ports first (a table lookup), then the heuristics of each dissector that
 * has a probe, in the table's order. */
#include "dispatch.h"

#include <string.h>

#define DISSECTOR(dis, lane, kinds) extern const dissector dissector_##dis;
#include "dissectors.def"
#undef DISSECTOR

/* Probe order matters: the strictest signatures first. */
const dissector *const amt_dissectors[] = {
#define DISSECTOR(dis, lane, kinds) &dissector_##dis,
#include "dissectors.def"
#undef DISSECTOR
	NULL,
};

static bool claims_port(const dissector *d, uint16_t port)
{
	for (size_t j = 0; j < sizeof(d->ports) / sizeof(d->ports[0]) && d->ports[j]; j++)
		if (d->ports[j] == port)
			return true;
	return false;
}

/* also: match the dissectors that run on this transport as their second */
static const dissector *by_port(uint8_t ipproto, uint16_t port, bool also)
{
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		if ((also ? d->also_ipproto : d->ipproto) == ipproto && claims_port(d, port))
			return d;
	}
	return NULL;
}

/* A dissector's own transport wins over another's second one, on either
 * port (DNS over TCP shares the UDP dissector: it knows the length prefix). */
const dissector *dispatch_by_port(uint8_t ipproto, uint16_t sport, uint16_t cport)
{
	const dissector *d = by_port(ipproto, sport, false);
	if (!d)
		d = by_port(ipproto, cport, false);
	if (!d)
		d = by_port(ipproto, sport, true);
	if (!d)
		d = by_port(ipproto, cport, true);
	return d;
}

bool dispatch_known_port(uint8_t ipproto, uint16_t port)
{
	for (size_t i = 0; amt_dissectors[i]; i++) {
		const dissector *d = amt_dissectors[i];
		if ((d->ipproto == ipproto || d->also_ipproto == ipproto) && claims_port(d, port))
			return true;
	}
	return false;
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
