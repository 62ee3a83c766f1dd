/* analyze and decode: --help and the options that apply to one of them only. */
#include <stdio.h>

#include "../decoder/limits.h"
#include "analyze.h"
#include "cli.h"

void analyze_help(bool decode)
{
	printf("usage: amtscope %s [-r CAPTURE]... [-i IFACE] [options]\n\n", decode ? "decode" : "analyze");
	puts("input:\n"
	     "  -r FILE            read a pcap or pcapng file, also .gz/.zst/.xz (repeatable; '-' = stdin)\n"
	     "  -i IFACE           capture live on IFACE (Ctrl-C ends it, the report follows)\n"
	     "  -f EXPR            BPF filter (tcpdump syntax); live default: the dissectors' ports\n"
	     "  -c N               stop after N packets;  --duration S  stop after S seconds (live)\n"
	     "  -w FILE            save the packets read (after -f, -c) to FILE as pcap, mode 0600\n"
	     "  -Z USER            drop privileges to USER after opening (default nobody)\n"
	     "  -l, --log FILE     add an SCS/RCS/ACU/ConfigMgr/Open AMT/MeshCentral log (repeatable)\n"
	     "  --log-format NAME|FILE  --log-tz ZONE  --log-offset SECONDS\n"
	     "  --keylog FILE      TLS key log (NSS format; repeatable; SSLKEYLOGFILE also read)\n"
	     "  --vlan-in-flow-key VLAN ids part of a flow's identity (overlapping addresses on a trunk)");
	if (!decode)
		puts("  --ca-file PEM      trust anchors for certificate chains\n"
		     "  --no-system-ca     the system's CA store is no trust anchor (default: it is)\n"
		     "  --amt-hashes FILE  more root hashes the AMT fleet trusts\n"
		     "  --rules FILE       user rules (see docs/user-rules.md)\n"
		     "  --hello-window S   how long the setup service may take to connect back after a hello [60]");
	puts("output:");
	if (decode)
		puts("  --format text|json (default: from -o's extension, else text)\n"
		     "  -o FILE            write to FILE                --events FILE  events as JSON lines\n"
		     "  -V                 every field of each message\n"
		     "  --frames           one line per frame (number, time, flow, addresses) instead");
	else
		puts("  --format text|json|jsonl|ecs|html  (default: from -o's extension, else text;\n"
		     "                     ecs: Elastic Common Schema lines)\n"
		     "  -o FILE            write the report to FILE     --events FILE  events as JSON lines\n"
		     "  --annotate F.pcapng  the packets read, with a comment on every evidence frame\n"
		     "  -q                 findings only (and no progress line)   -v  add the timeline\n"
		     "  --fail-on error|warning|info|never   exit 1 when findings reach this level (default error)\n"
		     "  --no-color\n"
		     "  --suppress FILE    drop expected findings: RULE-or-GLOB DEVICE|* REASON a line (repeatable)\n"
		     "  --min-severity error|warning|info   drop findings below it (default info: none)");
	puts("  --sensor NAME      records name their sensor (default: the host name)\n"
	     "  --run-id ID        records name their run (default: a random UUID)\n"
	     "  --no-redact        show secrets (local debugging only)  --show-sol-data  SOL text\n"
	     "outputs never overwrite an input; a report appears only when complete (see man amtscope)\n"
	     "limits (default in brackets):");
	for (int i = 0; i < LIM_COUNT; i++)
		printf("  %-22s %s [%llu]\n", amt_limits[i].option, amt_limits[i].what,
		       (unsigned long long)amt_limits[i].def);
	puts(decode ? "exit codes: 0 decoded, 2 usage, input or output error, 3 internal error"
		    : "exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, input or output error, "
		      "3 internal error");
}

/* Options that mean something for one subcommand only: refused by the other. */
enum { FOR_ANALYZE = 1, FOR_DECODE = 2 };
static const struct {
	int val;
	const char *name;
	int only;
} only_for[] = {
	{'q', "-q", FOR_ANALYZE},
	{'v', "-v", FOR_ANALYZE},
	{O_FAIL_ON, "--fail-on", FOR_ANALYZE},
	{O_RULES, "--rules", FOR_ANALYZE},
	{O_CA_FILE, "--ca-file", FOR_ANALYZE},
	{O_NO_SYSTEM_CA, "--no-system-ca", FOR_ANALYZE},
	{O_AMT_HASHES, "--amt-hashes", FOR_ANALYZE},
	{O_HELLO_WINDOW, "--hello-window", FOR_ANALYZE},
	{O_NO_COLOR, "--no-color", FOR_ANALYZE},
	{O_ANNOTATE, "--annotate", FOR_ANALYZE},
	{O_SUPPRESS, "--suppress", FOR_ANALYZE},
	{O_MIN_SEVERITY, "--min-severity", FOR_ANALYZE},
	{'V', "-V", FOR_DECODE},
	{O_FRAMES, "--frames", FOR_DECODE},
};

bool analyze_option_applies(int c, bool decode)
{
	for (size_t i = 0; i < sizeof(only_for) / sizeof(only_for[0]); i++)
		if (only_for[i].val == c && only_for[i].only != (decode ? FOR_DECODE : FOR_ANALYZE)) {
			cli_error("%s means nothing for %s (it is an option of amtscope %s; see amtscope %s --help)",
				  only_for[i].name, decode ? "decode" : "analyze", decode ? "analyze" : "decode",
				  decode ? "decode" : "analyze");
			return false;
		}
	return true;
}

