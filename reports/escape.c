#include "escape.h"

#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (!len || len > n || (len > 1 && (c < 0xc2 || c > 0xf4)))
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	/* C1 controls (U+0080..U+009F) act on terminals like C0 ones */
	if (len == 2 && c == 0xc2 && s[1] < 0xa0)
		return 0;
	return len;
}

/* Calls emit for each safe run of bytes and esc for each unsafe byte. */
static int walk(FILE *f, const char *str, bool html)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	int cols = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len = (c >= 0x20 && c != 0x7f) ? utf8_seq_len(s + i, n - i) : 0;
		if (!len) {
			if (f)
				fprintf(f, "\\x%02x", c);
			cols += 4;
			i++;
			continue;
		}
		if (f) {
			if (html && c == '&')
				fputs("&amp;", f);
			else if (html && c == '<')
				fputs("&lt;", f);
			else if (html && c == '>')
				fputs("&gt;", f);
			else if (html && c == '"')
				fputs("&quot;", f);
			else if (html && c == '\'')
				fputs("&#39;", f);
			else
				fwrite(s + i, 1, len, f);
		}
		cols++;
		i += len;
	}
	return cols;
}

void out_text(FILE *f, const char *s)
{
	if (s)
		walk(f, s, false);
}

int text_width(const char *s)
{
	return s ? walk(NULL, s, false) : 0;
}

void out_text_pad(FILE *f, const char *s, int width)
{
	int w = s ? walk(f, s, false) : 0;
	if (width && w >= width - 1)
		fputs("  ", f);  /* an over-long cell still gets its separator */
	for (; w < width; w++)
		fputc(' ', f);
}

void out_html(FILE *f, const char *s)
{
	if (s)
		walk(f, s, true);
}

const char *report_input_path(const amt_run *run, unsigned input)
{
	if (input < run->inputs->len)
		return ((const amt_input *)run->inputs->pdata[input])->path;
	return "?";
}
