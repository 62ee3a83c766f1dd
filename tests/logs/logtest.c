#include "logtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decoder/events/flow.h"
#include "decoder/events/log.h"

static void rec_free(gpointer p)
{
	rec *r = p;
	g_free(r->level);
	g_free(r->component);
	g_free(r->thread);
	g_free(r->message);
	g_free(r->codes);
	g_free(r->event);
	g_free(r->uuid);
	g_free(r->ips);
	g_free(r->fields);
	g_free(r);
}

static void on_event(void *user, const event *e)
{
	collected *c = user;
	if (e->kind == EV_NOTE) {
		const ev_note *n = e->data;
		g_ptr_array_add(c->notes, g_strdup(n->message));
		return;
	}
	if (e->kind != EV_LOG_RECORD)
		return;
	const ev_log *L = e->data;
	rec *r = g_new0(rec, 1);
	r->line = e->line;
	r->line_last = L->line_last;
	r->ts = e->ts;
	r->has_time = L->has_time;
	r->parsed = L->parsed;
	r->level = g_strdup(L->level);
	r->component = g_strdup(L->component);
	r->thread = g_strdup(L->thread);
	r->message = g_strdup(L->message);
	r->event = g_strdup(L->event);
	r->uuid = g_strdup(L->uuid);
	GString *codes = g_string_new(NULL);
	for (uint32_t i = 0; i < L->ncodes; i++)
		g_string_append_printf(codes, "%s%s:%s", i ? "," : "", L->codes[i].scope, L->codes[i].code);
	r->codes = g_string_free(codes, FALSE);
	GString *ips = g_string_new(NULL);
	for (uint32_t i = 0; i < L->nips; i++) {
		char b[AMT_ADDRSTRLEN];
		g_string_append_printf(ips, "%s%s", i ? "," : "", amt_addr_str(&L->ips[i], b));
	}
	r->ips = g_string_free(ips, FALSE);
	GString *f = g_string_new(NULL);
	for (uint32_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == FT_STR)
			g_string_append_printf(f, "%s=%s;", e->fields[i].name, e->fields[i].v.s);
	r->fields = g_string_free(f, FALSE);
	g_ptr_array_add(c->recs, r);
}

void collect_init(collected *c, amt_run *run)
{
	c->recs = g_ptr_array_new_with_free_func(rec_free);
	c->notes = g_ptr_array_new_with_free_func(g_free);
	bus_subscribe(&run->bus, on_event, c);
}

void collect_free(collected *c)
{
	g_ptr_array_free(c->recs, TRUE);
	g_ptr_array_free(c->notes, TRUE);
}

const rec *collected_rec(const collected *c, guint i)
{
	return i < c->recs->len ? c->recs->pdata[i] : NULL;
}

char *public_path(const char *name)
{
	const char *s = getenv("TESTDATA");
	return g_build_filename(s ? s : "../tests/data/public", "logs", name, NULL);
}

char *src_path(const char *name)
{
	const char *s = getenv("SRCDIR");
	return g_build_filename(s ? s : ".", name, NULL);
}

char *temp_file(const void *data, size_t n)
{
	char *path = g_build_filename(g_get_tmp_dir(), "amtscope-logtest-XXXXXX", NULL);
	int fd = g_mkstemp(path);
	if (fd < 0)
		abort();
	if (n && write(fd, data, n) != (ssize_t)n)
		abort();
	close(fd);
	return path;
}
