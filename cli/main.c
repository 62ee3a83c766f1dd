/* amtscope: decode Intel AMT provisioning and management traffic and logs,
 * and say what is wrong and how to fix it. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rules/datadir.h"
#include "cli.h"
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

FILE *cli_open_output(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error("cannot write %s: %s (choose a writable path with -o)", path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
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

int main(int argc, char **argv)
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
