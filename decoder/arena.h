/* Bump allocator. Events are built in a scratch arena that is reset after each
 * packet has been dispatched; consumers copy what they keep. */
#ifndef AMT_ARENA_H
#define AMT_ARENA_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
	size_t block_size;
	size_t total;       /* bytes handed out since the last reset */
} arena;

void arena_init(arena *a, size_t block_size);
void arena_reset(arena *a); /* keeps the first block, frees the rest */
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);           /* zeroed, 8-byte aligned */
void *arena_alloc_uninit(arena *a, size_t n);    /* not zeroed: the caller writes it all */
char *arena_strdup(arena *a, const char *s);     /* NULL stays NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* The strings given, one after the other (NULL counts as ""), up to
 * ARENA_CAT_END: arena_cat(a, cls, ".", name, ARENA_CAT_END). No formatting,
 * so several times cheaper than arena_printf on the hot path. */
#define ARENA_CAT_END ((const char *)1)
char *arena_cat(arena *a, ...);
/* Printable copy of untrusted bytes: non-printable bytes become \xNN. */
char *arena_printable(arena *a, const uint8_t *s, size_t n);
char *arena_hex(arena *a, const uint8_t *s, size_t n);

#endif
