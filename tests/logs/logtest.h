/* Helpers shared by the log tests: run a log through logs_load and keep
 * what each record said. */
#ifndef AMT_LOGTEST_H
#define AMT_LOGTEST_H
#include <glib.h>
#include <stdint.h>

#include "decoder/run.h"

typedef struct rec {
	uint32_t line, line_last;
	int64_t ts;
	bool has_time, parsed;
	char *level, *component, *thread, *message, *codes, *event, *uuid, *ips;
	char *fields;  /* "name=value;..." of every field */
} rec;

typedef struct collected {
	GPtrArray *recs;   /* rec* */
	GPtrArray *notes;  /* char* */
} collected;

void collect_init(collected *c, amt_run *run);
void collect_free(collected *c);
const rec *collected_rec(const collected *c, guint i);
/* $TESTDATA/logs/<name>, $SRCDIR/<name> */
char *public_path(const char *name);
char *src_path(const char *name);
/* A temp file holding data; caller unlinks and frees. */
char *temp_file(const void *data, size_t n);

#endif
