/* What the user asked for, as the decoder, dissectors and rules see it.
 * cli/ fills it; nobody else writes to it. */
#ifndef AMT_CONFIG_H
#define AMT_CONFIG_H
#include <stdbool.h>
#include <stdint.h>

#include "limits.h"

typedef struct amt_config {
	uint64_t limit[LIM_COUNT];
	bool redact;          /* default true; --no-redact turns it off */
	bool show_sol_data;   /* --show-sol-data */
	/* --vlan-in-flow-key: VLAN ids are part of a flow's identity (Suricata's
	 * vlan.use-for-tracking, for overlapping address spaces on one trunk).
	 * Default off, as Zeek: a query and its answer routed on different VLANs
	 * (router on a stick, per-direction QinQ) are one flow. */
	bool vlan_in_flow_key;
	int64_t tcp_idle_us;  /* idle timeout of a TCP flow */
	int64_t udp_idle_us;
	int64_t dns_timeout_us;   /* query without answer after this: unanswered */
	int64_t hello_window_us;  /* hello.unanswered: connect-back window */
	/* analysis inputs used by rules (NULL when not given) */
	const char *ca_file;
	bool no_system_ca;    /* --no-system-ca: only the chain's roots and --ca-file are anchors */
	const char *amt_hashes_file;
	char **keylog_files;  /* NULL-terminated, may be NULL */
	char **rules_files;   /* user rule files */
	const char *log_format;  /* --log-format NAME|FILE */
	const char *log_tz;      /* --log-tz */
	int64_t log_offset_us;   /* --log-offset */
	const char *data_dir;    /* where formats/ and kb/ live */
	/* who wrote the records, so outputs of many sensors and runs merge
	 * (--sensor, default the host name; --run-id, default a random UUID);
	 * NULL: records carry neither */
	const char *sensor;
	const char *run_id;
	int64_t run_started_us;  /* wall clock when the run began (µs UTC), 0 unknown */
} amt_config;

void amt_config_defaults(amt_config *c);

#endif
