/* Loading --rules files. */
#include "user_rules.h"

#include "../decoder/smallfile.h"

#include <string.h>

extern const rule rule_user;

GPtrArray *user_rules_of(analysis *an)
{
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i] == &rule_user)
			return an->state[i];
	return NULL;
}

static int group_line(const char *text, const char *group, const char *key)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	int found = 0, group_at = 0;
	for (int i = 0; lines[i] && !found; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[') {
			group_at = 0;
			size_t n = strlen(group);
			if (!strncmp(l + 1, group, n) && l[n + 1] == ']')
				group_at = i + 1;
			if (group_at && !key)
				found = group_at;
		} else if (group_at && key && !strncmp(l, key, strlen(key))) {
			const char *r = l + strlen(key);
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r == '=')
				found = i + 1;
		}
	}
	g_strfreev(lines);
	return found;
}

/* GKeyFile's parse errors quote the bad line but do not number it. */
static int quoted_line(const char *text, const char *msg)
{
	const char *open = strstr(msg, "\u201c"), *close = open ? strstr(open, "\u201d") : NULL;
	if (!open || !close)
		return 0;
	open += strlen("\u201c");
	char *quoted = g_strndup(open, (gsize)(close - open));
	gchar **lines = g_strsplit(text, "\n", -1);
	int found = 0;
	for (int i = 0; lines[i] && !found; i++) {
		g_strchomp(lines[i]);
		if (!strcmp(lines[i], quoted))
			found = i + 1;
	}
	g_strfreev(lines);
	g_free(quoted);
	return found;
}

static bool valid_id(const char *id)
{
	if (!*id)
		return false;
	for (const char *p = id; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
			return false;
	return true;
}

static int kind_by_name(const char *name)
{
	for (int k = 1; k < EV_KIND_COUNT; k++)
		if (!strcmp(ev_kind_name((ev_kind)k), name))
			return k;
	return 0;
}

void user_rule_free(gpointer p)
{
	user_rule *r = p;
	g_free(r->id);
	g_free(r->field);
	g_free(r->summary);
	g_free(r->remedy);
	g_free(r->file);
	if (r->re)
		g_regex_unref(r->re);
	g_free(r);
}

static const char *const known_keys[] = {"severity", "match", "regex", "kind", "summary", "remedy", NULL};

static bool load_rule(GKeyFile *kf, const char *text, const char *path, const char *group,
		      GPtrArray *out, char **err)
{
	const char *id = group + 5;
	int gline = group_line(text, group, NULL);
	if (!valid_id(id)) {
		*err = g_strdup_printf("%s: line %d: rule id '%s' may only hold letters, digits, '.', '_' and '-'",
				       path, gline, id);
		return false;
	}
	gchar **keys = g_key_file_get_keys(kf, group, NULL, NULL);
	for (int i = 0; keys && keys[i]; i++) {
		bool known = false;
		for (int k = 0; known_keys[k]; k++)
			known |= !strcmp(keys[i], known_keys[k]);
		if (!known) {
			*err = g_strdup_printf("%s: line %d: [%s] unknown key '%s' (known: severity, match, regex, "
					       "kind, summary, remedy)", path, group_line(text, group, keys[i]), group, keys[i]);
			g_strfreev(keys);
			return false;
		}
	}
	g_strfreev(keys);
	user_rule *r = g_new0(user_rule, 1);
	r->id = g_strdup(id);
	r->file = g_strdup(path);
	r->line = gline;
	r->kind = -1;
	bool ok = true;
	char *sev = g_key_file_get_value(kf, group, "severity", NULL);
	int s = SEV_WARNING;
	if (sev && (!severity_parse(sev, &s) || s > SEV_ERROR)) {
		*err = g_strdup_printf("%s: line %d: [%s] severity must be error, warning or info, not '%s'", path,
				       group_line(text, group, "severity"), group, sev);
		ok = false;
	}
	r->sev = (severity)s;
	g_free(sev);
	r->field = g_key_file_get_value(kf, group, "match", NULL);
	if (!r->field)
		r->field = g_strdup("log.message");
	char *kind = g_key_file_get_value(kf, group, "kind", NULL);
	if (ok && kind && !(r->kind = kind_by_name(kind))) {
		*err = g_strdup_printf("%s: line %d: [%s] unknown event kind '%s' (e.g. log_record, dns_query, "
				       "hello, tls_alert, http_response)", path, group_line(text, group, "kind"), group, kind);
		ok = false;
	}
	g_free(kind);
	char *pat = g_key_file_get_value(kf, group, "regex", NULL);
	if (ok && !pat) {
		*err = g_strdup_printf("%s: line %d: [%s] needs regex=", path, gline, group);
		ok = false;
	}
	GError *ge = NULL;
	if (ok && !(r->re = g_regex_new(pat, G_REGEX_OPTIMIZE, 0, &ge))) {
		*err = g_strdup_printf("%s: line %d: [%s] regex: %s", path, group_line(text, group, "regex"), group,
				       ge->message);
		g_error_free(ge);
		ok = false;
	}
	g_free(pat);
	r->summary = g_key_file_get_value(kf, group, "summary", NULL);
	r->remedy = g_key_file_get_value(kf, group, "remedy", NULL);
	if (ok && !r->summary) {
		*err = g_strdup_printf("%s: line %d: [%s] needs summary=", path, gline, group);
		ok = false;
	}
	if (ok && !g_regex_check_replacement(r->summary, NULL, &ge)) {
		*err = g_strdup_printf("%s: line %d: [%s] summary: %s", path, group_line(text, group, "summary"),
				       group, ge->message);
		g_error_free(ge);
		ok = false;
	}
	if (ok && r->remedy && !g_regex_check_replacement(r->remedy, NULL, &ge)) {
		*err = g_strdup_printf("%s: line %d: [%s] remedy: %s", path, group_line(text, group, "remedy"),
				       group, ge->message);
		g_error_free(ge);
		ok = false;
	}
	if (!ok) {
		user_rule_free(r);
		return false;
	}
	g_ptr_array_add(out, r);
	return true;
}

bool user_rules_load(analysis *an, const char *path, char **err)
{
	GPtrArray *rules = user_rules_of(an);
	char *text = NULL;
	size_t len = 0;
	GError *ge = NULL;
	if (!smallfile_read(path, "rules file", SMALLFILE_TEXT_MAX, &text, &len, err))
		return false;
	GKeyFile *kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &ge)) {
		*err = g_strdup_printf("%s: line %d: %s", path, quoted_line(text, ge->message), ge->message);
		g_error_free(ge);
		g_key_file_free(kf);
		g_free(text);
		return false;
	}
	GPtrArray *fresh = g_ptr_array_new_with_free_func(user_rule_free);
	gchar **groups = g_key_file_get_groups(kf, NULL);
	bool ok = true;
	for (int i = 0; groups[i] && ok; i++) {
		if (strncmp(groups[i], "rule ", 5)) {
			*err = g_strdup_printf("%s: line %d: group [%s] should be [rule ID]", path,
					       group_line(text, groups[i], NULL), groups[i]);
			ok = false;
			break;
		}
		ok = load_rule(kf, text, path, groups[i], fresh, err);
	}
	if (ok && !fresh->len) {
		*err = g_strdup_printf("%s: no [rule ID] groups (see docs/user-rules.md)", path);
		ok = false;
	}
	if (ok && rules)
		while (fresh->len)
			g_ptr_array_add(rules, g_ptr_array_steal_index(fresh, 0));
	g_ptr_array_free(fresh, TRUE);
	g_strfreev(groups);
	g_key_file_free(kf);
	g_free(text);
	return ok;
}
