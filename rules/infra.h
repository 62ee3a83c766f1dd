/* State shared by rule_infra.c (what DNS, DHCP, hellos and flows said) and
 * infra_checks.c (the dns.* and dhcp.* findings drawn from it at the end). */
#ifndef AMT_RULE_INFRA_H
#define AMT_RULE_INFRA_H
#include <glib.h>

#include "../decoder/amt_ports.h"
#include "rule.h"

/* Everything a name resolved to, over all answers for it. */
typedef struct name_answer {
	GArray *addrs;       /* amt_addr, distinct */
	evidence ev;         /* the first answer */
} name_answer;

/* A name whose address lookups failed (and with what). */
typedef struct name_failure {
	GArray *ev;               /* evidence: queries and failed responses */
	GPtrArray *reasons;       /* char*: "No such name", "no response", ... */
	bool answered;            /* a server said so (not only silence, which a one-sided capture fakes) */
} name_failure;

/* What one client learnt about ProvisionServer. */
typedef struct ps_lookup {
	amt_addr client;
	GPtrArray *failed_names;  /* char*, distinct, as asked */
	GArray *failed_ev;        /* evidence: queries and failed responses */
	GPtrArray *reasons;       /* char*: "No such name", "no response", ... */
	GArray *addrs;            /* amt_addr it resolved to */
	GPtrArray *answered_names;
	GArray *answer_ev;        /* evidence of the answers */
	GPtrArray *servers;       /* char*: DNS servers asked */
	bool failure_answered;    /* some failure was an answer, not only silence */
} ps_lookup;

/* Connection attempts to a setup service port (TCP 9971) at one address. */
typedef struct svc_probe {
	bool answered;
	GArray *failed_ev;        /* evidence of refused / unanswered attempts */
	const char *how;          /* "refused (RST)" / "not answered" */
	bool refused;             /* a reset came back: seen, not inferred from silence */
} svc_probe;

/* The first PTR answer for an address: where, and the address itself. */
typedef struct ptr_seen {
	evidence ev;
	amt_addr ip;
} ptr_seen;

typedef struct infra_state {
	GHashTable *names;        /* lower-case name -> name_answer* */
	GHashTable *failed;       /* lower-case name -> name_failure* (address lookups) */
	GHashTable *ptrs;         /* address text -> GPtrArray of char* (PTR targets) */
	GHashTable *ptr_ev;       /* address text -> ptr_seen* */
	GHashTable *ps;           /* client address text -> ps_lookup* */
	GHashTable *svc;          /* address text -> svc_probe* */
	GHashTable *hello_dst;    /* address text -> evidence* of the first hello to it */
} infra_state;

#define SETUP_SERVICE_PORT AMT_PORT_HELLO

bool infra_is_provisionserver(const char *qname);
/* The zone a record for this name lives in: everything after the first label. */
const char *infra_zone_of(const char *fqdn);

void infra_check_provisionserver(infra_state *st, analysis *an);
void infra_check_fqdn(infra_state *st, analysis *an);
void infra_check_reverse(infra_state *st, analysis *an);
void infra_check_dhcp_domain(infra_state *st, analysis *an);
void infra_check_dhcp_domain_missing(infra_state *st, analysis *an);

#endif
