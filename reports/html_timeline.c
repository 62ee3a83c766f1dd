/* The HTML report's timelines: per device one SVG with a lane per kind of
 * exchange (DHCP, DNS, hello, connections, TLS, WS-Man, redirection, logs),
 * failures marked as the rules marked them, frames on hover (<title>); the
 * certificate chains the device was shown; and the events as a table, which
 * also prints well. Which entries belong to which device, and the chains, the
 * analysis worked out (rules/conclude.c, tl_certs). Entries without a time
 * (ts 0) are listed but not drawn. */
#include <string.h>

#include "html.h"
#include "jsonw.h"

/* Lanes (rows) come from the event kinds' table: ev_kind_lane(), ev_lane_name()
 * in decoder/event.h, declared per dissector in decoder/dissectors.def. */

/* A device's share of the timeline is bounded so that the file stays small
 * enough to open; failures are kept first. JSON lines has everything. */
#define MAX_MARKS 3000
#define MAX_ROWS 500

/* SVG geometry (viewBox units) */
#define SVG_W 960
#define LABEL_W 130
#define PLOT_X 140
#define PLOT_W 800
#define AXIS_H 26
#define LANE_H 24

typedef struct group {
	const device *dev;   /* NULL: entries tied to no device */
	GArray *entries;     /* guint indexes into the timeline */
} group;

typedef struct tl_view {
	analysis *an;
	GHashTable *anchors;  /* row anchors already given, so ids stay unique */
} tl_view;

static const tl_entry *entry(const analysis *an, guint i)
{
	return &g_array_index(an->tl.entries, tl_entry, i);
}

/* Groups: one per live device (creation order), then the entries the
 * analysis tied to none (timeline_place). */
static GPtrArray *group_entries(analysis *an)
{
	GPtrArray *devs = devtab_list(&an->dev);
	GPtrArray *gs = g_ptr_array_new();
	GHashTable *pos = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i <= devs->len; i++) {
		group *x = g_new0(group, 1);
		x->dev = i < devs->len ? devs->pdata[i] : NULL;
		x->entries = g_array_new(FALSE, FALSE, sizeof(guint));
		g_ptr_array_add(gs, x);
		if (x->dev)
			g_hash_table_insert(pos, (gpointer)x->dev, GUINT_TO_POINTER(i + 1));
	}
	for (guint i = 0; i < an->tl.entries->len; i++) {
		const tl_entry *x = entry(an, i);
		device *const *d = tl_devices(&an->tl, x);
		bool placed = false;
		for (uint32_t k = 0; d && k < x->ndevs; k++) {
			guint g = GPOINTER_TO_UINT(g_hash_table_lookup(pos, d[k]));
			if (g) {
				g_array_append_val(((group *)gs->pdata[g - 1])->entries, i);
				placed = true;
			}
		}
		if (!placed)
			g_array_append_val(((group *)gs->pdata[devs->len])->entries, i);
	}
	g_hash_table_destroy(pos);
	g_ptr_array_free(devs, TRUE);
	return gs;
}

static void free_groups(GPtrArray *gs)
{
	for (guint i = 0; i < gs->len; i++) {
		group *x = gs->pdata[i];
		g_array_free(x->entries, TRUE);
		g_free(x);
	}
	g_ptr_array_free(gs, TRUE);
}

/* Which of a group's entries are drawn: all failures, then the others in
 * time order, up to cap. */
static bool *choose(const analysis *an, const group *g, guint cap, guint *hidden)
{
	bool *show = g_new0(bool, g->entries->len);
	guint n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < g->entries->len && n < cap; i++) {
			const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
			if (!show[i] && (pass == 1 || x->failure)) {
				show[i] = true;
				n++;
			}
		}
	*hidden = g->entries->len - n;
	return show;
}

