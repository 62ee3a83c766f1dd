/* Log ingestion: cut a log into records with its format description, pull
 * out time, level, codes and the hosts it mentions, and emit EV_LOG_RECORD. */
#include "logs.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "../decoder/events/flow.h"
#include "../decoder/events/log.h"
#include "../decoder/secretname.h"
#include "datadir.h"
#include "log_redact.h"
#include "logread.h"

#define RECORD_MAX_LINES 1000

const char *logs_data_dir(const amt_config *cfg)
{
	return cfg->data_dir ? cfg->data_dir : amt_data_dir();
}

static bool looks_like_file(const char *s)
{
	return strchr(s, '/') || g_str_has_suffix(s, ".fmt") || g_file_test(s, G_FILE_TEST_IS_REGULAR);
}

GPtrArray *logs_formats(const amt_config *cfg, const logfmt **forced, char **err)
{
	char *dir = g_build_filename(logs_data_dir(cfg), "formats", NULL);
	GPtrArray *set = logfmt_load_dir(dir, NULL);
	g_free(dir);
	*forced = NULL;
	if (!cfg->log_format)
		return set;
	if (looks_like_file(cfg->log_format)) {
		logfmt *f = logfmt_load(cfg->log_format, err);
		if (!f) {
			g_ptr_array_free(set, TRUE);
			return NULL;
		}
		logfmt *old = logfmt_find(set, f->id);
		if (old)
			g_ptr_array_remove(set, old);  /* the user's file replaces the shipped one */
		g_ptr_array_add(set, f);
		*forced = f;
		return set;
	}
	*forced = logfmt_find(set, cfg->log_format);
	if (!*forced) {
		GString *ids = g_string_new(NULL);
		for (guint i = 0; i < set->len; i++)
			g_string_append_printf(ids, "%s%s", i ? ", " : "", ((logfmt *)set->pdata[i])->id);
		*err = g_strdup_printf("--log-format '%s': no such format (known: %s; or give a .fmt file)",
				       cfg->log_format, ids->str);
		g_string_free(ids, TRUE);
		g_ptr_array_free(set, TRUE);
		return NULL;
	}
	return set;
}

/* Text that says which host a line is about. */
typedef struct entity_res {
	GRegex *ip, *uuid, *mac, *fqdn;
} entity_res;

static entity_res *entities(void)
{
	static entity_res r;
	if (!r.ip) {
		r.ip = g_regex_new("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.]*\\d)", G_REGEX_OPTIMIZE, 0, NULL);
		r.uuid = g_regex_new("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
				     G_REGEX_OPTIMIZE, 0, NULL);
		r.mac = g_regex_new("\\b[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\\1[0-9A-Fa-f]{2}){4}\\b",
				    G_REGEX_OPTIMIZE, 0, NULL);
		r.fqdn = g_regex_new("\\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){2,}[A-Za-z]{2,24}\\b",
				     G_REGEX_OPTIMIZE, 0, NULL);
	}
	return &r;
}

/* A dotted word is a host name only if it does not end like a file or a
 * version: "instruction.cxx", "Logger.ts", "v9.1.45" are not hosts. */
static bool plausible_fqdn(const char *s)
{
	static const char *const not_tld[] = {"cxx", "cpp", "log", "txt", "exe", "dll", "ts", "js",
					      "go", "xml", "pem", "pfx", "cer", "crt", "ini", NULL};
	const char *dot = strrchr(s, '.');
	for (int i = 0; dot && not_tld[i]; i++)
		if (!g_ascii_strcasecmp(dot + 1, not_tld[i]))
			return false;
	return true;
}

