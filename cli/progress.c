/* See progress.h. */
#include "progress.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROGRESS_MIN_BYTES (50ull << 20)
#define PROGRESS_EVERY_US 250000

static unsigned findings_so_far(const progress *p)
{
	return p->an ? p->an->fnd.list->len : 0;
}

static void tick(void *user, const engine *e)
{
	progress *p = user;
	int64_t now = g_get_monotonic_time();
	if (now - p->last_us < PROGRESS_EVERY_US)
		return;
	p->last_us = now;
	p->shown = true;
	if (p->iface) {
		fprintf(stderr, "\r%llu packets, %u findings\033[K", (unsigned long long)engine_packets_read(e),
			findings_so_far(p));
		return;
	}
	uint64_t total;
	uint64_t done = engine_bytes_read(e, &total);
	double secs = (double)(now - p->start_us) / 1e6;
	fprintf(stderr, "\rread %.1f of %.1f MB (%.0f%%), %.1f MB/s, %u findings so far\033[K",
		(double)done / 1048576.0, (double)total / 1048576.0, total ? 100.0 * (double)done / (double)total : 0.0,
		secs > 0 ? (double)done / 1048576.0 / secs : 0.0, findings_so_far(p));
}

void progress_init(progress *p, engine *e, analysis *an, const char *iface, bool allowed)
{
	*p = (progress){.eng = e, .an = an, .iface = iface};
	const char *off = getenv("AMTSCOPE_NO_PROGRESS");
	if (!allowed || !isatty(STDERR_FILENO) || (off && *off))
		return;
	p->start_us = g_get_monotonic_time();
	p->last_us = p->start_us - PROGRESS_EVERY_US;  /* the first tick shows at once */
	if (iface) {
		fprintf(stderr, "Capturing on '%s'\n", iface);
	} else {
		const char *min = getenv("AMTSCOPE_PROGRESS_MIN_BYTES");
		uint64_t threshold = min && *min ? g_ascii_strtoull(min, NULL, 10) : PROGRESS_MIN_BYTES;
		engine_bytes_read(e, &p->total);
		if (p->total < threshold)
			return;
	}
	p->on = true;
	engine_set_progress(e, tick, p);
}

void progress_end(progress *p)
{
	if (!p->on)
		return;
	engine_set_progress(p->eng, NULL, NULL);
	if (p->shown)
		fputs("\r\033[K", stderr);
	if (p->iface)
		fprintf(stderr, "%llu packets captured\n", (unsigned long long)engine_packets_read(p->eng));
}
