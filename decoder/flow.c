#include "flow.h"

#include <string.h>

typedef struct flow_entry {
	flow_key key;
	flow f;
} flow_entry;

void flow_key_make(flow_key *k, uint8_t proto, uint16_t vlan, const amt_addr *s, uint16_t sp,
		   const amt_addr *d, uint16_t dp)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->vlan = vlan;
	k->fam = s->family;
	int c = memcmp(s->b, d->b, 16);
	if (c < 0 || (c == 0 && sp <= dp)) {
		memcpy(k->a, s->b, 16);
		memcpy(k->b, d->b, 16);
		k->pa = sp;
		k->pb = dp;
	} else {
		memcpy(k->a, d->b, 16);
		memcpy(k->b, s->b, 16);
		k->pa = dp;
		k->pb = sp;
	}
}

_Static_assert(sizeof(flow_key) == 5 * sizeof(uint64_t), "flow_key: five words, no padding");

/* Every packet looks its flow up: the key is mixed a word at a time
 * (multiply and xor-shift, as splitmix64 does), not a byte at a time. */
static guint key_hash(gconstpointer p)
{
	uint64_t w[5];
	memcpy(w, p, sizeof(w));
	uint64_t h = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < 5; i++) {
		h = (h ^ w[i]) * 0xbf58476d1ce4e5b9u;
		h ^= h >> 31;
	}
	return (guint)(h ^ (h >> 32));
}

static gboolean key_eq(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(flow_key)) == 0;
}

void flow_table_init(flow_table *t)
{
	memset(t, 0, sizeof(*t));
	t->h = g_hash_table_new_full(key_hash, key_eq, NULL, g_free);
}

void flow_table_free(flow_table *t)
{
	g_hash_table_destroy(t->h);
	memset(t, 0, sizeof(*t));
}

flow *flow_lookup(flow_table *t, const flow_key *k)
{
	flow_entry *e = g_hash_table_lookup(t->h, k);
	return e ? &e->f : NULL;
}

static void lru_unlink(flow_table *t, flow *f)
{
	flow **head = f->in_closed_list ? &t->closed_head : &t->lru_head;
	flow **tail = f->in_closed_list ? &t->closed_tail : &t->lru_tail;
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		*head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		*tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_append(flow_table *t, flow *f)
{
	flow **head = f->in_closed_list ? &t->closed_head : &t->lru_head;
	flow **tail = f->in_closed_list ? &t->closed_tail : &t->lru_tail;
	f->lru_prev = *tail;
	f->lru_next = NULL;
	if (*tail)
		(*tail)->lru_next = f;
	else
		*head = f;
	*tail = f;
}

void flow_mark_closed(flow_table *t, flow *f, int64_t ts)
{
	if (f->in_closed_list)
		return;
	lru_unlink(t, f);
	f->in_closed_list = true;
	f->closed_ts = ts;
	lru_append(t, f);
}

flow *flow_insert(flow_table *t, const flow_key *k)
{
	flow_entry *e = g_new0(flow_entry, 1);
	e->key = *k;
	e->f.info.id = ++t->next_id;
	g_hash_table_insert(t->h, &e->key, e);
	lru_append(t, &e->f);
	t->count++;
	return &e->f;
}

void flow_remove(flow_table *t, flow *f)
{
	lru_unlink(t, f);
	flow_entry *e = (flow_entry *)((char *)f - offsetof(flow_entry, f));
	t->count--;
	g_hash_table_remove(t->h, &e->key);
}

void flow_touch(flow_table *t, flow *f, int64_t ts)
{
	if (ts > f->last_ts)
		f->last_ts = ts;
	if (!f->in_closed_list && t->lru_tail != f) {
		lru_unlink(t, f);
		lru_append(t, f);
	}
}
