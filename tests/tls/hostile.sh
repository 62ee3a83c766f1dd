#!/usr/bin/env bash
# Hostile captures (make-hostile.py) through the whole engine: bounded,
# reported, no crash; the rules stay quiet about what could not be decoded.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
cd "$SRCDIR/tests/tls" || exit 2
rc=0
check() {  # check CAPTURE PATTERN: decode output has a line matching PATTERN
	local out
	out=$("$AMTSCOPE" decode -r "captures/$1" 2>&1)
	local st=$?
	if [ $st -ne 0 ] || ! grep -qE -- "$2" <<<"$out"; then
		echo "FAIL $1: exit $st, no line matching '$2'"
		echo "$out" | head -20
		rc=1
	else
		echo "ok   $1: $2"
	fi
}
check hostile-10000-certs.pcap 'limit certs \(16'
check hostile-10000-certs.pcap '16 of 16 decoded certificate\(s\) are not valid DER'
check hostile-10000-certs.pcap 'Certificate \(server, 10000 certs'
check hostile-1000-records.pcap 'Certificate \(server, 2 certs: CN=amt.tls.test'
check hostile-lengths.pcap 'certificate list overruns its length'
check hostile-lengths.pcap 'TLS record cut short'
# the one message over 1,000 records keeps the frame where it began
"$AMTSCOPE" decode -V -r captures/hostile-1000-records.pcap | grep -q 'frames: 5-12' || { echo "FAIL frames"; rc=1; }
for f in captures/hostile-*.pcap; do
	"$AMTSCOPE" analyze -q -r "$f" >/dev/null 2>&1
	st=$?
	if [ $st -gt 1 ]; then echo "FAIL analyze $f: exit $st"; rc=1; fi
	# an info that a decoded chain's root is unknown here is no verdict on the bytes
	if "$AMTSCOPE" analyze -q -r "$f" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
bad = [f for f in d["findings"] if f["rule"].startswith("tls.cert") and f["severity"] != "info"]
sys.exit(0 if bad else 1)'; then
		echo "FAIL $f: a certificate finding from undecodable certificates"; rc=1
	fi
done
exit $rc
