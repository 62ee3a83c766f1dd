/* Log correlation rules: scs.error.<code> (and the other tools' codes) from
 * the knowledge base, scs.contact_back_failed, time.skew, and the clock
 * offset between each log and the captures. Log records arrive after the
 * capture's events, so everything is matched in on_end. */
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../decoder/events/flow.h"
#include "../decoder/events/hello.h"
#include "../decoder/events/log.h"
#include "../inputs/kb.h"
#include "../inputs/logs.h"
#include "rule.h"
#include "rule_logs.h"

typedef struct thread_ctx {
	device *dev;
	amt_addr ip;
	char uuid[40];
	int64_t ts;
} thread_ctx;

#define THREAD_CONTEXT_US (60LL * 1000000)

static void mark_free(gpointer p)
{
	log_mark *m = p;
	g_free(m->uuid);
	g_free(m->event);
	g_free(m->tool);
	for (uint32_t i = 0; i < m->ncodes; i++) {
		g_free(m->scope[i]);
		g_free(m->code[i]);
	}
	g_free(m);
}

static void *init(analysis *an)
{
	logs_state *s = g_new0(logs_state, 1);
	s->kb = an->kb;
	s->hellos = g_array_new(FALSE, TRUE, sizeof(wire_mark));
	s->conns = g_array_new(FALSE, TRUE, sizeof(wire_mark));
	s->hello_flows = g_array_new(FALSE, TRUE, sizeof(wire_mark));
	s->flows = g_array_new(FALSE, TRUE, sizeof(wire_mark));
	s->marks = g_ptr_array_new_with_free_func(mark_free);
	s->offsets = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	s->assumed_utc = g_hash_table_new(g_direct_hash, g_direct_equal);
	s->thread_dev = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	s->cap = an->cfg->limit[LIM_EVENTS];
	return s;
}

static void state_free(void *st)
{
	logs_state *s = st;
	g_array_free(s->hellos, TRUE);
	g_array_free(s->conns, TRUE);
	g_array_free(s->hello_flows, TRUE);
	g_array_free(s->flows, TRUE);
	g_ptr_array_free(s->marks, TRUE);
	g_hash_table_destroy(s->offsets);
	g_hash_table_destroy(s->thread_dev);
	g_hash_table_destroy(s->assumed_utc);
	g_free(s);
}

/* The AMT device behind a hello: the TCP source address and the UUID from
 * the payload (decoder/events/hello.h), or from the generic "hello.uuid"
 * field when an event carries no payload. */
static void hello_identity(const event *e, amt_addr *ip, char uuid[40])
{
	const amt_addr *src = ev_src(e);
	if (src)
		*ip = *src;
	const ev_hello *h = e->data;
	if (h && h->uuid[0]) {
		g_strlcpy(uuid, h->uuid, 40);
		return;
	}
	const ev_field *f = ev_field_get(e, "hello.uuid");
	if (f && f->type == FT_STR && f->v.s)
		g_strlcpy(uuid, f->v.s, 40);
}

static void on_wire(logs_state *s, const event *e)
{
	if (e->kind == EV_HELLO && s->hellos->len < s->cap) {
		wire_mark w = {.ts = e->ts, .input = e->input, .frame_first = e->frame_first,
			       .frame_last = e->frame_last};
		hello_identity(e, &w.ip, w.uuid);
		for (char *p = w.uuid; *p; p++)
			*p = g_ascii_tolower(*p);
		g_array_append_val(s->hellos, w);
		return;
	}
	if (e->kind != EV_FLOW_CLOSE || !e->flow || !e->data || s->conns->len >= s->cap)
		return;
	const flow_info *fl = e->flow;
	const ev_flow *f = e->data;
	if (fl->ipproto == 6 && fl->sport == AMT_PORT_HELLO && f->state != FLOW_REFUSED && f->state != FLOW_NO_ANSWER) {
		/* port 9971 carries only hellos: the connection stands for one */
		wire_mark h = {.ts = fl->first_ts, .input = fl->input, .frame_first = fl->first_frame,
			       .frame_last = f->last_frame ? f->last_frame : fl->first_frame, .ip = fl->cli};
		g_array_append_val(s->hello_flows, h);
		return;
	}
	if (fl->ipproto != 6 || (fl->sport != AMT_PORT_HTTPS && fl->sport != AMT_PORT_HTTP)) {
		if (s->flows->len + 2 > s->cap)
			return;
		wire_mark o = {.ts = fl->first_ts, .input = fl->input, .frame_first = fl->first_frame,
			       .frame_last = f->last_frame ? f->last_frame : fl->first_frame, .ip = fl->srv,
			       .state = f->state, .port = fl->sport};
		g_array_append_val(s->flows, o);
		o.ip = fl->cli;
		g_array_append_val(s->flows, o);
		return;
	}
	wire_mark w = {.ts = fl->first_ts, .input = fl->input, .frame_first = fl->first_frame,
		       .frame_last = f->last_frame ? f->last_frame : fl->first_frame, .ip = fl->srv,
		       .state = f->state, .port = fl->sport};
	g_array_append_val(s->conns, w);
}

