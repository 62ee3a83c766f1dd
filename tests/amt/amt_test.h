/* Helpers shared by the AMT unit tests. */
#ifndef AMT_TEST_H
#define AMT_TEST_H
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>

#include "decoder/dissector.h"

/* Bytes of a hex string ("01 00 0a..." spaces allowed). */
static inline GByteArray *hex_bytes(const char *hex)
{
	GByteArray *b = g_byte_array_new();
	unsigned v, nib = 0, have = 0;
	for (const char *p = hex; *p; p++) {
		if (!g_ascii_isxdigit(*p))
			continue;
		v = (unsigned)g_ascii_xdigit_value(*p);
		nib = (nib << 4) | v;
		if (++have == 2) {
			guint8 c = (guint8)nib;
			g_byte_array_append(b, &c, 1);
			have = nib = 0;
		}
	}
	return b;
}

/* True when some field or the info of any recorded event contains needle. */
static inline bool events_contain(dis_test *t, const char *needle)
{
	for (size_t i = 0; dis_test_get(t, i); i++) {
		const event *e = dis_test_get(t, i);
		if (e->info && strstr(e->info, needle))
			return true;
		for (uint32_t j = 0; j < e->nfields; j++)
			if ((e->fields[j].type == FT_STR || e->fields[j].type == FT_HEX) && e->fields[j].v.s &&
			    strstr(e->fields[j].v.s, needle))
				return true;
	}
	return false;
}

static inline const char *field_str(const event *e, const char *name)
{
	const ev_field *f = e ? ev_field_get(e, name) : NULL;
	return f ? f->v.s : NULL;
}

static inline uint64_t field_uint(const event *e, const char *name)
{
	const ev_field *f = e ? ev_field_get(e, name) : NULL;
	return f ? f->v.u : (uint64_t)-1;
}

static inline size_t notes_of(dis_test *t, note_kind k)
{
	size_t n = 0;
	for (size_t i = 0; dis_test_get(t, i); i++) {
		const event *e = dis_test_get(t, i);
		if (e->kind == EV_NOTE && ((const ev_note *)e->data)->kind == k)
			n++;
	}
	return n;
}

static inline int run_suite(const char *name, const CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {{(char *)name, NULL, NULL, NULL, NULL, (CU_TestInfo *)tests}, CU_SUITE_INFO_NULL};
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_register_suites(suites);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#endif
