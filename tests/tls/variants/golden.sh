#!/usr/bin/env bash
# Golden outputs of the TLS variant captures (record.sh): `decode -V` and the
# findings of `analyze`, byte for byte with variants/expected/.
# UPDATE=1 rewrites them.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/tls/variants
mkdir -p "$here/expected"
rc=0
check() { # name command...
	local name=$1 got
	shift
	got=$("$@" 2>&1)
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$here/expected/$name"
	elif ! diff -u "$here/expected/$name" <(printf '%s\n' "$got"); then
		echo "FAIL $name"
		rc=1
	fi
}
findings() {
	"$AMTSCOPE" analyze --no-system-ca --fail-on never --format json -r "$1" |
		python3 -c 'import json, sys; [print(f["rule"], f["severity"], f.get("device", "-")) for f in json.load(sys.stdin)["findings"]]'
}
for c in hrr null-cipher sslv2-hello; do
	check "$c.decode" "$AMTSCOPE" decode -V -r "$here/$c.pcap"
	check "$c.findings" findings "$here/$c.pcap"
done
[ $rc = 0 ] && echo "tls variants: golden ok"
exit $rc
