#!/usr/bin/env bash
# The recorded exchanges raise exactly these findings (rule ids, in order),
# and no secret (test password, digest responses) reaches any output.
set -uo pipefail
cap=${CAPDIR:-$SRCDIR/tests/http/captures}
rc=0
check() {
	local name=$1 want=$2 timeline=${3:-}
	local json got
	json=$("$AMTSCOPE" analyze --format json --fail-on never -r "$cap/$name.pcap") || { echo "FAIL $name: analyze exit $?"; rc=1; return; }
	got=$(printf '%s' "$json" | python3 -c 'import json,sys; print(" ".join(f["rule"] for f in json.load(sys.stdin).get("findings", []) if f["rule"].startswith("wsman.")))')
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: findings '$got', expected '$want'"; rc=1
	else
		echo "ok $name: '${got}'"
	fi
	# the provisioning timeline, as the device's wsman.provisioning note
	local note
	note=$(printf '%s' "$json" | python3 -c 'import json,sys; print(" | ".join(f["value"] for d in json.load(sys.stdin).get("devices", []) for f in d.get("facts", []) if f.get("source") == "wsman.provisioning"))')
	if [ "$note" != "$timeline" ]; then
		echo "FAIL $name: provisioning note '$note', expected '$timeline'"; rc=1
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
check fault "wsman.fault" "provisioning: 0 of 1 steps went through, then Unprovision AMT_SetupAndConfigurationService failed (fault e:AlreadyExists: The sender attempted to create a resource which already exists.)"
check keepalive "" "provisioning: 1 step, all ok, committed (last AdminSetup IPS_HostBasedSetupService)"
check legacy ""
check cve_accepted "wsman.cve_2017_5689"
check cve_refused "wsman.auth.failed wsman.cve_2017_5689.attempt"
exit $rc
