#!/usr/bin/env bash
# Golden tests on the committed captures: the findings of each scenario
# (rule, severity, device, evidence frames) and the decode -V output of two
# handshakes, byte for byte. UPDATE=1 rewrites the expected files.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
cd "$SRCDIR/tests/tls" || exit 2
exp=golden
mkdir -p "$exp"
rc=0

findings() {  # findings CAPTURE [OPTIONS...]: one line per finding
	"$AMTSCOPE" analyze --format json --fail-on never --no-system-ca -r "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    frames = ",".join(str(e["frame"]) for e in f.get("evidence", []) if "frame" in e)
    print(f["rule"], f["severity"], f.get("device", "-"), frames)
'
}

compare() {  # compare NAME: stdin against golden/NAME.expected
	local got
	got=$(cat)
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$exp/$1.expected"
		return
	fi
	if ! diff -u "$exp/$1.expected" <(printf '%s\n' "$got"); then
		echo "FAIL golden $1"
		rc=1
	else
		echo "ok   golden $1"
	fi
}

ca=(--ca-file certs/root.pem)
hashes=(--amt-hashes certs/prov-root.hashes)
for s in good missing-inter reversed expired not-yet-valid wrong-name self-signed sha1 tls13 alert-unknown-ca other-port; do
	findings "captures/$s.pcap" "${ca[@]}" | compare "$s"
done
findings captures/prov-good.pcap "${ca[@]}" "${hashes[@]}" | compare prov-good
findings captures/prov-not-prov.pcap "${ca[@]}" "${hashes[@]}" | compare prov-not-prov
# the same good provisioning session, but AMT does not trust the root
findings captures/prov-good.pcap "${ca[@]}" | compare prov-untrusted-root
# the hello's announced root hashes decide (make-remote-config.py), not the default list
findings captures/remote-config-trusted.pcap | compare remote-config-trusted
findings captures/remote-config-untrusted.pcap | compare remote-config-untrusted
# the provisioning certificate's domain reaches the infra rule (dhcp.domain.mismatch)
findings captures/remote-config-dhcp-mismatch.pcap | compare remote-config-dhcp-mismatch
# without a trust anchor the good chain (leaf, issuing, policy; no root) is
# complete as far as it was sent: an info, never an error (RFC 5246 7.4.2)
findings captures/good.pcap | compare good-no-ca
# the policy CA another server sent proves it missing from this chain: error
findings captures/good.pcap -r captures/missing-inter.pcap "${ca[@]}" | compare missing-inter-after-good
"$AMTSCOPE" decode -V -r captures/good.pcap | compare decode-good
"$AMTSCOPE" decode -V -r captures/prov-good.pcap | compare decode-prov-good
"$AMTSCOPE" decode -V -r captures/tls13.pcap | compare decode-tls13
# TLS 1.0 on a port no dissector claims: found by the probe
"$AMTSCOPE" decode -r captures/other-port.pcap | compare decode-other-port
exit $rc