/* "frames 5-11", with the input's name when there are several inputs */
static void where(FILE *f, const amt_run *run, const tl_entry *x)
{
	if (run->inputs->len > 1) {
		out_html(f, report_input_path(run, x->input));
		fputc(' ', f);
	}
	if (x->frame_first && x->frame_last != x->frame_first)
		fprintf(f, "frames %u-%u", x->frame_first, x->frame_last);
	else if (x->frame_first)
		fprintf(f, "frame %u", x->frame_first);
	else if (x->line)
		fprintf(f, "line %u", x->line);
}

static void endpoints(FILE *f, const tl_entry *x)
{
	char a[AMT_ADDRSTRLEN], b[AMT_ADDRSTRLEN];
	if (x->src.family)
		fprintf(f, "%s:%u → %s:%u", amt_addr_str(&x->src, a), x->sport, amt_addr_str(&x->dst, b), x->dport);
}

static void mark(FILE *f, const analysis *an, const tl_entry *x, int64_t t0, int64_t span, int lane_row)
{
	char t[40], buf[64];
	double pos = span > 0 ? (double)(x->ts - t0) / (double)span : 0.5;
	double cx = PLOT_X + pos * PLOT_W, cy = AXIS_H + lane_row * LANE_H + LANE_H / 2.0;
	fprintf(f, "<g class=\"ev%s\"><title>", x->failure ? " fail" : "");
	fprintf(f, "%s (", fmt_time_rfc3339(x->ts, t));
	html_rel_time(f, x->ts, t0);
	fputs(")&#10;", f);
	if (x->failure)
		fputs("FAILED: ", f);
	out_html(f, x->info ? x->info : ev_kind_name(x->kind));
	fputs("&#10;", f);
	endpoints(f, x);
	fputs(x->src.family ? "&#10;" : "", f);
	where(f, an->run, x);
	const ev_field *d = tl_details(&an->tl, x);
	for (uint32_t k = 0; d && k < x->ndetails && k < 12; k++) {
		fputs("&#10;", f);
		out_html(f, d[k].name);
		fputs(": ", f);
		out_html(f, field_text(&d[k], buf, sizeof(buf)));
	}
	fputs("</title>", f);
	/* a connection is drawn from its start to its end (the close event) */
	for (uint32_t k = 0; d && k < x->ndetails; k++) {
		if (strcmp(d[k].name, "tcp.duration_us") || d[k].type != FT_UINT || !d[k].v.u || span <= 0)
			continue;
		double start = (double)(x->ts - (int64_t)d[k].v.u - t0) / (double)span;
		double x0 = PLOT_X + (start < 0 ? 0 : start) * PLOT_W;
		if (cx - x0 >= 1)
			fprintf(f, "<rect class=\"span\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\"/>", x0,
				cy - 3, cx - x0);
		break;
	}
	if (x->failure)
		fprintf(f, "<circle class=\"ev fail\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\"/>"
			   "<path class=\"x\" d=\"M%.1f %.1fl7 7m0 -7l-7 7\"/>",
			cx, cy, cx - 3.5, cy - 3.5);
	else
		fprintf(f, "<circle class=\"ev\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", cx, cy);
	fputs("</g>\n", f);
}

