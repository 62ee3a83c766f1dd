/* `amtscope check`: the active pre-deployment check. The probes
 * (check_run.c) ask DNS and connect to the setup service and the devices;
 * the verdicts (check_judge.c, check_prov.c) are findings in the same
 * analysis `analyze` uses, so reports, formats and exit codes are shared. */
#ifndef AMT_CHECK_H
#define AMT_CHECK_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/amt_ports.h"
#include "../rules/rule.h"
#include "dnsclient.h"
#include "probe.h"
#include "wsman_get.h"

#define CHECK_SCS_PORT AMT_PORT_HELLO
#define CHECK_MAX_ADDRS 8      /* addresses probed per name */
#define CHECK_MAX_DEVICES 4096

typedef struct check_opts {
	const char *domain;
	const char *dns_server;   /* address literal */
	uint16_t dns_port;
	const char *scs_host;     /* name or address */
	uint16_t scs_port;
	const char *ca_file, *prov_cert, *amt_hashes;
	bool no_system_ca;        /* --no-system-ca */
	const char *prov_password;  /* NULL: none given */
	const char *user;         /* --user: read AMT's settings with this account */
	const char *amt_password;
	GPtrArray *devices;       /* const char* FQDNs */
	int timeout_ms;
	int parallel;
	int64_t now_us;
	bool progress;            /* one updating line on stderr */
} check_opts;

/* One name asked of one resolver. */
typedef struct lookup {
	char *name;
	bool direct;              /* asked of --dns, else the system resolver */
	dnsq_result r;
} lookup;

typedef struct port_probe {
	char *addr;
	uint16_t port;
	bool udp;
	port_state st;
	char *detail;
} port_probe;

typedef struct device_probe {
	char *fqdn;
	GPtrArray *fwd;           /* lookup*: system, then direct */
	GPtrArray *addrs;         /* char*: every address the lookups gave */
	GPtrArray *rev;           /* lookup*: name = the address */
	GPtrArray *ports;         /* port_probe* of addrs[0] */
	bool tls_tried, tls_ok;
	GPtrArray *chain;         /* GBytes DER, as the device sent it */
	char *tls_version, *tls_detail;
	int64_t tls_ts;
	bool wsman_tried;
	uint16_t wsman_port;
	wsman_reply general, setup; /* AMT_GeneralSettings, AMT_SetupAndConfigurationService */
} device_probe;

typedef struct scs_probe {
	GPtrArray *lookups;       /* lookup*: ProvisionServer.<domain>, ProvisionServer; system then direct */
	lookup *scs_lookup;       /* --scs HOST when it is a name */
	GPtrArray *scs_addrs;     /* char*: --scs addresses */
	GPtrArray *ports;         /* port_probe*: the setup service port at each address */
} scs_probe;

typedef struct check_state {
	const check_opts *o;
	scs_probe scs;
	GPtrArray *devices;       /* device_probe* in the order given */
} check_state;

/* Progress on stderr (a single rewritten line; nothing when o->progress is false). */
void check_progress(const check_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_progress_done(const check_opts *o);

void check_state_init(check_state *st, const check_opts *o);
void check_state_free(check_state *st);
/* All network probes, bounded by o->timeout_ms per step and o->parallel. */
void check_probe_all(check_state *st);

/* Findings and device facts from the probes; TLS chains go through the
 * tls rule on an->run->bus, judged like captured ones. */
void check_judge(check_state *st, analysis *an);
/* The provisioning certificate file (--prov-cert); false when it could not
 * be read (the message went to stderr, an info finding says it). */
bool check_prov_cert(const check_opts *o, analysis *an);
/* What AMT said of itself (--user). */
void check_judge_settings(const check_opts *o, analysis *an, device_probe *d, device *dv, const char *label);
/* Findings about --domain itself (non-public suffixes). */
void check_domain(const check_opts *o, analysis *an);

/* Is the last label of domain one no public CA issues for (.local, .corp, ...)? */
bool check_domain_non_public(const char *domain);
/* Does a certificate vouching for cert_domain cover devices in domain? */
bool check_domain_covered(const char *domain, const char *cert_domain);

#endif
