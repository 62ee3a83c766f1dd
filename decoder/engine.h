/* The capture engine: reads captures (files or a live interface), decodes
 * link/IP/TCP/UDP, keeps flows, reassembles TCP and feeds dissectors, whose
 * events go to run->bus. */
#ifndef AMT_ENGINE_H
#define AMT_ENGINE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"

typedef struct engine engine;

engine *engine_new(amt_run *run);
void engine_free(engine *e);

/* Offline. Each file becomes an input; all are read as one timeline (merged
 * by timestamp). "-" is standard input. Returns false with *err set (one
 * line, saying what and how to fix) when the file cannot be opened. */
bool engine_add_file(engine *e, const char *path, char **err);
/* Reads every added file to its end. Problems met on the way (a truncated
 * record) are kept in the input's error field. */
void engine_run_files(engine *e);

/* After the files are added: a BPF read filter (tcpdump -r F EXPR); frames
 * it skips keep their numbers. false with *err on a bad expression. */
bool engine_set_read_filter(engine *e, const char *filter, char **err);
/* Stop after this many packets read from files (0: all). */
void engine_set_read_count(engine *e, uint64_t count);
/* Every packet read from files (after the filter, within the count), in the
 * merged order, before it is decoded: for -w and the annotated copy. */
struct pcap_pkthdr;
typedef void (*packet_hook)(void *user, uint16_t input, const struct pcap_pkthdr *h, const uint8_t *data);
void engine_set_packet_hook(engine *e, packet_hook fn, void *user);
/* Called every 1024 packets read from files, for a progress line. */
typedef void (*progress_fn)(void *user, const engine *e);
void engine_set_progress(engine *e, progress_fn fn, void *user);
/* Bytes of the capture files read so far, *total their size on disk. */
uint64_t engine_bytes_read(const engine *e, uint64_t *total);
uint64_t engine_packets_read(const engine *e);

/* Live. filter NULL = the default filter (engine_default_filter()). */
typedef struct live_opts {
	const char *iface;
	const char *filter;
	uint64_t count;        /* 0 = unlimited */
	uint64_t duration_s;   /* 0 = unlimited */
	const char *write_file;
	FILE *write_fp;        /* opened (and closed) by the caller when set: write_file names it */
	/* called once the interface is open and the filter set, before the
	 * privileges are dropped and before write_fp is read: the caller opens
	 * its outputs there (and may set write_fp). false: the capture does not
	 * start (*err may stay NULL when the callee said why). */
	bool (*before_drop)(void *user, char **err);
	void *before_drop_user;
	const char *user;      /* drop privileges to this user; NULL = "nobody" when root */
} live_opts;
/* The live default: every port the table of dissectors claims, e.g.
 * "port 53 or udp portrange 67-68 or ... or tcp portrange 16992-16995". */
const char *engine_default_filter(void);
struct dissector;
/* The same for a NULL-terminated table (tests); g_free it. */
char *engine_filter_for(const struct dissector *const *table);
bool engine_run_live(engine *e, const live_opts *o, char **err);
void engine_stop(engine *e);  /* async-signal-safe: ends a live capture */

/* Flushes every flow (dissectors see the end of their streams) and ends the
 * dissectors' per-run state. Call once after reading. */
void engine_finish(engine *e);

/* Called for every frame read, before dissection: for `decode --frames`
 * and the differential tests against tshark. */
typedef struct frame_info {
	uint16_t input;
	uint32_t frame;
	int64_t ts;
	uint32_t caplen, wirelen;
	uint8_t ipproto;          /* 6, 17, or 0 when not TCP/UDP */
	amt_addr src, dst;
	uint16_t sport, dport;
	uint64_t flow_id;         /* 0 when the frame belongs to no flow */
} frame_info;
typedef void (*frame_hook)(void *user, const frame_info *fi);
void engine_set_frame_hook(engine *e, frame_hook fn, void *user);

/* One frame, for tests and fuzzers: linktype is a DLT_ value. */
void engine_frame(engine *e, uint16_t input, uint32_t frame, int linktype, int64_t ts_us,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen);

#endif
