/* Format engine: timestamps, detection and fields of every public sample,
 * encodings, junk, long lines, user-supplied formats. */
#include <CUnit/Basic.h>
#include <string.h>
#include <unistd.h>

#include "logtest.h"
#include "inputs/logfmt.h"
#include "inputs/logs.h"

static int64_t utc(int y, int mo, int d, int h, int mi, int s, int us)
{
	return (logfmt_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s) * 1000000LL + us;
}

static int64_t parse_utc(const char *layout, const char *text)
{
	int64_t us;
	bool zk;
	int32_t off;
	if (!logfmt_parse_time(layout, text, &us, &zk, &off))
		return -1;
	return us - (int64_t)off * 1000000;
}

static void test_time_layouts(void)
{
	CU_ASSERT_EQUAL(parse_utc("iso8601", "2022-08-16T09:06:38+02:00"), utc(2022, 8, 16, 7, 6, 38, 0));
	CU_ASSERT_EQUAL(parse_utc("iso8601", "2019-09-30T16:21:20.518Z"), utc(2019, 9, 30, 16, 21, 20, 518000));
	CU_ASSERT_EQUAL(parse_utc("iso8601", "2026-03-04T18:30:30+05:30"), utc(2026, 3, 4, 13, 0, 30, 0));
	/* ConfigMgr bias: UTC = local + bias minutes */
	CU_ASSERT_EQUAL(parse_utc("%m-%d-%Y %H:%M:%S%f%b", "07-14-2016 15:10:04.029-480"),
			utc(2016, 7, 14, 7, 10, 4, 29000));
	CU_ASSERT_EQUAL(parse_utc("%m-%d-%Y %H:%M:%S%f%b", "11-19-2009 11:35:01.000+060"),
			utc(2009, 11, 19, 12, 35, 1, 0));
	CU_ASSERT_EQUAL(parse_utc("%m/%d/%Y %I:%M:%S %p", "11/19/2009 12:35:01 AM"), utc(2009, 11, 19, 0, 35, 1, 0));
	CU_ASSERT_EQUAL(parse_utc("%m/%d/%Y %I:%M:%S %p", "11/19/2009 1:35:01 PM"), utc(2009, 11, 19, 13, 35, 1, 0));
	CU_ASSERT_EQUAL(parse_utc("%Y-%m-%d%T%H:%M:%S%f", "2026-11-23 11:50:01,250"), utc(2026, 11, 23, 11, 50, 1, 250000));
	CU_ASSERT_EQUAL(parse_utc("iso8601", "2026-13-01T00:00:00Z"), -1);
	CU_ASSERT_EQUAL(parse_utc("iso8601", "2026-01-01T00:00:00Zjunk"), -1);
	CU_ASSERT_EQUAL(parse_utc("%m/%d/%Y %I:%M:%S %p", "11/19/2009 13:35:01 PM"), -1);
	CU_ASSERT_EQUAL(parse_utc("iso8601", ""), -1);
}

typedef struct sample {
	const char *file, *format;
	guint records;
	guint check;  /* which record the fields below describe */
	const char *level, *component, *thread, *message_prefix, *codes, *event;
	int64_t ts;   /* 0: no time */
} sample;

static void check_sample(const sample *s)
{
	char *path = public_path(s->file);
	amt_run run;
	run_init(&run);
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	bool ok = logs_load(&run, path, &err);
	if (!ok)
		fprintf(stderr, "%s: %s\n", s->file, err);
	CU_ASSERT_TRUE_FATAL(ok);
	amt_input *in = run.inputs->pdata[0];
	CU_ASSERT_STRING_EQUAL(in->kind_name, s->format);
	CU_ASSERT_EQUAL(in->kind, INPUT_LOG);
	if (c.recs->len != s->records)
		fprintf(stderr, "%s: %u records\n", s->file, c.recs->len);
	CU_ASSERT_EQUAL(c.recs->len, s->records);
	const rec *r = collected_rec(&c, s->check);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->parsed);
	if (s->level)
		CU_ASSERT_STRING_EQUAL(r->level, s->level);
	if (s->component)
		CU_ASSERT_STRING_EQUAL(r->component, s->component);
	if (s->thread)
		CU_ASSERT_STRING_EQUAL(r->thread, s->thread);
	if (!g_str_has_prefix(r->message, s->message_prefix))
		fprintf(stderr, "%s: message '%s'\n", s->file, r->message);
	CU_ASSERT_TRUE(g_str_has_prefix(r->message, s->message_prefix));
	CU_ASSERT_STRING_EQUAL(r->codes, s->codes ? s->codes : "");
	if (s->event)
		CU_ASSERT_STRING_EQUAL(r->event ? r->event : "", s->event);
	CU_ASSERT_EQUAL(r->has_time, s->ts != 0);
	if (s->ts)
		CU_ASSERT_EQUAL(r->ts, s->ts);
	collect_free(&c);
	run_free(&run);
	g_free(path);
}

