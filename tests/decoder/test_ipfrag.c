/* IPv6 fragment reassembly (RFC 8200 §4.5) from hand-made fragments:
 * in and out of order, overlap refused (RFC 5722), the 65535-byte bound,
 * non-final fragments not a multiple of 8, the table bound. */
#include <CUnit/Basic.h>
#include <string.h>

#include "decoder/ipfrag.h"
#include "decoder/packet.h"

static uint8_t hdr[40];
static uint8_t payload[3000];

static void setup(void)
{
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 0x60;
	hdr[6] = 44;
	hdr[7] = 64;
	hdr[23] = 1;  /* ::1 */
	hdr[39] = 1;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	/* a UDP header at the start of the datagram: 3000 bytes, ports 53 -> 40000 */
	payload[0] = 0;
	payload[1] = 53;
	payload[2] = 0x9c;
	payload[3] = 0x40;
	payload[4] = (uint8_t)(sizeof(payload) >> 8);
	payload[5] = (uint8_t)sizeof(payload);
	payload[6] = payload[7] = 0;
}

static ipfrag_result add(ipfrag_table *t, uint32_t id, uint32_t off, uint32_t len, bool more, const uint8_t **out,
			 uint32_t *outlen)
{
	ipfrag6 f = {hdr, id, off, more, 17, payload + off, len};
	bool dropped;
	return ipfrag_add6(t, &f, 0, out, outlen, &dropped);
}

static void test_in_and_out_of_order(void)
{
	setup();
	ipfrag_table *t = ipfrag_new(16);
	const uint8_t *out;
	uint32_t n;
	CU_ASSERT_EQUAL(add(t, 1, 1232, 1232, true, &out, &n), IPFRAG_HELD);
	CU_ASSERT_EQUAL(add(t, 1, 2464, 536, false, &out, &n), IPFRAG_HELD);
	CU_ASSERT_EQUAL(add(t, 1, 0, 1232, true, &out, &n), IPFRAG_DONE);
	CU_ASSERT_EQUAL(n, 40 + 3000);
	CU_ASSERT_EQUAL(out[6], 17);  /* Next Header: the fragmented protocol */
	CU_ASSERT_EQUAL((out[4] << 8) | out[5], 3000);
	CU_ASSERT_EQUAL(memcmp(out + 40, payload, 3000), 0);
	pkt p;
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(pkt_decode_ip(out, n, &p), PKT_OK);
	CU_ASSERT_EQUAL(p.sport, 53);
	CU_ASSERT_EQUAL(p.payload_len, 3000 - 8);
	/* the same id again is a new datagram */
	CU_ASSERT_EQUAL(add(t, 1, 0, 1232, true, &out, &n), IPFRAG_HELD);
	ipfrag_free(t);
}

static void test_overlap_refused(void)
{
	setup();
	ipfrag_table *t = ipfrag_new(16);
	const uint8_t *out;
	uint32_t n;
	CU_ASSERT_EQUAL(add(t, 2, 0, 1232, true, &out, &n), IPFRAG_HELD);
	CU_ASSERT_EQUAL(add(t, 2, 1224, 1232, true, &out, &n), IPFRAG_REFUSED);
	/* the rest of that datagram is discarded too (RFC 5722 §4) */
	CU_ASSERT_EQUAL(add(t, 2, 2464, 536, false, &out, &n), IPFRAG_REFUSED);
	CU_ASSERT_EQUAL(add(t, 2, 1232, 1232, true, &out, &n), IPFRAG_REFUSED);
	/* a last fragment that moves the end is refused as well */
	CU_ASSERT_EQUAL(add(t, 3, 2464, 536, false, &out, &n), IPFRAG_HELD);
	CU_ASSERT_EQUAL(add(t, 3, 2464, 520, false, &out, &n), IPFRAG_REFUSED);
	ipfrag_free(t);
}

static void test_bounds(void)
{
	setup();
	ipfrag_table *t = ipfrag_new(4);
	const uint8_t *out;
	uint32_t n;
	/* past 65535 bytes */
	ipfrag6 big = {hdr, 4, 65528, false, 17, payload, 16};
	bool dropped;
	CU_ASSERT_EQUAL(ipfrag_add6(t, &big, 0, &out, &n, &dropped), IPFRAG_IGNORED);
	/* a fragment with more to come must carry a multiple of 8 bytes */
	CU_ASSERT_EQUAL(add(t, 5, 0, 1230, true, &out, &n), IPFRAG_IGNORED);
	/* the table holds at most 4 datagrams: the oldest goes */
	for (uint32_t id = 10; id < 20; id++) {
		ipfrag6 f = {hdr, id, 0, true, 17, payload, 8};
		ipfrag_add6(t, &f, id, &out, &n, &dropped);
		if (id >= 14)
			CU_ASSERT_TRUE(dropped);
	}
	ipfrag_free(t);
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite su = CU_add_suite("ipfrag6", NULL, NULL);
	CU_add_test(su, "in and out of order", test_in_and_out_of_order);
	CU_add_test(su, "overlap refused", test_overlap_refused);
	CU_add_test(su, "bounds", test_bounds);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
