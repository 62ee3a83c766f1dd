/* Feeding dissectors: the bytes a flow's direction holds for its
 * dissector, what the dissector made of them, and the streams a dissector
 * unwraps (decrypted TLS). */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "engine_int.h"

#define PROBE_MAX 4096  /* bytes buffered while no dissector has claimed a flow */

static size_t dissector_index(const dissector *d)
{
	for (size_t i = 0; amt_dissectors[i]; i++)
		if (amt_dissectors[i] == d)
			return i;
	return 0;
}

void eng_ctx_init(engine *e, flow *f, const dissector *d, uint8_t dir, dis_ctx *c,
		     const dis_mark *marks, size_t nmarks)
{
	memset(c, 0, sizeof(*c));
	c->cfg = &e->run->cfg;
	c->bus = &e->run->bus;
	c->scratch = &e->scratch;
	c->flow = &f->info;
	c->dir = dir;
	c->input = marks && nmarks ? marks[nmarks - 1].input : e->cur_input;
	c->marks = marks;
	c->nmarks = nmarks;
	c->limit_hits = e->run->stats.limit_hits;
	c->global = d ? e->globals[dissector_index(d)] : NULL;
	c->engine = e;
	c->run = e->run;
	c->held_total = &e->buffered;
}

void eng_buf_free(engine *e, flow_dir *d)
{
	e->buffered -= d->cap;
	g_free(d->buf);
	g_free(d->marks);
	d->buf = NULL;
	d->marks = NULL;
	d->len = d->cap = d->nmarks = d->capmarks = 0;
	d->need = 0;
}

static bool buf_append(engine *e, flow_dir *d, const uint8_t *p, size_t len, uint32_t frame,
		       int64_t ts, uint16_t input)
{
	if (d->len + len > d->cap) {
		size_t ncap = d->cap ? d->cap : 2048;
		while (ncap < d->len + len)
			ncap *= 2;
		e->buffered += ncap - d->cap;
		d->buf = g_realloc(d->buf, ncap);
		d->cap = ncap;
	}
	if (d->nmarks == d->capmarks) {
		d->capmarks = d->capmarks ? d->capmarks * 2 : 8;
		d->marks = g_realloc(d->marks, d->capmarks * sizeof(dis_mark));
	}
	if (len)
		memcpy(d->buf + d->len, p, len);
	dis_mark m = {d->len, frame, ts, input};
	d->marks[d->nmarks++] = m;
	d->len += len;
	return true;
}

static void buf_consume(flow_dir *d, size_t n)
{
	if (n >= d->len) {
		d->len = 0;
		d->nmarks = 0;
		return;
	}
	memmove(d->buf, d->buf + n, d->len - n);
	d->len -= n;
	/* keep the mark that covers the new offset 0 and those after it */
	size_t keep = 0;
	while (keep + 1 < d->nmarks && d->marks[keep + 1].off <= n)
		keep++;
	memmove(d->marks, d->marks + keep, (d->nmarks - keep) * sizeof(dis_mark));
	d->nmarks -= keep;
	for (size_t i = 0; i < d->nmarks; i++)
		d->marks[i].off = d->marks[i].off > n ? d->marks[i].off - n : 0;
}

void eng_give_up(engine *e, flow *f, const dissector *d, flow_dir *fd, uint8_t dir, size_t off,
		    note_kind k, const char *why)
{
	fd->dead = true;
	dis_ctx c;
	dis_mark m = {0, fd->last_frame, fd->last_ts, fd->last_input};
	eng_ctx_init(e, f, d, dir, &c, &m, 1);
	dis_note(&c, d->name, k, off, "%s: not decoding the rest of this direction", why);
	eng_buf_free(e, fd);
}

/* The misuses said in a note each; every one is counted. */
#define MISUSE_NOTES 10

/* A dissector broke its contract (dissector.h): amtscope's own bug, not the
 * input's. Counted (run->stats.dissector_misuse), said in a note, and made
 * safe: a claim past the end is clamped, an unknown status is an error, an
 * absurd need is forgotten. A fuzz build aborts so the fuzzer keeps the input. */
