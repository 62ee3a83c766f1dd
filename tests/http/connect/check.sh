#!/usr/bin/env bash
# HTTP CONNECT answered 200 is a tunnel, and what goes through it is handed
# to the protocol it carries (here TLS, whose certificates are judged), not
# flagged as malformed HTTP (issue 21, item 5). On connect-tunnel.pcap:
#  - (`decode -V` and the findings byte for byte: golden cases http/connect-tunnel.*)
#  - a note says the tunnel opened, no note says "not an HTTP";
#  - the ClientHello (SNI amt.tls.test) and the server's certificates are decoded;
#  - tshark differential (handshake types, SNI, x509sat, HTTP method).
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/http/connect
cap=$here/connect-tunnel.pcap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
"$AMTSCOPE" decode -V -r "$cap" >"$work/decode" 2>&1 || fail "decode exited $?"
grep -q "answered 200: a tunnel" "$work/decode" || fail "no tunnel note"
grep -q "not an HTTP" "$work/decode" && fail "the tunnel's bytes were read as HTTP"
grep -q "Client Hello (SNI=amt.tls.test)" "$work/decode" || fail "the ClientHello inside the tunnel was not decoded"
grep -q "Certificate (server, 3 certs" "$work/decode" || fail "the certificates inside the tunnel were not decoded"
python3 "$SRCDIR/tests/tls/variants/tshark_diff.py" "$cap"
r=$?
[ $r = 77 ] || [ $r = 0 ] || fail "tshark differential"
[ $rc = 0 ] && echo "connect: ok"
exit $rc
