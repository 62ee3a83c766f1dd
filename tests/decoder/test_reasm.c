/* TCP reassembly from hand-made segment lists. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "decoder/reasm.h"

typedef struct sink {
	GString *data;
	uint32_t gaps, gap_bytes, eofs;
	uint32_t frames[64];
	int nframes;
} sink;

static void on_data(void *u, const uint8_t *p, size_t len, uint32_t frame, int64_t ts)
{
	sink *s = u;
	(void)ts;
	g_string_append_len(s->data, (const char *)p, (gssize)len);
	if (s->nframes < 64)
		s->frames[s->nframes++] = frame;
}

static void on_gap(void *u, uint32_t len)
{
	sink *s = u;
	s->gaps++;
	s->gap_bytes += len;
	g_string_append(s->data, "|");
}

static void on_eof(void *u)
{
	((sink *)u)->eofs++;
}

static const reasm_ops ops = {on_data, on_gap, on_eof};
static reasm r;
static sink s;

static void setup(uint32_t isn)
{
	reasm_init(&r, 8, 1 << 16);
	memset(&s, 0, sizeof(s));
	s.data = g_string_new(NULL);
	reasm_syn(&r, isn);
}

static void teardown(void)
{
	reasm_free(&r);
	g_string_free(s.data, TRUE);
}

static void seg(uint32_t seq, const char *p, bool fin, uint32_t frame)
{
	reasm_segment(&r, seq, (const uint8_t *)p, (uint32_t)strlen(p), fin, frame, 0, &ops, &s);
}

static void test_in_order(void)
{
	setup(1000);
	seg(1001, "hello ", false, 1);
	seg(1007, "world", false, 2);
	CU_ASSERT_STRING_EQUAL(s.data->str, "hello world");
	CU_ASSERT_EQUAL(s.nframes, 2);
	CU_ASSERT_EQUAL(s.frames[1], 2);
	CU_ASSERT_EQUAL(s.gaps, 0);
	teardown();
}

static void test_out_of_order(void)
{
	setup(0);
	seg(7, "world", false, 2);
	seg(12, "!", false, 3);
	CU_ASSERT_STRING_EQUAL(s.data->str, "");
	seg(1, "hello ", false, 1);
	CU_ASSERT_STRING_EQUAL(s.data->str, "hello world!");
	CU_ASSERT_EQUAL(s.frames[0], 1);
	CU_ASSERT_EQUAL(s.frames[1], 2);
	CU_ASSERT_EQUAL(s.frames[2], 3);
	CU_ASSERT_EQUAL(r.nooo, 0);
	teardown();
}

static void test_duplicate(void)
{
	setup(0);
	seg(1, "abc", false, 1);
	seg(1, "abc", false, 2);
	seg(4, "def", false, 3);
	seg(4, "def", false, 4);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abcdef");
	CU_ASSERT_EQUAL(r.retransmissions, 2);
	CU_ASSERT_EQUAL(r.conflicts, 0);
	teardown();
}

static void test_overlap_conflict_delivered(void)
{
	/* a retransmission of delivered bytes with other content: first copy wins */
	setup(0);
	seg(1, "abcdef", false, 1);
	seg(4, "XYZghi", false, 2);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abcdefghi");
	CU_ASSERT_EQUAL(r.conflicts, 1);
	teardown();
}

static void test_overlap_conflict_queued(void)
{
	/* two out-of-order segments overlap with different bytes */
	setup(0);
	seg(5, "efgh", false, 2);
	seg(3, "cdXYghij", false, 3);
	seg(1, "ab", false, 1);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abcdefghij");
	CU_ASSERT_EQUAL(r.conflicts, 1);
	teardown();
}

static void test_gap_by_ack(void)
{
	/* bytes 4-6 never captured; the peer's ACK says they were sent */
	setup(0);
	seg(1, "abc", false, 1);
	seg(7, "ghi", false, 3);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc");
	reasm_ack(&r, 10, &ops, &s);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc|ghi");
	CU_ASSERT_EQUAL(s.gaps, 1);
	CU_ASSERT_EQUAL(s.gap_bytes, 3);
	teardown();
}

static void test_gap_at_flush(void)
{
	setup(0);
	seg(1, "abc", false, 1);
	seg(10, "jkl", true, 3);
	reasm_flush(&r, &ops, &s);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc|jkl");
	CU_ASSERT_EQUAL(s.gap_bytes, 6);
	CU_ASSERT_EQUAL(s.eofs, 1);
	teardown();
}

static void test_gap_over_cap(void)
{
	/* more out-of-order segments than allowed: the first hole is given up */
	setup(0);
	char buf[2] = "a";
	for (uint32_t i = 0; i < 12; i++) {
		buf[0] = (char)('a' + i);
		seg(100 + i, buf, false, i + 1);
	}
	CU_ASSERT(s.gaps >= 1);
	CU_ASSERT(r.nooo <= 8);
	reasm_flush(&r, &ops, &s);
	CU_ASSERT_STRING_EQUAL(s.data->str, "|abcdefghijkl");
	teardown();
}

static void test_fin_before_data(void)
{
	/* the FIN segment is captured before the data that precedes it */
	setup(0);
	seg(4, "", true, 2);
	CU_ASSERT_EQUAL(s.eofs, 0);
	seg(1, "abc", false, 1);
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc");
	CU_ASSERT_EQUAL(s.eofs, 1);
	teardown();
}

