/* End to end: the input is a whole capture file (pcap or pcapng), read by the
 * engine as `amtscope analyze -r` would, with every rule and every renderer
 * running on the result. Like libpcap's testprogs/fuzz/fuzz_pcap.c, but
 * through amtscope's own reader, flows, dissectors, rules and reports.
 * Caps are set low so that eviction and limit paths run often. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decoder/engine.h"
#include "reports/report.h"
#include "rules/rule.h"
#include "version.h"

static FILE *sink;

static void decode_sink(void *user, const event *e)
{
	const amt_run *run = user;
	decode_text(sink, run, e, true);
	decode_json(sink, run, e);
}

static void analyse(const char *path)
{
	amt_run run;
	run_init(&run);
	run.cfg.limit[LIM_FLOWS] = 64;
	run.cfg.limit[LIM_OOO_SEGMENTS] = 32;
	run.cfg.limit[LIM_FLOW_BYTES] = 256u << 10;
	run.cfg.limit[LIM_TOTAL_BYTES] = 4u << 20;
	run.cfg.limit[LIM_EVENTS] = 2000;
	run.cfg.limit[LIM_IP_FRAGMENTS] = 16;
	run.cfg.data_dir = AMT_SOURCE_DIR "/rules";
	analysis an;
	analysis_init(&an, &run);
	bus_subscribe(&run.bus, decode_sink, &run);
	engine *eng = engine_new(&run);
	char *err = NULL;
	if (engine_add_file(eng, path, &err))
		engine_run_files(eng);
	free(err);
	engine_finish(eng);
	analysis_end(&an);
	engine_free(eng);
	report_opts ro = {.verbose = true, .version = "fuzz"};
	report_json(sink, &an, &ro);
	report_text(sink, &an, &ro);
	analysis_free(&an);
	run_free(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink)
		sink = fopen("/dev/null", "w");
	int fd = memfd_create("fuzz_pcap", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	analyse(path);
	close(fd);
	return 0;
}
