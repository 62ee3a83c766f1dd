/* Reading captures: files (several merged into one timeline by time) and
 * live interfaces, with privileges dropped once the handle is open. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capfile.h"
#include "dispatch.h"
#include "engine_int.h"
#include "packet.h"

/* Packet times past this (3000-01-01) or before 1970 come from a clock
 * nobody can use: a pcapng interface may claim any if_tsresol/if_tsoffset. */
#define TS_MAX_SEC 32503680000LL

/* The packet's time in µs, or 0 (unknown, as for a capture without times)
 * with *bad set when the capture's clock is unusable. */
static int64_t ts_us(const struct pcap_pkthdr *h, bool *bad)
{
	int64_t sec = (int64_t)h->ts.tv_sec, frac = (int64_t)h->ts.tv_usec;
	*bad = sec < 0 || sec > TS_MAX_SEC || frac < 0 || frac >= 1000000;
	return *bad ? 0 : sec * 1000000 + frac;
}

/* Said once per input, at the first packet whose time is out of range. */
static void clock_unusable(engine *e, capture_src *s, const struct pcap_pkthdr *h)
{
	if (s->clock_bad)
		return;
	s->clock_bad = true;
	e->cur_input = s->input;
	e->cur_frame = s->frame;
	engine_note(e, NOTE_MALFORMED, -1,
		    "frame %u: packet time %lld.%06lld s is outside 1970-3000: the capture's clock is unusable "
		    "(a pcapng interface's if_tsresol/if_tsoffset?); such packets are shown without a time",
		    s->frame, (long long)h->ts.tv_sec, (long long)h->ts.tv_usec);
}

static GArray *srcs(engine *e)
{
	if (!e->srcs)
		e->srcs = g_array_new(FALSE, TRUE, sizeof(capture_src));
	return e->srcs;
}

#define IOBUF_SIZE (256u << 10)

bool engine_add_file(engine *e, const char *path, char **err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	bool is_stdin = strcmp(path, "-") == 0;
	capfile_info ci;
	FILE *fp = capfile_open(path, &ci, err);
	if (!fp)
		return false;
	/* libpcap reads a record as two freads: from a 256 KiB buffer instead of
	 * stdio's 4 KiB, a 100 MB file is 400 read calls rather than 24,000; and
	 * only this thread touches the stream, so stdio need not lock it */
	char *iobuf = g_malloc(IOBUF_SIZE);  /* glibc ignores the size unless given the buffer */
	setvbuf(fp, iobuf, _IOFBF, IOBUF_SIZE);
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	input_kind kind = INPUT_PCAP;
	if (ci.seekable) {
		uint8_t magic[4] = {0};
		if (fread(magic, 1, 4, fp) == 4 && magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d &&
		    magic[3] == 0x0a)
			kind = INPUT_PCAPNG;
		rewind(fp);
	} else if (ci.pcapng) {  /* standard input: what capfile_open saw */
		kind = INPUT_PCAPNG;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!p) {
		if (!is_stdin) {  /* stdin keeps its buffer: the program ends on this error */
			fclose(fp);
			g_free(iobuf);
		}
		*err = g_strdup_printf("%s is not a capture amtscope can read (libpcap: %s); "
				       "give a pcap or pcapng file, e.g. from tcpdump -w or Wireshark",
				       path, ebuf);
		return false;
	}
	int lt = pcap_datalink(p);
	amt_input *in = run_add_input(e->run, path, kind);
	in->linktype = lt;
	in->snaplen = pcap_snapshot(p) > 0 ? (uint32_t)pcap_snapshot(p) : 0;
	capture_src s;
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.iobuf = iobuf;
	s.input = (uint16_t)(e->run->inputs->len - 1);
	s.linktype = lt;
	s.raw = ci.raw;
	s.size = ci.size;
	if (!pkt_linktype_supported(lt)) {
		in->error = g_strdup_printf("link type %s (%d) is not supported; amtscope reads Ethernet, Linux "
					    "cooked (SLL, SLL2), raw IP and BSD loopback captures",
					    pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt) : "?", lt);
	}
	g_array_append_val(srcs(e), s);
	return true;
}

