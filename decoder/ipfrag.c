#include "ipfrag.h"

#include <glib.h>
#include <string.h>

#include "wire.h"

#define MAX_DGRAM 65535
#define FRAG_TIMEOUT_US (30LL * 1000000)

/* Fragments of one datagram share source, destination, identification and
 * (IPv4) protocol; an IPv6 key has a 32-bit id and family 6. */
typedef struct frag_key {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto, family;
	uint8_t pad[2];
} frag_key;

typedef struct frag_entry {
	frag_key key;
	int64_t first_seen;
	uint32_t total;        /* payload length, known once the last fragment came */
	uint32_t hdr_len;
	uint8_t hdr[60];       /* the first fragment's header (IPv6: rebuilt, 40 bytes) */
	bool have_first;
	bool refused;          /* overlapping IPv6 fragments: later ones are dropped too */
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
	for (int i = 0; i < 16; i++)
		h = (h ^ k->src[i] ^ ((uint32_t)k->dst[i] << 8)) * 16777619u;  /* cursor-only: not a wire read */
	return h ^ k->proto ^ ((uint32_t)k->family << 8);  /* cursor-only: not a wire read */
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

static frag_entry *entry_for(ipfrag_table *t, const frag_key *k, int64_t now, bool *dropped)
{
	frag_entry *e = g_hash_table_lookup(t->h, k);
	if (e && now - e->first_seen > FRAG_TIMEOUT_US) {
		g_hash_table_remove(t->h, k);  /* a refused or stale datagram's id used again */
		e = NULL;
	}
	if (!e) {
		if (g_hash_table_size(t->h) >= t->max || g_hash_table_size(t->h) % 64 == 63)
			expire(t, now, dropped);
		e = g_new0(frag_entry, 1);
		e->key = *k;
		e->first_seen = now;
		g_hash_table_insert(t->h, &e->key, e);
	}
	return e;
}

static bool overlaps(const frag_entry *e, uint32_t first_block, uint32_t last_block)
{
	for (uint32_t b = first_block; b < last_block; b++)
		if (e->have[b / 8] & (1u << (b % 8)))
			return true;
	return false;
}

/* Stores one fragment's payload. refuse_overlap: IPv6 (RFC 5722) discards
 * the datagram; IPv4 keeps the later copy, as it always did. */
static ipfrag_result store(frag_entry *e, uint32_t off, bool more, const uint8_t *p, uint32_t plen,
			   bool refuse_overlap)
{
	if (e->refused)
		return IPFRAG_REFUSED;
	/* mark only whole 8-byte blocks, and the tail block of the last fragment */
	uint32_t first_block = off / 8, end = off + plen;
	uint32_t last_block = more ? end / 8 : (end + 7) / 8;
	if (refuse_overlap && (overlaps(e, first_block, last_block) || (e->total && end > e->total) ||
			       (!more && e->total && e->total != end))) {
		e->refused = true;
		g_free(e->data);
		e->data = NULL;
		return IPFRAG_REFUSED;
	}
	if (!e->data)
		e->data = g_malloc(MAX_DGRAM);
	memcpy(e->data + off, p, plen);
	for (uint32_t b = first_block; b < last_block; b++)
		e->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!more)
		e->total = end;
	return IPFRAG_HELD;
}

static ipfrag_result finish(ipfrag_table *t, frag_entry *e, const uint8_t **out, uint32_t *outlen)
{
	if (!complete(e))
		return IPFRAG_HELD;
	uint32_t n = e->hdr_len + e->total;
	frag_key k = e->key;
	if (e->total > MAX_DGRAM || (e->key.family == 4 && n > 65535)) {
		g_hash_table_remove(t->h, &k);
		return IPFRAG_IGNORED;
	}
	memcpy(t->out, e->hdr, e->hdr_len);
	memcpy(t->out + e->hdr_len, e->data, e->total);
	if (e->key.family == 4) {
		t->out[2] = (uint8_t)(n >> 8);
		t->out[3] = (uint8_t)n;
		t->out[6] = 0;
		t->out[7] = 0;
	} else {
		t->out[4] = (uint8_t)(e->total >> 8);
		t->out[5] = (uint8_t)e->total;
	}
	*out = t->out;
	*outlen = n;
	g_hash_table_remove(t->h, &k);
	return IPFRAG_DONE;
}

ipfrag_result ipfrag_add(ipfrag_table *t, const uint8_t *ip, uint32_t len, int64_t now,
			 const uint8_t **out, uint32_t *outlen, bool *dropped)
{
	*dropped = false;
	wire w = wire_init(ip, len);
	uint8_t vihl = wire_u8(&w);
	wire_skip(&w, 1);
	uint16_t total = wire_u16be(&w);
	frag_key k;
	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.id = wire_u16be(&w);
	uint16_t frag = wire_u16be(&w);
	wire_skip(&w, 1);
	k.proto = wire_u8(&w);
	wire_skip(&w, 2);
	wire_copy(&w, k.src, 4);
	wire_copy(&w, k.dst, 4);
	uint32_t hl = (vihl & 15) * 4u;
	if (w.err || hl < 20 || hl > len || total < hl)
		return IPFRAG_IGNORED;
	uint32_t off = (frag & 0x1fff) * 8u;
	bool more = (frag & 0x2000) != 0;
	uint32_t plen = (total < len ? total : len) - hl;
	if (off + plen > MAX_DGRAM)
		return IPFRAG_IGNORED;
	frag_entry *e = entry_for(t, &k, now, dropped);
	store(e, off, more, ip + hl, plen, false);
	if (off == 0) {
		e->have_first = true;
		e->hdr_len = hl;
		memcpy(e->hdr, ip, hl);
	}
	return finish(t, e, out, outlen);
}

ipfrag_result ipfrag_add6(ipfrag_table *t, const ipfrag6 *f, int64_t now, const uint8_t **out,
			  uint32_t *outlen, bool *dropped)
{
	*dropped = false;
	if (f->off + f->len > MAX_DGRAM)
		return IPFRAG_IGNORED;
	/* every fragment but the last carries a multiple of 8 bytes (§4.5) */
	if (f->more && (f->len % 8 || f->len == 0))
		return IPFRAG_IGNORED;
	frag_key k;
	memset(&k, 0, sizeof(k));
	k.family = 6;
	k.id = f->id;
	memcpy(k.src, f->ip6 + 8, 16);
	memcpy(k.dst, f->ip6 + 24, 16);
	frag_entry *e = entry_for(t, &k, now, dropped);
	ipfrag_result r = store(e, f->off, f->more, f->data, f->len, true);
	if (r == IPFRAG_REFUSED)
		return r;
	if (f->off == 0) {
		e->have_first = true;
		e->hdr_len = 40;
		memcpy(e->hdr, f->ip6, 40);
		e->hdr[6] = f->next;
	}
	return finish(t, e, out, outlen);
}
