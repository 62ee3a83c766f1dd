/* `amtscope decode` output: tshark's one-line view and -V field list. */
#include <inttypes.h>
#include <string.h>

#include "jsonw.h"
#include "report.h"

const char *field_text(const ev_field *fl, char *buf, size_t n)
{
	switch (fl->type) {
	case FT_STR:
	case FT_HEX:
		return fl->v.s;
	case FT_UINT:
		snprintf(buf, n, "%" PRIu64, fl->v.u);
		return buf;
	case FT_INT:
		snprintf(buf, n, "%" PRId64, fl->v.i);
		return buf;
	case FT_BOOL:
		return fl->v.b ? "true" : "false";
	case FT_ADDR:
		if (n >= AMT_ADDRSTRLEN)
			return amt_addr_str(fl->v.addr, buf);
		return "";
	case FT_TIME:
		if (n >= 40)
			return fmt_time_rfc3339(fl->v.i, buf);
		return "";
	}
	return "";
}

static int64_t input_start(const amt_run *run, uint16_t input)
{
	if (input < run->inputs->len) {
		const amt_input *in = run->inputs->pdata[input];
		return in->first_ts;
	}
	return 0;
}

void decode_text(FILE *f, const amt_run *run, const event *e, bool verbose)
{
	ev_describe(e);
	char a[AMT_ADDRSTRLEN], b[AMT_ADDRSTRLEN];
	double rel = (double)(e->ts - input_start(run, e->input)) / 1e6;
	if (e->line)
		fprintf(f, "%7s L%-6u", "", e->line);
	else
		fprintf(f, "%7u %11.6f", e->frame_last, rel);
	if (e->flow)
		fprintf(f, " %s:%u → %s:%u", amt_addr_str(ev_src(e), a), ev_sport(e),
			amt_addr_str(ev_dst(e), b), ev_dport(e));
	fprintf(f, " %s %s\n", e->proto ? e->proto : "-", e->info ? e->info : ev_kind_name(e->kind));
	if (!verbose)
		return;
	if (e->frame_first && e->frame_first != e->frame_last)
		fprintf(f, "    frames: %u-%u\n", e->frame_first, e->frame_last);
	for (uint32_t i = 0; i < e->nfields; i++) {
		char buf[64];
		fprintf(f, "    %s: %s\n", e->fields[i].name, field_text(&e->fields[i], buf, sizeof(buf)));
	}
}

static void field_value(jsonw *w, const ev_field *fl)
{
	char buf[64];
	switch (fl->type) {
	case FT_UINT: jw_uint(w, fl->v.u); break;
	case FT_INT: jw_int(w, fl->v.i); break;
	case FT_BOOL: jw_bool(w, fl->v.b); break;
	default: jw_str(w, field_text(fl, buf, sizeof(buf))); break;
	}
}

/* The event's fields as members of the current object; fields with the same
 * name become one array, in order. */
static void write_field_members(jsonw *w, const event *e, bool dotted_only)
{
	for (uint32_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = strcmp(e->fields[j].name, name) == 0;
		if (seen)
			continue;
		uint32_t count = 0;
		for (uint32_t j = i; j < e->nfields; j++)
			count += strcmp(e->fields[j].name, name) == 0;
		if (dotted_only && !strchr(name, '.')) {
			/* keeps a field from shadowing a fixed member */
			char *key = g_strdup_printf("%s.%s", e->proto ? e->proto : "field", name);
			jw_key(w, key);
			g_free(key);
		} else {
			jw_key(w, name);
		}
		if (count == 1) {
			field_value(w, &e->fields[i]);
			continue;
		}
		jw_arr(w);
		for (uint32_t j = i; j < e->nfields; j++)
			if (strcmp(e->fields[j].name, name) == 0)
				field_value(w, &e->fields[j]);
		jw_arr_end(w);
	}
}

static void write_event(jsonw *w, const amt_run *run, const event *e)
{
	ev_describe(e);
	char a[AMT_ADDRSTRLEN];
	jw_obj(w);
	if (e->input < run->inputs->len)
		jw_kstr(w, "input", ((const amt_input *)run->inputs->pdata[e->input])->path);
	if (e->frame_first) {
		jw_kuint(w, "frame", e->frame_last);
		if (e->frame_first != e->frame_last)
			jw_kuint(w, "frame_first", e->frame_first);
	}
	if (e->line)
		jw_kuint(w, "line", e->line);
	if (e->ts)
		jw_ktime(w, "time", e->ts);
	jw_kstr(w, "event_type", ev_kind_name(e->kind));
	jw_kstr(w, "proto", e->proto);
	if (e->flow) {
		jw_kuint(w, "flow_id", e->flow->id);
		jw_kstr(w, "transport", e->flow->ipproto == 6 ? "tcp" : "udp");
		jw_kstr(w, "src_ip", amt_addr_str(ev_src(e), a));
		jw_kuint(w, "src_port", ev_sport(e));
		jw_kstr(w, "dest_ip", amt_addr_str(ev_dst(e), a));
		jw_kuint(w, "dest_port", ev_dport(e));
	}
	jw_kstr(w, "info", e->info);
	jw_key(w, "fields");
	jw_obj(w);
	write_field_members(w, e, false);
	jw_obj_end(w);
	jw_obj_end(w);
}

void decode_json(FILE *f, const amt_run *run, const event *e)
{
	jsonw w;
	jw_init(&w, f, false);
	write_event(&w, run, e);
	jw_end(&w);
}

/* Suricata eve / Zeek style: fixed members have no dot in their name, the
 * event's own fields always have one, so the two never collide. */
void events_jsonl(FILE *f, const amt_run *run, const event *e)
{
	ev_describe(e);
	char a[AMT_ADDRSTRLEN];
	jsonw w;
	jw_init(&w, f, false);
	jw_obj(&w);
	if (e->ts)
		jw_ktime(&w, "timestamp", e->ts);
	jw_kstr(&w, "event_type", ev_kind_name(e->kind));
	jw_kstr(&w, "sensor", run->cfg.sensor);
	jw_kstr(&w, "run_id", run->cfg.run_id);
	jw_kstr(&w, "app_proto", e->proto);
	if (e->input < run->inputs->len)
		jw_kstr(&w, "input", ((const amt_input *)run->inputs->pdata[e->input])->path);
	if (e->frame_first) {
		/* like Wireshark, a message is shown at the frame that completes it */
		jw_kuint(&w, "frame", e->frame_last);
		if (e->frame_last != e->frame_first)
			jw_kuint(&w, "frame_first", e->frame_first);
	}
	if (e->line)
		jw_kuint(&w, "line", e->line);
	if (e->flow) {
		jw_kuint(&w, "flow_id", e->flow->id);
		if (e->flow->community_id[0])
			jw_kstr(&w, "community_id", e->flow->community_id);
		jw_kstr(&w, "proto", e->flow->ipproto == 6 ? "TCP" : e->flow->ipproto == 17 ? "UDP" : "IP");
		jw_kstr(&w, "src_ip", amt_addr_str(ev_src(e), a));
		jw_kuint(&w, "src_port", ev_sport(e));
		jw_kstr(&w, "dest_ip", amt_addr_str(ev_dst(e), a));
		jw_kuint(&w, "dest_port", ev_dport(e));
		jw_kstr(&w, "direction", e->dir == DIR_C2S ? "to_server" : "to_client");
	}
	jw_kstr(&w, "info", e->info);
	write_field_members(&w, e, true);
	jw_obj_end(&w);
	jw_end(&w);
}
