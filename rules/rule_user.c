/* User rules loaded with --rules: each one matches a log message or an
 * event field against its regular expression and raises its finding. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/events/log.h"
#include "rule.h"
#include "user_rules.h"


static void *init(analysis *an)
{
	(void)an;
	return g_ptr_array_new_with_free_func(user_rule_free);
}

static void state_free(void *st)
{
	g_ptr_array_free(st, TRUE);
}

static const char *field_value(const ev_field *f, char *buf, size_t n)
{
	switch (f->type) {
	case FT_STR:
	case FT_HEX: return f->v.s;
	case FT_UINT: snprintf(buf, n, "%" PRIu64, f->v.u); return buf;
	case FT_INT:
	case FT_TIME: snprintf(buf, n, "%" PRId64, f->v.i); return buf;
	case FT_BOOL: return f->v.b ? "true" : "false";
	case FT_ADDR: return n >= AMT_ADDRSTRLEN ? amt_addr_str(f->v.addr, buf) : "";
	}
	return "";
}

/* The device a matching event is about: the sender on the wire, the first
 * host a log line names. */
static char *device_of(analysis *an, const event *e)
{
	char buf[AMT_ADDRSTRLEN];
	const amt_addr *a = NULL;
	if (e->kind == EV_LOG_RECORD && e->data) {
		const ev_log *L = e->data;
		if (L->nips)
			a = &L->ips[0];
		else if (L->uuid) {
			device *d = dev_by_uuid(&an->dev, L->uuid, false);
			return d ? g_strdup(dev_label(d)) : g_strdup(L->uuid);
		}
	} else {
		a = ev_src(e);
	}
	if (!a)
		return NULL;
	device *d = dev_by_ip(&an->dev, a, false);
	return g_strdup(d ? dev_label(d) : amt_addr_str(a, buf));
}

static void fire(analysis *an, const user_rule *r, const event *e, GMatchInfo *mi)
{
	char *dev = device_of(an, e);
	bool is_new;
	finding *x = finding_add(&an->fnd, r->id, r->sev, dev, NULL, &is_new);
	finding_event(x, e);
	if (is_new) {
		char *s = g_match_info_expand_references(mi, r->summary, NULL);
		finding_summary(x, "%s", s ? s : r->summary);
		g_free(s);
		if (r->remedy) {
			char *m = g_match_info_expand_references(mi, r->remedy, NULL);
			finding_remedy(x, "%s", m ? m : r->remedy);
			g_free(m);
		}
	}
	g_free(dev);
}

static void on_event(void *st, analysis *an, const event *e)
{
	if (st && ((GPtrArray *)st)->len)
		ev_describe(e);
	GPtrArray *rules = st;
	for (guint i = 0; rules && i < rules->len; i++) {
		const user_rule *r = rules->pdata[i];
		if (r->kind >= 0 && (int)e->kind != r->kind)
			continue;
		if (!strcmp(r->field, "info")) {
			GMatchInfo *mi = NULL;
			if (e->info && g_regex_match(r->re, e->info, 0, &mi))
				fire(an, r, e, mi);
			g_match_info_free(mi);
			continue;
		}
		for (uint32_t f = 0; f < e->nfields; f++) {
			if (strcmp(e->fields[f].name, r->field))
				continue;
			char buf[64];
			const char *v = field_value(&e->fields[f], buf, sizeof(buf));
			GMatchInfo *mi = NULL;
			bool hit = v && g_regex_match(r->re, v, 0, &mi);
			if (hit)
				fire(an, r, e, mi);
			g_match_info_free(mi);
			if (hit)
				break;
		}
	}
}

const rule rule_user = {
	.name = "user",
	.init = init,
	.on_event = on_event,
	.free = state_free,
};
