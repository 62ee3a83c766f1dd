/* The `open:` command of a finding, for the text and HTML reports alike:
 * tshark -r 'FILE' -Y 'frame.number in {4,40,100..120}' (tshark 4.0's set
 * syntax: members separated by commas, runs of three or more consecutive
 * frames as a range), the file name single-quoted for a POSIX shell. */
#include <glib.h>
#include <stdlib.h>

#include "../rules/findings.h"
#include "escape.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

char *report_open_command(const amt_run *run, const finding *x, unsigned input)
{
	GArray *frames = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint k = 0; k < x->evidence->len; k++) {
		const evidence *e = &g_array_index(x->evidence, evidence, k);
		if (e->frame && e->input == input)
			g_array_append_val(frames, e->frame);
	}
	if (!frames->len) {
		g_array_free(frames, TRUE);
		return NULL;
	}
	qsort(frames->data, frames->len, sizeof(uint32_t), cmp_u32);
	GString *s = g_string_new("tshark -r '");
	for (const char *p = report_input_path(run, input); *p; p++)
		if (*p == '\'')
			g_string_append(s, "'\\''");
		else
			g_string_append_c(s, *p);
	g_string_append(s, "' -Y 'frame.number in {");
	const uint32_t *f = (const uint32_t *)frames->data;
	bool first = true;
	for (guint i = 0; i < frames->len;) {
		guint j = i;
		while (j + 1 < frames->len && f[j + 1] <= f[j] + 1)  /* duplicates fold into the run */
			j++;
		g_string_append_printf(s, "%s%u", first ? "" : ",", f[i]);
		if (f[j] >= f[i] + 2)
			g_string_append_printf(s, "..%u", f[j]);
		else if (f[j] == f[i] + 1)
			g_string_append_printf(s, ",%u", f[j]);
		first = false;
		i = j + 1;
	}
	g_string_append(s, "}'");
	g_array_free(frames, TRUE);
	return g_string_free(s, FALSE);
}
