/* The end of the log rules: estimate each log's clock offset against the
 * capture from hellos seen in both, then raise the findings the knowledge
 * base and the seeds describe, citing log lines and frames together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../inputs/logs.h"
#include "rule_logs.h"

extern const rule rule_logs;

static logs_state *state_of(analysis *an)
{
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i] == &rule_logs)
			return an->state[i];
	return NULL;
}

bool rule_logs_offset(analysis *an, uint16_t input, int64_t *us, int *pairs)
{
	logs_state *s = state_of(an);
	const log_offset *o = s ? g_hash_table_lookup(s->offsets, GUINT_TO_POINTER(input)) : NULL;
	if (!o)
		return false;
	*us = o->us;
	*pairs = o->pairs;
	return true;
}

static const char *input_name(analysis *an, uint16_t input)
{
	if (input < an->run->inputs->len) {
		const char *p = ((amt_input *)an->run->inputs->pdata[input])->path;
		const char *slash = strrchr(p, '/');
		return slash ? slash + 1 : p;
	}
	return "?";
}

static bool have_capture(analysis *an)
{
	for (guint i = 0; i < an->run->inputs->len; i++)
		if (((amt_input *)an->run->inputs->pdata[i])->kind != INPUT_LOG)
			return true;
	return false;
}

/* Nearest captured hello from the host of m, shifted by off; NULL if none
 * within the slack. */
static const wire_mark *nearest_hello(logs_state *s, const log_mark *m, int64_t off)
{
	const wire_mark *best = NULL;
	int64_t best_d = 0;
	for (guint i = 0; i < s->hellos->len; i++) {
		const wire_mark *w = &g_array_index(s->hellos, wire_mark, i);
		if (!logs_same_host(&m->ip, m->uuid, w))
			continue;
		int64_t d = llabs(m->ts - off - w->ts);
		if (d <= PAIR_SLACK_US && (!best || d < best_d)) {
			best = w;
			best_d = d;
		}
	}
	return best;
}

