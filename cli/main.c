/* amtscope: decode Intel AMT provisioning and management traffic and logs,
 * and say what is wrong and how to fix it. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../inputs/datadir.h"
#include "cli.h"
#include "outfile.h"
#include "version.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("amtscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("amtscope: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

const char *cli_ext_format(const char *path)
{
	static const struct {
		const char *ext, *fmt;
	} map[] = {{".html", "html"}, {".htm", "html"}, {".json", "json"}, {".jsonl", "jsonl"},
		   {".ndjson", "jsonl"}, {".txt", "text"}};
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!g_ascii_strcasecmp(dot, map[i].ext))
			return map[i].fmt;
	return NULL;
}

bool cli_log_offset(const char *arg, int64_t *us)
{
	char *end;
	double s = strtod(arg, &end);
	if (end == arg || *end) {
		cli_error("--log-offset takes seconds (e.g. -3600 or 2.5), not '%s'", arg);
		return false;
	}
	*us = (int64_t)(s * 1e6);
	return true;
}

const char *cli_data_dir(void)
{
	static bool checked;
	const char *dir = amt_data_dir();
	if (!checked) {
		checked = true;
		char *kb = g_build_filename(dir, "kb", NULL);
		char *formats = g_build_filename(dir, "formats", NULL);
		if (!g_file_test(kb, G_FILE_TEST_IS_DIR) || !g_file_test(formats, G_FILE_TEST_IS_DIR))
			cli_warn("no data under %s (formats/ and kb/): log formats, error codes and AMT's trusted "
				 "root hashes are unknown; reinstall amtscope or set AMTSCOPE_DATA to the folder "
				 "holding them", dir);
		g_free(kb);
		g_free(formats);
	}
	return dir;
}

static void usage(FILE *f)
{
	fputs("usage: amtscope <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  analyze   decode captures and logs, run the rules, report findings\n"
	      "  decode    print one line per decoded message (-V: every field)\n"
	      "  logs      print the records amtscope understood in log files\n"
	      "  certs     check certificate files (PEM, DER, PKCS#12)\n"
	      "  check     active pre-deployment check of DNS, setup service, certificates\n"
	      "  rules     list every finding id with its severity and when it fires\n"
	      "\n"
	      "amtscope <command> --help lists the options of a command; man amtscope for all.\n"
	      "exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error\n",
	      f);
}

/* Ctrl-C or a kill before the report is complete: the temporary files go,
 * an earlier report stays as it was. */
static void on_fatal_signal(int sig)
{
	outfile_abort_all_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_default_signals(void)
{
	signal(SIGINT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	/* a closed pipe ends the program as it always did (SIGPIPE), without
	 * leaving temporary files; ignored by the caller, it stays ignored and
	 * the write error is reported instead */
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		signal(SIGPIPE, on_fatal_signal);
}

static int run_command(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("amtscope %s\n", AMTSCOPE_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "analyze"))
		return cmd_analyze(argc - 1, argv + 1, 0);
	if (!strcmp(cmd, "decode"))
		return cmd_analyze(argc - 1, argv + 1, 1);
	if (!strcmp(cmd, "certs"))
		return cmd_certs(argc - 1, argv + 1);
	if (!strcmp(cmd, "logs"))
		return cmd_logs(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "rules"))
		return cmd_rules(argc - 1, argv + 1);
	cli_error("unknown command '%s' (try amtscope --help)", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	cli_default_signals();
	cli_stdout_install();
	int rc = run_command(argc, argv);
	/* every subcommand's standard output is checked once here: a full disk
	 * or a closed pipe is an error, not a silent success */
	if (!cli_stdout_ok())
		rc = EXIT_USAGE;
	return rc;
}