static void test_fin_with_data(void)
{
	setup(0);
	seg(1, "abc", true, 1);
	CU_ASSERT_EQUAL(s.eofs, 1);
	seg(1, "abc", false, 2); /* retransmitted after FIN: nothing new */
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc");
	CU_ASSERT_EQUAL(s.eofs, 1);
	teardown();
}

static void test_data_after_fin(void)
{
	setup(0);
	seg(1, "abc", true, 1);
	seg(4, "zzz", false, 2);   /* past the FIN: not part of the stream */
	seg(2, "bcdef", false, 3); /* straddles the FIN */
	CU_ASSERT_STRING_EQUAL(s.data->str, "abc");
	CU_ASSERT_EQUAL(r.after_fin, 2);
	CU_ASSERT_EQUAL(s.eofs, 1);
	teardown();
}

static void test_wraparound(void)
{
	setup(0xfffffffa);  /* data starts at 0xfffffffb and wraps */
	seg(0xfffffffbu, "abc", false, 1);
	seg(0x00000001u, "ghi", false, 3);   /* out of order, after the wrap */
	seg(0xfffffffeu, "def", false, 2);   /* crosses 2^32 */
	CU_ASSERT_STRING_EQUAL(s.data->str, "abcdefghi");
	CU_ASSERT_EQUAL(r.next_seq, 4u);
	CU_ASSERT_EQUAL(s.gaps, 0);
	teardown();
}

static void test_midstream(void)
{
	/* no SYN seen: the first segment starts the stream */
	reasm_init(&r, 8, 1 << 16);
	memset(&s, 0, sizeof(s));
	s.data = g_string_new(NULL);
	seg(5000, "late", false, 1);
	seg(5004, "r", false, 2);
	CU_ASSERT_STRING_EQUAL(s.data->str, "later");
	teardown();
}

static void test_old_segment_ignored(void)
{
	setup(100);
	seg(101, "abcdef", false, 1);
	seg(95, "zzz", false, 2);  /* entirely before the stream: ignored */
	CU_ASSERT_STRING_EQUAL(s.data->str, "abcdef");
	teardown();
}

/* Retransmissions checked against the last 2 KiB delivered, which are kept
 * in a ring: overlaps that straddle its wrap, and bytes it no longer holds. */
static void test_retransmission_across_ring(void)
{
	setup(0);
	char a[1501], b[1501];
	uint32_t next = 1;
	for (int k = 0; k < 5; k++) {  /* 7500 bytes: the ring wraps several times */
		for (int i = 0; i < 1500; i++)
			a[i] = (char)('a' + (k * 1500 + i) % 26);
		a[1500] = 0;
		seg(next, a, false, (uint32_t)k + 1);
		next += 1500;
	}
	CU_ASSERT_EQUAL(s.data->len, 7500);
	/* the last 1800 bytes again, unchanged: they straddle the ring's wrap */
	for (int i = 0; i < 1500; i++)
		b[i] = s.data->str[7500 - 1800 + i];
	b[1500] = 0;
	seg(next - 1800, b, false, 10);
	CU_ASSERT_EQUAL(r.retransmissions, 1);
	CU_ASSERT_EQUAL(r.conflicts, 0);
	/* the same with one byte changed near the end of the range */
	b[1400] = (char)(b[1400] ^ 0x20);
	seg(next - 1800, b, false, 11);
	CU_ASSERT_EQUAL(r.conflicts, 1);
	/* changed bytes older than what is kept go unnoticed (bounded memory) */
	memset(b, 'Z', 100);
	b[100] = 0;
	seg(1, b, false, 12);
	CU_ASSERT_EQUAL(r.retransmissions, 3);
	CU_ASSERT_EQUAL(r.conflicts, 1);
	/* new bytes after a retransmitted part are delivered */
	seg(next - 2, "xyNEW", false, 13);
	CU_ASSERT_EQUAL(s.data->len, 7503);
	CU_ASSERT_EQUAL(memcmp(s.data->str + 7500, "NEW", 3), 0);
	teardown();
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("reassembly", NULL, NULL);
	CU_add_test(su, "in order", test_in_order);
	CU_add_test(su, "out of order", test_out_of_order);
	CU_add_test(su, "duplicate", test_duplicate);
	CU_add_test(su, "overlap with different bytes (delivered)", test_overlap_conflict_delivered);
	CU_add_test(su, "overlap with different bytes (queued)", test_overlap_conflict_queued);
	CU_add_test(su, "gap told by the peer's ACK", test_gap_by_ack);
	CU_add_test(su, "gap at flush", test_gap_at_flush);
	CU_add_test(su, "gap when over the segment cap", test_gap_over_cap);
	CU_add_test(su, "FIN before data", test_fin_before_data);
	CU_add_test(su, "FIN with data, then retransmission", test_fin_with_data);
	CU_add_test(su, "data after FIN", test_data_after_fin);
	CU_add_test(su, "sequence number wrap-around", test_wraparound);
	CU_add_test(su, "mid-stream start", test_midstream);
	CU_add_test(su, "segment before the stream", test_old_segment_ignored);
	CU_add_test(su, "retransmissions checked across the ring", test_retransmission_across_ring);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
