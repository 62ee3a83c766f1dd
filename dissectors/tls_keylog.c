/* \summary: NSS key log reader (SSLKEYLOGFILE) */
#include "tls_keylog.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

enum { KL_LINE_MAX = 1024 };  /* the longest valid line is about 230 bytes */

struct tls_keylog {
	GHashTable *by_random;  /* client_random (32 bytes) -> tls_session_keys* */
	uint64_t max_sessions;
	uint64_t files;
	bool limit_hit;
	size_t nproblems;
	char *problems[KL_MAX_PROBLEMS];
};

static guint random_hash(gconstpointer p)
{
	guint h;
	memcpy(&h, p, sizeof(h));  /* the random is uniformly distributed already */
	return h;
}

static gboolean random_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 32) == 0;
}

tls_keylog *tls_keylog_new(uint64_t max_sessions)
{
	tls_keylog *k = g_new0(tls_keylog, 1);
	/* the key is the first member of the value: one allocation per session */
	k->by_random = g_hash_table_new_full(random_hash, random_equal, NULL, g_free);
	k->max_sessions = max_sessions;
	return k;
}

void tls_keylog_free(tls_keylog *k)
{
	if (!k)
		return;
	g_hash_table_destroy(k->by_random);
	for (size_t i = 0; i < k->nproblems && i < KL_MAX_PROBLEMS; i++)
		g_free(k->problems[i]);
	g_free(k);
}

static void problem(tls_keylog *k, const char *where, const char *what)
{
	if (k->nproblems < KL_MAX_PROBLEMS)
		k->problems[k->nproblems] = g_strdup_printf("%s: %s", where, what);
	k->nproblems++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes exactly `n` hex digits into out (n even); false on a non-hex digit. */
static bool unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

typedef struct label_def {
	const char *name;
	int slot;  /* KL_* secret, -1 for the master secret, -2 known but unused */
} label_def;

static const label_def labels[] = {
	{"CLIENT_RANDOM", -1},
	{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", KL_CLIENT_HS},
	{"SERVER_HANDSHAKE_TRAFFIC_SECRET", KL_SERVER_HS},
	{"CLIENT_TRAFFIC_SECRET_0", KL_CLIENT_APP},
	{"SERVER_TRAFFIC_SECRET_0", KL_SERVER_APP},
	{"EXPORTER_SECRET", -2},
	{"EARLY_EXPORTER_SECRET", -2},
	{"CLIENT_EARLY_TRAFFIC_SECRET", -2},
	{"RSA", -2},  /* pre-master secret by encrypted pre-master: not used */
};

/* The next space-separated token of [*pos, len); NULL at the end. */
static const char *token(const char *line, size_t len, size_t *pos, size_t *tlen)
{
	while (*pos < len && (line[*pos] == ' ' || line[*pos] == '\t'))
		(*pos)++;
	size_t start = *pos;
	while (*pos < len && line[*pos] != ' ' && line[*pos] != '\t')
		(*pos)++;
	*tlen = *pos - start;
	return *tlen ? line + start : NULL;
}

void tls_keylog_add_line(tls_keylog *k, const char *line, size_t len, const char *where)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	size_t pos = 0, ll, rl, sl, extra;
	const char *label = token(line, len, &pos, &ll);
	if (!label || label[0] == '#')
		return;  /* blank line or comment */
	const char *rnd = token(line, len, &pos, &rl);
	const char *sec = token(line, len, &pos, &sl);
	if (!rnd || !sec || token(line, len, &pos, &extra)) {
		problem(k, where, "not \"LABEL <client random> <secret>\"");
		return;
	}
	const label_def *def = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(labels); i++)
		if (strlen(labels[i].name) == ll && memcmp(labels[i].name, label, ll) == 0)
			def = &labels[i];
	if (!def) {
		problem(k, where, "unknown label");
		return;
	}
	if (def->slot == -2)
		return;
	uint8_t random[32], secret[KL_SECRET_MAX];
	if (rl != 64) {
		problem(k, where, "client random is not 32 bytes of hex");
		return;
	}
	bool len_ok = def->slot == -1 ? sl == 96 : sl == 64 || sl == 96;
	if (!len_ok) {
		problem(k, where, def->slot == -1 ? "master secret is not 48 bytes"
						    : "traffic secret is neither 32 nor 48 bytes");
		return;
	}
	if (!unhex(rnd, rl, random) || !unhex(sec, sl, secret)) {
		problem(k, where, "not hexadecimal");
		return;
	}
	tls_session_keys *s = g_hash_table_lookup(k->by_random, random);
	if (!s) {
		if (g_hash_table_size(k->by_random) >= k->max_sessions) {
			k->limit_hit = true;
			return;
		}
		s = g_new0(tls_session_keys, 1);
		memcpy(s->client_random, random, 32);
		g_hash_table_insert(k->by_random, s->client_random, s);
	}
	if (def->slot == -1) {
		memcpy(s->master, secret, 48);
		s->has_master = true;
	} else {
		memcpy(s->secret[def->slot], secret, sl / 2);
		s->secret_len[def->slot] = (uint8_t)(sl / 2);
	}
}

void tls_keylog_load_file(tls_keylog *k, const char *path)
{
	k->files++;
	FILE *f = fopen(path, "r");
	if (!f) {
		problem(k, path, "cannot be read");
		return;
	}
	char buf[KL_LINE_MAX];
	uint64_t lineno = 0;
	bool in_long_line = false;
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);
		bool whole = n && buf[n - 1] == '\n';
		if (in_long_line) {  /* the tail of a line already reported */
			in_long_line = !whole;
			continue;
		}
		lineno++;
		char where[KL_LINE_MAX];
		snprintf(where, sizeof(where), "%s:%llu", path, (unsigned long long)lineno);
		if (!whole && !feof(f)) {
			problem(k, where, "line too long");
			in_long_line = true;
			continue;
		}
		tls_keylog_add_line(k, buf, whole ? n - 1 : n, where);
	}
	fclose(f);
}

const tls_session_keys *tls_keylog_find(const tls_keylog *k, const uint8_t client_random[32])
{
	return k ? g_hash_table_lookup(k->by_random, client_random) : NULL;
}

size_t tls_keylog_sessions(const tls_keylog *k)
{
	return g_hash_table_size(k->by_random);
}

uint64_t tls_keylog_files(const tls_keylog *k)
{
	return k ? k->files : 0;
}

bool tls_keylog_limit_hit(const tls_keylog *k)
{
	return k->limit_hit;
}

size_t tls_keylog_problem_count(const tls_keylog *k)
{
	return k->nproblems;
}

const char *tls_keylog_problem(const tls_keylog *k, size_t i)
{
	return i < k->nproblems && i < KL_MAX_PROBLEMS ? k->problems[i] : NULL;
}
