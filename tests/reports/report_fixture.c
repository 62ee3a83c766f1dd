/* A hand-built analysis with everything the reports show: two inputs, six
 * devices, findings of each severity on three devices (and one on none),
 * timeline entries of every lane, failures, a certificate chain with a failing
 * link, hostile strings, a limit hit. It renders every format into files that
 * the golden, schema and Chromium tests check:
 *   report-fixture OUTDIR [MANY]
 * MANY adds that many more events (RMCP pings to one device) to check that the
 * HTML report stays bounded.
 * No rule runs: the fixture plays the rules' part, so the outputs only depend
 * on the renderers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoder/events/tls.h"
#include "reports/report.h"
#include "rules/rule.h"

#define T0 1795434601123456LL /* 2026-11-23T11:50:01.123456Z */

typedef struct fixture {
	amt_run run;
	analysis an;
	arena scratch;
	FILE *events;  /* JSON lines, written as events are "emitted" */
} fixture;

static flow_info flow(uint64_t id, uint8_t proto, const char *cli, uint16_t cport, const char *srv, uint16_t sport)
{
	flow_info fl;
	memset(&fl, 0, sizeof(fl));
	fl.id = id;
	fl.ipproto = proto;
	amt_addr_parse(cli, &fl.cli);
	amt_addr_parse(srv, &fl.srv);
	fl.cport = cport;
	fl.sport = sport;
	return fl;
}

static event *ev(fixture *fx, ev_kind k, const char *proto, const flow_info *fl, uint8_t dir, int64_t dt_ms,
		 uint32_t frame_first, uint32_t frame_last, const char *info)
{
	event *e = ev_new(&fx->scratch, k, proto);
	e->ts = T0 + dt_ms * 1000;
	e->flow = fl;
	e->dir = dir;
	e->frame_first = frame_first;
	e->frame_last = frame_last;
	e->info = arena_strdup(&fx->scratch, info);
	return e;
}

static event *log_ev(fixture *fx, int64_t dt_ms, uint32_t line, const char *info)
{
	event *e = ev(fx, EV_LOG_RECORD, "log", NULL, 0, dt_ms, 0, 0, info);
	e->input = 1;
	e->line = line;
	return e;
}

/* What the engine would do with an event: hand it to the JSON lines writer
 * and, as a rule would, keep it on the timeline (marked failed or not). */
static void emit(fixture *fx, event *e, bool failure, int failed_item)
{
	fx->run.bus.emitted++;
	events_jsonl(fx->events, &fx->run, e);
	if (failed_item >= 0)
		analysis_keep_failed_item(&fx->an, e, failed_item);
	else
		analysis_keep(&fx->an, e, failure);
	arena_reset(&fx->scratch);
}

/* The typed payload the TLS dissector gives a Certificate message, which the
 * analysis keeps as the chain (tl_certs): subjects[i] issued by issuers[i]. */
static void chain_payload(fixture *fx, event *e, uint32_t n, const char *const *subjects,
			  const char *const *issuers, const int64_t *not_after)
{
	ev_tls_certificates *m = arena_alloc(&fx->scratch, sizeof(*m));
	ev_tls_cert *certs = arena_alloc(&fx->scratch, sizeof(ev_tls_cert) * n);
	memset(m, 0, sizeof(*m));
	memset(certs, 0, sizeof(ev_tls_cert) * n);
	for (uint32_t i = 0; i < n; i++) {
		certs[i].x.decoded = true;
		certs[i].x.subject = subjects[i];
		certs[i].x.issuer = issuers[i];
		certs[i].x.not_after = not_after[i];
	}
	m->certs = certs;
	m->ncerts = m->total = n;
	e->data = m;
}

