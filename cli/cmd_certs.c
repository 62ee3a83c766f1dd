/* amtscope certs: check certificate files before they are used: the PEM
 * bundle a console uses for redirection (links, order, does it complete a
 * server's chain), a provisioning certificate (OU/EKU, root hash, dates,
 * key and signature) and an AMT TLS certificate against an FQDN. */
#include <getopt.h>
#include <glib.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "../decoder/engine.h"
#include "../decoder/smallfile.h"
#include "../dissectors/x509.h"
#include "../reports/jsonw.h"
#include "../inputs/amthashes.h"
#include "../rules/certcheck.h"
#include "../inputs/certfile.h"
#include "../rules/chainjudge.h"
#include "cli.h"

typedef enum ck_level { CK_OK, CK_INFO, CK_WARN, CK_PROBLEM } ck_level;
static const char *const level_names[] = {"ok", "info", "warning", "problem"};

typedef struct check {
	ck_level level;
	const char *id;
	char *text;
} check;

typedef struct file_report {
	const char *path;
	certfile cf;
	x509_info *info;  /* per certificate */
	const char *order;  /* "single", "leaf_first", "root_first", "mixed" */
	GArray *checks;
	arena a;
} file_report;

typedef struct certs_opts {
	const char *leaf_file, *host, *capture, *ca_file, *hashes_file, *password_file;
	bool json, provisioning, no_system_ca;
	int64_t now;
} certs_opts;

