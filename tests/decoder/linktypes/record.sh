#!/usr/bin/env bash
# Records the link-type captures from real peers, in a network namespace made
# for the purpose (unshare -n), on loopback: dnsmasq answering dig over UDP
# and over TCP (127.0.9.53), captured three ways at once:
#   sll.pcap    tcpdump -i any -y LINUX_SLL   (Linux cooked v1, DLT 113)
#   sll2.pcap   tcpdump -i any -y LINUX_SLL2  (Linux cooked v2, DLT 276)
#   nflog.pcap  tcpdump -i nflog:5, the packets logged by an nftables rule
#               `oif lo log group 5` (NFLOG, DLT 239)
# make_ppp.py derives the PPP captures (DLT 9 and 50) from sll.pcap.
# Needs root, dnsmasq-base, dnsutils, tcpdump, nftables.
# usage: record.sh OUTDIR
set -euo pipefail
out=$(realpath -m "${1:?outdir}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
mkdir -p "$out"
netns_begin linktypes
ip link set lo up
nft add table inet amtscope_test
nft add chain inet amtscope_test out '{ type filter hook output priority 0; }'
nft add rule inet amtscope_test out oif lo ip daddr 127.0.9.53 log group 5
nft add rule inet amtscope_test out oif lo ip saddr 127.0.9.53 log group 5
dnsmasq -d -k --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.9.53 -p 53 \
	--host-record=amt-09.link.test,10.9.0.9 --pid-file="$work/pid" 2>"$work/dnsmasq.log" &
pids+=($!)
start() { # name args...
	local name=$1
	shift
	tcpdump -Z root --immediate-mode -w "$out/$name.pcap" -U -n "$@" 2>"$work/$name.log" &
	pids+=($!)
	for _ in $(seq 50); do grep -qs listening "$work/$name.log" && return; sleep 0.1; done
	cat "$work/$name.log" >&2
	exit 1
}
start sll -i any -y LINUX_SLL host 127.0.9.53
start sll2 -i any -y LINUX_SLL2 host 127.0.9.53
start nflog -i nflog:5
sleep 1
dig @127.0.9.53 +tries=1 +time=2 A amt-09.link.test >"$work/dig.txt"
dig @127.0.9.53 +tcp +tries=1 +time=2 A amt-09.link.test >>"$work/dig.txt"
grep -c "10.9.0.9" "$work/dig.txt" | grep -q 2 || { cat "$work/dig.txt" >&2; exit 1; }
sleep 1
for p in "${pids[@]:1}"; do kill -INT "$p"; done
wait "${pids[@]:1}" 2>/dev/null || true
pids=("${pids[0]}")
for n in sll sll2 nflog; do echo "$n: $(tcpdump -r "$out/$n.pcap" 2>/dev/null | wc -l) packets" >&2; done
