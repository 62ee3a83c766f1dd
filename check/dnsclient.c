/* The stub resolver of `amtscope check` (see dnsclient.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../decoder/wire.h"
#include "../dissectors/dnsname.h"
#include "dnsclient.h"

enum { T_A = 1, T_CNAME = 5, T_PTR = 12, T_AAAA = 28 };

void dnsq_result_init(dnsq_result *r)
{
	memset(r, 0, sizeof(*r));
	r->rcode = -1;
	r->cnames = g_ptr_array_new_with_free_func(g_free);
	r->addrs = g_ptr_array_new_with_free_func(g_free);
	r->ptrs = g_ptr_array_new_with_free_func(g_free);
}

void dnsq_result_clear(dnsq_result *r)
{
	if (r->cnames)
		g_ptr_array_free(r->cnames, TRUE);
	if (r->addrs)
		g_ptr_array_free(r->addrs, TRUE);
	if (r->ptrs)
		g_ptr_array_free(r->ptrs, TRUE);
	g_free(r->error);
	memset(r, 0, sizeof(*r));
}

const char *dnsq_status_text(dnsq_status s)
{
	switch (s) {
	case DNSQ_OK: return "answered";
	case DNSQ_NXDOMAIN: return "no such name";
	case DNSQ_NODATA: return "no address record";
	case DNSQ_SERVFAIL: return "server failure";
	case DNSQ_TIMEOUT: return "no answer in time";
	case DNSQ_ERROR: return "error";
	}
	return "?";
}

static void fail(dnsq_result *r, dnsq_status s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(dnsq_result *r, dnsq_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_free(r->error);
	r->error = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	r->status = s;
}

static void add_unique(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (!g_ascii_strcasecmp(a->pdata[i], s))
			return;
	g_ptr_array_add(a, g_strdup(s));
}

size_t dnsq_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	if (cap < 12 + n + 2 + 4 + 11 || n > 253)
		return 0;
	/* one question, and an EDNS0 OPT record so that answers up to 4096 bytes fit in UDP */
	const uint8_t hdr[12] = {id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1};
	memcpy(buf, hdr, sizeof(hdr));
	size_t pos = 12, start = 0;
	while (start < n) {
		const char *dot = memchr(name + start, '.', n - start);
		size_t len = dot ? (size_t)(dot - (name + start)) : n - start;
		if (len == 0 || len > 63)
			return 0;
		buf[pos++] = (uint8_t)len;
		memcpy(buf + pos, name + start, len);
		pos += len;
		start += len + 1;
	}
	buf[pos++] = 0;
	buf[pos++] = qtype >> 8;
	buf[pos++] = qtype & 0xff;
	buf[pos++] = 0;
	buf[pos++] = 1;  /* class IN */
	const uint8_t opt[11] = {0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0};  /* root, OPT, 4096 bytes */
	memcpy(buf + pos, opt, sizeof(opt));
	return pos + sizeof(opt);
}

typedef struct rec {
	char *owner;
	uint16_t type;
	char *value;  /* address text or target name */
} rec;

static void rec_clear(gpointer p)
{
	rec *x = p;
	g_free(x->owner);
	g_free(x->value);
}

/* One answer record; false when it cannot be read. */
static bool read_record(const uint8_t *msg, size_t len, wire *w, GArray *recs)
{
	char owner[DNSNAME_MAX], target[DNSNAME_MAX];
	size_t pos = w->pos;
	if (dnsname_read(msg, len, &pos, owner, sizeof(owner), 1) != DNSNAME_OK)
		return false;
	w->pos = pos;
	uint16_t type = wire_u16be(w);
	wire_skip(w, 2 + 4);  /* class, ttl */
	uint16_t rdlen = wire_u16be(w);
	size_t rdata = w->pos;
	wire rd = wire_sub(w, rdlen);
	if (w->err)
		return false;
	rec x = {0};
	char buf[INET6_ADDRSTRLEN];
	if (type == T_A && rdlen == 4) {
		x.value = g_strdup(inet_ntop(AF_INET, wire_bytes(&rd, 4), buf, sizeof(buf)));
	} else if (type == T_AAAA && rdlen == 16) {
		x.value = g_strdup(inet_ntop(AF_INET6, wire_bytes(&rd, 16), buf, sizeof(buf)));
	} else if (type == T_CNAME || type == T_PTR) {
		size_t tpos = rdata;
		/* the target may point back into the message but must start inside rdata */
		if (dnsname_read(msg, rdata + rdlen, &tpos, target, sizeof(target), 1) != DNSNAME_OK)
			return false;
		x.value = g_strdup(target);
	} else {
		return true;  /* other types: not needed */
	}
	x.owner = g_strdup(owner);
	x.type = type;
	g_array_append_val(recs, x);
	return true;
}

