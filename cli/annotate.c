/* The annotated copy of the capture: see annotate.h. The pcapng blocks are
 * written here (section header, interface description, enhanced packet with
 * opt_comment), in host byte order as the format allows. */
#include "annotate.h"

#include <glib.h>
#include <pcap/pcap.h>
#include <string.h>

#include "../decoder/capfile.h"
#include "../decoder/packet.h"
#include "../rules/findings.h"

/* An interface of an input: a pcap file has one, a pcapng file one per
 * interface description block. */
typedef struct iface {
	int linktype;
	uint32_t snaplen;
	int tsresol;
	char *name;  /* if_name of the input's block, or the file's path */
} iface;

typedef struct src {
	pcap_t *p;
	FILE *fp;
	FILE *scan;      /* pcapng: the same file read block by block, in step with libpcap, for
			    the interface each packet came from (libpcap does not say) */
	bool swap;
	GArray *ifaces;  /* iface */
	uint32_t base;   /* the output interface of this input's first one */
	uint32_t cur_if; /* the interface of the packet in hdr/data */
	uint32_t frame;
	bool done;
	int tsresol;  /* 6 or 9: digits of the input's timestamps */
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct bpf_program prog;
	bool has_prog;
} src;

static bool put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n;
}

static bool put32(FILE *f, uint32_t v)
{
	return put(f, &v, 4);
}

static bool put_option(FILE *f, uint16_t code, const void *v, uint16_t len)
{
	static const uint8_t zero[4];
	return put(f, &code, 2) && put(f, &len, 2) && put(f, v, len) && put(f, zero, (4 - len % 4) % 4);
}

static uint32_t option_size(size_t len)
{
	return 4 + (uint32_t)((len + 3) & ~(size_t)3);
}

static bool write_shb(FILE *f)
{
	const char *app = "amtscope";
	uint32_t len = 28 + option_size(strlen(app)) + 4;
	uint16_t major = 1, minor = 0;
	int64_t section = -1;
	return put32(f, 0x0a0d0d0a) && put32(f, len) && put32(f, 0x1a2b3c4d) && put(f, &major, 2) &&
	       put(f, &minor, 2) && put(f, &section, 8) &&
	       put_option(f, 4 /* shb_userappl */, app, (uint16_t)strlen(app)) && put32(f, 0) && put32(f, len);
}

static bool write_idb(FILE *f, int linktype, uint32_t snaplen, int tsresol, const char *name)
{
	size_t nlen = strlen(name) > 1000 ? 1000 : strlen(name);
	uint32_t len = 20 + option_size(nlen) + (tsresol != 6 ? option_size(1) : 0) + 4;
	uint16_t lt = (uint16_t)linktype, reserved = 0;
	uint8_t res = (uint8_t)tsresol;
	return put32(f, 1) && put32(f, len) && put(f, &lt, 2) && put(f, &reserved, 2) && put32(f, snaplen) &&
	       put_option(f, 2 /* if_name */, name, (uint16_t)nlen) &&
	       (tsresol == 6 || put_option(f, 9 /* if_tsresol */, &res, 1)) && put32(f, 0) && put32(f, len);
}

static bool write_epb(FILE *f, const src *s, GPtrArray *comments)
{
	const iface *in_if = &g_array_index(s->ifaces, iface, s->cur_if);
	const struct pcap_pkthdr *h = s->hdr;
	uint32_t pad = (4 - h->caplen % 4) % 4;
	uint32_t len = 28 + h->caplen + pad + 4;
	if (comments) {
		for (guint i = 0; i < comments->len; i++)
			len += option_size(strlen(comments->pdata[i]));
		len += 4;
	}
	/* opened with nanosecond precision: tv_usec holds nanoseconds */
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	if (in_if->tsresol == 6)
		ts /= 1000;
	static const uint8_t zero[4];
	bool ok = put32(f, 6) && put32(f, len) && put32(f, s->base + s->cur_if) && put32(f, (uint32_t)(ts >> 32)) &&
		  put32(f, (uint32_t)ts) && put32(f, h->caplen) && put32(f, h->len) && put(f, s->data, h->caplen) &&
		  put(f, zero, pad);
	for (guint i = 0; ok && comments && i < comments->len; i++)
		ok = put_option(f, 1 /* opt_comment */, comments->pdata[i], (uint16_t)strlen(comments->pdata[i]));
	if (ok && comments)
		ok = put32(f, 0);
	return ok && put32(f, len);
}

