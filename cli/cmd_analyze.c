/* amtscope analyze / decode: read captures (and logs), decode, run rules. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
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

enum fmt { FMT_TEXT, FMT_JSON, FMT_JSONL, FMT_HTML, FMT_ECS };

typedef struct opts {
	GPtrArray *reads, *logs, *keylogs, *rules;
	live_opts live;
	bool live_mode;
	enum fmt format;
	const char *out, *events_out, *annotate;
	const char *sensor, *run_id;
	GPtrArray *suppress;
	int min_sev;
	bool quiet, verbose, fields, frames;
	int fail_on;
	bool no_color;
} opts;

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*v = x;
	return true;
}

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

typedef struct decode_sink {
	FILE *f;
	amt_run *run;
	bool json, fields;
} decode_sink;

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

/* --format when not given: from -o's extension (report.html), else text */
static enum fmt format_for(const opts *o, bool decode)
{
	const char *x = cli_ext_format(o->out);
	if (x && !strcmp(x, "json"))
		return FMT_JSON;
	if (x && !decode && !strcmp(x, "jsonl"))
		return FMT_JSONL;
	if (x && !decode && !strcmp(x, "html"))
		return FMT_HTML;
	return FMT_TEXT;
}

/* Everything that is read, against everything that is written. */
static bool inputs_outputs_distinct(const opts *o, const amt_run *run)
{
	io_guard g;
	io_guard_init(&g);
	for (guint i = 0; i < o->reads->len; i++)
		io_guard_input(&g, "-r", o->reads->pdata[i]);
	for (guint i = 0; i < o->logs->len; i++)
		io_guard_input(&g, "-l", o->logs->pdata[i]);
	for (guint i = 0; o->keylogs->pdata[i]; i++)
		io_guard_input(&g, "--keylog", o->keylogs->pdata[i]);
	for (guint i = 0; o->rules->pdata[i]; i++)
		io_guard_input(&g, "--rules", o->rules->pdata[i]);
	io_guard_input(&g, "--log-format", run->cfg.log_format);
	io_guard_input(&g, "--ca-file", run->cfg.ca_file);
	io_guard_input(&g, "--amt-hashes", run->cfg.amt_hashes_file);
	for (guint i = 0; i < o->suppress->len; i++)
		io_guard_input(&g, "--suppress", o->suppress->pdata[i]);
	io_guard_output(&g, "-o", o->out);
	io_guard_output(&g, "--events", o->events_out);
	io_guard_output(&g, "-w", o->live.write_file);
	io_guard_output(&g, "--annotate", o->annotate);
	bool ok = io_guard_check(&g);
	io_guard_free(&g);
	return ok;
}

/* -w while reading files: the packets read (after -f and -c), as pcap */
typedef struct file_dump {
	pcap_t *dead;
	pcap_dumper_t *d;
} file_dump;

static void dump_packet(void *user, uint16_t input, const struct pcap_pkthdr *h, const uint8_t *data)
{
	file_dump *fd = user;
	pcap_dump((u_char *)fd->d, h, data);
}

static bool file_dump_start(file_dump *fd, amt_run *run, FILE *f, const char *path)
{
	int lt = -1;
	for (guint i = 0; i < run->inputs->len; i++) {
		amt_input *in = run->inputs->pdata[i];
		if (in->kind == INPUT_LOG)
			continue;
		if (lt >= 0 && in->linktype != lt) {
			cli_error("-w %s: the captures have different link types and a pcap file holds one; "
				  "write them with --annotate FILE.pcapng instead", path);
			return false;
		}
		lt = in->linktype;
	}
	fd->dead = pcap_open_dead_with_tstamp_precision(lt < 0 ? DLT_EN10MB : lt, 262144,
							 PCAP_TSTAMP_PRECISION_MICRO);
	fd->d = fd->dead ? pcap_dump_fopen(fd->dead, f) : NULL;
	if (!fd->d) {
		cli_error("cannot write -w %s: %s", path, fd->dead ? pcap_geterr(fd->dead) : "out of memory");
		return false;
	}
	return true;
}

