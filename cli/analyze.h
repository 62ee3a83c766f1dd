/* analyze and decode: the option values, the per-subcommand help and the
 * table of options that mean something for one of them only. */
#ifndef AMT_ANALYZE_H
#define AMT_ANALYZE_H
#include <stdbool.h>

enum {
	O_DURATION = 1000, O_LOG_FORMAT, O_LOG_TZ, O_LOG_OFFSET, O_RULES, O_CA_FILE, O_AMT_HASHES,
	O_KEYLOG, O_FORMAT, O_EVENTS, O_FAIL_ON, O_NO_REDACT, O_SHOW_SOL, O_NO_COLOR, O_HELP, O_FRAMES, O_HELLO_WINDOW, O_NO_SYSTEM_CA,
	O_ANNOTATE, O_SENSOR, O_RUN_ID, O_SUPPRESS, O_MIN_SEVERITY, O_VLAN_KEY,
	O_LIMIT_BASE = 2000,
};

void analyze_help(bool decode);
/* false (one line on stderr) when option c means nothing for this subcommand */
bool analyze_option_applies(int c, bool decode);

#endif
