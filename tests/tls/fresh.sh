#!/usr/bin/env bash
# Records three scenarios afresh (record.sh, into a temporary directory) and
# checks the findings, not the bytes: the live path from real programs.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
if [ "$(id -u)" -ne 0 ] || ! command -v tcpdump >/dev/null || ! command -v openssl >/dev/null; then
	echo "needs root, tcpdump and openssl: skipped"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$SRCDIR/tests/tls/record.sh" "$out" good expired prov-not-prov >/dev/null 2>&1 || { echo "recording failed"; exit 1; }
rc=0
rules() {
	"$AMTSCOPE" analyze --format json --fail-on never -r "$out/$1.pcap" --ca-file "$SRCDIR/tests/tls/certs/root.pem" \
		--amt-hashes "$SRCDIR/tests/tls/certs/prov-root.hashes" |
		python3 -c 'import json,sys; print(" ".join(sorted(f["rule"] for f in json.load(sys.stdin)["findings"])))'
}
expect() {
	local got
	got=$(rules "$1")
	if [ "$got" != "$2" ]; then echo "FAIL $1: '$got' (want '$2')"; rc=1; else echo "ok   $1: '$got'"; fi
}
expect good ""
expect expired "tls.cert.expired"
expect prov-not-prov "prov.cert.not_provisioning"
exit $rc