typedef struct outputs {
	const opts *o;
	bool in_place, opened;
	outfile of, ef, wf, af;  /* -o, --events, -w, --annotate */
	decode_sink *ds, *es, *ecs;
} outputs;

static void outputs_abort(outputs *w)
{
	outfile_abort(&w->of);
	outfile_abort(&w->ef);
	outfile_abort(&w->wf);
	outfile_abort(&w->af);
}

/* Opens every output (the messages are printed here: *err stays NULL). */
static bool outputs_open(void *user, char **err)
{
	outputs *w = user;
	const opts *o = w->o;
	out_kind report = w->in_place ? OUT_REPORT_IN_PLACE : OUT_REPORT;
	memset(&w->of, 0, sizeof(w->of));
	memset(&w->ef, 0, sizeof(w->ef));
	memset(&w->wf, 0, sizeof(w->wf));
	memset(&w->af, 0, sizeof(w->af));
	w->of.fd = w->ef.fd = w->wf.fd = w->af.fd = -1;
	bool ok = outfile_open(&w->of, "-o", o->out, report) &&
		  (!o->events_out || outfile_open(&w->ef, "--events", o->events_out, report)) &&
		  (!o->live.write_file ||
		   outfile_open(&w->wf, "-w", o->live.write_file, o->live_mode ? OUT_STREAM : OUT_CAPTURE)) &&
		  (!o->annotate || outfile_open(&w->af, "--annotate", o->annotate, OUT_CAPTURE));
	if (!ok) {
		outputs_abort(w);
		return false;
	}
	/* analyze and decode write from this thread alone: stdio's per-call
	 * locking is pure cost when a report goes out a field at a time */
	__fsetlocking(w->of.f, FSETLOCKING_BYCALLER);
	if (w->ef.f)
		__fsetlocking(w->ef.f, FSETLOCKING_BYCALLER);
	w->ds->f = w->of.f;
	w->es->f = w->ef.f ? w->ef.f : w->of.f;
	w->ecs->f = w->of.f;
	((opts *)o)->live.write_fp = w->wf.f;
	w->opened = true;
	return true;
}

