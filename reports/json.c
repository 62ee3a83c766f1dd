/* --format json: exactly the contract in docs/findings.md (schema:
 * docs/json-schema/). */
#include "jsonw.h"
#include "report.h"

static void write_inputs(jsonw *w, const amt_run *run)
{
	jw_key(w, "inputs");
	jw_arr(w);
	for (guint i = 0; i < run->inputs->len; i++) {
		const amt_input *in = run->inputs->pdata[i];
		jw_obj(w);
		jw_kstr(w, "path", in->path);
		jw_kstr(w, "kind", in->kind_name);
		if (in->kind == INPUT_LOG) {
			jw_kuint(w, "lines", in->lines);
		} else {
			jw_kuint(w, "packets", in->packets);
			if (in->cut_frames) {  /* absent: no frame was cut */
				jw_kuint(w, "snaplen", in->snaplen);
				jw_kuint(w, "cut_frames", in->cut_frames);
			}
		}
		if (in->first_ts) {
			jw_ktime(w, "first", in->first_ts);
			jw_ktime(w, "last", in->last_ts);
		}
		if (in->truncated)
			jw_kbool(w, "truncated", true);
		jw_kstr(w, "error", in->error);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_devices(jsonw *w, analysis *an)
{
	GPtrArray *devs = devtab_list(&an->dev);
	jw_key(w, "devices");
	jw_arr(w);
	for (guint i = 0; i < devs->len; i++) {
		const device *d = devs->pdata[i];
		const fact *f;
		jw_obj(w);
		static const struct { fact_kind k; const char *name; } one[] = {
			{FACT_IP, "ip"}, {FACT_FQDN, "fqdn"}, {FACT_UUID, "uuid"}, {FACT_MAC, "mac"},
			{FACT_AMT_VERSION, "amt_version"}, {FACT_PROV_STATE, "provisioning_state"},
		};
		for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++)
			if ((f = dev_best(d, one[k].k)))
				jw_kstr(w, one[k].name, f->value);
		jw_key(w, "roles");
		jw_arr(w);
		for (unsigned b = 0; b < ROLE_COUNT; b++)
			if (d->roles & (1u << b))
				jw_str(w, role_name(1u << b));
		jw_arr_end(w);
		jw_key(w, "facts");
		jw_arr(w);
		for (guint k = 0; k < d->facts->len; k++) {
			const fact *x = &g_array_index(d->facts, fact, k);
			if (!*x->source)
				continue;
			jw_obj(w);
			jw_kstr(w, "kind", fact_kind_name(x->kind));
			jw_kstr(w, "value", x->value);
			jw_kstr(w, "source", x->source);
			if (x->ev.input < an->run->inputs->len && (x->ev.frame || x->ev.line))
				jw_kstr(w, "input", ((amt_input *)an->run->inputs->pdata[x->ev.input])->path);
			if (x->ev.frame)
				jw_kuint(w, "frame", x->ev.frame);
			if (x->ev.line)
				jw_kuint(w, "line", x->ev.line);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	g_ptr_array_free(devs, TRUE);
}

static void write_findings(jsonw *w, analysis *an)
{
	GPtrArray *fs = findings_sorted(&an->fnd);
	jw_key(w, "findings");
	jw_arr(w);
	for (guint i = 0; i < fs->len; i++) {
		const finding *x = fs->pdata[i];
		jw_obj(w);
		jw_kstr(w, "rule", x->rule);
		jw_kstr(w, "severity", severity_name(x->sev));
		jw_kstr(w, "device", x->device);
		jw_kstr(w, "summary", x->summary);
		jw_kstr(w, "remedy", x->remedy);
		if (x->first_seen) {
			jw_ktime(w, "first_seen", x->first_seen);
			jw_ktime(w, "last_seen", x->last_seen);
		}
		jw_key(w, "evidence");
		jw_arr(w);
		for (guint k = 0; k < x->evidence->len; k++) {
			const evidence *e = &g_array_index(x->evidence, evidence, k);
			jw_obj(w);
			if (e->input < an->run->inputs->len)
				jw_kstr(w, "input", ((amt_input *)an->run->inputs->pdata[e->input])->path);
			if (e->frame)
				jw_kuint(w, "frame", e->frame);
			if (e->line)
				jw_kuint(w, "line", e->line);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	g_ptr_array_free(fs, TRUE);
}

/* The per-rule summary, first: what a reader of a big capture wants. */
static void write_rules(jsonw *w, const report_opts *o)
{
	if (!o->by_rule)
		return;
	jw_key(w, "rules");
	jw_arr(w);
	for (guint i = 0; i < o->by_rule->len; i++) {
		const rule_summary *r = &g_array_index(o->by_rule, rule_summary, i);
		jw_obj(w);
		jw_kstr(w, "rule", r->rule);
		jw_kstr(w, "severity", severity_name(r->sev));
		jw_kuint(w, "count", r->count);
		jw_kuint(w, "devices", r->devices);
		if (r->first_seen) {
			jw_ktime(w, "first_seen", r->first_seen);
			jw_ktime(w, "last_seen", r->last_seen);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* What --suppress and --min-severity removed, by line of the suppress file. */
static void write_suppressed(jsonw *w, const report_opts *o)
{
	const volume *v = o->vol;
	if (!v || (!v->sup->len && v->min_sev == SEV_INFO))
		return;
	jw_key(w, "suppressed");
	jw_obj(w);
	jw_kuint(w, "findings", v->suppressed);
	jw_kstr(w, "min_severity", severity_name((severity)v->min_sev));
	jw_kuint(w, "below_min_severity", v->below_min);
	jw_key(w, "by");
	jw_arr(w);
	for (guint i = 0; i < v->sup->len; i++) {
		const suppression *s = v->sup->pdata[i];
		jw_obj(w);
		jw_kstr(w, "file", s->file);
		jw_kuint(w, "line", s->line);
		jw_kstr(w, "rule", s->rule);
		jw_kstr(w, "device", s->device);
		jw_kstr(w, "reason", s->reason);
		jw_kuint(w, "findings", s->hits);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void write_stats(jsonw *w, analysis *an)
{
	const amt_stats *s = &an->run->stats;
	jw_key(w, "stats");
	jw_obj(w);
	jw_kuint(w, "packets", s->packets);
	jw_kuint(w, "bytes", s->bytes);
	jw_kuint(w, "flows", s->flows);
	jw_kuint(w, "events", an->run->bus.emitted);
	jw_kuint(w, "messages", s->messages);
	if (s->malformed)
		jw_kuint(w, "malformed", s->malformed);
	if (s->kernel_drops)
		jw_kuint(w, "kernel_drops", s->kernel_drops);
	if (s->dissector_misuse)
		jw_kuint(w, "dissector_misuse", s->dissector_misuse);
	bool any = false;
	for (int i = 0; i < LIM_COUNT; i++)
		any |= s->limit_hits[i] != 0;
	if (any) {
		jw_key(w, "limits_hit");
		jw_arr(w);
		for (int i = 0; i < LIM_COUNT; i++) {
			if (!s->limit_hits[i])
				continue;
			jw_obj(w);
			jw_kstr(w, "limit", amt_limits[i].name);
			jw_kuint(w, "times", s->limit_hits[i]);
			jw_kuint(w, "value", an->cfg->limit[i]);
			jw_kstr(w, "option", amt_limits[i].option);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void report_json(FILE *f, analysis *an, const report_opts *o)
{
	jsonw w;
	jw_init(&w, f, true);
	jw_obj(&w);
	jw_key(&w, "amtscope");
	jw_obj(&w);
	jw_kstr(&w, "version", o->version);
	jw_obj_end(&w);
	write_rules(&w, o);
	write_suppressed(&w, o);
	write_inputs(&w, an->run);
	write_devices(&w, an);
	write_findings(&w, an);
	write_stats(&w, an);
	jw_obj_end(&w);
	jw_end(&w);
}
