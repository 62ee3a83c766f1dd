/* Where amtscope's data (formats/ and kb/) is read from. */
#ifndef AMT_DATADIR_H
#define AMT_DATADIR_H
#include <stdbool.h>

/* AMTSCOPE_DATA when set; else the source tree's rules/ for a program run
 * from its build tree (uninstalled); else the installed data directory
 * (meson's datadir/amtscope). An installed binary never looks at the
 * source tree, even when it still exists. */
const char *amt_data_dir(void);

/* Whether this process's executable lies inside the build tree it was
 * compiled in. */
bool amt_running_uninstalled(void);

#endif
