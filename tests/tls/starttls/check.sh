#!/usr/bin/env bash
# STARTTLS (SMTP, IMAP, POP3 STLS, FTP AUTH TLS) is found and the TLS after
# it decoded, its certificates judged (issue 21, item 5), on the captures of
# record.sh:
#  - (`decode -V` and the findings byte for byte: golden cases tls/starttls-*)
#  - each has the "accepted: TLS from here" note, a ClientHello with SNI
#    amt.tls.test and the server's three certificates, and analyze judges
#    them (tls.cert.root_unknown, info: the chain is complete as far as it was
#    sent, its root is neither sent nor given, as TLS allows);
#  - with --ca-file (the test root), no certificate finding at all (the twin);
#  - tshark differential (handshake types, SNI, x509sat).
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/tls/starttls
root=$SRCDIR/tests/tls/certs/root.pem
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
rules() {
	"$AMTSCOPE" analyze --no-system-ca --fail-on never --format json "$@" |
		python3 -c 'import json, sys; [print(f["rule"], f["severity"], f.get("device", "-")) for f in json.load(sys.stdin)["findings"]]'
}
for p in smtp imap pop3 ftp; do
	cap=$here/starttls-$p.pcap
	"$AMTSCOPE" decode -V -r "$cap" >"$work/$p.decode" 2>&1 || fail "$p: decode exited $?"
	rules -r "$cap" >"$work/$p.findings"
	grep -q "accepted: TLS from here" "$work/$p.decode" || fail "$p: no STARTTLS note"
	grep -q "Client Hello (SNI=amt.tls.test)" "$work/$p.decode" || fail "$p: no ClientHello"
	grep -q "Certificate (server, 3 certs" "$work/$p.decode" || fail "$p: no certificates"
	grep -q "tls.cert.root_unknown info" "$work/$p.findings" || fail "$p: certificates not judged"
	grep -q "error" "$work/$p.findings" && fail "$p: an error on a healthy chain"
	if [ -f "$root" ]; then
		rules --ca-file "$root" -r "$cap" | grep -q "tls\.cert\." && fail "$p: a certificate finding with the root given"
	fi
done
python3 "$SRCDIR/tests/tls/variants/tshark_diff.py" "$here"/starttls-*.pcap
r=$?
[ $r = 77 ] || [ $r = 0 ] || fail "tshark differential"
[ $rc = 0 ] && echo "starttls: ok"
exit $rc