/* Reads the next packet of a source into its read-ahead slot. */
static void advance(engine *e, capture_src *s)
{
	if (s->done)
		return;
	amt_input *in = e->run->inputs->pdata[s->input];
	int r;
	while ((r = pcap_next_ex(s->p, &s->hdr, &s->data)) == 1) {
		s->frame++;  /* frames the filter skips keep their numbers: evidence cites the file's */
		if (!s->has_filter || pcap_offline_filter(&s->filter, s->hdr, s->data))
			return;
	}
	s->done = true;
	if (r == PCAP_ERROR) {
		const char *why = pcap_geterr(s->p);
		in->truncated = strstr(why, "truncated") != NULL;
		in->error = g_strdup_printf("%s after frame %u%s", why, s->frame,
					    in->truncated ? "; the frames before it were analysed" : "");
	}
}

void engine_run_files(engine *e)
{
	GArray *a = srcs(e);
	for (guint i = 0; i < a->len; i++) {
		capture_src *s = &g_array_index(a, capture_src, i);
		amt_input *in = e->run->inputs->pdata[s->input];
		if (in->error)  /* unsupported link type */
			s->done = true;
		else
			advance(e, s);
	}
	for (;;) {
		capture_src *best = NULL;
		int64_t best_ts = 0;
		for (guint i = 0; i < a->len; i++) {
			capture_src *s = &g_array_index(a, capture_src, i);
			if (s->done)
				continue;
			bool bad;
			int64_t t = ts_us(s->hdr, &bad);
			if (!best || t < best_ts) {
				best = s;
				best_ts = t;
			}
		}
		if (!best || (e->read_count && e->read_total >= e->read_count) || e->stop)
			break;
		e->read_total++;
		if (e->packet_hook)
			e->packet_hook(e->packet_hook_user, best->input, best->hdr, best->data);
		if (e->progress && (e->read_total & 1023) == 0)
			e->progress(e->progress_user, e);
		bool bad;
		best_ts = ts_us(best->hdr, &bad);
		if (bad)
			clock_unusable(e, best, best->hdr);
		amt_input *in = e->run->inputs->pdata[best->input];
		uint32_t caplen = best->hdr->caplen;
		in->packets++;
		in->bytes += best->hdr->len;
		if (caplen < best->hdr->len && !in->cut_frames++)
			in->first_cut_frame = best->frame;
		if (!bad && !in->first_ts)
			in->first_ts = best_ts;
		if (!bad && best_ts > in->last_ts)  /* never before the first */
			in->last_ts = best_ts;
		engine_frame(e, best->input, best->frame, best->linktype, best_ts, best->data, caplen,
			     best->hdr->len);
		advance(e, best);
	}
}

