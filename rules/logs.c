/* Log ingestion (stub: filled in by the log issue). */
#include "logs.h"

#include <glib.h>

bool logs_load(amt_run *run, const char *path, char **err)
{
	(void)run;
	*err = g_strdup_printf("%s: reading logs is not implemented yet", path);
	return false;
}