static void add_devices(fixture *fx)
{
	devtab *t = &fx->an.dev;
	evidence e1 = {0, 5, 0, 0}, e2 = {0, 9, 0, 0}, l3 = {1, 3, 0, 0};
	l3.frame = 0;
	l3.line = 3;
	device *d = dev_by_ip_str(t, "10.8.0.21", true);
	d = dev_fact(t, d, FACT_IP, "10.8.0.21", "hello", e1, T0 + 4000);
	d = dev_fact(t, d, FACT_FQDN, "amt-07.corp.example", "dhcp.81", e1, T0);
	d = dev_fact(t, d, FACT_UUID, "939b524b-13d4-1d18-e487-1c697a6b7a2b", "hello", e1, T0 + 4000);
	d = dev_fact(t, d, FACT_MAC, "a4:bb:6d:01:02:03", "dhcp", e1, T0);
	d = dev_fact(t, d, FACT_AMT_VERSION, "11.8.50", "hello", e1, T0 + 4000);
	d = dev_fact(t, d, FACT_PROV_STATE, "pre", "hello", e1, T0 + 4000);
	d = dev_fact(t, d, FACT_DOMAIN, "corp.example", "dhcp.15", e1, T0);
	dev_role(d, ROLE_AMT);

	d = dev_by_ip_str(t, "10.8.0.5", true);
	d = dev_fact(t, d, FACT_FQDN, "scs.corp.example", "dns", e2, T0 + 3000);
	dev_role(d, ROLE_SETUP_SERVICE);

	/* the second AMT device: its host name was chosen by an attacker */
	d = dev_by_ip_str(t, "10.8.0.22", true);
	d = dev_fact(t, d, FACT_FQDN, "amt-08<script>alert(1)</script>\x1b[2J.corp.example", "wsman", e2, T0);
	d = dev_fact(t, d, FACT_AMT_VERSION, "16.1.25", "http.server", e2, T0);
	d = dev_fact(t, d, FACT_PROV_STATE, "post", "wsman", e2, T0);
	d = dev_fact(t, d, FACT_CERT, "CN=amt-08.corp.example", "tls.cert", e2, T0);
	dev_role(d, ROLE_AMT);

	dev_role(dev_by_ip_str(t, "10.8.0.2", true), ROLE_DNS_SERVER);
	dev_role(dev_by_ip_str(t, "10.8.0.1", true), ROLE_DHCP_SERVER);
	d = dev_by_ip_str(t, "10.8.0.30", true);
	d = dev_fact(t, d, FACT_NOTE, "log mention", "log", l3, T0);
	dev_role(d, ROLE_CONSOLE);
}

