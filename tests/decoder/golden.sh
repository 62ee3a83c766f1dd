#!/usr/bin/env bash
# Golden tests: amtscope's output on the recorded captures must equal the
# checked-in expected files. UPDATE=1 rewrites them (review the diff!).
set -u
cd "$SRCDIR/tests/decoder"
fail=0
check() { # name command...
	local name=$1; shift
	local got
	got=$("$@" 2>&1)
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" > "expected/$name"
		return
	fi
	if ! diff -u "expected/$name" <(printf '%s\n' "$got") > /tmp/golden.$$.diff; then
		echo "FAIL $name"; head -40 /tmp/golden.$$.diff; fail=1
	else
		echo "ok $name"
	fi
	rm -f /tmp/golden.$$.diff
}
mkdir -p expected
for c in base frag null raw sll2 vlan; do
	check "$c.frames" "$AMTSCOPE" decode --frames -r "captures/$c.pcap"
	check "$c.json" "$AMTSCOPE" analyze --format json -r "captures/$c.pcap"
done
# IPv6 fragments reassembled (dns-ipv6-frag), and refused when they overlap (RFC 5722)
for c in dns-ipv6-frag dns-ipv6-frag-overlap; do
	check "$c.decode" "$AMTSCOPE" decode -V -r "ipv6frag/$c.pcap"
	check "$c.frames" "$AMTSCOPE" decode --frames -r "ipv6frag/$c.pcap"
done
# the overlap capture is what make_overlap.py makes of the recorded one
python3 ipv6frag/make_overlap.py ipv6frag/dns-ipv6-frag.pcap /tmp/overlap.$$.pcap
cmp -s /tmp/overlap.$$.pcap ipv6frag/dns-ipv6-frag-overlap.pcap || { echo "FAIL dns-ipv6-frag-overlap.pcap is not make_overlap.py's output"; fail=1; }
rm -f /tmp/overlap.$$.pcap
# link types: Linux cooked v1/v2 and NFLOG recorded by linktypes/record.sh, PPP
# (DLT 9) and PPP in HDLC framing (DLT 50) derived by linktypes/make_ppp.py
for c in sll sll2 nflog ppp ppp-hdlc; do
	check "link-$c.frames" "$AMTSCOPE" decode --frames -r "linktypes/$c.pcap"
	check "link-$c.decode" "$AMTSCOPE" decode -r "linktypes/$c.pcap"
done
mkdir -p /tmp/ppp.$$
python3 linktypes/make_ppp.py linktypes/sll.pcap /tmp/ppp.$$
for c in ppp ppp-hdlc; do
	cmp -s /tmp/ppp.$$/$c.pcap linktypes/$c.pcap || { echo "FAIL linktypes/$c.pcap is not make_ppp.py's output"; fail=1; }
done
rm -rf /tmp/ppp.$$
check "base.pcapng.json" "$AMTSCOPE" analyze --format json -r captures/base.pcapng
# two files read as one timeline: frames interleave by time, numbered per file
check "merged.frames" "$AMTSCOPE" decode --frames -r captures/base.pcap -r captures/raw.pcap
check "base.text" "$AMTSCOPE" analyze --no-color -r captures/base.pcap
exit $fail
