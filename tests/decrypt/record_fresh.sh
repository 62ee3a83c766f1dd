#!/usr/bin/env bash
# Records a few scenarios afresh (curl and Python TLS over loopback, new keys
# every time) and checks that they decode like their fresh plaintext twin.
# Skipped (77) without root or tcpdump.
set -uo pipefail
[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && command -v curl >/dev/null || { echo "needs root, tcpdump, curl: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$SRCDIR/tests/decrypt/record.py" "$tmp" plain-wsman tls12-gcm tls12-cbc tls13-chacha || exit 1
DECRYPT_CAPDIR=$tmp python3 "$SRCDIR/tests/decrypt/compare_plain.py"
