/* The order every report lists findings in. */
#include <string.h>

#include "report.h"

GPtrArray *findings_grouped(const findings *fnd)
{
	GPtrArray *sorted = findings_sorted(fnd);
	GPtrArray *out = g_ptr_array_sized_new(sorted->len);
	/* devices by their first (most severe) finding in the sorted list */
	for (guint i = 0; i < sorted->len; i++) {
		const finding *lead = sorted->pdata[i];
		bool done = false;
		for (guint k = 0; k < i && !done; k++)
			done = g_strcmp0(((const finding *)sorted->pdata[k])->device, lead->device) == 0;
		if (done)
			continue;
		for (guint k = i; k < sorted->len; k++)
			if (g_strcmp0(((const finding *)sorted->pdata[k])->device, lead->device) == 0)
				g_ptr_array_add(out, sorted->pdata[k]);
	}
	g_ptr_array_free(sorted, TRUE);
	return out;
}
