/* A certificate hash as a typed value: the algorithm (numbered as AMT's hello
 * and the firmware's CERT_HASH_ALGORITHM number them) and the bytes. Facts
 * and events carry this, not "sha256:<hex>" text a reader would split again;
 * text is made from it where something is printed. */
#ifndef AMT_HASH_H
#define AMT_HASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tok.h"

typedef enum amt_hash_alg {
	AMT_HASH_NONE = 0, AMT_HASH_SHA1 = 1, AMT_HASH_SHA256 = 2, AMT_HASH_SHA384 = 3,
} amt_hash_alg;

#define AMT_HASH_MAX 48
#define AMT_HASH_TEXTLEN (7 + 2 * AMT_HASH_MAX + 1)  /* "sha384:" + hex + NUL */

typedef struct amt_hash {
	uint8_t alg;   /* amt_hash_alg */
	uint8_t len;   /* 20, 32 or 48 */
	uint8_t b[AMT_HASH_MAX];
} amt_hash;

/* "sha1", "sha256", "sha384", or NULL for another number. */
static inline const char *amt_hash_alg_name(unsigned alg)
{
	static const tok names[] = {
		{AMT_HASH_SHA1, "sha1"}, {AMT_HASH_SHA256, "sha256"}, {AMT_HASH_SHA384, "sha384"}, {0, NULL},
	};
	return tok_name(names, alg, NULL);
}

/* Bytes of a digest of that algorithm, 0 for an unknown one. */
static inline size_t amt_hash_alg_len(unsigned alg)
{
	switch (alg) {
	case AMT_HASH_SHA1: return 20;
	case AMT_HASH_SHA256: return 32;
	case AMT_HASH_SHA384: return 48;
	default: return 0;
	}
}

/* false (and *h untouched) when len is not the algorithm's. */
static inline bool amt_hash_set(amt_hash *h, unsigned alg, const uint8_t *b, size_t len)
{
	if (!len || len != amt_hash_alg_len(alg))
		return false;
	h->alg = (uint8_t)alg;
	h->len = (uint8_t)len;
	memcpy(h->b, b, len);
	return true;
}

static inline bool amt_hash_eq(const amt_hash *a, const amt_hash *b)
{
	return a->alg == b->alg && a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* Lower-case hex of the bytes; buf holds 2 * AMT_HASH_MAX + 1. Returns buf. */
char *amt_hash_hex(const amt_hash *h, char *buf);
/* "sha256:<hex>", as reports print a root hash; buf holds AMT_HASH_TEXTLEN. */
char *amt_hash_text(const amt_hash *h, char *buf);

#endif
