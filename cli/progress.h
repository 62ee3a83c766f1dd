/* Feedback on long work, on stderr when it is a terminal (never with -q or
 * when stderr is a file or pipe): live, "Capturing on IFACE" and a running
 * count of packets and findings, as tshark does; files larger than ~50 MB,
 * a line with the bytes read of the total, the rate and the findings so far.
 * AMTSCOPE_PROGRESS_MIN_BYTES overrides the 50 MB (tests). */
#ifndef AMT_PROGRESS_H
#define AMT_PROGRESS_H
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/engine.h"
#include "../rules/rule.h"

typedef struct progress {
	engine *eng;
	analysis *an;       /* NULL: no findings to count (decode) */
	const char *iface;  /* live */
	bool on, shown;
	int64_t start_us, last_us;
	uint64_t total;
} progress;

void progress_init(progress *p, engine *e, analysis *an, const char *iface, bool allowed);
/* Clears the line; live, says how many packets were captured. */
void progress_end(progress *p);

#endif
