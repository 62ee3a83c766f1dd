/* The probes of `amtscope check`: DNS lookups, the setup service port, and
 * per device its names, ports and TLS certificate, devices in parallel. */
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/amt_ports.h"
#include "check.h"

static const uint16_t amt_tcp_ports[] = {AMT_PORT_HTTP, AMT_PORT_HTTPS, AMT_PORT_REDIR, AMT_PORT_REDIR_TLS, AMT_PORT_RMCP};
enum { MAX_REVERSE = 2 };

static GMutex progress_lock;

void check_progress(const check_opts *o, const char *fmt, ...)
{
	if (!o->progress)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_mutex_lock(&progress_lock);
	fprintf(stderr, "\r\033[Kamtscope check: %.100s", s);
	fflush(stderr);
	g_mutex_unlock(&progress_lock);
	g_free(s);
}

void check_progress_done(const check_opts *o)
{
	if (!o->progress)
		return;
	g_mutex_lock(&progress_lock);
	fputs("\r\033[K", stderr);
	fflush(stderr);
	g_mutex_unlock(&progress_lock);
}

static void lookup_free(gpointer p)
{
	lookup *l = p;
	if (!l)
		return;
	g_free(l->name);
	dnsq_result_clear(&l->r);
	g_free(l);
}

static void port_free(gpointer p)
{
	port_probe *x = p;
	g_free(x->addr);
	g_free(x->detail);
	g_free(x);
}

static void device_free(gpointer p)
{
	device_probe *d = p;
	g_free(d->fqdn);
	g_ptr_array_free(d->fwd, TRUE);
	g_ptr_array_free(d->addrs, TRUE);
	g_ptr_array_free(d->rev, TRUE);
	g_ptr_array_free(d->ports, TRUE);
	if (d->chain)
		g_ptr_array_free(d->chain, TRUE);
	g_free(d->tls_version);
	g_free(d->tls_detail);
	wsman_reply_clear(&d->general);
	wsman_reply_clear(&d->setup);
	g_free(d);
}

void check_state_init(check_state *st, const check_opts *o)
{
	memset(st, 0, sizeof(*st));
	st->o = o;
	st->scs.lookups = g_ptr_array_new_with_free_func(lookup_free);
	st->scs.scs_addrs = g_ptr_array_new_with_free_func(g_free);
	st->scs.ports = g_ptr_array_new_with_free_func(port_free);
	st->devices = g_ptr_array_new_with_free_func(device_free);
	for (guint i = 0; o->devices && i < o->devices->len; i++) {
		device_probe *d = g_new0(device_probe, 1);
		d->fqdn = g_ascii_strdown(o->devices->pdata[i], -1);
		d->fwd = g_ptr_array_new_with_free_func(lookup_free);
		d->addrs = g_ptr_array_new_with_free_func(g_free);
		d->rev = g_ptr_array_new_with_free_func(lookup_free);
		d->ports = g_ptr_array_new_with_free_func(port_free);
		g_ptr_array_add(st->devices, d);
	}
}

void check_state_free(check_state *st)
{
	g_ptr_array_free(st->scs.lookups, TRUE);
	lookup_free(st->scs.scs_lookup);
	g_ptr_array_free(st->scs.scs_addrs, TRUE);
	g_ptr_array_free(st->scs.ports, TRUE);
	g_ptr_array_free(st->devices, TRUE);
}

/* Asks one resolver for name (A/AAAA, or PTR of an address when reverse). */
static lookup *ask(const check_opts *o, const char *name, bool direct, bool reverse)
{
	lookup *l = g_new0(lookup, 1);
	l->name = g_strdup(name);
	l->direct = direct;
	dnsq_result_init(&l->r);
	if (!direct) {
		if (reverse)
			sys_reverse(name, o->timeout_ms, &l->r);
		else
			sys_resolve(name, o->timeout_ms, &l->r);
		return l;
	}
	if (reverse) {
		char *rname = dnsq_reverse_name(name);
		dnsq_ask(o->dns_server, o->dns_port, rname, 12, o->timeout_ms, &l->r);
		g_free(rname);
		return l;
	}
	/* A first; AAAA only when there is no A (AMT provisioning is IPv4 first) */
	dnsq_ask(o->dns_server, o->dns_port, name, 1, o->timeout_ms, &l->r);
	if (l->r.status == DNSQ_NODATA) {
		dnsq_result r6;
		dnsq_result_init(&r6);
		dnsq_ask(o->dns_server, o->dns_port, name, 28, o->timeout_ms, &r6);
		if (r6.status == DNSQ_OK) {
			dnsq_result_clear(&l->r);
			l->r = r6;
		} else {
			dnsq_result_clear(&r6);
		}
	}
	return l;
}

static void add_addr(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (!strcmp(a->pdata[i], s))
			return;
	if (a->len < CHECK_MAX_ADDRS)
		g_ptr_array_add(a, g_strdup(s));
}

static port_probe *probe_port(const check_opts *o, const char *addr, uint16_t port, bool udp)
{
	port_probe *p = g_new0(port_probe, 1);
	p->addr = g_strdup(addr);
	p->port = port;
	p->udp = udp;
	p->st = udp ? probe_rmcp(addr, o->timeout_ms, &p->detail) : probe_tcp(addr, port, o->timeout_ms, NULL, &p->detail);
	return p;
}