dis_result eng_result_misuse(engine *e, dis_ctx *c, const dissector *d, dis_result r, size_t len)
{
	if (e->run->stats.dissector_misuse++ < MISUSE_NOTES)
		dis_note(c, d->name, NOTE_INTERNAL, 0,
			 "the %s dissector broke its contract (status %d, %zu byte(s) consumed of %zu, %zu more "
			 "needed): a bug in amtscope; the result was made safe, please report it",
			 d->name, (int)r.status, r.consumed, len, r.needed);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	abort();
#endif
	if (r.consumed > len)
		r.consumed = len;
	if (r.status != DIS_OK && r.status != DIS_ERROR && r.status != DIS_INCOMPLETE)
		r.status = DIS_ERROR;
	if (r.status == DIS_INCOMPLETE && r.needed > ENG_NEED_MAX)
		r.needed = 0;
	return r;
}

/* Runs the dissector over the buffered bytes. */
static void run_parser(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir,
		       const uint8_t *p, size_t len, const dis_mark *marks, size_t nmarks, bool eof,
		       bool from_buf)
{
	dis_ctx c;
	eng_ctx_init(e, f, d, dir, &c, marks, nmarks);
	c.at_eof = eof;
	c.inner = NULL;
	dis_result r = eng_parse(e, &c, d, st, p, len);
	size_t used = r.consumed;
	if (r.status == DIS_ERROR) {
		eng_give_up(e, f, d, fd, dir, used, NOTE_UNDECODABLE, "the bytes do not follow the protocol");
		return;
	}
	if (r.status == DIS_OK)
		used = len;
	size_t left = len - used;
	if (from_buf) {
		buf_consume(fd, used);
	} else if (left && !eof) {
		/* keep the unconsumed tail, with the marks that cover it */
		size_t first = 0;
		while (first + 1 < nmarks && marks[first + 1].off <= used)
			first++;
		for (size_t i = first; i < nmarks; i++) {
			size_t from = marks[i].off > used ? marks[i].off : used;
			size_t to = i + 1 < nmarks ? marks[i + 1].off : len;
			buf_append(e, fd, p + from, to - from, marks[i].frame, marks[i].ts, marks[i].input);
		}
	}
	fd->need = r.status == DIS_INCOMPLETE ? left + r.needed : 0;
	if (eof)
		eng_buf_free(e, fd);
}

static void feed(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir,
		 const uint8_t *p, size_t len, uint32_t frame, int64_t ts, uint16_t input)
{
	if (fd->dead || fd->eof)
		return;
	uint64_t cap = e->run->cfg.limit[LIM_FLOW_BYTES];
	if (fd->len + len > cap) {
		eng_limit_hit(e, LIM_FLOW_BYTES);
		eng_give_up(e, f, d, fd, dir, 0, NOTE_LIMIT, "the dissector waited for more bytes than --max-flow-bytes allows");
		return;
	}
	if (fd->len == 0) {
		dis_mark m = {0, frame, ts, input};
		run_parser(e, f, d, st, fd, dir, p, len, &m, 1, false, false);
	} else {
		buf_append(e, fd, p, len, frame, ts, input);
		if (fd->len >= fd->need)
			run_parser(e, f, d, st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, false, true);
	}
	if (e->buffered > e->run->cfg.limit[LIM_TOTAL_BYTES] && fd->len) {
		eng_limit_hit(e, LIM_TOTAL_BYTES);
		eng_give_up(e, f, d, fd, dir, 0, NOTE_LIMIT, "buffered bytes across flows exceed --max-total-bytes");
	}
}

void eng_feed_eof(engine *e, flow *f, const dissector *d, void *st, flow_dir *fd, uint8_t dir)
{
	if (fd->dead || fd->eof)
		return;
	fd->eof = true;
	if (fd->len) {
		run_parser(e, f, d, st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, true, true);
	} else {
		dis_mark m = {0, fd->last_frame, fd->last_ts, fd->last_input};
		run_parser(e, f, d, st, fd, dir, (const uint8_t *)"", 0, &m, 1, true, false);
	}
}

void eng_ensure_state(engine *e, flow *f)
{
	if (f->st_made || !f->dis)
		return;
	f->st_made = true;
	if (f->dis->state_new) {
		dis_ctx c;
		eng_ctx_init(e, f, f->dis, 0, &c, NULL, 0);
		f->st = f->dis->state_new(&c);
	}
}

