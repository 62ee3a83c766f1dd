#include "volume.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A suppress file is written by hand: a few hundred lines. Anything near
 * this is not one (a capture given by mistake), and is not read whole. */
#define SUPPRESS_MAX_BYTES (4u << 20)

static void sup_free(gpointer p)
{
	suppression *s = p;
	g_free(s->rule);
	if (s->pat)
		g_pattern_spec_free(s->pat);
	g_free(s->device);
	g_free(s->reason);
	g_free(s->file);
	g_free(s);
}

void volume_init(volume *v)
{
	memset(v, 0, sizeof(*v));
	v->sup = g_ptr_array_new_with_free_func(sup_free);
	v->min_sev = SEV_INFO;
}

void volume_free(volume *v)
{
	g_ptr_array_free(v->sup, TRUE);
}

static bool rule_glob_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-*?", *p))
			return false;
	return *s != 0;
}

/* "10.0.0.0/8", "fd00::/8", "10.1.2.3"; false when it is no address. */
static bool parse_net(const char *s, amt_addr *net, unsigned *prefix, bool *bad_prefix)
{
	*bad_prefix = false;
	char *copy = g_strdup(s);
	char *slash = strchr(copy, '/');
	if (slash)
		*slash++ = 0;
	bool ok = amt_addr_parse(copy, net);
	if (ok) {
		unsigned max = net->family == 6 ? 128 : 32;
		*prefix = max;
		if (slash) {
			char *end;
			errno = 0;
			unsigned long n = strtoul(slash, &end, 10);
			if (errno || end == slash || *end || n > max || !isdigit((unsigned char)*slash))
				*bad_prefix = true;
			else
				*prefix = (unsigned)n;
		}
	}
	g_free(copy);
	return ok;
}

static bool line_error(char **err, const char *path, unsigned line, const char *what)
{
	*err = g_strdup_printf("%s:%u: %s (a line is: RULE-or-GLOB DEVICE REASON, DEVICE being * or an "
			       "address, CIDR block or name; see docs/findings.md)",
			       path, line, what);
	return false;
}

bool volume_load(volume *v, const char *path, char **err)
{
	gchar *text = NULL;
	gsize len = 0;
	GError *ge = NULL;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)SUPPRESS_MAX_BYTES) {
		*err = g_strdup_printf("%s: %lld bytes is no suppress file (at most %u MB of RULE DEVICE REASON lines)",
				       path, (long long)st.st_size, SUPPRESS_MAX_BYTES >> 20);
		return false;
	}
	if (!g_file_get_contents(path, &text, &len, &ge)) {
		*err = g_strdup_printf("cannot read the suppress file: %s", ge->message);
		g_error_free(ge);
		return false;
	}
	if (memchr(text, 0, len)) {
		g_free(text);
		*err = g_strdup_printf("%s: not a text file (a suppress file has one rule a line)", path);
		return false;
	}
	bool ok = true;
	gchar **lines = g_strsplit(text, "\n", -1);
	for (unsigned i = 0; lines[i] && ok; i++) {
		unsigned no = i + 1;
		char *l = g_strstrip(lines[i]);
		if (!*l || *l == '#')
			continue;
		char *rule_id = l;
		char *p = rule_id;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (!*p) {
			ok = line_error(err, path, no, "a device (or *) and a reason must follow the rule");
			break;
		}
		*p++ = 0;
		while (isspace((unsigned char)*p))
			p++;
		char *dev = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
		while (isspace((unsigned char)*p))
			p++;
		char *reason = p;
		if (!rule_glob_ok(rule_id)) {
			ok = line_error(err, path, no, "the rule is not a rule id or glob (letters, digits, . _ - * ?)");
			break;
		}
		if (!*reason) {
			ok = line_error(err, path, no, "no reason: say why these findings are expected");
			break;
		}
		suppression *s = g_new0(suppression, 1);
		s->rule = g_strdup(rule_id);
		s->pat = g_pattern_spec_new(rule_id);
		s->reason = g_strdup(reason);
		s->file = g_strdup(path);
		s->line = no;
		if (strcmp(dev, "*")) {
			bool bad_prefix;
			s->device = g_strdup(dev);
			if (parse_net(dev, &s->net, &s->prefix, &bad_prefix)) {
				if (bad_prefix) {
					sup_free(s);
					ok = line_error(err, path, no, "the CIDR prefix length is not 0-32 (IPv4) or 0-128 (IPv6)");
					break;
				}
			} else if (strchr(dev, '/')) {
				sup_free(s);
				ok = line_error(err, path, no, "the device looks like a CIDR block but is none");
				break;
			}
		}
		g_ptr_array_add(v->sup, s);
	}
	g_strfreev(lines);
	g_free(text);
	return ok;
}

