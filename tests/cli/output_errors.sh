#!/usr/bin/env bash
# Output errors are errors: a full disk (/dev/full) or a closed pipe (with
# SIGPIPE ignored, as some supervisors run programs) gives one line on stderr
# naming the output and exit 2, in every subcommand and format.
. "$(dirname "$0")/lib.sh"
log="$SRCDIR/tests/logs/captures/contact-back-scs.log"
pem="$SRCDIR/tests/tls/certs/amt-self.pem"
expect_full() { # label pattern command...
	local what=$1 pat=$2; shift 2
	"$@" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
		ok "$what: exit 2, $(cat "$tmp/err")"
	else
		fail "$what: exit $rc, stderr: $(cat "$tmp/err")"
	fi
}
full="No space left on device"
expect_full "decode > /dev/full" "$full" sh -c '"$0" decode -r "$1" > /dev/full' "$AMTSCOPE" "$demo"
expect_full "decode --format json > /dev/full" "$full" sh -c '"$0" decode --format json -r "$1" > /dev/full' "$AMTSCOPE" "$demo"
expect_full "decode --frames > /dev/full" "$full" sh -c '"$0" decode --frames -r "$1" > /dev/full' "$AMTSCOPE" "$demo"
for fmt in text json jsonl html; do
	expect_full "analyze --format $fmt > /dev/full" "$full" \
		sh -c '"$0" analyze --fail-on never --format "$2" -r "$1" > /dev/full' "$AMTSCOPE" "$demo" $fmt
	expect_full "analyze --format $fmt -o /dev/full" "cannot write -o /dev/full: $full" \
		"$AMTSCOPE" analyze --fail-on never --format $fmt -r "$demo" -o /dev/full
done
expect_full "analyze --events /dev/full" "cannot write --events /dev/full: $full" \
	"$AMTSCOPE" analyze --fail-on never -r "$demo" -o "$tmp/r.txt" --events /dev/full
check "  ... and the report beside it is not left half there" test ! -e "$tmp/r.txt"
expect_full "analyze -w /dev/full" "cannot write -w /dev/full: $full" \
	"$AMTSCOPE" analyze --fail-on never -r "$demo" -o /dev/null -w /dev/full
expect_full "analyze --annotate /dev/full" "$full" \
	"$AMTSCOPE" analyze --fail-on never -r "$demo" -o /dev/null --annotate /dev/full
expect_full "decode -o /dev/full" "cannot write -o /dev/full: $full" "$AMTSCOPE" decode -r "$demo" -o /dev/full
expect_full "logs > /dev/full" "$full" sh -c '"$0" logs "$1" > /dev/full' "$AMTSCOPE" "$log"
expect_full "logs --format json > /dev/full" "$full" sh -c '"$0" logs --format json "$1" > /dev/full' "$AMTSCOPE" "$log"
expect_full "certs > /dev/full" "$full" sh -c '"$0" certs "$1" > /dev/full' "$AMTSCOPE" "$pem"
expect_full "certs --format json > /dev/full" "$full" sh -c '"$0" certs --format json "$1" > /dev/full' "$AMTSCOPE" "$pem"
expect_full "check > /dev/full" "$full" sh -c '"$0" check --domain corp.example --dns 127.0.0.1:9 --timeout 0.2 > /dev/full' "$AMTSCOPE"
expect_full "check -o /dev/full" "cannot write -o /dev/full: $full" \
	"$AMTSCOPE" check --domain corp.example --dns 127.0.0.1:9 --timeout 0.2 -o /dev/full
# a closed pipe with SIGPIPE ignored: EPIPE. The reading end is closed before
# the program starts (no race with a reader that might still read).
epipe() { # label command...
	python3 - "$@" 2>"$tmp/err" <<'PY'
import os, signal, subprocess, sys
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[2:], stdout=w, restore_signals=False)
sys.exit(p.returncode)
PY
	local rc=$?
	if [ $rc -eq 2 ] && grep -q "cannot write standard output: Broken pipe" "$tmp/err" &&
	   [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
		ok "$1: exit 2, $(cat "$tmp/err")"
	else
		fail "$1: exit $rc, stderr: $(cat "$tmp/err")"
	fi
}
epipe "decode into a closed pipe" "$AMTSCOPE" decode -r "$demo"
epipe "analyze into a closed pipe" "$AMTSCOPE" analyze --fail-on never -r "$demo"
epipe "analyze --format json into a closed pipe" "$AMTSCOPE" analyze --format json --fail-on never -r "$demo"
epipe "logs into a closed pipe" "$AMTSCOPE" logs "$log"
epipe "certs into a closed pipe" "$AMTSCOPE" certs "$pem"
# the same commands to a working output exit 0 (the tests above can fail)
"$AMTSCOPE" decode -r "$demo" > /dev/null 2>&1
check "decode > /dev/null exits 0" test $? -eq 0
"$AMTSCOPE" analyze --fail-on never -r "$demo" -o /dev/null 2>/dev/null
check "analyze -o /dev/null exits 0" test $? -eq 0
finish
