#include "devices.h"

#include <string.h>

static const char *const fact_names[FACT_KIND_COUNT] = {
	[FACT_IP] = "ip", [FACT_FQDN] = "fqdn", [FACT_HOSTNAME] = "hostname",
	[FACT_DOMAIN] = "domain", [FACT_UUID] = "uuid", [FACT_MAC] = "mac",
	[FACT_AMT_VERSION] = "amt_version", [FACT_PROV_STATE] = "provisioning_state",
	[FACT_PROV_MODE] = "provisioning_mode", [FACT_CONTROL_MODE] = "control_mode",
	[FACT_ROOT_HASH] = "root_hash", [FACT_CERT] = "certificate", [FACT_PROV_DOMAIN] = "provisioning_cert_domain", [FACT_TLS] = "tls",
	[FACT_NOTE] = "note",
};

const char *fact_kind_name(fact_kind k)
{
	return (unsigned)k < FACT_KIND_COUNT ? fact_names[k] : "unknown";
}

const char *role_name(unsigned bit)
{
	switch (bit) {
	case ROLE_AMT: return "amt";
	case ROLE_SETUP_SERVICE: return "setup_service";
	case ROLE_CONSOLE: return "console";
	case ROLE_DNS_SERVER: return "dns_server";
	case ROLE_DHCP_SERVER: return "dhcp_server";
	case ROLE_CLIENT: return "client";
	}
	return "unknown";
}

static void fact_clear(gpointer p)
{
	fact *f = p;
	g_free(f->value);
	g_free(f->source);
}

static void device_free(gpointer p)
{
	device *d = p;
	g_array_free(d->facts, TRUE);
	g_free(d);
}

void devtab_init(devtab *t)
{
	t->all = g_ptr_array_new_with_free_func(device_free);
	t->by_ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->by_mac = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->by_fqdn = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)g_ptr_array_unref);
}

void devtab_free(devtab *t)
{
	g_hash_table_destroy(t->by_ip);
	g_hash_table_destroy(t->by_uuid);
	g_hash_table_destroy(t->by_mac);
	g_hash_table_destroy(t->by_fqdn);
	g_ptr_array_free(t->all, TRUE);
}

device *dev_resolve(device *d)
{
	while (d && d->merged_into)
		d = d->merged_into;
	return d;
}

static device *dev_new(devtab *t)
{
	device *d = g_new0(device, 1);
	d->id = t->all->len + 1;
	d->facts = g_array_new(FALSE, TRUE, sizeof(fact));
	g_array_set_clear_func(d->facts, fact_clear);
	g_ptr_array_add(t->all, d);
	return d;
}

static GHashTable *index_for(devtab *t, fact_kind k)
{
	switch (k) {
	case FACT_IP: return t->by_ip;
	case FACT_UUID: return t->by_uuid;
	case FACT_MAC: return t->by_mac;
	default: return NULL;
	}
}

static device *fact_typed_add(devtab *t, device *d, fact_kind k, const char *value, const char *source,
			      evidence ev, int64_t ts, const fact_typed *as);

static device *lookup_lower(devtab *t, fact_kind k, const char *lower, const char *value, bool create,
			    const fact_typed *as)
{
	device *d = dev_resolve(g_hash_table_lookup(index_for(t, k), lower));
	if (d || !create)
		return d;
	d = dev_new(t);
	evidence none = {0, 0, 0, 0};
	return fact_typed_add(t, d, k, value, "", none, 0, as);
}

static device *lookup(devtab *t, fact_kind k, const char *value, bool create)
{
	char *v = g_ascii_strdown(value, -1);
	device *d = lookup_lower(t, k, v, value, create, NULL);
	g_free(v);
	return d;
}

device *dev_by_ip(devtab *t, const amt_addr *ip, bool create)
{
	char buf[AMT_ADDRSTRLEN];  /* amt_addr_str writes lower case already */
	amt_addr_str(ip, buf);
	return lookup_lower(t, FACT_IP, buf, buf, create, &(fact_typed){.addr = *ip});
}

