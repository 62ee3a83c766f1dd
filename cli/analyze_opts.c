/* analyze and decode: the command line read into the options and the run's
 * configuration, and checked before anything is opened. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/findings.h"
#include "analyze.h"
#include "cli.h"
#include "outfile.h"

void opts_init(opts *o)
{
	memset(o, 0, sizeof(*o));
	o->reads = g_ptr_array_new();
	o->logs = g_ptr_array_new();
	o->keylogs = g_ptr_array_new();
	o->rules = g_ptr_array_new();
	o->suppress = g_ptr_array_new();
	o->fail_on = SEV_ERROR;
}

void opts_free(opts *o)
{
	g_ptr_array_free(o->suppress, TRUE);
	g_ptr_array_free(o->reads, TRUE);
	g_ptr_array_free(o->logs, TRUE);
	g_ptr_array_free(o->keylogs, TRUE);
	g_ptr_array_free(o->rules, TRUE);
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

/* The long options: the fixed ones and one per limit (--max-...). */
static struct option *long_options(void)
{
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
	return lo;
}

typedef struct parse_state {
	opts *o;
	amt_run *run;
	int decode_mode;
	bool format_given, duration_given;
} parse_state;

/* What one option did: go on, or stop (a usage error, or --help). */
enum { OPT_GO, OPT_USAGE, OPT_HELP };

static int apply_option(parse_state *ps, int c)
{
	opts *o = ps->o;
	amt_run *run = ps->run;
	int decode_mode = ps->decode_mode;
	uint64_t v;
	switch (c) {
	case 'r': g_ptr_array_add(o->reads, optarg); break;
	case 'i': o->live.iface = optarg; o->live_mode = true; break;
	case 'f': o->live.filter = optarg; break;
	case 'c':
		if (!parse_u64(optarg, &o->live.count) || !o->live.count) {
			cli_error("-c takes a number of packets (1 or more), not '%s'", optarg);
			return OPT_USAGE;
		}
		break;
	case O_DURATION:
		if (!parse_u64(optarg, &o->live.duration_s)) {
			cli_error("--duration takes a number of seconds, not '%s'", optarg);
			return OPT_USAGE;
		}
		ps->duration_given = true;
		break;
	case 'w': o->live.write_file = optarg; break;
	case 'Z': o->live.user = optarg; break;
	case 'l': g_ptr_array_add(o->logs, optarg); break;
	case 'o': o->out = optarg; break;
	case 'q': o->quiet = true; break;
	case 'v': o->verbose = true; break;
	case 'V': o->fields = true; break;
	case O_LOG_FORMAT: run->cfg.log_format = optarg; break;
	case O_LOG_TZ: run->cfg.log_tz = optarg; break;
	case O_LOG_OFFSET:
		if (!cli_log_offset(optarg, &run->cfg.log_offset_us)) {
			return OPT_USAGE;
		}
		break;
	case O_RULES: g_ptr_array_add(o->rules, optarg); break;
	case O_CA_FILE: run->cfg.ca_file = optarg; break;
	case O_NO_SYSTEM_CA: run->cfg.no_system_ca = true; break;
	case O_AMT_HASHES: run->cfg.amt_hashes_file = optarg; break;
	case O_KEYLOG: g_ptr_array_add(o->keylogs, optarg); break;
	case O_FORMAT:
		ps->format_given = true;
		if (!strcmp(optarg, "text")) o->format = FMT_TEXT;
		else if (!strcmp(optarg, "json")) o->format = FMT_JSON;
		else if (!strcmp(optarg, "jsonl") && !decode_mode) o->format = FMT_JSONL;
		else if (!strcmp(optarg, "html") && !decode_mode) o->format = FMT_HTML;
		else if (!strcmp(optarg, "ecs") && !decode_mode) o->format = FMT_ECS;
		else {
			cli_error("unknown --format '%s' (use %s)", optarg,
				  decode_mode ? "text or json" : "text, json, jsonl, ecs or html");
			return OPT_USAGE;
		}
		break;
	case O_EVENTS: o->events_out = optarg; break;
	case O_ANNOTATE: o->annotate = optarg; break;
	case O_FAIL_ON:
		if (!severity_parse(optarg, &o->fail_on)) {
			cli_error("--fail-on takes error, warning, info or never, not '%s'", optarg);
			return OPT_USAGE;
		}
		break;
	case O_NO_REDACT:
		run->cfg.redact = false;
		cli_warn("--no-redact: passwords, digest responses and keys will be printed; "
			 "for local debugging only, do not share this output");
		break;
	case O_SHOW_SOL: run->cfg.show_sol_data = true; break;
	case O_NO_COLOR: o->no_color = true; break;
	case O_FRAMES: o->frames = true; break;
	case O_VLAN_KEY: run->cfg.vlan_in_flow_key = true; break;
	case O_HELLO_WINDOW:
		if (!parse_u64(optarg, &v) || v == 0 || v > 86400) {
			cli_error("--hello-window takes seconds (1 to 86400), not '%s'", optarg);
			return OPT_USAGE;
		}
		run->cfg.hello_window_us = (int64_t)v * 1000000;
		break;
	case O_SENSOR: o->sensor = optarg; break;
	case O_RUN_ID: o->run_id = optarg; break;
	case O_SUPPRESS: g_ptr_array_add(o->suppress, optarg); break;
	case O_MIN_SEVERITY:
		if (!severity_parse(optarg, &o->min_sev) || o->min_sev > SEV_ERROR) {
			cli_error("--min-severity takes error, warning or info, not '%s'", optarg);
			return OPT_USAGE;
		}
		break;
	case 'h':
	case O_HELP: analyze_help(decode_mode); return OPT_HELP;
	default:
		if (c >= O_LIMIT_BASE && c < O_LIMIT_BASE + LIM_COUNT) {
			if (!parse_u64(optarg, &v) || v == 0) {
				cli_error("%s takes a positive number, not '%s'",
					  amt_limits[c - O_LIMIT_BASE].option, optarg);
				return OPT_USAGE;
			}
			run->cfg.limit[c - O_LIMIT_BASE] = v;
			break;
		}
		fprintf(stderr, "try 'amtscope %s --help'\n", decode_mode ? "decode" : "analyze");
		return OPT_USAGE;
	}
	return OPT_GO;
}

