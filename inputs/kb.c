#include "kb.h"

#include <string.h>

static void entry_free(gpointer p)
{
	kb_entry *e = p;
	g_free(e->scope);
	g_free(e->code);
	g_free(e->rule);
	g_free(e->tool);
	g_free(e->title);
	g_free(e->meaning);
	g_free(e->causes);
	g_free(e->remedy);
	g_free(e->wire);
	g_free(e->source);
	g_free(e);
}

kb *kb_new(void)
{
	kb *k = g_new0(kb, 1);
	k->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	k->entries = g_ptr_array_new_with_free_func(entry_free);
	return k;
}

void kb_free(kb *k)
{
	if (!k)
		return;
	g_hash_table_destroy(k->by_key);
	g_ptr_array_free(k->entries, TRUE);
	g_free(k);
}

char *kb_norm_code(const char *code)
{
	char *c = g_ascii_strdown(code, -1);
	g_strstrip(c);
	if (c[0] == '0' && c[1] == 'x') {
		char *p = c + 2;
		while (*p == '0' && p[1])
			p++;
		memmove(c + 2, p, strlen(p) + 1);
	}
	return c;
}

bool kb_load_file(kb *k, const char *path, char **err)
{
	GKeyFile *kf = g_key_file_new();
	GError *ge = NULL;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &ge)) {
		*err = g_strdup_printf("%s: %s", path, ge->message);
		g_error_free(ge);
		g_key_file_free(kf);
		return false;
	}
	char *scope = g_key_file_get_string(kf, "kb", "scope", NULL);
	char *prefix = g_key_file_get_string(kf, "kb", "finding", NULL);
	char *tool = g_key_file_get_string(kf, "kb", "tool", NULL);
	char *source = g_key_file_get_string(kf, "kb", "source", NULL);
	bool ok = scope && prefix;
	if (!ok)
		*err = g_strdup_printf("%s: [kb] needs scope= and finding=", path);
	gchar **groups = g_key_file_get_groups(kf, NULL);
	for (int i = 0; ok && groups[i]; i++) {
		if (!strcmp(groups[i], "kb"))
			continue;
		kb_entry *e = g_new0(kb_entry, 1);
		e->scope = g_strdup(scope);
		e->code = kb_norm_code(groups[i]);
		e->rule = g_strdup_printf("%s.%s", prefix, e->code);
		e->tool = g_strdup(tool);
		e->title = g_key_file_get_value(kf, groups[i], "title", NULL);
		e->meaning = g_key_file_get_value(kf, groups[i], "meaning", NULL);
		e->causes = g_key_file_get_value(kf, groups[i], "causes", NULL);
		e->remedy = g_key_file_get_value(kf, groups[i], "remedy", NULL);
		e->wire = g_key_file_get_value(kf, groups[i], "wire", NULL);
		e->source = g_key_file_get_value(kf, groups[i], "source", NULL);
		if (!e->source)
			e->source = g_strdup(source);
		char *sev = g_key_file_get_string(kf, groups[i], "severity", NULL);
		int s = SEV_ERROR;
		if (sev && (!severity_parse(sev, &s) || s > SEV_ERROR)) {
			*err = g_strdup_printf("%s: [%s] severity must be error, warning or info, not '%s'",
					       path, groups[i], sev);
			ok = false;
		}
		g_free(sev);
		e->sev = (severity)s;
		GError *be = NULL;
		e->confirmed = g_key_file_get_boolean(kf, groups[i], "confirmed", &be);
		if (be) {
			e->confirmed = true;
			g_error_free(be);
		}
		if (ok && !e->title) {
			*err = g_strdup_printf("%s: [%s] needs title=", path, groups[i]);
			ok = false;
		}
		if (!ok) {
			entry_free(e);
			break;
		}
		char *key = g_strdup_printf("%s|%s", e->scope, e->code);
		kb_entry *old = g_hash_table_lookup(k->by_key, key);
		if (old)
			g_ptr_array_remove(k->entries, old);  /* a later file overrides */
		g_hash_table_replace(k->by_key, key, e);
		g_ptr_array_add(k->entries, e);
	}
	g_strfreev(groups);
	g_free(scope);
	g_free(prefix);
	g_free(tool);
	g_free(source);
	g_key_file_free(kf);
	return ok;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

kb *kb_load_dir(const char *dir, char **warnings)
{
	kb *k = kb_new();
	GString *warn = g_string_new(NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".kb"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	if (d)
		g_dir_close(d);
	else
		g_string_append_printf(warn, "%s: no knowledge-base folder\n", dir);
	g_ptr_array_sort(names, cmp_str);
	for (guint i = 0; i < names->len; i++) {
		char *err = NULL;
		if (!kb_load_file(k, names->pdata[i], &err)) {
			g_string_append_printf(warn, "%s\n", err);
			g_free(err);
		}
	}
	g_ptr_array_free(names, TRUE);
	if (warnings)
		*warnings = warn->len ? g_strdup(warn->str) : NULL;
	g_string_free(warn, TRUE);
	return k;
}

const kb_entry *kb_lookup(const kb *k, const char *scope, const char *code)
{
	if (!k || !scope || !code)
		return NULL;
	char *c = kb_norm_code(code);
	char *key = g_strdup_printf("%s|%s", scope, c);
	const kb_entry *e = g_hash_table_lookup(k->by_key, key);
	g_free(key);
	g_free(c);
	return e;
}