/* The chain from name through CNAMEs, then what the last name owns. */
static void resolve_chain(GArray *recs, const char *name, uint16_t qtype, dnsq_result *r, char **next)
{
	const char *cur = name;
	for (int hops = 0; hops <= DNSQ_MAX_CNAMES; hops++) {
		const char *target = NULL;
		for (guint i = 0; i < recs->len && !target; i++) {
			const rec *x = &g_array_index(recs, rec, i);
			if (x->type == T_CNAME && !g_ascii_strcasecmp(x->owner, cur))
				target = x->value;
		}
		if (!target || qtype == T_CNAME)
			break;
		if (r->cnames->len >= DNSQ_MAX_CNAMES) {
			fail(r, DNSQ_ERROR, "more than %d CNAMEs in a row (a loop?)", DNSQ_MAX_CNAMES);
			return;
		}
		g_ptr_array_add(r->cnames, g_strdup(target));
		cur = target;
	}
	bool any = false;
	for (guint i = 0; i < recs->len; i++) {
		const rec *x = &g_array_index(recs, rec, i);
		if (x->type != qtype || g_ascii_strcasecmp(x->owner, cur))
			continue;
		add_unique(qtype == T_PTR ? r->ptrs : r->addrs, x->value);
		any = true;
	}
	if (any) {
		r->status = DNSQ_OK;
	} else if (cur != name) {
		*next = g_strdup(cur);
	} else {
		r->status = DNSQ_NODATA;
		g_free(r->error);
		r->error = g_strdup("the name exists but has no record of that type");
	}
}

bool dnsq_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint16_t qtype,
		dnsq_result *r, char **next)
{
	*next = NULL;
	wire w = wire_init(msg, len);
	uint16_t rid = wire_u16be(&w), flags = wire_u16be(&w), qd = wire_u16be(&w), an = wire_u16be(&w);
	wire_skip(&w, 4);
	if (w.err || rid != id || !(flags & 0x8000))
		return false;
	int rcode = flags & 0x0f;
	if (qd != 1 && rcode == 0)
		return false;
	if (qd == 1) {
		char qname[DNSNAME_MAX];
		size_t pos = w.pos;
		if (dnsname_read(msg, len, &pos, qname, sizeof(qname), 1) != DNSNAME_OK)
			return false;
		w.pos = pos;
		uint16_t qt = wire_u16be(&w);
		wire_skip(&w, 2);
		size_t n = strlen(name);
		bool same = n && name[n - 1] == '.' ? strlen(qname) == n - 1 && !g_ascii_strncasecmp(qname, name, n - 1)
						     : !g_ascii_strcasecmp(qname, name);
		if (w.err || qt != qtype || !same)
			return false;
	}
	r->rcode = rcode;
	if (flags & 0x0200) {
		fail(r, DNSQ_ERROR, "the reply was truncated (TC set; UDP only here)");
		return true;
	}
	if (rcode == 3) {
		fail(r, DNSQ_NXDOMAIN, "NXDOMAIN (no such name)");
		return true;
	}
	if (rcode != 0) {
		static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
		fail(r, DNSQ_SERVFAIL, "the server answered %s (rcode %d)", rcode < 6 ? names[rcode] : "an error", rcode);
		return true;
	}
	GArray *recs = g_array_new(FALSE, TRUE, sizeof(rec));
	g_array_set_clear_func(recs, rec_clear);
	bool ok = true;
	for (unsigned i = 0; i < an && ok; i++) {
		if (recs->len >= DNSQ_MAX_RECORDS)
			break;  /* more than a setup check needs; the rest is ignored */
		ok = read_record(msg, len, &w, recs);
	}
	if (ok)
		resolve_chain(recs, name, qtype, r, next);
	else
		fail(r, DNSQ_ERROR, "the reply is malformed (answer record %u of %u cannot be read)", recs->len + 1, an);
	g_array_free(recs, TRUE);
	return true;
}

