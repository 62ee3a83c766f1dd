#include "event.h"

#include <stdarg.h>
#include <string.h>

#include "events/flow.h"

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_NONE] = "none",
	[EV_FLOW_OPEN] = "flow_open",
	[EV_FLOW_CLOSE] = "flow_close",
	[EV_NOTE] = "note",
#define KIND(id, name) [EV_##id] = #name,
#define DISSECTOR(dis, lane, kinds) kinds
#include "dissectors.def"
#undef DISSECTOR
#undef KIND
	[EV_LOG_RECORD] = "log_record",
};

/* Each table line's kinds with its name and lane, ended by EV_KIND_COUNT. */
typedef struct line_kinds {
	const char *dissector;
	ev_lane lane;
	const ev_kind *kinds;
} line_kinds;

static const line_kinds table_lines[] = {
#define KIND(id, name) EV_##id,
#define DISSECTOR(dis, lane, kinds) {#dis, EV_LANE_##lane, (const ev_kind[]){kinds EV_KIND_COUNT}},
#include "dissectors.def"
#undef DISSECTOR
#undef KIND
};

static const line_kinds *line_of(ev_kind k)
{
	for (size_t i = 0; i < sizeof(table_lines) / sizeof(table_lines[0]); i++)
		for (const ev_kind *p = table_lines[i].kinds; *p != EV_KIND_COUNT; p++)
			if (*p == k)
				return &table_lines[i];
	return NULL;
}

const char *ev_kind_name(ev_kind k)
{
	if ((unsigned)k < EV_KIND_COUNT && kind_names[k])
		return kind_names[k];
	return "unknown";
}

ev_lane ev_kind_lane(ev_kind k)
{
	switch (k) {
	case EV_FLOW_OPEN: case EV_FLOW_CLOSE: return EV_LANE_CONN;
	case EV_LOG_RECORD: return EV_LANE_LOG;
	default: break;
	}
	const line_kinds *l = line_of(k);
	return l ? l->lane : EV_LANE_NOTE;
}

const char *ev_lane_name(ev_lane l)
{
	static const char *const names[EV_LANE_COUNT] = {
#define EV_LANE_NAME(id, label) [EV_LANE_##id] = label,
		EV_LANES(EV_LANE_NAME)
#undef EV_LANE_NAME
	};
	return (unsigned)l < EV_LANE_COUNT ? names[l] : names[EV_LANE_NOTE];
}

const char *ev_kind_dissector(ev_kind k)
{
	const line_kinds *l = line_of(k);
	return l ? l->dissector : NULL;
}

const char *flow_state_name(flow_state s)
{
	switch (s) {
	case FLOW_SYN_SENT: return "syn_sent";
	case FLOW_ESTABLISHED: return "established";
	case FLOW_REFUSED: return "refused";
	case FLOW_NO_ANSWER: return "no_answer";
	case FLOW_CLOSED: return "closed";
	case FLOW_TIMED_OUT: return "timed_out";
	case FLOW_UDP: return "udp";
	}
	return "unknown";
}

const char *note_kind_name(note_kind k)
{
	switch (k) {
	case NOTE_MALFORMED: return "malformed";
	case NOTE_TRUNCATED: return "truncated";
	case NOTE_GAP: return "gap";
	case NOTE_OVERLAP: return "overlap";
	case NOTE_LIMIT: return "limit";
	case NOTE_UNDECODABLE: return "undecodable";
	case NOTE_INFO: return "info";
	case NOTE_INTERNAL: return "internal";
	}
	return "unknown";
}

const amt_addr *ev_src(const event *e)
{
	if (!e->flow)
		return NULL;
	return e->dir == DIR_C2S ? &e->flow->cli : &e->flow->srv;
}

const amt_addr *ev_dst(const event *e)
{
	if (!e->flow)
		return NULL;
	return e->dir == DIR_C2S ? &e->flow->srv : &e->flow->cli;
}

uint16_t ev_sport(const event *e)
{
	if (!e->flow)
		return 0;
	return e->dir == DIR_C2S ? e->flow->cport : e->flow->sport;
}

uint16_t ev_dport(const event *e)
{
	if (!e->flow)
		return 0;
	return e->dir == DIR_C2S ? e->flow->sport : e->flow->cport;
}

