#!/usr/bin/env bash
# The captures made from recorded ones must be what their scripts make of them
# today: the overlapping IPv6 fragments (make_overlap.py) and PPP / PPP in HDLC
# framing (make_ppp.py). Their outputs are golden cases (tests/golden/manifest.txt).
set -u
cd "$SRCDIR/tests/decoder"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 ipv6frag/make_overlap.py ipv6frag/dns-ipv6-frag.pcap "$tmp/overlap.pcap"
cmp -s "$tmp/overlap.pcap" ipv6frag/dns-ipv6-frag-overlap.pcap || { echo "FAIL dns-ipv6-frag-overlap.pcap is not make_overlap.py's output"; fail=1; }
python3 linktypes/make_ppp.py linktypes/sll.pcap "$tmp"
for c in ppp ppp-hdlc; do
	cmp -s "$tmp/$c.pcap" "linktypes/$c.pcap" || { echo "FAIL linktypes/$c.pcap is not make_ppp.py's output"; fail=1; }
done
[ $fail = 0 ] && echo "ok: the derived captures are their scripts' output"
exit $fail
