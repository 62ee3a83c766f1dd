/* The findings table: one finding per (rule, device, key), the caps, and
 * finding_would_be_new(), which rules ask before building a finding's text. */
#include <CUnit/Basic.h>
#include <string.h>

#include "rules/findings.h"

static void test_same_key_same_finding(void)
{
	findings f;
	findings_init(&f, 100, 8);
	bool is_new;
	finding *a = finding_add(&f, "r.one", SEV_ERROR, "10.0.0.1", "k", &is_new);
	CU_ASSERT_TRUE(is_new);
	CU_ASSERT_TRUE(finding_exists(&f, "r.one", "10.0.0.1", "k"));
	CU_ASSERT_FALSE(finding_would_be_new(&f, "r.one", "10.0.0.1", "k"));
	CU_ASSERT_PTR_EQUAL(finding_add(&f, "r.one", SEV_ERROR, "10.0.0.1", "k", &is_new), a);
	CU_ASSERT_FALSE(is_new);
	CU_ASSERT_FALSE(finding_exists(&f, "r.one", "10.0.0.1", "other"));
	CU_ASSERT_FALSE(finding_exists(&f, "r.two", "10.0.0.1", "k"));
	CU_ASSERT_TRUE(finding_would_be_new(&f, "r.one", NULL, "k"));
	finding_add(&f, "r.one", SEV_ERROR, NULL, NULL, &is_new);
	CU_ASSERT_TRUE(is_new);
	CU_ASSERT_TRUE(finding_exists(&f, "r.one", NULL, NULL));
	CU_ASSERT_EQUAL(f.list->len, 2);
	findings_free(&f);
}

/* Keys longer than the stack buffer the table composes them in. */
static void test_long_keys(void)
{
	findings f;
	findings_init(&f, 100, 8);
	char key[600];
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = 0;
	bool is_new;
	finding *a = finding_add(&f, "r.long", SEV_WARNING, "dev", key, &is_new);
	CU_ASSERT_TRUE(is_new);
	CU_ASSERT_TRUE(finding_exists(&f, "r.long", "dev", key));
	key[300] = 'y';
	CU_ASSERT_FALSE(finding_exists(&f, "r.long", "dev", key));
	key[300] = 'x';
	CU_ASSERT_PTR_EQUAL(finding_add(&f, "r.long", SEV_WARNING, "dev", key, &is_new), a);
	CU_ASSERT_FALSE(is_new);
	CU_ASSERT_STRING_EQUAL(a->key, key);
	findings_free(&f);
}

/* Over a cap nothing new is kept, and would_be_new says so before. */
static void test_caps(void)
{
	findings f;
	findings_init(&f, 3, 2);
	bool is_new;
	finding_add(&f, "r.a", SEV_ERROR, "d1", "1", &is_new);
	finding_add(&f, "r.a", SEV_ERROR, "d1", "2", &is_new);
	/* two of r.a for d1: the per-device cap */
	CU_ASSERT_FALSE(finding_would_be_new(&f, "r.a", "d1", "3"));
	finding_add(&f, "r.a", SEV_ERROR, "d1", "3", &is_new);
	CU_ASSERT_EQUAL(f.list->len, 2);
	CU_ASSERT_EQUAL(f.over_cap_per_device, 1);
	/* another device, or another rule, still has room */
	CU_ASSERT_TRUE(finding_would_be_new(&f, "r.a", "d2", "1"));
	CU_ASSERT_TRUE(finding_would_be_new(&f, "r.b", "d1", "1"));
	finding_add(&f, "r.a", SEV_ERROR, "d2", "1", &is_new);
	/* three in all: the total cap */
	CU_ASSERT_FALSE(finding_would_be_new(&f, "r.b", "d1", "1"));
	finding_add(&f, "r.b", SEV_ERROR, "d1", "1", &is_new);
	CU_ASSERT_EQUAL(f.list->len, 3);
	CU_ASSERT_EQUAL(f.over_cap, 1);
	/* a kept one is still found, over the cap or not */
	CU_ASSERT_TRUE(finding_exists(&f, "r.a", "d1", "2"));
	findings_free(&f);
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("findings", NULL, NULL);
	CU_add_test(su, "one finding per rule, device and key", test_same_key_same_finding);
	CU_add_test(su, "keys longer than the stack buffer", test_long_keys);
	CU_add_test(su, "caps, and what would be new", test_caps);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
