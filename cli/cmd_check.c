/* amtscope check: an active pre-deployment check of DNS, the setup service,
 * the devices and the provisioning certificate (check/). The verdicts are
 * findings rendered by the same reports as `analyze`, with the same exit
 * codes. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../check/check.h"
#include "../decoder/smallfile.h"
#include "../reports/report.h"
#include "cli.h"
#include "outfile.h"
#include "version.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_HTML, FMT_UNSET };

static void help(void)
{
	puts("usage: amtscope check --domain DOMAIN [options]\n\n"
	     "Asks the live network what a device will ask before it is provisioned: does\n"
	     "ProvisionServer.DOMAIN resolve and lead to the setup service, do the devices' names\n"
	     "resolve both ways, what TLS certificate do they present, is the provisioning\n"
	     "certificate right for DOMAIN. Sends only DNS queries, TCP connects, TLS handshakes\n"
	     "and an RMCP presence ping; never authenticates unless --user is given.\n\n"
	     "  --domain DOMAIN       the DNS suffix the devices get (DHCP option 15 / MEBx)\n"
	     "  --dns SERVER[:PORT]   also ask this DNS server directly (default port 53)\n"
	     "  --scs HOST[:PORT]     where the setup service runs (default port 9971)\n"
	     "  --device FQDN         an AMT device to check (repeatable)\n"
	     "  --prov-cert FILE      the provisioning certificate (PKCS#12, PEM or DER)\n"
	     "  --password-file F     its PKCS#12 password (first line of F)\n"
	     "  --user USER           also read AMT_GeneralSettings and AMT_SetupAndConfigurationService\n"
	     "                        (WS-Man Get, HTTP digest on 16992; nothing else is sent)\n"
	     "  --amt-password-file F its password (else asked on the terminal; never on the command line)\n"
	     "  --ca-file PEM         extra trust anchors for the devices' TLS certificates\n"
	     "  --no-system-ca        the system's CA store is no trust anchor (default: it is)\n"
	     "  --amt-hashes FILE     more root hashes the AMT fleet trusts\n"
	     "  --timeout SECONDS     per network step (default 3)\n"
	     "  --parallel N          devices checked at once (default 8)\n"
	     "  --format text|json|html   -o FILE   -q findings only   --no-color\n"
	     "  --fail-on error|warning|info|never   exit 1 when findings reach this level (default error)\n"
	     "exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error");
}

enum {
	O_DOMAIN = 1000, O_DNS, O_SCS, O_DEVICE, O_PROV, O_PASS, O_CA, O_HASHES, O_TIMEOUT, O_PARALLEL,
	O_FORMAT, O_FAIL_ON, O_NO_COLOR, O_USER, O_AMT_PASS, O_HELP, O_NO_SYSTEM_CA,
};

/* "host", "host:port", "[v6]:port", "v6"; host is g_free'd by the caller. */
static bool split_host_port(const char *s, uint16_t def, char **host, uint16_t *port)
{
	const char *colon = NULL;
	*port = def;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end)
			return false;
		*host = g_strndup(s + 1, (gsize)(end - s - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return false;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;  /* a bare IPv6 address */
		*host = colon ? g_strndup(s, (gsize)(colon - s)) : g_strdup(s);
	}
	if (colon) {
		char *end;
		errno = 0;
		long p = strtol(colon + 1, &end, 10);
		if (errno || *end || p < 1 || p > 65535)
			return false;
		*port = (uint16_t)p;
	}
	return **host != 0;
}

static char *read_secret_file(const char *path)
{
	char *data = NULL, *err = NULL;
	size_t len;
	if (!smallfile_read(path, "password file", SMALLFILE_PASSWORD_MAX, &data, &len, &err)) {
		cli_warn("%s", err);  /* the caller says which option failed */
		g_free(err);
		return NULL;
	}
	data[strcspn(data, "\r\n")] = 0;
	return data;
}

/* Asks on the terminal with echo off; NULL without a terminal. */
static char *prompt_password(const char *user)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	struct termios old, quiet;
	bool echo_off = tcgetattr(fileno(tty), &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	fprintf(tty, "AMT password for %s: ", user);
	fflush(tty);
	char buf[256];
	char *got = fgets(buf, sizeof(buf), tty);
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	char *pw = got ? g_strndup(buf, strcspn(buf, "\r\n")) : NULL;
	memset(buf, 0, sizeof(buf));
	return pw;
}

