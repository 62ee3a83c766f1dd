/* The code -> name table (decoder/tok.h): lookups, the default for a code a
 * table does not list, the sorted lookup, and the largest table that uses
 * it (DNS RR types) found whole by it. */
#include <CUnit/Basic.h>
#include <string.h>

#include "decoder/events/dns.h"
#include "decoder/tok.h"

static const tok small[] = {{0, "zero"}, {7, "seven"}, {0x822, "big"}, {0, NULL}};
static const tok sorted[] = {{1, "a"}, {3, "b"}, {5, "c"}, {900, "d"}, {0, NULL}};
static const tok unsorted[] = {{1, "a"}, {5, "c"}, {3, "b"}, {0, NULL}};

static void test_tok_name(void)
{
	CU_ASSERT_STRING_EQUAL(tok_name(small, 0, "?"), "zero");  /* 0 is a value, not the end */
	CU_ASSERT_STRING_EQUAL(tok_name(small, 7, "?"), "seven");
	CU_ASSERT_STRING_EQUAL(tok_name(small, 0x822, "?"), "big");
	CU_ASSERT_STRING_EQUAL(tok_name(small, 8, "?"), "?");
	CU_ASSERT_PTR_NULL(tok_name(small, 0xffffffffu, NULL));
	CU_ASSERT_EQUAL(TOK_COUNT(small), 3);
}

static void test_tok_sorted(void)
{
	CU_ASSERT_TRUE(tok_sorted(sorted, TOK_COUNT(sorted)));
	CU_ASSERT_FALSE(tok_sorted(unsorted, TOK_COUNT(unsorted)));
	CU_ASSERT_TRUE(tok_sorted(small, 0));  /* empty: sorted */
	for (size_t i = 0; i < TOK_COUNT(sorted); i++)
		CU_ASSERT_PTR_EQUAL(tok_name_sorted(sorted, TOK_COUNT(sorted), sorted[i].value, NULL),
				    sorted[i].name);
	CU_ASSERT_STRING_EQUAL(tok_name_sorted(sorted, TOK_COUNT(sorted), 0, "-"), "-");
	CU_ASSERT_STRING_EQUAL(tok_name_sorted(sorted, TOK_COUNT(sorted), 4, "-"), "-");
	CU_ASSERT_STRING_EQUAL(tok_name_sorted(sorted, TOK_COUNT(sorted), 901, "-"), "-");
	CU_ASSERT_STRING_EQUAL(tok_name_sorted(sorted, 0, 1, "-"), "-");
}

/* Every RR type the table lists is found (a table out of order would lose
 * some to the binary search), and nothing else is. */
static void test_dns_types_whole(void)
{
	unsigned named = 0;
	for (uint32_t t = 0; t <= 0xffff; t++)
		named += dns_type_name((uint16_t)t) != NULL;
	CU_ASSERT_EQUAL(named, 97);
	CU_ASSERT_STRING_EQUAL(dns_type_name(1), "A");
	CU_ASSERT_STRING_EQUAL(dns_type_name(264), "IPN");
	CU_ASSERT_STRING_EQUAL(dns_type_name(32769), "DLV");
	CU_ASSERT_PTR_NULL(dns_type_name(0));
	CU_ASSERT_PTR_NULL(dns_type_name(54));
	CU_ASSERT_STRING_EQUAL(dns_rcode_name(3), "No such name");
	CU_ASSERT_STRING_EQUAL(dns_rcode_name(11), "Unknown rcode");
	CU_ASSERT_STRING_EQUAL(dns_opcode_name(3), "Unknown operation");
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("tok", NULL, NULL);
	CU_add_test(su, "lookup and default", test_tok_name);
	CU_add_test(su, "sorted lookup", test_tok_sorted);
	CU_add_test(su, "DNS RR types found whole", test_dns_types_whole);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
