/* A reader thread per capture file, handing packets over in chunks. */
#include "prefetch.h"

#include <glib.h>
#include <pthread.h>
#include <string.h>

#define CHUNK_SIZE (512u << 10)
#define NCHUNKS 4

/* A chunk holds records: a struct pcap_pkthdr, then caplen bytes, padded to
 * 8. The last chunk of a file says how the file ended. */
typedef struct chunk {
	uint8_t *buf;
	size_t cap, used, pos;  /* pos: the consumer's next record */
	int status;             /* 1: more follow; PCAP_ERROR_BREAK: end of file; PCAP_ERROR */
	char err[PCAP_ERRBUF_SIZE];
} chunk;

/* A queue of chunk pointers; plain pthreads so that helgrind and TSan can
 * check the hand-over (they do not see inside GLib's futex locks). */
typedef struct queue {
	chunk *item[NCHUNKS + 1];
	unsigned head, n;
	pthread_cond_t nonempty;
} queue;

struct prefetch {
	pcap_t *p;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;       /* guards both queues and stop */
	queue full, empty;          /* reader -> consumer, and back */
	chunk chunks[NCHUNKS];
	chunk *cur;                 /* the consumer's */
	bool stop;
};

static void push(prefetch *f, queue *q, chunk *c)
{
	pthread_mutex_lock(&f->lock);
	q->item[(q->head + q->n++) % (NCHUNKS + 1)] = c;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&f->lock);
}

/* The next chunk of q; NULL once stop is set (the reader's way out). */
static chunk *pop(prefetch *f, queue *q, bool stoppable)
{
	pthread_mutex_lock(&f->lock);
	while (!q->n && !(stoppable && f->stop))
		pthread_cond_wait(&q->nonempty, &f->lock);
	chunk *c = NULL;
	if (!(stoppable && f->stop)) {
		c = q->item[q->head];
		q->head = (q->head + 1) % (NCHUNKS + 1);
		q->n--;
	}
	pthread_mutex_unlock(&f->lock);
	return c;
}

static size_t record_size(uint32_t caplen)
{
	return (sizeof(struct pcap_pkthdr) + (size_t)caplen + 7) & ~(size_t)7;
}

/* An emptied chunk for the reader, or NULL when told to stop. */
static chunk *take_empty(prefetch *f)
{
	chunk *c = pop(f, &f->empty, true);
	if (!c)
		return NULL;
	c->used = c->pos = 0;
	c->status = 1;
	return c;
}

static void *reader(void *arg)
{
	prefetch *f = arg;
	chunk *c = take_empty(f);
	while (c) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int r = pcap_next_ex(f->p, &h, &d);
		if (r != 1) {
			c->status = r == PCAP_ERROR ? PCAP_ERROR : PCAP_ERROR_BREAK;
			if (r == PCAP_ERROR)
				g_strlcpy(c->err, pcap_geterr(f->p), sizeof(c->err));
			push(f, &f->full, c);
			return NULL;
		}
		size_t need = record_size(h->caplen);
		if (c->used && c->cap - c->used < need) {
			push(f, &f->full, c);
			if (!(c = take_empty(f)))
				return NULL;
		}
		if (c->cap < need) {  /* a record larger than a chunk: that chunk grows */
			c->buf = g_realloc(c->buf, need);
			c->cap = need;
		}
		memcpy(c->buf + c->used, h, sizeof(*h));
		memcpy(c->buf + c->used + sizeof(*h), d, h->caplen);
		c->used += need;
	}
	return NULL;
}

prefetch *prefetch_start(pcap_t *p)
{
	prefetch *f = g_new0(prefetch, 1);
	f->p = p;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->full.nonempty, NULL);
	pthread_cond_init(&f->empty.nonempty, NULL);
	for (int i = 0; i < NCHUNKS; i++) {
		f->chunks[i].buf = g_malloc(CHUNK_SIZE);
		f->chunks[i].cap = CHUNK_SIZE;
		push(f, &f->empty, &f->chunks[i]);
	}
	f->running = pthread_create(&f->thread, NULL, reader, f) == 0;
	if (!f->running) {
		prefetch_free(f);
		return NULL;
	}
	return f;
}

int prefetch_next(prefetch *f, struct pcap_pkthdr **hdr, const u_char **data, const char **err)
{
	for (;;) {
		if (!f->cur)
			f->cur = pop(f, &f->full, false);
		chunk *c = f->cur;
		if (c->pos < c->used) {
			struct pcap_pkthdr *h = (struct pcap_pkthdr *)(void *)(c->buf + c->pos);
			*hdr = h;
			*data = c->buf + c->pos + sizeof(*h);
			c->pos += record_size(h->caplen);
			return 1;
		}
		if (c->status != 1) {  /* the last chunk stays current: the end repeats */
			*err = c->err;
			return c->status;
		}
		f->cur = NULL;
		push(f, &f->empty, c);
	}
}

void prefetch_free(prefetch *f)
{
	if (!f)
		return;
	if (f->running) {
		pthread_mutex_lock(&f->lock);
		f->stop = true;
		pthread_cond_signal(&f->empty.nonempty);  /* a reader waiting for room wakes and leaves */
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	for (int i = 0; i < NCHUNKS; i++)
		g_free(f->chunks[i].buf);
	pthread_cond_destroy(&f->full.nonempty);
	pthread_cond_destroy(&f->empty.nonempty);
	pthread_mutex_destroy(&f->lock);
	g_free(f);
}