static void test_public_samples(void)
{
	const sample samples[] = {
		{"acuconfig-console-exit75.txt", "acuconfig", 1, 0, "error", NULL, NULL, "Failed to complete remote configuration",
		 "acuconfig:75,acuconfig:0xc0002825,acuconfig:0xc0003e93,acuconfig:0xc00007d5", NULL, 0},
		{"meinfowin-amt25-not-started.txt", "meinfo", 29, 17, "info", NULL, NULL, "Setup and Configuration: Not started",
		 NULL, "setup_not_started", 0},
		{"meshcentral-amtactivation.log", "meshcentral-amtactivation", 2, 1, "info", NULL, NULL, "ccmactivate-success",
		 NULL, NULL, utc(2019, 9, 30, 16, 21, 20, 999000)},
		{"meshcmd-console-samples.txt", "meshcmd-console", 49, 11, "error", NULL, NULL, "LME connection failed",
		 "meshcentral:lme_failed", NULL, 0},
		{"rpc-go-activation.log", "rpc-go", 14, 0, "error", NULL, NULL,
		 "{\"Status\":\"Device 1cf33dee-9ccf-49d9-81fe-112f10acb322 activation failed.", "rps:add_certs_failed", NULL,
		 utc(2022, 8, 16, 7, 6, 38, 0)},
		{"sccm-amtopmgr-amt321-selfsigned.txt", "configmgr-text", 3, 0, "error", NULL, NULL,
		 "Error 0x80090308 returned by InitializeSecurityContext", "windows:0x80090308", NULL, 0},
		{"sccm-amtopmgr-provcert-expiry.raw-reconstructed.log", "configmgr-simple", 2, 0, "error",
		 "SMS_AMT_OPERATION_MANAGER", "2880", "Error: The provisioning certificate with the thumbprint 55B7AF",
		 "configmgr:provcert_expiring", NULL, utc(2009, 11, 19, 11, 35, 1, 0)},
		{"sccm-amtopmgr-provcert-expiry.trace.txt", "configmgr-viewer", 2, 1, "info", "SMS_AMT_OPERATION_MANAGER",
		 "2700", "Remove unused provision certificate", "configmgr:provcert_unloaded", NULL,
		 utc(2009, 11, 23, 11, 35, 5, 0)},
		{"sccm-oob-client-and-console.txt", "configmgr-text", 2, 1, "error", NULL, NULL,
		 "GetAMTPowerState fail with result:0x80072EE9", "windows:0x80072ee9", NULL, 0},
		{"sccm-smsts-intel-scs-ts.log", "configmgr-cmtrace", 1, 0, "error", "TSManager", "2724",
		 "Failed to run the action: Intel AMT: Configuration. \nThe process cannot access the file", "windows:0x21", NULL,
		 utc(2016, 7, 14, 7, 10, 4, 29000)},
		{"scs-legacy-error-strings.txt", "scs-legacy-text", 8, 0, "error", NULL, NULL,
		 "Intel SCS Exception: Cannot contact back AMT with IP:", "scs:contact_back", "contact_back_failed", 0},
	};
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		check_sample(&samples[i]);
}

static void test_cmtrace_multiline_lines(void)
{
	char *path = public_path("sccm-smsts-intel-scs-ts.log");
	amt_run run;
	run_init(&run);
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, path, &err));
	const rec *r = collected_rec(&c, 0);
	CU_ASSERT_EQUAL(r->line, 1);
	CU_ASSERT_EQUAL(r->line_last, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->fields, "log.file=instruction.cxx:895;"));
	collect_free(&c);
	run_free(&run);
	g_free(path);
}

