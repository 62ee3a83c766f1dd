/* The terminal report. */
#include <string.h>

#include "jsonw.h"
#include "report.h"

#define C(o, code) ((o)->color ? (code) : "")
#define RESET(o) C(o, "\033[0m")

static const char *sev_color(const report_opts *o, severity s)
{
	return C(o, s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;33m" : "\033[1;36m");
}

static void header(FILE *f, analysis *an)
{
	const amt_run *run = an->run;
	int64_t first = 0, last = 0;
	fprintf(f, "amtscope analysis\n");
	for (guint i = 0; i < run->inputs->len; i++) {
		const amt_input *in = run->inputs->pdata[i];
		if (in->kind == INPUT_LOG)
			fprintf(f, "  input %s (%s, %llu lines)%s%s\n", in->path, in->kind_name,
				(unsigned long long)in->lines, in->error ? ": " : "", in->error ? in->error : "");
		else
			fprintf(f, "  input %s (%s, %llu packets)%s%s\n", in->path, in->kind_name,
				(unsigned long long)in->packets, in->error ? ": " : "", in->error ? in->error : "");
		if (in->first_ts && (!first || in->first_ts < first))
			first = in->first_ts;
		if (in->last_ts > last)
			last = in->last_ts;
	}
	if (first) {
		char a[40], b[40];
		fprintf(f, "  time  %s .. %s\n", fmt_time_rfc3339(first, a), fmt_time_rfc3339(last, b));
	}
	GPtrArray *devs = devtab_list(&an->dev);
	fprintf(f, "  %llu packets, %llu flows, %llu decoded messages, %u devices\n",
		(unsigned long long)run->stats.packets, (unsigned long long)run->stats.flows,
		(unsigned long long)run->stats.messages, devs->len);
	g_ptr_array_free(devs, TRUE);
	for (int i = 0; i < LIM_COUNT; i++)
		if (run->stats.limit_hits[i])
			fprintf(f, "  limit %s (%llu) hit %llu times; raise it with %s\n", amt_limits[i].name,
				(unsigned long long)an->cfg->limit[i], (unsigned long long)run->stats.limit_hits[i],
				amt_limits[i].option);
}

static const char *input_path(analysis *an, uint16_t i)
{
	return i < an->run->inputs->len ? ((amt_input *)an->run->inputs->pdata[i])->path : "?";
}

static void findings_section(FILE *f, analysis *an, const report_opts *o)
{
	GPtrArray *fs = findings_sorted(&an->fnd);
	fprintf(f, "\nFindings: %u\n", fs->len);
	if (!fs->len)
		fprintf(f, "  none\n");
	for (guint i = 0; i < fs->len; i++) {
		const finding *x = fs->pdata[i];
		fprintf(f, "\n  %s%-7s%s %s%s%s", sev_color(o, x->sev), severity_name(x->sev), RESET(o),
			C(o, "\033[1m"), x->rule, RESET(o));
		if (x->device)
			fprintf(f, "  [%s]", x->device);
		fprintf(f, "\n    %s\n", x->summary ? x->summary : "");
		if (x->evidence->len) {
			fprintf(f, "    evidence:");
			for (guint k = 0; k < x->evidence->len; k++) {
				const evidence *e = &g_array_index(x->evidence, evidence, k);
				if (e->frame)
					fprintf(f, " %s#%u", input_path(an, e->input), e->frame);
				else
					fprintf(f, " %s:%u", input_path(an, e->input), e->line);
			}
			fputc('\n', f);
			/* one tshark hint per capture cited */
			for (guint in = 0; in < an->run->inputs->len; in++) {
				GString *s = g_string_new(NULL);
				for (guint k = 0; k < x->evidence->len; k++) {
					const evidence *e = &g_array_index(x->evidence, evidence, k);
					if (e->frame && e->input == in)
						g_string_append_printf(s, "%s%u", s->len ? " " : "", e->frame);
				}
				if (s->len)
					fprintf(f, "    open: tshark -r %s -Y 'frame.number in {%s}'\n",
						input_path(an, (uint16_t)in), s->str);
				g_string_free(s, TRUE);
			}
		}
		if (x->remedy)
			fprintf(f, "    remedy: %s\n", x->remedy);
	}
	g_ptr_array_free(fs, TRUE);
}

static void devices_section(FILE *f, analysis *an)
{
	GPtrArray *devs = devtab_list(&an->dev);
	fprintf(f, "\nDevices: %u\n", devs->len);
	if (devs->len)
		fprintf(f, "  %-39s %-30s %-36s %-17s %-10s %s\n", "IP", "FQDN", "UUID", "MAC", "AMT", "STATE");
	for (guint i = 0; i < devs->len; i++) {
		const device *d = devs->pdata[i];
		const fact *ip = dev_first(d, FACT_IP), *fq = dev_best(d, FACT_FQDN),
			   *uu = dev_first(d, FACT_UUID), *mac = dev_first(d, FACT_MAC),
			   *ver = dev_first(d, FACT_AMT_VERSION), *st = dev_first(d, FACT_PROV_STATE);
		fprintf(f, "  %-39s %-30s %-36s %-17s %-10s %s\n", ip ? ip->value : "-", fq ? fq->value : "-",
			uu ? uu->value : "-", mac ? mac->value : "-", ver ? ver->value : "-", st ? st->value : "-");
	}
	g_ptr_array_free(devs, TRUE);
}

static void timeline_section(FILE *f, analysis *an)
{
	char t[40], a[AMT_ADDRSTRLEN], b[AMT_ADDRSTRLEN];
	fprintf(f, "\nTimeline: %u events\n", an->tl.entries->len);
	for (guint i = 0; i < an->tl.entries->len; i++) {
		const tl_entry *x = &g_array_index(an->tl.entries, tl_entry, i);
		fprintf(f, "  %s %s", fmt_time_rfc3339(x->ts, t), x->failure ? "!" : " ");
		if (x->src.family)
			fprintf(f, " %s → %s", amt_addr_str(&x->src, a), amt_addr_str(&x->dst, b));
		fprintf(f, " %s %s", x->proto ? x->proto : "", x->info ? x->info : "");
		if (x->frame_first)
			fprintf(f, " (#%u)", x->frame_first);
		else if (x->line)
			fprintf(f, " (line %u)", x->line);
		fputc('\n', f);
	}
}

void report_text(FILE *f, analysis *an, const report_opts *o)
{
	if (!o->quiet)
		header(f, an);
	findings_section(f, an, o);
	if (o->quiet)
		return;
	devices_section(f, an);
	if (o->verbose)
		timeline_section(f, an);
}
