#!/usr/bin/env bash
# Golden tests on the committed captures (recorded by record.py): the
# findings of `analyze` and the AMT lines of `decode -V`, byte for byte.
# UPDATE=1 rewrites the expected files.
set -uo pipefail
here="$SRCDIR/tests/amt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
rc=0
for cap in captures/*.pcap; do
	name=$(basename "$cap" .pcap)
	"$AMTSCOPE" analyze --format json --fail-on never -r "$cap" >"$tmp/$name.json" || { echo "FAIL analyze $name"; rc=1; continue; }
	python3 findings.py "$tmp/$name.json" >"$tmp/$name.findings"
	"$AMTSCOPE" decode -V -r "$cap" >"$tmp/$name.decode" || { echo "FAIL decode $name"; rc=1; continue; }
	for kind in findings decode; do
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$tmp/$name.$kind" "expected/$name.$kind"
		elif ! diff -u "expected/$name.$kind" "$tmp/$name.$kind"; then
			echo "FAIL $name.$kind differs"
			rc=1
		fi
	done
done
# exit status: 1 with an error finding, 0 with none at the default --fail-on
"$AMTSCOPE" analyze -q -r captures/redir-wrong-password.pcap >/dev/null; [ $? -eq 1 ] || { echo "FAIL exit status with an error finding"; rc=1; }
"$AMTSCOPE" analyze -q -r captures/redir-sol.pcap >/dev/null; [ $? -eq 0 ] || { echo "FAIL exit status without findings"; rc=1; }
"$AMTSCOPE" analyze -q -r captures/redir-busy.pcap >/dev/null; [ $? -eq 0 ] || { echo "FAIL busy is a warning, not an error"; rc=1; }
exit $rc
