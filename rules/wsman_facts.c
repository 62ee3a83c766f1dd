/* Which WS-Man properties become device facts, and how they are spelled. */
#include "wsman_facts.h"

#include <stdlib.h>
#include <string.h>

/* A property of class cls; with instance_part, only of the instance whose
 * InstanceID contains it (or equals it, with exact). */
static const char *prop_in(const ev_wsman *w, const char *cls, const char *name, const char *instance_part,
			   bool exact)
{
	unsigned tries = 0;  /* a hostile body may repeat a property many times */
	for (size_t i = 0; i < w->nprops && tries < 64; i++) {
		const wsman_prop *p = &w->props[i];
		if (!p->cls || strcmp(p->cls, cls) != 0 || strcmp(p->name, name) != 0)
			continue;
		tries++;
		if (instance_part) {
			/* single-instance answers carry no instance id: look it up by InstanceID */
			const char *id = p->instance_id;
			for (size_t j = 0; !id && j < w->nprops; j++)
				if (w->props[j].instance == p->instance && w->props[j].cls == p->cls &&
				    strcmp(w->props[j].name, "InstanceID") == 0)
					id = w->props[j].value;
			if (!id || (exact ? strcmp(id, instance_part) != 0 : !strstr(id, instance_part)))
				continue;
		}
		return p->value;
	}
	return NULL;
}

static const char *prop_of(const ev_wsman *w, const char *cls, const char *name, const char *instance_part)
{
	return prop_in(w, cls, name, instance_part, false);
}

static bool valid_label(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '.')
			return false;
	return true;
}

/* "00-be-43-d8-22-a4" -> "00:be:43:d8:22:a4"; NULL for all-zero or odd input. */
static char *mac_norm(const char *m)
{
	if (!m || strlen(m) != 17)
		return NULL;
	char *r = g_ascii_strdown(m, -1);
	bool zero = true;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (r[i] != '-' && r[i] != ':')
				goto bad;
			r[i] = ':';
		} else if (!g_ascii_isxdigit(r[i])) {
			goto bad;
		} else if (r[i] != '0') {
			zero = false;
		}
	}
	if (!zero)
		return r;
bad:
	g_free(r);
	return NULL;
}

static const char *enum_name(const char *v, const char *const *names, size_t n)
{
	char *end;
	unsigned long x = v ? strtoul(v, &end, 10) : 0;
	if (!v || end == v || x >= n || !names[x])
		return v;
	return names[x];
}

static device *add_fact(analysis *an, device *d, fact_kind k, const char *v, const event *e)
{
	if (!v || !*v)
		return d;
	return dev_fact(&an->dev, d, k, v, "wsman", ev_evidence(e), e->ts);
}

enum {
	C_GENERAL = 1 << 0, C_SETUP = 1 << 1, C_HBS = 1 << 2, C_SOFTWARE = 1 << 3, C_ETHERNET = 1 << 4,
	C_TLS = 1 << 5, C_REDIRECTION = 1 << 6,
};

/* Which classes facts come from are in this envelope: one pass, so that a
 * reply without any (most of them) costs no property lookups. Properties of
 * one instance share their class pointer. */
static unsigned classes_present(const ev_wsman *w)
{
	static const char *const names[] = {
		"AMT_GeneralSettings", "AMT_SetupAndConfigurationService", "IPS_HostBasedSetupService",
		"CIM_SoftwareIdentity", "AMT_EthernetPortSettings", "AMT_TLSSettingData", "AMT_RedirectionService",
	};
	unsigned found = 0;
	const char *last = NULL;
	for (size_t i = 0; i < w->nprops; i++) {
		const char *cls = w->props[i].cls;
		if (!cls || cls == last)
			continue;
		last = cls;
		for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(cls, names[k]) == 0)
				found |= 1u << k;
	}
	return found;
}

device *wsman_facts(analysis *an, device *d, const event *e, const ev_wsman *w)
{
	unsigned present = classes_present(w);
	if (!present)
		return d;
	bool general = present & C_GENERAL;
	const char *host = general ? prop_of(w, "AMT_GeneralSettings", "HostName", NULL) : NULL;
	const char *domain = general ? prop_of(w, "AMT_GeneralSettings", "DomainName", NULL) : NULL;
	d = add_fact(an, d, FACT_HOSTNAME, host, e);
	d = add_fact(an, d, FACT_DOMAIN, domain, e);
	if (valid_label(host) && valid_label(domain)) {
		char *fqdn = g_ascii_strdown(host, -1);
		char *full = g_strconcat(fqdn, ".", domain, NULL);
		g_free(fqdn);
		fqdn = g_ascii_strdown(full, -1);
		d = add_fact(an, d, FACT_FQDN, fqdn, e);
		g_free(fqdn);
		g_free(full);
	}
	const char *realm = general ? prop_of(w, "AMT_GeneralSettings", "DigestRealm", NULL) : NULL;
	if (realm && *realm) {
		char *note = g_strdup_printf("digest realm %s", realm);
		d = add_fact(an, d, FACT_NOTE, note, e);
		g_free(note);
	}

	static const char *const prov_state[] = {"pre", "in", "post"};
	static const char *const prov_mode[] = {NULL, "admin", NULL, NULL, "client"};
	static const char *const control[] = {"none", "client", "admin"};
	if (present & C_SETUP) {
		d = add_fact(an, d, FACT_PROV_STATE,
			     enum_name(prop_of(w, "AMT_SetupAndConfigurationService", "ProvisioningState", NULL),
				       prov_state, 3), e);
		d = add_fact(an, d, FACT_PROV_MODE,
			     enum_name(prop_of(w, "AMT_SetupAndConfigurationService", "ProvisioningMode", NULL),
				       prov_mode, 5), e);
	}
	if (present & C_HBS)
		d = add_fact(an, d, FACT_CONTROL_MODE,
			     enum_name(prop_of(w, "IPS_HostBasedSetupService", "CurrentControlMode", NULL), control, 3),
			     e);

	/* exact: "AMT" is also the start of "AMTApps" */
	if (present & C_SOFTWARE)
		d = add_fact(an, d, FACT_AMT_VERSION, prop_in(w, "CIM_SoftwareIdentity", "VersionString", "AMT", true),
			     e);

	char *mac = present & C_ETHERNET ? mac_norm(prop_of(w, "AMT_EthernetPortSettings", "MACAddress", "Settings 0"))
					 : NULL;
	if (mac)
		d = add_fact(an, d, FACT_MAC, mac, e);
	g_free(mac);

	const char *tls = present & C_TLS ? prop_of(w, "AMT_TLSSettingData", "Enabled", "802.3") : NULL;
	if (tls) {
		const char *mutual = prop_of(w, "AMT_TLSSettingData", "MutualAuthentication", "802.3");
		char *v = g_strdup_printf("802.3 TLS %s%s", strcmp(tls, "true") == 0 ? "enabled" : "disabled",
					  mutual && strcmp(mutual, "true") == 0 ? ", mutual authentication" : "");
		d = add_fact(an, d, FACT_TLS, v, e);
		g_free(v);
	}

	const char *redir = present & C_REDIRECTION ? prop_of(w, "AMT_RedirectionService", "EnabledState", NULL) : NULL;
	if (redir) {
		static const char *const states[] = {"none", "IDE-R", "SOL", "IDE-R and SOL"};
		unsigned long s = strtoul(redir, NULL, 10);
		char *v = g_strdup_printf("redirection enabled: %s",
					  s >= 32768 && s <= 32771 ? states[s - 32768] : redir);
		d = add_fact(an, d, FACT_NOTE, v, e);
		g_free(v);
	}
	return d;
}
