/* Community ID v1 on fixed tuples whose ids tshark 4.0 computed on the
 * suite's captures (tests/siem/community_id.py compares every flow): IPv4
 * TCP, the same addresses on both ends (ports decide the order), IPv6 UDP,
 * both directions giving one id, and no id without addresses. */
#include <CUnit/Basic.h>
#include <string.h>

#include "decoder/community_id.h"

static void check(uint8_t proto, const char *a, uint16_t ap, const char *b, uint16_t bp, const char *want)
{
	amt_addr x, y;
	char got[COMMUNITY_ID_LEN], back[COMMUNITY_ID_LEN];
	CU_ASSERT_FATAL(amt_addr_parse(a, &x) && amt_addr_parse(b, &y));
	community_id_v1(got, proto, &x, ap, &y, bp);
	community_id_v1(back, proto, &y, bp, &x, ap);
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT_STRING_EQUAL(back, want);
}

static void test_known_flows(void)
{
	/* tests/amt/captures/hello-unanswered.pcap: AMT's hello to its setup service */
	check(6, "127.0.5.10", 53325, "127.0.5.1", 9971, "1:k+WKASxUG/1DuKPckALy5dRFlx8=");
	/* tests/decoder/captures/base.pcap: one address on both ends */
	check(6, "127.0.2.1", 59725, "127.0.2.1", 16992, "1:SC7U+Bm7/iVEEsbCsxKTQbysWhA=");
	/* tests/infra/captures/dhcpv6-search.pcap: DHCPv6 over link-local and multicast */
	check(17, "fe80::ff:fe03:7", 546, "ff02::1:2", 547, "1:6pjsQmMNBu1zMjMjhGcWlHu7kEc=");
	check(17, "fd03::1", 547, "fe80::ff:fe03:7", 546, "1:LFnzQwipVikc3qd+6moA5FEdPfk=");
}

static void test_no_addresses(void)
{
	amt_addr none = {0}, v4, v6;
	char got[COMMUNITY_ID_LEN] = "x";
	CU_ASSERT_FATAL(amt_addr_parse("10.0.0.1", &v4) && amt_addr_parse("fd00::1", &v6));
	community_id_v1(got, 6, &none, 1, &v4, 2);
	CU_ASSERT_STRING_EQUAL(got, "");
	community_id_v1(got, 6, &v4, 1, &v6, 2);  /* mixed families: no flow of ours */
	CU_ASSERT_STRING_EQUAL(got, "");
	/* the length leaves room: "1:" + 28 base64 characters */
	community_id_v1(got, 17, &v6, 1, &v6, 2);
	CU_ASSERT_EQUAL(strlen(got), 30);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("community_id", NULL, NULL);
	CU_add_test(s, "flows tshark hashed", test_known_flows);
	CU_add_test(s, "no addresses, no id", test_no_addresses);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
