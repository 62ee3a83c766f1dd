/* Findings as records of the JSON lines stream (--format jsonl, --events):
 * Suricata writes an `alert` record next to its flow records; amtscope writes
 * a `finding` record next to its events, with the same sensor and run id, so
 * a SIEM indexes both in one place. See docs/events.md. */
#include "jsonw.h"
#include "report.h"
#include "stream.h"

/* A finding's evidence as a JSON array; the file is named under PATH_KEY
 * ("input" in the stream, "path" in ECS's amtscope namespace). */
void jw_evidence(jsonw *w, const amt_run *run, const finding *x, const char *path_key)
{
	jw_arr(w);
	for (guint k = 0; k < x->evidence->len; k++) {
		const evidence *e = &g_array_index(x->evidence, evidence, k);
		jw_obj(w);
		if (e->input < run->inputs->len)
			jw_kstr(w, path_key, ((const amt_input *)run->inputs->pdata[e->input])->path);
		if (e->frame)
			jw_kuint(w, "frame", e->frame);
		if (e->line)
			jw_kuint(w, "line", e->line);
		if (e->ts)
			jw_ktime(w, "timestamp", e->ts);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void findings_jsonl(FILE *f, analysis *an)
{
	const amt_run *run = an->run;
	GPtrArray *fs = findings_sorted(&an->fnd);
	for (guint i = 0; i < fs->len; i++) {
		const finding *x = fs->pdata[i];
		jsonw w;
		jw_init(&w, f, false);
		jw_obj(&w);
		if (x->first_seen)
			jw_ktime(&w, "timestamp", x->first_seen);
		jw_kstr(&w, "event_type", "finding");
		jw_kstr(&w, "sensor", run->cfg.sensor);
		jw_kstr(&w, "run_id", run->cfg.run_id);
		jw_kstr(&w, "rule", x->rule);
		jw_kstr(&w, "severity", severity_name(x->sev));
		jw_kstr(&w, "device", x->device);
		jw_kstr(&w, "summary", x->summary);
		jw_kstr(&w, "remedy", x->remedy);
		if (x->first_seen) {
			jw_ktime(&w, "first_seen", x->first_seen);
			jw_ktime(&w, "last_seen", x->last_seen);
		}
		jw_key(&w, "evidence");
		jw_evidence(&w, run, x, "input");
		jw_obj_end(&w);
		jw_end(&w);
	}
	g_ptr_array_free(fs, TRUE);
}
