#!/usr/bin/env bash
# Loads amtscope's JSON lines (analyze --format jsonl, or --events FILE) into
# the tables of schema.sql: finding records into findings, the rest into
# events. Files are read, never written.
#
#   deploy/clickhouse/load.sh FILE.jsonl...      ('-' reads standard input)
#
# Environment: CLICKHOUSE_CLIENT (default: clickhouse-client; add options
# such as --host, --port, --user there), AMTSCOPE_DB (default: amtscope),
# AMTSCOPE_TABLE_SUFFIX (default empty; _all loads through the Distributed
# tables of a cluster).
set -euo pipefail
client=${CLICKHOUSE_CLIENT:-clickhouse-client}
db=${AMTSCOPE_DB:-amtscope}
suffix=${AMTSCOPE_TABLE_SUFFIX:-}
if [ $# -eq 0 ]; then
	echo "usage: load.sh FILE.jsonl... (amtscope analyze --format jsonl output)" >&2
	exit 2
fi
for f in "$@"; do
	if [ "$f" != - ] && [ ! -r "$f" ]; then
		echo "load.sh: cannot read $f" >&2
		exit 2
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One pass splits the records: a finding record is the line whose
# "event_type" is "finding" (spaces allowed, as jq and others write them).
cat -- "$@" | awk -v ev="$tmp/events" -v fi="$tmp/findings" '
	/"event_type"[ \t]*:[ \t]*"finding"/ { print > fi; next }
	NF { print > ev }'
# the decoded fields have no column: skipped, not an error
for t in events findings; do
	[ -s "$tmp/$t" ] || continue
	# shellcheck disable=SC2086  # CLICKHOUSE_CLIENT may carry options
	$client --input_format_skip_unknown_fields=1 \
		--query "INSERT INTO $db.$t$suffix FORMAT JSONEachRow" <"$tmp/$t"
	echo "load.sh: $(wc -l <"$tmp/$t") $t rows into $db.$t$suffix"
done
