/* Loading format descriptions and recognising which one a log follows. */
#include "logfmt.h"

#include <errno.h>
#include <string.h>

#include "logread.h"
#include "../decoder/smallfile.h"

static const char *const standard_groups[] = {
	"ts", "date", "time", "level", "component", "thread", "message", "code", NULL,
};

static void code_free(gpointer p)
{
	logfmt_code *c = p;
	g_free(c->name);
	g_free(c->scope);
	g_free(c->prefix);
	if (c->re)
		g_regex_unref(c->re);
	g_free(c);
}

static void tag_free(gpointer p)
{
	logfmt_tag *t = p;
	g_free(t->event);
	if (t->re)
		g_regex_unref(t->re);
	g_free(t);
}

static void unref0(GRegex *re)
{
	if (re)
		g_regex_unref(re);
}

void logfmt_free(logfmt *f)
{
	if (!f)
		return;
	g_free(f->id);
	g_free(f->name);
	g_free(f->tool);
	g_free(f->path);
	g_free(f->note);
	g_free(f->time_layout);
	g_free(f->default_level);
	unref0(f->detect);
	unref0(f->record);
	unref0(f->start);
	unref0(f->end);
	unref0(f->skip);
	unref0(f->error_hint);
	if (f->levels)
		g_hash_table_destroy(f->levels);
	if (f->codes)
		g_ptr_array_free(f->codes, TRUE);
	if (f->tags)
		g_ptr_array_free(f->tags, TRUE);
	if (f->extra_names)
		g_ptr_array_free(f->extra_names, TRUE);
	g_free(f);
}

/* GKeyFile does not say where a key was: find "key=" inside [group]. */
static int key_line(const char *text, const char *group, const char *key)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	bool in_group = false;
	int found = 0;
	size_t klen = strlen(key);
	for (int i = 0; lines[i] && !found; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[') {
			const char *close = strchr(l, ']');
			in_group = close && (size_t)(close - l - 1) == strlen(group) &&
				   !strncmp(l + 1, group, strlen(group));
			if (in_group && !*key)
				found = i + 1;
		} else if (in_group && *key && !strncmp(l, key, klen)) {
			const char *r = l + klen;
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r == '=')
				found = i + 1;
		}
	}
	g_strfreev(lines);
	return found;
}

typedef struct loader {
	GKeyFile *kf;
	const char *path;
	const char *text;
	char **err;
} loader;

static GRegex *regex_key(loader *L, const char *group, const char *key, GRegexCompileFlags flags,
			 bool required, bool *ok)
{
	char *pat = g_key_file_get_value(L->kf, group, key, NULL);  /* raw: no GKeyFile escapes in patterns */
	if (!pat) {
		if (required) {
			*L->err = g_strdup_printf("%s: [%s] has no %s= (a regular expression is required)",
						  L->path, group, key);
			*ok = false;
		}
		return NULL;
	}
	GError *ge = NULL;
	GRegex *re = g_regex_new(pat, flags | G_REGEX_OPTIMIZE, 0, &ge);
	if (!re) {
		*L->err = g_strdup_printf("%s: line %d: [%s] %s: %s", L->path,
					  key_line(L->text, group, key), group, key, ge->message);
		g_error_free(ge);
		*ok = false;
	}
	g_free(pat);
	return re;
}

/* Named groups of a pattern: (?<name>...), (?P<name>...), (?'name'...). */
static void collect_names(logfmt *f, const char *pat)
{
	for (const char *p = pat; (p = strstr(p, "(?")); p += 2) {
		const char *n = p + 2;
		char close = '>';
		if (*n == 'P' && n[1] == '<')
			n += 2;
		else if (*n == '<' && n[1] != '=' && n[1] != '!')
			n += 1;
		else if (*n == '\'')
			n += 1, close = '\'';
		else
			continue;
		const char *e = strchr(n, close);
		if (!e || e == n || e - n > 32)
			continue;
		char *name = g_strndup(n, (gsize)(e - n));
		bool std = false;
		for (int i = 0; standard_groups[i]; i++)
			std |= !strcmp(standard_groups[i], name);
		if (!std) {
			char *full = g_strconcat("log.", name, NULL);
			bool dup = false;
			for (guint i = 0; i < f->extra_names->len; i++)
				dup |= !strcmp(f->extra_names->pdata[i], full);
			if (dup)
				g_free(full);
			else
				g_ptr_array_add(f->extra_names, full);
		}
		g_free(name);
	}
}

