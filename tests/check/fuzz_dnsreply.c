/* libFuzzer harness: the DNS reply parser of `amtscope check` on arbitrary
 * bytes, as the reply to an A and to a PTR question, and the RMCP pong test. */
#include <stddef.h>
#include <stdint.h>

#include "../../check/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	static const struct { const char *name; uint16_t type; } q[] = {
		{"ProvisionServer.corp.example", 1}, {"7.10.0.127.in-addr.arpa", 12}, {"a.example", 28},
	};
	uint16_t id = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		dnsq_result r;
		dnsq_result_init(&r);
		char *next = NULL;
		dnsq_parse(p, n, id, q[i].name, q[i].type, &r, &next);
		g_free(next);
		dnsq_result_clear(&r);
	}
	rmcp_is_pong(p, n, n ? p[n - 1] : 0);
	return 0;
}
