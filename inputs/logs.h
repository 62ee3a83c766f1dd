/* Log ingestion: reads a log file, detects (or is told) its format, and
 * emits one EV_LOG_RECORD per record on the run's bus. */
#ifndef AMT_LOGS_H
#define AMT_LOGS_H
#include <stdbool.h>

#include "../decoder/run.h"
#include "logfmt.h"

/* Adds the log as an input and emits its records. false + *err (one line
 * saying what and how to fix) when it cannot be read or its format is not
 * recognised. */
bool logs_load(amt_run *run, const char *path, char **err);

/* The formats of cfg->data_dir/formats, plus cfg->log_format when it names
 * a file. *forced is the format --log-format asked for (NULL: detect).
 * NULL + *err when --log-format names nothing usable. */
GPtrArray *logs_formats(const amt_config *cfg, const logfmt **forced, char **err);
/* logs_load with an already loaded set (fmt NULL: detect). */
bool logs_read(amt_run *run, const char *path, GPtrArray *set, const logfmt *fmt, char **err);
/* Where formats/ and kb/ are: cfg->data_dir, else amt_data_dir(). */
const char *logs_data_dir(const amt_config *cfg);

#endif
