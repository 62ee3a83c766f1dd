#!/usr/bin/env bash
# Records every scenario afresh over loopback and checks that each raises the
# same findings (rule, severity, device) as the committed capture: the
# stand-ins and the dissectors still agree. Needs root and tcpdump (skips
# otherwise: exit 77).
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1
[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null || { echo "skip: needs root and tcpdump"; exit 77; }
here="$SRCDIR/tests/amt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
python3 record.py "$tmp" >"$tmp/record.log" 2>&1 || { cat "$tmp/record.log"; echo "FAIL recording"; exit 1; }
rc=0
for cap in "$tmp"/*.pcap; do
	name=$(basename "$cap" .pcap)
	"$AMTSCOPE" analyze --format json --fail-on never -r "$cap" >"$tmp/$name.json" || { echo "FAIL analyze $name"; rc=1; continue; }
	python3 ../golden/views.py findings-summary <"$tmp/$name.json" | grep -v '^  ' | sed 's/ frames=.*//' >"$tmp/$name.got"
	# the golden case amt/<name>.findings, "(no findings)" being none
	grep -v '^  \|^(no findings)$' "golden/$name.findings.expected" | sed 's/ frames=.*//' >"$tmp/$name.want"
	if ! diff -u "$tmp/$name.want" "$tmp/$name.got"; then
		echo "FAIL $name: fresh recording gives other findings"
		rc=1
	fi
done
[ $rc = 0 ] && echo "ok: $(ls "$tmp"/*.pcap | wc -l) fresh captures raise the expected findings"
exit $rc
