/* Decimal text of integers without printf: for keys and fields built on
 * every message, where a printf call costs more than the work around it. */
#ifndef AMT_NUMTEXT_H
#define AMT_NUMTEXT_H
#include <stddef.h>
#include <stdint.h>

/* Writes the digits of v at out (no NUL; at most 20 bytes); returns how many. */
static inline size_t u64_text(uint64_t v, char *out)
{
	char d[20];
	size_t n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = d[n - 1 - i];
	return n;
}

#endif