/* The resolution of the input's timestamps: a nanosecond pcap magic, or
 * if_tsresol in the first interface block of a pcapng file. */
static int input_tsresol(FILE *fp)
{
	uint8_t b[4096];
	size_t n = fread(b, 1, sizeof(b), fp);
	rewind(fp);
	if (n >= 4 && (!memcmp(b, "\xa1\xb2\x3c\x4d", 4) || !memcmp(b, "\x4d\x3c\xb2\xa1", 4)))
		return 9;
	if (n < 28 || memcmp(b, "\x0a\x0d\x0d\x0a", 4))
		return 6;
	bool swap = !memcmp(b + 8, "\x1a\x2b\x3c\x4d", 4) ? G_BYTE_ORDER == G_LITTLE_ENDIAN
							    : G_BYTE_ORDER == G_BIG_ENDIAN;
#define RD32(o) (swap ? GUINT32_SWAP_LE_BE(*(uint32_t *)(b + (o))) : *(uint32_t *)(b + (o)))
#define RD16(o) (swap ? GUINT16_SWAP_LE_BE(*(uint16_t *)(b + (o))) : *(uint16_t *)(b + (o)))
	size_t idb = RD32(4);
	if (idb + 20 > n || RD32(idb) != 1)
		return 6;
	size_t end = idb + RD32(idb + 4);
	if (end > n || end < idb + 20)
		return 6;
	for (size_t o = idb + 16; o + 4 <= end - 4;) {
		uint16_t code = RD16(o), len = RD16(o + 2);
		if (code == 0 || o + 4 + len > end - 4)
			break;
		if (code == 9 && len >= 1)
			return b[o + 4] == 9 ? 9 : 6;  /* other resolutions are rare: kept as microseconds */
		o += 4 + ((len + 3u) & ~3u);
	}
#undef RD32
#undef RD16
	return 6;
}

#define MAX_BLOCK (64u << 20)

static uint32_t rd32(const src *s, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return s->swap ? GUINT32_SWAP_LE_BE(v) : v;
}

static uint16_t rd16(const src *s, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return s->swap ? GUINT16_SWAP_LE_BE(v) : v;
}

/* The next block of s->scan: its type, and its body (after type and length)
 * in *body (g_free). false at the end or on anything unexpected. */
static bool read_block(src *s, uint32_t *type, uint8_t **body, uint32_t *len)
{
	uint8_t h[8];
	if (fread(h, 1, 8, s->scan) != 8)
		return false;
	if (!memcmp(h, "\x0a\x0d\x0d\x0a", 4))
		return false;  /* a second section numbers its interfaces anew: not followed */
	*type = rd32(s, h);
	uint32_t total = rd32(s, h + 4);
	if (total < 12 || total % 4 || total > MAX_BLOCK)
		return false;
	*len = total - 8;
	*body = g_malloc(*len);
	if (fread(*body, 1, *len, s->scan) != *len) {
		g_free(*body);
		return false;
	}
	return true;
}

static void add_iface(src *s, const uint8_t *b, uint32_t len, const char *path)
{
	iface f = {rd16(s, b), rd32(s, b + 4), 6, NULL};
	for (uint32_t o = 8; o + 4 <= len;) {
		uint16_t code = rd16(s, b + o), olen = rd16(s, b + o + 2);
		if (code == 0 || o + 4 + olen > len)
			break;
		if (code == 9 && olen >= 1)
			f.tsresol = b[o + 4] == 6 ? 6 : 9;  /* any other resolution: nanoseconds lose nothing */
		if (code == 2 && olen && !f.name)
			f.name = g_strndup((const char *)b + o + 4, olen);
		o += 4 + ((olen + 3u) & ~3u);
	}
	if (!f.name)
		f.name = g_strdup(path);
	g_array_append_val(s->ifaces, f);
}

