/* The services a dissector gets from its context, and a context for tests. */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "dissector.h"

static const dis_mark *mark_at(const dis_ctx *c, size_t off)
{
	/* marks are few per buffer (one per segment): a binary search */
	size_t lo = 0, hi = c->nmarks;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->marks[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &c->marks[lo];
}

event *dis_event(dis_ctx *c, ev_kind kind, const char *proto, size_t off, size_t len)
{
	event *e = ev_new(c->scratch, kind, proto);
	e->flow = c->flow;
	e->dir = c->dir;
	e->input = c->input;
	if (c->nmarks) {
		const dis_mark *first = mark_at(c, off);
		const dis_mark *last = mark_at(c, len ? off + len - 1 : off);
		e->frame_first = first->frame;
		e->frame_last = last->frame;
		e->ts = last->ts;
		e->input = last->input;
		if (first->input != last->input)
			e->frame_first = last->frame;  /* frames of another file: cite the last one */
	}
	return e;
}

void dis_emit(dis_ctx *c, event *e)
{
	bus_emit(c->bus, e);
}

void dis_note(dis_ctx *c, const char *proto, note_kind k, size_t off, const char *fmt, ...)
{
	event *e = dis_event(c, EV_NOTE, proto, off, 1);
	ev_note *n = arena_alloc(c->scratch, sizeof(*n));
	va_list ap;
	va_start(ap, fmt);
	n->message = arena_vprintf(c->scratch, fmt, ap);
	va_end(ap);
	n->kind = k;
	n->limit = -1;
	e->data = n;
	e->info = arena_printf(c->scratch, "[%s] %s", note_kind_name(k), n->message);
	ev_str(e, "note.kind", note_kind_name(k));
	ev_str(e, "note.message", n->message);
	bus_emit(c->bus, e);
}

void dis_inner_feed_at(dis_ctx *c, size_t off, const uint8_t *p, size_t len)
{
	size_t first = 0;
	while (first + 1 < c->nmarks && c->marks[first + 1].off <= off)
		first++;
	size_t nm = c->nmarks - first;
	if (!nm)
		return;
	dis_mark *m = arena_alloc(c->scratch, nm * sizeof(*m));
	for (size_t i = 0; i < nm; i++) {
		m[i] = c->marks[first + i];
		m[i].off = m[i].off > off ? m[i].off - off : 0;
	}
	dis_ctx ic = *c;
	ic.marks = m;
	ic.nmarks = nm;
	dis_inner_feed(&ic, p, len);
}

void dis_limit(dis_ctx *c, const char *proto, limit_id l, size_t off)
{
	c->limit_hits[l]++;
	event *e = dis_event(c, EV_NOTE, proto, off, 1);
	ev_note *n = arena_alloc(c->scratch, sizeof(*n));
	n->kind = NOTE_LIMIT;
	n->limit = (int)l;
	n->message = arena_printf(c->scratch, "limit %s (%llu, %s) reached; raise it with %s",
				  amt_limits[l].name, (unsigned long long)c->cfg->limit[l],
				  amt_limits[l].what, amt_limits[l].option);
	e->data = n;
	e->info = arena_printf(c->scratch, "[limit] %s", n->message);
	ev_str(e, "note.kind", "limit");
	ev_str(e, "note.limit", amt_limits[l].name);
	ev_str(e, "note.message", n->message);
	bus_emit(c->bus, e);
}

/* ---- test context ---- */

static void test_record(void *user, const event *e)
{
	dis_test *t = user;
	ev_describe(e);  /* tests read info and fields directly */
	g_ptr_array_add(t->events, (gpointer)e);
}

void dis_test_init(dis_test *t, uint8_t ipproto, const char *cli, uint16_t cport,
		   const char *srv, uint16_t sport)
{
	memset(t, 0, sizeof(*t));
	amt_config_defaults(&t->cfg);
	bus_init(&t->bus);
	arena_init(&t->scratch, 0);
	arena_init(&t->keep, 0);
	t->flow.id = 1;
	t->flow.ipproto = ipproto;
	amt_addr_parse(cli, &t->flow.cli);
	amt_addr_parse(srv, &t->flow.srv);
	t->flow.cport = cport;
	t->flow.sport = sport;
	t->flow.first_frame = 1;
	t->mark.frame = 1;
	t->mark.ts = 1700000000LL * 1000000;
	t->ctx.cfg = &t->cfg;
	t->ctx.bus = &t->bus;
	t->ctx.scratch = &t->scratch;  /* never reset in tests: events stay valid */
	t->ctx.flow = &t->flow;
	t->ctx.marks = &t->mark;
	t->ctx.nmarks = 1;
	t->ctx.limit_hits = t->limit_hits;
	t->events = g_ptr_array_new();
	bus_subscribe(&t->bus, test_record, t);
}

void dis_test_free(dis_test *t)
{
	g_ptr_array_free(t->events, TRUE);
	arena_free(&t->scratch);
	arena_free(&t->keep);
}

size_t dis_test_count(dis_test *t, ev_kind k)
{
	GPtrArray *a = t->events;
	size_t n = 0;
	for (guint i = 0; i < a->len; i++)
		if (((event *)a->pdata[i])->kind == k)
			n++;
	return n;
}

const event *dis_test_get(dis_test *t, size_t i)
{
	GPtrArray *a = t->events;
	return i < a->len ? a->pdata[i] : NULL;
}

const event *dis_test_find(dis_test *t, ev_kind k, size_t nth)
{
	GPtrArray *a = t->events;
	for (guint i = 0; i < a->len; i++) {
		const event *e = a->pdata[i];
		if (e->kind == k && nth-- == 0)
			return e;
	}
	return NULL;
}

void dis_test_stream(dis_test *t, const dissector *d, void *st, uint8_t dir,
		     const uint8_t *p, size_t len, size_t chunk, bool eof)
{
	GByteArray *buf = g_byte_array_new();
	size_t fed = 0;
	bool dead = false;
	t->ctx.dir = dir;
	if (!chunk)
		chunk = len ? len : 1;
	do {
		size_t n = len - fed < chunk ? len - fed : chunk;
		g_byte_array_append(buf, p + fed, (guint)n);
		fed += n;
		t->ctx.at_eof = eof && fed == len;
		if (dead)
			continue;
		dis_result r = d->parse(st, &t->ctx, buf->data, buf->len);
		if (r.status == DIS_ERROR) {
			dead = true;
			continue;
		}
		size_t used = r.consumed > buf->len ? buf->len : r.consumed;
		g_byte_array_remove_range(buf, 0, (guint)used);
	} while (fed < len);
	g_byte_array_free(buf, TRUE);
	t->ctx.at_eof = false;
}

event *event_clone(arena *a, const event *e)
{
	ev_describe(e);
	event *c = arena_alloc(a, sizeof(*c));
	*c = *e;
	c->a = a;
	c->info = arena_strdup(a, e->info);
	c->fields = arena_alloc(a, e->nfields * sizeof(ev_field) + 1);
	for (uint32_t i = 0; i < e->nfields; i++) {
		c->fields[i] = e->fields[i];
		if (e->fields[i].type == FT_STR || e->fields[i].type == FT_HEX)
			c->fields[i].v.s = arena_strdup(a, e->fields[i].v.s);
		if (e->fields[i].type == FT_ADDR) {
			amt_addr *addr = arena_alloc(a, sizeof(*addr));
			*addr = *e->fields[i].v.addr;
			c->fields[i].v.addr = addr;
		}
	}
	c->capfields = e->nfields;
	return c;
}

bool dis_hold_set(dis_ctx *c, dis_hold *h, size_t n)
{
	if (!h->total)
		h->total = c->held_total;
	if (!h->total) {  /* a unit test's context: nothing to count against */
		h->n = n;
		return true;
	}
	if (n > h->n && *h->total - h->n + n > c->cfg->limit[LIM_TOTAL_BYTES])
		return false;
	*h->total = *h->total - h->n + n;
	h->n = n;
	return true;
}

void dis_hold_release(dis_hold *h)
{
	if (h->total)
		*h->total -= h->n;
	h->n = 0;
}
