/* Small helpers for the http/wsman tests. */
#ifndef AMT_TEST_HTTP_UTIL_H
#define AMT_TEST_HTTP_UTIL_H
#include <CUnit/Basic.h>
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decoder/event.h"

/* Reads $TESTDATA/<rel> (tests/data/public); aborts the test run if missing. */
static inline GBytes *public_file(const char *rel)
{
	const char *dir = getenv("TESTDATA");
	char *path = g_build_filename(dir ? dir : "../tests/data/public", rel, NULL);
	gchar *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &data, &len, NULL)) {
		fprintf(stderr, "missing sample %s\n", path);
		exit(2);
	}
	g_free(path);
	return g_bytes_new_take(data, len);
}

static inline const char *fstr(const event *e, const char *name)
{
	const ev_field *f = e ? ev_field_get(e, name) : NULL;
	return f && (f->type == FT_STR || f->type == FT_HEX) ? f->v.s : NULL;
}

static inline bool has_value(const event *e, const char *name, const char *value)
{
	for (uint32_t i = 0; e && i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0 && e->fields[i].type == FT_STR &&
		    strcmp(e->fields[i].v.s, value) == 0)
			return true;
	return false;
}

/* True when any string field or the info of e contains needle. */
static inline bool event_mentions(const event *e, const char *needle)
{
	if (e->info && strstr(e->info, needle))
		return true;
	for (uint32_t i = 0; i < e->nfields; i++)
		if ((e->fields[i].type == FT_STR || e->fields[i].type == FT_HEX) && strstr(e->fields[i].v.s, needle))
			return true;
	return false;
}

#define STR_EQ(a, b) do { CU_ASSERT_STRING_EQUAL((a) ? (a) : "(null)", (b)); } while (0)

static inline int run_suite(const char *name, const char *const *names, void (*const *fns)(void), size_t n)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		CU_add_test(s, names[i], fns[i]);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#endif
