/* amtscope analyze / decode: read captures (and logs), decode, run rules.
 * The options are read in analyze_opts.c, the outputs opened in
 * analyze_out.c. */
#include <errno.h>
#include <glib.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../decoder/engine.h"
#include "../decoder/packet.h"
#include "../reports/report.h"
#include "../inputs/logread.h"
#include "../inputs/logs.h"
#include "../rules/rule.h"
#include "../rules/user_rules.h"
#include "../rules/volume.h"
#include "analyze.h"
#include "annotate.h"
#include "cli.h"
#include "outfile.h"
#include "progress.h"
#include "version.h"

/* A capture file of which nothing could be analysed: its link type cannot
 * be decoded, or not one frame could be read. Says so on one line. */
static bool nothing_analysed(const amt_input *in)
{
	if (in->kind == INPUT_LOG || in->kind == INPUT_LIVE)
		return false;
	const char *name = pcap_datalink_val_to_name(in->linktype);
	if (!pkt_linktype_supported(in->linktype)) {
		cli_error("%s: link type %s (%d) cannot be decoded, so nothing was analysed and no report is "
			  "written; amtscope reads Ethernet, Linux cooked (SLL, SLL2), raw IP and BSD loopback "
			  "captures", in->path, name ? name : "?", in->linktype);
		return true;
	}
	if (in->packets == 0) {
		cli_error("%s: no frame could be read (link type %s), so nothing was analysed and no report is "
			  "written%s%s", in->path, name ? name : "?", in->error ? ": " : "",
			  in->error ? in->error : "");
		return true;
	}
	return false;
}

static engine *live_engine;
static void on_signal(int sig)
{
	(void)sig;
	if (live_engine)
		engine_stop(live_engine);
}

static void stop_engine(void *user)
{
	engine_stop(user);
}

static bool is_message(const event *e)
{
	return e->kind != EV_FLOW_OPEN && e->kind != EV_FLOW_CLOSE;
}

static void decode_cb(void *user, const event *e)
{
	decode_sink *s = user;
	if (!is_message(e))
		return;
	if (s->json)
		decode_json(s->f, s->run, e);
	else
		decode_text(s->f, s->run, e, s->fields);
}

static void count_cb(void *user, const event *e)
{
	amt_run *run = user;
	if (is_message(e) && e->kind != EV_NOTE && e->kind != EV_LOG_RECORD)
		run->stats.messages++;
}

static void frame_cb(void *user, const frame_info *fi)
{
	decode_sink *s = user;
	char a[AMT_ADDRSTRLEN], b[AMT_ADDRSTRLEN];
	fprintf(s->f, "%u\t%lld.%06lld\t%llu\t%s\t%s\t%u\t%s\t%u\n", fi->frame,
		(long long)(fi->ts / 1000000), (long long)(fi->ts % 1000000), (unsigned long long)fi->flow_id,
		fi->ipproto == 6 ? "tcp" : fi->ipproto == 17 ? "udp" : "-",
		fi->ipproto ? amt_addr_str(&fi->src, a) : "-", fi->sport,
		fi->ipproto ? amt_addr_str(&fi->dst, b) : "-", fi->dport);
}

static void ecs_cb(void *user, const event *e)
{
	decode_sink *s = user;
	ecs_event(s->f, s->run, e, AMTSCOPE_VERSION);
}

static void events_cb(void *user, const event *e)
{
	decode_sink *s = user;
	events_jsonl(s->f, s->run, e);
}

/* One run of analyze or decode, from the outputs opened to the report. */
typedef struct session {
	opts *o;
	amt_run *run;
	int decode_mode;
	analysis an;  /* not for decode: it prints what the dissectors saw, no rules, no device table */
	volume vol;
	GArray *by_rule;
	outputs outs;
	decode_sink ds, es, ecs;
	engine *eng;
	file_dump fdump;
	GPtrArray *log_formats;  /* live with -l: opened before privileges are dropped */
	const logfmt *forced_format;
	bool fatal;  /* a fatal input error: one line, exit 2, and no report at all */
} session;

/* The bus's readers and the outputs: for files opened now; live once the
 * interface is open and the filter set, before privileges are dropped, so
 * that a bad interface or filter leaves an earlier report as it was. */
