#!/usr/bin/env bash
# The recorded exchanges raise exactly these findings (rule ids, in order),
# and no secret (test password, digest responses) reaches any output.
set -uo pipefail
cap=${CAPDIR:-$SRCDIR/tests/http/captures}
rc=0
check() {
	local name=$1 want=$2
	local json got
	json=$("$AMTSCOPE" analyze --format json --fail-on never -r "$cap/$name.pcap") || { echo "FAIL $name: analyze exit $?"; rc=1; return; }
	got=$(printf '%s' "$json" | python3 -c 'import json,sys; print(" ".join(f["rule"] for f in json.load(sys.stdin).get("findings", []) if f["rule"].startswith("wsman.")))')
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: findings '$got', expected '$want'"; rc=1
	else
		echo "ok $name: '${got}'"
	fi
	# secrets: the digest responses on the wire, the test password
	local all
	all=$(printf '%s\n' "$json"; "$AMTSCOPE" decode -V -r "$cap/$name.pcap"; "$AMTSCOPE" analyze -v --fail-on never -r "$cap/$name.pcap")
	for secret in 'Adm1n-Test!' $(tshark -r "$cap/$name.pcap" -d tcp.port==16992,http -Y http.authorization -T fields -e http.authorization 2>/dev/null | grep -o 'response="[0-9a-f]*"' | cut -d'"' -f2); do
		if printf '%s' "$all" | grep -qF -- "$secret"; then echo "FAIL $name: secret '$secret' in output"; rc=1; fi
	done
}
check challenge_success ""
check wrong_password "wsman.auth.failed"
check fault "wsman.fault"
check keepalive ""
check legacy ""
check cve_accepted "wsman.cve_2017_5689"
check cve_refused "wsman.auth.failed wsman.cve_2017_5689.attempt"
exit $rc
