#include "jsonw.h"

#include <string.h>
#include <time.h>

void jw_init(jsonw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
}

static void indent(jsonw *w)
{
	if (!w->pretty)
		return;
	static const char pad[] = "\n                                                                "
				  "                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;  /* depth <= 63: within pad */
	fwrite(pad, 1, n < sizeof(pad) - 1 ? n : sizeof(pad) - 1, w->f);
}

static void pre_value(jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->f);
		indent(w);
	}
	w->first[w->depth] = false;
}

static void open(jsonw *w, char c)
{
	pre_value(w);
	fputc(c, w->f);
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
	fputc(c, w->f);
}

void jw_obj(jsonw *w) { open(w, '{'); }
void jw_obj_end(jsonw *w) { close_(w, '}'); }
void jw_arr(jsonw *w) { open(w, '['); }
void jw_arr_end(jsonw *w) { close_(w, ']'); }

static void write_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		/* plain ASCII goes out a run at a time */
		size_t run = i;
		while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			fwrite(s + i, 1, run - i, f);
			i = run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, f);
			} else {
				/* pass valid UTF-8 through, escape anything else */
				size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
				bool ok = len && i + len <= n && c >= 0xc2 && c <= 0xf4;
				for (size_t k = 1; ok && k < len; k++)
					ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
				if (ok) {
					fwrite(s + i, 1, len, f);
					i += len - 1;
				} else {
					/* not UTF-8: the replacement character, as a reader would show it */
					fputs("\\ufffd", f);
				}
			}
		}
	}
	fputc('"', f);
}

void jw_key(jsonw *w, const char *k)
{
	pre_value(w);
	write_string(w->f, k, strlen(k));
	fputs(w->pretty ? ": " : ":", w->f);
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
	write_string(w->f, s, n);
}

void jw_uint(jsonw *w, uint64_t v)
{
	pre_value(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_int(jsonw *w, int64_t v)
{
	pre_value(w);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_bool(jsonw *w, bool v)
{
	pre_value(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(jsonw *w)
{
	pre_value(w);
	fputs("null", w->f);
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
	fputc('\n', w->f);
	fflush(w->f);
}
