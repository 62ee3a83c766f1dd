#include "findings.h"

#include <stdarg.h>
#include <string.h>

static void finding_free(gpointer p)
{
	finding *x = p;
	g_free(x->rule);
	g_free(x->device);
	g_free(x->summary);
	g_free(x->remedy);
	g_free(x->key);
	g_array_free(x->evidence, TRUE);
	g_free(x->cites);
	g_free(x);
}

static finding *finding_new(void)
{
	finding *x = g_new0(finding, 1);
	x->evidence = g_array_new(FALSE, TRUE, sizeof(evidence));
	return x;
}

void findings_init(findings *f, uint64_t cap, uint64_t cap_per_device)
{
	memset(f, 0, sizeof(*f));
	f->list = g_ptr_array_new_with_free_func(finding_free);
	f->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->per_device = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->dropped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->cap = cap;
	f->cap_per_device = cap_per_device;
	f->sink = finding_new();
}

void findings_free(findings *f)
{
	g_hash_table_destroy(f->by_key);
	g_hash_table_destroy(f->per_device);
	g_hash_table_destroy(f->dropped);
	g_ptr_array_free(f->list, TRUE);
	finding_free(f->sink);
}

/* A cap counts the findings it kept out, not how often rules raised them
 * again: a dropped key is remembered (up to FINDINGS_DROPPED_REMEMBERED keys,
 * so hostile input cannot grow the set without bound; past that every raise
 * counts, and the count is an upper bound). */
#define FINDINGS_DROPPED_REMEMBERED 65536

static void count_dropped(findings *f, uint64_t *counter, const char *k)
{
	if (g_hash_table_contains(f->dropped, k))
		return;
	if (g_hash_table_size(f->dropped) < FINDINGS_DROPPED_REMEMBERED)
		g_hash_table_add(f->dropped, g_strdup(k));
	(*counter)++;
}

/* The scratch finding, emptied, for a finding over a cap. */
static finding *over_cap(findings *f, uint64_t *counter, const char *k, const char *rule, severity sev,
			 const char *device, const char *key, bool *is_new)
{
	count_dropped(f, counter, k);
	finding *x = f->sink;
	g_clear_pointer(&x->summary, g_free);
	g_clear_pointer(&x->remedy, g_free);
	g_free(x->rule);
	g_free(x->device);
	g_free(x->key);
	x->rule = g_strdup(rule);
	x->device = g_strdup(device);
	x->key = g_strdup(key);
	x->sev = sev;
	g_array_set_size(x->evidence, 0);
	g_clear_pointer(&x->cites, g_free);
	x->ncites = 0;
	x->first_seen = x->last_seen = 0;
	if (is_new)
		*is_new = true;
	return x;
}

/* "rule|device|key" in buf when it fits, else allocated (the caller frees
 * what is not buf). Rules raise the same findings again and again: no
 * printf on this path. */
static char *compose_key(char *buf, size_t size, const char *rule, const char *device, const char *key)
{
	const char *part[] = {rule, "|", device ? device : "", "|", key ? key : ""};
	size_t len[G_N_ELEMENTS(part)], total = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(part); i++)
		total += len[i] = strlen(part[i]);
	char *k = total <= size ? buf : g_malloc(total), *q = k;
	for (size_t i = 0; i < G_N_ELEMENTS(part); i++) {
		memcpy(q, part[i], len[i]);
		q += len[i];
	}
	*q = 0;
	return k;
}

bool finding_exists(const findings *f, const char *rule, const char *device, const char *key)
{
	char buf[256];
	char *k = compose_key(buf, sizeof(buf), rule, device, key);
	bool found = g_hash_table_contains(f->by_key, k);
	if (k != buf)
		g_free(k);
	return found;
}

bool finding_would_be_new(const findings *f, const char *rule, const char *device, const char *key)
{
	if (f->list->len >= f->cap || finding_exists(f, rule, device, key))
		return false;
	char buf[256];
	char *group = compose_key(buf, sizeof(buf), rule, device, NULL);
	group[strlen(group) - 1] = 0;  /* "rule|device|" -> "rule|device" */
	gpointer n = g_hash_table_lookup(f->per_device, group);
	if (group != buf)
		g_free(group);
	return (uint64_t)GPOINTER_TO_SIZE(n) < f->cap_per_device;
}

