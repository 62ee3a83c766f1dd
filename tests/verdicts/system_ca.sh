#!/usr/bin/env bash
# The system CA store (Debian's ca-certificates, OpenSSL's default paths) is a
# trust anchor unless --no-system-ca. Skipped (77) when the Debian root this
# test relies on, ISRG Root X1, is not installed.
set -uo pipefail
: "${AMTSCOPE:?}"
rc=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL $*"; rc=1; }
isrg=/etc/ssl/certs/ISRG_Root_X1.pem
if ! [ -f "$isrg" ] || ! openssl x509 -in "$isrg" -noout -subject | grep -q 'ISRG Root X1'; then
	echo "$isrg (Debian ca-certificates) is not installed: skipped"
	exit 77
fi
# a leaf that names ISRG Root X1 as its issuer but is signed by a key of ours:
# with the store, OpenSSL finds the real root and the signature fails;
# without it, the issuer is merely unknown
subj=$(openssl x509 -in "$isrg" -noout -subject -nameopt compat | sed 's/^subject=//')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/fake.key" -subj "$subj" -days 3650 \
	-addext basicConstraints=critical,CA:TRUE -out "$work/fake.pem" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/leaf.key" -subj "/CN=forged.verdicts.test" \
	-out "$work/leaf.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n' >"$work/ext.cnf"  # no AKI: found by name
openssl x509 -req -in "$work/leaf.csr" -CA "$work/fake.pem" -CAkey "$work/fake.key" -CAcreateserial \
	-days 3650 -extfile "$work/ext.cnf" -out "$work/forged.pem" 2>/dev/null
unset AMTSCOPE_NOW
with=$("$AMTSCOPE" certs --format json "$work/forged.pem")
without=$("$AMTSCOPE" certs --no-system-ca --format json "$work/forged.pem")
grep -q '"id": "tls.cert.chain_invalid"' <<<"$with" && grep -q 'signature failure' <<<"$with" &&
	grep -q '"id": "tls.cert.issuer_unknown"' <<<"$without" && grep -q 'ISRG Root X1' <<<"$without" &&
	echo "ok   system store: the Debian root is found (and --no-system-ca leaves it out)" ||
	fail "system store: with: $with / without: $without"
exit $rc
