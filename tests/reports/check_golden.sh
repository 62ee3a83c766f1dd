#!/usr/bin/env bash
# Renders the hand-built analysis in every format and compares the text and
# JSON outputs byte for byte with golden/. UPDATE=1 rewrites the golden files.
set -euo pipefail
: "${REPORT_FIXTURE:?}" "${OUT:?}" "${SRCDIR:?}"
golden="$SRCDIR/tests/reports/golden"
mkdir -p "$OUT"
"$REPORT_FIXTURE" "$OUT"
rc=0
for f in fixture.txt fixture-q.txt fixture-v.txt fixture-color.txt fixture.json fixture.jsonl; do
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$OUT/$f" "$golden/$f.expected"
		continue
	fi
	if ! diff -u "$golden/$f.expected" "$OUT/$f"; then
		echo "FAIL: $f differs from golden/$f.expected (UPDATE=1 regenerates after review)" >&2
		rc=1
	fi
done
# Hostile strings must never reach a terminal raw: no ESC other than our own
# colour codes (ESC [ digits ; m), no BEL, no C1 controls.
for f in fixture.txt fixture-q.txt fixture-v.txt; do
	if LC_ALL=C grep -q $'[\x1b\x07]' "$OUT/$f"; then
		echo "FAIL: $f contains a raw control character" >&2
		rc=1
	fi
done
if LC_ALL=C grep -aoP '\x1b(?!\[[0-9;]*m)' "$OUT/fixture-color.txt" | head -1 | grep -q .; then
	echo "FAIL: fixture-color.txt contains an escape sequence that is not a colour" >&2
	rc=1
fi
grep -q $'\x1b\\[1;31merror' "$OUT/fixture-color.txt" || { echo "FAIL: no colour in fixture-color.txt" >&2; rc=1; }
if grep -q $'\x1b' "$OUT/fixture.txt"; then echo "FAIL: colour without a terminal" >&2; rc=1; fi
exit $rc
