/* What the reports are handed once the rules are done, worked out here so
 * that a report only renders: the timeline in time order with each entry's
 * devices, each finding's device record, and the frames and lines each
 * finding cites per input. */
#include <string.h>

#include "rule.h"

static void tie(timeline *t, tl_entry *x, GHashTable *by_key, GHashTable *seen, const char *key)
{
	device *dv = g_hash_table_lookup(by_key, key);
	if (dv && g_hash_table_add(seen, dv)) {
		g_ptr_array_add(t->devices, dv);
		x->ndevs++;
	}
}

static void place_one(timeline *t, tl_entry *x, GHashTable *by_key, GHashTable *seen)
{
	char a[AMT_ADDRSTRLEN];
	x->dev_first = t->devices->len;
	x->ndevs = 0;
	g_hash_table_remove_all(seen);
	const amt_addr *ends[2] = {&x->src, &x->dst};
	for (int k = 0; k < 2; k++)
		if (ends[k]->family)
			tie(t, x, by_key, seen, amt_addr_str(ends[k], a));
	/* log lines name their devices among their fields */
	const ev_field *d = tl_details(t, x);
	for (uint32_t k = 0; d && k < x->ndetails; k++)
		if (d[k].type == FT_STR)
			tie(t, x, by_key, seen, d[k].v.s);
		else if (d[k].type == FT_ADDR)
			tie(t, x, by_key, seen, amt_addr_str(d[k].v.addr, a));
}

void timeline_place(timeline *t, const devtab *devs)
{
	GPtrArray *live = devtab_list(devs);
	GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < live->len; i++) {
		const device *dv = live->pdata[i];
		for (guint k = 0; k < dv->facts->len; k++) {
			const fact *fa = &g_array_index(dv->facts, fact, k);
			/* UUID and MAC values are stored lower case, as dissectors write them */
			if (fa->kind == FACT_IP || fa->kind == FACT_UUID || fa->kind == FACT_MAC)
				g_hash_table_insert(by_key, fa->value, (gpointer)dv);
		}
	}
	GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_ptr_array_set_size(t->devices, 0);
	for (guint i = 0; i < t->entries->len; i++)
		place_one(t, &g_array_index(t->entries, tl_entry, i), by_key, seen);
	g_hash_table_destroy(seen);
	g_hash_table_destroy(by_key);
	g_ptr_array_free(live, TRUE);
}

device *const *tl_devices(const timeline *t, const tl_entry *x)
{
	if (!x->ndevs || x->dev_first + x->ndevs > t->devices->len)
		return NULL;
	return (device *const *)&t->devices->pdata[x->dev_first];
}

/* The record a finding's label names, as the label was made (dev_label): an
 * IP address, else an FQDN or a UUID. */
static void finding_device(analysis *an, finding *x)
{
	x->dev = NULL;
	x->label_is_ip = false;
	if (!x->device)
		return;
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
	timeline_place(&an->tl, &an->dev);
	for (guint i = 0; i < an->fnd.list->len; i++) {
		finding *x = an->fnd.list->pdata[i];
		finding_device(an, x);
		finding_list_cites(x, an->run->inputs->len);
	}
}