static void add_events(fixture *fx)
{
	static flow_info dhcp, dns, hello, back, tls, wsman, redir, redir2, rmcp;
	dhcp = flow(1, 17, "10.8.0.21", 68, "10.8.0.1", 67);
	dns = flow(2, 17, "10.8.0.21", 40000, "10.8.0.2", 53);
	hello = flow(3, 6, "10.8.0.21", 49152, "10.8.0.5", 9971);
	back = flow(4, 6, "10.8.0.5", 50001, "10.8.0.21", 16993);
	tls = flow(5, 6, "10.8.0.5", 50002, "10.8.0.22", 16993);
	wsman = flow(6, 6, "10.8.0.5", 50003, "10.8.0.22", 16992);
	redir = flow(7, 6, "10.8.0.30", 50100, "10.8.0.22", 16995);
	redir2 = flow(8, 6, "10.8.0.31", 50200, "10.8.0.22", 16995);
	rmcp = flow(9, 17, "10.8.0.5", 50300, "10.8.0.22", 623);
	amt_addr yiaddr;
	amt_addr_parse("10.8.0.21", &yiaddr);

	event *e = ev(fx, EV_DHCP_MESSAGE, "dhcp", &dhcp, DIR_C2S, 0, 1, 1, "DHCP Request - Transaction ID 0x1a2b3c4d");
	ev_str(e, "dhcp.option.hostname", "amt-07");
	emit(fx, e, false, -1);
	e = ev(fx, EV_DHCP_LEASE, "dhcp", &dhcp, DIR_S2C, 2, 2, 2, "DHCP ACK - Transaction ID 0x1a2b3c4d");
	ev_addr(e, "dhcp.ip.your", &yiaddr);
	ev_str(e, "dhcp.option.domain_name", "corp.example");
	emit(fx, e, false, -1);
	e = ev(fx, EV_DNS_QUERY, "dns", &dns, DIR_C2S, 1000, 3, 3, "Standard query 0x0001 A ProvisionServer.corp.example");
	ev_str(e, "dns.qry.name", "ProvisionServer.corp.example");
	ev_uint(e, "dns.id", 1);
	emit(fx, e, false, -1);
	e = ev(fx, EV_DNS_FAILURE, "dns", &dns, DIR_S2C, 1003, 4, 4,
	       "Standard query response 0x0001 No such name A ProvisionServer.corp.example");
	ev_str(e, "dns.qry.name", "ProvisionServer.corp.example");
	ev_uint(e, "dns.flags.rcode", 3);
	emit(fx, e, true, -1);
	e = ev(fx, EV_HELLO, "hello", &hello, DIR_C2S, 4000, 5, 6, "Hello UUID 939b524b-13d4-1d18-e487-1c697a6b7a2b AMT 11.8.50");
	ev_str(e, "amt.hello.uuid", "939b524b-13d4-1d18-e487-1c697a6b7a2b");
	ev_str(e, "amt.hello.version", "11.8.50");
	ev_str(e, "amt.hello.root_hash", "sha256:2f3a");
	ev_str(e, "amt.hello.root_hash", "sha256:77c1");
	emit(fx, e, false, -1);
	e = ev(fx, EV_FLOW_CLOSE, "tcp", &back, DIR_C2S, 4500, 8, 9, "50001 → 16993 [SYN] refused (RST)");
	ev_str(e, "tcp.state", "refused");
	ev_uint(e, "tcp.duration_us", 400000);  /* SYN retransmitted until the RST */
	emit(fx, e, true, -1);

	e = ev(fx, EV_TLS_CLIENT_HELLO, "tls", &tls, DIR_C2S, 6000, 10, 10, "Client Hello (SNI=amt-08.corp.example)");
	ev_str(e, "tls.handshake.extensions_server_name", "amt-08.corp.example");
	emit(fx, e, false, -1);
	e = ev(fx, EV_TLS_SERVER_HELLO, "tls", &tls, DIR_S2C, 6010, 11, 11, "Server Hello TLS 1.2");
	emit(fx, e, false, -1);
	e = ev(fx, EV_TLS_CERTIFICATES, "tls", &tls, DIR_S2C, 6011, 11, 12, "Certificate (3 certificates)");
	ev_str(e, "x509af.subject", "CN=amt-08.corp.example");
	ev_str(e, "x509af.issuer", "CN=Corp Issuing CA <b>2</b>");
	ev_str(e, "x509af.subject", "CN=Corp Issuing CA 1");
	ev_str(e, "x509af.issuer", "CN=Corp Root CA");
	ev_str(e, "x509af.subject", "CN=Corp Root CA");
	ev_str(e, "x509af.issuer", "CN=Corp Root CA");
	ev_time(e, "x509.not_after", T0 + 86400000000LL * 30);
	ev_time(e, "x509.not_after", T0 - 86400000000LL);
	ev_time(e, "x509.not_after", T0 + 86400000000LL * 3650);
	static const char *const subjects[] = {"CN=amt-08.corp.example", "CN=Corp Issuing CA 1", "CN=Corp Root CA"};
	static const char *const issuers[] = {"CN=Corp Issuing CA <b>2</b>", "CN=Corp Root CA", "CN=Corp Root CA"};
	const int64_t until[] = {T0 + 86400000000LL * 30, T0 - 86400000000LL, T0 + 86400000000LL * 3650};
	chain_payload(fx, e, 3, subjects, issuers, until);
	emit(fx, e, true, 1);
	e = ev(fx, EV_TLS_ALERT, "tls", &tls, DIR_C2S, 6020, 13, 13, "Alert (Level: Fatal, Description: Unknown CA)");
	ev_uint(e, "tls.alert_message.desc", 48);
	emit(fx, e, true, -1);

	e = ev(fx, EV_WSMAN_REQUEST, "wsman", &wsman, DIR_C2S, 8000, 20, 21, "Get AMT_GeneralSettings");
	ev_str(e, "wsman.action", "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get");
	emit(fx, e, false, -1);
	e = ev(fx, EV_WSMAN_RESPONSE, "wsman", &wsman, DIR_S2C, 8050, 22, 23, "GetResponse AMT_GeneralSettings");
	emit(fx, e, false, -1);
	e = ev(fx, EV_WSMAN_RESPONSE, "wsman", &wsman, DIR_S2C, 8400, 26, 26,
	       "Fault: wsman:AccessDenied \"<i>quoted</i>\" & more");
	emit(fx, e, true, -1);
	e = ev(fx, EV_HTTP_REQUEST, "http", &wsman, DIR_C2S, 8300, 24, 24, "POST /wsman HTTP/1.1");
	emit(fx, e, false, -1);

	e = ev(fx, EV_REDIR_SESSION, "redir", &redir, DIR_C2S, 9000, 30, 40, "SOL session 12.0 s, authenticated (digest)");
	emit(fx, e, false, -1);
	e = ev(fx, EV_REDIR_SESSION, "redir", &redir2, DIR_C2S, 9500, 41, 44, "IDE-R session refused: busy");
	emit(fx, e, true, -1);
	e = ev(fx, EV_RMCP_PING, "rmcp", &rmcp, DIR_C2S, 10000, 50, 50, "RMCP Presence Ping");
	emit(fx, e, false, -1);
	e = ev(fx, EV_RMCP_PONG, "rmcp", &rmcp, DIR_S2C, 10001, 51, 51, "RMCP Presence Pong");
	emit(fx, e, false, -1);
	e = ev(fx, EV_NOTE, "tls", &tls, DIR_S2C, 6030, 14, 14, "malformed: record length 70000 exceeds 16384");
	emit(fx, e, false, -1);

	e = log_ev(fx, 4700, 3, "Cannot contact back AMT with IP 10.8.0.21");
	ev_str(e, "log.ip", "10.8.0.21");
	ev_uint(e, "log.code", 10);
	emit(fx, e, true, -1);
	e = log_ev(fx, 5000, 7, "Console 10.8.0.30 said </title><script>alert(1)</script>\x1b]0;pwned\x07 \xff\xfe");
	ev_str(e, "log.ip", "10.8.0.30");
	emit(fx, e, false, -1);
	e = log_ev(fx, 5100, 9, "Service started");
	emit(fx, e, false, -1);
	/* a note about a whole input, with no time of its own */
	e = log_ev(fx, 0, 0, "scs-debug-log writes local time without a zone; read as UTC");
	e->kind = EV_NOTE;
	e->ts = 0;
	emit(fx, e, false, -1);
}

