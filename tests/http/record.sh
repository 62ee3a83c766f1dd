#!/usr/bin/env bash
# Records the HTTP/WS-Man test captures over loopback (127.0.6.0/24 only):
# curl --digest (a real HTTP client) against amt_standin.py, which answers
# with the recorded AMT 15 bytes. One capture per scenario, so that each
# golden test checks exactly which findings its exchange raises.
#   challenge_success  401 challenge, then the chunked 200 GetResponse
#   wrong_password     401 challenge, then 401 again for the wrong password
#   fault              401 challenge, then the chunked 400 AlreadyExists fault
#   keepalive          three requests on one keep-alive connection (+100-continue)
#   legacy             legacy SOAP 1.1 POST /RemoteControlService with SOAPAction
#   cve_accepted       CVE-2017-5689: empty Digest response accepted (/index.htm)
#   cve_refused        the same refused with 401 (/wsman)
# usage: record.sh OUTDIR [DATADIR]   (root: tcpdump on lo)
# AMT_IP / CONSOLE_IP override the addresses (127.0.6.0/24 only).
set -euo pipefail
out=${1:?outdir}
here=$(cd "$(dirname "$0")" && pwd)
data=${2:-$here/../data/public}
samples=$data/wsman/requests
amt=${AMT_IP:-127.0.6.2}
console=${CONSOLE_IP:-127.0.6.1}
password='Adm1n-Test!'
url=http://$amt:16992
mkdir -p "$out"

python3 "$here/amt_standin.py" "$data" "$amt" 16992 "$password" >"$out/.standin.log" 2>&1 &
standin=$!
td=
# set -e leaves at the first failed step: stop the stand-in and any tcpdump here
stop() {
	[ -z "$td" ] || { kill -INT "$td" 2>/dev/null; wait "$td" 2>/dev/null || true; }
	kill "$standin" 2>/dev/null || true
	wait "$standin" 2>/dev/null || true
}
trap stop EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT
for _ in $(seq 50); do grep -q listening "$out/.standin.log" && break; sleep 0.1; done

soap=(-H 'Content-Type: application/soap+xml;charset=UTF-8' --interface "$console" -s -o /dev/null -w '%{http_code} ')

record() {
	local name=$1; shift
	rm -f "$out/.tcpdump.log"
	tcpdump --immediate-mode -i lo -w "$out/$name.pcap" -U "host $amt and tcp port 16992" 2>"$out/.tcpdump.log" &
	td=$!
	for _ in $(seq 50); do grep -qs listening "$out/.tcpdump.log" && break; sleep 0.1; done
	sleep 1  # "listening" comes a moment before packets are really seen
	echo "$name: $("$@" 2>&1 || echo "curl failed: $?")"
	sleep 1
	kill -INT $td
	wait $td 2>/dev/null || true
	td=
	grep captured "$out/.tcpdump.log"
}

record challenge_success curl "${soap[@]}" --digest -u "admin:$password" \
	--data-binary @"$samples/amt_generalsettings_get.xml" "$url/wsman"
record wrong_password curl "${soap[@]}" --digest -u "admin:wrong-password" \
	--data-binary @"$samples/amt_generalsettings_get.xml" "$url/wsman"
record fault curl "${soap[@]}" --digest -u "admin:$password" \
	--data-binary @"$samples/amt_setupandconfiguration_unprovision.xml" "$url/wsman"
record keepalive curl "${soap[@]}" --digest -u "admin:$password" \
	--data-binary @"$samples/amt_generalsettings_get.xml" "$url/wsman" --next \
	"${soap[@]}" --digest -u "admin:$password" -H 'Expect: 100-continue' \
	--data-binary @"$samples/ips_hostbasedsetup_adminsetup.xml" "$url/wsman" --next \
	"${soap[@]}" --digest -u "admin:$password" \
	--data-binary @"$samples/amt_generalsettings_pull.xml" "$url/wsman"
record legacy curl --interface "$console" -s -o /dev/null -w '%{http_code} ' --digest -u "admin:$password" \
	-H 'Content-Type: text/xml; charset=utf-8' \
	-H 'SOAPAction: "http://schemas.intel.com/platform/client/RemoteControl/2004/01#GetSystemPowerState"' \
	--data-binary @"$samples/eoi_remotecontrol_getsystempowerstate.xml" "$url/RemoteControlService"
record cve_accepted python3 "$here/cve_client.py" "$console" "$amt" 16992 /index.htm
record cve_refused python3 "$here/cve_client.py" "$console" "$amt" 16992 /wsman
rm -f "$out/.standin.log" "$out/.tcpdump.log"
ls -l "$out"
