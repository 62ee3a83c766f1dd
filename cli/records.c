/* Who wrote a record: --sensor and --run-id (docs/events.md). */
#include <glib.h>

#include "cli.h"

static bool printable(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

bool cli_record_ids(const char *sensor, const char *run_id, const char **sensor_out, const char **run_id_out,
		    char **allocated)
{
	if (sensor && !printable(sensor)) {
		cli_error("--sensor takes a name (printable, not empty), like the capture point's host or site");
		return false;
	}
	if (run_id && !printable(run_id)) {
		cli_error("--run-id takes an identifier (printable, not empty), e.g. a UUID");
		return false;
	}
	*sensor_out = sensor ? sensor : g_get_host_name();
	if (!run_id)
		run_id = *allocated = g_uuid_string_random();
	*run_id_out = run_id;
	return true;
}
