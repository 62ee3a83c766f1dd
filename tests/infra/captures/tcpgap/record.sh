#!/usr/bin/env bash
# Records dns-tcp.pcap: several DNS messages on one TCP connection, answers
# large enough to span several segments. In a network namespace made for
# the purpose (unshare -n): loopback with MTU 1280, dnsmasq on 127.0.6.53
# serving a ~3 kB TXT record, `dig +tcp +keepopen` asking three questions
# on one connection, tcpdump -i lo. make_gap.py derives dns-tcp-gap.pcap
# (one segment lost in the middle of the first answer).
# Needs root, dnsmasq-base, dnsutils, tcpdump.
# usage: record.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?out.pcap}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/netns.sh"
netns_enter "$0" "$out"
netns_begin dnstcp
ip link set lo mtu 1280 up
# segments as the wire would carry them, not one GSO super-segment
ip link set lo gso_max_size 1280 2>/dev/null || true
ip addr add 127.0.6.53/8 dev lo 2>/dev/null || true
txtarg="big.tcp.test"
for i in $(seq 12); do txtarg+=",$(printf 'part%02d-%0240d' "$i" "$i")"; done
dnsmasq -d -k --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.6.53 -p 53 \
	--txt-record="$txtarg" --host-record=amt-07.tcp.test,10.6.0.7 --pid-file="$work/pid" 2>"$work/dnsmasq.log" &
pids+=($!)
tcpdump -Z root -i lo -w "$out" -U -n "port 53" 2>"$work/tcpdump.log" &
cap=$!
pids+=($cap)
for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
dig @127.0.6.53 +tcp +keepopen +tries=1 +time=2 big.tcp.test TXT amt-07.tcp.test A big.tcp.test TXT >"$work/dig.txt"
[ "$(grep -c part12 "$work/dig.txt")" = 2 ] || { cat "$work/dig.txt" >&2; exit 1; }
sleep 0.5
kill -INT "$cap"
wait "$cap" || true
