#!/usr/bin/env bash
# Renders the hand-built analysis and checks the text outputs for control
# characters: hostile strings must never reach a terminal raw (no ESC other than
# our own colour codes ESC [ digits ; m, no BEL, no C1 controls), and colour
# only when asked for. Each output is also a golden case (tests/golden/manifest.txt).
set -euo pipefail
: "${REPORT_FIXTURE:?}" "${OUT:?}"
OUT=$OUT/controls
mkdir -p "$OUT"
"$REPORT_FIXTURE" "$OUT"
rc=0
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
[ $rc = 0 ] && echo "ok: no raw control characters; colour only in fixture-color.txt"
exit $rc
