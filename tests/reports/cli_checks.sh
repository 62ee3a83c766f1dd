#!/usr/bin/env bash
# amtscope analyze end to end, on every capture the suite keeps
# (samples/ and tests/*/captures/):
#   cli_checks.sh fail-on   exit codes of --fail-on error|warning|info|never and
#                           of usage errors, as specs/findings.md documents them
#   cli_checks.sh color     colour only on a terminal (a pty from script(1)),
#                           never with NO_COLOR, --no-color, -o or a pipe
#   cli_checks.sh outputs   every JSON output (report, --events, jsonl, decode
#                           json) validates against docs/json-schema/; the HTML
#                           reports of the reports' and sample captures render
#                           in Chromium with every finding and lane;
#                           no output of any format contains a secret listed in
#                           a secrets.txt next to the captures
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}" "${OUT:?}"
mode=$1
dir="$OUT/cli-$mode"
rm -rf "$dir"
mkdir -p "$dir"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

mapfile -t captures < <(cd "$SRCDIR" && ls samples/*.pcap samples/*.pcapng tests/*/captures/*.pcap \
	tests/*/captures/*.pcapng 2>/dev/null | sort)
[ ${#captures[@]} -gt 0 ] || { fail "no captures found"; exit 1; }

expect_rc() { # want label command...
	local want=$1 label=$2; shift 2
	"$@" >"$dir/last.out" 2>"$dir/last.err"
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "$label: exit $rc, want $want ($(head -c 300 "$dir/last.err"))"
}

# The worst severity in a JSON report: 3 error, 2 warning, 1 info, 0 none.
worst() {
	python3 -c 'import json,sys
r={"error":3,"warning":2,"info":1}
print(max([r[f["severity"]] for f in json.load(open(sys.argv[1]))["findings"]]+[0]))' "$1"
}

case "$mode" in
fail-on)
	cap="$SRCDIR/${captures[0]}"
	expect_rc 2 "--fail-on bogus" "$AMTSCOPE" analyze -r "$cap" --fail-on bogus
	grep -q -- "--fail-on" "$dir/last.err" || fail "--fail-on bogus: the message does not name the option"
	expect_rc 2 "--fail-on without a value" "$AMTSCOPE" analyze -r "$cap" --fail-on
	expect_rc 2 "--format bogus" "$AMTSCOPE" analyze -r "$cap" --format bogus
	expect_rc 2 "missing capture" "$AMTSCOPE" analyze -r "$dir/does-not-exist.pcap"
	expect_rc 2 "nothing to read" "$AMTSCOPE" analyze --fail-on never
	quiet="$SRCDIR/tests/reports/captures/quiet.pcap"
	for level in error warning info never; do
		expect_rc 0 "quiet.pcap --fail-on $level" "$AMTSCOPE" analyze -r "$quiet" --fail-on "$level"
	done
	# the matrix of specs/findings.md on captures whose worst finding is known:
	# capture, then the exit codes for --fail-on error, warning, info, never
	while read -r name e w i n; do
		cap="$SRCDIR/tests/reports/captures/$name"
		set -- "$e" "$w" "$i" "$n"
		for level in error warning info never; do
			expect_rc "$1" "$name --fail-on $level" "$AMTSCOPE" analyze -r "$cap" --fail-on "$level" -q
			shift
		done
	done <<-'MATRIX'
		quiet.pcap          0 0 0 0
		info-only.pcap      0 0 1 0
		warning-only.pcap   0 1 1 0
		three-devices.pcap  1 1 1 0
	MATRIX
	expect_rc 1 "three-devices.pcap without --fail-on (default error)" "$AMTSCOPE" analyze \
		-r "$SRCDIR/tests/reports/captures/three-devices.pcap" -q
	expect_rc 0 "warning-only.pcap without --fail-on (default error)" "$AMTSCOPE" analyze \
		-r "$SRCDIR/tests/reports/captures/warning-only.pcap" -q
	# the exit status does not depend on the output format
	for fmt in json jsonl html; do
		expect_rc 1 "three-devices.pcap --format $fmt" "$AMTSCOPE" analyze \
			-r "$SRCDIR/tests/reports/captures/three-devices.pcap" --format $fmt -o "$dir/out.$fmt"
	done
	expect_rc 0 "quiet.pcap -q" "$AMTSCOPE" analyze -r "$quiet" -q
	[ -s "$dir/last.out" ] && fail "-q printed something for a capture without findings"
	exercised=""
	for c in "${captures[@]}"; do
		"$AMTSCOPE" analyze -r "$SRCDIR/$c" --format json -o "$dir/r.json" --fail-on never 2>/dev/null
		rc=$?
		[ $rc -eq 0 ] || { fail "$c: --fail-on never exited $rc"; continue; }
		w=$(worst "$dir/r.json")
		for level in error warning info never; do
			case $level in error) t=3 ;; warning) t=2 ;; info) t=1 ;; never) t=4 ;; esac
			want=0
			[ "$w" -ge "$t" ] && want=1
			expect_rc $want "$c --fail-on $level (worst finding $w)" "$AMTSCOPE" analyze -r "$SRCDIR/$c" \
				--fail-on $level -q
			[ $want -eq 1 ] && exercised="$exercised $level"
		done
		want=0
		[ "$w" -ge 3 ] && want=1
		expect_rc $want "$c without --fail-on (default error)" "$AMTSCOPE" analyze -r "$SRCDIR/$c" -q
	done
	echo "levels seen failing on a capture:${exercised:- none yet}"
	;;
color)
	command -v script >/dev/null || { echo "script(1) is not installed: skipping"; exit 77; }
	cap="$SRCDIR/tests/reports/captures/quiet.pcap"
	on_tty() { script -qec "$*" /dev/null </dev/null; }
	esc=$'\x1b'
	on_tty "'$AMTSCOPE' analyze -r '$cap'" >"$dir/tty.out"
	grep -q "$esc\[" "$dir/tty.out" || fail "no colour on a terminal"
	NO_COLOR=1 on_tty "'$AMTSCOPE' analyze -r '$cap'" >"$dir/nocolor.out"
	grep -q "$esc" "$dir/nocolor.out" && fail "colour although NO_COLOR is set"
	on_tty "'$AMTSCOPE' analyze -r '$cap' --no-color" >"$dir/nocolor2.out"
	grep -q "$esc" "$dir/nocolor2.out" && fail "colour although --no-color is given"
	on_tty "'$AMTSCOPE' analyze -r '$cap' -o '$dir/file.txt'" >/dev/null
	grep -q "$esc" "$dir/file.txt" && fail "colour in a file written with -o"
	"$AMTSCOPE" analyze -r "$cap" | cat >"$dir/pipe.out"
	grep -q "$esc" "$dir/pipe.out" && fail "colour into a pipe"
	grep -q "amtscope .* analysis" "$dir/pipe.out" || fail "no report into a pipe"
	;;
outputs)
	mapfile -t secrets < <(cd "$SRCDIR" && cat samples/secrets.txt tests/*/captures/secrets.txt 2>/dev/null | grep -v '^#' | grep .)
	jsons=()
	n=0
	for c in "${captures[@]}"; do
		n=$((n + 1))
		base="$dir/$n-$(basename "$c")"
		cap="$SRCDIR/$c"
		"$AMTSCOPE" analyze -r "$cap" --format json -o "$base.json" --fail-on never || fail "$c: json"
		"$AMTSCOPE" analyze -r "$cap" --format html -o "$base.html" --events "$base.events.jsonl" --run-id same --fail-on never \
			|| fail "$c: html"
		"$AMTSCOPE" analyze -r "$cap" --format jsonl --run-id same --fail-on never >"$base.jsonl" || fail "$c: jsonl"
		"$AMTSCOPE" analyze -r "$cap" -v --fail-on never >"$base.txt" || fail "$c: text"
		"$AMTSCOPE" decode -r "$cap" --format json >"$base.decode.jsonl" || fail "$c: decode json"
		"$AMTSCOPE" decode -r "$cap" -V >"$base.decode.txt" || fail "$c: decode -V"
		jsons+=("$base.json" "$base.events.jsonl" "$base.jsonl" "$base.decode.jsonl")
		cmp -s "$base.jsonl" "$base.events.jsonl" || fail "$c: --format jsonl and --events differ"
		for s in "${secrets[@]}"; do
			if grep -l -F -- "$s" "$base".* >/dev/null 2>&1; then
				fail "$c: a secret from secrets.txt is printed in $(grep -l -F -- "$s" "$base".* | xargs -n1 basename | tr '\n' ' ')"
			fi
		done
		# Chromium on the reports' and the sample captures (the other areas' are many)
		if [ "$c" != "${c#tests/reports/}" ] || [ "$c" != "${c#samples/}" ]; then
			python3 "$SRCDIR/tests/reports/check_html.py" "$base.html" "$base.json" \
				"$dir/$(basename "$c" | tr . -).png" "--events=$base.jsonl"
			rc=$?
			[ $rc -eq 0 ] || [ $rc -eq 77 ] || fail "$c: HTML check"
		fi
	done
	python3 "$SRCDIR/tests/reports/validate_json.py" "${jsons[@]}" >"$dir/validate.log"
	rc=$?
	[ $rc -eq 77 ] && { cat "$dir/validate.log"; exit 77; }
	[ $rc -eq 0 ] || { grep -v '^ok' "$dir/validate.log" >&2; fail "schema validation"; }
	echo "${#captures[@]} captures, ${#jsons[@]} JSON outputs validated, ${#secrets[@]} secrets checked"
	;;
*)
	echo "usage: $0 fail-on|color|outputs" >&2
	exit 2
	;;
esac
[ $fails -eq 0 ]
