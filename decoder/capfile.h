/* Opening a capture file for libpcap: plain or gzip/zstd/xz-compressed,
 * recognised by magic bytes; "-" is standard input (compressed too). */
#ifndef AMT_CAPFILE_H
#define AMT_CAPFILE_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct capfile_info {
	const char *compression;  /* "gzip", "zstd", "xz" or NULL */
	bool seekable;            /* rewind() works (not standard input) */
	uint64_t size;            /* of the file on disk, 0 when unknown */
	FILE *raw;                /* the file itself (ftell: bytes read of size) */
	bool pcapng;              /* not seekable: the first bytes were a pcapng section header */
} capfile_info;

/* NULL with *err (one line: what and how to fix) when it cannot be opened. */
FILE *capfile_open(const char *path, capfile_info *info, char **err);

#endif
