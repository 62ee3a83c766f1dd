/* The catalogue of finding ids: every id amtscope itself can raise, its
 * default severity, when it fires and what it needs to see. `amtscope rules`
 * prints it and docs/findings.md carries the same table
 * (tests/repo/findings_catalogue.py keeps code, table and doc in step).
 * Ids are stable: never renamed or reused. */
#ifndef AMT_CATALOGUE_H
#define AMT_CATALOGUE_H
#include <stddef.h>

typedef struct catalogue_entry {
	const char *id;        /* "dns.provisionserver.missing"; "scs.error.<code>" for a knowledge-base family */
	const char *severity;  /* "error", "warning", "info", or "from the KB" */
	const char *where;     /* "analyze", "check", "analyze, check" */
	const char *fires;     /* when it fires, one line */
	const char *needs;     /* what it needs to see, one line */
} catalogue_entry;

extern const catalogue_entry catalogue[];
extern const size_t catalogue_len;

/* The entry for an id, also "scs.error.137" for the family "scs.error.<code>"; NULL when unknown. */
const catalogue_entry *catalogue_find(const char *id);

#endif
