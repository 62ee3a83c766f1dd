/* The device table: one record per host, merging what every source says
 * about it. A fact is (kind, value, source, evidence, time). Devices are
 * found by IP, UUID, MAC or FQDN; when a fact links two records (a hello
 * gives the UUID of an IP already known under another record) they are
 * merged: dev_resolve() follows merges, so a pointer a rule kept stays
 * usable. Later dissectors add facts without changing this file. */
#ifndef AMT_DEVICES_H
#define AMT_DEVICES_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/addr.h"
#include "../decoder/hash.h"
#include "findings.h"

typedef enum fact_kind {
	FACT_IP,            /* "10.0.0.5"; typed: as.addr */
	FACT_FQDN,          /* "amt-07.corp.example" (lower case) */
	FACT_HOSTNAME,      /* short host name (DHCP 12, AMT_GeneralSettings.HostName) */
	FACT_DOMAIN,        /* DNS domain of the device (DHCP 15, AMT DomainName, ...) */
	FACT_UUID,          /* "939b524b-13d4-1d18-e487-1c697a6b7a2b" */
	FACT_MAC,           /* "aa:bb:cc:dd:ee:ff" */
	FACT_AMT_VERSION,   /* "15.0.23" */
	FACT_PROV_STATE,    /* "pre", "in", "post" */
	FACT_PROV_MODE,     /* "admin", "client" */
	FACT_CONTROL_MODE,
	FACT_ROOT_HASH,     /* root hash announced in a hello; typed: as.hash ("sha256:<hex>" the text) */
	FACT_CERT,          /* certificate subject seen for this host (fingerprint in source) */
	FACT_PROV_DOMAIN,   /* domain suffix of a provisioning certificate offered to this device */
	FACT_TLS,           /* TLS settings / open ports ("16993") */
	FACT_NOTE,          /* anything else worth showing */
	FACT_KIND_COUNT
} fact_kind;

const char *fact_kind_name(fact_kind k);

enum device_role {
	ROLE_AMT = 1u << 0,
	ROLE_SETUP_SERVICE = 1u << 1,
	ROLE_CONSOLE = 1u << 2,
	ROLE_DNS_SERVER = 1u << 3,
	ROLE_DHCP_SERVER = 1u << 4,
	ROLE_CLIENT = 1u << 5,
};
#define ROLE_COUNT 6
#define DEV_MAX_FACTS 256  /* facts kept per device (docs/robustness.md) */
const char *role_name(unsigned role_bit);

/* The value of a fact as a type, for the kinds a rule compares: readers
 * use it and never parse the text again. */
typedef union fact_typed {
	amt_addr addr;   /* FACT_IP (family 0 if the text was no address) */
	amt_hash hash;   /* FACT_ROOT_HASH */
} fact_typed;

typedef struct fact {
	fact_kind kind;
	char *value;    /* the text reports print */
	char *source;   /* "dns", "dhcp.12", "hello", "tls.cert", "wsman", "log", ... */
	evidence ev;
	int64_t ts;
	fact_typed as;
} fact;

typedef struct device {
	uint32_t id;           /* 1-based, in order of creation */
	unsigned roles;
	GArray *facts;         /* fact */
	struct device *merged_into;
} device;

typedef struct devtab {
	GPtrArray *all;        /* device*, merged ones included */
	GHashTable *by_ip, *by_uuid, *by_mac; /* value -> device* */
	GHashTable *by_fqdn;   /* lower-case fqdn -> GPtrArray of device* */
} devtab;

void devtab_init(devtab *t);
void devtab_free(devtab *t);

device *dev_resolve(device *d);
device *dev_by_ip(devtab *t, const amt_addr *ip, bool create);
device *dev_by_ip_str(devtab *t, const char *ip, bool create);
device *dev_by_uuid(devtab *t, const char *uuid, bool create);
device *dev_by_mac(devtab *t, const char *mac, bool create);
/* Devices claiming this FQDN (case-insensitive); NULL-safe count out. */
GPtrArray *dev_by_fqdn(devtab *t, const char *fqdn);

/* Adds a fact unless the same kind+value is already there (the first
 * evidence is kept). FACT_IP/UUID/MAC link records and may merge them. A
 * FACT_IP given as text is typed here, where it enters the table.
 * Returns the (resolved) device the fact ended up on. */
device *dev_fact(devtab *t, device *d, fact_kind k, const char *value, const char *source,
		 evidence ev, int64_t ts);
/* The same for typed values: the text is made from them (the address;
 * "sha256:<hex>" for a hash). */
device *dev_fact_addr(devtab *t, device *d, const amt_addr *ip, const char *source, evidence ev, int64_t ts);
device *dev_fact_hash(devtab *t, device *d, fact_kind k, const amt_hash *h, const char *source,
		      evidence ev, int64_t ts);
void dev_role(device *d, unsigned roles);

const fact *dev_first(const device *d, fact_kind k);
/* The most trustworthy fact of a kind: what the device says of itself (WS-Man,
 * DHCP, its certificate, logs) before what DNS says of it. */
const fact *dev_best(const device *d, fact_kind k);
bool dev_has(const device *d, fact_kind k, const char *value); /* case-insensitive */
/* The label reports and findings use: first IP, else best FQDN, else UUID, else MAC. */
const char *dev_label(const device *d);
/* Live (not merged) devices in creation order. Caller frees the array. */
GPtrArray *devtab_list(const devtab *t);

#endif