static bool session_start(session *s)
{
	opts *o = s->o;
	amt_run *run = s->run;
	/* live as root: privileges are dropped before the report is written, and
	 * nobody may not rename in the target's folder; the path is replaced at
	 * the start instead */
	s->outs.o = o;
	s->outs.in_place = o->live_mode && geteuid() == 0;
	if (!s->decode_mode)
		analysis_init(&s->an, run);
	bus_subscribe(&run->bus, count_cb, run);
	s->ds = (decode_sink){NULL, run, o->format == FMT_JSON, o->fields};
	s->es = (decode_sink){NULL, run, true, false};
	s->ecs = (decode_sink){NULL, run, true, false};
	s->outs.ds = &s->ds;
	s->outs.es = &s->es;
	s->outs.ecs = &s->ecs;
	if (s->decode_mode && !o->frames)
		bus_subscribe(&run->bus, decode_cb, &s->ds);
	if (o->events_out || o->format == FMT_JSONL)
		bus_subscribe(&run->bus, events_cb, &s->es);
	if (o->format == FMT_ECS && !s->decode_mode)
		bus_subscribe(&run->bus, ecs_cb, &s->ecs);
	if (!o->live_mode && !outputs_open(&s->outs, NULL))
		return false;
	o->live.before_drop = outputs_open;
	o->live.before_drop_user = &s->outs;
	return true;
}