static gint cmp_i64(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Hellos repeat (every minute at first), so the nearest captured hello is
 * not always the same one: try each candidate offset and keep the one that
 * lines up the most logged hellos, then take the median of those pairs. */
static void estimate_offset(logs_state *s, uint16_t input)
{
	GPtrArray *mine = g_ptr_array_new();
	for (guint i = 0; i < s->marks->len && mine->len < 20; i++) {
		log_mark *m = s->marks->pdata[i];
		if (m->input == input && m->has_ts && m->event && !strcmp(m->event, "hello"))
			g_ptr_array_add(mine, m);
	}
	int best_count = 0;
	int64_t best_off = 0, best_residual = 0;
	for (guint i = 0; i < mine->len; i++) {
		const log_mark *m = mine->pdata[i];
		for (guint j = 0; j < s->hellos->len && j < 200; j++) {
			const wire_mark *w = &g_array_index(s->hellos, wire_mark, j);
			if (!logs_same_host(&m->ip, m->uuid, w))
				continue;
			int64_t off = m->ts - w->ts, residual = 0;
			int count = 0;
			for (guint k = 0; k < mine->len; k++) {
				const log_mark *mk = mine->pdata[k];
				const wire_mark *near = nearest_hello(s, mk, off);
				if (near) {
					count++;
					residual += llabs(mk->ts - off - near->ts);
				}
			}
			/* most pairs, then the tightest fit, then the smallest shift */
			if (count > best_count ||
			    (count == best_count && (residual < best_residual ||
						     (residual == best_residual && llabs(off) < llabs(best_off))))) {
				best_count = count;
				best_off = off;
				best_residual = residual;
			}
		}
	}
	if (best_count) {
		GArray *diffs = g_array_new(FALSE, FALSE, sizeof(int64_t));
		for (guint k = 0; k < mine->len; k++) {
			const log_mark *m = mine->pdata[k];
			const wire_mark *w = nearest_hello(s, m, best_off);
			if (w) {
				int64_t d = m->ts - w->ts;
				g_array_append_val(diffs, d);
			}
		}
		g_array_sort(diffs, cmp_i64);
		log_offset *o = g_new0(log_offset, 1);
		o->us = g_array_index(diffs, int64_t, diffs->len / 2);
		o->pairs = best_count;
		g_hash_table_replace(s->offsets, GUINT_TO_POINTER(input), o);
		g_array_free(diffs, TRUE);
	}
	g_ptr_array_free(mine, TRUE);
}

static int64_t offset_of(logs_state *s, uint16_t input)
{
	const log_offset *o = g_hash_table_lookup(s->offsets, GUINT_TO_POINTER(input));
	return o ? o->us : 0;
}

static const char *device_label(const log_mark *m, char *buf)
{
	if (m->dev)
		return dev_label(dev_resolve(m->dev));
	if (m->ip.family)
		return amt_addr_str(&m->ip, buf);
	return NULL;
}

/* Cites captured hellos and connections to the host of m near its time;
 * returns how many. */
static int cite_frames(logs_state *s, finding *x, const log_mark *m, int64_t lo, int64_t hi, bool timed)
{
	int n = 0;
	GArray *lists[3] = {s->hellos, s->conns, s->flows};
	for (int l = 0; l < 3; l++)
		for (guint i = 0; i < lists[l]->len && n < MAX_CITED_FRAMES; i++) {
			const wire_mark *w = &g_array_index(lists[l], wire_mark, i);
			if (!logs_same_host(&m->ip, m->uuid, w) || (timed && (w->ts < lo || w->ts > hi)))
				continue;
			finding_frame_at(x, w->input, w->frame_first, w->ts);
			n++;
		}
	return n;
}

static void raise_code(logs_state *s, analysis *an, const log_mark *m, const kb_entry *k)
{
	char buf[AMT_ADDRSTRLEN];
	bool is_new;
	finding *x = finding_add(&an->fnd, k->rule, k->sev, device_label(m, buf), NULL, &is_new);
	finding_line_at(x, m->input, m->line, m->has_ts ? m->ts : 0);
	if (k->sev >= SEV_WARNING)  /* the log's lane shows the line that carries the code */
		analysis_mark_failure(an, m->input, 0, m->line);
	int64_t t = m->ts - offset_of(s, m->input);
	int frames = (m->ip.family || m->uuid) ? cite_frames(s, x, m, t - NEAR_US, t + NEAR_US, m->has_ts) : 0;
	if (!is_new)
		return;
	const char *seen = frames ? "Seen in the capture too: the device has traffic around that time (frames cited)."
		: have_capture(an) ? "The capture holds nothing from this device around that time."
				   : "No capture confirmed it (log only).";
	finding_summary(x, "%s line %u: %s %s %s \"%s\": %s%s %s", input_name(an, m->input), m->line,
			k->tool ? k->tool : k->scope, g_ascii_isdigit(k->code[0]) ? "code" : "message",
			k->code, k->title, k->meaning ? k->meaning : "",
			k->confirmed ? "" : " (meaning as given by the seeds; no public source confirms it)", seen);
	if (k->remedy)
		finding_remedy(x, "%s%s%s", k->remedy, k->wire ? " On the wire: " : "", k->wire ? k->wire : "");
}

static const char *conn_story(const wire_mark *c)
{
	switch (c->state) {
	case FLOW_REFUSED: return "was refused (RST)";
	case FLOW_NO_ANSWER:
	case FLOW_SYN_SENT: return "was never answered";
	case FLOW_ESTABLISHED:
	case FLOW_CLOSED: return "was established: the failure is above TCP (TLS or SOAP)";
	case FLOW_TIMED_OUT: return "timed out";
	case FLOW_UDP: break;
	}
	return "failed";
}

/* All "Cannot contact back" lines about one device make one finding: the
 * hellos before the first line and the connections back up to the last. */
static void contact_back(logs_state *s, analysis *an, GPtrArray *lines)
{
	char buf[AMT_ADDRSTRLEN], ipbuf[AMT_ADDRSTRLEN];
	const log_mark *m = lines->pdata[0];
	const kb_entry *k = kb_lookup(s->kb, "scs", "contact_back");
	finding *x = finding_add(&an->fnd, "scs.contact_back_failed", SEV_ERROR, device_label(m, buf), NULL, NULL);
	bool timed = true;
	int64_t first = INT64_MAX, last = INT64_MIN;
	for (guint i = 0; i < lines->len; i++) {
		const log_mark *l = lines->pdata[i];
		finding_line_at(x, l->input, l->line, l->has_ts ? l->ts : 0);
		timed &= l->has_ts;
		int64_t t = l->ts - offset_of(s, l->input);
		first = t < first ? t : first;
		last = t > last ? t : last;
	}
	const char *ip = m->ip.family ? amt_addr_str(&m->ip, ipbuf) : "the device";
	GString *story = g_string_new(NULL);
	char more[48] = "";
	if (lines->len > 1)
		snprintf(more, sizeof(more), " (and %u more line%s)", lines->len - 1, lines->len > 2 ? "s" : "");
	g_string_printf(story, "%s line %u%s: the setup service could not connect back to AMT at %s.",
			input_name(an, m->input), m->line, more, ip);
	int hellos = 0;
	int64_t first_hello = 0;
	for (guint i = 0; i < s->hellos->len; i++) {
		const wire_mark *w = &g_array_index(s->hellos, wire_mark, i);
		if (!logs_same_host(&m->ip, m->uuid, w) ||
		    (timed && (w->ts < first - HELLO_LOOKBACK_US || w->ts > last + PAIR_SLACK_US)))
			continue;
		if (hellos < MAX_CITED_FRAMES)
			finding_frame_at(x, w->input, w->frame_first, w->ts);
		if (!hellos++)
			first_hello = w->ts;
	}
	const wire_mark *back = NULL;
	int backs = 0;
	for (guint i = 0; i < s->conns->len; i++) {
		const wire_mark *c = &g_array_index(s->conns, wire_mark, i);
		if (!logs_same_host(&m->ip, NULL, c) || c->port != AMT_PORT_HTTPS)
			continue;
		if (timed && (c->ts < (hellos ? first_hello : first - HELLO_LOOKBACK_US) ||
			      c->ts > last + an->cfg->hello_window_us))
			continue;
		back = c;
		if (backs++ < MAX_CITED_FRAMES) {
			finding_frame_at(x, c->input, c->frame_first, c->ts);
			if (c->frame_last != c->frame_first)
				finding_frame_at(x, c->input, c->frame_last, c->ts);
		}
	}
	if (!have_capture(an)) {
		g_string_append(story, " No capture confirmed it (log only).");
	} else {
		g_string_append(story, " Seen in the capture too:");
		if (hellos)
			g_string_append_printf(story, " %d hello%s from %s", hellos, hellos > 1 ? "s" : "", ip);
		else
			g_string_append_printf(story, " no hello from %s", ip);
		if (back && backs > 1)
			g_string_append_printf(story, ", and %d connections back to %s:16993; the last %s.", backs, ip,
					       conn_story(back));
		else if (back)
			g_string_append_printf(story, ", and the connection back to %s:16993 %s.", ip, conn_story(back));
		else
			g_string_append_printf(story, ", and no connection from the setup service to %s:16993 followed.", ip);
	}
	const log_offset *o = g_hash_table_lookup(s->offsets, GUINT_TO_POINTER(m->input));
	if (o)
		g_string_append_printf(story, " Log clock offset to the capture: %+.3f s (from %d hello%s seen in both).",
				       (double)o->us / 1e6, o->pairs, o->pairs > 1 ? "s" : "");
	finding_summary(x, "%s", story->str);
	g_string_free(story, TRUE);
	finding_remedy(x, "%s", k && k->remedy ? k->remedy
			: "Check that the hello's source IP answers on TCP 16993 from the setup service.");
}

static void skew_from_offsets(logs_state *s, analysis *an)
{
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init(&it, s->offsets);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		uint16_t input = (uint16_t)GPOINTER_TO_UINT(key);
		const log_offset *o = val;
		bool skewed = llabs(o->us) > KERBEROS_TOLERANCE_US;
		/* a local-time log read as UTC is off by its zone: whole quarter hours */
		int64_t quarter = 15LL * 60 * 1000000, q = (o->us + (o->us >= 0 ? quarter / 2 : -quarter / 2)) / quarter;
		bool zone_like = g_hash_table_contains(s->assumed_utc, key) && q &&
				 llabs(o->us - q * quarter) < 120LL * 1000000;
		const char *id = zone_like ? "log.time_zone" : skewed ? "time.skew" : "log.clock_offset";
		finding *x = finding_add(&an->fnd, id, skewed && !zone_like ? SEV_WARNING : SEV_INFO, NULL,
					 input_name(an, input), NULL);
		if (zone_like) {
			int64_t mins = llabs(q) * 15;
			char zone[16];
			snprintf(zone, sizeof(zone), "%c%02d:%02d", q < 0 ? '-' : '+', (int)(mins / 60), (int)(mins % 60));
			finding_summary(x, "%s's times are %+.3f s from the capture's (from %d hello%s seen in both): "
					"that is a time zone, UTC%s, not a wrong clock: the log is in local time without "
					"a zone", input_name(an, input), (double)o->us / 1e6, o->pairs,
					o->pairs > 1 ? "s" : "", zone);
			finding_remedy(x, "Give --log-tz %s (or the server's zone name) so the log's times are read "
				       "correctly.", zone);
		} else {
			finding_summary(x, "%s's clock is %+.3f s from the capture's%s (estimated from %d hello%s seen "
					"in both)%s", input_name(an, input), (double)o->us / 1e6,
					an->cfg->log_offset_us ? " after --log-offset" : "", o->pairs,
					o->pairs > 1 ? "s" : "",
					skewed ? ": beyond Kerberos' 5-minute tolerance"
					       : "; log times are compared after removing it");
		}
		if (skewed && !zone_like)
			finding_remedy(x, "Synchronise the clocks of the setup server, the domain controllers and AMT "
				       "(the SCS clock-sync task); --log-offset lines the log up for this analysis.");
		for (guint i = 0; i < s->marks->len; i++) {
			const log_mark *m = s->marks->pdata[i];
			if (m->input == input && m->event && !strcmp(m->event, "hello")) {
				finding_line_at(x, m->input, m->line, m->has_ts ? m->ts : 0);
				const wire_mark *w = nearest_hello(s, m, o->us);
				if (w)
					finding_frame_at(x, w->input, w->frame_first, w->ts);
			}
		}
	}
}

