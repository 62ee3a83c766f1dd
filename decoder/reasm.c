#include "reasm.h"

#include <stdlib.h>
#include <string.h>

struct reasm_seg {
	reasm_seg *next;
	uint32_t seq, len;
	uint32_t frame;
	int64_t ts;
	uint8_t data[];
};

#define RECENT_CAP 2048

static inline int32_t seqdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void reasm_init(reasm *r, uint32_t max_segments, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->max_segments = max_segments ? max_segments : 512;
	r->max_bytes = max_bytes ? max_bytes : (4u << 20);
}

void reasm_free(reasm *r)
{
	reasm_seg *s = r->ooo;
	while (s) {
		reasm_seg *n = s->next;
		free(s);
		s = n;
	}
	free(r->recent);
	r->ooo = NULL;
	r->recent = NULL;
	r->nooo = 0;
	r->ooo_bytes = 0;
}

void reasm_syn(reasm *r, uint32_t seq)
{
	if (r->have_isn)
		return;
	r->have_isn = true;
	r->next_seq = seq + 1;
}

size_t reasm_held(const reasm *r)
{
	return r->ooo_bytes + r->recent_cap;
}

/* A ring, so that remembering a segment copies it once; shifting a flat
 * buffer moved the previous 2 KiB for every segment. */
_Static_assert((RECENT_CAP & (RECENT_CAP - 1)) == 0, "RECENT_CAP: a power of two");

static void remember(reasm *r, const uint8_t *p, uint32_t len)
{
	if (!r->recent) {
		r->recent = malloc(RECENT_CAP);
		if (!r->recent)
			return;
		r->recent_cap = RECENT_CAP;
		r->recent_end = 0;
	}
	if (len > RECENT_CAP) {
		p += len - RECENT_CAP;
		len = RECENT_CAP;
	}
	uint32_t first = RECENT_CAP - r->recent_end;  /* room before the ring wraps */
	if (first > len)
		first = len;
	memcpy(r->recent + r->recent_end, p, first);
	memcpy(r->recent, p + first, len - first);
	r->recent_end = (r->recent_end + len) & (RECENT_CAP - 1);
	r->recent_len = r->recent_len + len > RECENT_CAP ? RECENT_CAP : r->recent_len + len;
}

/* Bytes [seq, seq+len) were delivered already; compare what we still remember. */
static void check_retransmission(reasm *r, uint32_t seq, const uint8_t *p, uint32_t len)
{
	r->retransmissions++;
	uint32_t recent_start = r->next_seq - r->recent_len;
	uint32_t from = seqdiff(seq, recent_start) > 0 ? seq : recent_start;
	uint32_t to = seq + len;
	if (seqdiff(to, from) <= 0)
		return;
	uint32_t n = (uint32_t)seqdiff(to, from);
	/* the ring index of the byte at from */
	uint32_t at = (r->recent_end - (r->next_seq - from)) & (RECENT_CAP - 1);
	uint32_t first = RECENT_CAP - at;
	if (first > n)
		first = n;
	const uint8_t *q = p + (from - seq);
	if (memcmp(r->recent + at, q, first) != 0 || memcmp(r->recent, q + first, n - first) != 0)
		r->conflicts++;
}

static void deliver(reasm *r, const uint8_t *p, uint32_t len, uint32_t frame, int64_t ts,
		    const reasm_ops *ops, void *user)
{
	if (r->fin_seen) {
		/* segments queued before the FIN was seen may reach past it */
		int32_t room = seqdiff(r->fin_seq, r->next_seq);
		if (room <= 0)
			return;
		if (len > (uint32_t)room)
			len = (uint32_t)room;
	}
	if (!len)
		return;
	r->next_seq += len;
	remember(r, p, len);
	ops->data(user, p, len, frame, ts);
}

static void check_eof(reasm *r, const reasm_ops *ops, void *user)
{
	if (r->fin_seen && !r->eof_sent && seqdiff(r->next_seq, r->fin_seq) >= 0) {
		r->eof_sent = true;
		if (ops->eof)
			ops->eof(user);
	}
}

/* Deliver waiting segments that now start at (or before) next_seq. */
static void drain(reasm *r, const reasm_ops *ops, void *user)
{
	while (r->ooo && seqdiff(r->ooo->seq, r->next_seq) <= 0) {
		reasm_seg *s = r->ooo;
		r->ooo = s->next;
		r->nooo--;
		r->ooo_bytes -= s->len;
		int32_t skip = seqdiff(r->next_seq, s->seq);
		if ((uint32_t)skip < s->len)
			deliver(r, s->data + skip, s->len - (uint32_t)skip, s->frame, s->ts, ops, user);
		free(s);
	}
}

static void skip_to(reasm *r, uint32_t seq, const reasm_ops *ops, void *user)
{
	int32_t n = seqdiff(seq, r->next_seq);
	if (n <= 0)
		return;
	r->gaps++;
	r->gap_bytes += (uint32_t)n;
	r->next_seq = seq;
	r->recent_len = 0;  /* what we remember no longer ends at next_seq */
	if (ops->gap)
		ops->gap(user, (uint32_t)n);
}

