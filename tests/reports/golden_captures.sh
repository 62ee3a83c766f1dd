#!/usr/bin/env bash
# Golden outputs of `amtscope analyze` on the captures recorded for the reports
# (captures/*.pcap: text with the timeline, JSON, JSON lines) and on the sample
# captures (samples/*.pcap: text and JSON). They change
# whenever a dissector or rule learns something: review the diff, then
# regenerate with UPDATE=1 (meson test -C build reports-golden-captures after
# `export UPDATE=1`, or run this script with AMTSCOPE and SRCDIR set).
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
cd "$SRCDIR" || exit 1
golden=tests/reports/golden
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
for cap in tests/reports/captures/*.pcap samples/*.pcap; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap" .pcap)
	exts="txt json jsonl"
	case "$cap" in samples/*) name="samples-$name"; exts="txt json" ;; esac
	"$AMTSCOPE" analyze -r "$cap" -v --fail-on never >"$out/$name.txt" 2>"$out/$name.err" || rc=1
	"$AMTSCOPE" analyze -r "$cap" --format json --fail-on never >"$out/$name.json" 2>>"$out/$name.err" || rc=1
	"$AMTSCOPE" analyze -r "$cap" --format jsonl --sensor golden --run-id golden --fail-on never >"$out/$name.jsonl" 2>>"$out/$name.err" || rc=1
	for ext in $exts; do
		if [ "${UPDATE:-0}" = 1 ]; then
			cp "$out/$name.$ext" "$golden/$name.$ext.expected"
		elif ! diff -u "$golden/$name.$ext.expected" "$out/$name.$ext"; then
			echo "FAIL: $name.$ext differs from $golden/$name.$ext.expected (UPDATE=1 regenerates after review)" >&2
			rc=1
		fi
	done
done
exit $rc
