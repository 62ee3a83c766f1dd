#!/usr/bin/env bash
# A flow is a flow whatever its VLAN tags (issue 21, item 1).
#  - dns-dhcp-healthy-dot1q.pcap: samples/dns-dhcp-healthy.pcap with queries
#    on 802.1Q VLAN 10 and answers on VLAN 20 (router on a stick): decode
#    prints exactly what it prints for the untagged capture (every answer
#    paired with its query), and tshark reads the tags we wrote;
#  - provisioning-demo-qinq.pcap: the demo with per-direction outer 802.1ad
#    tags 100/200 over inner 30: the same findings as untagged;
#  - --vlan-in-flow-key (Suricata's vlan.use-for-tracking) splits them again:
#    the queries read "no response", the demo loses wsman.auth.failed.
# The tagged captures are made by retag.py (see there why) from the samples.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/decoder/vlan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
cd "$SRCDIR" || exit 2

# the committed captures are what retag.py makes of the samples
python3 "$here/retag.py" samples/dns-dhcp-healthy.pcap "$work/dot1q.pcap" dot1q 10 20
cmp -s "$work/dot1q.pcap" "$here/dns-dhcp-healthy-dot1q.pcap" || fail "dns-dhcp-healthy-dot1q.pcap is not retag.py's output"
python3 "$here/retag.py" samples/provisioning-demo.pcap "$work/qinq.pcap" qinq 100 200 30
cmp -s "$work/qinq.pcap" "$here/provisioning-demo-qinq.pcap" || fail "provisioning-demo-qinq.pcap is not retag.py's output"

"$AMTSCOPE" decode -r samples/dns-dhcp-healthy.pcap >"$work/untagged.txt" || fail "decode untagged"
"$AMTSCOPE" decode -r "$here/dns-dhcp-healthy-dot1q.pcap" >"$work/tagged.txt" || fail "decode tagged"
diff -u "$work/untagged.txt" "$work/tagged.txt" || fail "tagged DNS decodes differently"
grep -q "no response" "$work/tagged.txt" && fail "a query reads no response"
"$AMTSCOPE" decode --vlan-in-flow-key -r "$here/dns-dhcp-healthy-dot1q.pcap" >"$work/keyed.txt" || fail "decode keyed"
[ "$(grep -c 'no response' "$work/keyed.txt")" = 5 ] || fail "--vlan-in-flow-key: expected the 5 queries unanswered"

rules() { python3 -c 'import json,sys; print(" ".join(sorted(f["rule"] for f in json.load(sys.stdin)["findings"])))'; }
want=$("$AMTSCOPE" analyze --format json -r samples/provisioning-demo.pcap | rules)
got=$("$AMTSCOPE" analyze --format json -r "$here/provisioning-demo-qinq.pcap" | rules)
[ "$want" = "$got" ] || fail "QinQ demo findings: $got, untagged: $want"
case " $got " in *" wsman.auth.failed "*) ;; *) fail "QinQ demo lost wsman.auth.failed";; esac
case " $got " in *" redir.auth.failed "*) fail "QinQ demo gained redir.auth.failed";; esac
keyed=$("$AMTSCOPE" analyze --vlan-in-flow-key --format json -r "$here/provisioning-demo-qinq.pcap" | rules)
[ "$keyed" != "$got" ] || fail "--vlan-in-flow-key changed nothing on the QinQ demo"

# the flow records its VLANs per direction (vlan.id, vlan.id_reply)
"$AMTSCOPE" analyze -q -r "$here/provisioning-demo-qinq.pcap" --events "$work/qinq.jsonl" >/dev/null
grep -q '"event_type":"flow_close".*"vlan.id":100,"vlan.id_reply":200' "$work/qinq.jsonl" ||
	fail "flow events do not carry vlan.id 100 / vlan.id_reply 200"

# tshark reads the tags as written: queries on 10, answers on 20
if command -v tshark >/dev/null; then
	tags=$(tshark -n -r "$here/dns-dhcp-healthy-dot1q.pcap" -Y dns -T fields -e dns.flags.response -e vlan.id 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$tags" = "False	10 True	20 " ] || [ "$tags" = "0	10 1	20 " ] || fail "tshark sees tags: $tags"
fi
[ $rc = 0 ] && echo "vlan: ok"
exit $rc