static bool load_groups(loader *L, logfmt *f)
{
	bool ok = true;
	gchar **groups = g_key_file_get_groups(L->kf, NULL);
	for (int i = 0; groups[i] && ok; i++) {
		const char *g = groups[i];
		if (!strncmp(g, "code ", 5)) {
			logfmt_code *c = g_new0(logfmt_code, 1);
			c->name = g_strdup(g + 5);
			c->scope = g_key_file_get_string(L->kf, g, "scope", NULL);
			if (!c->scope)
				c->scope = g_strdup(f->tool);
			c->prefix = g_key_file_get_string(L->kf, g, "prefix", NULL);
			c->re = regex_key(L, g, "regex", 0, true, &ok);
			g_ptr_array_add(f->codes, c);
		} else if (!strncmp(g, "event ", 6)) {
			logfmt_tag *t = g_new0(logfmt_tag, 1);
			t->event = g_strdup(g + 6);
			t->re = regex_key(L, g, "regex", 0, true, &ok);
			g_ptr_array_add(f->tags, t);
		} else if (!strcmp(g, "levels")) {
			gchar **keys = g_key_file_get_keys(L->kf, g, NULL, NULL);
			for (int k = 0; keys && keys[k]; k++) {
				char *v = g_key_file_get_string(L->kf, g, keys[k], NULL);
				g_hash_table_insert(f->levels, g_ascii_strdown(keys[k], -1), v);
			}
			g_strfreev(keys);
		} else if (strcmp(g, "format") && strcmp(g, "record") && strcmp(g, "time")) {
			*L->err = g_strdup_printf("%s: line %d: unknown group [%s] (known: format, record, time, "
						  "levels, code NAME, event NAME)", L->path, key_line(L->text, g, ""), g);
			ok = false;
		}
	}
	g_strfreev(groups);
	return ok;
}

logfmt *logfmt_load(const char *path, char **err)
{
	char *text = NULL;
	size_t len = 0;
	GError *ge = NULL;
	if (!smallfile_read(path, "log format file", SMALLFILE_TEXT_MAX, &text, &len, err))
		return NULL;
	GKeyFile *kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &ge)) {
		*err = g_strdup_printf("%s: %s", path, ge->message);
		g_error_free(ge);
		g_key_file_free(kf);
		g_free(text);
		return NULL;
	}
	loader L = {kf, path, text, err};
	logfmt *f = g_new0(logfmt, 1);
	f->path = g_strdup(path);
	f->levels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	f->codes = g_ptr_array_new_with_free_func(code_free);
	f->tags = g_ptr_array_new_with_free_func(tag_free);
	f->extra_names = g_ptr_array_new_with_free_func(g_free);
	bool ok = true;
	f->id = g_key_file_get_string(kf, "format", "id", NULL);
	if (!f->id) {
		*err = g_strdup_printf("%s: [format] needs id= (a short name such as my-tool)", path);
		ok = false;
	}
	f->name = g_key_file_get_string(kf, "format", "name", NULL);
	f->tool = g_key_file_get_string(kf, "format", "tool", NULL);
	if (!f->tool)
		f->tool = g_strdup(f->id ? f->id : "unknown");
	f->note = g_key_file_get_string(kf, "format", "note", NULL);
	f->inferred = g_key_file_get_boolean(kf, "format", "inferred", NULL);
	f->detect_lines = g_key_file_get_integer(kf, "format", "detect_lines", NULL);
	if (f->detect_lines <= 0 || f->detect_lines > 200)
		f->detect_lines = 20;
	f->priority = g_key_file_get_integer(kf, "format", "priority", NULL);
	f->detect_min = g_key_file_get_integer(kf, "format", "detect_min", NULL);
	if (f->detect_min < 0 || f->detect_min > 100)
		f->detect_min = 0;
	if (ok)
		f->detect = regex_key(&L, "format", "detect", 0, false, &ok);
	if (ok)
		f->record = regex_key(&L, "record", "regex", G_REGEX_DOTALL, true, &ok);
	if (ok)
		f->start = regex_key(&L, "record", "start", 0, false, &ok);
	if (ok)
		f->end = regex_key(&L, "record", "end", 0, false, &ok);
	if (ok)
		f->skip = regex_key(&L, "record", "skip", 0, false, &ok);
	if (ok)
		f->error_hint = regex_key(&L, "record", "error_hint", 0, false, &ok);
	f->default_level = g_key_file_get_string(kf, "record", "default_level", NULL);
	f->unescape = g_key_file_get_boolean(kf, "record", "unescape", NULL);
	f->time_layout = g_key_file_get_string(kf, "time", "layout", NULL);
	char *zone = g_key_file_get_string(kf, "time", "zone", NULL);
	f->tz = zone && !g_ascii_strcasecmp(zone, "utc") ? TZ_UTC : TZ_LOCAL;
	if (zone && g_ascii_strcasecmp(zone, "utc") && g_ascii_strcasecmp(zone, "local") && ok) {
		*err = g_strdup_printf("%s: line %d: [time] zone must be utc or local, not '%s'", path,
				       key_line(text, "time", "zone"), zone);
		ok = false;
	}
	g_free(zone);
	if (ok)
		ok = load_groups(&L, f);
	if (ok && f->record)
		collect_names(f, g_regex_get_pattern(f->record));
	g_key_file_free(kf);
	g_free(text);
	if (!ok) {
		logfmt_free(f);
		return NULL;
	}
	return f;
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	const logfmt *x = *(logfmt *const *)a, *y = *(logfmt *const *)b;
	return strcmp(x->id, y->id);
}

