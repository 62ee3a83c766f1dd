#include "community_id.h"

#include <glib.h>
#include <string.h>

/* The smaller endpoint goes first: address bytes compared as unsigned
 * big-endian numbers, then the port. */
static bool ordered(const amt_addr *a, uint16_t aport, const amt_addr *b, uint16_t bport)
{
	size_t n = a->family == 6 ? 16 : 4;
	int c = memcmp(a->b, b->b, n);
	return c < 0 || (c == 0 && aport < bport);
}

void community_id_v1(char out[COMMUNITY_ID_LEN], uint8_t ipproto, const amt_addr *a, uint16_t aport,
		     const amt_addr *b, uint16_t bport)
{
	out[0] = 0;
	if (!a->family || a->family != b->family)
		return;
	if (!ordered(a, aport, b, bport)) {
		const amt_addr *t = a;
		a = b;
		b = t;
		uint16_t tp = aport;
		aport = bport;
		bport = tp;
	}
	size_t n = a->family == 6 ? 16 : 4;
	uint8_t buf[2 + 16 + 16 + 2 + 4], *p = buf;
	*p++ = 0;  /* seed, 16 bits big-endian */
	*p++ = 0;
	memcpy(p, a->b, n);
	p += n;
	memcpy(p, b->b, n);
	p += n;
	*p++ = ipproto;
	*p++ = 0;  /* padding */
	*p++ = (uint8_t)(aport >> 8);
	*p++ = (uint8_t)aport;
	*p++ = (uint8_t)(bport >> 8);
	*p++ = (uint8_t)bport;
	GChecksum *h = g_checksum_new(G_CHECKSUM_SHA1);
	g_checksum_update(h, buf, (gssize)(p - buf));
	uint8_t digest[20];
	gsize dlen = sizeof(digest);
	g_checksum_get_digest(h, digest, &dlen);
	g_checksum_free(h);
	gchar *b64 = g_base64_encode(digest, dlen);
	g_snprintf(out, COMMUNITY_ID_LEN, "1:%s", b64);
	g_free(b64);
}
