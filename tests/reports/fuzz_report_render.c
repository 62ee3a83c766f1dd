/* Hostile strings and numbers through every renderer: the fuzz input is cut
 * into strings that become host names, findings, log lines, certificate
 * subjects and event fields; the reports must not crash, and must not let
 * markup (HTML) or control characters (terminal text without colour) through. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoder/events/tls.h"
#include "reports/report.h"
#include "rules/rule.h"

typedef struct cursor {
	const uint8_t *p;
	size_t n;
} cursor;

static const char *next_str(cursor *c, char *buf, size_t cap)
{
	size_t i = 0;
	while (c->n && *c->p != '\n' && i + 1 < cap) {
		buf[i++] = (char)*c->p;
		c->p++;
		c->n--;
	}
	if (c->n) {
		c->p++;
		c->n--;
	}
	buf[i] = 0;
	return buf;
}

static unsigned next_num(cursor *c)
{
	if (!c->n)
		return 0;
	c->n--;
	return *c->p++;
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
			return true;
	return false;
}

static void render(analysis *an, int which, const report_opts *o)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (which == 0)
		report_text(f, an, o);
	else if (which == 1)
		report_json(f, an, o);
	else
		report_html(f, an, o);
	fclose(f);
	if (which == 0 && !o->color && has_control(buf, n))
		abort();
	if (which == 2 && (strstr(buf, "<script") || strstr(buf, "<img") || strstr(buf, "<a href=\"javascript")))
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cursor c = {data, size};
	char s1[256], s2[256], s3[256];
	amt_run run;
	run_init(&run);
	analysis an;
	memset(&an, 0, sizeof(an));
	an.run = &run;
	an.cfg = &run.cfg;
	devtab_init(&an.dev);
	findings_init(&an.fnd, 10000, 8);
	timeline_init(&an.tl, 64);
	arena scratch;
	arena_init(&scratch, 4096);
	amt_input *in = run_add_input(&run, next_str(&c, s1, sizeof(s1)), INPUT_PCAP);
	in->first_ts = (int64_t)next_num(&c) << 40;
	in->last_ts = in->first_ts + next_num(&c);
	run_add_input(&run, "log", INPUT_LOG);
	flow_info fl;
	memset(&fl, 0, sizeof(fl));
	fl.id = 1;
	fl.ipproto = 6;
	amt_addr_parse("10.0.0.1", &fl.cli);
	amt_addr_parse("10.0.0.2", &fl.srv);

	for (int round = 0; c.n && round < 16; round++) {
		unsigned op = next_num(&c) % 4;
		evidence ev = {(uint16_t)(next_num(&c) % 3), next_num(&c), next_num(&c), 0};
		if (op == 0) {
			device *d = dev_by_ip_str(&an.dev, next_num(&c) % 2 ? "10.0.0.1" : "10.0.0.2", true);
			d = dev_fact(&an.dev, d, (fact_kind)(next_num(&c) % FACT_KIND_COUNT), next_str(&c, s1, sizeof(s1)),
				     "fuzz", ev, 0);
			dev_role(d, next_num(&c));
		} else if (op == 1) {
			next_str(&c, s1, sizeof(s1));
			next_str(&c, s2, sizeof(s2));
			finding *x = finding_add(&an.fnd, *s1 ? s1 : "x.y", (severity)(next_num(&c) % 3),
						 next_num(&c) % 2 ? s2 : NULL, NULL, NULL);
			finding_summary(x, "%s", next_str(&c, s3, sizeof(s3)));
			finding_remedy(x, "%s", s2);
			finding_frame(x, ev.input, ev.frame);
			finding_line(x, ev.input, ev.line);
		} else {
			event *e = ev_new(&scratch, (ev_kind)(next_num(&c) % EV_KIND_COUNT), "fuzz");
			e->ts = (int64_t)next_num(&c) * 1000000;
			e->input = ev.input;
			e->frame_first = ev.frame;
			e->frame_last = ev.frame + next_num(&c);
			e->line = op == 3 ? ev.line : 0;
			e->flow = op == 2 ? &fl : NULL;
			e->dir = (uint8_t)(next_num(&c) % 2);
			e->info = arena_strdup(&scratch, next_str(&c, s1, sizeof(s1)));
			ev_str(e, "x509.subject", next_str(&c, s2, sizeof(s2)));
			ev_str(e, "x509.issuer", next_str(&c, s3, sizeof(s3)));
			ev_str(e, "log.ip", next_num(&c) % 2 ? "10.0.0.1" : s3);
			ev_time(e, "x509.not_after", (int64_t)next_num(&c) << 50);
			if (e->kind == EV_TLS_CERTIFICATES) {  /* the chain the analysis keeps: one parsed, one not */
				ev_tls_certificates *m = arena_alloc(&scratch, sizeof(*m));
				ev_tls_cert *ct = arena_alloc(&scratch, sizeof(*ct) * 2);
				memset(m, 0, sizeof(*m));
				memset(ct, 0, sizeof(*ct) * 2);
				ct[0].x.decoded = true;
				ct[0].x.subject = s2;
				ct[0].x.issuer = s3;
				ct[0].x.not_after = (int64_t)next_num(&c) << 50;
				m->certs = ct;
				m->ncerts = m->total = 2;
				e->data = m;
			}
			unsigned item = next_num(&c);
			if (item < 8)
				analysis_keep_failed_item(&an, e, (int)item);
			else
				analysis_keep(&an, e, item % 2);
			run.bus.emitted++;
			char *buf = NULL;
			size_t n = 0;
			FILE *f = open_memstream(&buf, &n);
			events_jsonl(f, &run, e);
			decode_json(f, &run, e);
			decode_text(f, &run, e, true);
			fclose(f);
			free(buf);
			arena_reset(&scratch);
		}
	}
	run.stats.limit_hits[next_num(&c) % LIM_COUNT] = next_num(&c);
	analysis_conclude(&an);
	GArray *by_rule = rule_summaries(&an.fnd);
	report_opts plain = {.version = "fuzz", .by_rule = by_rule},
		    verbose = {.verbose = true, .version = "fuzz", .by_rule = by_rule},
		    color = {.color = true, .verbose = true, .version = "fuzz", .by_rule = by_rule},
		    quiet = {.quiet = true, .by_rule = by_rule};
	render(&an, 0, &plain);
	render(&an, 0, &verbose);
	render(&an, 0, &color);
	render(&an, 0, &quiet);
	render(&an, 1, &plain);
	render(&an, 2, &plain);
	rule_summaries_free(by_rule);

	arena_free(&scratch);
	timeline_free(&an.tl);
	findings_free(&an.fnd);
	devtab_free(&an.dev);
	run_free(&run);
	return 0;
}