static void svg_lanes(FILE *f, const analysis *an, const group *g, const bool *show, int64_t t0, int64_t t1)
{
	int row_of[EV_LANE_COUNT], rows = 0;
	bool used[EV_LANE_COUNT] = {false};
	for (guint i = 0; i < g->entries->len; i++) {
		const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
		used[ev_kind_lane(x->kind)] |= x->ts != 0;
	}
	for (int l = 0; l < EV_LANE_COUNT; l++)
		row_of[l] = used[l] ? rows++ : -1;
	int height = AXIS_H + rows * LANE_H + 6;
	fprintf(f, "<svg class=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		   "role=\"img\" aria-label=\"timeline\">\n",
		SVG_W, height);
	for (int l = 0; l < EV_LANE_COUNT; l++) {
		if (row_of[l] < 0)
			continue;
		int y = AXIS_H + row_of[l] * LANE_H;
		fprintf(f, "<rect class=\"lane%s\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			   "<text x=\"8\" y=\"%d\">%s</text>\n",
			row_of[l] % 2 ? " alt" : "", y, SVG_W, LANE_H, y + 16, ev_lane_name((ev_lane)l));
	}
	int64_t span = t1 - t0;
	/* everything at one instant: one tick, in the middle where the marks are */
	for (int k = span > 0 ? 0 : 2; k <= (span > 0 ? 4 : 2); k++) {
		double x = PLOT_X + PLOT_W * k / 4.0;
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, AXIS_H - 6, x,
			height - 6);
		fprintf(f, "<text x=\"%.1f\" y=\"14\" text-anchor=\"%s\">", x,
			k == 0 ? "start" : k == 4 ? "end" : "middle");
		html_rel_time(f, t0 + span / 4 * k + span % 4 * k / 4, t0);  /* no overflow */
		fputs("</text>\n", f);
	}
	/* failures last so they are drawn on top */
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < g->entries->len; i++) {
			const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
			if (show[i] && x->ts && x->failure == (pass == 1))
				mark(f, an, x, t0, span, row_of[ev_kind_lane(x->kind)]);
		}
	fputs("</svg>\n", f);
}

/* A chain as the analysis kept it (tl_certs), one certificate per box in
 * the order sent. */

/* who sent the chain: mutual TLS (AMT's remote configuration) has the
 * provisioning chain come from the client */
static const char *role_label(tl_cert_role role)
{
	switch (role) {
	case TL_CERT_SERVER: return " (server)";
	case TL_CERT_CLIENT: return " (client)";
	case TL_CERT_ISSUER: break;
	}
	return "";
}

static void chain(FILE *f, const analysis *an, const tl_entry *x)
{
	const tl_cert *c = tl_certs(&an->tl, x);
	char until[40];
	bool marked = false, any = false;
	for (uint32_t i = 0; c && i < x->ncerts; i++)
		any |= c[i].decoded;
	if (!any)  /* none parsed: the event's own words say more than boxes of nothing */
		c = NULL;
	fputs("<div class=\"chain-block\"><p class=\"muted\">certificates ", f);
	endpoints(f, x);
	fputs(" (", f);
	where(f, an->run, x);
	fputs(")</p>\n<div class=\"chain\">", f);
	if (!c)
		html_elem(f, "span", "cert", x->info ? x->info : "certificates");
	for (uint32_t i = 0; c && i < x->ncerts; i++) {
		marked |= c[i].failed;
		fprintf(f, "%s<div class=\"cert%s\"><div class=\"n\">#%u%s%s</div><div>", i ? "<span class=\"arrow\">→</span>" : "",
			c[i].failed ? " fail" : "", i, role_label(c[i].role),
			c[i].failed ? " · this link fails" : "");
		out_html(f, c[i].decoded ? c[i].subject : "(does not parse)");
		fputs("</div>", f);
		if (c[i].issuer) {
			fputs("<div class=\"muted\">issued by ", f);
			out_html(f, c[i].issuer);
			fputs("</div>", f);
		}
		if (c[i].decoded) {
			fputs("<div class=\"muted\">valid until ", f);
			out_html(f, fmt_time_rfc3339(c[i].not_after, until));
			fputs("</div>", f);
		}
		fputs("</div>", f);
	}
	fputs("</div>\n", f);
	if (x->failure && !marked)
		fputs("<p class=\"chain-fail\">this chain failed; see the findings</p>\n", f);
	fputs("</div>\n", f);
}

