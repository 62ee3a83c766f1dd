#include "ipfrag.h"

#include <glib.h>
#include <string.h>

#include "wire.h"

#define MAX_DGRAM 65535
#define FRAG_TIMEOUT_US (30LL * 1000000)

typedef struct frag_key {
	uint8_t src[4], dst[4];
	uint16_t id;
	uint8_t proto;
} frag_key;

typedef struct frag_entry {
	frag_key key;
	int64_t first_seen;
	uint32_t total;        /* payload length, known once the last fragment came */
	uint32_t hdr_len;
	uint8_t hdr[60];       /* the first fragment's header */
	bool have_first;
	uint8_t *data;         /* payload, MAX_DGRAM bytes, allocated on first use */
	uint8_t have[MAX_DGRAM / 64 + 1]; /* one bit per 8-byte block */
} frag_entry;

struct ipfrag_table {
	GHashTable *h;  /* frag_key* -> frag_entry* */
	uint32_t max;
	uint8_t out[MAX_DGRAM + 60];
};

static guint key_hash(gconstpointer p)
{
	const frag_key *k = p;
	uint32_t h = k->id * 2654435761u;
	for (int i = 0; i < 4; i++)
		h = (h ^ k->src[i] ^ ((uint32_t)k->dst[i] << 8)) * 16777619u;
	return h ^ k->proto;
}

static gboolean key_eq(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(frag_key)) == 0;
}

static void entry_free(gpointer p)
{
	frag_entry *e = p;
	g_free(e->data);
	g_free(e);
}

ipfrag_table *ipfrag_new(uint32_t max)
{
	ipfrag_table *t = g_new0(ipfrag_table, 1);
	t->h = g_hash_table_new_full(key_hash, key_eq, NULL, entry_free);
	t->max = max ? max : 1024;
	return t;
}

void ipfrag_free(ipfrag_table *t)
{
	if (!t)
		return;
	g_hash_table_destroy(t->h);
	g_free(t);
}

static void expire(ipfrag_table *t, int64_t now, bool *dropped)
{
	GHashTableIter it;
	gpointer k, v;
	frag_entry *oldest = NULL;
	g_hash_table_iter_init(&it, t->h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		frag_entry *e = v;
		if (now - e->first_seen > FRAG_TIMEOUT_US)
			g_hash_table_iter_remove(&it);
		else if (!oldest || e->first_seen < oldest->first_seen)
			oldest = e;
	}
	if (g_hash_table_size(t->h) >= t->max && oldest) {
		g_hash_table_remove(t->h, &oldest->key);
		*dropped = true;
	}
}

static bool complete(const frag_entry *e)
{
	if (!e->total || !e->have_first)
		return false;
	uint32_t blocks = (e->total + 7) / 8;
	for (uint32_t b = 0; b < blocks; b++)
		if (!(e->have[b / 8] & (1u << (b % 8))))
			return false;
	return true;
}

bool ipfrag_add(ipfrag_table *t, const uint8_t *ip, uint32_t len, int64_t now,
		const uint8_t **out, uint32_t *outlen, bool *dropped)
{
	*dropped = false;
	wire w = wire_init(ip, len);
	uint8_t vihl = wire_u8(&w);
	wire_skip(&w, 1);
	uint16_t total = wire_u16be(&w);
	frag_key k;
	memset(&k, 0, sizeof(k));
	k.id = wire_u16be(&w);
	uint16_t frag = wire_u16be(&w);
	wire_skip(&w, 1);
	k.proto = wire_u8(&w);
	wire_skip(&w, 2);
	wire_copy(&w, k.src, 4);
	wire_copy(&w, k.dst, 4);
	uint32_t hl = (vihl & 15) * 4u;
	if (w.err || hl < 20 || hl > len || total < hl)
		return false;
	uint32_t off = (frag & 0x1fff) * 8u;
	bool more = (frag & 0x2000) != 0;
	uint32_t plen = (total < len ? total : len) - hl;
	if (off + plen > MAX_DGRAM)
		return false;

	frag_entry *e = g_hash_table_lookup(t->h, &k);
	if (!e) {
		if (g_hash_table_size(t->h) >= t->max || g_hash_table_size(t->h) % 64 == 63)
			expire(t, now, dropped);
		e = g_new0(frag_entry, 1);
		e->key = k;
		e->first_seen = now;
		g_hash_table_insert(t->h, &e->key, e);
	}
	if (!e->data)
		e->data = g_malloc(MAX_DGRAM);
	memcpy(e->data + off, ip + hl, plen);
	/* mark only whole 8-byte blocks, and the tail block of the last fragment */
	uint32_t first_block = off / 8, end = off + plen;
	uint32_t last_block = more ? end / 8 : (end + 7) / 8;
	for (uint32_t b = first_block; b < last_block; b++)
		e->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!more)
		e->total = end;
	if (off == 0) {
		e->have_first = true;
		e->hdr_len = hl;
		memcpy(e->hdr, ip, hl);
	}
	if (!complete(e))
		return false;
	/* rebuild an unfragmented datagram */
	uint32_t n = e->hdr_len + e->total;
	if (n > 65535) {
		g_hash_table_remove(t->h, &k);
		return false;
	}
	memcpy(t->out, e->hdr, e->hdr_len);
	memcpy(t->out + e->hdr_len, e->data, e->total);
	t->out[2] = (uint8_t)(n >> 8);
	t->out[3] = (uint8_t)n;
	t->out[6] = 0;
	t->out[7] = 0;
	*out = t->out;
	*outlen = n;
	g_hash_table_remove(t->h, &k);
	return true;
}
