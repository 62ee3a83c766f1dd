/* What the reports are handed once the rules are done, worked out here so
 * that a report only renders: the timeline in time order with each entry's
 * devices, each finding's device record, and the frames and lines each
 * finding cites per input. */
#include <string.h>

#include "rule.h"

/* What timeline_place looks devices up by: the IP, UUID and MAC values of
 * the live devices, and, so that most strings need no hashing, the longest
 * of them and their first bytes. Addresses are looked up once each. */
typedef struct placer {
	GHashTable *by_key;   /* value -> device* */
	size_t max_len;
	bool first_byte[256];
	GHashTable *by_addr;  /* amt_addr* (in the entries) -> device*, or &no_device */
} placer;

static char no_device;

static guint addr_hash(gconstpointer p)
{
	const amt_addr *a = p;
	guint h = a->family;
	for (size_t i = 0; i < sizeof(a->b); i++)
		h = h * 31 + a->b[i];
	return h;
}

static gboolean addr_equal(gconstpointer a, gconstpointer b)
{
	const amt_addr *x = a, *y = b;
	return x->family == y->family && !memcmp(x->b, y->b, sizeof(x->b));
}

static device *by_text(const placer *pl, const char *s)
{
	if (!pl->first_byte[(unsigned char)s[0]] || strnlen(s, pl->max_len + 1) > pl->max_len)
		return NULL;
	return g_hash_table_lookup(pl->by_key, s);
}

static device *by_addr(placer *pl, const amt_addr *a)
{
	gpointer d = g_hash_table_lookup(pl->by_addr, a);
	if (!d) {
		char buf[AMT_ADDRSTRLEN];
		d = by_text(pl, amt_addr_str(a, buf));
		g_hash_table_insert(pl->by_addr, (gpointer)a, d ? d : &no_device);
	}
	return d == &no_device ? NULL : d;
}

static void tie(timeline *t, tl_entry *x, device *dv)
{
	if (!dv)
		return;
	for (uint32_t i = 0; i < x->ndevs; i++)
		if (t->devices->pdata[x->dev_first + i] == dv)
			return;
	g_ptr_array_add(t->devices, dv);
	x->ndevs++;
}

static void place_one(timeline *t, tl_entry *x, placer *pl)
{
	x->dev_first = t->devices->len;
	x->ndevs = 0;
	if (x->src.family)
		tie(t, x, by_addr(pl, &x->src));
	if (x->dst.family)
		tie(t, x, by_addr(pl, &x->dst));
	/* log lines name their devices among their fields */
	const ev_field *d = tl_details(t, x);
	for (uint32_t k = 0; d && k < x->ndetails; k++)
		if (d[k].type == FT_STR)
			tie(t, x, by_text(pl, d[k].v.s));
		else if (d[k].type == FT_ADDR)
			tie(t, x, by_addr(pl, d[k].v.addr));
}

void timeline_place(timeline *t, const devtab *devs)
{
	GPtrArray *live = devtab_list(devs);
	placer pl = {g_hash_table_new(g_str_hash, g_str_equal), 0, {false},
		     g_hash_table_new(addr_hash, addr_equal)};
	for (guint i = 0; i < live->len; i++) {
		const device *dv = live->pdata[i];
		for (guint k = 0; k < dv->facts->len; k++) {
			const fact *fa = &g_array_index(dv->facts, fact, k);
			/* UUID and MAC values are stored lower case, as dissectors write them */
			if (fa->kind != FACT_IP && fa->kind != FACT_UUID && fa->kind != FACT_MAC)
				continue;
			g_hash_table_insert(pl.by_key, fa->value, (gpointer)dv);
			size_t n = strlen(fa->value);
			pl.max_len = n > pl.max_len ? n : pl.max_len;
			pl.first_byte[(unsigned char)fa->value[0]] = true;
		}
	}
	g_ptr_array_set_size(t->devices, 0);
	for (guint i = 0; i < t->entries->len; i++)
		place_one(t, &g_array_index(t->entries, tl_entry, i), &pl);
	g_hash_table_destroy(pl.by_addr);
	g_hash_table_destroy(pl.by_key);
	g_ptr_array_free(live, TRUE);
}

device *const *tl_devices(const timeline *t, const tl_entry *x)
{
	if (!x->ndevs || x->dev_first + x->ndevs > t->devices->len)
		return NULL;
	return (device *const *)&t->devices->pdata[x->dev_first];
}

/* The record a finding's label names, as the label was made (dev_label): an
 * IP address, else an FQDN or a UUID. Many findings share a label: each is
 * looked up once (`seen`: label -> the finding that looked it up). */
static void finding_device(analysis *an, finding *x, GHashTable *seen)
{
	x->dev = NULL;
	x->label_is_ip = false;
	if (!x->device)
		return;
	const finding *before = g_hash_table_lookup(seen, x->device);
	if (before) {
		x->dev = before->dev;
		x->label_is_ip = before->label_is_ip;
		return;
	}
	g_hash_table_insert(seen, x->device, x);
	device *d = dev_by_ip_str(&an->dev, x->device, false);
	x->label_is_ip = d != NULL;
	if (!d)
		d = dev_by_uuid(&an->dev, x->device, false);
	if (!d) {
		GPtrArray *ds = dev_by_fqdn(&an->dev, x->device);
		d = ds && ds->len ? ds->pdata[0] : NULL;
	}
	x->dev = d ? dev_resolve(d) : NULL;
}

void analysis_conclude(analysis *an)
{
	timeline_sort(&an->tl);
	if (!an->skip_placement)
		timeline_place(&an->tl, &an->dev);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < an->fnd.list->len; i++)
		finding_device(an, an->fnd.list->pdata[i], seen);
	g_hash_table_destroy(seen);
	for (guint i = 0; i < an->fnd.list->len; i++)
		finding_list_cites(an->fnd.list->pdata[i], an->run->inputs->len);
}
