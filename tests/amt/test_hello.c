/* Hello dissector: the three real payloads, v2 with PID redaction, and
 * everything section 2.5 of the spec calls "not a hello". */
#include <stdio.h>
#include <stdlib.h>

#include "amt_test.h"
#include "decoder/events/hello.h"

extern const dissector dissector_hello;

/* Sample s<n> of tests/data/public/hello/ (MeshCentral). */
static GByteArray *sample(int n)
{
	const char *data = getenv("TESTDATA");
	char *path = g_strdup_printf("%s/hello/meshcentral-amt-hello-v3-samples.hex",
				     data ? data : "../tests/data/public");
	char *text = NULL;
	GByteArray *b = NULL;
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		char **lines = g_strsplit(text, "\n", -1);
		char name[8];
		snprintf(name, sizeof(name), "s%d ", n);
		for (char **l = lines; *l; l++)
			if (g_str_has_prefix(*l, name)) {
				char **parts = g_strsplit(*l, " ", 4);
				if (g_strv_length(parts) == 4)
					b = hex_bytes(parts[3]);
				g_strfreev(parts);
			}
		g_strfreev(lines);
	}
	g_free(text);
	g_free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	return b;
}

static const ev_hello *run_hello(dis_test *t, const uint8_t *p, size_t len, size_t chunk)
{
	void *st = dissector_hello.state_new(&t->ctx);
	dis_test_stream(t, &dissector_hello, st, DIR_C2S, p, len, chunk, true);
	dissector_hello.state_free(st);
	const event *e = dis_test_find(t, EV_HELLO, 0);
	return e ? e->data : NULL;
}

static void check_sample(int n, const char *uuid, uint32_t hashes, uint32_t retry, size_t len)
{
	dis_test t;
	dis_test_init(&t, 6, "192.168.2.148", 50000, "192.168.2.10", 9971);
	GByteArray *b = sample(n);
	CU_ASSERT_EQUAL(b->len, len);
	const ev_hello *h = run_hello(&t, b->data, b->len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_HELLO), 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_NOTE), 0);
	CU_ASSERT_STRING_EQUAL(h->uuid, uuid);
	CU_ASSERT_EQUAL(h->version, 3);
	CU_ASSERT_TRUE(h->admin_set);
	CU_ASSERT_EQUAL(h->retry, retry);
	CU_ASSERT_EQUAL(h->nhashes, hashes);
	CU_ASSERT_EQUAL(h->length, len);
	for (uint32_t i = 0; i < h->nhashes; i++) {
		CU_ASSERT_EQUAL(h->hashes[i].type, HELLO_HASH_SHA256);
		CU_ASSERT_EQUAL(strlen(h->hashes[i].hex), 64);
		char hex[2 * AMT_HASH_MAX + 1];
		CU_ASSERT_EQUAL(h->hashes[i].hash.alg, AMT_HASH_SHA256);
		CU_ASSERT_EQUAL(h->hashes[i].hash.len, 32);
		CU_ASSERT_STRING_EQUAL(amt_hash_hex(&h->hashes[i].hash, hex), h->hashes[i].hex);
	}
	CU_ASSERT_STRING_EQUAL(h->hashes[0].hex,
			       "c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4");
	CU_ASSERT_STRING_EQUAL(h->hashes[hashes - 1].hex,
			       "2cabeafe37d06ca22aba7391c0033d25982952c453647349763a3ab5ad6ccf69");
	const event *e = dis_test_find(&t, EV_HELLO, 0);
	CU_ASSERT_STRING_EQUAL(field_str(e, "hello.uuid"), uuid);
	CU_ASSERT_EQUAL(field_uint(e, "hello.hash_count"), hashes);
	CU_ASSERT_EQUAL(field_uint(e, "hello.retry"), retry);
	CU_ASSERT_EQUAL(e->frame_first, 1);
	g_byte_array_free(b, TRUE);
	dis_test_free(&t);
}

static void test_sample_s1(void)
{
	check_sample(1, "939b524b-13d4-1d18-e487-1c697a6b7a2b", 23, 0, 807);
}

static void test_sample_s2(void)
{
	check_sample(2, "939b524b-13d4-1d18-e487-1c697a6b7a2b", 24, 0, 841);
}

static void test_sample_s3(void)
{
	check_sample(3, "d2ffc23e-9dd1-412d-860a-54b2039b72ff", 24, 1, 841);
}

/* The message ends at FIN: nothing before it, the same result in pieces. */
static void test_waits_for_end_of_stream(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	GByteArray *b = sample(3);
	void *st = dissector_hello.state_new(&t.ctx);
	dis_test_stream(&t, &dissector_hello, st, DIR_C2S, b->data, b->len, 100, false);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_HELLO), 0);
	dissector_hello.state_free(st);
	const ev_hello *h = run_hello(&t, b->data, b->len, 7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(h->nhashes, 24);
	CU_ASSERT_EQUAL(h->retry, 1);
	g_byte_array_free(b, TRUE);
	dis_test_free(&t);
}

#define V2_HELLO "00 00 02 00 03 00 00 00 4b529b93d413181de4871c697a6b7a2b" "4b 37 51 39 50 32 58 46"

