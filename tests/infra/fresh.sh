#!/usr/bin/env bash
# Records the scenarios afresh with record.sh (real dnsmasq/dig/dhclient)
# and checks the findings of analyze (not byte-exact output: ids, ports and
# times change). Skipped (77) without root or the programs.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
for p in dnsmasq dig dhclient tcpdump ip; do
	command -v "$p" >/dev/null || { echo "$p missing: skipped"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "not root: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# a loaded machine can upset a recording (a tool that does not start in
# time): one retry, then fail with the recorder's log
if ! "$SRCDIR/tests/infra/record.sh" "$out" >"$out/record.log" 2>&1; then
	cat "$out/record.log"
	echo "recording failed; retrying once"
	"$SRCDIR/tests/infra/record.sh" "$out" >"$out/record.log" 2>&1 || { cat "$out/record.log"; exit 1; }
fi
rc=0
check() { # capture expected-exit expected-findings
	local got
	got=$("$AMTSCOPE" analyze --format json -r "$out/$1" | python3 -c '
import json, sys
print(" ".join(sorted(f["rule"] + "@" + f.get("device", "-") for f in json.load(sys.stdin)["findings"])))')
	if [ "$got" != "$3" ]; then
		echo "FAIL: $1: findings [$got], expected [$3]"
		rc=1
	fi
	"$AMTSCOPE" analyze -r "$out/$1" >/dev/null
	local st=$?
	[ $st = "$2" ] || { echo "FAIL: $1: exit $st, expected $2"; rc=1; }
}
check dns-provisionserver-missing.pcap 1 "dns.provisionserver.missing@127.0.3.7"
check dns-wrong-a.pcap 1 "dns.fqdn.mismatch@10.3.0.7"
check dns-provisionserver-wrong-host.pcap 1 "dns.provisionserver.wrong_host@127.0.3.7"
check dns-fqdn-unresolved.pcap 1 "dns.fqdn.mismatch@10.3.0.7"
check dns-dhcp-healthy.pcap 0 ""
check dns-records.pcap 0 ""
check dhcpv6-search.pcap 0 ""
AMTSCOPE=$AMTSCOPE python3 "$SRCDIR/tests/infra/diff_tshark.py" "$out"/*.pcap || rc=1
[ $rc = 0 ] && echo "fresh recordings: findings as expected"
exit $rc
