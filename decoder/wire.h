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
	if (!wire_can(w, 8))
		return 0;
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

/* Whether n more bytes are there; unlike wire_can, a no is not an error. */
static inline int wire_has(const wire *w, size_t n)
{
	return !w->err && n <= w->len - w->pos;
}

/* Peek without consuming: n bytes starting off bytes past the position.
 * Outside the buffer: NULL and err, as for a read. */
static inline const uint8_t *wire_peek(wire *w, size_t off, size_t n)
{
	if (w->err || off > w->len - w->pos || n > w->len - w->pos - off) {
		w->err = 1;
		return NULL;
	}
	return w->p + w->pos + off;
}

static inline uint8_t wire_peek_u8(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 1);
	return b ? b[0] : 0;
}

static inline uint16_t wire_peek_u16be(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 2);
	return b ? (uint16_t)((b[0] << 8) | b[1]) : 0;
}

static inline uint16_t wire_peek_u16le(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 2);
	return b ? (uint16_t)(b[0] | (b[1] << 8)) : 0;
}

static inline uint32_t wire_peek_u24be(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 3);
	return b ? ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2] : 0;
}

static inline uint32_t wire_peek_u32be(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 4);
	return b ? ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3] : 0;
}

static inline uint32_t wire_peek_u32le(wire *w, size_t off)
{
	const uint8_t *b = wire_peek(w, off, 4);
	return b ? ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0] : 0;
}

/* The unread rest as pointer and length, without moving (NULL, 0 after an
 * error). */
static inline const uint8_t *wire_rest(const wire *w, size_t *n)
{
	*n = wire_left(w);
	return w->err ? NULL : w->p + w->pos;
}

/* The offset (from the position) of the first byte b in the rest. Not
 * finding it is an answer, not an error: returns 0 and leaves err alone. */
static inline int wire_find(const wire *w, uint8_t b, size_t *off)
{
	if (w->err)
		return 0;
	const uint8_t *at = memchr(w->p + w->pos, b, w->len - w->pos);
	if (!at)
		return 0;
	*off = (size_t)(at - (w->p + w->pos));
	return 1;
}

/* The next line, ended by LF or CR LF: its text without the ending in *n,
 * the position moved past the ending. NULL (nothing moved, no error) when
 * the rest holds no LF yet. */
static inline const uint8_t *wire_line(wire *w, size_t *n)
{
	size_t lf;
	if (!wire_find(w, '\n', &lf))
		return NULL;
	const uint8_t *b = w->p + w->pos;
	*n = lf && b[lf - 1] == '\r' ? lf - 1 : lf;
	w->pos += lf + 1;
	return b;
}

/* A sub-cursor over the next n bytes; the parent advances past them. */
static inline wire wire_sub(wire *w, size_t n)
{
	const uint8_t *b = wire_bytes(w, n);
	wire s = {b, b ? n : 0, 0, b ? 0 : 1};
	return s;
}

/* What a framing helper finds at the start of a buffer: a whole unit of
 * len bytes, not enough bytes yet (need: the unit's whole length when known,
 * else the bytes needed to know it), or bytes that cannot start a unit (why
 * says what is wrong with them, for the note). */
typedef enum frame_status { FRAME_OK, FRAME_ERROR, FRAME_INCOMPLETE } frame_status;
typedef struct frame_result {
	frame_status status;
	size_t len;
	size_t need;
	const char *why;
} frame_result;

static inline frame_result frame_ok(size_t len)
{
	frame_result r = {FRAME_OK, len, 0, NULL};
	return r;
}
static inline frame_result frame_incomplete(size_t need)
{
	frame_result r = {FRAME_INCOMPLETE, 0, need, NULL};
	return r;
}
static inline frame_result frame_error(const char *why)
{
	frame_result r = {FRAME_ERROR, 0, 0, why};
	return r;
}

#endif
