#!/usr/bin/env bash
# Golden test: `amtscope decode -V --keylog` of every committed TLS capture,
# byte for byte against captures/<name>.expected. UPDATE=1 rewrites them.
set -uo pipefail
cap=$SRCDIR/tests/decrypt/captures
unset SSLKEYLOGFILE
rc=0
for pcap in "$cap"/tls*.pcap; do
	name=$(basename "$pcap" .pcap)
	got=$(cd "$cap" && "$AMTSCOPE" decode -V --keylog "$name.keylog" -r "$name.pcap" 2>&1)
	if [ "${UPDATE:-}" = 1 ]; then
		printf '%s\n' "$got" >"$cap/$name.expected"
		echo "updated $name"
		continue
	fi
	if ! diff -u "$cap/$name.expected" <(printf '%s\n' "$got"); then
		echo "FAIL $name"; rc=1
	else
		echo "ok $name"
	fi
done
exit $rc
