#include "hash.h"

char *amt_hash_hex(const amt_hash *h, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = h->len <= AMT_HASH_MAX ? h->len : 0;
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = digits[h->b[i] / 16];
		buf[2 * i + 1] = digits[h->b[i] % 16];
	}
	buf[2 * n] = 0;
	return buf;
}

char *amt_hash_text(const amt_hash *h, char *buf)
{
	const char *name = amt_hash_alg_name(h->alg);
	size_t o = 0;
	if (name) {
		o = strlen(name);
		memcpy(buf, name, o);
		buf[o++] = ':';
	}
	amt_hash_hex(h, buf + o);
	return buf;
}
