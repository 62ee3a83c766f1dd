/* --format html: one self-contained file a support engineer can attach to a
 * ticket. No script, no font, no external resource: inline CSS and SVG only,
 * and a Content-Security-Policy that forbids loading anything. Every captured
 * string goes through out_html. */
#include <string.h>

#include "html.h"
#include "jsonw.h"

static const char css[] =
	":root{--err:#b3261e;--warn:#8a5300;--info:#0b5f8a;--ok:#2e7d32;--line:#d0d4da;--muted:#5f6670}\n"
	"*{box-sizing:border-box}\n"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2125;margin:0 auto;"
	"max-width:1100px;padding:16px 24px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid var(--line);"
	"padding-bottom:2px;margin-top:28px}h3{font-size:15px;margin:18px 0 6px}\n"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:12.5px}\n"
	".muted{color:var(--muted)}\n"
	"table{border-collapse:collapse;width:100%;margin:6px 0}\n"
	"th,td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid var(--line);"
	"overflow-wrap:break-word}\n"
	"td.nw{white-space:nowrap}\n"
	"th{background:#f3f4f6;font-weight:600}\n"
	"table.kv th{width:160px;background:none}\n"
	".badge{display:inline-block;border-radius:10px;padding:1px 10px;margin-right:6px;color:#fff;"
	"font-weight:600}\n"
	".badge.error{background:var(--err)}.badge.warning{background:var(--warn)}"
	".badge.info{background:var(--info)}.badge.clean{background:var(--ok)}\n"
	".finding{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:4px;"
	"padding:8px 12px;margin:8px 0;break-inside:avoid}\n"
	".finding.error{border-left-color:var(--err)}.finding.warning{border-left-color:var(--warn)}\n"
	".finding .sev{font-weight:700;text-transform:uppercase;font-size:12px;margin-right:8px}\n"
	".finding.error .sev{color:var(--err)}.finding.warning .sev{color:var(--warn)}"
	".finding.info .sev{color:var(--info)}\n"
	"ol.top{margin:6px 0 10px;padding-left:22px}ol.top .sev-error{color:var(--err);font-weight:700}"
	"ol.top .sev-warning{color:var(--warn);font-weight:700}ol.top .sev-info{color:var(--info);font-weight:700}\n"
	".finding .on{margin-left:6px}table.rules td{padding:2px 10px 2px 0}table.rules .sev-error{color:var(--err)}"
	"table.rules .sev-warning{color:var(--warn)}table.rules .sev-info{color:var(--info)}\n"
	".finding p{margin:4px 0}.finding dl{margin:4px 0;display:grid;grid-template-columns:110px 1fr;"
	"gap:2px 8px}.finding dt{color:var(--muted)}.finding dd{margin:0}\n"
	"svg.tl{width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}\n"
	"svg.tl .lane{fill:#f7f8fa}svg.tl .lane.alt{fill:#eef0f3}\n"
	"svg.tl text{font:11px system-ui,sans-serif;fill:#333}svg.tl .axis{stroke:#9aa0a6}\n"
	"svg.tl .ev{fill:#4a78b5;stroke:#fff;stroke-width:1}svg.tl .ev.fail{fill:var(--err)}\n"
	"svg.tl .x{stroke:#fff;stroke-width:1.6}svg.tl .span{fill:#a9c1e3}svg.tl .fail .span{fill:#eaa8a1}\n"
	".chain{display:flex;flex-wrap:wrap;align-items:center;gap:4px;margin:6px 0}\n"
	".cert{border:1px solid var(--line);border-radius:4px;padding:4px 8px;max-width:320px;"
	"background:#f7f8fa}\n"
	".cert.fail{border:2px solid var(--err);background:#fdecea}\n"
	".cert .n{font-size:11px;color:var(--muted)}.chain .arrow{color:var(--muted)}\n"
	".chain-fail{color:var(--err);font-weight:600}\n"
	"tr.fail td{background:#fdecea}td.fail{color:var(--err);font-weight:700}\n"
	"footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}"
	"svg.tl{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

void html_elem(FILE *f, const char *tag, const char *cls, const char *text)
{
	fprintf(f, "<%s", tag);
	if (cls)
		fprintf(f, " class=\"%s\"", cls);
	fputc('>', f);
	out_html(f, text);
	fprintf(f, "</%s>", tag);
}

void html_event_anchor(FILE *f, unsigned input, uint32_t frame, uint32_t line)
{
	if (frame)
		fprintf(f, "ev-%u-f%u", input, frame);
	else
		fprintf(f, "ev-%u-l%u", input, line);
}

void html_rel_time(FILE *f, int64_t ts, int64_t t0)
{
	fprintf(f, "+%.3f s", (double)(ts - t0) / 1e6);
}

