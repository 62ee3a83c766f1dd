/* Shared by the subcommands. Exit codes: see docs/amtscope.1 and findings.md. */
#ifndef AMT_CLI_H
#define AMT_CLI_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
	EXIT_CLEAN = 0,     /* nothing at or above --fail-on */
	EXIT_FINDINGS = 1,  /* findings at or above --fail-on (certs/check: something is wrong) */
	EXIT_USAGE = 2,     /* usage or input error */
	EXIT_INTERNAL = 3,
};

int cmd_analyze(int argc, char **argv, int decode_mode);
int cmd_certs(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/* One line on stderr: "amtscope: <what>". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* SIGINT/SIGTERM/SIGHUP remove unfinished temporary outputs, then end the
 * program (live capture installs its own SIGINT meanwhile). */
void cli_default_signals(void);
/* "html", "json", "jsonl" or "text" from the extension of an output path
 * (.html/.htm, .json, .jsonl/.ndjson, .txt); NULL for anything else. */
const char *cli_ext_format(const char *path);
/* --keylog, --ca-file, --amt-hashes and -l files checked before anything is
 * read: missing, unreadable or without a single entry is a usage error (one
 * line, the reason), not a finding that later blames the traffic. */
bool inputs_preflight(const char *const *keylogs, unsigned nkeylogs, const char *ca_file,
		      const char *hashes_file, const char *const *logs, unsigned nlogs, uint64_t max_sessions);
/* Where formats/ and kb/ are found (amt_data_dir, inputs/datadir.h). */
const char *cli_data_dir(void);
/* --log-offset SECONDS (e.g. -3600 or 2.5) into µs; false (and one line on
 * stderr) when it is no number. */
bool cli_log_offset(const char *arg, int64_t *us);
/* --sensor and --run-id, or their defaults (the host name; a random UUID,
 * returned in *allocated for the caller to free); false (and one line on
 * stderr) when one is empty or holds a control character. */
bool cli_record_ids(const char *sensor, const char *run_id, const char **sensor_out, const char **run_id_out,
		    char **allocated);

#endif
