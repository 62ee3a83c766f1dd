/* amtscope analyze / decode: read captures (and logs), decode, run rules. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../decoder/engine.h"
#include "../reports/report.h"
#include "../rules/logs.h"
#include "../rules/rule.h"
#include "../rules/user_rules.h"
#include "../rules/volume.h"
#include "cli.h"
#include "version.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_JSONL, FMT_HTML, FMT_ECS };

typedef struct opts {
	GPtrArray *reads, *logs, *keylogs, *rules;
	live_opts live;
	bool live_mode;
	enum fmt format;
	const char *out, *events_out;
	const char *sensor, *run_id;
	GPtrArray *suppress;
	int min_sev;
	bool quiet, verbose, fields, frames;
	int fail_on;
	bool no_color;
} opts;

enum {
	O_DURATION = 1000, O_LOG_FORMAT, O_LOG_TZ, O_LOG_OFFSET, O_RULES, O_CA_FILE, O_AMT_HASHES,
	O_KEYLOG, O_FORMAT, O_EVENTS, O_FAIL_ON, O_NO_REDACT, O_SHOW_SOL, O_NO_COLOR, O_HELP, O_FRAMES, O_HELLO_WINDOW,
	O_SENSOR, O_RUN_ID, O_SUPPRESS, O_MIN_SEVERITY, O_VLAN_KEY,
	O_LIMIT_BASE = 2000,
};

static void help(bool decode)
{
	printf("usage: amtscope %s [-r CAPTURE]... [-i IFACE] [options]\n\n", decode ? "decode" : "analyze");
	puts("input:\n"
	     "  -r FILE            read a pcap or pcapng file (repeatable; '-' = stdin)\n"
	     "  -i IFACE           capture live on IFACE (Ctrl-C ends it, the report follows)\n"
	     "  -f EXPR            BPF filter for live capture (default: the AMT ports)\n"
	     "  -c N               stop after N packets;  --duration S  stop after S seconds\n"
	     "  -w FILE            also save live packets to FILE (mode 0600)\n"
	     "  -Z USER            drop privileges to USER after opening (default nobody)\n"
	     "  -l, --log FILE     add an SCS/RCS/ACU/ConfigMgr/Open AMT/MeshCentral log (repeatable)\n"
	     "  --log-format NAME|FILE  --log-tz ZONE  --log-offset SECONDS\n"
	     "  --keylog FILE      TLS key log (NSS format; repeatable; SSLKEYLOGFILE also read)\n"
	     "  --ca-file PEM      trust anchors for certificate chains\n"
	     "  --amt-hashes FILE  more root hashes the AMT fleet trusts\n"
	     "  --rules FILE       user rules (see docs/user-rules.md)\n"
	     "  --hello-window S   how long the setup service may take to connect back after a hello [60]\n"
	     "  --vlan-in-flow-key VLAN ids part of a flow's identity (overlapping addresses on a trunk)\n"
	     "output:\n"
	     "  --format text|json|jsonl|ecs|html   (decode: text|json; ecs: Elastic Common Schema lines)\n"
	     "  -o FILE            write the report to FILE     --events FILE  events as JSON lines\n"
	     "  -q                 findings only                -v  add the timeline\n"
	     "  -V                 decode: every field of each message\n"
	     "  --frames           decode: one line per frame (number, time, flow, addresses) instead\n"
	     "  --fail-on error|warning|info|never   exit 1 when findings reach this level (default error)\n"
	     "  --no-redact        show secrets (local debugging only)  --show-sol-data  SOL text\n"
	     "  --no-color\n"
	     "  --sensor NAME      records name their sensor (default: the host name)\n"
	     "  --run-id ID        records name their run (default: a random UUID)\n"
	     "  --suppress FILE    drop expected findings: RULE-or-GLOB DEVICE|* REASON a line (repeatable)\n"
	     "  --min-severity error|warning|info   drop findings below it (default info: none)\n"
	     "limits (default in brackets):");
	for (int i = 0; i < LIM_COUNT; i++)
		printf("  %-22s %s [%llu]\n", amt_limits[i].option, amt_limits[i].what,
		       (unsigned long long)amt_limits[i].def);
	puts("exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error");
}

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

static engine *live_engine;
static void on_signal(int sig)
{
	(void)sig;
	if (live_engine)
		engine_stop(live_engine);
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
	char *random_run_id = NULL;

	static struct option base[] = {
		{"log", required_argument, 0, 'l'},
		{"duration", required_argument, 0, O_DURATION},
		{"log-format", required_argument, 0, O_LOG_FORMAT},
		{"log-tz", required_argument, 0, O_LOG_TZ},
		{"log-offset", required_argument, 0, O_LOG_OFFSET},
		{"rules", required_argument, 0, O_RULES},
		{"ca-file", required_argument, 0, O_CA_FILE},
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
		switch (c) {
		case 'r': g_ptr_array_add(o.reads, optarg); break;
		case 'i': o.live.iface = optarg; o.live_mode = true; break;
		case 'f': o.live.filter = optarg; break;
		case 'c':
			if (!parse_u64(optarg, &o.live.count)) {
				cli_error("-c takes a number of packets, not '%s'", optarg);
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
		case O_AMT_HASHES: run.cfg.amt_hashes_file = optarg; break;
		case O_KEYLOG: g_ptr_array_add(o.keylogs, optarg); break;
		case O_FORMAT:
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
		case O_HELP: help(decode_mode); goto out;
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
	const char *env_keylog = getenv("SSLKEYLOGFILE");
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

	FILE *out = cli_open_output(o.out);
	if (!out) {
		rc = EXIT_USAGE;
		goto out;
	}
	FILE *evout = NULL;
	if (o.events_out && !(evout = cli_open_output(o.events_out))) {
		rc = EXIT_USAGE;
		goto close_out;
	}
	/* analyze and decode write from this thread alone: stdio's per-call
	 * locking is pure cost when a report goes out a field at a time */
	__fsetlocking(out, FSETLOCKING_BYCALLER);
	if (evout)
		__fsetlocking(evout, FSETLOCKING_BYCALLER);

	/* decode prints what the dissectors saw: no rules, no device table */
	analysis an;
	if (!decode_mode)
		analysis_init(&an, &run);
	bus_subscribe(&run.bus, count_cb, &run);
	decode_sink ds = {out, &run, o.format == FMT_JSON, o.fields};
	decode_sink es = {evout ? evout : out, &run, true, false};
	if (decode_mode && !o.frames)
		bus_subscribe(&run.bus, decode_cb, &ds);
	decode_sink ecs = {out, &run, true, false};
	if (evout || o.format == FMT_JSONL)
		bus_subscribe(&run.bus, events_cb, &es);
	if (o.format == FMT_ECS && !decode_mode)
		bus_subscribe(&run.bus, ecs_cb, &ecs);

	for (guint i = 0; !decode_mode && i < o.suppress->len; i++) {
		char *err = NULL;
		if (!volume_load(&vol, o.suppress->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			rc = EXIT_USAGE;
			goto done;
		}
	}
	vol.min_sev = o.min_sev;
	for (guint i = 0; !decode_mode && o.rules->pdata[i]; i++) {
		char *err = NULL;
		if (!user_rules_load(&an, o.rules->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			rc = EXIT_USAGE;
			goto done;
		}
	}

	engine *eng = engine_new(&run);
	if (decode_mode && o.frames)
		engine_set_frame_hook(eng, frame_cb, &ds);
	bool input_error = false;
	for (guint i = 0; i < o.reads->len; i++) {
		char *err = NULL;
		if (!engine_add_file(eng, o.reads->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			input_error = true;
		}
	}
	if (o.live_mode) {
		char *err = NULL;
		live_engine = eng;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		if (!engine_run_live(eng, &o.live, &err)) {
			cli_error("%s", err);
			g_free(err);
			input_error = true;
		}
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		live_engine = NULL;
	} else {
		engine_run_files(eng);
	}
	engine_finish(eng);
	for (guint i = 0; i < run.inputs->len; i++) {
		amt_input *in = run.inputs->pdata[i];
		if (in->error && in->kind != INPUT_LOG)
			cli_warn("%s: %s", in->path, in->error);
	}
	for (guint i = 0; i < o.logs->len; i++) {
		char *err = NULL;
		if (!logs_load(&run, o.logs->pdata[i], &err)) {
			cli_error("%s", err);
			g_free(err);
			input_error = true;
		}
	}
	if (!decode_mode) {
		analysis_end(&an);
		volume_apply(&vol, &an);
		by_rule = rule_summaries(&an.fnd);
	}
	engine_free(eng);
	if (!decode_mode && (evout || o.format == FMT_JSONL))
		findings_jsonl(es.f, &an);
	if (!decode_mode && o.format == FMT_ECS)
		ecs_findings(out, &an, AMTSCOPE_VERSION);

	if (!decode_mode) {
		report_opts ro = {
			.color = !o.no_color && o.out == NULL && isatty(fileno(out)) && !getenv("NO_COLOR"),
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
	}
	if (input_error)
		rc = EXIT_USAGE;
done:
	if (!decode_mode)
		analysis_free(&an);
	if (evout && evout != stdout)
		fclose(evout);
close_out:
	if (out != stdout)
		fclose(out);
	else
		fflush(stdout);
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