/* Over the caps: give up waiting for the first hole. */
static void drop_queue(reasm *r)
{
	while (r->ooo) {
		reasm_seg *s = r->ooo;
		r->ooo = s->next;
		r->nooo--;
		r->ooo_bytes -= s->len;
		free(s);
	}
}

static void force_gap(reasm *r, const reasm_ops *ops, void *user)
{
	if (!r->ooo)
		return;
	if (r->eof_sent || (r->fin_seen && seqdiff(r->ooo->seq, r->fin_seq) >= 0)) {
		/* everything still waiting lies past the FIN: not part of the stream */
		drop_queue(r);
		return;
	}
	skip_to(r, r->ooo->seq, ops, user);
	drain(r, ops, user);
}

static void queue(reasm *r, uint32_t seq, const uint8_t *p, uint32_t len, uint32_t frame,
		  int64_t ts)
{
	/* Insert the parts of [seq, seq+len) not covered by waiting segments:
	 * first copy wins; differing bytes in the overlap count as a conflict. */
	reasm_seg **pp = &r->ooo;
	uint32_t cur = seq, end = seq + len;
	while (seqdiff(end, cur) > 0) {
		reasm_seg *s = *pp;
		if (s && seqdiff(s->seq + s->len, cur) <= 0) {
			pp = &s->next;
			continue;
		}
		uint32_t piece_end = end;
		if (s && seqdiff(s->seq, cur) <= 0) {
			/* cur lies inside s: compare the overlap, move past s */
			uint32_t ov_end = seqdiff(s->seq + s->len, end) < 0 ? s->seq + s->len : end;
			uint32_t n = (uint32_t)seqdiff(ov_end, cur);
			r->retransmissions++;
			if (memcmp(s->data + (cur - s->seq), p + (cur - seq), n) != 0)
				r->conflicts++;
			cur = ov_end;
			pp = &s->next;
			continue;
		}
		if (s && seqdiff(s->seq, piece_end) < 0)
			piece_end = s->seq;
		uint32_t n = (uint32_t)seqdiff(piece_end, cur);
		reasm_seg *ns = malloc(sizeof(*ns) + n);
		if (!ns)
			return;
		ns->seq = cur;
		ns->len = n;
		ns->frame = frame;
		ns->ts = ts;
		memcpy(ns->data, p + (cur - seq), n);
		ns->next = s;
		*pp = ns;
		pp = &ns->next;
		r->nooo++;
		r->ooo_bytes += n;
		cur = piece_end;
	}
}

void reasm_segment(reasm *r, uint32_t seq, const uint8_t *p, uint32_t len, bool fin,
		   uint32_t frame, int64_t ts, const reasm_ops *ops, void *user)
{
	if (!r->have_isn) {
		r->have_isn = true;
		r->next_seq = seq;
	}
	if (fin && !r->fin_seen) {
		r->fin_seen = true;
		r->fin_seq = seq + len;
	}
	if (r->fin_seen && len && seqdiff(seq + len, r->fin_seq) > 0) {
		/* nothing follows a FIN: bytes past it are not part of the stream */
		int32_t keep = seqdiff(r->fin_seq, seq);
		r->after_fin++;
		len = keep > 0 ? (uint32_t)keep : 0;
	}
	if (len) {
		int32_t rel = seqdiff(seq, r->next_seq);
		if (rel <= 0) {
			uint32_t old = 0u - (uint32_t)rel;  /* rel may be INT32_MIN */
			if (old > 0)
				check_retransmission(r, seq, p, old < len ? old : len);
			if (old < len) {
				deliver(r, p + old, len - old, frame, ts, ops, user);
				drain(r, ops, user);
			}
		} else if (r->nooo >= r->max_segments || r->ooo_bytes + len > r->max_bytes) {
			/* no room to wait: the first hole is lost */
			r->dropped_segments++;
			queue(r, seq, p, len, frame, ts);
			while (r->ooo && (r->nooo > r->max_segments || r->ooo_bytes > r->max_bytes))
				force_gap(r, ops, user);
		} else {
			queue(r, seq, p, len, frame, ts);
		}
	}
	check_eof(r, ops, user);
}

void reasm_ack(reasm *r, uint32_t ack, const reasm_ops *ops, void *user)
{
	if (!r->have_isn || r->eof_sent || seqdiff(ack, r->next_seq) <= 0)
		return;
	/* A FIN consumes one sequence number that carries no data. */
	if (r->fin_seen && seqdiff(ack, r->fin_seq) > 0)
		ack = r->fin_seq;
	if (seqdiff(ack, r->next_seq) <= 0) {
		check_eof(r, ops, user);
		return;
	}
	while (r->ooo && seqdiff(r->ooo->seq, ack) < 0) {
		skip_to(r, r->ooo->seq, ops, user);
		drain(r, ops, user);
	}
	skip_to(r, ack, ops, user);
	check_eof(r, ops, user);
}

void reasm_flush(reasm *r, const reasm_ops *ops, void *user)
{
	while (r->ooo)
		force_gap(r, ops, user);
	if (r->fin_seen)
		check_eof(r, ops, user);
}