static void find_entities(event *e, ev_log *L, const char *msg)
{
	entity_res *r = entities();
	GMatchInfo *mi = NULL;
	for (g_regex_match(r->ip, msg, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		char *w = g_match_info_fetch(mi, 0);
		amt_addr a;
		if (L->nips < EV_LOG_MAX_IPS && amt_addr_parse(w, &a)) {
			bool dup = false;
			for (uint32_t i = 0; i < L->nips; i++)
				dup |= amt_addr_eq(&L->ips[i], &a);
			if (!dup) {
				L->ips[L->nips++] = a;
				ev_addr(e, "log.ip", &a);
			}
		}
		g_free(w);
	}
	g_match_info_free(mi);
	if (g_regex_match(r->uuid, msg, 0, &mi)) {
		char *w = g_match_info_fetch(mi, 0);
		char *low = g_ascii_strdown(w, -1);
		L->uuid = arena_strdup(e->a, low);
		ev_str(e, "log.uuid", L->uuid);
		g_free(low);
		g_free(w);
	}
	g_match_info_free(mi);
	if (g_regex_match(r->mac, msg, 0, &mi)) {
		char *w = g_match_info_fetch(mi, 0);
		char *low = g_ascii_strdown(w, -1);
		g_strdelimit(low, "-", ':');
		L->mac = arena_strdup(e->a, low);
		ev_str(e, "log.mac", L->mac);
		g_free(low);
		g_free(w);
	}
	g_match_info_free(mi);
	for (g_regex_match(r->fqdn, msg, 0, &mi); g_match_info_matches(mi) && !L->fqdn;
	     g_match_info_next(mi, NULL)) {
		char *w = g_match_info_fetch(mi, 0);
		amt_addr a;
		if (plausible_fqdn(w) && !amt_addr_parse(w, &a)) {
			char *low = g_ascii_strdown(w, -1);
			L->fqdn = arena_strdup(e->a, low);
			ev_str(e, "log.fqdn", L->fqdn);
			g_free(low);
		}
		g_free(w);
	}
	g_match_info_free(mi);
}

static void add_code(event *e, ev_log *L, const char *scope, const char *raw)
{
	char *code = g_ascii_strdown(raw, -1);
	if (code[0] == '0' && code[1] == 'x') {
		/* 0x0B40 and 0xb40 are one code */
		char *p = code + 2;
		while (*p == '0' && p[1])
			p++;
		memmove(code + 2, p, strlen(p) + 1);
	}
	for (uint32_t i = 0; i < L->ncodes; i++)
		if (!strcmp(L->codes[i].code, code) && !strcmp(L->codes[i].scope, scope)) {
			g_free(code);
			return;
		}
	if (L->ncodes < EV_LOG_MAX_CODES) {
		L->codes[L->ncodes].scope = arena_strdup(e->a, scope);
		L->codes[L->ncodes].code = arena_strdup(e->a, code);
		ev_str(e, "log.code", L->codes[L->ncodes].code);
		L->ncodes++;
	}
	g_free(code);
}

static void find_codes(event *e, ev_log *L, const logfmt *f, const char *msg)
{
	for (guint i = 0; i < f->codes->len; i++) {
		const logfmt_code *c = f->codes->pdata[i];
		GMatchInfo *mi = NULL;
		int ncodes_before = (int)L->ncodes;
		for (g_regex_match(c->re, msg, 0, &mi); g_match_info_matches(mi) && (int)L->ncodes < EV_LOG_MAX_CODES;
		     g_match_info_next(mi, NULL)) {
			char *code = g_match_info_fetch_named(mi, "code");
			if (code && *code && c->prefix && !g_str_has_prefix(code, c->prefix)) {
				char *p = g_strconcat(c->prefix, code, NULL);
				g_free(code);
				code = p;
			}
			add_code(e, L, c->scope, code && *code ? code : c->name);
			g_free(code);
			if ((int)L->ncodes == ncodes_before)
				break;  /* same code again: nothing new on this line */
		}
		g_match_info_free(mi);
	}
	for (guint i = 0; i < f->tags->len && !L->event; i++) {
		const logfmt_tag *t = f->tags->pdata[i];
		if (g_regex_match(t->re, msg, 0, NULL)) {
			L->event = arena_strdup(e->a, t->event);
			ev_str(e, "log.event", L->event);
		}
	}
}

typedef struct reader_ctx {
	amt_run *run;
	const logfmt *f;
	uint16_t input;
	amt_input *in;
	GTimeZone *tz;
	arena scratch;
	GString *rec;
	uint32_t rec_line, rec_last, rec_lines;
	bool rec_open;
	bool rec_headed;  /* opened by a line matching start= */
	uint64_t records, assumed_utc;
} reader_ctx;

static char *fetch(GMatchInfo *mi, const char *name)
{
	char *v = g_match_info_fetch_named(mi, name);
	if (v && !*v) {
		g_free(v);
		return NULL;
	}
	return v;
}

static void set_time(reader_ctx *c, event *e, ev_log *L, const char *text)
{
	int64_t us;
	bool zone_known;
	int32_t off;
	if (!c->f->time_layout || !logfmt_parse_time(c->f->time_layout, text, &us, &zone_known, &off))
		return;
	if (zone_known) {
		us -= (int64_t)off * 1000000;
	} else if (c->f->tz == TZ_LOCAL && c->tz) {
		gint64 secs = us / 1000000;
		gint iv = g_time_zone_adjust_time(c->tz, G_TIME_TYPE_STANDARD, &secs);
		us -= (int64_t)g_time_zone_get_offset(c->tz, iv) * 1000000;
	} else if (c->f->tz == TZ_LOCAL) {
		L->time_assumed_utc = true;
		c->assumed_utc++;
	}
	e->ts = us + c->run->cfg.log_offset_us;
	L->has_time = true;
	if (!c->in->first_ts || e->ts < c->in->first_ts)
		c->in->first_ts = e->ts;
	if (e->ts > c->in->last_ts)
		c->in->last_ts = e->ts;
}

static const char *norm_level(reader_ctx *c, const char *raw, const char *msg)
{
	if (raw) {
		char *low = g_ascii_strdown(raw, -1);
		const char *m = g_hash_table_lookup(c->f->levels, low);
		const char *out = arena_strdup(&c->scratch, m ? m : low);
		g_free(low);
		return out;
	}
	if (c->f->error_hint && g_regex_match(c->f->error_hint, msg, 0, NULL))
		return "error";
	return c->f->default_level;
}

/* A group a user's format names like a secret never reaches a field: the
 * secret names of the class references, and more loosely any key or token. */
static bool secret_field_name(const char *name)
{
	if (secret_name(name))
		return true;
	static const char *const words[] = {"pass", "pwd", "secret", "pps", "pid", "key", "token", NULL};
	char *low = g_ascii_strdown(name, -1);
	bool hit = false;
	for (int i = 0; words[i] && !hit; i++)
		hit = strstr(low, words[i]) != NULL;
	g_free(low);
	return hit;
}

/* In place: \" -> ", \\ -> \ (logrus quotes its msg= value). */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	*w = 0;
}

