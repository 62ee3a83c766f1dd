/* The one judge of certificate chains: what analyze (rule_tls), check
 * --prov-cert and certs say about a chain, with the same finding id,
 * severity and summary wherever the chain was seen. The summary speaks of
 * the chain alone (never of who sent it or of a file name), so the three
 * subcommands agree word for word; callers add where and when. */
#ifndef AMT_CHAINJUDGE_H
#define AMT_CHAINJUDGE_H
#include <glib.h>

#include "../decoder/events/tls.h"
#include "certcheck.h"
#include "findings.h"

typedef struct cert_finding {
	const char *id;
	severity sev;
	char *key;       /* what makes it distinct: the leaf's SHA-256, or more */
	char *summary;
	char *remedy;
	int cert;        /* the certificate it is about (dates), or -1: the chain */
} cert_finding;

/* The one table of date thresholds for analyze, check and certs. */
typedef struct cert_date_limits {
	int64_t expires_soon_us;  /* a provisioning leaf expiring within this is prov.cert.expires_soon */
	int expires_soon_days;    /* the same, as the texts say it */
} cert_date_limits;
extern const cert_date_limits cert_dates;

typedef struct chain_judge_in {
	const chain_verdict *v;
	const x509_info *leaf;    /* identity checks of a provisioning leaf; NULL: none */
	bool provisioning;        /* the chain a setup service presents to AMT */
	const char *rejected_by;  /* the peer's alert right after the chain, or NULL */
	int root_trusted;         /* provisioning: 1 AMT knows the root's hash, 0 not, -1 not asked */
	const char *hashes_source;  /* what root_trusted was asked of: "AMT's default root hashes" */
	bool dates;               /* judge each certificate's dates ... */
	int64_t at_us;            /* ... at this moment (the packet's, or now) */
} chain_judge_in;

/* The findings about the chain, in a fixed order. Free with chain_judge_free. */
GArray *chain_judge(const chain_judge_in *in);
void chain_judge_free(GArray *out);

/* The severity and summary the same judge gives to a chain the peer rejected
 * (unknown_ca / bad_certificate right after it), for rule_tls's upgrade. */
bool chain_judge_rejectable(const chain_verdict *v);

#endif