static void add_many(fixture *fx, unsigned many)
{
	static flow_info rmcp;
	rmcp = flow(10, 17, "10.8.0.5", 50400, "10.8.0.22", 623);
	for (unsigned i = 0; i < many; i++) {
		event *e = ev(fx, i % 2 ? EV_RMCP_PONG : EV_RMCP_PING, "rmcp", &rmcp, i % 2 ? DIR_S2C : DIR_C2S,
			      12000 + i, 100 + i, 100 + i, i % 2 ? "RMCP Presence Pong" : "RMCP Presence Ping");
		emit(fx, e, i % 1000 == 999, -1);
	}
}

static finding *add(fixture *fx, const char *rule_id, severity s, const char *dev, const char *summary,
		    const char *remedy)
{
	finding *x = finding_add(&fx->an.fnd, rule_id, s, dev, NULL, NULL);
	finding_summary(x, "%s", summary);
	if (remedy)
		finding_remedy(x, "%s", remedy);
	return x;
}

static void add_findings(fixture *fx)
{
	finding *x = add(fx, "hello.unanswered", SEV_ERROR, "10.8.0.21",
			 "10.8.0.21 sent hello packets to 10.8.0.5:9971 but the setup service never connected back "
			 "(its SYN to port 16993 was refused).",
			 "Check that nothing blocks TCP 16993 from the setup service to the device.");
	finding_frame(x, 0, 5);
	finding_frame(x, 0, 8);
	finding_line(x, 1, 3);
	x = add(fx, "dns.provisionserver.missing", SEV_ERROR, "10.8.0.21",
		"ProvisionServer.corp.example does not resolve (NXDOMAIN).",
		"Add a DNS record ProvisionServer.corp.example pointing at the setup service (10.8.0.5).");
	finding_frame(x, 0, 3);
	finding_frame(x, 0, 4);
	x = add(fx, "hello.repeated", SEV_WARNING, "10.8.0.21", "10.8.0.21 sent 2 hellos: provisioning is not progressing.",
		NULL);
	finding_frame(x, 0, 5);
	x = add(fx, "tls.alert", SEV_ERROR, "10.8.0.22",
		"10.8.0.5 sent a fatal TLS alert unknown_ca to 10.8.0.22 <script>alert(1)</script>\x1b[31m",
		"Install the issuing CA 'Corp Issuing CA 1' in the setup service's trust store & retry.");
	finding_frame(x, 0, 13);
	x = add(fx, "tls.cert.chain_order", SEV_WARNING, "10.8.0.22", "The chain is complete but not in order.",
		"Send the certificates leaf first, each followed by its issuer.");
	finding_frame(x, 0, 11);
	finding_frame(x, 0, 12);
	x = add(fx, "wsman.fault", SEV_WARNING, "10.8.0.22", "WS-Man fault AccessDenied on Get AMT_GeneralSettings.",
		"Use an account with the needed realm.");
	finding_frame(x, 0, 26);
	x = add(fx, "redir.session.busy", SEV_WARNING, "10.8.0.22",
		"An IDE-R session from 10.8.0.31 was refused while 10.8.0.30 held a SOL session.", NULL);
	finding_frame(x, 0, 41);
	finding_frame(x, 0, 44);
	x = add(fx, "tls.cert.self_signed", SEV_INFO, "10.8.0.5", "Certificates on 10.8.0.5 could not all be checked: TLS 1.3.",
		NULL);
	x = add(fx, "scs.error.102", SEV_ERROR, NULL, "The setup service logged error 102.",
		"See the knowledge base entry for 102.");
	finding_line(x, 1, 9);
}