static bool valid_domain(const char *d)
{
	size_t n = strlen(d);
	if (!n || n > 253 || d[0] == '.' || strstr(d, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(d[i]) && d[i] != '-' && d[i] != '.' && d[i] != '_')
			return false;
	return true;
}

typedef struct cli_check {
	check_opts o;
	char *dns_host, *scs_host, *password, *amt_password;
	enum fmt format;
	const char *out, *password_file, *amt_password_file;
	bool quiet, no_color;
	int fail_on;
} cli_check;

static int settle(cli_check *c);

static int parse(int argc, char **argv, cli_check *c)
{
	static const struct option lo[] = {
		{"domain", required_argument, 0, O_DOMAIN}, {"dns", required_argument, 0, O_DNS},
		{"scs", required_argument, 0, O_SCS}, {"device", required_argument, 0, O_DEVICE},
		{"prov-cert", required_argument, 0, O_PROV}, {"password-file", required_argument, 0, O_PASS},
		{"ca-file", required_argument, 0, O_CA}, {"amt-hashes", required_argument, 0, O_HASHES},
		{"no-system-ca", no_argument, 0, O_NO_SYSTEM_CA},
		{"timeout", required_argument, 0, O_TIMEOUT}, {"parallel", required_argument, 0, O_PARALLEL},
		{"format", required_argument, 0, O_FORMAT}, {"fail-on", required_argument, 0, O_FAIL_ON},
		{"no-color", no_argument, 0, O_NO_COLOR}, {"user", required_argument, 0, O_USER},
		{"amt-password-file", required_argument, 0, O_AMT_PASS},
		{"help", no_argument, 0, O_HELP}, {0, 0, 0, 0},
	};
	check_opts *o = &c->o;
	const char *password_file = NULL, *amt_password_file = NULL;
	optind = 1;
	c->format = FMT_UNSET;
	int opt;
	while ((opt = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		char *end;
		switch (opt) {
		case O_DOMAIN: o->domain = optarg; break;
		case O_DNS:
			g_free(c->dns_host);
			if (!split_host_port(optarg, 53, &c->dns_host, &o->dns_port)) {
				cli_error("--dns takes SERVER[:PORT] (an IP address, [v6]:port for IPv6), not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_SCS:
			g_free(c->scs_host);
			if (!split_host_port(optarg, CHECK_SCS_PORT, &c->scs_host, &o->scs_port)) {
				cli_error("--scs takes HOST[:PORT], not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_DEVICE:
			if (!valid_domain(optarg)) {
				cli_error("--device takes the FQDN of an AMT device, not '%s'", optarg);
				return EXIT_USAGE;
			}
			if (o->devices->len >= CHECK_MAX_DEVICES) {
				cli_error("at most %d --device", CHECK_MAX_DEVICES);
				return EXIT_USAGE;
			}
			g_ptr_array_add(o->devices, optarg);
			break;
		case O_PROV: o->prov_cert = optarg; break;
		case O_PASS: password_file = optarg; break;
		case O_CA: o->ca_file = optarg; break;
		case O_NO_SYSTEM_CA: o->no_system_ca = true; break;
		case O_HASHES: o->amt_hashes = optarg; break;
		case O_TIMEOUT: {
			double s = strtod(optarg, &end);
			if (end == optarg || *end || !(s > 0) || s > 600) {
				cli_error("--timeout takes seconds between 0 and 600 (e.g. 3 or 0.5), not '%s'", optarg);
				return EXIT_USAGE;
			}
			o->timeout_ms = (int)(s * 1000) ? (int)(s * 1000) : 1;
			break;
		}
		case O_PARALLEL: {
			long n = strtol(optarg, &end, 10);
			if (end == optarg || *end || n < 1 || n > 64) {
				cli_error("--parallel takes a number from 1 to 64, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o->parallel = (int)n;
			break;
		}
		case O_FORMAT:
			if (!strcmp(optarg, "text")) c->format = FMT_TEXT;
			else if (!strcmp(optarg, "json")) c->format = FMT_JSON;
			else if (!strcmp(optarg, "html")) c->format = FMT_HTML;
			else {
				cli_error("unknown --format '%s' (use text, json or html)", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_FAIL_ON:
			if (!severity_parse(optarg, &c->fail_on)) {
				cli_error("--fail-on takes error, warning, info or never, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o': c->out = optarg; break;
		case 'q': c->quiet = true; break;
		case O_NO_COLOR: c->no_color = true; break;
		case O_USER:
			if (!*optarg || strpbrk(optarg, "\"\\\r\n\t")) {
				cli_error("--user takes an AMT account name (no quotes, backslashes or control characters)");
				return EXIT_USAGE;
			}
			o->user = optarg;
			break;
		case O_AMT_PASS: amt_password_file = optarg; break;
		case 'h': case O_HELP: help(); return -1;
		default: fprintf(stderr, "try 'amtscope check --help'\n"); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s' (devices are given with --device FQDN)", argv[optind]);
		return EXIT_USAGE;
	}
	c->password_file = password_file;
	c->amt_password_file = amt_password_file;
	return settle(c);
}

/* After the options: the format, the domain, the passwords read. */
static int settle(cli_check *c)
{
	check_opts *o = &c->o;
	const char *password_file = c->password_file, *amt_password_file = c->amt_password_file;
	if (c->format == FMT_UNSET) {  /* -o report.html: the format from the name */
		const char *x = cli_ext_format(c->out);
		c->format = x && !strcmp(x, "json") ? FMT_JSON : x && !strcmp(x, "html") ? FMT_HTML : FMT_TEXT;
	}
	if (!o->domain || !valid_domain(o->domain)) {
		cli_error(o->domain ? "--domain '%s' is not a DNS domain" : "%s--domain DOMAIN is required: the DNS "
			  "suffix the devices get (DHCP option 15)", o->domain ? o->domain : "");
		return EXIT_USAGE;
	}
	if (password_file && !(c->password = read_secret_file(password_file))) {
		cli_error("cannot read --password-file %s", password_file);
		return EXIT_USAGE;
	}
	o->prov_password = c->password;
	/* one --password-file serves --user when there is no certificate to open */
	if (!amt_password_file && password_file && !o->prov_cert && o->user)
		amt_password_file = password_file;
	else if (password_file && !o->prov_cert)
		cli_warn("--password-file without --prov-cert or --user is not used");
	if (amt_password_file && !o->user)
		cli_warn("--amt-password-file without --user is not used");
	if (o->user) {
		c->amt_password = amt_password_file ? read_secret_file(amt_password_file) : prompt_password(o->user);
		if (!c->amt_password) {
			cli_error(amt_password_file ? "cannot read --amt-password-file %s"
						    : "--user %s needs a password: give --amt-password-file F (no terminal to ask on)",
				  amt_password_file ? amt_password_file : o->user);
			return EXIT_USAGE;
		}
		o->amt_password = c->amt_password;
	}
	return 0;
}

/* --dns and --scs names become addresses here; --dns must be one. */
static int resolve_servers(cli_check *c)
{
	check_opts *o = &c->o;
	o->scs_host = c->scs_host;
	if (!c->dns_host)
		return 0;
	if (g_hostname_is_ip_address(c->dns_host)) {
		o->dns_server = c->dns_host;
		return 0;
	}
	dnsq_result r;
	dnsq_result_init(&r);
	sys_resolve(c->dns_host, o->timeout_ms, &r);
	int rc = 0;
	if (r.status == DNSQ_OK) {
		char *name = c->dns_host;
		c->dns_host = g_strdup(r.addrs->pdata[0]);
		g_free(name);
		o->dns_server = c->dns_host;
	} else {
		cli_error("--dns %s does not resolve (%s): give the DNS server's IP address", c->dns_host,
			  r.error ? r.error : "no address");
		rc = EXIT_USAGE;
	}
	dnsq_result_clear(&r);
	return rc;
}

static void text_header(FILE *f, const check_opts *o)
{
	fprintf(f, "amtscope check of domain %s\n", o->domain);
	fprintf(f, "  DNS: the system resolver%s%s\n", o->dns_server ? " and DNS server " : "",
		o->dns_server ? o->dns_server : "");
	fprintf(f, "  setup service: %s port %u\n", o->scs_host ? o->scs_host : "where ProvisionServer leads",
		o->scs_port);
	fprintf(f, "  devices: %u; provisioning certificate: %s; timeout %d ms, %d in parallel\n",
		o->devices->len, o->prov_cert ? o->prov_cert : "none", o->timeout_ms, o->parallel);
}

static void text_devices(FILE *f, analysis *an)
{
	GPtrArray *devs = devtab_list(&an->dev);
	fprintf(f, "\nHosts: %u\n", devs->len);
	for (guint i = 0; i < devs->len; i++) {
		const device *d = devs->pdata[i];
		const fact *ip = dev_first(d, FACT_IP), *fq = dev_first(d, FACT_FQDN);
		GString *roles = g_string_new(NULL), *ports = g_string_new(NULL);
		for (unsigned b = 0; b < ROLE_COUNT; b++)
			if (d->roles & (1u << b))
				g_string_append_printf(roles, "%s%s", roles->len ? "," : "", role_name(1u << b));
		for (guint k = 0; k < d->facts->len; k++) {
			const fact *x = &g_array_index(d->facts, fact, k);
			if (x->kind == FACT_TLS)
				g_string_append_printf(ports, "%s%s", ports->len ? " " : "", x->value);
		}
		fprintf(f, "  %-39s %-30s %-16s open: %s\n", ip ? ip->value : "-", fq ? fq->value : "-",
			roles->len ? roles->str : "-", ports->len ? ports->str : "-");
		g_string_free(roles, TRUE);
		g_string_free(ports, TRUE);
	}
	g_ptr_array_free(devs, TRUE);
}

int cmd_check(int argc, char **argv)
{
	cli_check c;
	memset(&c, 0, sizeof(c));
	c.fail_on = SEV_ERROR;
	c.o.devices = g_ptr_array_new();
	c.o.timeout_ms = 3000;
	c.o.parallel = 8;
	c.o.scs_port = CHECK_SCS_PORT;
	c.o.dns_port = 53;
	int rc = parse(argc, argv, &c);
	if (rc == 0)
		rc = resolve_servers(&c);
	if (rc) {
		rc = rc < 0 ? EXIT_CLEAN : rc;
		goto out;
	}
	const char *now_env = getenv("AMTSCOPE_NOW");  /* tests pin "now" (seconds since the epoch) */
	c.o.now_us = (int64_t)(now_env && *now_env ? g_ascii_strtoll(now_env, NULL, 10) : time(NULL)) * 1000000;
	c.o.progress = isatty(STDERR_FILENO) && !(getenv("AMTSCOPE_NO_PROGRESS") && *getenv("AMTSCOPE_NO_PROGRESS"));

	io_guard g;
	io_guard_init(&g);
	io_guard_input(&g, "--prov-cert", c.o.prov_cert);
	io_guard_input(&g, "--ca-file", c.o.ca_file);
	io_guard_input(&g, "--amt-hashes", c.o.amt_hashes);
	io_guard_input(&g, "--password-file", c.password_file);
	io_guard_input(&g, "--amt-password-file", c.amt_password_file);
	io_guard_output(&g, "-o", c.out);
	bool distinct = io_guard_check(&g);
	io_guard_free(&g);
	outfile of;
	if (!distinct || !outfile_open(&of, "-o", c.out, OUT_REPORT)) {
		rc = EXIT_USAGE;
		goto out;
	}
	FILE *out = of.f;
	amt_run run;
	run_init(&run);
	run.cfg.data_dir = cli_data_dir();
	run.cfg.ca_file = c.o.ca_file;
	run.cfg.no_system_ca = c.o.no_system_ca;
	run.cfg.amt_hashes_file = c.o.amt_hashes;
	analysis an;
	analysis_init(&an, &run);

	check_state st;
	check_state_init(&st, &c.o);
	check_probe_all(&st);
	check_progress(&c.o, "judging");
	check_domain(&c.o, &an);
	check_judge(&st, &an);
	bool input_ok = check_prov_cert(&c.o, &an);
	analysis_end(&an);
	check_progress_done(&c.o);

	report_opts ro = {
		.color = !c.no_color && !c.out && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
		.quiet = c.quiet,
		.version = AMTSCOPE_VERSION,
	};
	GArray *by_rule = rule_summaries(&an.fnd);
	ro.by_rule = by_rule;
	switch (c.format) {
	case FMT_TEXT:
		/* the capture header (packets, flows) means nothing here: a check header instead */
		if (!c.quiet)
			text_header(out, &c.o);
		ro.quiet = true;
		report_text(out, &an, &ro);
		if (!c.quiet)
			text_devices(out, &an);
		break;
	case FMT_JSON: report_json(out, &an, &ro); break;
	case FMT_HTML: report_html(out, &an, &ro); break;
	case FMT_UNSET: break;
	}
	if (c.fail_on <= SEV_ERROR && findings_count_at_least(&an.fnd, (severity)c.fail_on))
		rc = EXIT_FINDINGS;
	if (!input_ok)
		rc = EXIT_USAGE;
	rule_summaries_free(by_rule);
	check_state_free(&st);
	analysis_free(&an);
	run_free(&run);
	if (!outfile_commit(&of))
		rc = EXIT_USAGE;
out:
	if (c.password) {
		memset(c.password, 0, strlen(c.password));
		g_free(c.password);
	}
	if (c.amt_password) {
		memset(c.amt_password, 0, strlen(c.amt_password));
		g_free(c.amt_password);
	}
	g_free(c.dns_host);
	g_free(c.scs_host);
	g_ptr_array_free(c.o.devices, TRUE);
	return rc;
}
