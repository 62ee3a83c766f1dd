/* The TCP reassembler on its own. The input is a list of segments:
 *   header: ISN (LE32), max segments (1 byte), max bytes (1 byte, x64)
 *   then per operation: op (1 byte), offset (LE16), length (1 byte), data
 *   op & 3: 0 segment, 1 segment with FIN, 2 ACK, 3 SYN
 *   op & 4: offset is subtracted from the ISN instead of added
 *   op & 8: offset is shifted left by 16 (far jumps, wrap-around)
 * Each segment's bytes are copied into a buffer of their exact size, so a
 * read past a segment is caught by ASan. Invariants checked after every
 * operation: next_seq == start + bytes delivered + gap bytes (mod 2^32), no
 * data after end of stream (see lax_eof), waiting bytes within the cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decoder/reasm.h"

typedef struct shadow {
	uint32_t pos;      /* bytes delivered + gap bytes */
	bool eof;
	uint64_t data_calls;
} shadow;

/* Known finding (tests/robust/repro/reasm-data-after-fin): segments queued
 * beyond the FIN are delivered by reasm_flush after eof. The engine ignores
 * them (feed() and on_gap() return once eof is set), so by default the
 * harness tolerates bytes after eof; REASM_FUZZ_LAX_EOF=1 tolerates them (fixed)
 * again, to check a fix. */
static bool lax_eof;

static void on_data(void *user, const uint8_t *p, size_t len, uint32_t frame, int64_t ts)
{
	(void)frame;
	(void)ts;
	shadow *s = user;
	if ((s->eof && !lax_eof) || len == 0)
		abort();
	/* touch every byte: ASan reports a delivery pointing outside its segment */
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= p[i];
	(void)x;
	s->pos += (uint32_t)len;
	s->data_calls++;
}

static void on_gap(void *user, uint32_t len)
{
	shadow *s = user;
	if ((s->eof && !lax_eof) || len == 0)
		abort();
	s->pos += len;
}

static void on_eof(void *user)
{
	shadow *s = user;
	if (s->eof && !lax_eof)
		abort();
	s->eof = true;
}

static const reasm_ops ops = {on_data, on_gap, on_eof};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 6)
		return 0;
	lax_eof = getenv("REASM_FUZZ_LAX_EOF") != NULL;  /* strict: fixed in reasm.c */
	uint32_t isn = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		       (uint32_t)data[3] << 24;
	uint32_t max_segs = (uint32_t)(data[4] % 64) + 1;
	size_t max_bytes = ((size_t)data[5] + 1) * 64;
	reasm r;
	reasm_init(&r, max_segs, max_bytes);
	shadow s = {0, false, 0};
	bool started = false;
	uint32_t start = 0;
	size_t off = 6;
	uint32_t frame = 0;
	while (off + 4 <= size) {
		uint8_t op = data[off];
		uint32_t rel = (uint32_t)data[off + 1] | (uint32_t)data[off + 2] << 8;
		size_t len = data[off + 3];
		off += 4;
		if (len > size - off)
			len = size - off;
		if (op & 8)
			rel <<= 16;
		uint32_t seq = (op & 4) ? isn - rel : isn + rel;
		switch (op & 3) {
		case 0:
		case 1: {
			uint8_t *seg = malloc(len ? len : 1);
			if (!seg)
				abort();
			memcpy(seg, data + off, len);
			frame++;
			reasm_segment(&r, seq, seg, (uint32_t)len, (op & 3) == 1, frame, frame, &ops, &s);
			free(seg);
			off += len;
			break;
		}
		case 2: reasm_ack(&r, seq, &ops, &s); break;
		case 3: reasm_syn(&r, seq); break;
		}
		if (r.have_isn && !started) {
			started = true;
			start = r.next_seq - s.pos;
		}
		if (started && r.next_seq - start != s.pos)
			abort();
		if (r.ooo_bytes > max_bytes)
			abort();
	}
	reasm_flush(&r, &ops, &s);
	if (started && r.next_seq - start != s.pos)
		abort();
	if (r.ooo || r.ooo_bytes || r.nooo)
		abort();
	reasm_free(&r);
	return 0;
}
