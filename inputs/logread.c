#include "logread.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

const char *log_encoding_name(log_encoding e)
{
	switch (e) {
	case ENC_UTF8: return "utf-8";
	case ENC_UTF8_BOM: return "utf-8 (BOM)";
	case ENC_UTF16LE: return "utf-16le";
	case ENC_UTF16BE: return "utf-16be";
	}
	return "?";
}

static bool fill(logread *r)
{
	if (r->eof || (r->max_bytes && r->bytes >= r->max_bytes)) {
		r->eof = true;
		return false;
	}
	size_t keep = r->raw_len - r->raw_pos;  /* an odd UTF-16 byte left over */
	memmove(r->raw, r->raw + r->raw_pos, keep);
	size_t n = fread(r->raw + keep, 1, sizeof(r->raw) - keep, r->f);
	r->bytes += n;
	r->raw_len = keep + n;
	r->raw_pos = 0;
	if (n == 0)
		r->eof = true;
	return n > 0;
}

/* Windows tools often write UTF-16 without a BOM: plenty of zero bytes at
 * the odd (LE) or even (BE) offsets of mostly-ASCII text gives it away. */
static log_encoding sniff(const uint8_t *p, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*skip = 3;
		return ENC_UTF8_BOM;
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*skip = 2;
		return ENC_UTF16LE;
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*skip = 2;
		return ENC_UTF16BE;
	}
	size_t pairs = n / 2 > 256 ? 256 : n / 2, zero_odd = 0, zero_even = 0;
	for (size_t i = 0; i < pairs; i++) {
		zero_even += p[2 * i] == 0;
		zero_odd += p[2 * i + 1] == 0;
	}
	if (pairs >= 4 && zero_odd * 10 >= pairs * 9 && zero_even * 10 < pairs)
		return ENC_UTF16LE;
	if (pairs >= 4 && zero_even * 10 >= pairs * 9 && zero_odd * 10 < pairs)
		return ENC_UTF16BE;
	return ENC_UTF8;
}

/* path -> descriptor opened early (GINT_TO_POINTER(fd + 1)) */
static GHashTable *kept_open;

bool logread_keep_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (!kept_open)
		kept_open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gpointer old = g_hash_table_lookup(kept_open, path);
	if (old)
		close(GPOINTER_TO_INT(old) - 1);
	g_hash_table_insert(kept_open, g_strdup(path), GINT_TO_POINTER(fd + 1));
	return true;
}

void logread_release_all(void)
{
	if (!kept_open)
		return;
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, kept_open);
	while (g_hash_table_iter_next(&it, &k, &v))
		close(GPOINTER_TO_INT(v) - 1);
	g_hash_table_destroy(kept_open);
	kept_open = NULL;
}

/* A file kept open is read again from its start each time (detection, then
 * the read): through a descriptor of its own, closed with the stream. */
static FILE *open_stream(const char *path)
{
	gpointer kept = kept_open ? g_hash_table_lookup(kept_open, path) : NULL;
	if (!kept)
		return fopen(path, "rb");
	int fd = dup(GPOINTER_TO_INT(kept) - 1);
	if (fd < 0)
		return NULL;
	FILE *f = lseek(fd, 0, SEEK_SET) == 0 ? fdopen(fd, "rb") : NULL;
	if (!f)
		close(fd);
	return f;
}

bool logread_open(logread *r, const char *path, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->f = open_stream(path);
	if (!r->f)
		return false;
	r->max_line = max_line ? max_line : 65536;
	r->line_cap = 256;
	r->line = g_malloc(r->line_cap);
	fill(r);
	size_t skip;
	r->enc = sniff(r->raw, r->raw_len, &skip);
	r->raw_pos = skip;
	return true;
}

void logread_close(logread *r)
{
	if (r->f)
		fclose(r->f);
	g_free(r->line);
	r->f = NULL;
	r->line = NULL;
}