void logs_correlate(void *st, analysis *an)
{
	logs_state *s = st;
	bool have_logs = false;
	for (guint i = 0; i < an->run->inputs->len; i++)
		have_logs |= ((amt_input *)an->run->inputs->pdata[i])->kind == INPUT_LOG;
	if (have_logs && !s->kb->entries->len) {
		finding *x = finding_add(&an->fnd, "log.kb_missing", SEV_WARNING, NULL, NULL, NULL);
		finding_summary(x, "The error-code knowledge base was not found under %s/kb: codes in the logs "
				"were not explained", logs_data_dir(an->cfg));
		finding_remedy(x, "Set AMTSCOPE_DATA to the folder holding formats/ and kb/ (rules/ in the "
			       "source tree, share/amtscope when installed).");
	}
	if (!s->hellos->len && s->hello_flows->len) {
		GArray *t = s->hellos;
		s->hellos = s->hello_flows;
		s->hello_flows = t;
	}
	for (guint i = 0; i < an->run->inputs->len; i++)
		if (((amt_input *)an->run->inputs->pdata[i])->kind == INPUT_LOG)
			estimate_offset(s, (uint16_t)i);
	skew_from_offsets(s, an);
	GHashTable *contacts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *order = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	for (guint i = 0; i < s->marks->len; i++) {
		const log_mark *m = s->marks->pdata[i];
		bool contact = m->event && !strcmp(m->event, "contact_back_failed");
		for (uint32_t c = 0; c < m->ncodes; c++) {
			if (!strcmp(m->code[c], "contact_back"))
				contact = true;
			const kb_entry *k = kb_lookup(s->kb, m->scope[c], m->code[c]);
			if (!k || !strcmp(m->code[c], "contact_back"))
				continue;
			raise_code(s, an, m, k);
			bool kerberos_skew = !strcmp(k->scope, "windows") && !strcmp(k->code, "0x80090324");
			if ((!strcmp(k->scope, "scs") && !strcmp(k->code, "602")) || kerberos_skew) {
				char buf[AMT_ADDRSTRLEN];
				finding *x = finding_add(&an->fnd, "time.skew", SEV_WARNING, device_label(m, buf),
							 kerberos_skew ? "win.skew" : "scs.602", NULL);
				finding_line_at(x, m->input, m->line, m->has_ts ? m->ts : 0);
				if (kerberos_skew)
					finding_summary(x, "%s line %u: Kerberos refused a ticket for clock skew "
							"(SEC_E_TIME_SKEW): clocks differ by more than its tolerance (5 "
							"minutes by default).", input_name(an, m->input), m->line);
				else
					finding_summary(x, "%s line %u: SCS error 602, the clock sync worker failed: AMT's "
							"clock may drift beyond Kerberos' tolerance (5 minutes by default).",
							input_name(an, m->input), m->line);
				finding_remedy(x, "%s", k->remedy ? k->remedy : "");
			}
		}
		if (contact) {
			char buf[AMT_ADDRSTRLEN];
			const char *label = device_label(m, buf);
			GPtrArray *group = g_hash_table_lookup(contacts, label ? label : "");
			if (!group) {
				group = g_ptr_array_new();
				g_hash_table_insert(contacts, g_strdup(label ? label : ""), group);
				g_ptr_array_add(order, group);
			}
			g_ptr_array_add(group, (gpointer)m);
		}
	}
	for (guint i = 0; i < order->len; i++)
		contact_back(s, an, order->pdata[i]);
	g_ptr_array_free(order, TRUE);
	g_hash_table_destroy(contacts);
}