/* Windows tools write UTF-16 LE, usually with a BOM: same records. */
static void test_utf16(void)
{
	char *path = public_path("rpc-go-activation.log");
	char *text = NULL;
	gsize len = 0;
	CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, &len, NULL));
	gsize wlen = 0;
	char *wide = g_convert(text, (gssize)len, "UTF-16LE", "UTF-8", NULL, &wlen, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
	for (int bom = 0; bom < 2; bom++) {
		GByteArray *b = g_byte_array_new();
		if (bom)
			g_byte_array_append(b, (const guint8 *)"\xff\xfe", 2);
		g_byte_array_append(b, (const guint8 *)wide, (guint)wlen);
		char *tmp = temp_file(b->data, b->len);
		amt_run run;
		run_init(&run);
		collected c;
		collect_init(&c, &run);
		char *err = NULL;
		CU_ASSERT_TRUE_FATAL(logs_load(&run, tmp, &err));
		CU_ASSERT_STRING_EQUAL(((amt_input *)run.inputs->pdata[0])->kind_name, "rpc-go");
		CU_ASSERT_EQUAL(c.recs->len, 14);
		CU_ASSERT_STRING_EQUAL(collected_rec(&c, 1)->message, "Failed to connect to LMS, using local transport instead.");
		CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->uuid, "1cf33dee-9ccf-49d9-81fe-112f10acb322");
		collect_free(&c);
		run_free(&run);
		unlink(tmp);
		g_free(tmp);
		g_byte_array_free(b, TRUE);
	}
	g_free(wide);
	g_free(text);
	g_free(path);
}

static void test_junk_unknown_format(void)
{
	uint8_t junk[4096];
	guint32 x = 12345;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (uint8_t)(x >> 16);
	}
	char *tmp = temp_file(junk, sizeof(junk));
	amt_run run;
	run_init(&run);
	char *err = NULL;
	CU_ASSERT_FALSE(logs_load(&run, tmp, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "log format not recognised"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tried: acuconfig, configmgr-cmtrace"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "scs-debug-log"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--log-format FILE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "docs/log-formats.md"));
	CU_ASSERT_EQUAL(run.inputs->len, 0);
	g_free(err);
	/* forced, junk still reads without crashing: records are unparsed */
	run.cfg.log_format = "rpc-go";
	collected c;
	collect_init(&c, &run);
	CU_ASSERT_TRUE(logs_load(&run, tmp, &err));
	for (guint i = 0; i < c.recs->len; i++)
		CU_ASSERT_FALSE(collected_rec(&c, i)->parsed);
	CU_ASSERT_TRUE(c.notes->len >= 1);
	collect_free(&c);
	run_free(&run);
	unlink(tmp);
	g_free(tmp);
}

/* One line far over LIM_LOG_LINE: cut, counted, noted; memory bounded. */
static void test_long_line(void)
{
	size_t n = 3u << 20;
	char *big = g_malloc(n);
	memset(big, 'A', n);
	memcpy(big, "2026-11-23 11:50:01 E Error 102 - ", 34);
	big[n - 1] = '\n';
	char *tmp = temp_file(big, n);
	g_free(big);
	amt_run run;
	run_init(&run);
	run.cfg.limit[LIM_LOG_LINE] = 4096;
	run.cfg.log_format = "scs-debug-log";
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, tmp, &err));
	CU_ASSERT_EQUAL(c.recs->len, 1);
	CU_ASSERT_TRUE(strlen(collected_rec(&c, 0)->message) < 4096);
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->codes, "scs:102");
	CU_ASSERT_EQUAL(run.stats.limit_hits[LIM_LOG_LINE], 1);
	CU_ASSERT_TRUE(((amt_input *)run.inputs->pdata[0])->truncated);
	CU_ASSERT_TRUE(c.notes->len >= 1 && strstr(c.notes->pdata[0], "--max-log-line"));
	collect_free(&c);
	run_free(&run);
	unlink(tmp);
	g_free(tmp);
}

