/* Log formats as data: each rules/formats/<id>.fmt (GKeyFile) says how to
 * recognise a log, how to cut it into records (one line, or several lines
 * between a start or until an end pattern), a regular expression with named
 * groups (ts, date, time, level, component, thread, message, and any other
 * name, which becomes a log.<name> field), the timestamp layout and zone,
 * the level names, the codes to pull out of messages and the events a line
 * stands for. docs/log-formats.md describes the keys. */
#ifndef AMT_LOGFMT_H
#define AMT_LOGFMT_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct logfmt_code {
	char *name;     /* the [code NAME] group */
	GRegex *re;     /* group "code" = the code; without it the code is NAME */
	char *scope;    /* knowledge-base scope (default: the format's tool) */
	char *prefix;   /* prepended when the code lacks it ("0x" for bare HRESULTs) */
} logfmt_code;

typedef struct logfmt_tag {
	char *event;    /* "hello", "contact_back_failed", ... */
	GRegex *re;
} logfmt_tag;

typedef enum tz_mode { TZ_LOCAL, TZ_UTC } tz_mode;

typedef struct logfmt {
	char *id, *name, *tool, *path;
	bool inferred;          /* written from descriptions, not from a real sample */
	char *note;
	GRegex *detect;         /* a line typical of this format */
	int detect_lines;       /* lines sampled for detection */
	int detect_min;         /* percent of sampled lines that must match (default: any one) */
	int priority;           /* tie-break between formats that both match */
	GRegex *record;         /* the record pattern (named groups) */
	GRegex *start, *end, *skip;
	char *time_layout;      /* "iso8601" or a %-layout (see logfmt_time.c) */
	tz_mode tz;
	GHashTable *levels;     /* lower-case raw level -> normalised level */
	char *default_level;
	bool unescape;          /* message has backslash escapes (\" \\) to undo */
	GRegex *error_hint;     /* message looks like an error when no level */
	GPtrArray *codes;       /* logfmt_code* */
	GPtrArray *tags;        /* logfmt_tag* */
	GPtrArray *extra_names; /* "log.<group>" for non-standard named groups */
} logfmt;

/* Loads one description. NULL + *err ("FILE: line N: what") on error. */
logfmt *logfmt_load(const char *path, char **err);
void logfmt_free(logfmt *f);

/* All NAME.fmt in dir, sorted by id. Files that fail to load are reported in
 * *warnings (one per line, may be NULL) and skipped. */
GPtrArray *logfmt_load_dir(const char *dir, char **warnings);
logfmt *logfmt_find(GPtrArray *set, const char *id);

typedef struct logfmt_score {
	const logfmt *fmt;
	int sampled, detect_hits, record_hits;
} logfmt_score;

/* Scores every format on the first lines of path and returns the best
 * (NULL when none recognises it). scores (may be NULL) receives one
 * logfmt_score per format, best first. */
const logfmt *logfmt_detect(GPtrArray *set, const char *path, size_t max_line, GArray *scores,
			    char **err);

/* Timestamps. Parses text by layout. On success *us is µs since the epoch of
 * the wall-clock time read as UTC, and *zone_known and *zone_off_s say whether
 * the text carried its own zone and what it was (UTC = wall - offset). */
bool logfmt_parse_time(const char *layout, const char *text, int64_t *us, bool *zone_known,
		       int32_t *zone_off_s);
int64_t logfmt_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