/* A log line names hosts; the device table links them with what the
 * capture saw. Only a line naming one address ties UUID/MAC/FQDN to it. */
static device *link_device(analysis *an, const event *e, const ev_log *L)
{
	evidence ev = ev_evidence(e);
	device *d = NULL;
	if (L->nips)
		d = dev_fact_addr(&an->dev, dev_by_ip(&an->dev, &L->ips[0], true), &L->ips[0], "log", ev, e->ts);
	if (L->nips > 1)
		return d;
	if (L->uuid)
		d = d ? dev_fact(&an->dev, d, FACT_UUID, L->uuid, "log", ev, e->ts)
		      : dev_by_uuid(&an->dev, L->uuid, true);
	if (L->mac)
		d = d ? dev_fact(&an->dev, d, FACT_MAC, L->mac, "log", ev, e->ts)
		      : dev_by_mac(&an->dev, L->mac, true);
	if (L->fqdn && d)
		d = dev_fact(&an->dev, d, FACT_FQDN, L->fqdn, "log", ev, e->ts);
	else if (L->fqdn) {
		GPtrArray *known = dev_by_fqdn(&an->dev, L->fqdn);
		if (known && known->len == 1)
			d = known->pdata[0];
	}
	return d;
}

static void on_log(logs_state *s, analysis *an, const event *e)
{
	const ev_log *L = e->data;
	if (!L)
		return;
	device *d = link_device(an, e, L);
	if (L->time_assumed_utc)
		g_hash_table_add(s->assumed_utc, GUINT_TO_POINTER(e->input));
	/* An SCS thread handles one device at a time: a code line that names
	 * no host belongs to the host the same thread named just before. */
	thread_ctx *tc = NULL;
	if (L->thread && g_hash_table_size(s->thread_dev) < 4096) {
		char *key = g_strdup_printf("%u|%s", e->input, L->thread);
		tc = g_hash_table_lookup(s->thread_dev, key);
		if (!tc) {
			tc = g_new0(thread_ctx, 1);
			g_hash_table_insert(s->thread_dev, key, tc);
		} else {
			g_free(key);
		}
		if (d) {
			tc->dev = d;
			tc->ip = L->nips ? L->ips[0] : (amt_addr){0};
			g_strlcpy(tc->uuid, L->uuid ? L->uuid : "", sizeof(tc->uuid));
			tc->ts = e->ts;
		} else if (!tc->dev || (L->has_time && e->ts - tc->ts > THREAD_CONTEXT_US)) {
			tc = NULL;
		}
	}
	if (!L->ncodes && !L->event)
		return;
	if (s->marks->len >= s->cap)
		return;
	log_mark *m = g_new0(log_mark, 1);
	m->ts = e->ts;
	m->has_ts = L->has_time;
	m->input = e->input;
	m->line = e->line;
	if (L->nips)
		m->ip = L->ips[0];
	m->uuid = g_strdup(L->uuid);
	if (!d && tc) {
		d = tc->dev;
		m->ip = tc->ip;
		m->uuid = tc->uuid[0] ? g_strdup(tc->uuid) : NULL;
	}
	m->event = g_strdup(L->event);
	m->tool = g_strdup(L->tool);
	m->dev = d;
	if (d && !m->ip.family) {
		/* named by FQDN, MAC or UUID: the device's address finds its frames */
		const fact *ipf = dev_first(dev_resolve(d), FACT_IP);
		if (ipf)
			m->ip = ipf->as.addr;
	}
	if (d && !m->uuid) {
		const fact *uf = dev_first(dev_resolve(d), FACT_UUID);
		if (uf)
			m->uuid = g_strdup(uf->value);
	}
	for (uint32_t i = 0; i < L->ncodes; i++) {
		m->scope[i] = g_strdup(L->codes[i].scope);
		m->code[i] = g_strdup(L->codes[i].code);
	}
	m->ncodes = L->ncodes;
	g_ptr_array_add(s->marks, m);
}

static void on_event(void *st, analysis *an, const event *e)
{
	logs_state *s = st;
	if (e->kind == EV_LOG_RECORD)
		on_log(s, an, e);
	else
		on_wire(s, e);
}

bool logs_same_host(const amt_addr *ip, const char *uuid, const wire_mark *w)
{
	if (ip->family && amt_addr_eq(ip, &w->ip))
		return true;
	return uuid && *uuid && w->uuid[0] && !g_ascii_strcasecmp(uuid, w->uuid);
}


const rule rule_logs = {
	.name = "logs",
	.init = init,
	.on_event = on_event,
	.on_end = logs_correlate,
	.free = state_free,
};