/* Up to 12 findings, errors first, each a link to its full text. */
static void summary_list(FILE *f, const GPtrArray *grouped)
{
	GPtrArray *sorted = g_ptr_array_sized_new(grouped->len);
	for (int s = SEV_ERROR; s >= SEV_INFO; s--)
		for (guint i = 0; i < grouped->len; i++)
			if (((const finding *)grouped->pdata[i])->sev == (severity)s)
				g_ptr_array_add(sorted, GUINT_TO_POINTER(i));
	if (sorted->len)
		fputs("<ol class=\"top\">\n", f);
	for (guint k = 0; k < sorted->len && k < 12; k++) {
		guint i = GPOINTER_TO_UINT(sorted->pdata[k]);
		const finding *x = grouped->pdata[i];
		fprintf(f, "<li><a href=\"#finding-%u\"><span class=\"sev-%s\">%s</span> <code>", i + 1,
			severity_name(x->sev), severity_name(x->sev));
		out_html(f, x->rule);
		fputs("</code></a>", f);
		if (x->device) {
			fputs(" on ", f);
			out_html(f, x->device);
		}
		fputs("</li>\n", f);
	}
	if (sorted->len > 12)
		fprintf(f, "<li class=\"muted\">and %u more below</li>\n", sorted->len - 12);
	if (sorted->len)
		fputs("</ol>\n", f);
	g_ptr_array_free(sorted, TRUE);
}

/* The per-rule table: each row links to its group in the findings. */
static void rule_table(FILE *f, const report_opts *o)
{
	const volume *v = o->vol;
	if (v && (v->suppressed || v->below_min)) {
		fputs("<p class=\"muted\">Not shown: ", f);
		if (v->suppressed)
			fprintf(f, "%llu suppressed (<code>--suppress</code>)", (unsigned long long)v->suppressed);
		if (v->suppressed && v->below_min)
			fputs(", ", f);
		if (v->below_min)
			fprintf(f, "%llu below <code>--min-severity %s</code>", (unsigned long long)v->below_min,
				severity_name((severity)v->min_sev));
		fputs(".</p>\n", f);
	}
	if (!o->by_rule || !o->by_rule->len)
		return;
	fputs("<table class=\"rules\"><tr><th>rule</th><th>severity</th><th>findings</th><th>devices</th></tr>\n", f);
	for (guint i = 0; i < o->by_rule->len; i++) {
		const rule_summary *r = &g_array_index(o->by_rule, rule_summary, i);
		fprintf(f, "<tr><td><a href=\"#rule-%u\"><code>", i + 1);
		out_html(f, r->rule);
		fprintf(f, "</code></a></td><td class=\"sev-%s\">%s</td><td>%u</td><td>%u</td></tr>\n",
			severity_name(r->sev), severity_name(r->sev), r->count, r->devices);
	}
	fputs("</table>\n", f);
}

