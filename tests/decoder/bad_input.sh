#!/usr/bin/env bash
# Bad input to the program: one clear line on stderr, the documented exit code,
# and whatever could be read is still analysed.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # description expected-rc stderr-pattern command...
	local what=$1 rc=$2 pat=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" != "$rc" ] || ! grep -q -- "$pat" "$tmp/err"; then
		echo "FAIL $what: exit $got (want $rc), stderr:"; cat "$tmp/err"; fail=1
	else
		echo "ok $what"
	fi
}
caps="$SRCDIR/tests/decoder/captures"
expect "missing file" 2 "cannot open $tmp/nope.pcap: No such file" "$AMTSCOPE" analyze -r "$tmp/nope.pcap"
echo "this is not a capture" > "$tmp/text.pcap"
expect "not a capture" 2 "is not a capture amtscope can read" "$AMTSCOPE" analyze -r "$tmp/text.pcap"
expect "a directory" 2 "is a directory" "$AMTSCOPE" analyze -r "$tmp"
expect "no input" 2 "nothing to read" "$AMTSCOPE" analyze
expect "unknown command" 2 "unknown command" "$AMTSCOPE" frobnicate
expect "bad --fail-on" 2 "fail-on takes" "$AMTSCOPE" analyze -r "$caps/base.pcap" --fail-on sometimes
expect "bad limit" 2 "takes a positive number" "$AMTSCOPE" analyze -r "$caps/base.pcap" --max-flows lots
expect "stray argument" 2 "unexpected argument" "$AMTSCOPE" analyze "$caps/base.pcap"
# one line on stderr, not a flood
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL stray argument: more than one line"; fail=1; }

# truncated in the middle of a record: a warning, and the frames before it analysed
size=$(stat -c %s "$caps/base.pcap")
head -c $((size - 30)) "$caps/base.pcap" > "$tmp/trunc.pcap"
expect "truncated capture" 0 "truncated" "$AMTSCOPE" analyze --format json -r "$tmp/trunc.pcap"
grep -q '"truncated": true' "$tmp/out" || { echo "FAIL truncated flag missing"; fail=1; }
grep -q '"packets": 39' "$tmp/out" || { echo "FAIL truncated capture: expected 39 packets analysed"; cat "$tmp/out"; fail=1; }

# a good file and a missing one: a fatal input error, exit 2 and no report at
# all (a report on half the input would look like a clean bill of health);
# an earlier report at -o stays as it was
expect "one missing of two" 2 "cannot open" "$AMTSCOPE" analyze --format json -r "$caps/base.pcap" -r "$tmp/nope.pcap"
[ ! -s "$tmp/out" ] || { echo "FAIL a report was printed despite the missing input"; fail=1; }
echo "earlier report" > "$tmp/earlier.json"
expect "missing input, -o kept" 2 "cannot open" "$AMTSCOPE" analyze -r "$tmp/nope.pcap" -o "$tmp/earlier.json"
[ "$(cat "$tmp/earlier.json")" = "earlier report" ] || { echo "FAIL the earlier report was replaced"; fail=1; }
[ -z "$(ls -A "$tmp" | grep '^\.earlier')" ] || { echo "FAIL a temporary file was left behind"; fail=1; }

# stdin
"$AMTSCOPE" decode --frames -r - < "$caps/base.pcap" > "$tmp/stdin.out" 2>&1
[ "$(wc -l < "$tmp/stdin.out")" -eq 40 ] || { echo "FAIL -r - read $(wc -l < "$tmp/stdin.out") frames"; fail=1; }

# a bad read filter on a file: exit 2, no report
expect "bad read filter" 2 "bad filter -f" "$AMTSCOPE" analyze -r "$caps/base.pcap" -f "port port"
[ ! -s "$tmp/out" ] || { echo "FAIL bad read filter: a report was printed"; fail=1; }

if [ "$(id -u)" -eq 0 ]; then
	expect "no such interface" 2 "there is no interface nosuch0" "$AMTSCOPE" analyze -i nosuch0 --duration 1
	expect "bad filter" 2 "bad capture filter" "$AMTSCOPE" analyze -i lo -f "port port" --duration 1
	expect "bad interface, -o kept" 2 "there is no interface" "$AMTSCOPE" analyze -i nosuch0 --duration 1 -o "$tmp/earlier.json"
	[ "$(cat "$tmp/earlier.json" 2>/dev/null)" = "earlier report" ] || { echo "FAIL bad interface: the earlier report was replaced"; fail=1; }
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		expect "no permission" 2 "no permission to capture on lo" \
			setpriv --reuid=nobody --regid=nogroup --clear-groups "$AMTSCOPE" analyze -i lo --duration 1
	fi
fi
exit $fail
