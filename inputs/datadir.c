/* The one place that decides where the data is. The build tree's path is
 * compiled in (AMT_BUILD_DIR); an executable below it is the uninstalled
 * one and reads the source tree, anything else (prefix/bin, a copy, a
 * package) reads AMT_DATA_DIR. The check is on the executable's own path,
 * not on the existence of the source tree, so a checkout left behind by a
 * package build or another user's files cannot change an installed run. */
#include "datadir.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

static bool path_below(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	return path && n && !strncmp(path, dir, n) && path[n] == '/';
}

static bool detect_uninstalled(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *build = realpath(AMT_BUILD_DIR, NULL);
	/* a prefix inside the build folder (--prefix=$PWD/build/inst) holds an
	 * installed copy */
	char *prefix = realpath(AMT_PREFIX, NULL);
	bool installed_inside = path_below(prefix, build) && path_below(exe, prefix);
	bool below = path_below(exe, build) && !installed_inside;
	free(exe);
	free(build);
	free(prefix);
	return below;
}

bool amt_running_uninstalled(void)
{
	static gsize cached;
	if (g_once_init_enter(&cached))
		g_once_init_leave(&cached, detect_uninstalled() ? 2 : 1);
	return cached == 2;
}

const char *amt_data_dir(void)
{
	const char *env = getenv("AMTSCOPE_DATA");
	if (env && *env)
		return env;
	return amt_running_uninstalled() ? AMT_SOURCE_DIR "/rules" : AMT_DATA_DIR;
}