static void emit_record(reader_ctx *c)
{
	if (!c->rec_open)
		return;
	c->rec_open = false;
	arena_reset(&c->scratch);
	event *e = ev_new(&c->scratch, EV_LOG_RECORD, "log");
	ev_log *L = arena_alloc(&c->scratch, sizeof(*L));
	e->data = L;
	e->input = c->input;
	e->line = c->rec_line;
	L->line_last = c->rec_last;
	L->format = c->f->id;
	L->tool = c->f->tool;
	const char *text = c->rec->str;
	GMatchInfo *mi = NULL;
	L->parsed = g_regex_match(c->f->record, text, 0, &mi);
	char *ts = NULL, *level = NULL, *comp = NULL, *thread = NULL, *msg = NULL;
	if (L->parsed) {
		ts = fetch(mi, "ts");
		if (!ts) {
			char *d = fetch(mi, "date"), *t = fetch(mi, "time");
			if (d || t)
				ts = g_strjoin(" ", d ? d : "", t ? t : "", NULL);
			g_free(d);
			g_free(t);
		}
		level = fetch(mi, "level");
		comp = fetch(mi, "component");
		thread = fetch(mi, "thread");
		msg = fetch(mi, "message");
	}
	const char *message = msg ? msg : text;
	if (msg && c->f->unescape)
		unescape(msg);
	char *red = c->run->cfg.redact ? log_redact(message) : NULL;
	L->message = arena_strdup(e->a, red ? red : message);
	g_free(red);
	if (ts)
		set_time(c, e, L, ts);
	L->level = norm_level(c, level, L->message);
	L->component = arena_strdup(e->a, comp);
	L->thread = arena_strdup(e->a, thread);
	ev_str(e, "log.format", L->format);
	ev_str(e, "log.level", L->level);
	ev_str(e, "log.component", L->component);
	ev_str(e, "log.thread", L->thread);
	ev_str(e, "log.message", L->message);
	if (!L->parsed)
		ev_bool(e, "log.unparsed", true);
	if (L->parsed) {
		for (guint i = 0; i < c->f->extra_names->len; i++) {
			const char *full = c->f->extra_names->pdata[i];
			char *v = fetch(mi, full + 4);
			if (v && c->run->cfg.redact && secret_field_name(full + 4)) {
				g_free(v);
				v = g_strdup("***");
			} else if (v && c->run->cfg.redact && (red = log_redact(v))) {
				g_free(v);  /* a group that holds the rest of the line: "key=value ..." */
				v = red;
			}
			ev_str(e, full, v);
			g_free(v);
		}
		char *code = fetch(mi, "code");
		if (code)
			add_code(e, L, c->f->tool, code);
		g_free(code);
	}
	find_codes(e, L, c->f, L->message);
	find_entities(e, L, text);
	if (L->time_assumed_utc)
		ev_bool(e, "log.time_assumed_utc", true);
	ev_set_info(e, "%s%s%s%s%.200s", L->level ? L->level : "", L->level ? " " : "",
		    L->component ? L->component : "", L->component ? ": " : "", L->message);
	g_match_info_free(mi);
	g_free(ts);
	g_free(level);
	g_free(comp);
	g_free(thread);
	g_free(msg);
	c->records++;
	bus_emit(&c->run->bus, e);
}

