#include "run.h"

#include <stdlib.h>
#include <string.h>

static void input_free(gpointer p)
{
	amt_input *in = p;
	g_free(in->path);
	g_free(in->error);
	g_free(in);
}

typedef struct run_owned {
	void *p;
	void (*free_fn)(void *p);
} run_owned;

void run_init(amt_run *r)
{
	memset(r, 0, sizeof(*r));
	amt_config_defaults(&r->cfg);
	bus_init(&r->bus);
	r->inputs = g_ptr_array_new_with_free_func(input_free);
	arena_init(&r->strings, 65536);
	r->owned = g_array_new(FALSE, FALSE, sizeof(run_owned));
}

void run_own(amt_run *r, void *p, void (*free_fn)(void *p))
{
	run_owned o = {p, free_fn};
	if (!r->owned)  /* a run not made by run_init (a test's) */
		r->owned = g_array_new(FALSE, FALSE, sizeof(run_owned));
	g_array_append_val(r->owned, o);
}

void run_free(amt_run *r)
{
	for (guint i = r->owned ? r->owned->len : 0; i-- > 0;) {
		run_owned *o = &g_array_index(r->owned, run_owned, i);
		o->free_fn(o->p);
	}
	if (r->owned)
		g_array_free(r->owned, TRUE);
	r->owned = NULL;
	r->x509 = NULL;
	g_ptr_array_free(r->inputs, TRUE);
	arena_free(&r->strings);
}

amt_input *run_add_input(amt_run *r, const char *path, input_kind k)
{
	amt_input *in = g_new0(amt_input, 1);
	in->path = g_strdup(path);
	in->kind = k;
	in->kind_name = k == INPUT_PCAP ? "pcap" : k == INPUT_PCAPNG ? "pcapng" : k == INPUT_LIVE ? "live" : "log";
	g_ptr_array_add(r->inputs, in);
	return in;
}

void run_span(const amt_run *r, int64_t *first, int64_t *last)
{
	*first = *last = 0;
	for (guint i = 0; i < r->inputs->len; i++) {
		const amt_input *in = r->inputs->pdata[i];
		if (in->first_ts && (!*first || in->first_ts < *first))
			*first = in->first_ts;
		if (in->last_ts > *last)
			*last = in->last_ts;
	}
}