device *dev_by_ip_str(devtab *t, const char *ip, bool create)
{
	return lookup(t, FACT_IP, ip, create);
}

device *dev_by_uuid(devtab *t, const char *uuid, bool create)
{
	return lookup(t, FACT_UUID, uuid, create);
}

device *dev_by_mac(devtab *t, const char *mac, bool create)
{
	return lookup(t, FACT_MAC, mac, create);
}

GPtrArray *dev_by_fqdn(devtab *t, const char *fqdn)
{
	char *v = g_ascii_strdown(fqdn, -1);
	size_t n = strlen(v);
	if (n && v[n - 1] == '.')
		v[n - 1] = 0;
	GPtrArray *a = g_hash_table_lookup(t->by_fqdn, v);
	g_free(v);
	if (a)
		for (guint i = 0; i < a->len; i++)
			a->pdata[i] = dev_resolve(a->pdata[i]);
	return a;
}

static bool has_fact(const device *d, fact_kind k, const char *v)
{
	for (guint i = 0; i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind == k && g_ascii_strcasecmp(f->value, v) == 0)
			return true;
	}
	return false;
}

static void index_fqdn(devtab *t, device *d, const char *v)
{
	GPtrArray *a = g_hash_table_lookup(t->by_fqdn, v);
	if (!a) {
		a = g_ptr_array_new();
		g_hash_table_insert(t->by_fqdn, g_strdup(v), a);
	}
	for (guint i = 0; i < a->len; i++)
		if (dev_resolve(a->pdata[i]) == d)
			return;
	g_ptr_array_add(a, d);
}

static void append_fact(devtab *t, device *d, fact_kind k, const char *value,
			const char *source, evidence ev, int64_t ts, const fact_typed *as)
{
	fact f = {k, g_strdup(value), g_strdup(source ? source : ""), ev, ts, {{0}}};
	if (as)
		f.as = *as;
	else if (k == FACT_IP && !amt_addr_parse(value, &f.as.addr))
		f.as.addr.family = 0;
	g_array_append_val(d->facts, f);
	GHashTable *h = index_for(t, k);
	if (h)
		g_hash_table_insert(h, g_ascii_strdown(value, -1), d);
	else if (k == FACT_FQDN)
		index_fqdn(t, d, value);
}

/* Moves everything from `from` into `into`. */
static void merge(devtab *t, device *into, device *from)
{
	into->roles |= from->roles;
	for (guint i = 0; i < from->facts->len; i++) {
		const fact *f = &g_array_index(from->facts, fact, i);
		if (!has_fact(into, f->kind, f->value))
			append_fact(t, into, f->kind, f->value, f->source, f->ev, f->ts, &f->as);
	}
	g_array_set_size(from->facts, 0);
	from->merged_into = into;
}

device *dev_fact(devtab *t, device *d, fact_kind k, const char *value, const char *source,
		 evidence ev, int64_t ts)
{
	return fact_typed_add(t, d, k, value, source, ev, ts, NULL);
}

device *dev_fact_addr(devtab *t, device *d, const amt_addr *ip, const char *source, evidence ev, int64_t ts)
{
	char buf[AMT_ADDRSTRLEN];
	return fact_typed_add(t, d, FACT_IP, amt_addr_str(ip, buf), source, ev, ts, &(fact_typed){.addr = *ip});
}

device *dev_fact_hash(devtab *t, device *d, fact_kind k, const amt_hash *h, const char *source,
		      evidence ev, int64_t ts)
{
	char buf[AMT_HASH_TEXTLEN];
	return fact_typed_add(t, d, k, amt_hash_text(h, buf), source, ev, ts, &(fact_typed){.hash = *h});
}