static int64_t now_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

/* One question and its reply on a connected socket, until deadline. */
static void ask_once(int fd, const char *name, uint16_t qtype, int64_t deadline, dnsq_result *r, char **next)
{
	uint8_t q[512], reply[4096 + 512];
	uint16_t id = (uint16_t)g_random_int_range(1, 65536);
	size_t qlen = dnsq_build(q, sizeof(q), id, name, qtype);
	if (!qlen) {
		fail(r, DNSQ_ERROR, "'%s' is not a valid DNS name", name);
		return;
	}
	int64_t resend = 0;
	for (;;) {
		int64_t now = now_ms();
		if (now >= deadline) {
			fail(r, DNSQ_TIMEOUT, "no reply in time");
			return;
		}
		if (now >= resend) {
			if (send(fd, q, qlen, 0) < 0) {
				fail(r, DNSQ_ERROR, "cannot send the query: %s", strerror(errno));
				return;
			}
			resend = now + 1000;  /* UDP may drop it: ask again every second */
		}
		int64_t until = MIN(deadline, resend);
		struct pollfd p = {fd, POLLIN, 0};
		int rc = poll(&p, 1, (int)(until - now));
		if (rc < 0 && errno != EINTR) {
			fail(r, DNSQ_ERROR, "poll: %s", strerror(errno));
			return;
		}
		if (rc <= 0)
			continue;
		ssize_t n = recv(fd, reply, sizeof(reply), 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail(r, DNSQ_ERROR, "%s", errno == ECONNREFUSED ? "connection refused (no DNS server on that port)"
									: strerror(errno));
			return;
		}
		if (dnsq_parse(reply, (size_t)n, id, name, qtype, r, next))
			return;
	}
}

void dnsq_ask(const char *server, uint16_t port, const char *name, uint16_t qtype, int timeout_ms,
	      dnsq_result *r)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t sl;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, server, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		sl = sizeof(*v4);
	} else if (inet_pton(AF_INET6, server, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		sl = sizeof(*v6);
	} else {
		fail(r, DNSQ_ERROR, "'%s' is not an IP address", server);
		return;
	}
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		fail(r, DNSQ_ERROR, "cannot reach %s: %s", server, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	int64_t deadline = now_ms() + timeout_ms;
	char *cur = g_strdup(name);
	for (int hop = 0; cur; hop++) {
		char *next = NULL;
		r->status = DNSQ_ERROR;
		ask_once(fd, cur, qtype, deadline, r, &next);
		g_free(cur);
		cur = next;
		if (cur && hop >= DNSQ_MAX_CNAMES) {
			fail(r, DNSQ_ERROR, "CNAME chain longer than %d", DNSQ_MAX_CNAMES);
			g_clear_pointer(&cur, g_free);
		}
	}
	close(fd);
}

/* ---- the system resolver, bounded ---- */

typedef struct sys_job {
	gint refs;
	GMutex m;
	GCond c;
	bool done, reverse;
	char *query;
	dnsq_result res;
} sys_job;

static void job_unref(sys_job *j)
{
	if (!g_atomic_int_dec_and_test(&j->refs))
		return;
	g_free(j->query);
	dnsq_result_clear(&j->res);
	g_mutex_clear(&j->m);
	g_cond_clear(&j->c);
	g_free(j);
}

static void gai_fail(dnsq_result *r, int rc)
{
	if (rc == EAI_NONAME)
		fail(r, DNSQ_NXDOMAIN, "name not found");
	else if (rc == EAI_NODATA || rc == EAI_ADDRFAMILY)
		fail(r, DNSQ_NODATA, "the name has no address");
	else if (rc == EAI_AGAIN)
		fail(r, DNSQ_TIMEOUT, "temporary failure (the DNS server did not answer)");
	else
		fail(r, DNSQ_ERROR, "%s", rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
}

static void forward_lookup(sys_job *j)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(j->query, NULL, &hints, &res);
	if (rc) {
		gai_fail(&j->res, rc);
		return;
	}
	char buf[INET6_ADDRSTRLEN];
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		const void *p = a->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
							: (void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
		if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) && inet_ntop(a->ai_family, p, buf, sizeof(buf)))
			add_unique(j->res.addrs, buf);
	}
	if (res->ai_canonname && g_ascii_strcasecmp(res->ai_canonname, j->query))
		g_ptr_array_add(j->res.cnames, g_strdup(res->ai_canonname));
	freeaddrinfo(res);
	j->res.status = j->res.addrs->len ? DNSQ_OK : DNSQ_NODATA;
}

