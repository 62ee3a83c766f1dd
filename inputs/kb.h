/* The error-code knowledge base: rules/kb/NAME.kb, one GKeyFile per tool. The
 * [kb] group names the scope (the tool that emits the codes) and the
 * finding id prefix; every other group is one code. The same number means
 * different things in different tools, so a lookup always names the scope. */
#ifndef AMT_KB_H
#define AMT_KB_H
#include <glib.h>
#include <stdbool.h>

#include "severity.h"

typedef struct kb_entry {
	char *scope, *code;      /* "scs", "102" (hex codes "0x26", lower case, no leading zeros) */
	char *rule;              /* finding id: "<prefix>.<code>", e.g. "scs.error.102" */
	char *tool;              /* "Intel SCS 1.x-5.x" */
	char *title, *meaning, *causes, *remedy, *wire, *source;
	severity sev;
	bool confirmed;          /* false: only the seeds / an inference say so */
} kb_entry;

typedef struct kb {
	GHashTable *by_key;      /* "scope|code" -> kb_entry* */
	GPtrArray *entries;
} kb;

/* Loads every *.kb in dir. Broken files are described in *warnings (may be
 * NULL) and skipped. */
kb *kb_load_dir(const char *dir, char **warnings);
bool kb_load_file(kb *k, const char *path, char **err);
kb *kb_new(void);
void kb_free(kb *k);
const kb_entry *kb_lookup(const kb *k, const char *scope, const char *code);
/* "0x0026" -> "0x26", "0XC0002825" -> "0xc0002825"; caller frees. */
char *kb_norm_code(const char *code);

#endif
