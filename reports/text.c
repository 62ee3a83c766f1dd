/* The terminal report: header, findings grouped by device, device table,
 * and with -v the timeline. Everything captured goes through out_text. */
#include <string.h>

#include "escape.h"
#include "jsonw.h"
#include "report.h"

#define C(o, code) ((o)->color ? (code) : "")
#define RESET(o) C(o, "\033[0m")
#define BOLD(o) C(o, "\033[1m")
#define DIM(o) C(o, "\033[2m")

static const char *sev_color(const report_opts *o, severity s)
{
	return C(o, s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;33m" : "\033[1;36m");
}

static void plural(FILE *f, uint64_t n, const char *one, const char *many)
{
	fprintf(f, "%llu %s", (unsigned long long)n, n == 1 ? one : many);
}

static void header(FILE *f, analysis *an, const report_opts *o)
{
	const amt_run *run = an->run;
	int64_t first, last;
	fprintf(f, "%samtscope %s analysis%s\n", BOLD(o), o->version ? o->version : "", RESET(o));
	for (guint i = 0; i < run->inputs->len; i++) {
		const amt_input *in = run->inputs->pdata[i];
		fputs("  input  ", f);
		out_text(f, in->path);
		fprintf(f, " (%s, ", in->kind_name ? in->kind_name : "?");
		if (in->kind == INPUT_LOG)
			plural(f, in->lines, "line", "lines");
		else
			plural(f, in->packets, "packet", "packets");
		if (in->kind != INPUT_LOG && in->cut_frames) {
			fprintf(f, "; snaplen %u: ", in->snaplen);
			plural(f, in->cut_frames, "frame cut", "frames cut");
		}
		fputc(')', f);
		if (in->truncated)
			fputs(", truncated", f);
		if (in->error) {
			fputs(": ", f);
			out_text(f, in->error);
		}
		fputc('\n', f);
	}
	run_span(run, &first, &last);
	if (first) {
		char a[40], b[40];
		fprintf(f, "  time   %s .. %s (%.3f s)\n", fmt_time_rfc3339(first, a), fmt_time_rfc3339(last, b),
			(double)(last - first) / 1e6);
	}
	GPtrArray *devs = devtab_list(&an->dev);
	fputs("  ", f);
	plural(f, run->stats.packets, "packet", "packets");
	fputs(", ", f);
	plural(f, run->stats.flows, "flow", "flows");
	fputs(", ", f);
	plural(f, run->stats.messages, "decoded message", "decoded messages");
	fputs(", ", f);
	plural(f, devs->len, "device", "devices");
	fputc('\n', f);
	g_ptr_array_free(devs, TRUE);
	for (int i = 0; i < LIM_COUNT; i++)
		if (run->stats.limit_hits[i])
			fprintf(f, "  %slimit%s %s (%llu) hit %llu time%s; raise it with %s\n", C(o, "\033[33m"),
				RESET(o), amt_limits[i].name, (unsigned long long)an->cfg->limit[i],
				(unsigned long long)run->stats.limit_hits[i], run->stats.limit_hits[i] == 1 ? "" : "s",
				amt_limits[i].option);
	if (run->stats.dissector_misuse)
		fprintf(f, "  %sinternal%s %llu dissector result%s broke the contract (a bug in amtscope: see the "
			"internal notes, please report it)\n", C(o, "\033[31m"), RESET(o),
			(unsigned long long)run->stats.dissector_misuse, run->stats.dissector_misuse == 1 ? "" : "s");
}

/* " frames 3, 9" or " line 40": numbers of one input as cited. */
static void numbers(FILE *f, const uint32_t *nums, uint32_t n, const char *one, const char *many)
{
	if (!n)
		return;
	fprintf(f, " %s", n == 1 ? one : many);
	for (uint32_t k = 0; k < n; k++)
		fprintf(f, "%s%u", k ? ", " : " ", nums[k]);
}

static void evidence_lines(FILE *f, analysis *an, const finding *x, const report_opts *o)
{
	const amt_run *run = an->run;
	if (!x->evidence->len)
		return;
	fputs("    evidence:", f);
	/* one group per input (finding.cites), the last one for evidence naming no known input */
	for (uint32_t i = 0; i < x->ncites; i++) {
		const finding_cites *c = &x->cites[i];
		fputs(i ? "; " : " ", f);
		out_text(f, report_input_path(run, c->input));
		numbers(f, c->frames, c->nframes, "frame", "frames");
		if (c->nframes && c->nlines)
			fputc(',', f);
		numbers(f, c->lines, c->nlines, "line", "lines");
	}
	fputc('\n', f);
	for (uint32_t i = 0; i < x->ncites; i++) {
		char *cmd = report_open_command(run, &x->cites[i]);
		if (cmd) {
			fprintf(f, "    %sopen:     ", DIM(o));
			out_text(f, cmd);
			fprintf(f, "%s\n", RESET(o));
		}
		g_free(cmd);
	}
}

static void one_finding(FILE *f, analysis *an, const finding *x, const report_opts *o)
{
	fprintf(f, "  %s%-7s%s %s", sev_color(o, x->sev), severity_name(x->sev), RESET(o), BOLD(o));
	out_text(f, x->rule);
	fprintf(f, "%s\n", RESET(o));
	if (x->summary) {
		fputs("    ", f);
		out_text(f, x->summary);
		fputc('\n', f);
	}
	evidence_lines(f, an, x, o);
	if (x->remedy) {
		fputs("    remedy:   ", f);
		out_text(f, x->remedy);
		fputc('\n', f);
	}
}

static void device_heading(FILE *f, const finding *x, const report_opts *o)
{
	fputc('\n', f);
	if (!x->device) {
		fprintf(f, "%s(not tied to one device)%s\n", BOLD(o), RESET(o));
		return;
	}
	fputs(BOLD(o), f);
	out_text(f, x->device);
	fputs(RESET(o), f);
	/* a label that is an address is followed by the device's name */
	const fact *fq = x->dev && x->label_is_ip ? dev_best(x->dev, FACT_FQDN) : NULL;
	if (fq) {
		fputs("  ", f);
		out_text(f, fq->value);
	}
	fputc('\n', f);
}

#define TEXT_RULE_ROWS 15  /* the per-rule table fits one screen */

/* What --suppress and --min-severity removed, one line. */
static void volume_line(FILE *f, const report_opts *o)
{
	const volume *v = o->vol;
	if (!v || (!v->suppressed && !v->below_min))
		return;
	fputs("  not shown: ", f);
	if (v->suppressed)
		fprintf(f, "%llu suppressed (--suppress)", (unsigned long long)v->suppressed);
	if (v->suppressed && v->below_min)
		fputs(", ", f);
	if (v->below_min)
		fprintf(f, "%llu below --min-severity %s", (unsigned long long)v->below_min,
			severity_name((severity)v->min_sev));
	fputc('\n', f);
}

/* Rule, severity, count, devices: the first thing to read on a big capture. */
static void by_rule_table(FILE *f, const report_opts *o)
{
	const GArray *rs = o->by_rule;
	if (!rs || !rs->len)
		return;
	int w = 4;
	for (guint i = 0; i < rs->len && i < TEXT_RULE_ROWS; i++) {
		int n = text_width(g_array_index(rs, rule_summary, i).rule);
		w = n > w ? n : w;
	}
	fprintf(f, "  %s%-*s  %-8s %7s %8s%s\n", DIM(o), w, "RULE", "SEVERITY", "COUNT", "DEVICES", RESET(o));
	for (guint i = 0; i < rs->len && i < TEXT_RULE_ROWS; i++) {
		const rule_summary *r = &g_array_index(rs, rule_summary, i);
		fputs("  ", f);
		out_text(f, r->rule);
		fprintf(f, "%*s  %s%-8s%s %7u %8u\n", w - text_width(r->rule), "", sev_color(o, r->sev),
			severity_name(r->sev), RESET(o), r->count, r->devices);
	}
	if (rs->len > TEXT_RULE_ROWS) {
		unsigned more = 0;
		for (guint i = TEXT_RULE_ROWS; i < rs->len; i++)
			more += g_array_index(rs, rule_summary, i).count;
		fprintf(f, "  ... %u more rules (%u findings); --format json lists them all\n", rs->len - TEXT_RULE_ROWS,
			more);
	}
}

static void findings_section(FILE *f, analysis *an, const report_opts *o)
{
	size_t count[3];
	findings_tally(&an->fnd, count);
	if (o->quiet && !an->fnd.list->len)
		return;
	fprintf(f, "%s%sFindings:%s ", o->quiet ? "" : "\n", BOLD(o), RESET(o));
	if (!an->fnd.list->len)
		fputs("none\n", f);
	else
		fprintf(f, "%zu error%s, %zu warning%s, %zu info\n", count[SEV_ERROR], count[SEV_ERROR] == 1 ? "" : "s",
			count[SEV_WARNING], count[SEV_WARNING] == 1 ? "" : "s", count[SEV_INFO]);
	volume_line(f, o);
	by_rule_table(f, o);
	GPtrArray *grouped = findings_grouped(&an->fnd);
	for (guint i = 0; i < grouped->len; i++) {
		const finding *x = grouped->pdata[i];
		if (!i || g_strcmp0(((const finding *)grouped->pdata[i - 1])->device, x->device))
			device_heading(f, x, o);
		one_finding(f, an, x, o);
	}
	g_ptr_array_free(grouped, TRUE);
}

enum { COL_IP, COL_FQDN, COL_UUID, COL_MAC, COL_AMT, COL_STATE, NCOLS };

static const char *cell(const device *d, int col)
{
	static const fact_kind kinds[NCOLS] = {FACT_IP, FACT_FQDN, FACT_UUID, FACT_MAC, FACT_AMT_VERSION,
					       FACT_PROV_STATE};
	const fact *x = col == COL_IP ? dev_first(d, kinds[col]) : dev_best(d, kinds[col]);
	return x ? x->value : "-";
}

static void devices_section(FILE *f, analysis *an, const report_opts *o)
{
	static const char *const titles[NCOLS] = {"IP", "FQDN", "UUID", "MAC", "AMT", "STATE"};
	GPtrArray *devs = devtab_list(&an->dev);
	fprintf(f, "\n%sDevices:%s %u\n", BOLD(o), RESET(o), devs->len);
	int width[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		width[c] = (int)strlen(titles[c]);
		for (guint i = 0; i < devs->len; i++) {
			int w = text_width(cell(devs->pdata[i], c));
			if (w > width[c])
				width[c] = w > 48 ? 48 : w;
		}
	}
	if (devs->len) {
		fputs("  ", f);
		for (int c = 0; c < NCOLS; c++) {
			out_text_pad(f, titles[c], c == NCOLS - 1 ? 0 : width[c] + 2);
		}
		fputc('\n', f);
	}
	for (guint i = 0; i < devs->len; i++) {
		const device *d = devs->pdata[i];
		fputs("  ", f);
		for (int c = 0; c < NCOLS; c++)
			out_text_pad(f, cell(d, c), c == NCOLS - 1 ? 0 : width[c] + 2);
		unsigned roles = d->roles;
		for (unsigned b = 0; b < ROLE_COUNT; b++)
			if (roles & (1u << b))
				fprintf(f, "%s%s", (roles & ((1u << b) - 1)) ? "," : "  (", role_name(1u << b));
		fputs(roles ? ")\n" : "\n", f);
	}
	g_ptr_array_free(devs, TRUE);
}

static void timeline_section(FILE *f, analysis *an, const report_opts *o)
{
	char t[40], a[AMT_ADDRSTRLEN], b[AMT_ADDRSTRLEN];
	const amt_run *run = an->run;
	fprintf(f, "\n%sTimeline:%s %u events", BOLD(o), RESET(o), an->tl.entries->len);
	if (an->tl.dropped)
		fprintf(f, " (%llu more not kept: raise %s)", (unsigned long long)an->tl.dropped,
			amt_limits[LIM_EVENTS].option);
	fputc('\n', f);
	for (guint i = 0; i < an->tl.entries->len; i++) {
		const tl_entry *x = &g_array_index(an->tl.entries, tl_entry, i);
		fprintf(f, "  %-27s %s%s%s", x->ts ? fmt_time_rfc3339(x->ts, t) : "(no time)",
			x->failure ? C(o, "\033[1;31m") : "",
			x->failure ? "!" : " ", x->failure ? RESET(o) : "");
		if (x->src.family)
			fprintf(f, " %s:%u → %s:%u", amt_addr_str(&x->src, a), x->sport, amt_addr_str(&x->dst, b),
				x->dport);
		fprintf(f, " %s ", x->proto ? x->proto : ev_kind_name(x->kind));
		out_text(f, x->info ? x->info : ev_kind_name(x->kind));
		/* where: " (#5-11)", " (line 3)", with the input's name when there are several */
		fputs(DIM(o), f);
		fputs(" (", f);
		if (run->inputs->len > 1) {
			out_text(f, report_input_path(run, x->input));
			fputc(' ', f);
		}
		if (x->frame_first && x->frame_last != x->frame_first)
			fprintf(f, "#%u-%u)", x->frame_first, x->frame_last);
		else if (x->frame_first)
			fprintf(f, "#%u)", x->frame_first);
		else if (x->line)
			fprintf(f, "line %u)", x->line);
		else
			fputs("whole input)", f);
		fprintf(f, "%s\n", RESET(o));
	}
}

void report_text(FILE *f, analysis *an, const report_opts *o)
{
	if (!o->quiet)
		header(f, an, o);
	findings_section(f, an, o);
	if (o->quiet)
		return;
	devices_section(f, an, o);
	if (o->verbose)
		timeline_section(f, an, o);
}
