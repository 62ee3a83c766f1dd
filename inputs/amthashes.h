/* Root certificate hashes AMT trusts: the default list shipped as data
 * (rules/kb/amt-root-hashes.csv) plus --amt-hashes files. */
#ifndef AMT_AMTHASHES_H
#define AMT_AMTHASHES_H
#include <stdbool.h>

typedef struct amt_hashes amt_hashes;

amt_hashes *amt_hashes_new(void);
void amt_hashes_free(amt_hashes *h);
/* The knowledge-base CSV: name,sha1,sha256,... with a header line. */
bool amt_hashes_load_csv(amt_hashes *h, const char *path, char **err);
/* A user list: one hex SHA-1 or SHA-256 per line, optionally followed by
 * whitespace and a name; '#' starts a comment. */
bool amt_hashes_load_list(amt_hashes *h, const char *path, char **err);
/* Default CSV from data_dir/kb, then extra_file if given. */
bool amt_hashes_load_default(amt_hashes *h, const char *data_dir, const char *extra_file, char **err);
/* Adds one hash ("sha256:hex", "sha1:hex" or bare hex); false if not a hash. */
bool amt_hashes_add(amt_hashes *h, const char *hash, const char *name);
/* Name of the root if its SHA-1 or SHA-256 is known ("" when unnamed), else NULL. */
const char *amt_hashes_find(const amt_hashes *h, const char *sha1, const char *sha256);
unsigned amt_hashes_count(const amt_hashes *h);

#endif