static bool in_net(const amt_addr *a, const amt_addr *net, unsigned prefix)
{
	if (a->family != net->family)
		return false;
	unsigned full = prefix / 8, rest = prefix % 8;
	if (memcmp(a->b, net->b, full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->b[full] & mask) == (net->b[full] & mask);
}

static bool device_matches(const suppression *s, analysis *an, const finding *x)
{
	if (!s->device)
		return true;
	if (!x->device)
		return false;
	if (s->net.family) {
		amt_addr a;
		if (amt_addr_parse(x->device, &a))
			return in_net(&a, &s->net, s->prefix);
		/* a device labelled by name: any of its addresses */
		GPtrArray *ds = dev_by_fqdn(&an->dev, x->device);
		bool hit = false;
		for (guint i = 0; ds && i < ds->len && !hit; i++) {
			const device *d = dev_resolve(ds->pdata[i]);
			for (guint k = 0; k < d->facts->len && !hit; k++) {
				const fact *f = &g_array_index(d->facts, fact, k);
				hit = f->kind == FACT_IP && f->as.addr.family && in_net(&f->as.addr, &s->net, s->prefix);
			}
		}
		return hit;
	}
	if (!g_ascii_strcasecmp(s->device, x->device))
		return true;
	device *d = dev_by_ip_str(&an->dev, x->device, false);
	if (!d)
		d = dev_by_uuid(&an->dev, x->device, false);
	if (!d)
		return false;
	d = dev_resolve(d);
	static const fact_kind names[] = {FACT_FQDN, FACT_HOSTNAME, FACT_UUID, FACT_MAC};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (dev_has(d, names[i], s->device))
			return true;
	return false;
}

static bool drop(volume *v, analysis *an, finding *x)
{
	if ((int)x->sev < v->min_sev) {
		v->below_min++;
		return true;
	}
	for (guint i = 0; i < v->sup->len; i++) {
		suppression *s = v->sup->pdata[i];
		if (g_pattern_spec_match_string(s->pat, x->rule) && device_matches(s, an, x)) {
			s->hits++;
			v->suppressed++;
			return true;
		}
	}
	return false;
}

void volume_apply(volume *v, analysis *an)
{
	GPtrArray *list = an->fnd.list;
	GHashTable *gone = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < list->len; i++)
		if (drop(v, an, list->pdata[i]))
			g_hash_table_add(gone, list->pdata[i]);
	findings_remove(&an->fnd, gone);
	g_hash_table_destroy(gone);
}

static gint cmp_summary(gconstpointer a, gconstpointer b)
{
	const rule_summary *x = a, *y = b;
	if (x->sev != y->sev)
		return (int)y->sev - (int)x->sev;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->rule, y->rule);
}

GArray *rule_summaries(const findings *f)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(rule_summary));
	GHashTable *idx = g_hash_table_new(g_str_hash, g_str_equal);   /* rule -> index+1 */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);  /* rule|device */
	GPtrArray *fs = findings_sorted(f);
	for (guint i = 0; i < fs->len; i++) {
		finding *x = fs->pdata[i];
		guint at = GPOINTER_TO_UINT(g_hash_table_lookup(idx, x->rule));
		if (!at) {
			rule_summary r = {.rule = x->rule, .sev = x->sev, .findings = g_ptr_array_new()};
			g_array_append_val(out, r);
			at = out->len;
			g_hash_table_insert(idx, x->rule, GUINT_TO_POINTER(at));
		}
		rule_summary *r = &g_array_index(out, rule_summary, at - 1);
		r->count++;
		if (x->sev > r->sev)
			r->sev = x->sev;
		if (x->first_seen && (!r->first_seen || x->first_seen < r->first_seen))
			r->first_seen = x->first_seen;
		if (x->last_seen > r->last_seen)
			r->last_seen = x->last_seen;
		g_ptr_array_add(r->findings, x);
		if (x->device) {
			char *k = g_strdup_printf("%s|%s", x->rule, x->device);
			if (g_hash_table_add(seen, k))
				r->devices++;
		}
	}
	g_ptr_array_free(fs, TRUE);
	g_hash_table_destroy(idx);
	g_hash_table_destroy(seen);
	/* the findings' order is kept: only the rows move */
	g_array_sort(out, cmp_summary);
	return out;
}

void rule_summaries_free(GArray *a)
{
	for (guint i = 0; i < a->len; i++)
		g_ptr_array_free(g_array_index(a, rule_summary, i).findings, TRUE);
	g_array_free(a, TRUE);
}
