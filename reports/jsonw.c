#include "jsonw.h"

#include <string.h>
#include <time.h>

void jw_init(jsonw *w, FILE *f, bool pretty)
{
	w->f = f;
	w->used = 0;
	w->depth = 0;
	memset(w->first, 0, sizeof(w->first));
	w->pretty = pretty;
	w->after_key = false;
	w->first[0] = true;
}

void jw_flush(jsonw *w)
{
	if (w->used)
		fwrite(w->buf, 1, w->used, w->f);
	w->used = 0;
}

static void put(jsonw *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->used) {
		jw_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static void put_c(jsonw *w, char c)
{
	if (w->used == sizeof(w->buf))
		jw_flush(w);
	w->buf[w->used++] = c;
}

static void put_s(jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void indent(jsonw *w)
{
	if (!w->pretty)
		return;
	static const char pad[] = "\n                                                                "
				  "                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;  /* depth <= 63: within pad */
	put(w, pad, n < sizeof(pad) - 1 ? n : sizeof(pad) - 1);
}

static void pre_value(jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			put_c(w, ',');
		indent(w);
	}
	w->first[w->depth] = false;
}

static void open(jsonw *w, char c)
{
	pre_value(w);
	put_c(w, c);
	if (w->depth < 63)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_(jsonw *w, char c)
{
	bool empty = w->first[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty)
		indent(w);
	put_c(w, c);
}

void jw_obj(jsonw *w) { open(w, '{'); }
void jw_obj_end(jsonw *w) { close_(w, '}'); }
void jw_arr(jsonw *w) { open(w, '['); }
void jw_arr_end(jsonw *w) { close_(w, ']'); }

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static bool plain[256];

static void init_plain(void)
{
	if (plain['a'])
		return;
	for (int c = 0x20; c < 0x7f; c++)
		plain[c] = c != '"' && c != '\\';
}

static void write_string(jsonw *w, const char *s, size_t n)
{
	init_plain();
	put_c(w, '"');
	for (size_t i = 0; i < n; i++) {
		/* plain ASCII goes out a run at a time */
		size_t run = i;
		while (run < n && plain[(unsigned char)s[run]])
			run++;
		if (run > i) {
			put(w, s + i, run - i);
			i = run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': put_s(w, "\\\""); break;
		case '\\': put_s(w, "\\\\"); break;
		case '\n': put_s(w, "\\n"); break;
		case '\r': put_s(w, "\\r"); break;
		case '\t': put_s(w, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				static const char hex[] = "0123456789abcdef";
				char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				put(w, u, sizeof(u));
			} else if (c < 0x80) {
				put_c(w, (char)c);
			} else {
				/* pass valid UTF-8 through, escape anything else */
				size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
				bool ok = len && i + len <= n && c >= 0xc2 && c <= 0xf4;
				for (size_t k = 1; ok && k < len; k++)
					ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
				if (ok) {
					put(w, s + i, len);
					i += len - 1;
				} else {
					/* not UTF-8: the replacement character, as a reader would show it */
					put_s(w, "\\ufffd");
				}
			}
		}
	}
	put_c(w, '"');
}

void jw_key(jsonw *w, const char *k)
{
	pre_value(w);
	write_string(w, k, strlen(k));
	put(w, ": ", w->pretty ? 2 : 1);
	w->after_key = true;
}

void jw_str(jsonw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_strn(jsonw *w, const char *s, size_t n)
{
	pre_value(w);
	write_string(w, s, n);
}

static void put_uint(jsonw *w, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, d + i, sizeof(d) - i);
}

void jw_uint(jsonw *w, uint64_t v)
{
	pre_value(w);
	put_uint(w, v);
}

void jw_int(jsonw *w, int64_t v)
{
	pre_value(w);
	if (v < 0)
		put_c(w, '-');
	put_uint(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void jw_bool(jsonw *w, bool v)
{
	pre_value(w);
	put_s(w, v ? "true" : "false");
}

void jw_null(jsonw *w)
{
	pre_value(w);
	put_s(w, "null");
}

char *fmt_time_rfc3339(int64_t us, char *buf)
{
	int64_t sec = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, (long long)frac % 1000000);
	return buf;
}

void jw_time(jsonw *w, int64_t us)
{
	char b[40];
	jw_str(w, fmt_time_rfc3339(us, b));
}

void jw_kstr(jsonw *w, const char *k, const char *s)
{
	if (!s)
		return;
	jw_key(w, k);
	jw_str(w, s);
}

void jw_kuint(jsonw *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

void jw_kint(jsonw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kbool(jsonw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_ktime(jsonw *w, const char *k, int64_t us)
{
	jw_key(w, k);
	jw_time(w, us);
}

void jw_end(jsonw *w)
{
	put_c(w, '\n');
	jw_flush(w);
	fflush(w->f);
}
