#!/usr/bin/env bash
# Runs every fuzz_* harness in BUILDDIR for SECONDS each, seeded from the
# corpora in tests/*/corpus-<name>/ and the regression inputs kept there.
# Fuzzes into a scratch directory: the committed corpora are never written.
# A crash, leak or timeout fails the run; its input is kept in
# BUILDDIR/fuzz-artifacts/<harness>/ for reproducing (docs/robustness.md).
# usage: run-fuzz.sh BUILDDIR [SECONDS] [--long]     (--long: 600 s each)
#        ONLY=fuzz_pcap,fuzz_reasm run-fuzz.sh ...   (a subset)
set -uo pipefail
builddir=${1:?builddir}
secs=${2:-20}
[ "$secs" = "--long" ] && secs=600
[ "${3:-}" = "--long" ] && secs=600
src=$(cd "$(dirname "$0")/../.." && pwd)
# UBSan only reports by default; a report must fail the run like an ASan one.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
rc=0
found=0
while IFS= read -r h; do
	name=$(basename "$h")
	if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
	found=1
	work=$(mktemp -d)
	seeds=()
	for d in "$src"/tests/*/corpus-"${name#fuzz_}"; do [ -d "$d" ] && seeds+=("$d"); done
	if [ "$name" = fuzz_pcap ]; then
		# every small capture of the suite seeds the end-to-end harness too
		list=$(find "$src"/tests/*/captures "$src"/samples -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \) \
			-size -200k 2>/dev/null | tr '\n' ',' | sed 's/,$//')
		[ -n "$list" ] && seeds+=("-seed_inputs=$list")
	fi
	# certificate files and handshake messages come as large as 1 MiB for
	# real (thousands of SANs); libFuzzer's default takes the seeds' size
	maxlen=()
	case "$name" in fuzz_certs|fuzz_tls) maxlen=(-max_len=1048576) ;; esac
	echo "-- $name (${secs}s)"
	if ! "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 "${maxlen[@]}" \
		-artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
		echo "FAIL $name"; tail -40 "$work/log"
		keep=$builddir/fuzz-artifacts/$name
		mkdir -p "$keep"
		find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
			-exec cp {} "$keep/" \;
		echo "inputs kept in $keep: $(ls "$keep" | tr '\n' ' ')"
		rc=1
	else
		grep -E '^(#[0-9]+.*DONE|Done)' "$work/log" | tail -1
	fi
	rm -rf "$work"
done < <(find "$builddir/tests" -type f -name 'fuzz_*' -perm -u+x | sort)
if [ $found -eq 0 ] && [ -z "${ONLY:-}" ]; then
	# a fuzz step that fuzzes nothing must not pass
	echo "FAIL: no fuzz harnesses built in $builddir (configure it with -Dfuzz=true)"
	rc=1
fi
exit $rc