static void add_inputs(fixture *fx)
{
	amt_input *in = run_add_input(&fx->run, "captures/site 1 'lab'.pcap", INPUT_PCAP);
	in->packets = 120;
	in->bytes = 45678;
	in->first_ts = T0;
	in->last_ts = T0 + 10001000;
	in = run_add_input(&fx->run, "scs_server.log", INPUT_LOG);
	in->kind_name = "scs-debug-log";
	in->lines = 40;
	in->first_ts = T0 + 4700000;
	in->last_ts = T0 + 5100000;
	amt_stats *s = &fx->run.stats;
	s->packets = 120;
	s->bytes = 45678;
	s->flows = 9;
	s->messages = 23;
	s->limit_hits[LIM_CERTS] = 1;
}

static FILE *open_out(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	g_free(path);
	return f;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s OUTDIR [MANY]\n", argv[0]);
		return 2;
	}
	const char *dir = argv[1];
	fixture fx;
	memset(&fx, 0, sizeof(fx));
	run_init(&fx.run);
	fx.an.run = &fx.run;
	fx.an.cfg = &fx.run.cfg;
	devtab_init(&fx.an.dev);
	findings_init(&fx.an.fnd, 10000, 8);
	timeline_init(&fx.an.tl, fx.run.cfg.limit[LIM_EVENTS]);
	arena_init(&fx.scratch, 4096);
	fx.events = open_out(dir, "fixture.jsonl");

	add_inputs(&fx);
	add_devices(&fx);
	add_events(&fx);
	if (argc == 3)
		add_many(&fx, (unsigned)strtoul(argv[2], NULL, 10));
	add_findings(&fx);
	analysis_conclude(&fx.an);
	fclose(fx.events);

	GArray *by_rule = rule_summaries(&fx.an.fnd);
	report_opts plain = {.version = "0.1.0", .by_rule = by_rule};
	report_opts quiet = {.quiet = true, .version = "0.1.0", .by_rule = by_rule};
	report_opts verbose = {.verbose = true, .version = "0.1.0", .by_rule = by_rule};
	report_opts color = {.color = true, .version = "0.1.0", .by_rule = by_rule};
	struct { const char *name; void (*fn)(FILE *, analysis *, const report_opts *); const report_opts *o; } outs[] = {
		{"fixture.txt", report_text, &plain},
		{"fixture-q.txt", report_text, &quiet},
		{"fixture-v.txt", report_text, &verbose},
		{"fixture-color.txt", report_text, &color},
		{"fixture.json", report_json, &plain},
		{"fixture.html", report_html, &plain},
	};
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		FILE *f = open_out(dir, outs[i].name);
		outs[i].fn(f, &fx.an, outs[i].o);
		fclose(f);
	}

	rule_summaries_free(by_rule);
	arena_free(&fx.scratch);
	timeline_free(&fx.an.tl);
	findings_free(&fx.an.fnd);
	devtab_free(&fx.an.dev);
	run_free(&fx.run);
	return 0;
}