static void test_user_format_file(void)
{
	const char *fmt = "[format]\nid=scs-debug-log\nname=site variant\ntool=scs\n"
			  "detect=^\\[\\d\\d:\\d\\d:\\d\\d\\]\n[record]\n"
			  "regex=^\\[(?<ts>[^\\]]+)\\] (?<level>\\w+) (?<message>.*?)(?: admin_password=(?<admin_password>\\S+))?$\n"
			  "[time]\nlayout=%H:%M:%S\nzone=utc\n[code error]\nregex=\\bError (?<code>\\d{3})\\b\n";
	const char *log = "[11:50:01] E Error 913 - No rows found in get UuidMap admin_password=Hunter2!\n";
	char *fpath = temp_file(fmt, strlen(fmt));
	char *lpath = temp_file(log, strlen(log));
	amt_run run;
	run_init(&run);
	run.cfg.log_format = fpath;
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, lpath, &err));
	CU_ASSERT_EQUAL(c.recs->len, 1);
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->codes, "scs:913");
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->level, "e");
	CU_ASSERT_PTR_NULL(strstr(collected_rec(&c, 0)->fields, "Hunter2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(collected_rec(&c, 0)->fields, "log.admin_password=***;"));
	collect_free(&c);
	run_free(&run);
	/* a pattern GLib cannot compile: file, line and GLib's words */
	const char *bad = "[format]\nid=x\n[record]\nregex=(?<ts>unclosed\n";
	char *bpath = temp_file(bad, strlen(bad));
	run_init(&run);
	run.cfg.log_format = bpath;
	CU_ASSERT_FALSE(logs_load(&run, lpath, &err));
	CU_ASSERT_TRUE(err && strstr(err, bpath) != NULL);
	CU_ASSERT_TRUE(err && strstr(err, "line 4") != NULL);
	CU_ASSERT_TRUE(err && strstr(err, "missing terminating )") != NULL);
	g_free(err);
	run_free(&run);
	run_init(&run);
	run.cfg.log_format = "no-such-format";
	err = NULL;
	CU_ASSERT_FALSE(logs_load(&run, lpath, &err));
	CU_ASSERT_TRUE(err && strstr(err, "known: acuconfig") != NULL);
	g_free(err);
	run_free(&run);
	unlink(fpath);
	unlink(lpath);
	unlink(bpath);
	g_free(fpath);
	g_free(lpath);
	g_free(bpath);
}

static void test_tz_offset_redaction(void)
{
	const char *log = "2026-11-23 11:50:01 V Hello packet received from 127.0.7.21\n"
			  "2026-07-01 12:00:00 W login password=Secr3t! pid=ABCD-1234 for admin\n";
	char *path = temp_file(log, strlen(log));
	amt_run run;
	run_init(&run);
	run.cfg.log_tz = "Europe/Berlin";
	run.cfg.log_offset_us = -2500000;
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, path, &err));
	CU_ASSERT_STRING_EQUAL(((amt_input *)run.inputs->pdata[0])->kind_name, "scs-debug-log");
	CU_ASSERT_EQUAL(collected_rec(&c, 0)->ts, utc(2026, 11, 23, 10, 49, 58, 500000)); /* CET */
	CU_ASSERT_EQUAL(collected_rec(&c, 1)->ts, utc(2026, 7, 1, 9, 59, 57, 500000));    /* CEST */
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->event, "hello");
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->ips, "127.0.7.21");
	CU_ASSERT_PTR_NULL(strstr(collected_rec(&c, 1)->message, "Secr3t"));
	CU_ASSERT_PTR_NULL(strstr(collected_rec(&c, 1)->message, "ABCD-1234"));
	CU_ASSERT_PTR_NULL(strstr(collected_rec(&c, 1)->fields, "Secr3t"));
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 1)->level, "warning");
	collect_free(&c);
	run_free(&run);
	run_init(&run);
	run.cfg.log_tz = "Mars/Olympus";
	CU_ASSERT_FALSE(logs_load(&run, path, &err));
	CU_ASSERT_TRUE(err && strstr(err, "--log-tz") != NULL);
	g_free(err);
	run_free(&run);
	unlink(path);
	g_free(path);
}

