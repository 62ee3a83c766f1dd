#!/usr/bin/env bash
# Generates the test PKI in tests/tls/certs (committed; rerun only to change
# it). Dates are explicit (openssl ca -startdate/-enddate) so the verdicts
# do not depend on the day the suite runs until 2036.
#   server chain: root -> policy -> issuing -> amt.tls.test (+ variants)
#   provisioning: prov-root -> prov-issuing -> setup.prov.test (+ variants)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/certs}
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

GOOD_FROM=20260101000000Z
GOOD_TO=20360101000000Z

cat >ext.cnf <<'EOF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:amt.tls.test
[other_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.tls.test
[selfsigned_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:amt.tls.test
[amt_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
subjectKeyIdentifier = hash
[prov_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, 2.16.840.1.113741.1.2.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[prov_ou_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

. "$here/../lib/pki.sh"  # ca_conf, key, csr, sign

# server PKI: three levels as in the seeds (root, policy CA, issuing CA)
key root; csr root "/CN=amtscope Test Root CA/O=amtscope tests"; sign root self ca_ext $GOOD_FROM $GOOD_TO
key policy; csr policy "/CN=amtscope Test Policy CA/O=amtscope tests"
ca_conf root 1001; sign policy root ca_ext $GOOD_FROM $GOOD_TO
key issuing; csr issuing "/CN=amtscope Test Issuing CA/O=amtscope tests"
ca_conf policy 2001; sign issuing policy ca_ext $GOOD_FROM $GOOD_TO
ca_conf issuing 3001
for v in leaf leaf-expired leaf-future leaf-sha1 leaf-other; do key $v; done
csr leaf "/CN=amt.tls.test/O=amtscope tests"; sign leaf issuing server_ext $GOOD_FROM $GOOD_TO
csr leaf-expired "/CN=amt.tls.test/O=amtscope tests"
sign leaf-expired issuing server_ext 20200101000000Z 20210101000000Z
csr leaf-future "/CN=amt.tls.test/O=amtscope tests"
sign leaf-future issuing server_ext 20350101000000Z 20360101000000Z
csr leaf-sha1 "/CN=amt.tls.test/O=amtscope tests"; sign leaf-sha1 issuing server_ext $GOOD_FROM $GOOD_TO sha1
csr leaf-other "/CN=other.tls.test/O=amtscope tests"; sign leaf-other issuing other_ext $GOOD_FROM $GOOD_TO
key selfsigned; csr selfsigned "/CN=amt.tls.test/O=amtscope tests"
sign selfsigned self selfsigned_ext $GOOD_FROM $GOOD_TO
# AMT's own self-signed certificate, as it presents during remote configuration
key amt-self; csr amt-self "/CN=Intel(R) AMT/O=amtscope tests"; sign amt-self self amt_ext $GOOD_FROM $GOOD_TO

# provisioning PKI
key prov-root; csr prov-root "/CN=amtscope Provisioning Root/O=amtscope tests"
sign prov-root self ca_ext $GOOD_FROM $GOOD_TO
key prov-issuing; csr prov-issuing "/CN=amtscope Provisioning Issuing CA/O=amtscope tests"
ca_conf prov-root 4001; sign prov-issuing prov-root ca_ext $GOOD_FROM $GOOD_TO
ca_conf prov-issuing 5001
for v in prov prov-ou prov-eku prov-none; do key $v; done
csr prov "/CN=setup.prov.test/OU=Intel(R) Client Setup Certificate/O=amtscope tests"
sign prov prov-issuing prov_ext $GOOD_FROM $GOOD_TO
csr prov-ou "/CN=setup.prov.test/OU=Intel(R) Client Setup Certificate/O=amtscope tests"
sign prov-ou prov-issuing prov_ou_ext $GOOD_FROM $GOOD_TO
csr prov-eku "/CN=setup.prov.test/O=amtscope tests"; sign prov-eku prov-issuing prov_ext $GOOD_FROM $GOOD_TO
csr prov-none "/CN=setup.prov.test/OU=Setup/O=amtscope tests"
sign prov-none prov-issuing prov_ou_ext $GOOD_FROM $GOOD_TO

for f in *.pem; do openssl x509 -in "$f" -out "$out/$f"; done
cp leaf*.key selfsigned.key amt-self.key prov*.key "$out/"

cd "$out"
# chains as servers send them (own certificate first)
cat issuing.pem policy.pem >chain-good.pem
cat issuing.pem >chain-missing.pem
cat policy.pem issuing.pem >chain-reversed.pem
cat prov-issuing.pem prov-root.pem >prov-chain.pem
# bundles a console would use for redirection
cat root.pem policy.pem issuing.pem >bundle-root-first.pem
cat issuing.pem policy.pem root.pem >bundle-leaf-first.pem
cat policy.pem root.pem issuing.pem >bundle-mixed.pem
cat root.pem issuing.pem >bundle-missing.pem
# provisioning certificates as delivered (PKCS#12 with the whole chain)
printf 'amtscope-test\n' >p12.password
for v in prov prov-ou prov-eku prov-none; do
	openssl pkcs12 -export -inkey $v.key -in $v.pem -certfile prov-chain.pem -passout pass:amtscope-test \
		-name "$v" -out $v.p12
	cat $v.pem prov-chain.pem >$v-bundle.pem
done
openssl x509 -in leaf.pem -outform DER -out leaf.der
# the root hash of the provisioning PKI, for --amt-hashes
printf '%s  amtscope Provisioning Root\n' \
	"$(openssl x509 -in prov-root.pem -outform DER | sha256sum | cut -d' ' -f1)" >prov-root.hashes
ls
