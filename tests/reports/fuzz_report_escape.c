/* Hostile bytes through the three escapers: the output must never carry a raw
 * control character (text), markup (HTML) or an unescaped quote or control
 * character (JSON). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/escape.h"
#include "reports/jsonw.h"

static char *render(int which, const char *s, size_t *n)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);
	if (which == 0) {
		out_text(f, s);
	} else if (which == 1) {
		out_html(f, s);
	} else {
		jsonw w;
		jw_init(&w, f, false);
		jw_str(&w, s);
		jw_flush(&w);
	}
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	for (int which = 0; which < 3; which++) {
		size_t n;
		char *out = render(which, s, &n);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)out[i];
			if (c < 0x20 || c == 0x7f)
				abort();
			if (which == 1 && (c == '<' || c == '>' || c == '"' || c == '\''))
				abort();
			if (which == 0 && c == 0xc2 && i + 1 < n && (unsigned char)out[i + 1] < 0xa0)
				abort();
			if (which == 2 && c == '"' && i != 0 && i != n - 1 && out[i - 1] != '\\')
				abort();
		}
		free(out);
	}
	free(s);
	return 0;
}
