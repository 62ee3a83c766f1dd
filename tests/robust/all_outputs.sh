#!/usr/bin/env bash
# Every capture, log and certificate file of the suite through every output
# form: decode (plain, -V, JSON), analyze (text -v, JSON -v, JSONL, HTML,
# --events), logs (text, JSON) and certs (text, JSON). Fails on a sanitizer
# report (in the ASan/UBSan build: tests/run-all.sh's second pass), a crash or
# a hang, and on an exit code other than 0, 1 or 2. Runs two at a time; each
# run is bounded by TIMEOUT seconds.
# Environment: AMTSCOPE, SRCDIR.
set -u
src=${SRCDIR:?}
amt=${AMTSCOPE:?}
TIMEOUT=${TIMEOUT:-120}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export NO_COLOR=1 TZ=UTC

jobs=$tmp/jobs
: >"$jobs"
add() { printf '%s\0' "$*" >>"$jobs"; }  # one command line (words without blanks)

mapfile -t caps < <(find "$src/samples" "$src"/tests/*/captures -maxdepth 1 -type f \
	\( -name '*.pcap' -o -name '*.pcapng' \) -size -20M | sort)
mapfile -t logs < <(find "$src"/tests/*/captures "$src/tests/logs/corpus-logfmt" -maxdepth 1 -type f \
	\( -name '*.log' -o -path '*corpus-logfmt*' \) | sort)
mapfile -t certs < <(find "$src/tests/tls/certs" "$src/tests/tls/corpus-certs" -maxdepth 1 -type f \
	\( -name '*.pem' -o -name '*.der' -o -name '*.p12' -o -name '*.pfx' \) | sort)
for f in "${caps[@]}"; do
	add decode -r "$f"
	add decode -r "$f" -V
	add decode -r "$f" --format json
	add analyze -r "$f" -v
	add analyze -r "$f" -v --format json
	add analyze -r "$f" --format jsonl
	add analyze -r "$f" -v --format html
	add analyze -r "$f" -q --events EVENTS
done
for f in "${logs[@]}"; do
	add logs "$f"
	add logs "$f" --format json
	add analyze -l "$f" -v
	add analyze -l "$f" -v --format json
	add analyze -l "$f" --format jsonl
	add analyze -l "$f" -v --format html
	add analyze -l "$f" -q --events EVENTS
done
for f in "${certs[@]}"; do
	add certs "$f"
	add certs "$f" --format json
done

one() { # the command line as one string
	local n=$BASHPID
	local -a args
	read -r -a args <<<"$1"
	for i in "${!args[@]}"; do [ "${args[$i]}" = EVENTS ] && args[$i]=$tmp/events.$n; done
	timeout "$TIMEOUT" "$amt" "${args[@]}" >/dev/null 2>"$tmp/err.$n"
	local rc=$?
	local why=""
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$tmp/err.$n"; then
		why="sanitizer report"
	elif [ $rc -eq 124 ]; then
		why="no answer in ${TIMEOUT}s"
	elif [ $rc -gt 2 ]; then
		why="exit $rc"
	fi
	if [ -n "$why" ]; then
		echo "FAIL ($why): amtscope $1"
		head -30 "$tmp/err.$n"
	fi
	rm -f "$tmp/err.$n" "$tmp/events.$n"
	[ -z "$why" ]
}
export -f one
export amt tmp TIMEOUT

total=$(tr -cd '\0' <"$jobs" | wc -c)
echo "${#caps[@]} captures, ${#logs[@]} logs, ${#certs[@]} certificate files: $total runs"
xargs -0 -P 2 -n 1 bash -c 'one "$0"' <"$jobs" >"$tmp/out"
rc=$?
cat "$tmp/out"
failed=$(grep -c '^FAIL' "$tmp/out")
echo "$((total - failed)) passed, $failed failed"
[ $rc -eq 0 ] && [ "$failed" -eq 0 ]
