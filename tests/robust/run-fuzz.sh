#!/usr/bin/env bash
# Runs every fuzz_* harness in BUILDDIR for SECONDS each, seeded from the
# corpora in tests/*/corpus-<name>/ and the regression inputs kept there.
# usage: run-fuzz.sh BUILDDIR [SECONDS] [--long]
set -uo pipefail
builddir=${1:?builddir}
secs=${2:-20}
[ "${3:-}" = "--long" ] && secs=600
src=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
found=0
while IFS= read -r h; do
	found=1
	name=$(basename "$h")
	work=$(mktemp -d)
	seeds=()
	for d in "$src"/tests/*/corpus-"${name#fuzz_}"; do [ -d "$d" ] && seeds+=("$d"); done
	echo "-- $name (${secs}s)"
	if ! "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		-artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
		echo "FAIL $name"; tail -40 "$work/log"; ls "$work"; rc=1
	else
		grep -E '^(#[0-9]+.*DONE|Done)' "$work/log" | tail -1
	fi
	rm -rf "$work"
done < <(find "$builddir/tests" -type f -name 'fuzz_*' -perm -u+x | sort)
[ $found -eq 1 ] || echo "no fuzz harnesses built"
exit $rc
