#!/usr/bin/env bash
# Golden test: `amtscope decode -V` of every committed capture, byte for byte
# against captures/<name>.expected. UPDATE=1 rewrites the expected files.
set -uo pipefail
cap=$SRCDIR/tests/http/captures
rc=0
for pcap in "$cap"/*.pcap; do
	name=$(basename "$pcap" .pcap)
	got=$(cd "$cap" && "$AMTSCOPE" decode -V -r "$name.pcap" 2>&1)
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