/* as: the typed value, or NULL to derive it from the text (FACT_IP). */
static device *fact_typed_add(devtab *t, device *d, fact_kind k, const char *value, const char *source,
			      evidence ev, int64_t ts, const fact_typed *as)
{
	d = dev_resolve(d);
	if (!value || !*value)
		return d;
	/* names, MACs and UUIDs in lower case, names without the root dot; a
	 * value that already is so is used as it is (the usual case) */
	bool lower = k == FACT_FQDN || k == FACT_MAC || k == FACT_UUID || k == FACT_DOMAIN;
	size_t n = strlen(value);
	bool dot = (k == FACT_FQDN || k == FACT_DOMAIN) && n > 1 && value[n - 1] == '.';
	bool upper = false;
	for (size_t i = 0; lower && !upper && i < n; i++)
		upper = g_ascii_isupper(value[i]);
	char *own = upper || dot ? (lower ? g_ascii_strdown(value, -1) : g_strdup(value)) : NULL;
	if (dot)
		own[n - 1] = 0;
	const char *v = own ? own : value;
	GHashTable *h = index_for(t, k);
	if (h) {
		device *other = dev_resolve(g_hash_table_lookup(h, v));
		if (other && other != d) {
			/* the older record absorbs the newer one */
			device *keep = other->id < d->id ? other : d;
			device *gone = keep == other ? d : other;
			merge(t, keep, gone);
			d = keep;
		}
	}
	if (!has_fact(d, k, v)) {
		/* a real device has a handful of names and addresses; a capture
		 * that claims thousands for one is hostile or broken: the first
		 * ones are kept (and has_fact stays cheap) */
		if (d->facts->len < DEV_MAX_FACTS)
			append_fact(t, d, k, v, source, ev, ts, as);
	}
	else if (!*source)
		; /* placeholder facts from lookups never replace real ones */
	else {
		/* a placeholder (created by lookup) gets the real source/evidence */
		for (guint i = 0; i < d->facts->len; i++) {
			fact *f = &g_array_index(d->facts, fact, i);
			if (f->kind == k && !g_ascii_strcasecmp(f->value, v) && !*f->source) {
				g_free(f->source);
				f->source = g_strdup(source);
				f->ev = ev;
				f->ts = ts;
			}
		}
	}
	g_free(own);
	return d;
}

void dev_role(device *d, unsigned roles)
{
	dev_resolve(d)->roles |= roles;
}

const fact *dev_first(const device *d, fact_kind k)
{
	for (guint i = 0; i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind == k)
			return f;
	}
	return NULL;
}

static int source_rank(const char *src)
{
	static const char *const order[] = {"wsman", "dhcp.81", "dhcp.12+15", "tls.cert", "hello", "log",
					    "dns", "dns.cname", "dns.ptr"};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(src, order[i]))
			return (int)i;
	return 5;  /* other first-hand sources rank with the logs */
}

const fact *dev_best(const device *d, fact_kind k)
{
	const fact *best = NULL;
	for (guint i = 0; i < d->facts->len; i++) {
		const fact *f = &g_array_index(d->facts, fact, i);
		if (f->kind == k && (!best || source_rank(f->source) < source_rank(best->source)))
			best = f;
	}
	return best;
}

bool dev_has(const device *d, fact_kind k, const char *value)
{
	return has_fact(d, k, value);
}

const char *dev_label(const device *d)
{
	static const fact_kind order[] = {FACT_IP, FACT_FQDN, FACT_UUID, FACT_MAC};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const fact *f = dev_best(d, order[i]);
		if (f)
			return f->value;
	}
	return "?";
}

GPtrArray *devtab_list(const devtab *t)
{
	GPtrArray *a = g_ptr_array_new();
	for (guint i = 0; i < t->all->len; i++) {
		device *d = t->all->pdata[i];
		if (!d->merged_into)
			g_ptr_array_add(a, d);
	}
	return a;
}