GPtrArray *logfmt_load_dir(const char *dir, char **warnings)
{
	GPtrArray *set = g_ptr_array_new_with_free_func((GDestroyNotify)logfmt_free);
	GString *warn = g_string_new(NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		if (!g_str_has_suffix(name, ".fmt"))
			continue;
		char *p = g_build_filename(dir, name, NULL);
		char *err = NULL;
		logfmt *f = logfmt_load(p, &err);
		if (f)
			g_ptr_array_add(set, f);
		else
			g_string_append_printf(warn, "%s\n", err);
		g_free(err);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	else
		g_string_append_printf(warn, "%s: no such folder of log formats\n", dir);
	g_ptr_array_sort(set, by_id);
	if (warnings)
		*warnings = warn->len ? g_strdup(warn->str) : NULL;
	g_string_free(warn, TRUE);
	return set;
}

logfmt *logfmt_find(GPtrArray *set, const char *id)
{
	for (guint i = 0; set && i < set->len; i++) {
		logfmt *f = set->pdata[i];
		if (!strcmp(f->id, id))
			return f;
	}
	return NULL;
}

static gint by_score(gconstpointer a, gconstpointer b)
{
	const logfmt_score *x = a, *y = b;
	/* the share of sampled lines that look like the format decides */
	int64_t rx = x->sampled ? (int64_t)x->detect_hits * 1000 / x->sampled : 0;
	int64_t ry = y->sampled ? (int64_t)y->detect_hits * 1000 / y->sampled : 0;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->fmt->priority != y->fmt->priority)
		return x->fmt->priority > y->fmt->priority ? -1 : 1;
	if (x->record_hits != y->record_hits)
		return x->record_hits > y->record_hits ? -1 : 1;
	return strcmp(x->fmt->id, y->fmt->id);
}

#define DETECT_MAX_LINES 200
#define DETECT_MAX_BYTES (1u << 20)

const logfmt *logfmt_detect(GPtrArray *set, const char *path, size_t max_line, GArray *scores,
			    char **err)
{
	logread r;
	if (!logread_open(&r, path, max_line)) {
		*err = g_strdup_printf("%s: cannot open: %s", path, g_strerror(errno));
		return NULL;
	}
	r.max_bytes = DETECT_MAX_BYTES;  /* a file without line breaks must not be read whole */
	GPtrArray *sample = g_ptr_array_new_with_free_func(g_free);
	while (sample->len < DETECT_MAX_LINES && logread_next(&r))
		if (r.line_len)
			g_ptr_array_add(sample, g_strndup(r.line, r.line_len));
	logread_close(&r);
	GArray *sc = g_array_new(FALSE, TRUE, sizeof(logfmt_score));
	for (guint i = 0; i < set->len; i++) {
		const logfmt *f = set->pdata[i];
		logfmt_score s = {.fmt = f};
		for (guint l = 0; l < sample->len && (int)l < f->detect_lines; l++) {
			const char *line = sample->pdata[l];
			s.sampled++;
			if (f->detect && g_regex_match(f->detect, line, 0, NULL))
				s.detect_hits++;
			if (f->record && g_regex_match(f->record, line, 0, NULL))
				s.record_hits++;
		}
		g_array_append_val(sc, s);
	}
	g_array_sort(sc, by_score);
	const logfmt *best = NULL;
	for (guint i = 0; i < sc->len && !best; i++) {
		const logfmt_score *s = &g_array_index(sc, logfmt_score, i);
		/* generic formats (message-only lines) need a real share of the file */
		if (s->detect_hits > 0 && s->detect_hits * 100 >= s->fmt->detect_min * s->sampled)
			best = s->fmt;
	}
	if (best && best != g_array_index(sc, logfmt_score, 0).fmt) {
		/* report the chosen one first */
		for (guint i = 1; i < sc->len; i++)
			if (g_array_index(sc, logfmt_score, i).fmt == best) {
				logfmt_score chosen = g_array_index(sc, logfmt_score, i);
				g_array_remove_index(sc, i);
				g_array_prepend_val(sc, chosen);
				break;
			}
	}
	if (!best) {
		GString *ids = g_string_new(NULL);
		for (guint i = 0; i < set->len; i++)
			g_string_append_printf(ids, "%s%s", i ? ", " : "", ((logfmt *)set->pdata[i])->id);
		*err = g_strdup_printf("%s: log format not recognised%s (tried: %s); force one with "
				       "--log-format NAME, or describe yours in a .fmt file and pass "
				       "--log-format FILE (see docs/log-formats.md)",
				       path, sample->len ? "" : ": no text lines found", ids->str);
		g_string_free(ids, TRUE);
	}
	if (scores)
		g_array_append_vals(scores, sc->data, sc->len);
	g_array_free(sc, TRUE);
	g_ptr_array_free(sample, TRUE);
	return best;
}
