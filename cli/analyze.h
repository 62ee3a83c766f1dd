/* analyze and decode: the option values, the per-subcommand help and the
 * table of options that mean something for one of them only; the options as
 * read (analyze_opts.c) and the outputs they name (analyze_out.c). */
#ifndef AMT_ANALYZE_H
#define AMT_ANALYZE_H
#include <glib.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>

#include "../decoder/engine.h"
#include "outfile.h"

enum {
	O_DURATION = 1000, O_LOG_FORMAT, O_LOG_TZ, O_LOG_OFFSET, O_RULES, O_CA_FILE, O_AMT_HASHES,
	O_KEYLOG, O_FORMAT, O_EVENTS, O_FAIL_ON, O_NO_REDACT, O_SHOW_SOL, O_NO_COLOR, O_HELP, O_FRAMES, O_HELLO_WINDOW, O_NO_SYSTEM_CA,
	O_ANNOTATE, O_SENSOR, O_RUN_ID, O_SUPPRESS, O_MIN_SEVERITY, O_VLAN_KEY,
	O_LIMIT_BASE = 2000,
};

void analyze_help(bool decode);
/* false (one line on stderr) when option c means nothing for this subcommand */
bool analyze_option_applies(int c, bool decode);

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

void opts_init(opts *o);
void opts_free(opts *o);
/* Reads the command line into o and run->cfg, checks that the options go
 * together and that no output is an input. false: stop with *rc (2 after a
 * line on stderr, 0 after --help). *random_run_id is the caller's to free. */
bool analyze_parse(int argc, char **argv, int decode_mode, opts *o, amt_run *run, char **random_run_id,
		   int *rc);

/* Where decoded events (decode, --events, ECS) are written. */
typedef struct decode_sink {
	FILE *f;
	amt_run *run;
	bool json, fields;
} decode_sink;

/* -w while reading files: the packets read (after -f and -c), as pcap */
typedef struct file_dump {
	pcap_t *dead;
	pcap_dumper_t *d;
} file_dump;

bool file_dump_start(file_dump *fd, amt_run *run, FILE *f, const char *path);
void dump_packet(void *user, uint16_t input, const struct pcap_pkthdr *h, const uint8_t *data);

typedef struct outputs {
	const opts *o;
	bool in_place, opened;
	outfile of, ef, wf, af;  /* -o, --events, -w, --annotate */
	decode_sink *ds, *es, *ecs;
} outputs;

void outputs_abort(outputs *w);
/* Opens every output (the messages are printed here: *err stays NULL);
 * a live_opts before_drop callback. */
bool outputs_open(void *user, char **err);

#endif