static void summary(FILE *f, analysis *an, const GPtrArray *grouped, const report_opts *o)
{
	const amt_run *run = an->run;
	char a[40], b[40];
	size_t n[3];
	findings_tally(&an->fnd, n);
	fputs("<section id=\"summary\"><h2>Summary</h2>\n<p>", f);
	if (!an->fnd.list->len)
		fputs("<span class=\"badge clean\">no findings</span>", f);
	static const char *const names[3][2] = {{"info", "info"}, {"warning", "warnings"}, {"error", "errors"}};
	for (int s = SEV_ERROR; s >= SEV_INFO; s--)
		if (n[s])
			fprintf(f, "<span class=\"badge %s\">%zu %s</span>", names[s][0], n[s], names[s][n[s] != 1]);
	fputs("</p>\n", f);
	rule_table(f, o);
	summary_list(f, grouped);
	fputs("<table class=\"kv\">\n", f);
	int64_t first, last;
	for (guint i = 0; i < run->inputs->len; i++) {
		const amt_input *in = run->inputs->pdata[i];
		fputs("<tr><th>input</th><td><code>", f);
		out_html(f, in->path);
		fputs("</code> <span class=\"muted\">", f);
		out_html(f, in->kind_name);
		if (in->kind == INPUT_LOG)
			fprintf(f, ", %llu lines", (unsigned long long)in->lines);
		else
			fprintf(f, ", %llu packets", (unsigned long long)in->packets);
		if (in->truncated)
			fputs(", truncated", f);
		fputs("</span>", f);
		if (in->error) {
			fputs(" <span class=\"chain-fail\">", f);
			out_html(f, in->error);
			fputs("</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	run_span(run, &first, &last);
	if (first)
		fprintf(f, "<tr><th>time</th><td>%s .. %s (%.3f s)</td></tr>\n", fmt_time_rfc3339(first, a),
			fmt_time_rfc3339(last, b), (double)(last - first) / 1e6);
	GPtrArray *devs = devtab_list(&an->dev);
	fprintf(f, "<tr><th>traffic</th><td>%llu packets, %llu flows, %llu decoded messages</td></tr>\n"
		   "<tr><th>devices</th><td>%u</td></tr>\n",
		(unsigned long long)run->stats.packets, (unsigned long long)run->stats.flows,
		(unsigned long long)run->stats.messages, devs->len);
	g_ptr_array_free(devs, TRUE);
	for (int i = 0; i < LIM_COUNT; i++)
		if (run->stats.limit_hits[i])
			fprintf(f, "<tr><th>limit hit</th><td>%s (%llu) hit %llu time%s; raise it with "
				   "<code>%s</code></td></tr>\n",
				amt_limits[i].name, (unsigned long long)an->cfg->limit[i],
				(unsigned long long)run->stats.limit_hits[i], run->stats.limit_hits[i] == 1 ? "" : "s",
				amt_limits[i].option);
	fputs("</table>\n</section>\n", f);
}

static void evidence_html(FILE *f, analysis *an, const finding *x)
{
	const amt_run *run = an->run;
	fputs("<dt>evidence</dt><dd>", f);
	for (guint k = 0; k < x->evidence->len; k++) {
		const evidence *e = &g_array_index(x->evidence, evidence, k);
		fputs(k ? ", " : "", f);
		fputs("<a href=\"#", f);
		html_event_anchor(f, e->input, e->frame, e->line);
		fputs("\">", f);
		if (run->inputs->len > 1) {
			fputs("<code>", f);
			out_html(f, report_input_path(run, e->input));
			fputs("</code> ", f);
		}
		if (e->frame)
			fprintf(f, "frame %u</a>", e->frame);
		else
			fprintf(f, "line %u</a>", e->line);
	}
	fputs("</dd>\n", f);
	for (uint32_t i = 0; i < x->ncites; i++) {
		char *cmd = report_open_command(run, &x->cites[i]);
		if (cmd) {
			fputs("<dt>open</dt><dd><code>", f);
			out_html(f, cmd);
			fputs("</code></dd>\n", f);
		}
		g_free(cmd);
	}
}

static void device_title(FILE *f, const finding *x)
{
	if (!x->device) {
		fputs("Not tied to one device", f);
		return;
	}
	/* a label that is an address links to the device's timeline, its name after it */
	const device *d = x->label_is_ip ? x->dev : NULL;
	if (d)
		fprintf(f, "<a href=\"#timeline-%u\">", d->id);
	out_html(f, x->device);
	if (d)
		fputs("</a>", f);
	const fact *fq = d ? dev_best(d, FACT_FQDN) : NULL;
	if (fq) {
		fputs(" <span class=\"muted\">", f);
		out_html(f, fq->value);
		fputs("</span>", f);
	}
}

static void one_finding(FILE *f, analysis *an, const finding *x, unsigned n)
{
	const char *sev = severity_name(x->sev);
	fprintf(f, "<article class=\"finding %s\" id=\"finding-%u\" data-rule=\"", sev, n);
	out_html(f, x->rule);
	fprintf(f, "\" data-severity=\"%s\">\n<div><span class=\"sev\">%s</span><code class=\"rule\">", sev, sev);
	out_html(f, x->rule);
	fputs("</code> ", f);
	fputs("<span class=\"on\">", f);
	device_title(f, x);
	fputs("</span></div>\n", f);
	if (x->summary)
		html_elem(f, "p", "summary", x->summary);
	fputs("\n<dl>\n", f);
	if (x->evidence->len)
		evidence_html(f, an, x);
	if (x->remedy) {
		fputs("<dt>remedy</dt><dd>", f);
		out_html(f, x->remedy);
		fputs("</dd>\n", f);
	}
	fputs("</dl>\n</article>\n", f);
}

/* The findings grouped by rule (the order of the per-rule table), each
 * rule's first HTML_PER_RULE findings in full and the rest counted, so the
 * page stays small however many devices share a problem. Numbered in the
 * order shown (finding-1 ...), which the summary's list links to. */
#define HTML_PER_RULE 10
#define HTML_MORE_DEVICES 40  /* device names listed for the findings not shown */

static GPtrArray *shown_findings(const report_opts *o)
{
	GPtrArray *shown = g_ptr_array_new();
	for (guint i = 0; o->by_rule && i < o->by_rule->len; i++) {
		const rule_summary *r = &g_array_index(o->by_rule, rule_summary, i);
		for (guint k = 0; k < r->findings->len && k < HTML_PER_RULE; k++)
			g_ptr_array_add(shown, r->findings->pdata[k]);
	}
	return shown;
}

static void more_of_rule(FILE *f, const rule_summary *r)
{
	if (r->findings->len <= HTML_PER_RULE)
		return;
	GHashTable *named = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint k = 0; k < HTML_PER_RULE; k++) {
		const finding *x = r->findings->pdata[k];
		if (x->device)
			g_hash_table_add(named, x->device);
	}
	GPtrArray *rest = g_ptr_array_new();
	for (guint k = HTML_PER_RULE; k < r->findings->len; k++) {
		const finding *x = r->findings->pdata[k];
		if (x->device && g_hash_table_add(named, x->device))
			g_ptr_array_add(rest, x->device);
	}
	unsigned more = r->findings->len - HTML_PER_RULE;
	fprintf(f, "<p class=\"more muted\" data-more=\"%u\">and %u more finding%s of this rule", more, more,
		more == 1 ? "" : "s");
	if (rest->len) {
		fprintf(f, " on %u more device%s: ", rest->len, rest->len == 1 ? "" : "s");
		for (guint k = 0; k < rest->len && k < HTML_MORE_DEVICES; k++) {
			fputs(k ? ", " : "", f);
			out_html(f, rest->pdata[k]);
		}
		if (rest->len > HTML_MORE_DEVICES)
			fprintf(f, " and %u more", rest->len - HTML_MORE_DEVICES);
	}
	fputs("; the JSON report lists every one.</p>\n", f);
	g_ptr_array_free(rest, TRUE);
	g_hash_table_destroy(named);
}

static void findings_html(FILE *f, analysis *an, const report_opts *o)
{
	fputs("<section id=\"findings\"><h2>Findings</h2>\n", f);
	if (!o->by_rule || !o->by_rule->len)
		fputs("<p>No findings.</p>\n", f);
	unsigned n = 0;
	for (guint i = 0; o->by_rule && i < o->by_rule->len; i++) {
		const rule_summary *r = &g_array_index(o->by_rule, rule_summary, i);
		fprintf(f, "<h3 id=\"rule-%u\"><code>", i + 1);
		out_html(f, r->rule);
		fprintf(f, "</code> <span class=\"muted\">%u finding%s, %u device%s</span></h3>\n", r->count,
			r->count == 1 ? "" : "s", r->devices, r->devices == 1 ? "" : "s");
		for (guint k = 0; k < r->findings->len && k < HTML_PER_RULE; k++)
			one_finding(f, an, r->findings->pdata[k], ++n);
		more_of_rule(f, r);
	}
	fputs("</section>\n", f);
}

static void devices_html(FILE *f, analysis *an)
{
	static const fact_kind cols[] = {FACT_IP, FACT_FQDN, FACT_UUID, FACT_MAC, FACT_AMT_VERSION, FACT_PROV_STATE};
	GPtrArray *devs = devtab_list(&an->dev);
	fputs("<section id=\"devices\"><h2>Devices</h2>\n", f);
	if (!devs->len)
		fputs("<p>No devices seen.</p>\n", f);
	else
		fputs("<table><tr><th>IP</th><th>FQDN</th><th>UUID</th><th>MAC</th><th>AMT version</th>"
		      "<th>provisioning state</th><th>roles</th></tr>\n", f);
	for (guint i = 0; i < devs->len; i++) {
		const device *d = devs->pdata[i];
		fprintf(f, "<tr id=\"device-%u\">", d->id);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			const fact *x = c == 0 ? dev_first(d, cols[c]) : dev_best(d, cols[c]);
			fputs(c == 0 ? "<td class=\"nw\">" : c == 2 || c == 3 ? "<td class=\"mono\">" : "<td>", f);
			if (c == 0 && x)
				fprintf(f, "<a href=\"#timeline-%u\">", d->id);
			out_html(f, x ? x->value : "");
			fputs(c == 0 && x ? "</a></td>" : "</td>", f);
		}
		fputs("<td>", f);
		for (unsigned b = 0, k = 0; b < ROLE_COUNT; b++)
			if (d->roles & (1u << b))
				fprintf(f, "%s%s", k++ ? ", " : "", role_name(1u << b));
		fputs("</td></tr>\n", f);
	}
	if (devs->len)
		fputs("</table>\n", f);
	fputs("</section>\n", f);
	g_ptr_array_free(devs, TRUE);
}

void report_html(FILE *f, analysis *an, const report_opts *o)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n<title>amtscope report</title>\n<style>\n",
	      f);
	fputs(css, f);
	fputs("</style></head>\n<body>\n<header><h1>amtscope report</h1>\n<p class=\"muted\">Intel AMT / vPro "
	      "provisioning and management: what went wrong, where, and what to change.</p></header>\n",
	      f);
	GPtrArray *shown = shown_findings(o);
	summary(f, an, shown, o);
	findings_html(f, an, o);
	devices_html(f, an);
	html_timelines(f, an, o->by_rule);
	g_ptr_array_free(shown, TRUE);
	fputs("<footer>amtscope ", f);
	out_html(f, o->version);
	fputs(" · times are UTC · hover a mark in a timeline for its frames</footer>\n</body></html>\n", f);
}