finding *finding_add(findings *f, const char *rule, severity sev, const char *device,
		     const char *key, bool *is_new)
{
	char buf[256];
	char *k = compose_key(buf, sizeof(buf), rule, device, key);
	finding *x = g_hash_table_lookup(f->by_key, k);
	if (x || f->list->len >= f->cap) {
		if (!x) {
			x = over_cap(f, &f->over_cap, k, rule, sev, device, key, is_new);
			if (k != buf)
				g_free(k);
			return x;
		}
		if (k != buf)
			g_free(k);
		if (is_new)
			*is_new = false;
		return x;
	}
	char *group = g_strconcat(rule, "|", device ? device : "", NULL);
	gpointer n = g_hash_table_lookup(f->per_device, group);
	if ((uint64_t)GPOINTER_TO_SIZE(n) >= f->cap_per_device) {
		g_free(group);
		x = over_cap(f, &f->over_cap_per_device, k, rule, sev, device, key, is_new);
		if (k != buf)
			g_free(k);
		return x;
	}
	g_hash_table_insert(f->per_device, group, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(n) + 1));
	x = finding_new();
	x->rule = g_strdup(rule);
	x->sev = sev;
	x->device = g_strdup(device);
	x->key = g_strdup(key);
	g_hash_table_insert(f->by_key, k == buf ? g_strdup(buf) : k, x);
	g_ptr_array_add(f->list, x);
	if (is_new)
		*is_new = true;
	return x;
}

void finding_summary(finding *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_free(x->summary);
	x->summary = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

void finding_remedy(finding *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_free(x->remedy);
	x->remedy = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

evidence *evidence_find(GArray *list, uint16_t input, uint32_t frame, uint32_t line)
{
	for (guint i = 0; i < list->len; i++) {
		evidence *o = &g_array_index(list, evidence, i);
		if (o->input == input && o->frame == frame && o->line == line)
			return o;
	}
	return NULL;
}

static void add_ev(finding *x, evidence e)
{
	if (e.ts) {
		if (!x->first_seen || e.ts < x->first_seen)
			x->first_seen = e.ts;
		if (e.ts > x->last_seen)
			x->last_seen = e.ts;
	}
	evidence *o = evidence_find(x->evidence, e.input, e.frame, e.line);
	if (o) {
		if (!o->ts)
			o->ts = e.ts;
		return;
	}
	/* a finding cites a handful of places, not thousands */
	if (x->evidence->len >= FINDING_MAX_EVIDENCE)
		return;
	g_array_append_val(x->evidence, e);
}

void finding_frame_at(finding *x, uint16_t input, uint32_t frame, int64_t ts)
{
	if (!frame)
		return;
	evidence e = {input, frame, 0, ts};
	add_ev(x, e);
}

void finding_line_at(finding *x, uint16_t input, uint32_t line, int64_t ts)
{
	if (!line)
		return;
	evidence e = {input, 0, line, ts};
	add_ev(x, e);
}

void finding_frame(finding *x, uint16_t input, uint32_t frame)
{
	finding_frame_at(x, input, frame, 0);
}

void finding_line(finding *x, uint16_t input, uint32_t line)
{
	finding_line_at(x, input, line, 0);
}

void finding_evidence(finding *x, evidence e)
{
	if (e.line)
		finding_line_at(x, e.input, e.line, e.ts);
	else
		finding_frame_at(x, e.input, e.frame, e.ts);
}

void finding_event(finding *x, const event *e)
{
	if (e->line) {
		finding_line_at(x, e->input, e->line, e->ts);
		return;
	}
	/* the time of an event is its last frame's: the first frame's is not
	 * known here, and is at most the message's own span earlier */
	finding_frame_at(x, e->input, e->frame_first, e->ts);
	if (e->frame_last != e->frame_first)
		finding_frame_at(x, e->input, e->frame_last, e->ts);
}

static gint cmp_finding(gconstpointer a, gconstpointer b)
{
	const finding *x = *(finding *const *)a, *y = *(finding *const *)b;
	if (x->first != y->first)
		return x->first ? -1 : 1;
	if (x->sev != y->sev)
		return (int)y->sev - (int)x->sev;
	int c = g_strcmp0(x->device, y->device);
	if (c)
		return c;
	return strcmp(x->rule, y->rule);
}

GPtrArray *findings_sorted(const findings *f)
{
	GPtrArray *a = g_ptr_array_sized_new(f->list->len);
	for (guint i = 0; i < f->list->len; i++)
		g_ptr_array_add(a, f->list->pdata[i]);
	g_ptr_array_sort(a, cmp_finding);  /* stable since GLib 2.x uses merge sort */
	return a;
}

size_t findings_count_at_least(const findings *f, severity s)
{
	size_t n = 0;
	for (guint i = 0; i < f->list->len; i++)
		if (((finding *)f->list->pdata[i])->sev >= s)
			n++;
	return n;
}

void findings_tally(const findings *f, size_t count[3])
{
	count[SEV_INFO] = count[SEV_WARNING] = count[SEV_ERROR] = 0;
	for (guint i = 0; i < f->list->len; i++) {
		severity s = ((const finding *)f->list->pdata[i])->sev;
		count[(unsigned)s > SEV_ERROR ? SEV_ERROR : (unsigned)s]++;
	}
}

static gboolean value_in(gpointer key, gpointer value, gpointer set)
{
	(void)key;
	return g_hash_table_contains(set, value);
}

void findings_remove(findings *f, GHashTable *gone)
{
	if (!g_hash_table_size(gone))
		return;
	g_hash_table_foreach_remove(f->by_key, value_in, gone);
	guint w = 0;
	for (guint i = 0; i < f->list->len; i++) {
		finding *x = f->list->pdata[i];
		if (g_hash_table_contains(gone, x))
			finding_free(x);
		else
			f->list->pdata[w++] = x;
	}
	g_ptr_array_set_free_func(f->list, NULL);
	g_ptr_array_set_size(f->list, w);
	g_ptr_array_set_free_func(f->list, finding_free);
}

/* Sorts v[0..n) ascending, each value once; returns how many are left. A
 * finding cites a handful of places: insertion sort. */
static uint32_t sort_once(uint32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint32_t k = v[i], j = i;
		for (; j && v[j - 1] > k; j--)
			v[j] = v[j - 1];
		v[j] = k;
	}
	uint32_t kept = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!kept || v[kept - 1] != v[i])
			v[kept++] = v[i];
	return kept;
}