static void add(file_report *r, ck_level l, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(file_report *r, ck_level l, const char *id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	check c = {l, id, g_strdup_vprintf(fmt, ap)};
	va_end(ap);
	g_array_append_val(r->checks, c);
}

static bool issued(X509 *issuer, X509 *subject)
{
	return X509_check_issued(issuer, subject) == X509_V_OK;
}

/* Which way the file runs: for every certificate whose issuer is also in the
 * file, is the issuer after it (leaf first) or before it (root first)? */
static void judge_order(file_report *r, X509 **c, int n)
{
	if (n == 1) {
		r->order = "single";
		return;
	}
	bool after = false, before = false;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (i != j && issued(c[j], c[i]) && !issued(c[i], c[j])) {
				after |= j > i;
				before |= j < i;
			}
	if (r->cf.kind == CF_PKCS12) {
		r->order = after && !before ? "leaf_first" : before && !after ? "root_first" : "mixed";
		return;  /* a PKCS#12 bag has no order anyone relies on */
	}
	if (after && !before) {
		r->order = "leaf_first";
		add(r, CK_OK, "order", "order: leaf first, each certificate before its issuer (bottom up)");
	} else if (before && !after) {
		r->order = "root_first";
		add(r, CK_OK, "order", "order: root first, each issuer before the certificates it issued (top down)");
	} else if (after && before) {
		r->order = "mixed";
		add(r, CK_PROBLEM, "order.mixed",
		    "order: mixed; OpenSSL-based redirection (SOL/IDE-R/KVM) needs the links in one direction: "
		    "rebuild the file root first (or leaf first), one certificate after the other");
	} else {
		r->order = "unrelated";
		add(r, CK_INFO, "order", "order: no certificate in the file issued another one");
	}
}

/* The chain's start: a certificate of the set that issued none of the
 * others, preferring one that is not self-signed (a lone root is an end). */
static int bottom_of(X509 **c, int n)
{
	int fallback = -1;
	for (int i = 0; i < n; i++) {
		bool issuer_of_other = false;
		for (int j = 0; j < n && !issuer_of_other; j++)
			issuer_of_other = j != i && issued(c[i], c[j]) && !issued(c[j], c[i]);
		if (issuer_of_other)
			continue;
		if (X509_self_signed(c[i], 0) != 1)
			return i;
		if (fallback < 0)
			fallback = i;
	}
	return fallback < 0 ? 0 : fallback;
}

static ck_level level_of(severity s)
{
	return s == SEV_ERROR ? CK_PROBLEM : s == SEV_WARNING ? CK_WARN : CK_INFO;
}

static bool said(const file_report *r, const char *id, const char *text)
{
	for (guint i = 0; i < r->checks->len; i++) {
		const check *c = &g_array_index(r->checks, check, i);
		if (!strcmp(c->id, id) && !strcmp(c->text, text))
			return true;
	}
	return false;
}

/* The verdicts of the one chain judge (rules/chainjudge.c), as analyze and
 * check --prov-cert give them: the same id, level and text, once per file
 * (the file's certificates are in every chain judged from it). */
static void add_judged(file_report *r, const chain_judge_in *in)
{
	GArray *out = chain_judge(in);
	for (guint i = 0; i < out->len; i++) {
		const cert_finding *f = &g_array_index(out, cert_finding, i);
		if (!said(r, f->id, f->summary))
			add(r, level_of(f->sev), f->id, "%s", f->summary);
	}
	chain_judge_free(out);
}

static void judge_chain(file_report *r, certcheck *cc, X509 *leaf, X509 **c, int n, const certs_opts *o,
			const char *leaf_desc, chain_verdict const **out)
{
	X509 **chain = g_new0(X509 *, n + 2);
	int k = 0;
	chain[k++] = leaf;
	for (int i = 0; i < n; i++)
		if (c[i] != leaf)
			chain[k++] = c[i];
	const chain_verdict *v = certcheck_x509(cc, chain, (uint32_t)k, o->now);
	g_free(chain);
	*out = v;
	if (v->complete)
		add(r, CK_OK, "chain.complete", "chain: %s reaches %s (trust anchor from %s)", leaf_desc,
		    v->root_subject ? v->root_subject : "a root",
		    !strcmp(v->anchor_source, "the chain") ? "the file" : v->anchor_source);
	chain_judge_in in = {.v = v, .root_trusted = -1, .dates = true, .at_us = o->now};
	add_judged(r, &in);
}

static void judge_provisioning(file_report *r, const x509_info *leaf, const chain_verdict *v, amt_hashes *h,
			       const certs_opts *o)
{
	if (leaf->ou_setup_cert)
		add(r, CK_OK, "prov.ou", "provisioning: OU '%s' present", AMT_OU_SETUP_CERT);
	if (leaf->eku_amt_activation)
		add(r, CK_OK, "prov.eku", "provisioning: EKU %s present", AMT_OID_AMT_ACTIVATION);
	char *domain = prov_domain_suffix(leaf->subject_cn);
	if (domain)
		add(r, CK_INFO, "prov.domain", "provisioning: vouches for domain %s: AMT's DNS suffix (DHCP option 15 "
		    "or MEBx PKI DNS suffix) must be %s", domain, domain);
	g_free(domain);
	chain_judge_in in = {.v = v, .leaf = leaf, .provisioning = true, .root_trusted = -1,
			     .dates = true, .at_us = o->now, .hashes_source = o->hashes_file ? "AMT's default root hashes or --amt-hashes"
							     : "AMT's default root hashes"};
	const char *name = NULL;
	if (v->complete && *v->root_sha256) {
		name = amt_hashes_find(h, v->root_sha1, v->root_sha256);
		in.root_trusted = name != NULL;
	}
	if (name && v->root_index >= 0)
		add(r, CK_OK, "prov.root", "provisioning: root %s is trusted by AMT%s%s%s", v->root_subject,
		    *name ? " (" : "", name, *name ? ")" : "");
	add_judged(r, &in);
	if (r->cf.kind == CF_PKCS12 && !r->cf.has_key)
		add(r, CK_PROBLEM, "prov.no_key", "provisioning: the PKCS#12 file holds no private key");
}

static void describe_all(file_report *r, X509 **c, int n)
{
	r->info = arena_alloc(&r->a, (size_t)n * sizeof(x509_info) + 1);
	for (int i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(c[i], &der);
		/* OpenSSL parsed it already: one past the decoder's size cap is
		 * still described, from the parsed certificate */
		if (len <= 0 || !x509_decode(NULL, &r->a, der, (size_t)len, &r->info[i]))
			x509_describe(&r->a, c[i], &r->info[i]);
		OPENSSL_free(der);
	}
}

/* Everything about one file. leaves: server certificates to complete (may be empty). */
static void judge_file(file_report *r, certcheck *cc, amt_hashes *h, GPtrArray *leaves, const certs_opts *o)
{
	int n = sk_X509_num(r->cf.certs);
	X509 **c = g_new0(X509 *, n + 1);
	for (int i = 0; i < n; i++)
		c[i] = sk_X509_value(r->cf.certs, i);
	describe_all(r, c, n);
	if (r->cf.truncated)
		add(r, CK_WARN, "truncated", "only the first %d certificates were read", CERTFILE_MAX_CERTS);
	judge_order(r, c, n);
	const chain_verdict *v = NULL;
	for (guint i = 0; i < leaves->len; i++) {
		X509 *leaf = leaves->pdata[i];
		arena a;
		arena_init(&a, 0);
		char *desc = g_strdup_printf("server certificate %s", x509_name_text(&a, X509_get_subject_name(leaf)));
		arena_free(&a);
		judge_chain(r, cc, leaf, c, n, o, desc, &v);
		g_free(desc);
	}
	int b = bottom_of(c, n);
	const x509_info *start = &r->info[b];
	bool prov = o->provisioning || start->ou_setup_cert || start->eku_amt_activation ||
		    (r->cf.kind == CF_PKCS12 && !o->host);
	if (!leaves->len && !prov) {
		char *desc = g_strdup_printf("%s", r->info[b].subject ? r->info[b].subject : "?");
		judge_chain(r, cc, c[b], c, n, o, desc, &v);
		g_free(desc);
	}
	if (r->cf.has_key && !r->cf.key_matches)
		add(r, CK_PROBLEM, "key.mismatch", "the private key in the file does not belong to certificate 1");
	if (prov && !leaves->len) {
		const chain_verdict *pv = certcheck_x509(cc, (X509 *[]){c[b]}, 1, o->now);
		if (n > 1) {
			X509 **chain = g_new0(X509 *, n + 1);
			int k = 0;
			chain[k++] = c[b];
			for (int i = 0; i < n; i++)
				if (i != b)
					chain[k++] = c[i];
			pv = certcheck_x509(cc, chain, (uint32_t)k, o->now);
			g_free(chain);
		}
		judge_provisioning(r, start, pv, h, o);
	}
	if (o->host) {
		if (cert_matches_host(c[b], o->host))
			add(r, CK_OK, "host", "name: %s covers %s", start->subject, o->host);
		else
			add(r, CK_PROBLEM, "host.mismatch", "name: %s does not cover %s (CN and subjectAltName)",
			    start->subject, o->host);
	}
	g_free(c);
}

static bool has_problem(const file_report *r)
{
	for (guint i = 0; i < r->checks->len; i++)
		if (g_array_index(r->checks, check, i).level == CK_PROBLEM)
			return true;
	return false;
}

static void print_text(FILE *f, file_report *r)
{
	int n = sk_X509_num(r->cf.certs);
	fprintf(f, "%s: %s, %d certificate%s%s\n", r->path, certfile_kind_name(r->cf.kind), n, n == 1 ? "" : "s",
		r->cf.has_key ? ", with private key" : "");
	for (int i = 0; i < n; i++) {
		const x509_info *x = &r->info[i];
		char nb[32], na[32];
		fprintf(f, "  [%d] %s%s%s\n", i + 1, x->subject, x->self_signed ? " (self-signed)" : "",
			x->is_ca ? " (CA)" : "");
		fprintf(f, "      issuer: %s\n", x->issuer);
		fprintf(f, "      valid: %s to %s\n", x509_time_text(x->not_before, nb, sizeof(nb)),
			x509_time_text(x->not_after, na, sizeof(na)));
		for (uint32_t j = 0; j < x->nsans; j++)
			fprintf(f, "      san: %s\n", x->sans[j]);
		for (uint32_t j = 0; j < x->nous; j++)
			fprintf(f, "      ou: %s\n", x->ous[j]);
		for (uint32_t j = 0; j < x->nekus; j++)
			fprintf(f, "      eku: %s\n", x->ekus[j]);
		fprintf(f, "      key: %s %d, signature: %s\n", x->key_type, x->key_bits, x->sig_alg);
		fprintf(f, "      sha1: %s\n      sha256: %s\n", x->sha1, x->sha256);
	}
	for (guint i = 0; i < r->checks->len; i++) {
		const check *c = &g_array_index(r->checks, check, i);
		fprintf(f, "  %-8s %s\n", level_names[c->level], c->text);
	}
	fprintf(f, "  verdict: %s\n", has_problem(r) ? "PROBLEMS" : "OK");
}

static void print_json_file(jsonw *w, file_report *r)
{
	jw_obj(w);
	jw_kstr(w, "path", r->path);
	jw_kstr(w, "kind", certfile_kind_name(r->cf.kind));
	jw_kbool(w, "private_key", r->cf.has_key);
	jw_kstr(w, "order", r->order);
	jw_key(w, "certificates");
	jw_arr(w);
	for (int i = 0; i < sk_X509_num(r->cf.certs); i++) {
		const x509_info *x = &r->info[i];
		jw_obj(w);
		jw_kstr(w, "subject", x->subject);
		jw_kstr(w, "issuer", x->issuer);
		jw_ktime(w, "not_before", x->not_before);
		jw_ktime(w, "not_after", x->not_after);
		jw_key(w, "san");
		jw_arr(w);
		for (uint32_t j = 0; j < x->nsans; j++)
			jw_str(w, x->sans[j]);
		jw_arr_end(w);
		jw_key(w, "ou");
		jw_arr(w);
		for (uint32_t j = 0; j < x->nous; j++)
			jw_str(w, x->ous[j]);
		jw_arr_end(w);
		jw_key(w, "eku");
		jw_arr(w);
		for (uint32_t j = 0; j < x->nekus; j++)
			jw_str(w, x->ekus[j]);
		jw_arr_end(w);
		jw_kstr(w, "key_type", x->key_type);
		jw_kint(w, "key_bits", x->key_bits);
		jw_kstr(w, "signature_algorithm", x->sig_alg);
		jw_kbool(w, "ca", x->is_ca);
		jw_kbool(w, "self_signed", x->self_signed);
		jw_kstr(w, "sha1", x->sha1);
		jw_kstr(w, "sha256", x->sha256);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "checks");
	jw_arr(w);
	for (guint i = 0; i < r->checks->len; i++) {
		const check *c = &g_array_index(r->checks, check, i);
		jw_obj(w);
		jw_kstr(w, "level", level_names[c->level]);
		jw_kstr(w, "id", c->id);
		jw_kstr(w, "text", c->text);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kstr(w, "verdict", has_problem(r) ? "problems" : "ok");
	jw_obj_end(w);
}

/* ---- leaves from --leaf or a capture ---- */

static void collect_server_leaf(void *user, const event *e)
{
	if (e->kind != EV_TLS_CERTIFICATES || !e->data)
		return;
	const ev_tls_certificates *m = e->data;
	if (m->from_client || !m->ncerts)
		return;
	GPtrArray *leaves = user;
	const unsigned char *q = m->certs[0].der;
	X509 *x = d2i_X509(NULL, &q, (long)m->certs[0].der_len);
	if (!x)
		return;
	for (guint i = 0; i < leaves->len; i++)
		if (X509_cmp(leaves->pdata[i], x) == 0) {
			X509_free(x);
			return;
		}
	g_ptr_array_add(leaves, x);
}

static bool leaves_from_capture(const char *path, GPtrArray *leaves)
{
	amt_run run;
	run_init(&run);
	bus_subscribe(&run.bus, collect_server_leaf, leaves);
	engine *eng = engine_new(&run);
	char *err = NULL;
	bool ok = engine_add_file(eng, path, &err);
	if (ok) {
		engine_run_files(eng);
		engine_finish(eng);
	} else {
		cli_error("%s", err);
		g_free(err);
	}
	engine_free(eng);
	run_free(&run);
	return ok;
}

static char *read_password(const char *path)
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

static void help(void)
{
	puts("usage: amtscope certs FILE... [options]\n\n"
	     "Checks PEM bundles, DER certificates and PKCS#12 files: every link present, the order,\n"
	     "dates, key size and signature, provisioning requirements, names.\n\n"
	     "  --leaf FILE          does each FILE complete the chain of this server certificate?\n"
	     "  -r CAPTURE           ... of the server certificates seen in this capture\n"
	     "  --host FQDN          does the certificate cover this name (AMT TLS certificate)?\n"
	     "  --provisioning       check FILE as an AMT provisioning certificate (implied for PKCS#12\n"
	     "                       and for certificates with the provisioning OU or EKU)\n"
	     "  --ca-file PEM        extra trust anchors\n"
	     "  --no-system-ca       the system's CA store is no trust anchor (default: it is)\n"
	     "  --amt-hashes FILE    more root hashes AMT trusts (hex SHA-1/SHA-256 per line)\n"
	     "  --password-file F    PKCS#12 password (first line of F)\n"
	     "  --format text|json\n"
	     "exit codes: 0 everything fine, 1 something is wrong, 2 usage or unreadable input");
}

enum { O_LEAF = 1000, O_HOST, O_CA, O_HASHES, O_PASS, O_FORMAT, O_PROV, O_HELP, O_NO_SYSTEM_CA };

static bool parse_opts(int argc, char **argv, certs_opts *o)
{
	static const struct option lo[] = {
		{"leaf", required_argument, 0, O_LEAF}, {"host", required_argument, 0, O_HOST},
		{"ca-file", required_argument, 0, O_CA}, {"amt-hashes", required_argument, 0, O_HASHES},
		{"password-file", required_argument, 0, O_PASS}, {"format", required_argument, 0, O_FORMAT},
		{"provisioning", no_argument, 0, O_PROV}, {"help", no_argument, 0, O_HELP},
		{"no-system-ca", no_argument, 0, O_NO_SYSTEM_CA}, {0, 0, 0, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:h", lo, NULL)) != -1) {
		switch (c) {
		case O_LEAF: o->leaf_file = optarg; break;
		case O_HOST: o->host = optarg; break;
		case 'r': o->capture = optarg; break;
		case O_CA: o->ca_file = optarg; break;
		case O_HASHES: o->hashes_file = optarg; break;
		case O_PASS: o->password_file = optarg; break;
		case O_PROV: o->provisioning = true; break;
		case O_NO_SYSTEM_CA: o->no_system_ca = true; break;
		case O_FORMAT:
			if (!strcmp(optarg, "json") || !strcmp(optarg, "text")) {
				o->json = !strcmp(optarg, "json");
				break;
			}
			cli_error("unknown --format '%s' (use text or json)", optarg);
			return false;
		case 'h': case O_HELP: help(); exit(EXIT_CLEAN);
		default: fprintf(stderr, "try 'amtscope certs --help'\n"); return false;
		}
	}
	if (optind >= argc) {
		cli_error("no certificate file given (amtscope certs FILE... ; --help for options)");
		return false;
	}
	return true;
}

int cmd_certs(int argc, char **argv)
{
	certs_opts o = {0};
	if (!parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	const char *now_env = getenv("AMTSCOPE_NOW");  /* tests pin "now" (seconds since the epoch) */
	o.now = (int64_t)(now_env && *now_env ? g_ascii_strtoll(now_env, NULL, 10) : time(NULL)) * 1000000;
	int rc = EXIT_CLEAN;
	char *err = NULL;
	char *password = NULL;
	certcheck *cc = certcheck_new(o.ca_file, !o.no_system_ca, &err);
	amt_hashes *h = amt_hashes_new();
	GPtrArray *leaves = g_ptr_array_new_with_free_func((GDestroyNotify)X509_free);
	GPtrArray *reports = g_ptr_array_new();
	if (!cc || !amt_hashes_load_default(h, cli_data_dir(), o.hashes_file, &err)) {
		cli_error("%s", err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.password_file && !(password = read_password(o.password_file))) {
		cli_error("cannot read --password-file %s", o.password_file);
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.leaf_file) {
		certfile lf;
		if (!certfile_read(o.leaf_file, password, &lf, &err)) {
			cli_error("--leaf %s", err);
			rc = EXIT_USAGE;
			goto out;
		}
		X509 *x = sk_X509_value(lf.certs, 0);
		X509_up_ref(x);
		g_ptr_array_add(leaves, x);
		certfile_free(&lf);
	}
	if (o.capture) {
		if (!leaves_from_capture(o.capture, leaves)) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (!leaves->len) {
			cli_error("%s: no server certificate in a TLS handshake (TLS 1.3 hides them)", o.capture);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	for (int i = optind; i < argc; i++) {
		file_report *r = g_new0(file_report, 1);
		r->path = argv[i];
		r->checks = g_array_new(FALSE, TRUE, sizeof(check));
		arena_init(&r->a, 0);
		g_ptr_array_add(reports, r);
		if (!certfile_read(argv[i], password, &r->cf, &err)) {
			cli_error("%s", err);
			g_clear_pointer(&err, g_free);
			rc = EXIT_USAGE;
			continue;
		}
		judge_file(r, cc, h, leaves, &o);
		if (has_problem(r) && rc == EXIT_CLEAN)
			rc = EXIT_FINDINGS;
	}
	jsonw w;
	if (o.json) {
		jw_init(&w, stdout, true);
		jw_obj(&w);
		jw_key(&w, "files");
		jw_arr(&w);
	}
	for (guint i = 0; i < reports->len; i++) {
		file_report *r = reports->pdata[i];
		if (!r->cf.certs)
			continue;
		if (o.json)
			print_json_file(&w, r);
		else
			print_text(stdout, r);
	}
	if (o.json) {
		jw_arr_end(&w);
		jw_kstr(&w, "verdict", rc == EXIT_CLEAN ? "ok" : rc == EXIT_FINDINGS ? "problems" : "error");
		jw_obj_end(&w);
		jw_end(&w);
	}
out:
	for (guint i = 0; i < reports->len; i++) {
		file_report *r = reports->pdata[i];
		for (guint j = 0; j < r->checks->len; j++)
			g_free(g_array_index(r->checks, check, j).text);
		g_array_free(r->checks, TRUE);
		certfile_free(&r->cf);
		arena_free(&r->a);
		g_free(r);
	}
	g_ptr_array_free(reports, TRUE);
	g_ptr_array_free(leaves, TRUE);
	certcheck_free(cc);
	amt_hashes_free(h);
	if (password) {
		memset(password, 0, strlen(password));
		g_free(password);
	}
	g_free(err);
	return rc;
}