/* RPS has no public sample: a line in its documented shape. */
static void test_rps_and_unparsed_scs(void)
{
	const char *rps = "2026-11-23T11:50:01.123Z error: Activator - Device 939b524b-13d4-1d18-e487-1c697a6b7a2b "
			  "activation failed. Missing DNS Suffix.\n"
			  "2026-11-23T11:50:02Z info: Validator - ok\n";
	char *p = temp_file(rps, strlen(rps));
	amt_run run;
	run_init(&run);
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, p, &err));
	CU_ASSERT_STRING_EQUAL(((amt_input *)run.inputs->pdata[0])->kind_name, "rps");
	CU_ASSERT_EQUAL(c.recs->len, 2);
	const rec *r = collected_rec(&c, 0);
	CU_ASSERT_STRING_EQUAL(r->level, "error");
	CU_ASSERT_STRING_EQUAL(r->component, "Activator");
	CU_ASSERT_STRING_EQUAL(r->codes, "rps:missing_dns_suffix");
	CU_ASSERT_STRING_EQUAL(r->uuid, "939b524b-13d4-1d18-e487-1c697a6b7a2b");
	CU_ASSERT_EQUAL(r->ts, utc(2026, 11, 23, 11, 50, 1, 123000));
	collect_free(&c);
	run_free(&run);
	unlink(p);
	g_free(p);
	/* the SCS format is inferred: lines in another shape still give their codes */
	const char *scs = "SCS| 17/06/2009 10:42 | Error 913 - No rows found in get UuidMap for 10.1.2.3\n"
			  "SCS| 17/06/2009 10:43 | Error 102 - Intel AMT device is already provisioned\n";
	p = temp_file(scs, strlen(scs));
	run_init(&run);
	run.cfg.log_format = "scs-debug-log";
	collect_init(&c, &run);
	CU_ASSERT_TRUE_FATAL(logs_load(&run, p, &err));
	CU_ASSERT_EQUAL(c.recs->len, 2);
	CU_ASSERT_EQUAL(collected_rec(&c, 1)->line, 2);
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 1)->codes, "scs:102");
	r = collected_rec(&c, 0);
	CU_ASSERT_FALSE(r->parsed);
	CU_ASSERT_FALSE(r->has_time);
	CU_ASSERT_STRING_EQUAL(r->codes, "scs:913");
	CU_ASSERT_STRING_EQUAL(r->ips, "10.1.2.3");
	CU_ASSERT_STRING_EQUAL(r->level, "error");
	collect_free(&c);
	run_free(&run);
	unlink(p);
	g_free(p);
}

/* A UTF-8 file with a line in Windows-1252 ("Intel\xae ME"): both read. */
static void test_mixed_encodings(void)
{
	const char *log = "time=\"2026-11-23T11:50:00Z\" level=info msg=\"Intel\xc2\xae AMT ok\"\n"
			  "time=\"2026-11-23T11:50:01Z\" level=error msg=\"Intel\xae ME BIOS Extension login failed\"\n";
	char *p = temp_file(log, strlen(log));
	amt_run run;
	run_init(&run);
	collected c;
	collect_init(&c, &run);
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(logs_load(&run, p, &err));
	CU_ASSERT_EQUAL(c.recs->len, 2);
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 0)->message, "Intel\xc2\xae AMT ok");
	CU_ASSERT_STRING_EQUAL(collected_rec(&c, 1)->message, "Intel\xc2\xae ME BIOS Extension login failed");
	CU_ASSERT_EQUAL(c.notes->len, 0);
	collect_free(&c);
	run_free(&run);
	unlink(p);
	g_free(p);
}

int main(void)
{
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("logfmt", NULL, NULL);
	CU_add_test(s, "time layouts", test_time_layouts);
	CU_add_test(s, "public samples: format and fields", test_public_samples);
	CU_add_test(s, "cmtrace record over two lines", test_cmtrace_multiline_lines);
	CU_add_test(s, "utf-16le with and without BOM", test_utf16);
	CU_add_test(s, "junk: unknown format message", test_junk_unknown_format);
	CU_add_test(s, "long line bounded", test_long_line);
	CU_add_test(s, "--log-format FILE", test_user_format_file);
	CU_add_test(s, "--log-tz, --log-offset, redaction", test_tz_offset_redaction);
	CU_add_test(s, "mixed UTF-8 and Windows-1252 lines", test_mixed_encodings);
	CU_add_test(s, "rps line; unparsed SCS lines keep their codes", test_rps_and_unparsed_scs);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
