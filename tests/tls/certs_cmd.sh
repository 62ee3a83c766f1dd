#!/usr/bin/env bash
# amtscope certs: verdicts and exit codes on the committed test PKI
# (certificates valid 2026-2036; "now" is pinned inside that window).
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
cd "$SRCDIR/tests/tls/certs" || exit 2
export AMTSCOPE_NOW=1795000000  # 2026-11-18
rc=0
n=0

# expect RC GREP-PATTERN -- ARGS...: exit code and a line of the output
expect() {
	local want=$1 pattern=$2
	shift 3
	local out got
	out=$("$AMTSCOPE" certs "$@" 2>&1)
	got=$?
	n=$((n + 1))
	if [ "$got" != "$want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
		echo "FAIL: certs $* -> exit $got (want $want), pattern '$pattern'"
		echo "$out" | sed 's/^/    /'
		rc=1
	else
		echo "ok   certs $*"
	fi
}

# redirection bundles: both consistent orders are fine and named; mixed and gaps are not
expect 0 'order: root first' -- --leaf leaf.pem bundle-root-first.pem
expect 0 'order: leaf first' -- --leaf leaf.pem bundle-leaf-first.pem
expect 0 'reaches CN=amtscope Test Root CA' -- --leaf leaf.pem bundle-leaf-first.pem
expect 1 'problem +order: mixed' -- --leaf leaf.pem bundle-mixed.pem
# the bundle holds the root but not the policy CA between: provably incomplete
expect 1 'problem +The chain of CN=amt.tls.test,O=amtscope tests is incomplete: the issuer CN=amtscope Test Policy CA,O=amtscope tests of CN=amtscope Test Issuing CA,O=amtscope tests was not sent' -- --leaf leaf.pem bundle-missing.pem
expect 1 'verdict: PROBLEMS' -- bundle-missing.pem
# the server certificate seen in a capture instead of --leaf
expect 0 'server certificate CN=amt.tls.test,O=amtscope tests reaches' -- -r ../captures/good.pcap bundle-root-first.pem
expect 1 'is incomplete' -- -r ../captures/good.pcap bundle-missing.pem
expect 2 'no server certificate' -- -r ../captures/tls13.pcap bundle-root-first.pem
# provisioning certificates
expect 0 'verdict: OK' -- --amt-hashes prov-root.hashes --password-file p12.password prov.p12
expect 1 'not among AMT.s default root hashes' -- --password-file p12.password prov.p12
expect 0 "OU 'Intel\(R\) Client Setup Certificate' present" -- --provisioning --amt-hashes prov-root.hashes prov-ou-bundle.pem
expect 0 'EKU 2.16.840.1.113741.1.2.3 present' -- --provisioning --amt-hashes prov-root.hashes prov-eku-bundle.pem
expect 1 'has neither the OU' -- --provisioning --amt-hashes prov-root.hashes prov-none-bundle.pem
expect 1 'has neither the OU' -- --amt-hashes prov-root.hashes --password-file p12.password prov-none.p12
expect 1 'problem +The provisioning chain of .* comes without its self-signed root' -- --provisioning --amt-hashes prov-root.hashes prov.pem
expect 0 'vouches for domain prov.test' -- --amt-hashes prov-root.hashes --password-file p12.password prov.p12
expect 2 'needs a password' -- prov.p12
# AMT TLS certificate against an FQDN, dates, weakness
expect 0 'covers amt.tls.test' -- --host amt.tls.test --ca-file root.pem leaf.pem
expect 1 'does not cover amt.tls.test' -- --host amt.tls.test --ca-file root.pem leaf-other.pem
expect 1 'expired on 2021-01-01' -- --ca-file root.pem leaf-expired.pem
expect 1 'valid only from 2035-01-01' -- --ca-file root.pem leaf-future.pem
# a weak certificate is a warning, as in analyze (an error for a provisioning chain)
expect 0 'warning +The chain of .* holds a weak certificate: .*signed with sha1WithRSAEncryption' -- --ca-file root.pem leaf-sha1.pem
expect 0 'sha256: ' -- --ca-file root.pem leaf.der
expect 0 '"verdict": "ok"' -- --format json --leaf leaf.pem bundle-root-first.pem
expect 1 '"id": "order.mixed"' -- --format json --leaf leaf.pem bundle-mixed.pem
# usage and unreadable input
expect 2 'no certificate file' -- --host x
expect 2 'cannot read' -- /nonexistent.pem
expect 2 'neither PEM' -- ../make-certs.sh
# the password never shows
out=$("$AMTSCOPE" certs --password-file p12.password prov.p12 --format json 2>&1)
if grep -q amtscope-test <<<"$out"; then echo "FAIL: password printed"; rc=1; fi
echo "$n checks"
exit $rc