static void test_v2_pid_redacted(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	GByteArray *b = hex_bytes(V2_HELLO);
	CU_ASSERT_EQUAL(b->len, 32);
	const ev_hello *h = run_hello(&t, b->data, b->len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(h->version, 2);
	CU_ASSERT_FALSE(h->admin_set);
	CU_ASSERT_EQUAL(h->retry, 3);
	CU_ASSERT_STRING_EQUAL(h->uuid, "939b524b-13d4-1d18-e487-1c697a6b7a2b");
	CU_ASSERT_STRING_EQUAL(h->pid, "K7******");
	CU_ASSERT_FALSE(events_contain(&t, "K7Q9P2XF"));
	CU_ASSERT_FALSE(events_contain(&t, "Q9P2"));
	dis_test_free(&t);

	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	t.cfg.redact = false;
	h = run_hello(&t, b->data, b->len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_STRING_EQUAL(h->pid, "K7Q9P2XF");
	CU_ASSERT_TRUE(events_contain(&t, "K7Q9P2XF"));
	g_byte_array_free(b, TRUE);
	dis_test_free(&t);
}

/* Each is rejected with one malformed note and no hello. */
static void expect_not_hello(const uint8_t *p, size_t len, const char *why)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	const ev_hello *h = run_hello(&t, p, len, 0);
	CU_ASSERT_PTR_NULL(h);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_MALFORMED), 1);
	const event *n = dis_test_find(&t, EV_NOTE, 0);
	if (!n || !strstr(n->info, why)) {
		fprintf(stderr, "expected \"%s\", got \"%s\"\n", why, n ? n->info : "(none)");
		CU_FAIL("note text");
	}
	dis_test_free(&t);
}

static void test_not_hello(void)
{
	GByteArray *b = sample(1);
	GByteArray *bad = g_byte_array_new();

	g_byte_array_append(bad, b->data, b->len);
	bad->data[2] = 4;
	expect_not_hello(bad->data, bad->len, "interface version 4");

	bad->data[2] = 3;
	bad->data[0] = 2;
	expect_not_hello(bad->data, bad->len, "first word is 2");

	bad->data[0] = 1;
	guint8 extra = 0;
	g_byte_array_append(bad, &extra, 1);
	expect_not_hello(bad->data, bad->len, "1 bytes after the last hash entry");

	expect_not_hello(b->data, b->len - 1, "cut short");

	g_byte_array_set_size(bad, b->len);
	bad->data[25] = 4;  /* type 4 (SHA-224) is not allowed in a hello */
	expect_not_hello(bad->data, bad->len, "type 4 with length 32");

	bad->data[25] = 1;  /* SHA-1 type with a 32-byte length */
	expect_not_hello(bad->data, bad->len, "type 1 with length 32");

	GByteArray *v2 = hex_bytes(V2_HELLO "00");
	expect_not_hello(v2->data, v2->len, "version 2 hello of 33 bytes");
	expect_not_hello(v2->data, 10, "shorter than any hello");

	expect_not_hello((const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, "not a hello");

	/* 255 entries of wrong sizes, well within the byte bound */
	GByteArray *many = g_byte_array_new();
	g_byte_array_append(many, b->data, 24);
	guint8 count = 255;
	g_byte_array_append(many, &count, 1);
	for (int i = 0; i < 255; i++) {
		guint8 entry[2] = {2, 5};
		g_byte_array_append(many, entry, 2);
	}
	expect_not_hello(many->data, many->len, "255 hash entries");

	g_byte_array_free(many, TRUE);
	g_byte_array_free(v2, TRUE);
	g_byte_array_free(bad, TRUE);
	g_byte_array_free(b, TRUE);
}

/* More than the largest possible hello: given up before the end. */
static void test_oversized_stream(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	guint8 *big = g_malloc0(HELLO_MAX_LEN + 100);
	big[2] = 3;
	void *st = dissector_hello.state_new(&t.ctx);
	dis_result r = dissector_hello.parse(st, &t.ctx, big, HELLO_MAX_LEN + 1);
	CU_ASSERT_EQUAL(r.status, DIS_ERROR);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_MALFORMED), 1);
	CU_ASSERT_EQUAL(dis_test_count(&t, EV_HELLO), 0);
	dissector_hello.state_free(st);
	g_free(big);
	dis_test_free(&t);
}

static void test_service_bytes_noted_once(void)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.5", 50000, "10.0.0.1", 9971);
	void *st = dissector_hello.state_new(&t.ctx);
	t.ctx.dir = DIR_S2C;
	dis_result r = dissector_hello.parse(st, &t.ctx, (const uint8_t *)"HTTP/1.1", 8);
	CU_ASSERT_EQUAL(r.status, DIS_OK);
	CU_ASSERT_EQUAL(r.consumed, 8);
	dissector_hello.parse(st, &t.ctx, (const uint8_t *)"more", 4);
	CU_ASSERT_EQUAL(notes_of(&t, NOTE_INFO), 1);
	dissector_hello.state_free(st);
	dis_test_free(&t);
}

int main(void)
{
	static const CU_TestInfo tests[] = {
		{"real sample s1: 23 hashes, retry 0", test_sample_s1},
		{"real sample s2: 24 hashes, retry 0", test_sample_s2},
		{"real sample s3: other device, retry 1", test_sample_s3},
		{"decoded at end of stream only", test_waits_for_end_of_stream},
		{"v2 PID redacted unless --no-redact", test_v2_pid_redacted},
		{"not a hello (section 2.5)", test_not_hello},
		{"oversized stream rejected", test_oversized_stream},
		{"service bytes noted once", test_service_bytes_noted_once},
		CU_TEST_INFO_NULL,
	};
	return run_suite("hello", tests);
}
