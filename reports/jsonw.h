/* A small streaming JSON writer: correct escaping, no allocation. Output
 * collects in the writer's own buffer (reports write millions of short
 * strings; a stdio call each cost more than the escaping): jw_end() or
 * jw_flush() hands it to the FILE. */
#ifndef AMT_JSONW_H
#define AMT_JSONW_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct jsonw {
	FILE *f;
	size_t used;      /* bytes of buf not yet written to f */
	char buf[16384];
	int depth;
	bool first[64];   /* no comma needed before the next item at this depth */
	bool pretty;
	bool after_key;
} jsonw;

void jw_init(jsonw *w, FILE *f, bool pretty);
void jw_obj(jsonw *w);      /* { */
void jw_obj_end(jsonw *w);  /* } */
void jw_arr(jsonw *w);
void jw_arr_end(jsonw *w);
void jw_key(jsonw *w, const char *k);
void jw_str(jsonw *w, const char *s);          /* NULL -> null */
void jw_strn(jsonw *w, const char *s, size_t n);
void jw_uint(jsonw *w, uint64_t v);
void jw_int(jsonw *w, int64_t v);
void jw_bool(jsonw *w, bool v);
void jw_null(jsonw *w);
void jw_time(jsonw *w, int64_t us);            /* RFC 3339 UTC with microseconds */
/* key + value shorthands; jw_kstr skips NULL values (unknown fields are left out) */
void jw_kstr(jsonw *w, const char *k, const char *s);
void jw_kuint(jsonw *w, const char *k, uint64_t v);
void jw_kint(jsonw *w, const char *k, int64_t v);
void jw_kbool(jsonw *w, const char *k, bool v);
void jw_ktime(jsonw *w, const char *k, int64_t us);
void jw_end(jsonw *w);    /* final newline, then everything to the FILE (fflush) */
void jw_flush(jsonw *w);  /* what is buffered to the FILE, without a newline */

/* "2026-11-23T11:50:01.123456Z" into buf (>= 40 bytes) */
char *fmt_time_rfc3339(int64_t us, char *buf);

#endif
