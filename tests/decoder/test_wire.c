/* The cursor over packet bytes (decoder/wire.h): every reader at its exact
 * boundary and one byte short, the sticky error, sub-cursors, peek, find,
 * line, and the framing result. */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <string.h>

#include "decoder/wire.h"

static const uint8_t B[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

/* Each fixed-size reader: exactly n bytes present reads them and leaves the
 * cursor at the end, n - 1 present sets err and returns 0. */
static void test_exact_and_short(void)
{
	wire w = wire_init(B, 1);
	CU_ASSERT_EQUAL(wire_u8(&w), 0x01);
	CU_ASSERT_FALSE(w.err);
	CU_ASSERT_EQUAL(wire_left(&w), 0);
	w = wire_init(B, 0);
	CU_ASSERT_EQUAL(wire_u8(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 2);
	CU_ASSERT_EQUAL(wire_u16be(&w), 0x0102);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 1);
	CU_ASSERT_EQUAL(wire_u16be(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 2);
	CU_ASSERT_EQUAL(wire_u16le(&w), 0x0201);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 1);
	CU_ASSERT_EQUAL(wire_u16le(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 3);
	CU_ASSERT_EQUAL(wire_u24be(&w), 0x010203);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 2);
	CU_ASSERT_EQUAL(wire_u24be(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 4);
	CU_ASSERT_EQUAL(wire_u32be(&w), 0x01020304u);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 3);
	CU_ASSERT_EQUAL(wire_u32be(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 4);
	CU_ASSERT_EQUAL(wire_u32le(&w), 0x04030201u);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 3);
	CU_ASSERT_EQUAL(wire_u32le(&w), 0);
	CU_ASSERT_TRUE(w.err);

	w = wire_init(B, 8);
	CU_ASSERT_EQUAL(wire_u64be(&w), 0x0102030405060708ull);
	CU_ASSERT_FALSE(w.err);
	CU_ASSERT_EQUAL(wire_left(&w), 0);
	w = wire_init(B, 7);
	CU_ASSERT_EQUAL(wire_u64be(&w), 0);
	CU_ASSERT_TRUE(w.err);
}

static void test_bytes_copy_skip(void)
{
	wire w = wire_init(B, 5);
	const uint8_t *b = wire_bytes(&w, 5);
	CU_ASSERT_PTR_EQUAL(b, B);
	CU_ASSERT_EQUAL(wire_left(&w), 0);
	CU_ASSERT_PTR_NOT_NULL(wire_bytes(&w, 0));  /* zero bytes at the end is fine */
	CU_ASSERT_FALSE(w.err);

	w = wire_init(B, 4);
	CU_ASSERT_PTR_NULL(wire_bytes(&w, 5));
	CU_ASSERT_TRUE(w.err);
	CU_ASSERT_EQUAL(w.pos, 0);

	uint8_t dst[4] = {0xff, 0xff, 0xff, 0xff};
	w = wire_init(B, 4);
	wire_copy(&w, dst, 4);
	CU_ASSERT_EQUAL(memcmp(dst, B, 4), 0);
	w = wire_init(B, 3);
	wire_copy(&w, dst, 4);  /* short: the destination is zeroed, not half-filled */
	CU_ASSERT_TRUE(w.err);
	CU_ASSERT_EQUAL(dst[0] | dst[1] | dst[2] | dst[3], 0);

	w = wire_init(B, 3);
	wire_skip(&w, 3);
	CU_ASSERT_FALSE(w.err);
	wire_skip(&w, 1);
	CU_ASSERT_TRUE(w.err);
	/* a length near SIZE_MAX must not wrap the bounds check */
	w = wire_init(B, 3);
	wire_u8(&w);
	wire_skip(&w, SIZE_MAX);
	CU_ASSERT_TRUE(w.err);
}

/* Once a read failed, every later read returns 0/NULL even when enough
 * bytes would be there, and wire_left says 0. */
static void test_sticky_error(void)
{
	wire w = wire_init(B, 3);
	CU_ASSERT_EQUAL(wire_u32be(&w), 0);
	CU_ASSERT_TRUE(w.err);
	CU_ASSERT_EQUAL(wire_left(&w), 0);
	CU_ASSERT_EQUAL(wire_u8(&w), 0);
	CU_ASSERT_EQUAL(wire_u16be(&w), 0);
	CU_ASSERT_PTR_NULL(wire_bytes(&w, 1));
	CU_ASSERT_EQUAL(wire_peek_u8(&w, 0), 0);
	CU_ASSERT_FALSE(wire_has(&w, 0));
	size_t n = 99, off = 99;
	CU_ASSERT_PTR_NULL(wire_rest(&w, &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_FALSE(wire_find(&w, 0x01, &off));
	CU_ASSERT_PTR_NULL(wire_line(&w, &n));
	CU_ASSERT_EQUAL(w.pos, 0);
	CU_ASSERT_TRUE(w.err);
}

static void test_sub(void)
{
	wire w = wire_init(B, 9);
	wire_u8(&w);
	wire s = wire_sub(&w, 3);
	CU_ASSERT_FALSE(s.err);
	CU_ASSERT_EQUAL(wire_left(&s), 3);
	CU_ASSERT_EQUAL(w.pos, 4);  /* the parent moved past the sub-cursor's bytes */
	CU_ASSERT_EQUAL(wire_u16be(&s), 0x0203);
	CU_ASSERT_EQUAL(wire_u16be(&s), 0);  /* the sub-cursor ends at its own end */
	CU_ASSERT_TRUE(s.err);
	CU_ASSERT_FALSE(w.err);              /* and its error stays its own */
	CU_ASSERT_EQUAL(wire_u8(&w), 0x05);

	wire t = wire_sub(&w, 4);  /* exactly what is left */
	CU_ASSERT_FALSE(t.err);
	CU_ASSERT_EQUAL(wire_u32be(&t), 0x06070809u);
	CU_ASSERT_EQUAL(wire_left(&w), 0);

	w = wire_init(B, 4);
	wire u = wire_sub(&w, 5);  /* one byte short: both fail */
	CU_ASSERT_TRUE(u.err);
	CU_ASSERT_TRUE(w.err);
	CU_ASSERT_EQUAL(wire_u8(&u), 0);
	CU_ASSERT_EQUAL(wire_left(&u), 0);
}

static void test_has(void)
{
	wire w = wire_init(B, 4);
	wire_u8(&w);
	CU_ASSERT_TRUE(wire_has(&w, 3));
	CU_ASSERT_FALSE(wire_has(&w, 4));
	CU_ASSERT_FALSE(w.err);  /* asking is not reading */
	CU_ASSERT_FALSE(wire_has(&w, SIZE_MAX));
}

/* A peek reads relative to the position and never moves it; outside the
 * buffer it fails like a read. */
static void test_peek(void)
{
	wire w = wire_init(B, 6);
	wire_u8(&w);
	CU_ASSERT_EQUAL(wire_peek_u8(&w, 0), 0x02);
	CU_ASSERT_EQUAL(wire_peek_u8(&w, 4), 0x06);
	CU_ASSERT_EQUAL(wire_peek_u16be(&w, 3), 0x0506);
	CU_ASSERT_EQUAL(wire_peek_u16le(&w, 3), 0x0605);
	CU_ASSERT_EQUAL(wire_peek_u24be(&w, 2), 0x040506);
	CU_ASSERT_EQUAL(wire_peek_u32be(&w, 1), 0x03040506u);
	CU_ASSERT_EQUAL(wire_peek_u32le(&w, 1), 0x06050403u);
	CU_ASSERT_PTR_EQUAL(wire_peek(&w, 5, 0), B + 6);
	CU_ASSERT_EQUAL(w.pos, 1);
	CU_ASSERT_FALSE(w.err);

	wire v = w;
	CU_ASSERT_EQUAL(wire_peek_u8(&v, 5), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_EQUAL(wire_peek_u16be(&v, 4), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_EQUAL(wire_peek_u16le(&v, 4), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_EQUAL(wire_peek_u24be(&v, 3), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_EQUAL(wire_peek_u32be(&v, 2), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_EQUAL(wire_peek_u32le(&v, 2), 0);
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_PTR_NULL(wire_peek(&v, SIZE_MAX, 2));  /* offsets that would wrap */
	CU_ASSERT_TRUE(v.err);
	v = w;
	CU_ASSERT_PTR_NULL(wire_peek(&v, 1, SIZE_MAX));
	CU_ASSERT_TRUE(v.err);
}

static void test_rest_and_find(void)
{
	wire w = wire_init(B, 9);
	wire_skip(&w, 2);
	size_t n = 0;
	CU_ASSERT_PTR_EQUAL(wire_rest(&w, &n), B + 2);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(w.pos, 2);
	wire_skip(&w, 7);
	CU_ASSERT_PTR_EQUAL(wire_rest(&w, &n), B + 9);
	CU_ASSERT_EQUAL(n, 0);

	w = wire_init(B, 9);
	wire_skip(&w, 3);
	size_t off = 99;
	CU_ASSERT_TRUE(wire_find(&w, 0x04, &off));
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_TRUE(wire_find(&w, 0x09, &off));  /* the last byte */
	CU_ASSERT_EQUAL(off, 5);
	off = 99;
	CU_ASSERT_FALSE(wire_find(&w, 0x02, &off));  /* before the position: not seen */
	CU_ASSERT_EQUAL(off, 99);
	CU_ASSERT_FALSE(w.err);
	w = wire_init(B, 8);
	CU_ASSERT_FALSE(wire_find(&w, 0x09, &off));  /* one past the end: not seen */
	CU_ASSERT_FALSE(w.err);
}

static void test_line(void)
{
	static const uint8_t t[] = "GET / HTTP/1.1\r\nHost: a\n\r\nrest";
	wire w = wire_init(t, sizeof(t) - 1);
	size_t n = 0;
	const uint8_t *l = wire_line(&w, &n);
	CU_ASSERT_PTR_EQUAL(l, t);
	CU_ASSERT_EQUAL(n, 14);  /* CR LF is not part of the line */
	CU_ASSERT_EQUAL(w.pos, 16);
	l = wire_line(&w, &n);  /* a bare LF ends a line too */
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(memcmp(l, "Host: a", 7), 0);
	l = wire_line(&w, &n);  /* the empty line */
	CU_ASSERT_PTR_NOT_NULL(l);
	CU_ASSERT_EQUAL(n, 0);
	size_t at = w.pos;
	l = wire_line(&w, &n);  /* no LF yet: nothing taken, no error */
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_EQUAL(w.pos, at);
	CU_ASSERT_FALSE(w.err);

	static const uint8_t lf[] = "\n";
	w = wire_init(lf, 1);
	l = wire_line(&w, &n);
	CU_ASSERT_PTR_EQUAL(l, lf);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(wire_left(&w), 0);
	static const uint8_t cr[] = "ab\r";  /* a CR alone does not end a line */
	w = wire_init(cr, 3);
	CU_ASSERT_PTR_NULL(wire_line(&w, &n));
}

static void test_frame_result(void)
{
	frame_result r = frame_ok(12);
	CU_ASSERT_EQUAL(r.status, FRAME_OK);
	CU_ASSERT_EQUAL(r.len, 12);
	r = frame_incomplete(30);
	CU_ASSERT_EQUAL(r.status, FRAME_INCOMPLETE);
	CU_ASSERT_EQUAL(r.need, 30);
	r = frame_error("bad");
	CU_ASSERT_EQUAL(r.status, FRAME_ERROR);
	CU_ASSERT_STRING_EQUAL(r.why, "bad");
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("wire", NULL, NULL);
	CU_add_test(su, "readers at the boundary and one byte short", test_exact_and_short);
	CU_add_test(su, "bytes, copy, skip", test_bytes_copy_skip);
	CU_add_test(su, "sticky error", test_sticky_error);
	CU_add_test(su, "sub-cursors", test_sub);
	CU_add_test(su, "has", test_has);
	CU_add_test(su, "peek", test_peek);
	CU_add_test(su, "rest and find", test_rest_and_find);
	CU_add_test(su, "line", test_line);
	CU_add_test(su, "framing result", test_frame_result);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
