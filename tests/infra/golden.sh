#!/usr/bin/env bash
# Golden tests on the committed DNS/DHCP captures: `decode -V` output and the
# findings of `analyze --format json` (rule, severity, device, evidence
# frames, summary, remedy) compared byte for byte with tests/infra/golden/,
# plus the exit status of analyze. UPDATE=1 rewrites the expected files.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
golden=$SRCDIR/tests/infra/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0

# capture (relative to SRCDIR), expected analyze exit status
cases=(
	"samples/dns-provisionserver-missing.pcap 1"
	"samples/dns-wrong-a.pcap 1"
	"samples/dns-provisionserver-wrong-host.pcap 1"
	"samples/dns-fqdn-unresolved.pcap 1"
	"samples/dns-dhcp-healthy.pcap 0"
	"tests/infra/captures/dns-records.pcap 0"
	"tests/infra/captures/dhcpv6-search.pcap 0"
	"tests/infra/captures/dns-dhcp-malformed.pcap 0"
	"tests/infra/captures/update/dns-update.pcap 0"
	"tests/infra/captures/tcpgap/dns-tcp.pcap 0"
	"tests/infra/captures/tcpgap/dns-tcp-gap.pcap 0"
)

findings_of() {
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
for f in doc.get("findings", []):
    frames = " ".join(str(e.get("frame", e.get("line"))) for e in f.get("evidence", []))
    print(f["rule"], f["severity"], f.get("device", "-"), "frames:", frames)
    print("  summary:", f.get("summary", ""))
    print("  remedy:", f.get("remedy", ""))
'
}

compare() { # name produced expected
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$2" "$3"
	elif ! diff -u "$3" "$2"; then
		echo "FAIL: $1 differs from $3"
		rc=1
	fi
}

cd "$SRCDIR" || exit 2
for c in "${cases[@]}"; do
	set -- $c
	cap=$1 want=$2
	name=$(basename "$cap" .pcap)
	"$AMTSCOPE" decode -V -r "$cap" >"$work/$name.decode" 2>"$work/err" || { echo "FAIL: decode $cap"; cat "$work/err"; rc=1; }
	compare "$name decode" "$work/$name.decode" "$golden/$name.decode"
	"$AMTSCOPE" analyze --format json -r "$cap" >"$work/$name.json" 2>"$work/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: analyze $cap exited $got, expected $want"
		cat "$work/err"
		rc=1
	fi
	findings_of <"$work/$name.json" >"$work/$name.findings" || rc=1
	compare "$name findings" "$work/$name.findings" "$golden/$name.findings"
done
[ $rc = 0 ] && echo "golden: ${#cases[@]} captures ok"
exit $rc