int cmd_analyze(int argc, char **argv, int decode_mode)
{
	opts o;
	memset(&o, 0, sizeof(o));
	o.reads = g_ptr_array_new();
	o.logs = g_ptr_array_new();
	o.keylogs = g_ptr_array_new();
	o.rules = g_ptr_array_new();
	o.suppress = g_ptr_array_new();
	volume vol;
	volume_init(&vol);
	GArray *by_rule = NULL;
	o.fail_on = SEV_ERROR;
	amt_run run;
	run_init(&run);
	int rc = EXIT_CLEAN;
	bool format_given = false, duration_given = false;
	char *random_run_id = NULL;

	static struct option base[] = {
		{"log", required_argument, 0, 'l'},
		{"duration", required_argument, 0, O_DURATION},
		{"log-format", required_argument, 0, O_LOG_FORMAT},
		{"log-tz", required_argument, 0, O_LOG_TZ},
		{"log-offset", required_argument, 0, O_LOG_OFFSET},
		{"rules", required_argument, 0, O_RULES},
		{"ca-file", required_argument, 0, O_CA_FILE},
		{"no-system-ca", no_argument, 0, O_NO_SYSTEM_CA},
		{"amt-hashes", required_argument, 0, O_AMT_HASHES},
		{"keylog", required_argument, 0, O_KEYLOG},
		{"format", required_argument, 0, O_FORMAT},
		{"events", required_argument, 0, O_EVENTS},
		{"fail-on", required_argument, 0, O_FAIL_ON},
		{"no-redact", no_argument, 0, O_NO_REDACT},
		{"show-sol-data", no_argument, 0, O_SHOW_SOL},
		{"no-color", no_argument, 0, O_NO_COLOR},
		{"help", no_argument, 0, O_HELP},
		{"frames", no_argument, 0, O_FRAMES},
		{"hello-window", required_argument, 0, O_HELLO_WINDOW},
		{"annotate", required_argument, 0, O_ANNOTATE},
		{"sensor", required_argument, 0, O_SENSOR},
		{"run-id", required_argument, 0, O_RUN_ID},
		{"suppress", required_argument, 0, O_SUPPRESS},
		{"min-severity", required_argument, 0, O_MIN_SEVERITY},
		{"vlan-in-flow-key", no_argument, 0, O_VLAN_KEY},
	};
	size_t nbase = sizeof(base) / sizeof(base[0]);
	struct option *lo = g_new0(struct option, nbase + LIM_COUNT + 1);
	memcpy(lo, base, sizeof(base));
	for (int i = 0; i < LIM_COUNT; i++) {
		lo[nbase + i].name = amt_limits[i].option + 2;
		lo[nbase + i].has_arg = required_argument;
		lo[nbase + i].val = O_LIMIT_BASE + i;
	}

	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:i:f:c:w:Z:l:o:qvVh", lo, NULL)) != -1) {
		uint64_t v;
		if (!analyze_option_applies(c, decode_mode)) {
			rc = EXIT_USAGE;
			goto out;
		}
		switch (c) {
		case 'r': g_ptr_array_add(o.reads, optarg); break;
		case 'i': o.live.iface = optarg; o.live_mode = true; break;
		case 'f': o.live.filter = optarg; break;
		case 'c':
			if (!parse_u64(optarg, &o.live.count) || !o.live.count) {
				cli_error("-c takes a number of packets (1 or more), not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case O_DURATION:
			if (!parse_u64(optarg, &o.live.duration_s)) {
				cli_error("--duration takes a number of seconds, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			duration_given = true;
			break;
		case 'w': o.live.write_file = optarg; break;
		case 'Z': o.live.user = optarg; break;
		case 'l': g_ptr_array_add(o.logs, optarg); break;
		case 'o': o.out = optarg; break;
		case 'q': o.quiet = true; break;
		case 'v': o.verbose = true; break;
		case 'V': o.fields = true; break;
		case O_LOG_FORMAT: run.cfg.log_format = optarg; break;
		case O_LOG_TZ: run.cfg.log_tz = optarg; break;
		case O_LOG_OFFSET:
			if (!cli_log_offset(optarg, &run.cfg.log_offset_us)) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case O_RULES: g_ptr_array_add(o.rules, optarg); break;
		case O_CA_FILE: run.cfg.ca_file = optarg; break;
		case O_NO_SYSTEM_CA: run.cfg.no_system_ca = true; break;
		case O_AMT_HASHES: run.cfg.amt_hashes_file = optarg; break;
		case O_KEYLOG: g_ptr_array_add(o.keylogs, optarg); break;
		case O_FORMAT:
			format_given = true;
			if (!strcmp(optarg, "text")) o.format = FMT_TEXT;
			else if (!strcmp(optarg, "json")) o.format = FMT_JSON;
			else if (!strcmp(optarg, "jsonl") && !decode_mode) o.format = FMT_JSONL;
			else if (!strcmp(optarg, "html") && !decode_mode) o.format = FMT_HTML;
			else if (!strcmp(optarg, "ecs") && !decode_mode) o.format = FMT_ECS;
			else {
				cli_error("unknown --format '%s' (use %s)", optarg,
					  decode_mode ? "text or json" : "text, json, jsonl, ecs or html");
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case O_EVENTS: o.events_out = optarg; break;
		case O_ANNOTATE: o.annotate = optarg; break;
		case O_FAIL_ON:
			if (!severity_parse(optarg, &o.fail_on)) {
				cli_error("--fail-on takes error, warning, info or never, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case O_NO_REDACT:
			run.cfg.redact = false;
			cli_warn("--no-redact: passwords, digest responses and keys will be printed; "
				 "for local debugging only, do not share this output");
			break;
		case O_SHOW_SOL: run.cfg.show_sol_data = true; break;
		case O_NO_COLOR: o.no_color = true; break;
		case O_FRAMES: o.frames = true; break;
		case O_VLAN_KEY: run.cfg.vlan_in_flow_key = true; break;
		case O_HELLO_WINDOW:
			if (!parse_u64(optarg, &v) || v == 0 || v > 86400) {
				cli_error("--hello-window takes seconds (1 to 86400), not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			run.cfg.hello_window_us = (int64_t)v * 1000000;
			break;
		case O_SENSOR: o.sensor = optarg; break;
		case O_RUN_ID: o.run_id = optarg; break;
		case O_SUPPRESS: g_ptr_array_add(o.suppress, optarg); break;
		case O_MIN_SEVERITY:
			if (!severity_parse(optarg, &o.min_sev) || o.min_sev > SEV_ERROR) {
				cli_error("--min-severity takes error, warning or info, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
		case O_HELP: analyze_help(decode_mode); goto out;
		default:
			if (c >= O_LIMIT_BASE && c < O_LIMIT_BASE + LIM_COUNT) {
				if (!parse_u64(optarg, &v) || v == 0) {
					cli_error("%s takes a positive number, not '%s'",
						  amt_limits[c - O_LIMIT_BASE].option, optarg);
					rc = EXIT_USAGE;
					goto out;
				}
				run.cfg.limit[c - O_LIMIT_BASE] = v;
				break;
			}
			fprintf(stderr, "try 'amtscope %s --help'\n", decode_mode ? "decode" : "analyze");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s' (captures are given with -r FILE, logs with -l FILE)",
			  argv[optind]);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!o.reads->len && !o.live_mode && !o.logs->len) {
		cli_error("nothing to read: give a capture with -r FILE, an interface with -i IFACE, or a log with -l FILE");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.reads->len && o.live_mode) {
		cli_error("-r and -i cannot be combined: read files or capture live, not both");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!o.live_mode && (duration_given || o.live.user)) {
		cli_error("%s applies to live capture (-i IFACE) only", duration_given ? "--duration" : "-Z");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!o.live_mode && !o.reads->len && (o.live.filter || o.live.count || o.live.write_file || o.annotate)) {
		cli_error("-f, -c, -w and --annotate apply to captures: give -r FILE or -i IFACE");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.annotate && o.live_mode) {
		cli_error("--annotate re-reads the capture files: capture live with -w FILE, then analyze -r FILE --annotate OUT.pcapng");
		rc = EXIT_USAGE;
		goto out;
	}
	for (guint i = 0; o.annotate && i < o.reads->len; i++)
		if (!strcmp(o.reads->pdata[i], "-")) {
			cli_error("--annotate re-reads the capture files and cannot with -r - (standard input): save it to a file first");
			rc = EXIT_USAGE;
			goto out;
		}
	if (!format_given)
		o.format = format_for(&o, decode_mode);
	const char *env_keylog = getenv("SSLKEYLOGFILE");
	if (!inputs_preflight((const char *const *)o.keylogs->pdata, o.keylogs->len, run.cfg.ca_file,
			      run.cfg.amt_hashes_file, (const char *const *)o.logs->pdata, o.logs->len,
			      run.cfg.limit[LIM_KEYLOG_ENTRIES])) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (env_keylog && *env_keylog)
		g_ptr_array_add(o.keylogs, (gpointer)env_keylog);
	g_ptr_array_add(o.keylogs, NULL);
	g_ptr_array_add(o.rules, NULL);
	run.cfg.keylog_files = (char **)o.keylogs->pdata;
	run.cfg.rules_files = (char **)o.rules->pdata;
	run.cfg.data_dir = cli_data_dir();
	run.cfg.run_started_us = g_get_real_time();
	if (!cli_record_ids(o.sensor, o.run_id, &run.cfg.sensor, &run.cfg.run_id, &random_run_id)) {
		rc = EXIT_USAGE;
		goto out;
	}

	if (!inputs_outputs_distinct(&o, &run)) {
		rc = EXIT_USAGE;
		goto out;
	}
	/* live as root: privileges are dropped before the report is written, and
	 * nobody may not rename in the target's folder; the path is replaced at
	 * the start instead */
	bool in_place = o.live_mode && geteuid() == 0;
	outputs outs = {.o = &o, .in_place = in_place};
	/* decode prints what the dissectors saw: no rules, no device table */
	analysis an;
	if (!decode_mode)
		analysis_init(&an, &run);
	bus_subscribe(&run.bus, count_cb, &run);
	decode_sink ds = {NULL, &run, o.format == FMT_JSON, o.fields};
	decode_sink es = {NULL, &run, true, false};
	outs.ds = &ds;
	outs.es = &es;
	if (decode_mode && !o.frames)
		bus_subscribe(&run.bus, decode_cb, &ds);
	decode_sink ecs = {NULL, &run, true, false};
	outs.ecs = &ecs;
	if (o.events_out || o.format == FMT_JSONL)
		bus_subscribe(&run.bus, events_cb, &es);
	if (o.format == FMT_ECS && !decode_mode)
		bus_subscribe(&run.bus, ecs_cb, &ecs);
	/* files: the outputs are opened now; live: once the interface is open
	 * and the filter set, before privileges are dropped, so that a bad
	 * interface or filter leaves an earlier report as it was */
	if (!o.live_mode && !outputs_open(&outs, NULL)) {
		rc = EXIT_USAGE;
		goto done;
	}
	o.live.before_drop = outputs_open;
	o.live.before_drop_user = &outs;

	/* a fatal input error (unreadable file, bad filter or interface, bad
	 * rules or suppressions): one line, exit 2, and no report at all */
	bool fatal = false;
	for (guint i = 0; !decode_mode && i < o.suppress->len; i++) {
		char *err = NULL;
		if (!volume_load(&vol, o.suppress->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
			break;
		}
	}
	vol.min_sev = o.min_sev;
	for (guint i = 0; !decode_mode && o.rules->pdata[i]; i++) {
		char *err = NULL;
		if (!user_rules_load(&an, o.rules->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
			break;
		}
	}

	engine *eng = engine_new(&run);
	outfile_on_error(stop_engine, eng);
	if (decode_mode && o.frames)
		engine_set_frame_hook(eng, frame_cb, &ds);
	for (guint i = 0; !fatal && i < o.reads->len; i++) {
		char *err = NULL;
		if (!engine_add_file(eng, o.reads->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
		}
	}
	file_dump fdump = {0};
	if (!fatal && o.reads->len) {
		char *err = NULL;
		if (o.live.filter && !engine_set_read_filter(eng, o.live.filter, &err)) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
		}
		engine_set_read_count(eng, o.live.count);
		if (!fatal && outs.wf.f) {
			if (file_dump_start(&fdump, &run, outs.wf.f, o.live.write_file))
				engine_set_packet_hook(eng, dump_packet, &fdump);
			else
				fatal = true;
		}
	}
	/* live capture drops privileges: every file it reads later is opened
	 * now (the logs, the log formats); key logs and rules are read already */
	GPtrArray *log_formats = NULL;
	const logfmt *forced_format = NULL;
	if (!fatal && o.live_mode && o.logs->len) {
		char *err = NULL;
		if (!(log_formats = logs_formats(&run.cfg, &forced_format, &err))) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
		}
		for (guint i = 0; !fatal && i < o.logs->len; i++)
			if (!logread_keep_open(o.logs->pdata[i])) {
				cli_error("cannot open log %s: %s", (char *)o.logs->pdata[i], g_strerror(errno));
				fatal = true;
			}
	}
	progress prog;
	progress_init(&prog, eng, decode_mode ? NULL : &an, o.live_mode ? o.live.iface : NULL,
		      !decode_mode && !o.quiet);
	if (fatal) {
		/* nothing is read */
	} else if (o.live_mode) {
		char *err = NULL;
		live_engine = eng;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		bool ok = engine_run_live(eng, &o.live, &err);
		cli_default_signals();
		live_engine = NULL;
		if (!ok) {
			if (err)
				cli_error("%s", err);
			g_free(err);
			fatal = true;
		}
	} else {
		engine_run_files(eng);
	}
	progress_end(&prog);
	engine_finish(eng);
	for (guint i = 0; i < run.inputs->len; i++) {
		amt_input *in = run.inputs->pdata[i];
		if (nothing_analysed(in))  /* nothing analysed is not "no findings": no report */
			fatal = true;
		else if (in->error && in->kind != INPUT_LOG)
			cli_warn("%s: %s", in->path, in->error);
	}
	for (guint i = 0; !fatal && i < o.logs->len; i++) {
		char *err = NULL;
		bool ok = log_formats ? logs_read(&run, o.logs->pdata[i], log_formats, forced_format, &err)
				      : logs_load(&run, o.logs->pdata[i], &err);
		if (!ok) {
			cli_error("%s", err);
			g_free(err);
			fatal = true;
		}
	}
	if (log_formats) {
		g_ptr_array_free(log_formats, TRUE);
		logread_release_all();
	}
	if (!decode_mode) {
		analysis_end(&an);
		volume_apply(&vol, &an);
		by_rule = rule_summaries(&an.fnd);
	}
	outfile_on_error(NULL, NULL);
	engine_free(eng);
	if (fdump.dead)
		pcap_close(fdump.dead);  /* the dumper is wf's FILE: committed below */

	if (fatal || !outs.opened) {
		outputs_abort(&outs);
		rc = EXIT_USAGE;
		goto done;
	}
	FILE *out = outs.of.f;
	if (!decode_mode && (outs.ef.f || o.format == FMT_JSONL))
		findings_jsonl(es.f, &an);
	if (!decode_mode && o.format == FMT_ECS)
		ecs_findings(out, &an, AMTSCOPE_VERSION);
	if (!decode_mode) {
		report_opts ro = {
			.color = !o.no_color && o.out == NULL && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
			.quiet = o.quiet,
			.verbose = o.verbose,
			.version = AMTSCOPE_VERSION,
			.by_rule = by_rule,
			.vol = &vol,
		};
		switch (o.format) {
		case FMT_TEXT: report_text(out, &an, &ro); break;
		case FMT_JSON: report_json(out, &an, &ro); break;
		case FMT_HTML: report_html(out, &an, &ro); break;
		case FMT_JSONL:
		case FMT_ECS: break;
		}
		if (o.fail_on <= SEV_ERROR && findings_count_at_least(&an.fnd, (severity)o.fail_on))
			rc = EXIT_FINDINGS;
		if (outs.af.f) {
			char *err = NULL;
			if (!annotate_write(outs.af.f, &an, (const char *const *)o.reads->pdata, o.reads->len,
					    o.live.filter, o.live.count, &err)) {
				cli_error("--annotate %s: %s", o.annotate, err);
				g_free(err);
				outfile_abort(&outs.af);
				rc = EXIT_USAGE;
			}
		}
	}
	/* the report last, and only when every other output is complete */
	if (!outfile_commit(&outs.wf) || !outfile_commit(&outs.ef) || !outfile_commit(&outs.af) ||
	    !outfile_commit(&outs.of)) {
		outputs_abort(&outs);
		rc = EXIT_USAGE;
	}
done:
	if (!decode_mode)
		analysis_free(&an);
out:
	g_free(lo);
	g_free(random_run_id);
	if (by_rule)
		rule_summaries_free(by_rule);
	volume_free(&vol);
	g_ptr_array_free(o.suppress, TRUE);
	g_ptr_array_free(o.reads, TRUE);
	g_ptr_array_free(o.logs, TRUE);
	g_ptr_array_free(o.keylogs, TRUE);
	g_ptr_array_free(o.rules, TRUE);
	run_free(&run);
	return rc;
}