static void anchor_ids(FILE *f, tl_view *v, const tl_entry *x, bool first)
{
	GString *s = g_string_new(NULL);
	uint32_t which[2] = {x->frame_first, x->frame_last};
	for (int k = 0; k < 2; k++) {
		if (k == 1 && (!x->frame_last || x->frame_last == x->frame_first))
			break;
		if (x->frame_first)
			g_string_printf(s, "ev-%u-f%u", x->input, which[k]);
		else if (x->line)
			g_string_printf(s, "ev-%u-l%u", x->input, x->line);
		else
			break;
		if (g_hash_table_contains(v->anchors, s->str))
			continue;
		g_hash_table_add(v->anchors, g_strdup(s->str));
		if (first && k == 0)
			fprintf(f, " id=\"%s\"", s->str);
		else if (!first)
			fprintf(f, "<a id=\"%s\"></a>", s->str);
	}
	g_string_free(s, TRUE);
}

static void rows(FILE *f, tl_view *v, const group *g, int64_t t0)
{
	const analysis *an = v->an;
	guint hidden;
	bool *show = choose(an, g, MAX_ROWS, &hidden);
	char t[40], buf[64];
	fputs("<table class=\"events\"><tr><th>time</th><th>lane</th><th>between</th><th>what</th>"
	      "<th>where</th><th></th></tr>\n", f);
	for (guint i = 0; i < g->entries->len; i++) {
		const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
		if (!show[i])
			continue;
		fprintf(f, "<tr%s", x->failure ? " class=\"fail\"" : "");
		anchor_ids(f, v, x, true);
		if (x->ts) {
			fprintf(f, "><td class=\"nw\" title=\"%s\">", fmt_time_rfc3339(x->ts, t));
			html_rel_time(f, x->ts, t0);
		} else {
			fputs("><td class=\"nw\">no time", f);
		}
		fprintf(f, "</td><td>%s</td><td class=\"mono\">", ev_lane_name(ev_kind_lane(x->kind)));
		endpoints(f, x);
		fputs("</td><td title=\"", f);
		const ev_field *d = tl_details(&an->tl, x);
		for (uint32_t k = 0; d && k < x->ndetails; k++) {
			out_html(f, d[k].name);
			fputs(": ", f);
			out_html(f, field_text(&d[k], buf, sizeof(buf)));
			fputs("&#10;", f);
		}
		fputs("\">", f);
		anchor_ids(f, v, x, false);
		out_html(f, x->info ? x->info : ev_kind_name(x->kind));
		fputs("</td><td>", f);
		where(f, an->run, x);
		fprintf(f, "</td><td class=\"fail\">%s</td></tr>\n", x->failure ? "failed" : "");
	}
	fputs("</table>\n", f);
	if (hidden)
		fprintf(f, "<p class=\"muted\">%u more events not listed here; <code>--format jsonl</code> "
			   "gives them all.</p>\n", hidden);
	g_free(show);
}

static void one_group(FILE *f, tl_view *v, const group *g)
{
	const analysis *an = v->an;
	if (!g->entries->len)
		return;
	int64_t t0 = INT64_MAX, t1 = INT64_MIN;
	for (guint i = 0; i < g->entries->len; i++) {
		const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
		if (!x->ts)
			continue;
		t0 = x->ts < t0 ? x->ts : t0;
		t1 = x->ts > t1 ? x->ts : t1;
	}
	if (t0 > t1)
		t0 = t1 = 0;
	if (g->dev) {
		fprintf(f, "<section class=\"device-timeline\" id=\"timeline-%u\"><h3>", g->dev->id);
		out_html(f, dev_label(g->dev));
		const fact *fq = dev_best(g->dev, FACT_FQDN);
		if (fq && dev_first(g->dev, FACT_IP)) {
			fputs(" <span class=\"muted\">", f);
			out_html(f, fq->value);
			fputs("</span>", f);
		}
		fputs("</h3>\n", f);
	} else {
		fputs("<section class=\"device-timeline\" id=\"timeline-other\"><h3>Not tied to a device</h3>\n", f);
	}
	if (t0) {
		char a[40];
		fprintf(f, "<p class=\"muted\">from %s, times relative to it</p>\n", fmt_time_rfc3339(t0, a));
		guint hidden;
		bool *show = choose(an, g, MAX_MARKS, &hidden);
		svg_lanes(f, an, g, show, t0, t1);
		g_free(show);
		if (hidden)
			fprintf(f, "<p class=\"muted\">%u more events not drawn.</p>\n", hidden);
	}
	for (guint i = 0; i < g->entries->len; i++) {
		const tl_entry *x = entry(an, g_array_index(g->entries, guint, i));
		if (x->kind == EV_TLS_CERTIFICATES)
			chain(f, an, x);
	}
	rows(f, v, g, t0);
	fputs("</section>\n", f);
}

