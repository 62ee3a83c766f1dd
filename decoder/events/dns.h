/* Payloads of EV_DNS_QUERY, EV_DNS_ANSWER and EV_DNS_FAILURE (dissectors/dns.c).
 * Names are dotted, without the trailing dot, as they were on the wire (case
 * kept); "" is the root. Everything lives in the event's arena. */
#ifndef AMT_EV_DNS_H
#define AMT_EV_DNS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../addr.h"

enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33, DNS_T_OPT = 41,
	DNS_T_ANY = 255,
};
enum { DNS_OP_QUERY = 0, DNS_OP_NOTIFY = 4, DNS_OP_UPDATE = 5 };
/* RFC 2136: class NONE deletes an RR, ANY an RRset or a name */
enum { DNS_C_IN = 1, DNS_C_NONE = 254, DNS_C_ANY = 255 };
enum {
	DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5,
};

/* In an UPDATE (RFC 2136 §2) the sections are zone, prerequisite, update,
 * additional: ANSWER holds the prerequisites, AUTHORITY the updates. */
typedef enum dns_section { DNS_SEC_ANSWER, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL } dns_section;

typedef struct dns_rr {
	dns_section section;
	const char *name;
	uint16_t type, rclass;
	uint32_t ttl;
	amt_addr addr;        /* A / AAAA (family 0 otherwise) */
	const char *target;   /* CNAME, PTR, NS, SRV target, MX exchange, SOA mname */
	const char *text;     /* rdata as text (any type), for reports */
	uint16_t rdlen;
	uint16_t srv_priority, srv_weight, srv_port;
	const char *soa_rname;
	uint32_t soa_serial;
	const char **txt;     /* TXT: each character-string */
	size_t ntxt;
	const char *rdata_problem;  /* rdata not as its type says (the record is kept) */
} dns_rr;

typedef enum dns_failure {
	DNS_FAIL_NONE,        /* EV_DNS_QUERY / EV_DNS_ANSWER */
	DNS_FAIL_RCODE,       /* response with rcode != NOERROR (NXDOMAIN, SERVFAIL, REFUSED...) */
	DNS_FAIL_NO_ANSWER,   /* no response within cfg->dns_timeout_us or before the flow ended */
} dns_failure;

typedef struct ev_dns {
	uint16_t id;
	bool response, authoritative, truncated, tcp;
	uint8_t opcode;
	uint8_t rcode;          /* responses */
	const char *qname;      /* first question; NULL if none */
	uint16_t qtype, qclass;
	uint16_t qdcount, ancount, nscount, arcount;  /* as in the header */
	dns_rr *rrs;            /* decoded records of all sections, in order */
	size_t nrrs;
	/* The answer as a resolver sees it, following CNAMEs from qname:
	 * cnames[0] is qname's target, ..., canonical the last name; addrs the
	 * A/AAAA records owned by canonical; ptrs the PTR targets of qname. */
	const char **cnames;
	size_t ncnames;
	const char *canonical;
	amt_addr *addrs;
	size_t naddrs;
	const char **ptrs;
	size_t nptrs;
	amt_addr ptr_addr;      /* with ptrs: the address qname (in-addr.arpa / ip6.arpa) stands for; family 0 if none */
	dns_failure failure;
	uint32_t query_frame;   /* responses/failures: frame of the query (0: not seen) */
	int64_t query_ts;
	amt_addr client, server;  /* who asked, who was asked */
} ev_dns;

const char *dns_type_name(uint16_t t);   /* IANA mnemonic: "A", "SSHFP", ..., or NULL */
const char *dns_opcode_name(uint8_t op); /* "Standard query", "Dynamic update", ... */
const char *dns_class_name(uint16_t c);  /* "IN", "NONE", "ANY", ... or NULL */
const char *dns_rcode_name(uint8_t rc);  /* "No such name", ... */

#endif