/* Bytes for the app layer of one direction; probes when no dissector yet. */
void eng_app_data(engine *e, flow *f, uint8_t dir, const uint8_t *p, size_t len,
		     uint32_t frame, int64_t ts, uint16_t input)
{
	flow_dir *fd = &f->dir[dir];
	fd->last_frame = frame;
	fd->last_ts = ts;
	fd->last_input = input;
	if (!len)
		return;
	fd->bytes += len;
	if (!f->dis) {
		if (f->probing_done)
			return;
		buf_append(e, fd, p, len, frame, ts, input);
		bool more = false;
		const dissector *d = dispatch_by_probe(f->info.ipproto, fd->buf, fd->len, dir, &more);
		if (!d) {
			if (!more || fd->len >= PROBE_MAX) {
				f->probing_done = true;
				eng_buf_free(e, &f->dir[0]);
				eng_buf_free(e, &f->dir[1]);
			}
			return;
		}
		f->dis = d;
		eng_ensure_state(e, f);
		run_parser(e, f, d, f->st, fd, dir, fd->buf, fd->len, fd->marks, fd->nmarks, false, true);
		return;
	}
	eng_ensure_state(e, f);
	feed(e, f, f->dis, f->st, fd, dir, p, len, frame, ts, input);
}

/* ---- inner streams (bytes a dissector unwrapped, e.g. decrypted TLS) ---- */

void eng_inner_free(engine *e, flow *f)
{
	for (int d = 0; d < 2; d++) {
		if (f->inner_dir[d]) {
			if (f->inner_dis && !f->inner_dir[d]->eof && !f->inner_dir[d]->dead)
				eng_feed_eof(e, f, f->inner_dis, f->inner_st, f->inner_dir[d], (uint8_t)d);
		}
	}
	if (f->inner_dis) {
		dis_ctx c;
		dis_mark m = {0, f->last_frame, f->last_ts, f->last_input};
		eng_ctx_init(e, f, f->inner_dis, DIR_C2S, &c, &m, 1);
		if (f->inner_dis->flow_end)
			f->inner_dis->flow_end(f->inner_st, &c);
		if (f->inner_dis->state_free)
			f->inner_dis->state_free(f->inner_st);
	}
	for (int d = 0; d < 2; d++) {
		if (f->inner_dir[d]) {
			eng_buf_free(e, f->inner_dir[d]);
			g_free(f->inner_dir[d]);
			f->inner_dir[d] = NULL;
		}
	}
	f->inner_dis = NULL;
	f->inner_st = NULL;
}

void dis_inner_feed(dis_ctx *c, const uint8_t *p, size_t len)
{
	engine *e = c->engine;
	if (!e || !c->flow)
		return;
	flow *f = (flow *)((char *)c->flow - offsetof(flow, info));
	if (!f->inner_dis) {
		if (f->inner_unknown)
			return;
		f->inner_dis = dispatch_inner(f->info.sport);
		if (!f->inner_dis) {
			/* not an AMT port: the bytes say what they are (HTTP by its request line) */
			bool more;
			const dissector *d = dispatch_by_probe(6, p, len, c->dir, &more);
			if (d && d != f->dis)
				f->inner_dis = d;
		}
		if (!f->inner_dis) {
			f->inner_unknown = true;
			dis_note(c, f->dis ? f->dis->name : "tls", NOTE_INFO, 0,
				 "the %zu readable byte(s) inside TLS are no protocol amtscope knows; not decoded", len);
			return;
		}
		dis_ctx ic;
		eng_ctx_init(e, f, f->inner_dis, c->dir, &ic, c->marks, c->nmarks);
		f->inner_st = f->inner_dis->state_new ? f->inner_dis->state_new(&ic) : NULL;
	}
	uint8_t d = c->dir;
	if (!f->inner_dir[d])
		f->inner_dir[d] = g_new0(flow_dir, 1);
	const dis_mark *m = c->nmarks ? &c->marks[c->nmarks - 1] : NULL;
	f->inner_dir[d]->last_frame = m ? m->frame : f->last_frame;
	f->inner_dir[d]->last_ts = m ? m->ts : f->last_ts;
	f->inner_dir[d]->last_input = m ? m->input : f->last_input;
	feed(e, f, f->inner_dis, f->inner_st, f->inner_dir[d], d, p, len,
	     f->inner_dir[d]->last_frame, f->inner_dir[d]->last_ts, f->inner_dir[d]->last_input);
}
