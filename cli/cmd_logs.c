/* amtscope logs FILE...: print the records amtscope understood, or (--detect)
 * which format each file was recognised as and why. */
#include <getopt.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "../decoder/events/flow.h"
#include "../decoder/events/log.h"
#include "../reports/jsonw.h"
#include "../reports/report.h"
#include "../inputs/logs.h"
#include "cli.h"

typedef struct sink {
	amt_run *run;
	bool json;
} sink;

static void print_text(const amt_run *run, const event *e)
{
	const amt_input *in = e->input < run->inputs->len ? run->inputs->pdata[e->input] : NULL;
	printf("%s:%u", in ? in->path : "?", e->line);
	if (e->kind == EV_NOTE) {
		const ev_note *n = e->data;
		printf(" note (%s): %s\n", note_kind_name(n->kind), n->message);
		return;
	}
	const ev_log *L = e->data;
	char tbuf[40];
	printf(" %s", L->has_time ? fmt_time_rfc3339(e->ts, tbuf) : "-");
	printf(" %s", L->level ? L->level : "-");
	if (L->component)
		printf(" [%s]", L->component);
	if (L->thread)
		printf(" thread=%s", L->thread);
	printf(" %s", L->message);
	for (uint32_t i = 0; i < L->ncodes; i++)
		printf("%s%s:%s", i ? "," : "  codes=", L->codes[i].scope, L->codes[i].code);
	if (L->event)
		printf("  event=%s", L->event);
	if (!L->parsed)
		printf("  (unparsed)");
	putchar('\n');
}

static void on_event(void *user, const event *e)
{
	sink *s = user;
	if (e->kind != EV_LOG_RECORD && e->kind != EV_NOTE)
		return;
	if (s->json)
		decode_json(stdout, s->run, e);
	else
		print_text(s->run, e);
}

static void explain(GPtrArray *set, const char *path, size_t max_line)
{
	GArray *scores = g_array_new(FALSE, TRUE, sizeof(logfmt_score));
	char *err = NULL;
	const logfmt *best = logfmt_detect(set, path, max_line, scores, &err);
	if (best) {
		const logfmt_score *s = &g_array_index(scores, logfmt_score, 0);
		printf("%s: %s (%s)%s\n  why: %d of the first %d lines match its detect pattern; %d match its record pattern\n",
		       path, best->id, best->name ? best->name : best->id,
		       best->inferred ? " [inferred format: check the records]" : "", s->detect_hits, s->sampled,
		       s->record_hits);
	} else {
		printf("%s\n", err);
	}
	for (guint i = best ? 1 : 0; i < scores->len; i++) {
		const logfmt_score *s = &g_array_index(scores, logfmt_score, i);
		if (s->detect_hits)
			printf("  also matched: %s (%d of %d lines)\n", s->fmt->id, s->detect_hits, s->sampled);
	}
	g_free(err);
	g_array_free(scores, TRUE);
}

static void help(void)
{
	puts("usage: amtscope logs FILE... [options]\n"
	     "  --format text|json       one line per record (json: one object per line)\n"
	     "  --detect                 say which format each file is and why, then stop\n"
	     "  --log-format NAME|FILE   force a format (a shipped id, or your own .fmt file)\n"
	     "  --log-tz ZONE            zone of logs written in local time (Europe/Berlin, -05:00)\n"
	     "  --log-offset SECONDS     shift the log's times (its clock was wrong)\n"
	     "  --list-formats           the formats amtscope knows\n"
	     "  --no-redact              show secrets found in messages (local debugging only)\n"
	     "see docs/log-formats.md to describe a new format.");
}

enum { O_FORMAT = 1000, O_DETECT, O_LOG_FORMAT, O_LOG_TZ, O_LOG_OFFSET, O_LIST, O_NO_REDACT, O_HELP };

int cmd_logs(int argc, char **argv)
{
	static const struct option lo[] = {
		{"format", required_argument, 0, O_FORMAT},
		{"detect", no_argument, 0, O_DETECT},
		{"log-format", required_argument, 0, O_LOG_FORMAT},
		{"log-tz", required_argument, 0, O_LOG_TZ},
		{"log-offset", required_argument, 0, O_LOG_OFFSET},
		{"list-formats", no_argument, 0, O_LIST},
		{"no-redact", no_argument, 0, O_NO_REDACT},
		{"help", no_argument, 0, O_HELP},
		{0, 0, 0, 0},
	};
	amt_run run;
	run_init(&run);
	run.cfg.data_dir = cli_data_dir();
	bool json = false, detect = false, list = false;
	int rc = EXIT_CLEAN, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "text")) {
				cli_error("unknown --format '%s' (use text or json)", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case O_DETECT: detect = true; break;
		case O_LIST: list = true; break;
		case O_LOG_FORMAT: run.cfg.log_format = optarg; break;
		case O_LOG_TZ: run.cfg.log_tz = optarg; break;
		case O_NO_REDACT: run.cfg.redact = false; break;
		case O_LOG_OFFSET:
			if (!cli_log_offset(optarg, &run.cfg.log_offset_us)) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
		case O_HELP: help(); goto out;
		default:
			fputs("try 'amtscope logs --help'\n", stderr);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc && !list) {
		cli_error("logs: give one or more log files (amtscope logs FILE...)");
		rc = EXIT_USAGE;
		goto out;
	}
	char *err = NULL;
	const logfmt *forced = NULL;
	GPtrArray *set = logs_formats(&run.cfg, &forced, &err);
	if (!set) {
		cli_error("%s", err);
		g_free(err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (list)
		for (guint i = 0; i < set->len; i++) {
			const logfmt *f = set->pdata[i];
			printf("%-28s %s%s\n", f->id, f->name ? f->name : "", f->inferred ? " (inferred)" : "");
		}
	sink s = {&run, json};
	bus_subscribe(&run.bus, on_event, &s);
	for (int i = optind; i < argc; i++) {
		if (detect && !forced) {
			explain(set, argv[i], (size_t)run.cfg.limit[LIM_LOG_LINE]);
			continue;
		}
		if (detect) {
			printf("%s: %s (forced with --log-format)\n", argv[i], forced->id);
			continue;
		}
		if (!logs_read(&run, argv[i], set, forced, &err)) {
			cli_error("%s", err);
			g_free(err);
			err = NULL;
			rc = EXIT_USAGE;
		}
	}
	g_ptr_array_free(set, TRUE);
out:
	run_free(&run);
	return rc;
}
