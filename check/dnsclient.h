/* A small stub resolver for `amtscope check`: builds one DNS question,
 * parses the reply with the bounded wire cursor, follows CNAMEs (within a
 * reply and, when a reply stops at a CNAME, with a new question), and asks
 * over UDP with a deadline. Also the system resolver (getaddrinfo and
 * getnameinfo) bounded by the same deadline. */
#ifndef AMT_CHECK_DNSCLIENT_H
#define AMT_CHECK_DNSCLIENT_H
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNSQ_MAX_CNAMES 8
#define DNSQ_MAX_RECORDS 64

typedef enum dnsq_status {
	DNSQ_OK,          /* an answer with data */
	DNSQ_NXDOMAIN,    /* the name does not exist */
	DNSQ_NODATA,      /* the name exists, no record of the type */
	DNSQ_SERVFAIL,    /* any other rcode */
	DNSQ_TIMEOUT,     /* nothing came back in time */
	DNSQ_ERROR,       /* network error or a reply that could not be read */
} dnsq_status;

typedef struct dnsq_result {
	dnsq_status status;
	int rcode;           /* from the last reply, -1 when none */
	GPtrArray *cnames;   /* char*: the chain from the name asked (targets, in order) */
	GPtrArray *addrs;    /* char*: A/AAAA of the last name, text form */
	GPtrArray *ptrs;     /* char*: PTR targets */
	char *error;         /* what went wrong, when status is not OK */
} dnsq_result;

void dnsq_result_init(dnsq_result *r);
void dnsq_result_clear(dnsq_result *r);
const char *dnsq_status_text(dnsq_status s);

/* Writes a question (RD set) into buf; returns its length or 0 if the name
 * does not fit or is not a valid name. */
size_t dnsq_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);
/* Reads a reply to (id, name, qtype). Returns false when msg is not a reply
 * to that question (the caller keeps waiting) or cannot be read (*r->error
 * set, status DNSQ_ERROR). *next is set (g_free) when the reply stops at a
 * CNAME whose target has no record here, so another question is needed. */
bool dnsq_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint16_t qtype,
		dnsq_result *r, char **next);

/* Asks server (IPv4/IPv6 literal) on port for name/qtype, following CNAMEs;
 * the whole exchange ends by timeout_ms. */
void dnsq_ask(const char *server, uint16_t port, const char *name, uint16_t qtype, int timeout_ms,
	      dnsq_result *r);

/* The system resolver (nsswitch: /etc/hosts, resolv.conf search list). The
 * call runs on a helper thread so that it ends by timeout_ms whatever the
 * resolver's own settings; a late answer is dropped. */
void sys_resolve(const char *name, int timeout_ms, dnsq_result *r);
void sys_reverse(const char *addr, int timeout_ms, dnsq_result *r);

/* "1.0.10.127.in-addr.arpa" / ip6.arpa for an address literal; NULL if not one. g_free. */
char *dnsq_reverse_name(const char *addr);

#endif