/* --suppress and --rules */
static void load_judgement(session *s)
{
	opts *o = s->o;
	for (guint i = 0; !s->decode_mode && i < o->suppress->len; i++) {
		char *err = NULL;
		if (!volume_load(&s->vol, o->suppress->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			s->fatal = true;
			break;
		}
	}
	s->vol.min_sev = o->min_sev;
	for (guint i = 0; !s->decode_mode && o->rules->pdata[i]; i++) {
		char *err = NULL;
		if (!user_rules_load(&s->an, o->rules->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			s->fatal = true;
			break;
		}
	}
}

/* The engine with its files, read filter, count and -w copy. */
static void engine_start(session *s)
{
	opts *o = s->o;
	s->eng = engine_new(s->run);
	engine *eng = s->eng;
	outfile_on_error(stop_engine, eng);
	if (s->decode_mode && o->frames)
		engine_set_frame_hook(eng, frame_cb, &s->ds);
	for (guint i = 0; !s->fatal && i < o->reads->len; i++) {
		char *err = NULL;
		if (!engine_add_file(eng, o->reads->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			s->fatal = true;
		}
	}
	if (!s->fatal && o->reads->len) {
		char *err = NULL;
		if (o->live.filter && !engine_set_read_filter(eng, o->live.filter, &err)) {
			cli_error("%s", err);
			g_free(err);
			s->fatal = true;
		}
		engine_set_read_count(eng, o->live.count);
		if (!s->fatal && s->outs.wf.f) {
			if (file_dump_start(&s->fdump, s->run, s->outs.wf.f, o->live.write_file))
				engine_set_packet_hook(eng, dump_packet, &s->fdump);
			else
				s->fatal = true;
		}
	}
}

/* live capture drops privileges: every file it reads later is opened
 * now (the logs, the log formats); key logs and rules are read already */
static void open_live_logs(session *s)
{
	opts *o = s->o;
	if (s->fatal || !o->live_mode || !o->logs->len)
		return;
	char *err = NULL;
	if (!(s->log_formats = logs_formats(&s->run->cfg, &s->forced_format, &err))) {
		cli_error("%s", err);
		g_free(err);
		s->fatal = true;
	}
	for (guint i = 0; !s->fatal && i < o->logs->len; i++)
		if (!logread_keep_open(o->logs->pdata[i])) {
			cli_error("cannot open log %s: %s", (char *)o->logs->pdata[i], g_strerror(errno));
			s->fatal = true;
		}
}

/* The captures, files or live, to their end. */
static void read_captures(session *s)
{
	opts *o = s->o;
	engine *eng = s->eng;
	progress prog;
	progress_init(&prog, eng, s->decode_mode ? NULL : &s->an, o->live_mode ? o->live.iface : NULL,
		      !s->decode_mode && !o->quiet);
	if (s->fatal) {
		/* nothing is read */
	} else if (o->live_mode) {
		char *err = NULL;
		live_engine = eng;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		bool ok = engine_run_live(eng, &o->live, &err);
		cli_default_signals();
		live_engine = NULL;
		if (!ok) {
			if (err)
				cli_error("%s", err);
			g_free(err);
			s->fatal = true;
		}
	} else {
		engine_run_files(eng);
	}
	progress_end(&prog);
	engine_finish(eng);
	for (guint i = 0; i < s->run->inputs->len; i++) {
		amt_input *in = s->run->inputs->pdata[i];
		if (nothing_analysed(in))  /* nothing analysed is not "no findings": no report */
			s->fatal = true;
		else if (in->error && in->kind != INPUT_LOG)
			cli_warn("%s: %s", in->path, in->error);
	}
}

static void read_logs(session *s)
{
	opts *o = s->o;
	for (guint i = 0; !s->fatal && i < o->logs->len; i++) {
		char *err = NULL;
		bool ok = s->log_formats
				  ? logs_read(s->run, o->logs->pdata[i], s->log_formats, s->forced_format, &err)
				  : logs_load(s->run, o->logs->pdata[i], &err);
		if (!ok) {
			cli_error("%s", err);
			g_free(err);
			s->fatal = true;
		}
	}
	if (s->log_formats) {
		g_ptr_array_free(s->log_formats, TRUE);
		logread_release_all();
	}
}

/* The findings and the report, then every output committed: the report
 * last, and only when every other output is complete. */
static int write_outputs(session *s)
{
	opts *o = s->o;
	outputs *outs = &s->outs;
	analysis *an = &s->an;
	int rc = EXIT_CLEAN;
	FILE *out = outs->of.f;
	if (!s->decode_mode && (outs->ef.f || o->format == FMT_JSONL))
		findings_jsonl(s->es.f, an);
	if (!s->decode_mode && o->format == FMT_ECS)
		ecs_findings(out, an, AMTSCOPE_VERSION);
	if (!s->decode_mode) {
		report_opts ro = {
			.color = !o->no_color && o->out == NULL && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
			.quiet = o->quiet,
			.verbose = o->verbose,
			.version = AMTSCOPE_VERSION,
			.by_rule = s->by_rule,
			.vol = &s->vol,
		};
		switch (o->format) {
		case FMT_TEXT: report_text(out, an, &ro); break;
		case FMT_JSON: report_json(out, an, &ro); break;
		case FMT_HTML: report_html(out, an, &ro); break;
		case FMT_JSONL:
		case FMT_ECS: break;
		}
		if (o->fail_on <= SEV_ERROR && findings_count_at_least(&an->fnd, (severity)o->fail_on))
			rc = EXIT_FINDINGS;
		if (outs->af.f) {
			char *err = NULL;
			if (!annotate_write(outs->af.f, an, (const char *const *)o->reads->pdata, o->reads->len,
					    o->live.filter, o->live.count, &err)) {
				cli_error("--annotate %s: %s", o->annotate, err);
				g_free(err);
				outfile_abort(&outs->af);
				rc = EXIT_USAGE;
			}
		}
	}
	if (!outfile_commit(&outs->wf) || !outfile_commit(&outs->ef) || !outfile_commit(&outs->af) ||
	    !outfile_commit(&outs->of)) {
		outputs_abort(outs);
		rc = EXIT_USAGE;
	}
	return rc;
}

static int analyze_session(session *s)
{
	int rc = EXIT_USAGE;
	if (!session_start(s))
		goto done;
	load_judgement(s);
	engine_start(s);
	open_live_logs(s);
	read_captures(s);
	read_logs(s);
	if (!s->decode_mode) {
		s->an.skip_placement = s->o->format != FMT_HTML;
		analysis_end(&s->an);
		volume_apply(&s->vol, &s->an);
		s->by_rule = rule_summaries(&s->an.fnd);
	}
	outfile_on_error(NULL, NULL);
	engine_free(s->eng);
	if (s->fdump.dead)
		pcap_close(s->fdump.dead);  /* the dumper is wf's FILE: committed below */
	if (s->fatal || !s->outs.opened)
		outputs_abort(&s->outs);
	else
		rc = write_outputs(s);
done:
	if (!s->decode_mode)
		analysis_free(&s->an);
	return rc;
}

int cmd_analyze(int argc, char **argv, int decode_mode)
{
	opts o;
	opts_init(&o);
	amt_run run;
	run_init(&run);
	int rc = EXIT_CLEAN;
	char *random_run_id = NULL;
	if (analyze_parse(argc, argv, decode_mode, &o, &run, &random_run_id, &rc)) {
		session s;
		memset(&s, 0, sizeof(s));
		s.o = &o;
		s.run = &run;
		s.decode_mode = decode_mode;
		volume_init(&s.vol);
		rc = analyze_session(&s);
		if (s.by_rule)
			rule_summaries_free(s.by_rule);
		volume_free(&s.vol);
	}
	g_free(random_run_id);
	opts_free(&o);
	run_free(&run);
	return rc;
}
