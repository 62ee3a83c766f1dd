/* libFuzzer harness for the log format engine: the input is a log file;
 * its first byte picks a shipped format (or detection), the rest is read
 * through the encoding sniffer, the record cutter and the regexes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inputs/logfmt.h"
#include "inputs/logs.h"
#include "version.h"

static GPtrArray *formats;

static void on_event(void *user, const event *e)
{
	(void)user;
	/* touch what consumers read */
	if (e->info)
		(void)strlen(e->info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!formats)
		formats = logfmt_load_dir(AMT_SOURCE_DIR "/rules/formats", NULL);
	if (size < 1)
		return 0;
	int fd = memfd_create("fuzz-log", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	amt_run run;
	run_init(&run);
	run.cfg.limit[LIM_LOG_LINE] = 4096;
	run.cfg.log_tz = (data[0] & 0x80) ? "Europe/Berlin" : NULL;
	bus_subscribe(&run.bus, on_event, NULL);
	const logfmt *f = NULL;
	unsigned pick = data[0] & 0x1f;
	if (pick < formats->len)
		f = formats->pdata[pick];
	char *err = NULL;
	if (!logs_read(&run, path, formats, f, &err))
		g_free(err);
	run_free(&run);
	close(fd);
	return 0;
}