static bool skip(FILE *f, uint32_t n)
{
	uint8_t buf[4096];
	while (n) {
		size_t want = n < sizeof(buf) ? n : sizeof(buf);
		if (fread(buf, 1, want, f) != want)
			return false;
		n -= (uint32_t)want;
	}
	return true;
}

/* pcapng: every interface block of the file, then back to the start for the
 * walk in step with libpcap. false: one interface for the whole input. */
static bool scan_interfaces(src *s, const char *path)
{
	capfile_info ci;
	char *err = NULL;
	s->scan = capfile_open(path, &ci, &err);
	g_free(err);
	uint8_t shb[12];
	if (!s->scan || fread(shb, 1, 12, s->scan) != 12 || memcmp(shb, "\x0a\x0d\x0d\x0a", 4))
		return false;
	if (!memcmp(shb + 8, "\x1a\x2b\x3c\x4d", 4))  /* a big-endian file */
		s->swap = G_BYTE_ORDER == G_LITTLE_ENDIAN;
	else if (!memcmp(shb + 8, "\x4d\x3c\x2b\x1a", 4))
		s->swap = G_BYTE_ORDER == G_BIG_ENDIAN;
	else
		return false;
	uint32_t shb_len = rd32(s, shb + 4);
	if (shb_len < 28 || shb_len > MAX_BLOCK || !skip(s->scan, shb_len - 12))
		return false;
	uint32_t type, len;
	uint8_t *b;
	bool more;
	while ((more = read_block(s, &type, &b, &len))) {
		if (type == 1 && len >= 12)
			add_iface(s, b, len, path);
		g_free(b);
	}
	if (!feof(s->scan) || !s->ifaces->len)
		return false;  /* stopped before the end: something this walk does not follow */
	rewind(s->scan);  /* a compressed stream restarts its decoder */
	return !ferror(s->scan) && skip(s->scan, shb_len);
}

/* The interface of the next packet block, in step with pcap_next_ex. */
static uint32_t scan_next_packet(src *s)
{
	uint32_t type, len, id = 0;
	uint8_t *b;
	while (s->scan && read_block(s, &type, &b, &len)) {
		bool packet = type == 6 || type == 3 || type == 2;
		if (packet)
			id = type == 3 || len < 4 ? 0 : type == 6 ? rd32(s, b) : rd16(s, b);
		g_free(b);
		if (packet)
			return id < s->ifaces->len ? id : 0;
	}
	return 0;
}

static bool is_pcapng(FILE *fp)
{
	uint8_t m[4];
	bool yes = fread(m, 1, 4, fp) == 4 && !memcmp(m, "\x0a\x0d\x0d\x0a", 4);
	rewind(fp);
	return yes;
}

static GHashTable *comments_by_frame(analysis *an, unsigned ninputs)
{
	GHashTable *t = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					      (GDestroyNotify)g_ptr_array_unref);
	for (guint i = 0; i < an->fnd.list->len; i++) {
		const finding *x = an->fnd.list->pdata[i];
		char *text = g_strdup_printf("amtscope: %s %s: %s%s%s%s", severity_name(x->sev), x->rule,
					     x->summary ? x->summary : "", x->remedy ? " (remedy: " : "",
					     x->remedy ? x->remedy : "", x->remedy ? ")" : "");
		if (strlen(text) > 60000)
			text[60000] = 0;
		for (guint k = 0; k < x->evidence->len; k++) {
			const evidence *e = &g_array_index(x->evidence, evidence, k);
			if (!e->frame || e->input >= ninputs)
				continue;
			gint64 key = ((gint64)e->input << 32) | e->frame;
			GPtrArray *list = g_hash_table_lookup(t, &key);
			if (!list) {
				list = g_ptr_array_new_with_free_func(g_free);
				g_hash_table_insert(t, g_memdup2(&key, sizeof(key)), list);
			}
			bool dup = false;  /* one finding citing a frame twice comments it once */
			for (guint j = 0; j < list->len; j++)
				dup |= !strcmp(list->pdata[j], text);
			if (!dup)
				g_ptr_array_add(list, g_strdup(text));
		}
		g_free(text);
	}
	return t;
}

