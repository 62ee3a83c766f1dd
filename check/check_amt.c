/* Verdicts on what AMT says of itself (--user: AMT_GeneralSettings and
 * AMT_SetupAndConfigurationService read with a WS-Man Get). Secrets the
 * device returns (ProvisioningServerOTP) are never copied. */
#include <string.h>

#include "check.h"

static const char *prop(const wsman_reply *r, const char *name)
{
	const char *v = r->props ? g_hash_table_lookup(r->props, name) : NULL;
	return v && *v ? v : NULL;
}

static const char *state_name(const char *v)
{
	if (!v)
		return NULL;
	return !strcmp(v, "0") ? "pre" : !strcmp(v, "1") ? "in" : !strcmp(v, "2") ? "post" : v;
}

static const char *mode_name(const char *v)
{
	if (!v)
		return NULL;
	return !strcmp(v, "1") ? "admin" : !strcmp(v, "4") ? "client" : v;
}

static void read_failed(const check_opts *o, analysis *an, const device_probe *d, const wsman_reply *r,
			const char *label)
{
	if (r->status == 401) {
		finding *x = finding_add(&an->fnd, "wsman.auth.failed", SEV_ERROR, label, o->user, NULL);
		finding_summary(x, "AMT on %s refused the user %s (HTTP digest authentication, 401): its settings "
				"could not be read.", d->fqdn, o->user);
		finding_remedy(x, "Check the user name and password (AMT's admin account, or a user created on the "
			       "device); after several failures AMT blocks the account for a while.");
		return;
	}
	finding *x = finding_add(&an->fnd, "check.device.wsman_failed", SEV_WARNING, label, NULL, NULL);
	finding_summary(x, "AMT's settings on %s could not be read: %s.", d->fqdn, r->error ? r->error : "unknown error");
	finding_remedy(x, "Check that AMT answers WS-Management on TCP %u, or raise --timeout.", d->wsman_port);
}

void check_judge_settings(const check_opts *o, analysis *an, device_probe *d, device *dv, const char *label)
{
	if (!o->user)
		return;
	if (!d->wsman_tried) {
		finding *x = finding_add(&an->fnd, "check.skipped", SEV_INFO, label, "settings", NULL);
		finding_summary(x, "Not checked: AMT's settings on %s (neither TCP 16992 nor 16993 is open).", d->fqdn);
		return;
	}
	if (!d->general.props || !d->setup.props) {
		read_failed(o, an, d, d->general.props ? &d->setup : &d->general, label);
		return;
	}
	const char *host = prop(&d->general, "HostName"), *dom = prop(&d->general, "DomainName");
	const char *state = prop(&d->setup, "ProvisioningState"), *mode = prop(&d->setup, "ProvisioningMode");
	const char *ztc = prop(&d->setup, "ZeroTouchConfigurationEnabled");
	finding *x = finding_add(&an->fnd, "check.amt.settings", SEV_INFO, label, NULL, NULL);
	finding_summary(x, "AMT on %s (read as %s on %u): HostName %s, DomainName %s, provisioning state %s, mode %s, "
			"remote configuration %s.", d->fqdn, o->user, d->wsman_port, host ? host : "(empty)", dom ? dom : "(empty)",
			state ? state_name(state) : "?", mode ? mode_name(mode) : "?",
			!ztc ? "?" : !g_ascii_strcasecmp(ztc, "true") ? "enabled" : "disabled");
	if (dv) {
		evidence none = {0};
		dev_fact(&an->dev, dv, FACT_HOSTNAME, host, "wsman", none, o->now_us);
		dev_fact(&an->dev, dv, FACT_DOMAIN, dom, "wsman", none, o->now_us);
		dev_fact(&an->dev, dv, FACT_PROV_STATE, state_name(state), "wsman", none, o->now_us);
		dev_fact(&an->dev, dv, FACT_PROV_MODE, mode_name(mode), "wsman", none, o->now_us);
	}
	if (dom && !check_domain_covered(dom, o->domain)) {
		finding *y = finding_add(&an->fnd, "amt.domain.mismatch", SEV_ERROR, label, dom, NULL);
		finding_summary(y, "AMT on %s has DomainName %s, outside %s: a provisioning certificate for %s will "
				"not match the device's domain.", d->fqdn, dom, o->domain, o->domain);
		finding_remedy(y, "Set the device's domain to %s (DHCP option 15, or the MEBx FQDN / PKI DNS suffix), "
			       "or check with the --domain the device really uses.", o->domain);
	}
	if (host && dom) {
		char *fq = g_strdup_printf("%s.%s", host, dom);
		if (g_ascii_strcasecmp(fq, d->fqdn)) {
			finding *y = finding_add(&an->fnd, "amt.fqdn.mismatch", SEV_WARNING, label, fq, NULL);
			finding_summary(y, "AMT on %s calls itself %s: its TLS certificate and Kerberos names follow "
					"AMT's own FQDN, not the DNS name consoles use.", d->fqdn, fq);
			finding_remedy(y, "Make AMT's host name and domain (MEBx, or the OS-shared FQDN) equal %s, or "
				       "register %s in DNS.", d->fqdn, fq);
		}
		g_free(fq);
	}
	if (ztc && !g_ascii_strcasecmp(ztc, "false") && state && !strcmp(state, "0")) {
		finding *y = finding_add(&an->fnd, "amt.remote_config.disabled", SEV_WARNING, label, NULL, NULL);
		finding_summary(y, "AMT on %s is not provisioned and has remote configuration disabled: it will send "
				"no hello and cannot be provisioned with a certificate.", d->fqdn);
		finding_remedy(y, "Enable Remote Configuration in MEBx (Remote Setup and Configuration > TLS PKI), or "
			       "provision the device another way (host-based setup, USB).");
	}
}
