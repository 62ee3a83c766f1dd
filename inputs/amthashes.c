/* Root hash lists: the shipped CSV and user files. */
#include "amthashes.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "datadir.h"

struct amt_hashes {
	GHashTable *names;  /* lower-case hex -> name */
};

amt_hashes *amt_hashes_new(void)
{
	amt_hashes *h = g_new0(amt_hashes, 1);
	h->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return h;
}

void amt_hashes_free(amt_hashes *h)
{
	if (!h)
		return;
	g_hash_table_destroy(h->names);
	g_free(h);
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isxdigit(s[i]))
			return false;
	return true;
}

bool amt_hashes_add(amt_hashes *h, const char *hash, const char *name)
{
	if (!g_ascii_strncasecmp(hash, "sha256:", 7))
		hash += 7;
	else if (!g_ascii_strncasecmp(hash, "sha1:", 5))
		hash += 5;
	size_t n = strlen(hash);
	if ((n != 40 && n != 64) || !is_hex(hash, n))
		return false;
	g_hash_table_replace(h->names, g_ascii_strdown(hash, -1), g_strdup(name ? name : ""));
	return true;
}

/* Splits one CSV line into at most max fields (quotes, doubled quotes). */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *out = p;
		fields[n++] = out;
		if (*p == '"') {
			p++;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*out++ = *p++;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',')
				*out++ = *p++;
		}
		char sep = *p;
		*out = 0;
		if (sep != ',')
			break;
		p++;
	}
	return n;
}

static FILE *open_or_err(const char *path, const char *what, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		*err = g_strdup_printf("cannot read %s %s", what, path);
	return f;
}

bool amt_hashes_load_csv(amt_hashes *h, const char *path, char **err)
{
	FILE *f = open_or_err(path, "root hash list", err);
	if (!f)
		return false;
	char line[2048];
	bool header = true;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (header) {
			header = false;
			continue;
		}
		char *fields[5];
		int n = csv_split(line, fields, 5);
		if (n >= 2 && *fields[1])
			amt_hashes_add(h, fields[1], fields[0]);
		if (n >= 3 && *fields[2])
			amt_hashes_add(h, fields[2], fields[0]);
	}
	fclose(f);
	return true;
}

bool amt_hashes_load_list(amt_hashes *h, const char *path, char **err)
{
	FILE *f = open_or_err(path, "--amt-hashes file", err);
	if (!f)
		return false;
	char line[2048];
	unsigned lineno = 0;
	bool ok = true;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = g_strstrip(line);
		if (!*s)
			continue;
		size_t n = strcspn(s, " \t");
		char *name = s[n] ? g_strstrip(s + n + 1) : NULL;
		s[n] = 0;
		if (!amt_hashes_add(h, s, name)) {
			*err = g_strdup_printf("%s line %u: '%s' is not a hex SHA-1 (40) or SHA-256 (64) hash",
					       path, lineno, s);
			ok = false;
			break;
		}
	}
	fclose(f);
	return ok;
}

bool amt_hashes_load_default(amt_hashes *h, const char *data_dir, const char *extra_file, char **err)
{
	char *csv = g_build_filename(data_dir ? data_dir : amt_data_dir(), "kb",
				     "amt-root-hashes.csv", NULL);
	bool ok = amt_hashes_load_csv(h, csv, err);
	g_free(csv);
	if (ok && extra_file)
		ok = amt_hashes_load_list(h, extra_file, err);
	return ok;
}

const char *amt_hashes_find(const amt_hashes *h, const char *sha1, const char *sha256)
{
	const char *name = NULL;
	if (sha256 && *sha256)
		name = g_hash_table_lookup(h->names, sha256);
	if (!name && sha1 && *sha1)
		name = g_hash_table_lookup(h->names, sha1);
	return name;
}

unsigned amt_hashes_count(const amt_hashes *h)
{
	return g_hash_table_size(h->names);
}