static void next(src *s)
{
	int r;
	while (!s->done && (r = pcap_next_ex(s->p, &s->hdr, &s->data)) == 1) {
		s->frame++;
		s->cur_if = s->scan ? scan_next_packet(s) : 0;
		if (!s->has_prog || pcap_offline_filter(&s->prog, s->hdr, s->data))
			return;
	}
	s->done = true;
}

static int64_t ts_us(const src *s)
{
	return (int64_t)s->hdr->ts.tv_sec * 1000000 + s->hdr->ts.tv_usec / 1000;
}

bool annotate_write(FILE *out, analysis *an, const char *const *paths, unsigned n, const char *filter,
		    uint64_t count, char **err)
{
	src *s = g_new0(src, n);
	uint32_t next_if = 0;
	GHashTable *comments = comments_by_frame(an, n);
	bool ok = write_shb(out);
	for (unsigned i = 0; i < n && ok; i++) {
		capfile_info ci;
		char ebuf[PCAP_ERRBUF_SIZE] = "";
		s[i].fp = capfile_open(paths[i], &ci, err);
		if (!s[i].fp) {
			ok = false;
			break;
		}
		s[i].tsresol = input_tsresol(s[i].fp);
		bool pcapng = ci.seekable && is_pcapng(s[i].fp);
		s[i].p = pcap_fopen_offline_with_tstamp_precision(s[i].fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
		if (!s[i].p) {
			fclose(s[i].fp);
			*err = g_strdup_printf("cannot read %s again: %s", paths[i], ebuf);
			ok = false;
			break;
		}
		int lt = pcap_datalink(s[i].p);
		if (filter && pcap_compile(s[i].p, &s[i].prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0)
			s[i].has_prog = true;
		s[i].ifaces = g_array_new(FALSE, TRUE, sizeof(iface));
		if (!pcapng || !scan_interfaces(&s[i], paths[i])) {
			if (s[i].scan)
				fclose(s[i].scan);
			s[i].scan = NULL;
			for (guint k = 0; k < s[i].ifaces->len; k++)
				g_free(g_array_index(s[i].ifaces, iface, k).name);
			g_array_set_size(s[i].ifaces, 0);
			iface one = {lt, (uint32_t)pcap_snapshot(s[i].p), s[i].tsresol, g_strdup(paths[i])};
			g_array_append_val(s[i].ifaces, one);
		}
		s[i].base = next_if;
		next_if += s[i].ifaces->len;
		for (guint k = 0; ok && k < s[i].ifaces->len; k++) {
			const iface *f = &g_array_index(s[i].ifaces, iface, k);
			ok = write_idb(out, f->linktype, f->snaplen, f->tsresol, f->name);
		}
		if (!pkt_linktype_supported(lt))
			s[i].done = true;  /* not analysed, so not in the copy either */
		else
			next(&s[i]);
	}
	for (uint64_t written = 0; ok && (!count || written < count); written++) {
		src *best = NULL;
		unsigned bi = 0;
		for (unsigned i = 0; i < n; i++)
			if (!s[i].done && (!best || ts_us(&s[i]) < ts_us(best))) {
				best = &s[i];
				bi = i;
			}
		if (!best)
			break;
		gint64 key = ((gint64)bi << 32) | best->frame;
		ok = write_epb(out, best, g_hash_table_lookup(comments, &key));
		next(best);
	}
	if (!ok && !*err)
		ok = true;  /* a write error: the caller's close reports it with its errno */
	for (unsigned i = 0; i < n; i++) {
		if (s[i].has_prog)
			pcap_freecode(&s[i].prog);
		if (s[i].p)
			pcap_close(s[i].p);
		if (s[i].scan)
			fclose(s[i].scan);
		for (guint k = 0; s[i].ifaces && k < s[i].ifaces->len; k++)
			g_free(g_array_index(s[i].ifaces, iface, k).name);
		if (s[i].ifaces)
			g_array_free(s[i].ifaces, TRUE);
	}
	g_hash_table_destroy(comments);
	g_free(s);
	return ok;
}
