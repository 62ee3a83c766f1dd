/* Log ingestion: reads a log file, detects (or is told) its format, and
 * emits one EV_LOG_RECORD per record on the run's bus. */
#ifndef AMT_LOGS_H
#define AMT_LOGS_H
#include <stdbool.h>

#include "../decoder/run.h"

/* Adds the log as an input and emits its records. false + *err (one line
 * saying what and how to fix) when it cannot be read or its format is not
 * recognised. */
bool logs_load(amt_run *run, const char *path, char **err);

#endif