bool engine_set_read_filter(engine *e, const char *filter, char **err)
{
	GArray *a = srcs(e);
	for (guint i = 0; i < a->len; i++) {
		capture_src *s = &g_array_index(a, capture_src, i);
		amt_input *in = e->run->inputs->pdata[s->input];
		if (pcap_compile(s->p, &s->filter, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			*err = g_strdup_printf("bad filter -f '%s' for %s: %s (tcpdump's filter syntax, "
					       "e.g. 'udp port 53')", filter, in->path, pcap_geterr(s->p));
			return false;
		}
		s->has_filter = true;
	}
	return true;
}

void engine_set_read_count(engine *e, uint64_t count)
{
	e->read_count = count;
}

void engine_set_packet_hook(engine *e, packet_hook fn, void *user)
{
	e->packet_hook = fn;
	e->packet_hook_user = user;
}

void engine_set_progress(engine *e, progress_fn fn, void *user)
{
	e->progress = fn;
	e->progress_user = user;
}

uint64_t engine_bytes_read(const engine *e, uint64_t *total)
{
	uint64_t done = 0, all = 0;
	for (guint i = 0; e->srcs && i < e->srcs->len; i++) {
		const capture_src *s = &g_array_index(e->srcs, capture_src, i);
		if (!s->size || !s->raw)
			continue;
		long pos = ftell(s->raw);
		all += s->size;
		done += s->done ? s->size : pos > 0 ? (uint64_t)pos : 0;
	}
	*total = all;
	return done;
}

uint64_t engine_packets_read(const engine *e)
{
	return e->read_total;
}

void engine_close_sources(engine *e)
{
	if (!e->srcs)
		return;
	for (guint i = 0; i < e->srcs->len; i++) {
		capture_src *s = &g_array_index(e->srcs, capture_src, i);
		if (s->has_filter)
			pcap_freecode(&s->filter);
		if (s->p)
			pcap_close(s->p);
		g_free(s->iobuf);
	}
	g_array_free(e->srcs, TRUE);
	e->srcs = NULL;
}

/* ---- live ---- */

/* The default live filter: every port a dissector of the table claims
 * (decoder/dissectors.def), on its transports, so a dissector's ports are
 * captured the day it is added. Sorted, runs of ports merged. */
enum { FILTER_TCP = 1, FILTER_UDP = 2 };

static void claim_ports(uint8_t *mask, const uint16_t *ports, size_t n, uint8_t ipproto)
{
	uint8_t bit = ipproto == 6 ? FILTER_TCP : ipproto == 17 ? FILTER_UDP : 0;
	for (size_t i = 0; i < n && ports[i]; i++)
		mask[ports[i]] |= bit;
}

static void append_clause(GString *f, uint8_t mask, unsigned first, unsigned last)
{
	const char *proto = mask == FILTER_TCP ? "tcp " : mask == FILTER_UDP ? "udp " : "";
	if (f->len)
		g_string_append(f, " or ");
	if (first == last)
		g_string_append_printf(f, "%sport %u", proto, first);
	else
		g_string_append_printf(f, "%sportrange %u-%u", proto, first, last);
}

char *engine_filter_for(const dissector *const *table)
{
	uint8_t *mask = g_malloc0(65536);
	for (size_t i = 0; table[i]; i++) {
		const dissector *d = table[i];
		size_t np = sizeof(d->ports) / sizeof(d->ports[0]);
		claim_ports(mask, d->ports, np, d->ipproto);
		claim_ports(mask, d->ports, np, d->also_ipproto);
		/* inside TLS: the TLS dissector's TCP ports */
		claim_ports(mask, d->tls_ports, sizeof(d->tls_ports) / sizeof(d->tls_ports[0]), 6);
	}
	GString *f = g_string_new(NULL);
	for (unsigned port = 1; port < 65536; port++) {
		if (!mask[port])
			continue;
		unsigned last = port;
		while (last + 1 < 65536 && mask[last + 1] == mask[port])
			last++;
		append_clause(f, mask[port], port, last);
		port = last;
	}
	g_free(mask);
	return g_string_free(f, FALSE);
}

const char *engine_default_filter(void)
{
	static char *filter;
	if (!filter)
		filter = engine_filter_for(amt_dissectors);
	return filter;
}

void engine_stop(engine *e)
{
	e->stop = 1;
	if (e->live)
		pcap_breakloop(e->live);
}

static bool drop_privileges(const char *user, bool explicit_user, char **err)
{
	if (geteuid() != 0) {
		if (explicit_user) {
			*err = g_strdup_printf("-Z %s needs root; run as root or leave -Z out", user);
			return false;
		}
		return true;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		*err = g_strdup_printf("cannot drop privileges: no user '%s' (choose one with -Z USER)", user);
		return false;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		*err = g_strdup_printf("cannot drop privileges to %s: %s", user, strerror(errno));
		return false;
	}
	if (setuid(0) == 0) {
		*err = g_strdup_printf("privileges were not dropped to %s (setuid(0) still works)", user);
		return false;
	}
	return true;
}

typedef struct live_ctx {
	engine *e;
	pcap_dumper_t *dump;
	uint16_t input;
	uint32_t frame;
	int linktype;
	amt_input *in;
} live_ctx;

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	live_ctx *l = (live_ctx *)user;
	if (l->dump)
		pcap_dump((u_char *)l->dump, h, data);
	bool bad;
	int64_t t = ts_us(h, &bad);  /* a live clock is the kernel's */
	l->frame++;
	l->in->packets++;
	if (h->caplen < h->len && !l->in->cut_frames++)
		l->in->first_cut_frame = l->frame;
	l->in->bytes += h->len;
	if (!l->in->first_ts)
		l->in->first_ts = t;
	l->in->last_ts = t;
	engine_frame(l->e, l->input, l->frame, l->linktype, t, data, h->caplen, h->len);
	l->e->read_total++;
}

