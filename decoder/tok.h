/* The one shape of a code -> name table (tcpdump's struct tok): {value,
 * name} pairs ended by {0, NULL}. Names only: what a code means, and what
 * to do about it, is the knowledge base's. */
#ifndef AMT_TOK_H
#define AMT_TOK_H
#include <stddef.h>
#include <stdint.h>

typedef struct tok {
	uint32_t value;
	const char *name;
} tok;

/* The name of value in t, or dflt when t does not list it. */
static inline const char *tok_name(const tok *t, uint32_t value, const char *dflt)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return dflt;
}

/* The same for a large table sorted by value (n entries before the
 * {0, NULL} end): a binary search. tok_sorted says whether t is. */
static inline const char *tok_name_sorted(const tok *t, size_t n, uint32_t value, const char *dflt)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && t[lo].value == value ? t[lo].name : dflt;
}

static inline int tok_sorted(const tok *t, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (t[i - 1].value >= t[i].value)
			return 0;
	return 1;
}

/* Entries of a table, its {0, NULL} end not counted. */
#define TOK_COUNT(t) (sizeof(t) / sizeof((t)[0]) - 1)

#endif