static void probe_setup_service(check_state *st)
{
	const check_opts *o = st->o;
	scs_probe *s = &st->scs;
	char *names[2] = {g_strdup_printf("ProvisionServer.%s", o->domain), g_strdup("ProvisionServer")};
	for (int n = 0; n < 2; n++)
		for (int direct = 0; direct <= (o->dns_server != NULL); direct++) {
			check_progress(o, "resolving %s (%s)", names[n], direct ? o->dns_server : "system resolver");
			g_ptr_array_add(s->lookups, ask(o, names[n], direct, false));
		}
	g_free(names[0]);
	g_free(names[1]);
	if (o->scs_host) {
		if (g_hostname_is_ip_address(o->scs_host)) {
			add_addr(s->scs_addrs, o->scs_host);
		} else {
			check_progress(o, "resolving --scs %s", o->scs_host);
			s->scs_lookup = ask(o, o->scs_host, false, false);
			for (guint i = 0; i < s->scs_lookup->r.addrs->len; i++)
				add_addr(s->scs_addrs, s->scs_lookup->r.addrs->pdata[i]);
		}
	}
	/* the setup service port wherever ProvisionServer or --scs leads */
	GPtrArray *targets = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < s->lookups->len; i++) {
		lookup *l = s->lookups->pdata[i];
		for (guint k = 0; k < l->r.addrs->len; k++)
			add_addr(targets, l->r.addrs->pdata[k]);
	}
	for (guint i = 0; i < s->scs_addrs->len; i++)
		add_addr(targets, s->scs_addrs->pdata[i]);
	for (guint i = 0; i < targets->len; i++) {
		check_progress(o, "connecting to %s port %u", (char *)targets->pdata[i], o->scs_port);
		g_ptr_array_add(s->ports, probe_port(o, targets->pdata[i], o->scs_port, false));
	}
	g_ptr_array_free(targets, TRUE);
}

typedef struct pool_ctx {
	check_state *st;
	gint done;
} pool_ctx;

static void probe_device(gpointer data, gpointer user)
{
	device_probe *d = data;
	pool_ctx *ctx = user;
	const check_opts *o = ctx->st->o;
	check_progress(o, "device %s: DNS (%d/%u done)", d->fqdn, g_atomic_int_get(&ctx->done), ctx->st->devices->len);
	bool literal = g_hostname_is_ip_address(d->fqdn);  /* --device given as an address */
	/* with --dns the devices' own server is asked first: its answer is the
	 * address probed (device-facing verdicts come from it) */
	bool both = o->dns_server != NULL && !literal;
	for (int pass = 0; pass <= both; pass++) {
		bool direct = both && pass == 0;
		lookup *l = ask(o, d->fqdn, direct, false);
		g_ptr_array_add(d->fwd, l);
		for (guint i = 0; i < l->r.addrs->len; i++)
			add_addr(d->addrs, l->r.addrs->pdata[i]);
		/* each resolver's own forward and reverse answers must agree */
		for (guint i = 0; i < l->r.addrs->len && i < MAX_REVERSE; i++)
			g_ptr_array_add(d->rev, ask(o, l->r.addrs->pdata[i], direct, true));
	}
	if (d->addrs->len) {
		const char *ip = d->addrs->pdata[0];
		check_progress(o, "device %s: ports at %s (%d/%u done)", d->fqdn, ip, g_atomic_int_get(&ctx->done),
			       ctx->st->devices->len);
		bool tls_open = false, http_open = false;
		for (size_t i = 0; i < G_N_ELEMENTS(amt_tcp_ports); i++) {
			port_probe *p = probe_port(o, ip, amt_tcp_ports[i], false);
			tls_open |= p->port == AMT_PORT_HTTPS && p->st == PORT_OPEN;
			http_open |= p->port == AMT_PORT_HTTP && p->st == PORT_OPEN;
			g_ptr_array_add(d->ports, p);
		}
		if (o->user && (http_open || tls_open)) {
			/* plain HTTP when AMT offers it, else its TLS port */
			uint16_t port = http_open ? AMT_PORT_HTTP : AMT_PORT_HTTPS;
			check_progress(o, "device %s: reading AMT settings as %s", d->fqdn, o->user);
			d->wsman_tried = true;
			d->wsman_port = port;
			if (wsman_get(ip, port, !http_open, o->user, o->amt_password, "AMT_GeneralSettings", o->timeout_ms,
				      &d->general))
				wsman_get(ip, port, !http_open, o->user, o->amt_password, "AMT_SetupAndConfigurationService",
					  o->timeout_ms, &d->setup);
		}
		g_ptr_array_add(d->ports, probe_port(o, ip, AMT_PORT_RMCP, true));
		if (tls_open) {
			check_progress(o, "device %s: TLS handshake on %u", d->fqdn, AMT_PORT_HTTPS);
			int fd;
			char *detail = NULL;
			d->tls_tried = true;
			if (probe_tcp(ip, AMT_PORT_HTTPS, o->timeout_ms, &fd, &detail) == PORT_OPEN) {
				g_free(detail);
				d->tls_ok = probe_tls_chain(fd, d->fqdn, o->timeout_ms, &d->chain, &d->tls_version, &detail);
			}
			d->tls_detail = detail;
			d->tls_ts = o->now_us;
		}
	}
	g_atomic_int_inc(&ctx->done);
	/* pool threads outlive the check: let OpenSSL free this thread's state now */
	OPENSSL_thread_stop();
}

void check_probe_all(check_state *st)
{
	const check_opts *o = st->o;
	probe_setup_service(st);
	if (!st->devices->len)
		return;
	pool_ctx ctx = {st, 0};
	GError *err = NULL;
	GThreadPool *pool = g_thread_pool_new(probe_device, &ctx, MAX(1, o->parallel), TRUE, &err);
	if (!pool) {
		g_error_free(err);
		for (guint i = 0; i < st->devices->len; i++)
			probe_device(st->devices->pdata[i], &ctx);
		return;
	}
	for (guint i = 0; i < st->devices->len; i++)
		g_thread_pool_push(pool, st->devices->pdata[i], NULL);
	g_thread_pool_free(pool, FALSE, TRUE);  /* waits for every device */
}
