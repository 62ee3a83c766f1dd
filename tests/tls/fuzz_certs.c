/* libFuzzer harness: the `amtscope certs` file reader and the chain checks
 * that follow it (PEM, DER, PKCS#12 and whatever else arrives). */
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decoder/arena.h"
#include "dissectors/x509.h"
#include "rules/certcheck.h"
#include "inputs/certfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	certfile cf;
	char *err = NULL;
	if (!certfile_parse(data, size, "amtscope-test", &cf, &err)) {
		free(err);
		return 0;
	}
	int n = sk_X509_num(cf.certs);
	X509 **c = calloc((size_t)n + 1, sizeof(X509 *));
	arena a;
	arena_init(&a, 0);
	for (int i = 0; i < n; i++) {
		c[i] = sk_X509_value(cf.certs, i);
		x509_info info;
		x509_describe(&a, c[i], &info);
		(void)cert_matches_host(c[i], "amt.example.com");
	}
	certcheck *cc = certcheck_new(NULL, false, &err);
	const chain_verdict *v = certcheck_x509(cc, c, (uint32_t)n, 1795000000LL * 1000000);
	(void)chain_expired_at(v, 0);
	certcheck_free(cc);
	arena_free(&a);
	free(c);
	certfile_free(&cf);
	return 0;
}
