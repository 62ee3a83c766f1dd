/* Inside the engine: shared by engine.c (frames, notes, the end),
 * engine_flow.c (flows), engine_feed.c (dissectors) and capture.c (reading
 * files and interfaces). */
#ifndef AMT_ENGINE_INT_H
#define AMT_ENGINE_INT_H
#include <pcap/pcap.h>
#include <signal.h>
#include <stdint.h>

#include "engine.h"
#include "events/flow.h"
#include "flow.h"
#include "ipfrag.h"
#include "packet.h"

#define MAX_DISSECTORS 32

typedef struct capture_src {
	pcap_t *p;
	char *iobuf;  /* the stream's stdio buffer: freed after pcap_close */
	uint16_t input;
	uint32_t frame;
	int linktype;
	bool done;
	bool has_filter;             /* -f on a file: pcap_offline_filter, so frame numbers stay the file's */
	struct bpf_program filter;
	FILE *raw;                   /* the file on disk, for progress */
	uint64_t size;
	bool clock_bad;  /* said once: a packet time out of range */
	/* the packet read ahead, for merging several files by time */
	struct pcap_pkthdr *hdr;
	const u_char *data;
} capture_src;

struct engine {
	amt_run *run;
	flow_table ft;
	ipfrag_table *frags;
	arena scratch;
	void *globals[MAX_DISSECTORS];
	int64_t now;
	uint16_t cur_input;
	uint32_t cur_frame;
	size_t buffered;   /* bytes held in reassembly and dissector buffers */
	bool finished;
	GArray *srcs;      /* capture_src */
	volatile sig_atomic_t stop;
	pcap_t *live;
	frame_hook hook;
	void *hook_user;
	uint64_t cur_flow_id;  /* set while a frame is processed, for the hook */
	uint64_t read_count, read_total;  /* -c on files; packets handed to the decoder */
	packet_hook packet_hook;
	void *packet_hook_user;
	progress_fn progress;
	void *progress_user;
};

void engine_note(engine *e, note_kind k, int limit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void engine_close_sources(engine *e);
/* The first hit of a limit says so in a note; every hit is counted. */
void eng_limit_hit(engine *e, limit_id l);

/* engine_flow.c */
void eng_transport_packet(engine *e, pkt *p, uint32_t frame, int64_t ts);
void eng_drop_flow(engine *e, flow *f);   /* finalized and forgotten */
void eng_expire(engine *e);               /* flows idle past their timeout */

/* engine_feed.c */
void eng_ctx_init(engine *e, flow *f, const dissector *d, uint8_t dir, dis_ctx *c,
		  const dis_mark *marks, size_t nmarks);
void eng_ensure_state(engine *e, flow *f);
/* Bytes for the app layer of one direction; probes when no dissector yet. */
void eng_app_data(engine *e, flow *f, uint8_t dir, const uint8_t *p, size_t len,
		  uint32_t frame, int64_t ts, uint16_t input);
void eng_feed_eof(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir);
/* The direction is dead: a note says why, its bytes are dropped. */
void eng_give_up(engine *e, flow *f, const dissector *d, flow_dir *fd, uint8_t dir, size_t off,
		 note_kind k, const char *why);
void eng_buf_free(engine *e, flow_dir *d);
dis_result eng_result_misuse(engine *e, dis_ctx *c, const dissector *d, dis_result r, size_t len);
/* How many more bytes a dissector may sanely ask for: more is a length
 * computed by a subtraction that went below zero. */
#define ENG_NEED_MAX (SIZE_MAX / 4)

/* d->parse, its result checked (consumed <= len, a known status, a sane
 * need): a misuse is counted, noted and made safe (eng_result_misuse). Inline:
 * it runs for every parse. */
static inline dis_result eng_parse(engine *e, dis_ctx *c, const dissector *d, void *st, const uint8_t *p,
				   size_t len)
{
	dis_result r = d->parse(st, c, p, len);
	bool sane = r.consumed <= len && (r.status == DIS_OK || r.status == DIS_ERROR ||
					  (r.status == DIS_INCOMPLETE && r.needed <= ENG_NEED_MAX));
	if (__builtin_expect(!sane, 0))
		r = eng_result_misuse(e, c, d, r, len);
	return r;
}
/* The inner stream's dissector sees its end and its state is freed. */
void eng_inner_free(engine *e, flow *f);

#endif