/* Which groups get a timeline: all when they are few, else the devices of
 * the findings shown, worst first, up to the cap. */
static bool *chosen_groups(GPtrArray *gs, const GArray *by_rule, guint *hidden)
{
	bool *draw = g_new0(bool, gs->len);
	guint with_entries = 0;
	for (guint i = 0; i < gs->len; i++)
		with_entries += ((group *)gs->pdata[i])->entries->len != 0;
	*hidden = 0;
	if (with_entries <= HTML_MAX_TIMELINES) {
		for (guint i = 0; i < gs->len; i++)
			draw[i] = true;
		return draw;
	}
	GHashTable *pos = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < gs->len; i++)
		if (((group *)gs->pdata[i])->dev)
			g_hash_table_insert(pos, (gpointer)((group *)gs->pdata[i])->dev, GUINT_TO_POINTER(i + 1));
	guint n = 0;
	for (guint r = 0; by_rule && r < by_rule->len && n < HTML_MAX_TIMELINES; r++) {
		const GPtrArray *fs = g_array_index(by_rule, rule_summary, r).findings;
		for (guint k = 0; k < fs->len && n < HTML_MAX_TIMELINES; k++) {
			const finding *x = fs->pdata[k];
			guint at = x->dev ? GPOINTER_TO_UINT(g_hash_table_lookup(pos, x->dev)) : 0;
			if (at && !draw[at - 1] && ((group *)gs->pdata[at - 1])->entries->len) {
				draw[at - 1] = true;
				n++;
			}
		}
	}
	g_hash_table_destroy(pos);
	for (guint i = 0; i < gs->len; i++)
		*hidden += !draw[i] && ((group *)gs->pdata[i])->entries->len;
	return draw;
}

void html_timelines(FILE *f, analysis *an, const GArray *by_rule)
{
	tl_view v = {an, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	fputs("<section id=\"timelines\"><h2>Timelines</h2>\n", f);
	if (!an->tl.entries->len)
		fputs("<p>No events.</p>\n", f);
	if (an->tl.dropped)
		fprintf(f, "<p class=\"muted\">%llu events were not kept; raise <code>%s</code> to see them.</p>\n",
			(unsigned long long)an->tl.dropped, amt_limits[LIM_EVENTS].option);
	GPtrArray *gs = group_entries(an);
	guint hidden;
	bool *draw = chosen_groups(gs, by_rule, &hidden);
	if (hidden)
		fprintf(f, "<p class=\"muted\" data-hidden-timelines=\"%u\">Only the timelines of the devices with the "
			   "worst findings are drawn (at most %u); %u more are not: <code>--format jsonl</code> "
			   "gives every event.", hidden, HTML_MAX_TIMELINES, hidden);
	/* the links to a device's timeline land on this note when it is not drawn */
	for (guint i = 0; hidden && i < gs->len; i++) {
		const group *g = gs->pdata[i];
		if (!draw[i] && g->entries->len)
			fprintf(f, g->dev ? "<span id=\"timeline-%u\"></span>" : "<span id=\"timeline-other\"></span>",
				g->dev ? g->dev->id : 0);
	}
	if (hidden)
		fputs("</p>\n", f);
	for (guint i = 0; i < gs->len; i++)
		if (draw[i])
			one_group(f, &v, gs->pdata[i]);
	g_free(draw);
	free_groups(gs);
	fputs("</section>\n", f);
	g_hash_table_destroy(v.anchors);
}
