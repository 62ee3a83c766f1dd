/* libFuzzer harness: what `amtscope check --user` reads from a device: the
 * HTTP reply (headers, chunked body), the digest challenge and the SOAP body. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../check/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	char *buf = g_strndup((const char *)p, n);  /* the client reads text up to a NUL */
	size_t len = strlen(buf);
	int status;
	char *www = NULL, *body = NULL;
	if (http_reply_parse(buf, len, &status, &www, &body)) {
		if (www) {
			g_free(digest_param(www, "realm"));
			g_free(digest_param(www, "nonce"));
		}
		GHashTable *props = wsman_props(body, strlen(body));
		if (props)
			g_hash_table_destroy(props);
	}
	g_free(www);
	g_free(body);
	g_free(buf);
	return 0;
}