#define LIVE_TIMEOUT_MS 50

/* At most 256 packets per dispatch, and never past -c; 0 when -c is reached
 * (pcap_dispatch itself would read 0 as "no limit"). */
static int batch_size(uint64_t count, uint64_t frames)
{
	if (!count)
		return 256;
	if (frames >= count)
		return 0;
	return count - frames < 256 ? (int)(count - frames) : 256;
}

/* Packets the kernel holds in a block not yet handed over when the capture
 * stops (Ctrl-C, --duration) were seen before the stop: wait out one block
 * timeout and analyse them. */
static void drain_live(pcap_t *p, int fd, live_ctx *l, uint64_t count)
{
	if (fd < 0)
		return;
	for (int rounds = 0; rounds < 3; rounds++) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int want = batch_size(count, l->frame);
		if (want == 0 || poll(&pfd, 1, 2 * LIVE_TIMEOUT_MS) <= 0)
			return;
		int n = pcap_dispatch(p, want, on_packet, (u_char *)l);
		if (n == PCAP_ERROR_BREAK)  /* the stop's own breakloop, now cleared */
			continue;
		if (n <= 0)
			return;
	}
}

/* An activated handle on o->iface with the capture filter set, or NULL. */
static pcap_t *live_open(const live_opts *o, char **err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->iface, ebuf);
	if (!p) {
		*err = g_strdup_printf("cannot capture on %s: %s", o->iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, 262144);
	pcap_set_promisc(p, 1);
	/* blocks of packets handed over when full or after LIVE_TIMEOUT_MS, not
	 * one wake-up per packet: at 1 Gbit/s on loopback immediate mode lost
	 * hundreds of packets per 8 s to the kernel where blocks lost none */
	pcap_set_timeout(p, LIVE_TIMEOUT_MS);
	pcap_set_immediate_mode(p, 0);
	pcap_set_buffer_size(p, 32 << 20);  /* ~0.25 s of a saturated 1 Gbit/s link */
	int r = pcap_activate(p);
	if (r < 0) {
		if (r == PCAP_ERROR_PERM_DENIED)
			*err = g_strdup_printf("no permission to capture on %s: run as root, or give the program "
					       "the capability (setcap cap_net_raw,cap_net_admin=eip amtscope)",
					       o->iface);
		else if (r == PCAP_ERROR_NO_SUCH_DEVICE)
			*err = g_strdup_printf("there is no interface %s (list them with 'ip link')", o->iface);
		else
			*err = g_strdup_printf("cannot capture on %s: %s", o->iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	const char *filter = o->filter ? o->filter : engine_default_filter();
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		*err = g_strdup_printf("bad capture filter '%s': %s", filter, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		*err = g_strdup_printf("cannot set the capture filter: %s", pcap_geterr(p));
		pcap_freecode(&prog);
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	return p;
}

/* The -w output, opened before privileges go, with mode 0600; *dump stays
 * NULL without -w. False (with *err) when it cannot be written. */
static bool live_open_dump(pcap_t *p, const live_opts *o, pcap_dumper_t **dump, char **err)
{
	*dump = NULL;
	if (o->write_fp) {
		if (!(*dump = pcap_dump_fopen(p, o->write_fp))) {
			*err = g_strdup_printf("cannot write %s: %s", o->write_file, pcap_geterr(p));
			return false;
		}
	} else if (o->write_file) {
		int fd = open(o->write_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
		if (!fp || !(*dump = pcap_dump_fopen(p, fp))) {
			*err = g_strdup_printf("cannot write %s: %s", o->write_file, fp ? pcap_geterr(p) : strerror(errno));
			if (fp)
				fclose(fp);
			else if (fd >= 0)
				close(fd);
			return false;
		}
	}
	return true;
}

/* Reads until Ctrl-C, -c or --duration; false when the capture failed and
 * what the kernel still holds is not worth waiting for. */
static bool live_loop(engine *e, pcap_t *p, int fd, live_ctx *l, const live_opts *o)
{
	time_t start = time(NULL);
	while (!e->stop) {
		if (e->progress)  /* the running count on a terminal; the callback paces itself */
			e->progress(e->progress_user, e);
		if (fd >= 0) {
			struct pollfd pfd = {fd, POLLIN, 0};
			int pr = poll(&pfd, 1, 200);
			if (pr < 0 && errno != EINTR)
				return false;
			if (pr <= 0) {
				if (o->duration_s && (uint64_t)(time(NULL) - start) >= o->duration_s)
					break;
				continue;
			}
		}
		int n = pcap_dispatch(p, batch_size(o->count, l->frame), on_packet, (u_char *)l);
		if (n == PCAP_ERROR) {
			l->in->error = g_strdup_printf("capture stopped: %s", pcap_geterr(p));
			return false;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (o->count && l->frame >= o->count)
			break;
		if (o->duration_s && (uint64_t)(time(NULL) - start) >= o->duration_s)
			break;
	}
	return true;
}

bool engine_run_live(engine *e, const live_opts *o, char **err)
{
	pcap_t *p = live_open(o, err);
	if (!p)
		return false;
	if (o->before_drop && !o->before_drop(o->before_drop_user, err)) {
		pcap_close(p);
		return false;
	}
	pcap_dumper_t *dump;
	if (!live_open_dump(p, o, &dump, err)) {
		pcap_close(p);
		return false;
	}
	if (!drop_privileges(o->user ? o->user : "nobody", o->user != NULL, err)) {
		if (dump && !o->write_fp)
			pcap_dump_close(dump);
		pcap_close(p);
		return false;
	}
	amt_input *in = run_add_input(e->run, o->iface, INPUT_LIVE);
	in->linktype = pcap_datalink(p);
	in->snaplen = pcap_snapshot(p) > 0 ? (uint32_t)pcap_snapshot(p) : 0;
	live_ctx l = {e, dump, (uint16_t)(e->run->inputs->len - 1), 0, pcap_datalink(p), in};
	e->live = p;
	/* libpcap's own timeout may never fire on an idle interface: poll the
	 * descriptor ourselves so --duration and Ctrl-C are honoured */
	int fd = pcap_get_selectable_fd(p);
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	if (fd >= 0)
		pcap_setnonblock(p, 1, ebuf);
	if (live_loop(e, p, fd, &l, o))
		drain_live(p, fd, &l, o->count);
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) == 0)
		e->run->stats.kernel_drops = ps.ps_drop + ps.ps_ifdrop;
	e->live = NULL;
	if (dump && o->write_fp)  /* the caller closes it and checks that every packet reached the file */
		pcap_dump_flush(dump);
	else if (dump)
		pcap_dump_close(dump);
	pcap_close(p);
	return true;
}
