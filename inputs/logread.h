/* Line reader for log files: detects the encoding (UTF-8, UTF-8 with BOM,
 * UTF-16 LE/BE with or without BOM), converts to UTF-8, and hands out one
 * line at a time. Memory is bounded: a line longer than max_line bytes is
 * cut there and the rest of it skipped, however long the file is. */
#ifndef AMT_LOGREAD_H
#define AMT_LOGREAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum log_encoding { ENC_UTF8, ENC_UTF8_BOM, ENC_UTF16LE, ENC_UTF16BE } log_encoding;

typedef struct logread {
	FILE *f;
	log_encoding enc;
	size_t max_line;
	uint64_t max_bytes;  /* stop reading after this many bytes (0: no limit) */
	uint8_t raw[65536];
	size_t raw_len, raw_pos;
	bool eof;
	char *line;        /* current line, valid UTF-8, NUL-terminated */
	size_t line_len, line_cap;
	uint32_t lineno;   /* 1-based number of the current line */
	uint64_t bytes;    /* bytes read from the file */
	uint64_t truncated_lines;
	uint32_t first_truncated;  /* line number of the first cut line, or 0 */
	uint64_t binary_lines;     /* lines holding control bytes (junk) */
	uint64_t cp1252_lines;     /* lines that were not UTF-8, read as Windows-1252 */
} logread;

const char *log_encoding_name(log_encoding e);
/* NULL + errno on failure. */
bool logread_open(logread *r, const char *path, size_t max_line);
/* Opens path now and keeps it open, so that logread_open reads it later from
 * this descriptor (live capture: inputs are opened before privileges are
 * dropped). false with errno set when it cannot be opened. */
bool logread_keep_open(const char *path);
/* Closes what logread_keep_open kept. */
void logread_release_all(void);
/* Next line (without the line ending) in r->line. false at end of file. */
bool logread_next(logread *r);
void logread_close(logread *r);

#endif
