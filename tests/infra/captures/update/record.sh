#!/usr/bin/env bash
# Records dns-update.pcap: RFC 2136 dynamic updates (the way DHCP servers
# register AMT names) and queries for record types beyond the common ones.
# In a network namespace made for the purpose (unshare -n), on loopback:
#   - BIND 9 `named` serving corp.example (allow-update any) on 127.0.5.53;
#   - nsupdate adding amt-07's A and TXT records, then deleting them again
#     (class ANY and class NONE records: RDLENGTH 0 for ANY), with a
#     prerequisite (YXDOMAIN, class ANY, RDLENGTH 0);
#   - dig asking for SSHFP, TLSA, CAA, LOC, HTTPS, SVCB, DS-less types over
#     UDP, and one query over TCP.
# Needs root, bind9 (named), bind9-dnsutils (dig, nsupdate), tcpdump.
# usage: record.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?out.pcap}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/netns.sh"
netns_enter "$0" "$out"
netns_begin dnsupdate
ip link set lo up
ip addr add 127.0.5.53/8 dev lo 2>/dev/null || true
cat >"$work/named.conf" <<CONF
options {
	directory "$work";
	pid-file "$work/named.pid";
	listen-on port 53 { 127.0.5.53; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
};
zone "corp.example" { type primary; file "$work/corp.example.zone"; allow-update { any; }; };
CONF
cat >"$work/corp.example.zone" <<'ZONE'
$TTL 300
@	IN SOA	ns.corp.example. hostmaster.corp.example. 2026120701 3600 600 86400 300
@	IN NS	ns
ns	IN A	127.0.5.53
amt-01	IN A	10.3.0.11
amt-01	IN SSHFP	1 2 8b0c6ee1b0d9a6f4e3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c
_16993._tcp.amt-01	IN TLSA	3 1 1 4d2c9b1e0a8f7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170600ff
@	IN CAA	0 issue "ca.corp.example"
amt-01	IN LOC	52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m
@	IN HTTPS	1 . alpn="h2"
_rcs	IN SVCB	1 rcs.corp.example. port=8443
rcs	IN A	10.3.0.2
ZONE
named -g -c "$work/named.conf" >"$work/named.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q "running" "$work/named.log" 2>/dev/null && break; sleep 0.1; done
grep -q running "$work/named.log" || { cat "$work/named.log" >&2; exit 1; }
tcpdump -Z root -i lo -w "$out" -U -n "port 53" 2>"$work/tcpdump.log" &
cap=$!
pids+=($cap)
for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.3
ns=127.0.5.53
nsupdate <<UPD
server $ns
zone corp.example
update add amt-07.corp.example. 300 A 10.3.0.7
update add amt-07.corp.example. 300 TXT "registered by dhcp"
send
UPD
sleep 0.1
nsupdate <<UPD
server $ns
zone corp.example
prereq yxdomain amt-07.corp.example.
update delete amt-07.corp.example. TXT
update delete amt-07.corp.example. A 10.3.0.7
send
UPD
sleep 0.1
nsupdate <<UPD
server $ns
zone corp.example
update delete amt-07.corp.example.
send
UPD
sleep 0.1
for q in "SSHFP amt-01.corp.example" "TLSA _16993._tcp.amt-01.corp.example" "CAA corp.example" \
	"LOC amt-01.corp.example" "TYPE65 corp.example" "TYPE64 _rcs.corp.example"; do
	set -- $q
	dig @$ns +tries=1 +time=2 "$1" "$2" >>"$work/dig.log" || { cat "$work/dig.log" >&2; exit 1; }
done
dig @$ns +tcp +tries=1 +time=2 SSHFP amt-01.corp.example >>"$work/dig.log" || { cat "$work/dig.log" >&2; exit 1; }
sleep 0.5
sleep 0.5
kill -INT "$cap"
wait "$cap" || true
