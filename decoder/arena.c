#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	arena_block *next;
	size_t size, used;
	max_align_t data[];
};

static arena_block *block_new(size_t size)
{
	arena_block *b = malloc(sizeof(*b) + size);
	if (!b)
		abort();
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

void arena_init(arena *a, size_t block_size)
{
	/* a multiple of 8, so that the free end of a block always is (arena_vprintf) */
	a->block_size = block_size ? (block_size + 7) & ~(size_t)7 : 16384;
	a->head = NULL;
	a->total = 0;
}

void arena_reset(arena *a)
{
	if (!a->head)
		return;
	arena_block *keep = a->head;
	while (keep->next) {
		arena_block *b = keep;
		keep = keep->next;
		free(b);
	}
	/* keep the oldest (first-allocated) block, which has the default size */
	keep->used = 0;
	a->head = keep;
	a->total = 0;
}

void arena_free(arena *a)
{
	arena_block *b = a->head;
	while (b) {
		arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}

/* Room for n bytes, not zeroed: strings overwrite every byte they use. */
static char *alloc_raw(arena *a, size_t n);

void *arena_alloc_uninit(arena *a, size_t n)
{
	return alloc_raw(a, n);
}

static char *alloc_raw(arena *a, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7;
	if (need < n)
		abort();
	if (!a->head || a->head->size - a->head->used < need) {
		size_t sz = need > a->block_size ? need : a->block_size;
		arena_block *b = block_new(sz);
		b->next = a->head;
		a->head = b;
	}
	char *p = (char *)a->head->data + a->head->used;
	a->head->used += need;
	a->total += need;
	return p;
}

void *arena_alloc(arena *a, size_t n)
{
	char *p = alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = alloc_raw(a, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	if (!fmt)
		return arena_strdup(a, "");
	/* format straight into the free end of the current block: one pass in
	 * the common case, a second only when the text does not fit there */
	size_t room = a->head ? a->head->size - a->head->used : 0;
	char probe[1];
	char *p = room > 1 ? (char *)a->head->data + a->head->used : probe;
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(p, room > 1 ? room : sizeof(probe), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	if (room > 1 && (size_t)n < room)  /* room is a multiple of 8: so is the rounded size */
		return alloc_raw(a, (size_t)n + 1);
	char *d = alloc_raw(a, (size_t)n + 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_cat(arena *a, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *)) != ARENA_CAT_END;)
		n += s ? strlen(s) : 0;
	va_end(ap);
	char *d = alloc_raw(a, n + 1), *q = d;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *)) != ARENA_CAT_END;) {
		size_t l = s ? strlen(s) : 0;
		memcpy(q, s ? s : "", l);
		q += l;
	}
	va_end(ap);
	*q = 0;
	return d;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

char *arena_printable(arena *a, const uint8_t *s, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++)
		out += (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') ? 1 : 4;
	char *d = alloc_raw(a, out + 1), *q = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			*q++ = (char)s[i];
		} else {
			static const char hx[] = "0123456789abcdef";
			q[0] = '\\';
			q[1] = 'x';
			q[2] = hx[s[i] >> 4];
			q[3] = hx[s[i] & 15];
			q += 4;
		}
	}
	*q = 0;
	return d;
}

char *arena_hex(arena *a, const uint8_t *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	char *d = alloc_raw(a, n * 2 + 1);
	for (size_t i = 0; i < n; i++) {
		d[2 * i] = hx[s[i] >> 4];
		d[2 * i + 1] = hx[s[i] & 15];
	}
	d[n * 2] = 0;
	return d;
}