static bool cites_in(const evidence *e, unsigned input, unsigned ninputs)
{
	return (e->frame || e->line) && (input < ninputs ? e->input == input : e->input >= ninputs);
}

/* One input's numbers into num (frames, lines, frames sorted); returns the
 * room they took. */
static uint32_t fill_cites(finding_cites *c, const GArray *ev, unsigned ninputs, uint32_t *num)
{
	uint32_t used = 0;
	c->frames = num;
	for (guint k = 0; k < ev->len; k++) {
		const evidence *e = &g_array_index(ev, evidence, k);
		if (cites_in(e, c->input, ninputs) && e->frame)
			num[used++] = e->frame;
	}
	c->nframes = used;
	c->lines = num + used;
	for (guint k = 0; k < ev->len; k++) {
		const evidence *e = &g_array_index(ev, evidence, k);
		if (cites_in(e, c->input, ninputs) && !e->frame)
			num[used++] = e->line;
	}
	c->nlines = used - c->nframes;
	uint32_t *sorted = num + used;
	memcpy(sorted, c->frames, c->nframes * sizeof(uint32_t));
	c->nsorted = sort_once(sorted, c->nframes);
	c->frames_sorted = sorted;
	return used + c->nsorted;
}

void finding_list_cites(finding *x, unsigned ninputs)
{
	g_clear_pointer(&x->cites, g_free);
	x->ncites = 0;
	const GArray *ev = x->evidence;
	uint32_t stack[FINDING_MAX_EVIDENCE], *in = ev->len <= FINDING_MAX_EVIDENCE ? stack : g_new(uint32_t, ev->len);
	uint32_t cited = 0;
	for (guint k = 0; k < ev->len; k++) {
		const evidence *e = &g_array_index(ev, evidence, k);
		if (e->frame || e->line)
			in[cited++] = e->input < ninputs ? e->input : ninputs;
	}
	/* one entry per input cited, in input order; inputs the run does not
	 * know share the last one */
	uint32_t ncites = sort_once(in, cited);
	if (ncites) {
		/* one block: the entries, then their numbers (as cited: `cited`
		 * of them in all; sorted: at most as many again) */
		size_t head = ncites * sizeof(finding_cites);
		x->cites = g_malloc(head + 2 * (size_t)cited * sizeof(uint32_t));
		uint32_t *num = (uint32_t *)(void *)((char *)x->cites + head);
		for (uint32_t i = 0; i < ncites; i++) {
			x->cites[i].input = in[i];
			num += fill_cites(&x->cites[i], ev, ninputs, num);
		}
		x->ncites = ncites;
	}
	if (in != stack)
		g_free(in);
}
