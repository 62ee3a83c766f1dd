/* One direction of a TCP connection put back in order. Out-of-order segments
 * wait (copied, capped); overlaps keep the first copy and count conflicting
 * bytes; holes become gaps the consumer is told about, so it can resync.
 * Sequence numbers are compared modulo 2^32. Standalone: the engine and the
 * unit tests drive it through reasm_ops. */
#ifndef AMT_REASM_H
#define AMT_REASM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct reasm_ops {
	/* in-order bytes; frame/ts of the segment that carried them */
	void (*data)(void *user, const uint8_t *p, size_t len, uint32_t frame, int64_t ts);
	/* len bytes will never come */
	void (*gap)(void *user, uint32_t len);
	/* the FIN's sequence number has been reached: no more data */
	void (*eof)(void *user);
} reasm_ops;

typedef struct reasm_seg reasm_seg;

typedef struct reasm {
	bool have_isn;
	bool fin_seen, eof_sent;
	uint32_t next_seq;    /* next byte expected */
	uint32_t fin_seq;     /* sequence number of the FIN */
	reasm_seg *ooo;       /* waiting segments, ascending, non-overlapping */
	uint32_t nooo;
	size_t ooo_bytes;
	/* the last bytes delivered, to notice retransmissions that differ: a
	 * ring whose byte for next_seq - 1 is just before recent_end */
	uint8_t *recent;
	uint32_t recent_len, recent_cap, recent_end;
	/* counters */
	uint32_t gaps;
	uint64_t gap_bytes;
	uint32_t retransmissions;
	uint32_t conflicts;   /* overlaps whose bytes differed */
	uint32_t dropped_segments;  /* over the caps */
	uint32_t after_fin;         /* segments carrying bytes past the FIN */
	/* caps (set by the owner; 0 = defaults) */
	uint32_t max_segments;
	size_t max_bytes;
} reasm;

void reasm_init(reasm *r, uint32_t max_segments, size_t max_bytes);
void reasm_free(reasm *r);
/* A SYN (or SYN-ACK) with this sequence number: data starts at seq + 1. */
void reasm_syn(reasm *r, uint32_t seq);
/* A segment. Without a SYN seen, the first segment starts the stream
 * (capture began mid-connection). fin: the segment carries FIN. */
void reasm_segment(reasm *r, uint32_t seq, const uint8_t *p, uint32_t len, bool fin,
		   uint32_t frame, int64_t ts, const reasm_ops *ops, void *user);
/* The peer acknowledged up to ack: bytes before it that we never saw were
 * lost by the capture, so waiting for them is pointless. */
void reasm_ack(reasm *r, uint32_t ack, const reasm_ops *ops, void *user);
/* End of flow: deliver what waits, with gaps between, then eof. */
void reasm_flush(reasm *r, const reasm_ops *ops, void *user);
/* Bytes held by this reassembler (for the global budget). */
size_t reasm_held(const reasm *r);

#endif
