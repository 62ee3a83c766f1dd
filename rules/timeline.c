#include "timeline.h"

#include <string.h>

void timeline_init(timeline *t, uint64_t cap)
{
	t->entries = g_array_new(FALSE, TRUE, sizeof(tl_entry));
	t->strings = g_string_chunk_new(65536);
	t->cap = cap;
	t->dropped = 0;
}

void timeline_free(timeline *t)
{
	g_array_free(t->entries, TRUE);
	g_string_chunk_free(t->strings);
}

bool timeline_add(timeline *t, const event *e, bool failure)
{
	if (t->entries->len >= t->cap) {
		t->dropped++;
		return false;
	}
	tl_entry x;
	memset(&x, 0, sizeof(x));
	x.ts = e->ts;
	x.kind = e->kind;
	x.input = e->input;
	x.frame_first = e->frame_first;
	x.frame_last = e->frame_last;
	x.line = e->line;
	if (e->flow) {
		x.flow_id = e->flow->id;
		x.src = *ev_src(e);
		x.dst = *ev_dst(e);
		x.sport = ev_sport(e);
		x.dport = ev_dport(e);
	}
	x.proto = e->proto;
	x.info = e->info ? g_string_chunk_insert_const(t->strings, e->info) : NULL;
	x.failure = failure;
	g_array_append_val(t->entries, x);
	return true;
}

static gint cmp_entry(gconstpointer a, gconstpointer b)
{
	const tl_entry *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->input != y->input)
		return (int)x->input - (int)y->input;
	if (x->frame_first != y->frame_first)
		return x->frame_first < y->frame_first ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

void timeline_sort(timeline *t)
{
	g_array_sort(t->entries, cmp_entry);
}