/* The options given together make sense (one line on stderr when not). */
static bool options_agree(const parse_state *ps, int argc, char **argv)
{
	const opts *o = ps->o;
	if (optind < argc) {
		cli_error("unexpected argument '%s' (captures are given with -r FILE, logs with -l FILE)",
			  argv[optind]);
		return false;
	}
	if (!o->reads->len && !o->live_mode && !o->logs->len) {
		cli_error("nothing to read: give a capture with -r FILE, an interface with -i IFACE, or a log with -l FILE");
		return false;
	}
	if (o->reads->len && o->live_mode) {
		cli_error("-r and -i cannot be combined: read files or capture live, not both");
		return false;
	}
	if (!o->live_mode && (ps->duration_given || o->live.user)) {
		cli_error("%s applies to live capture (-i IFACE) only", ps->duration_given ? "--duration" : "-Z");
		return false;
	}
	if (!o->live_mode && !o->reads->len && (o->live.filter || o->live.count || o->live.write_file || o->annotate)) {
		cli_error("-f, -c, -w and --annotate apply to captures: give -r FILE or -i IFACE");
		return false;
	}
	if (o->annotate && o->live_mode) {
		cli_error("--annotate re-reads the capture files: capture live with -w FILE, then analyze -r FILE --annotate OUT.pcapng");
		return false;
	}
	for (guint i = 0; o->annotate && i < o->reads->len; i++)
		if (!strcmp(o->reads->pdata[i], "-")) {
			cli_error("--annotate re-reads the capture files and cannot with -r - (standard input): save it to a file first");
			return false;
		}
	return true;
}

/* What follows from the options: the format, the key logs (SSLKEYLOGFILE
 * too), the run's configuration, the record ids; no output is an input. */
static bool settle(const parse_state *ps, char **random_run_id)
{
	opts *o = ps->o;
	amt_run *run = ps->run;
	int decode_mode = ps->decode_mode;
	if (!ps->format_given)
		o->format = format_for(o, decode_mode);
	const char *env_keylog = getenv("SSLKEYLOGFILE");
	if (!inputs_preflight((const char *const *)o->keylogs->pdata, o->keylogs->len, run->cfg.ca_file,
			      run->cfg.amt_hashes_file, (const char *const *)o->logs->pdata, o->logs->len,
			      run->cfg.limit[LIM_KEYLOG_ENTRIES]))
		return false;
	if (env_keylog && *env_keylog)
		g_ptr_array_add(o->keylogs, (gpointer)env_keylog);
	g_ptr_array_add(o->keylogs, NULL);
	g_ptr_array_add(o->rules, NULL);
	run->cfg.keylog_files = (char **)o->keylogs->pdata;
	run->cfg.rules_files = (char **)o->rules->pdata;
	run->cfg.data_dir = cli_data_dir();
	run->cfg.run_started_us = g_get_real_time();
	if (!cli_record_ids(o->sensor, o->run_id, &run->cfg.sensor, &run->cfg.run_id, random_run_id))
		return false;
	return inputs_outputs_distinct(o, run);
}

bool analyze_parse(int argc, char **argv, int decode_mode, opts *o, amt_run *run, char **random_run_id,
		   int *rc)
{
	parse_state ps = {o, run, decode_mode, false, false};
	struct option *lo = long_options();
	int what = OPT_GO;
	optind = 1;
	int c;
	while (what == OPT_GO && (c = getopt_long(argc, argv, "r:i:f:c:w:Z:l:o:qvVh", lo, NULL)) != -1)
		what = analyze_option_applies(c, decode_mode) ? apply_option(&ps, c) : OPT_USAGE;
	g_free(lo);
	if (what != OPT_GO) {
		*rc = what == OPT_HELP ? EXIT_CLEAN : EXIT_USAGE;
		return false;
	}
	if (!options_agree(&ps, argc, argv) || !settle(&ps, random_run_id)) {
		*rc = EXIT_USAGE;
		return false;
	}
	return true;
}
