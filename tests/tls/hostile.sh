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
check hostile-10000-certs.pcap '16 of 16 decoded certificate\(s\) are cut short'
check hostile-lengths.pcap 'decoded certificate\(s\) are not valid DER'
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
	# an info that a decoded chain's root is unknown here is no verdict on the bytes; a
	# certificate whose DER announces more than was sent (10000-certs: 30 82 ff ff in 5 bytes)
	# is cut short and not judged; hostile-lengths' 30 01 00 is all there and does not parse
	want=
	case $f in *hostile-lengths.pcap) want="tls.cert.unparseable warning" ;; esac
	got=$("$AMTSCOPE" analyze -q -r "$f" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(f["rule"] + " " + f["severity"] for f in d["findings"]
               if f["rule"].startswith("tls.cert") and f["severity"] != "info"))')
	[ "$got" = "$want" ] || { echo "FAIL $f: certificate findings '$got', want '$want'"; rc=1; }
done

# a leaf cut short vs a leaf that was all there and does not parse (make-unparseable.py)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 make-unparseable.py "$work" || { echo "FAIL make-unparseable.py"; exit 1; }
findings_of() {  # findings_of CAPTURE: "rule severity" of every finding but capture.no_amt_traffic
	"$AMTSCOPE" analyze --no-system-ca --format json -r "$work/$1" | python3 -c '
import json, sys
print(" ".join(f["rule"] + " " + f["severity"] for f in json.load(sys.stdin)["findings"]
               if f["rule"] != "capture.no_amt_traffic"))'
}
"$AMTSCOPE" decode -V -r "$work/cut-leaf.pcap" | grep -qF 'x509.error: DER cut short (it announces more bytes than were sent)' &&
	got=$(findings_of cut-leaf.pcap) && [ -z "$got" ] &&
	echo "ok   cut-leaf: the event says the DER was cut short, and no finding judges the chain" ||
	{ echo "FAIL cut-leaf: want x509.error 'DER cut short' and no finding, got '$got'"; rc=1; }
"$AMTSCOPE" decode -V -r "$work/broken-leaf.pcap" | grep -qF 'x509.error: DER does not parse' &&
	got=$(findings_of broken-leaf.pcap) && [ "$got" = "tls.cert.unparseable warning" ] &&
	"$AMTSCOPE" analyze --no-system-ca --format json -r "$work/broken-leaf.pcap" |
	grep -qF "The chain's first certificate (its leaf) does not parse as X.509" &&
	echo "ok   broken-leaf: all its bytes there, it does not parse: tls.cert.unparseable (warning), named as that" ||
	{ echo "FAIL broken-leaf: want x509.error 'DER does not parse' and tls.cert.unparseable warning, got '$got'"; rc=1; }
exit $rc