static void note(reader_ctx *c, note_kind k, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void note(reader_ctx *c, note_kind k, uint32_t line, const char *fmt, ...)
{
	arena_reset(&c->scratch);
	event *e = ev_new(&c->scratch, EV_NOTE, "log");
	ev_note *n = arena_alloc(&c->scratch, sizeof(*n));
	n->kind = k;
	n->limit = k == NOTE_LIMIT ? LIM_LOG_LINE : -1;
	va_list ap;
	va_start(ap, fmt);
	n->message = arena_vprintf(&c->scratch, fmt, ap);
	va_end(ap);
	e->data = n;
	e->input = c->input;
	e->line = line;
	e->info = n->message;
	ev_str(e, "note.kind", note_kind_name(k));
	ev_str(e, "note.message", n->message);
	bus_emit(&c->run->bus, e);
}

static void open_record(reader_ctx *c, const logread *r)
{
	g_string_assign(c->rec, r->line);
	c->rec_line = c->rec_last = r->lineno;
	c->rec_lines = 1;
	c->rec_open = true;
}

static void append_line(reader_ctx *c, const logread *r)
{
	c->rec_last = r->lineno;
	c->rec_lines++;
	size_t cap = (size_t)c->run->cfg.limit[LIM_LOG_LINE];
	if (c->rec->len + r->line_len + 1 <= cap) {
		g_string_append_c(c->rec, '\n');
		g_string_append_len(c->rec, r->line, (gssize)r->line_len);
	}
}

static void feed_line(reader_ctx *c, const logread *r)
{
	const logfmt *f = c->f;
	bool empty = r->line_len == 0 || strspn(r->line, " \t") == r->line_len;
	if (f->end) {
		if (!c->rec_open) {
			if (empty || (f->skip && g_regex_match(f->skip, r->line, 0, NULL)))
				return;
			open_record(c, r);
		} else {
			append_line(c, r);
		}
		if (g_regex_match(f->end, r->line, 0, NULL) || c->rec_lines >= RECORD_MAX_LINES)
			emit_record(c);
		return;
	}
	if (empty || (f->skip && g_regex_match(f->skip, r->line, 0, NULL)))
		return;
	bool starts = f->start && g_regex_match(f->start, r->line, 0, NULL);
	if (f->start && !starts && c->rec_open && c->rec_headed && c->rec_lines < RECORD_MAX_LINES) {
		append_line(c, r);
		return;
	}
	emit_record(c);
	open_record(c, r);
	/* only a line that starts a record takes continuation lines: lines in
	 * another shape stay records of their own, with their own line numbers */
	c->rec_headed = starts;
	if (!starts)
		emit_record(c);
}

bool logs_read(amt_run *run, const char *path, GPtrArray *set, const logfmt *fmt, char **err)
{
	size_t max_line = (size_t)run->cfg.limit[LIM_LOG_LINE];
	if (!fmt && !set->len) {
		*err = g_strdup_printf("%s: no log formats found under %s/formats (set AMTSCOPE_DATA to the folder "
				       "holding formats/ and kb/, or give --log-format FILE)", path,
				       logs_data_dir(&run->cfg));
		return false;
	}
	if (!fmt && !(fmt = logfmt_detect(set, path, max_line, NULL, err)))
		return false;
	GTimeZone *tz = NULL;
	if (run->cfg.log_tz && !(tz = g_time_zone_new_identifier(run->cfg.log_tz))) {
		*err = g_strdup_printf("--log-tz '%s': unknown time zone (use an IANA name such as "
				       "Europe/Berlin, or an offset such as +01:00)", run->cfg.log_tz);
		return false;
	}
	logread r;
	if (!logread_open(&r, path, max_line)) {
		*err = g_strdup_printf("%s: cannot open: %s", path, g_strerror(errno));
		if (tz)
			g_time_zone_unref(tz);
		return false;
	}
	amt_input *in = run_add_input(run, path, INPUT_LOG);
	in->kind_name = arena_strdup(&run->strings, fmt->id);
	reader_ctx c = {.run = run, .f = fmt, .in = in, .tz = tz, .rec = g_string_new(NULL)};
	c.input = (uint16_t)(run->inputs->len - 1);
	arena_init(&c.scratch, 16384);
	while (logread_next(&r)) {
		if (r.first_truncated == r.lineno) {
			run->stats.limit_hits[LIM_LOG_LINE]++;
			in->truncated = true;
			note(&c, NOTE_LIMIT, r.lineno, "line %u is longer than %zu bytes: cut there (%s raises the limit)",
			     r.lineno, max_line, amt_limits[LIM_LOG_LINE].option);
		}
		feed_line(&c, &r);
	}
	emit_record(&c);
	in->lines = r.lineno;
	in->bytes = r.bytes;
	if (ferror(r.f))
		in->error = g_strdup_printf("read error after %" G_GUINT64_FORMAT " bytes", r.bytes);
	if (r.binary_lines)
		note(&c, NOTE_MALFORMED, 0, "%" G_GUINT64_FORMAT " lines hold control bytes or invalid text "
		     "(shown as '?' or U+FFFD): is this really a %s log?", r.binary_lines, fmt->id);
	if (c.assumed_utc)
		note(&c, NOTE_INFO, 0, "%s writes local time without a zone; times were read as UTC: "
		     "give --log-tz ZONE to correlate with captures", fmt->id);
	if (!c.records)
		note(&c, NOTE_INFO, 0, "no records found in %s as format %s", path, fmt->id);
	logread_close(&r);
	g_string_free(c.rec, TRUE);
	arena_free(&c.scratch);
	if (tz)
		g_time_zone_unref(tz);
	return true;
}

bool logs_load(amt_run *run, const char *path, char **err)
{
	const logfmt *forced;
	GPtrArray *set = logs_formats(&run->cfg, &forced, err);
	if (!set)
		return false;
	bool ok = logs_read(run, path, set, forced, err);
	g_ptr_array_free(set, TRUE);
	return ok;
}