static void reverse_lookup(sys_job *j)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t sl;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, j->query, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		sl = sizeof(*v4);
	} else if (inet_pton(AF_INET6, j->query, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		sl = sizeof(*v6);
	} else {
		fail(&j->res, DNSQ_ERROR, "'%s' is not an IP address", j->query);
		return;
	}
	char host[NI_MAXHOST];
	int rc = getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), NULL, 0, NI_NAMEREQD);
	if (rc) {
		gai_fail(&j->res, rc);
		return;
	}
	g_ptr_array_add(j->res.ptrs, g_strdup(host));
	j->res.status = DNSQ_OK;
}

static gpointer job_run(gpointer p)
{
	sys_job *j = p;
	if (j->reverse)
		reverse_lookup(j);
	else
		forward_lookup(j);
	g_mutex_lock(&j->m);
	j->done = true;
	g_cond_signal(&j->c);
	g_mutex_unlock(&j->m);
	job_unref(j);
	return NULL;
}

static void sys_job_run(const char *query, bool reverse, int timeout_ms, dnsq_result *r)
{
	sys_job *j = g_new0(sys_job, 1);
	j->refs = 2;
	g_mutex_init(&j->m);
	g_cond_init(&j->c);
	j->reverse = reverse;
	j->query = g_strdup(query);
	dnsq_result_init(&j->res);
	GError *gerr = NULL;
	GThread *t = g_thread_try_new("resolve", job_run, j, &gerr);
	if (!t) {
		fail(r, DNSQ_ERROR, "cannot start a resolver thread: %s", gerr->message);
		g_error_free(gerr);
		j->refs = 1;
		job_unref(j);
		return;
	}
	g_thread_unref(t);
	int64_t end = g_get_monotonic_time() + (int64_t)timeout_ms * 1000;
	g_mutex_lock(&j->m);
	while (!j->done)
		if (!g_cond_wait_until(&j->c, &j->m, end))
			break;
	bool done = j->done;
	g_mutex_unlock(&j->m);
	if (done) {
		dnsq_result_clear(r);
		*r = j->res;
		dnsq_result_init(&j->res);
	} else {
		fail(r, DNSQ_TIMEOUT, "the system resolver did not answer within %d ms", timeout_ms);
	}
	job_unref(j);
}

void sys_resolve(const char *name, int timeout_ms, dnsq_result *r)
{
	sys_job_run(name, false, timeout_ms, r);
}

void sys_reverse(const char *addr, int timeout_ms, dnsq_result *r)
{
	sys_job_run(addr, true, timeout_ms, r);
}

char *dnsq_reverse_name(const char *addr)
{
	uint8_t b[16];
	if (inet_pton(AF_INET, addr, b) == 1)
		return g_strdup_printf("%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
	if (inet_pton(AF_INET6, addr, b) != 1)
		return NULL;
	GString *s = g_string_new(NULL);
	for (int i = 15; i >= 0; i--)
		g_string_append_printf(s, "%x.%x.", b[i] & 0xf, b[i] >> 4);
	g_string_append(s, "ip6.arpa");
	return g_string_free(s, FALSE);
}