static void put_bytes(logread *r, const char *s, size_t n, bool *cut)
{
	if (*cut)
		return;
	if (r->line_len + n > r->max_line) {
		/* keep what fits, ending on a character boundary */
		size_t room = r->max_line - r->line_len;
		while (room && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--;
		n = room;
		*cut = true;
	}
	if (r->line_len + n + 1 > r->line_cap) {
		while (r->line_len + n + 1 > r->line_cap)
			r->line_cap *= 2;
		r->line = g_realloc(r->line, r->line_cap);
	}
	memcpy(r->line + r->line_len, s, n);
	r->line_len += n;
}

/* Invalid UTF-8 becomes U+FFFD, control bytes '?': what follows (regular
 * expressions, JSON output) only ever sees clean text. */
static void clean_line(logread *r)
{
	r->line[r->line_len] = 0;
	bool junk = false;
	for (size_t i = 0; i < r->line_len; i++) {
		unsigned char ch = (unsigned char)r->line[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			r->line[i] = '?';
			junk = true;
		}
	}
	if (!g_utf8_validate(r->line, (gssize)r->line_len, NULL)) {
		/* Windows tools mix in ANSI (code page 1252) lines: read those as
		 * such; anything else keeps U+FFFD for what is not text. */
		char *v = g_convert(r->line, (gssize)r->line_len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
		bool ansi = v != NULL;
		if (ansi)
			r->cp1252_lines++;
		else
			v = g_utf8_make_valid(r->line, (gssize)r->line_len);
		size_t n = strlen(v);
		if (n + 1 > r->line_cap) {
			r->line_cap = n + 1;
			r->line = g_realloc(r->line, r->line_cap);
		}
		memcpy(r->line, v, n + 1);
		r->line_len = n;
		junk |= !ansi;
		g_free(v);
	}
	if (junk)
		r->binary_lines++;
}

static bool next_utf8(logread *r, bool *cut)
{
	bool any = false;
	for (;;) {
		if (r->raw_pos >= r->raw_len && !fill(r))
			return any;
		any = true;
		const uint8_t *p = r->raw + r->raw_pos;
		size_t avail = r->raw_len - r->raw_pos;
		const uint8_t *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) : avail;
		put_bytes(r, (const char *)p, take, cut);
		r->raw_pos += take + (nl ? 1 : 0);
		if (nl)
			return true;
	}
}

static bool next_utf16(logread *r, bool *cut)
{
	bool any = false;
	uint32_t high = 0;
	for (;;) {
		if (r->raw_len - r->raw_pos < 2) {
			if (!fill(r) && r->raw_len - r->raw_pos < 2)
				return any;
			continue;
		}
		any = true;
		const uint8_t *p = r->raw + r->raw_pos;
		uint32_t u = r->enc == ENC_UTF16LE ? (uint32_t)(p[0] | p[1] << 8) : (uint32_t)(p[0] << 8 | p[1]);
		r->raw_pos += 2;
		if (u == '\n')
			return true;
		if (u >= 0xD800 && u <= 0xDBFF) {
			high = u;
			continue;
		}
		if (u >= 0xDC00 && u <= 0xDFFF) {
			u = high ? 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00) : 0xFFFD;
		} else if (high) {
			char bad[6];
			put_bytes(r, bad, (size_t)g_unichar_to_utf8(0xFFFD, bad), cut);
		}
		high = 0;
		char out[6];
		put_bytes(r, out, (size_t)g_unichar_to_utf8(u, out), cut);
	}
}

bool logread_next(logread *r)
{
	r->line_len = 0;
	bool cut = false;
	bool got = (r->enc == ENC_UTF16LE || r->enc == ENC_UTF16BE) ? next_utf16(r, &cut) : next_utf8(r, &cut);
	if (!got)
		return false;
	r->lineno++;
	if (cut) {
		r->truncated_lines++;
		if (!r->first_truncated)
			r->first_truncated = r->lineno;
	}
	if (r->line_len && r->line[r->line_len - 1] == '\r')
		r->line_len--;
	clean_line(r);
	return true;
}