event *ev_new(arena *a, ev_kind kind, const char *proto)
{
	event *e = arena_alloc(a, sizeof(*e));
	e->kind = kind;
	e->proto = proto;
	e->a = a;
	return e;
}

void ev_set_info(event *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e->info = arena_vprintf(e->a, fmt, ap);
	va_end(ap);
}

static ev_field *field_add(event *e, const char *name, ev_ftype t)
{
	if (ev_fields_full(e)) {
		/* over ev_describe_some's budget: written to and forgotten */
		static ev_field spill;
		e->truncated = true;
		return &spill;
	}
	if (e->nfields == e->capfields) {
		uint32_t ncap = e->capfields ? e->capfields * 2 : 16;
		ev_field *nf = arena_alloc(e->a, ncap * sizeof(*nf));
		if (e->nfields)
			memcpy(nf, e->fields, e->nfields * sizeof(*nf));
		e->fields = nf;
		e->capfields = ncap;
	}
	ev_field *f = &e->fields[e->nfields++];
	f->name = name;
	f->type = t;
	return f;
}

void ev_str(event *e, const char *name, const char *val)
{
	if (!val)
		return;
	field_add(e, name, FT_STR)->v.s = arena_strdup(e->a, val);
}

void ev_str_ref(event *e, const char *name, const char *val)
{
	if (val)
		field_add(e, name, FT_STR)->v.s = val;
}

void ev_strn(event *e, const char *name, const uint8_t *val, size_t n)
{
	if (!val)
		return;
	field_add(e, name, FT_STR)->v.s = arena_printable(e->a, val, n);
}

void ev_uint(event *e, const char *name, uint64_t v)
{
	field_add(e, name, FT_UINT)->v.u = v;
}

void ev_int(event *e, const char *name, int64_t v)
{
	field_add(e, name, FT_INT)->v.i = v;
}

void ev_bool(event *e, const char *name, bool v)
{
	field_add(e, name, FT_BOOL)->v.b = v;
}

void ev_hex(event *e, const char *name, const uint8_t *b, size_t n)
{
	field_add(e, name, FT_HEX)->v.s = arena_hex(e->a, b, n);
}

void ev_addr(event *e, const char *name, const amt_addr *a)
{
	if (!a || !a->family)
		return;
	amt_addr *copy = arena_alloc(e->a, sizeof(*copy));
	*copy = *a;
	field_add(e, name, FT_ADDR)->v.addr = copy;
}

void ev_time(event *e, const char *name, int64_t us)
{
	field_add(e, name, FT_TIME)->v.i = us;
}

void ev_describe_later(event *e, void (*fn)(event *e))
{
	e->describe = fn;
	e->described = false;
}

static void run_describer(event *w, uint32_t limit)
{
	if (w->partial) {  /* start again from what the producer set */
		w->nfields = w->base_fields;
		w->info = w->base_info;
	} else {
		w->base_fields = w->nfields;
		w->base_info = w->info;
	}
	w->field_limit = limit;
	w->truncated = false;
	w->describe(w);
	/* a describer that checked ev_fields_full() stopped without a refusal */
	w->partial = w->truncated || (limit && w->nfields >= limit);
	w->field_limit = 0;
	w->described = !w->partial;
}

void ev_describe(const event *e)
{
	if (!e->describe || e->described)
		return;
	run_describer((event *)e, 0);  /* the lazy part of a const event: built once */
}

void ev_describe_some(const event *e, uint32_t max)
{
	if (!e->describe || e->described || (e->partial && e->nfields >= max))
		return;
	run_describer((event *)e, max ? max : 1);
}

const ev_field *ev_field_get(const event *e, const char *name)
{
	ev_describe(e);
	for (uint32_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

void bus_init(ev_bus *b)
{
	memset(b, 0, sizeof(*b));
}

void bus_subscribe(ev_bus *b, ev_handler fn, void *user)
{
	if (b->nsub < (int)(sizeof(b->sub) / sizeof(b->sub[0]))) {
		b->sub[b->nsub].fn = fn;
		b->sub[b->nsub].user = user;
		b->nsub++;
	}
}

void bus_emit(ev_bus *b, const event *e)
{
	b->emitted++;
	if ((unsigned)e->kind < EV_KIND_COUNT)
		b->per_kind[e->kind]++;
	for (int i = 0; i < b->nsub; i++)
		b->sub[i].fn(b->sub[i].user, e);
}
