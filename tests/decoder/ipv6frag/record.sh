#!/usr/bin/env bash
# Records dns-ipv6-frag.pcap: a DNS answer too big for one IPv6 packet,
# fragmented by the kernel (RFC 8200 §4.5 Fragment header).
# In a network namespace made for the purpose (unshare -n): loopback with
# MTU 1280 (IPv6's minimum), dnsmasq on ::1 serving a TXT record of ~3 kB,
# dig asking for it with an EDNS buffer of 4096, tcpdump -i lo.
# Needs root, dnsmasq-base, dnsutils, tcpdump.
# usage: record.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?out.pcap}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
netns_begin v6frag
ip link set lo mtu 1280 up
txt=()
for i in $(seq 12); do txt+=("$(printf 'chunk%02d-%0240d' "$i" 0)"); done
txtarg="big.frag.test"
for t in "${txt[@]}"; do txtarg+=",$t"; done
dnsmasq -d -k --no-resolv --no-hosts --bind-interfaces --listen-address=::1 -p 53 \
	--edns-packet-max=4096 --txt-record="$txtarg" --pid-file="$work/pid" 2>"$work/dnsmasq.log" &
pids+=($!)
tcpdump -Z root -i lo -w "$out" -U -n "udp port 53 or ip6[6] == 44" 2>"$work/tcpdump.log" &
cap=$!
pids+=($cap)
for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
dig @::1 +bufsize=4096 +tries=1 +time=2 TXT big.frag.test >"$work/dig1.txt"
dig @::1 +bufsize=4096 +tries=1 +time=2 A small.frag.test >"$work/dig2.txt" || true
grep -q "chunk12" "$work/dig1.txt" || { echo "dig did not get the whole TXT record" >&2; cat "$work/dig1.txt" >&2; exit 1; }
sleep 0.5
kill -INT "$cap"
wait "$cap" || true
