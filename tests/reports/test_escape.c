/* Unit tests of what keeps captured strings harmless in every format:
 * terminal text, HTML, JSON; and of the RFC 3339 times. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "reports/escape.h"
#include "reports/jsonw.h"

typedef void (*writer)(FILE *f, const char *s);

static char *render(writer w, const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	w(f, s);
	fclose(f);
	return buf;
}

static void json_writer(FILE *f, const char *s)
{
	jsonw w;
	jw_init(&w, f, false);
	jw_str(&w, s);
	jw_flush(&w);
}

#define EXPECT(w, in, out)                                  \
	do {                                                \
		char *got_ = render(w, in);                 \
		CU_ASSERT_STRING_EQUAL(got_, out);          \
		if (strcmp(got_, out))                      \
			fprintf(stderr, "\n  got [%s]\n", got_); \
		free(got_);                                 \
	} while (0)

static void test_text_controls(void)
{
	EXPECT(out_text, "plain host.example", "plain host.example");
	EXPECT(out_text, "a\x1b[2Jb", "a\\x1b[2Jb");
	EXPECT(out_text, "bell\x07 tab\t nl\n del\x7f", "bell\\x07 tab\\x09 nl\\x0a del\\x7f");
	/* C1 control U+009B (CSI) is as dangerous as ESC [ */
	EXPECT(out_text, "x\xc2\x9b" "31m", "x\\xc2\\x9b31m");
	/* valid UTF-8 stays, invalid bytes are shown */
	EXPECT(out_text, "caf\xc3\xa9 \xe2\x86\x92 \xff\xfe", "caf\xc3\xa9 \xe2\x86\x92 \\xff\\xfe");
	/* overlong and truncated sequences */
	EXPECT(out_text, "\xc0\xaf|\xe2\x86", "\\xc0\\xaf|\\xe2\\x86");
}

static void test_text_width(void)
{
	CU_ASSERT_EQUAL(text_width("abc"), 3);
	CU_ASSERT_EQUAL(text_width("\xe2\x86\x92"), 1);
	CU_ASSERT_EQUAL(text_width("\x1b"), 4);
	CU_ASSERT_EQUAL(text_width(NULL), 0);
}

static void test_html(void)
{
	EXPECT(out_html, "<script>alert('x')</script> & \"q\"",
	       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	EXPECT(out_html, "</title>\x1b]0;t\x07", "&lt;/title&gt;\\x1b]0;t\\x07");
	EXPECT(out_html, "\xf0\x9f\x94\x92 ok", "\xf0\x9f\x94\x92 ok");
}

static void test_json(void)
{
	EXPECT(json_writer, "a\"b\\c", "\"a\\\"b\\\\c\"");
	EXPECT(json_writer, "nl\n cr\r tab\t esc\x1b del\x7f", "\"nl\\n cr\\r tab\\t esc\\u001b del\\u007f\"");
	EXPECT(json_writer, "bad \xff utf8 \xc3\xa9", "\"bad \\ufffd utf8 \xc3\xa9\"");
	EXPECT(json_writer, "</script>", "\"</script>\"");
}

static void test_time(void)
{
	char b[40];
	CU_ASSERT_STRING_EQUAL(fmt_time_rfc3339(1795434601123456LL, b), "2026-11-23T11:50:01.123456Z");
	CU_ASSERT_STRING_EQUAL(fmt_time_rfc3339(0, b), "1970-01-01T00:00:00.000000Z");
	/* before the epoch the fraction still counts forward */
	CU_ASSERT_STRING_EQUAL(fmt_time_rfc3339(-1, b), "1969-12-31T23:59:59.999999Z");
}

static void test_json_nesting(void)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	jsonw w;
	jw_init(&w, f, false);
	jw_obj(&w);
	jw_kstr(&w, "skipped", NULL);
	jw_key(&w, "a");
	jw_arr(&w);
	jw_uint(&w, 1);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_kbool(&w, "b", true);
	jw_obj_end(&w);
	jw_flush(&w);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "{\"a\":[1,{}],\"b\":true}");
	free(buf);
}

/* Numbers without printf, and output past the writer's own buffer: a string
 * longer than it, and many small writes that cross its end. */
static void test_json_numbers_and_buffer(void)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	jsonw w;
	jw_init(&w, f, false);
	jw_arr(&w);
	jw_uint(&w, 0);
	jw_uint(&w, UINT64_MAX);
	jw_int(&w, -1);
	jw_int(&w, INT64_MIN);
	jw_int(&w, INT64_MAX);
	jw_arr_end(&w);
	jw_end(&w);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "[0,18446744073709551615,-1,-9223372036854775808,9223372036854775807]\n");
	free(buf);

	GString *big = g_string_new(NULL);
	for (int i = 0; i < 40000; i++)
		g_string_append_c(big, (char)('a' + i % 26));
	f = open_memstream(&buf, &n);
	jw_init(&w, f, false);
	jw_arr(&w);
	for (int i = 0; i < 3000; i++)
		jw_str(&w, "x\ty");  /* 7 bytes each with the comma: crosses the buffer's end */
	jw_str(&w, big->str);
	jw_uint(&w, 42);
	jw_arr_end(&w);
	jw_end(&w);
	fclose(f);
	GString *want = g_string_new("[");
	for (int i = 0; i < 3000; i++)
		g_string_append(want, "\"x\\ty\",");
	g_string_append_printf(want, "\"%s\",42]\n", big->str);
	CU_ASSERT_EQUAL(n, want->len);
	CU_ASSERT_STRING_EQUAL(buf, want->str);
	free(buf);
	g_string_free(want, TRUE);
	g_string_free(big, TRUE);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("escape", NULL, NULL);
	CU_add_test(s, "terminal text: control characters", test_text_controls);
	CU_add_test(s, "terminal text: widths", test_text_width);
	CU_add_test(s, "html escaping", test_html);
	CU_add_test(s, "json escaping", test_json);
	CU_add_test(s, "rfc 3339 times", test_time);
	CU_add_test(s, "json nesting and omitted values", test_json_nesting);
	CU_add_test(s, "json numbers, output past the buffer", test_json_numbers_and_buffer);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
