/* The `open:` command of a finding, for the text and HTML reports alike:
 * tshark -r 'FILE' -Y 'frame.number in {4,40,100..120}' (tshark 4.0's set
 * syntax: members separated by commas, runs of three or more consecutive
 * frames as a range), the file name single-quoted for a POSIX shell. The
 * frames are the analysis's (finding_cites.frames_sorted). */
#include <glib.h>

#include "../rules/findings.h"
#include "escape.h"

char *report_open_command(const amt_run *run, const finding_cites *c)
{
	if (!c->nsorted || c->input >= run->inputs->len)
		return NULL;
	GString *s = g_string_new("tshark -r '");
	for (const char *p = report_input_path(run, c->input); *p; p++)
		if (*p == '\'')
			g_string_append(s, "'\\''");
		else
			g_string_append_c(s, *p);
	g_string_append(s, "' -Y 'frame.number in {");
	const uint32_t *f = c->frames_sorted;
	bool first = true;
	for (uint32_t i = 0; i < c->nsorted;) {
		uint32_t j = i;
		while (j + 1 < c->nsorted && f[j + 1] == f[j] + 1)
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
	return g_string_free(s, FALSE);
}
