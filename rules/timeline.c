#include "timeline.h"

#include <string.h>

#include "../decoder/events/tls.h"

/* Strings kept once however often events repeat them. GLib's string hash
 * takes a byte at a time; these are whole info lines and field values. */
static guint words_hash(gconstpointer p)
{
	const char *s = p;
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9u;
		h ^= h >> 31;
	}
	for (; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3u;
	return (guint)(h ^ (h >> 32));
}

void timeline_init(timeline *t, uint64_t cap)
{
	t->entries = g_array_new(FALSE, TRUE, sizeof(tl_entry));
	t->strings = g_string_chunk_new(65536);
	t->interned = g_hash_table_new(words_hash, g_str_equal);
	t->details = g_array_new(FALSE, TRUE, sizeof(ev_field));
	t->certs = g_array_new(FALSE, TRUE, sizeof(tl_cert));
	t->devices = g_ptr_array_new();
	t->cap = cap;
	t->dropped = 0;
}

void timeline_free(timeline *t)
{
	g_array_free(t->entries, TRUE);
	g_string_chunk_free(t->strings);
	g_hash_table_destroy(t->interned);
	g_array_free(t->details, TRUE);
	g_array_free(t->certs, TRUE);
	g_ptr_array_free(t->devices, TRUE);
}

/* One copy of each distinct string, in the chunk. */
static char *intern(timeline *t, const char *s)
{
	char *kept = g_hash_table_lookup(t->interned, s);
	if (!kept) {
		kept = g_string_chunk_insert(t->strings, s);
		g_hash_table_add(t->interned, kept);
	}
	return kept;
}

static const char *keep_string(timeline *t, const char *s)
{
	size_t n = strnlen(s, TL_MAX_DETAIL_LEN + 1);
	if (n <= TL_MAX_DETAIL_LEN)
		return intern(t, s);
	return g_string_chunk_insert_len(t->strings, s, TL_MAX_DETAIL_LEN);
}

/* The entry outlives the event, so names are kept as values are: most are
 * static strings, but a log format names its extra fields with strings it
 * owns and frees when the input is read, before any report is rendered. */
static void keep_details(timeline *t, tl_entry *x, const event *e)
{
	uint32_t max = e->kind == EV_TLS_CERTIFICATES ? TL_MAX_DETAILS : TL_MAX_DETAILS_OTHER;
	x->detail_first = t->details->len;
	for (uint32_t i = 0; i < e->nfields && x->ndetails < max; i++) {
		ev_field f = e->fields[i];
		if (!f.name)
			continue;
		f.name = intern(t, f.name);
		if ((f.type == FT_STR || f.type == FT_HEX) && f.v.s)
			f.v.s = keep_string(t, f.v.s);
		else if (f.type == FT_STR || f.type == FT_HEX)
			continue;
		if (f.type == FT_ADDR)  /* binary, may hold NULs: not deduplicated */
			f.v.addr = (const amt_addr *)g_string_chunk_insert_len(t->strings, (const char *)f.v.addr,
									     sizeof(amt_addr));
		g_array_append_val(t->details, f);
		x->ndetails++;
	}
}

/* The chain of a certificate event, from its typed payload: the fields are
 * for reading, their names are no contract. */
static void keep_chain(timeline *t, tl_entry *x, const event *e)
{
	const ev_tls_certificates *m = e->kind == EV_TLS_CERTIFICATES ? e->data : NULL;
	x->cert_first = t->certs->len;
	for (uint32_t i = 0; m && i < m->ncerts; i++) {
		const x509_info *c = &m->certs[i].x;
		tl_cert k = {
			.role = i ? TL_CERT_ISSUER : m->from_client ? TL_CERT_CLIENT : TL_CERT_SERVER,
			.decoded = c->decoded,
			.subject = c->decoded && c->subject ? keep_string(t, c->subject) : NULL,
			.issuer = c->decoded && c->issuer ? keep_string(t, c->issuer) : NULL,
			.not_before = c->decoded ? c->not_before : 0,
			.not_after = c->decoded ? c->not_after : 0,
			.sha256 = c->sha256[0] ? intern(t, c->sha256) : NULL,
		};
		g_array_append_val(t->certs, k);
		x->ncerts++;
	}
}

const tl_cert *tl_certs(const timeline *t, const tl_entry *x)
{
	if (!x->ncerts || x->cert_first + x->ncerts > t->certs->len)
		return NULL;
	return &g_array_index(t->certs, tl_cert, x->cert_first);
}

bool tl_mark_cert(timeline *t, tl_entry *x, int item)
{
	if (x->cert_first + x->ncerts > t->certs->len)
		return false;
	for (uint32_t i = 0; i < x->ncerts; i++)
		g_array_index(t->certs, tl_cert, x->cert_first + i).failed = (int64_t)i == item;
	return item >= 0 && (uint32_t)item < x->ncerts;
}

/* With a kind: the entry of that kind whose first frame is `frame` (0 too: a
 * live check's certificate event has none). Without: the entry at that frame
 * or that log line, whichever is not 0. */
static bool entry_at(const tl_entry *x, uint32_t frame, uint32_t line, int kind)
{
	if (kind >= 0)
		return x->kind == (ev_kind)kind && x->frame_first == frame;
	return (frame && x->frame_first == frame) || (line && x->line == line);
}

tl_entry *tl_find(timeline *t, uint16_t input, uint32_t frame, uint32_t line, int kind)
{
	for (guint i = t->entries->len; i-- > 0;) {
		tl_entry *x = &g_array_index(t->entries, tl_entry, i);
		if (x->input == input && entry_at(x, frame, line, kind))
			return x;
	}
	return NULL;
}

const ev_field *tl_details(const timeline *t, const tl_entry *x)
{
	if (!x->ndetails || x->detail_first + x->ndetails > t->details->len)
		return NULL;
	return &g_array_index(t->details, ev_field, x->detail_first);
}

bool timeline_add(timeline *t, const event *e, bool failure)
{
	if (t->entries->len >= t->cap && (!failure || t->entries->len >= t->cap + t->cap / 4)) {
		t->dropped++;
		return false;
	}
	tl_entry x;
	ev_describe_some(e, e->kind == EV_TLS_CERTIFICATES ? TL_MAX_DETAILS : TL_MAX_DETAILS_OTHER);
	memset(&x, 0, sizeof(x));
	x.ts = e->ts;
	x.kind = e->kind;
	x.input = e->input;
	x.frame_first = e->frame_first;
	x.frame_last = e->frame_last;
	x.line = e->line;
	if (e->flow) {
		x.flow_id = e->flow->id;
		x.src = *ev_src(e);
		x.dst = *ev_dst(e);
		x.sport = ev_sport(e);
		x.dport = ev_dport(e);
	}
	x.proto = e->proto;
	x.info = e->info ? intern(t, e->info) : NULL;
	x.failure = failure;
	x.failed_item = -1;
	keep_details(t, &x, e);
	keep_chain(t, &x, e);
	g_array_append_val(t->entries, x);
	return true;
}

static gint cmp_entry(gconstpointer a, gconstpointer b)
{
	const tl_entry *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->input != y->input)
		return (int)x->input - (int)y->input;
	if (x->frame_first != y->frame_first)
		return x->frame_first < y->frame_first ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

void timeline_sort(timeline *t)
{
	g_array_sort(t->entries, cmp_entry);
}
