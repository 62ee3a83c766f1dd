#include "log_redact.h"

#include <glib.h>
#include <string.h>

#include "../decoder/secretname.h"

static bool word_char(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* A quote as logs write it: ", ' or an escaped \" (JSON inside a quoted
 * msg=). Returns its length, 0 when none. */
static size_t quote_at(const char *s, char *which)
{
	if (s[0] == '"' || s[0] == '\'') {
		*which = s[0];
		return 1;
	}
	if (s[0] == '\\' && s[1] == '"') {
		*which = '"';
		return 2;
	}
	return 0;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The end of a value starting at v: its closing quote when it opened with
 * one (escaped or not), else the first blank or separator. */
static const char *value_end(const char *v, char quote, bool escaped_quote)
{
	const char *e = v;
	if (quote) {
		while (*e && !(escaped_quote ? (e[0] == '\\' && e[1] == quote) : (*e == quote && e[-1] != '\\')))
			e++;
		return e;
	}
	while (*e && !g_ascii_isspace(*e) && !strchr(",;&)}]\"'", *e))
		e++;
	return e;
}

static bool all_hex(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!g_ascii_isxdigit(*s))
			return false;
	return true;
}

/* Where the secret value after the name [w, we) starts and ends, or false.
 * line is the whole text (to look before the name for a flag's dashes). */
static bool secret_after(const char *line, const char *w, const char *we, const char **vs, const char **ve)
{
	size_t n = (size_t)(we - w);
	bool response = n == 8 && !g_ascii_strncasecmp(w, "response", 8);
	bool basic = n == 5 && !g_ascii_strncasecmp(w, "basic", 5);
	if (!response && !basic && !secret_name_n(w, n))
		return false;
	const char *p = we;
	char q = 0;
	size_t ql = quote_at(p, &q);  /* "amtPassword": the name's closing quote */
	p = skip_blanks(p + ql);
	bool flag = w > line && w[-1] == '-' && (w - 1 == line || !word_char(w[-2]));
	if (basic) {
		if (we[0] != ' ')
			return false;
	} else if (*p == '=' || *p == ':') {
		p = skip_blanks(p + 1);
	} else if (!(flag && p > we)) {  /* "-password X": a flag, then blanks */
		return false;
	}
	ql = quote_at(p, &q);
	const char *start = p + ql;
	const char *end = value_end(start, ql ? q : 0, ql == 2);
	if (end == start)
		return false;
	if (response && (end - start < 16 || !all_hex(start, end)))
		return false;  /* a digest response is hex; "response=200" is not one */
	if (basic && end - start < 12)
		return false;
	*vs = start;
	*ve = end;
	return true;
}

char *log_redact(const char *text)
{
	GString *out = NULL;
	const char *done = text;  /* copied to out up to here */
	for (const char *p = text; *p;) {
		if (!word_char(*p) || (p > text && word_char(p[-1]))) {
			p++;
			continue;
		}
		const char *we = p;
		while (word_char(*we))
			we++;
		const char *vs, *ve;
		if (secret_after(text, p, we, &vs, &ve)) {
			if (!out)
				out = g_string_new(NULL);
			g_string_append_len(out, done, vs - done);
			g_string_append(out, "***");
			done = p = ve;
		} else {
			p = we;
		}
	}
	if (!out)
		return NULL;
	g_string_append(out, done);
	return g_string_free(out, FALSE);
}
