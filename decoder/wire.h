/* Bounds-checked reader over packet bytes with a sticky error (the Knot DNS
 * wire_ctx idea). Reading past the end sets err and returns 0; later reads do
 * nothing. Callers check err once per message instead of after every field. */
#ifndef AMT_WIRE_H
#define AMT_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct wire {
	const uint8_t *p;
	size_t len;
	size_t pos;
	int err;
} wire;

static inline wire wire_init(const uint8_t *p, size_t len)
{
	wire w = {p, len, 0, 0};
	return w;
}

static inline size_t wire_left(const wire *w)
{
	return w->err ? 0 : w->len - w->pos;
}

static inline int wire_can(wire *w, size_t n)
{
	if (w->err || n > w->len - w->pos) {
		w->err = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t wire_u8(wire *w)
{
	if (!wire_can(w, 1))
		return 0;
	return w->p[w->pos++];
}

static inline uint16_t wire_u16be(wire *w)
{
	if (!wire_can(w, 2))
		return 0;
	uint16_t v = (uint16_t)((w->p[w->pos] << 8) | w->p[w->pos + 1]);
	w->pos += 2;
	return v;
}

static inline uint16_t wire_u16le(wire *w)
{
	if (!wire_can(w, 2))
		return 0;
	uint16_t v = (uint16_t)(w->p[w->pos] | (w->p[w->pos + 1] << 8));
	w->pos += 2;
	return v;
}

static inline uint32_t wire_u24be(wire *w)
{
	if (!wire_can(w, 3))
		return 0;
	uint32_t v = ((uint32_t)w->p[w->pos] << 16) | ((uint32_t)w->p[w->pos + 1] << 8) | w->p[w->pos + 2];
	w->pos += 3;
	return v;
}

static inline uint32_t wire_u32be(wire *w)
{
	if (!wire_can(w, 4))
		return 0;
	const uint8_t *b = w->p + w->pos;
	w->pos += 4;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static inline uint32_t wire_u32le(wire *w)
{
	if (!wire_can(w, 4))
		return 0;
	const uint8_t *b = w->p + w->pos;
	w->pos += 4;
	return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static inline uint64_t wire_u64be(wire *w)
{
	uint64_t hi = wire_u32be(w);
	uint64_t lo = wire_u32be(w);
	return (hi << 32) | lo;
}

/* Returns a pointer to n bytes inside the buffer, or NULL (and err set). */
static inline const uint8_t *wire_bytes(wire *w, size_t n)
{
	if (!wire_can(w, n))
		return NULL;
	const uint8_t *b = w->p + w->pos;
	w->pos += n;
	return b;
}

static inline void wire_copy(wire *w, void *dst, size_t n)
{
	const uint8_t *b = wire_bytes(w, n);
	if (b)
		memcpy(dst, b, n);
	else
		memset(dst, 0, n);
}

static inline void wire_skip(wire *w, size_t n)
{
	(void)wire_bytes(w, n);
}

/* Peek without consuming: value at absolute offset, 0 and err if outside. */
static inline uint8_t wire_peek_u8(wire *w, size_t off)
{
	if (w->err || off >= w->len) {
		w->err = 1;
		return 0;
	}
	return w->p[off];
}

/* A sub-cursor over the next n bytes; the parent advances past them. */
static inline wire wire_sub(wire *w, size_t n)
{
	const uint8_t *b = wire_bytes(w, n);
	wire s = {b, b ? n : 0, 0, b ? 0 : 1};
	return s;
}

#endif
