#include <string.h>

#include "rule.h"
#include "../inputs/logs.h"

evidence ev_evidence(const event *e)
{
	evidence ev = {e->input, e->line ? 0 : e->frame_first, e->line, e->ts};
	return ev;
}

static bool same_event(const tl_entry *x, const event *e)
{
	return x->kind == e->kind && x->input == e->input && x->frame_first == e->frame_first &&
	       x->line == e->line && x->ts == e->ts;
}

void analysis_keep(analysis *an, const event *e, bool failure)
{
	GArray *a = an->tl.entries;
	if (a->len) {
		tl_entry *last = &g_array_index(a, tl_entry, a->len - 1);
		if (same_event(last, e)) {
			last->failure |= failure;
			return;
		}
	}
	if (!timeline_add(&an->tl, e, failure))
		an->run->stats.limit_hits[LIM_EVENTS]++;
}

void analysis_mark_failure(analysis *an, uint16_t input, uint32_t frame, uint32_t line)
{
	tl_entry *x = tl_find(&an->tl, input, frame, line, -1);
	if (x)
		x->failure = true;
}

void analysis_mark_failed_item(analysis *an, uint16_t input, uint32_t frame, ev_kind kind, int item)
{
	tl_entry *x = tl_find(&an->tl, input, frame, 0, (int)kind);
	if (!x)
		return;
	x->failure = true;
	x->failed_item = item;
	tl_mark_cert(&an->tl, x, item);
}

bool analysis_one_direction(const analysis *an)
{
	return an->tcp_one_way > 0 && an->tcp_two_way == 0;
}

bool analysis_input_cut(const analysis *an, uint16_t input)
{
	if (input >= an->run->inputs->len)
		return false;
	const amt_input *in = an->run->inputs->pdata[input];
	return in->cut_frames > 0;
}

void analysis_keep_failed_item(analysis *an, const event *e, int item)
{
	analysis_keep(an, e, true);
	GArray *a = an->tl.entries;
	if (a->len && same_event(&g_array_index(a, tl_entry, a->len - 1), e)) {
		tl_entry *x = &g_array_index(a, tl_entry, a->len - 1);
		x->failed_item = item;
		tl_mark_cert(&an->tl, x, item);
	}
}

/* What the timeline keeps: everything a person would want on a lane, not the
 * per-message chatter of a data stream. */
static bool worth_keeping(const event *e)
{
	switch (e->kind) {
	case EV_REDIR_MESSAGE:
	case EV_RFB_MESSAGE:
	case EV_HTTP_REQUEST:
	case EV_HTTP_RESPONSE:
		return false;  /* the session / WS-Man events summarise them */
	case EV_FLOW_OPEN:
		return false;  /* the close says how it went */
	default:
		return true;
	}
}

static void on_event(void *user, const event *e)
{
	analysis *an = user;
	if (worth_keeping(e))
		analysis_keep(an, e, false);
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i]->on_event)
			amt_rules[i]->on_event(an->state[i], an, e);
}

void analysis_init(analysis *an, amt_run *run)
{
	memset(an, 0, sizeof(*an));
	an->run = run;
	an->cfg = &run->cfg;
	devtab_init(&an->dev);
	findings_init(&an->fnd, run->cfg.limit[LIM_FINDINGS], run->cfg.limit[LIM_FINDINGS_DEVICE]);
	timeline_init(&an->tl, run->cfg.limit[LIM_EVENTS]);
	char *kbdir = g_build_filename(logs_data_dir(an->cfg), "kb", NULL);
	an->kb = kb_load_dir(kbdir, NULL);
	g_free(kbdir);
	size_t n = 0;
	while (amt_rules[n])
		n++;
	an->state = g_new0(void *, n + 1);
	for (size_t i = 0; i < n; i++)
		if (amt_rules[i]->init)
			an->state[i] = amt_rules[i]->init(an);
	bus_subscribe(&run->bus, on_event, an);
}

void analysis_end(analysis *an)
{
	if (an->ended)
		return;
	an->ended = true;
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i]->on_end)
			amt_rules[i]->on_end(an->state[i], an);
	an->run->stats.limit_hits[LIM_FINDINGS] += an->fnd.over_cap;
	an->run->stats.limit_hits[LIM_FINDINGS_DEVICE] += an->fnd.over_cap_per_device;
	analysis_conclude(an);
}

void analysis_free(analysis *an)
{
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i]->free && an->state[i])
			amt_rules[i]->free(an->state[i]);
	g_free(an->state);
	kb_free(an->kb);
	timeline_free(&an->tl);
	findings_free(&an->fnd);
	devtab_free(&an->dev);
}
