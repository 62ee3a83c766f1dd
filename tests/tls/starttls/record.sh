#!/usr/bin/env bash
# Records STARTTLS captures: openssl s_client -starttls smtp|imap|pop3|ftp
# against server.py (the plaintext prelude, then TLS 1.2 with Python's ssl
# on the same socket; the leaf certificate of tests/tls/certs), on the
# protocols' own ports, in a network namespace made for the purpose
# (unshare -n), on loopback. One capture per protocol: starttls-<proto>.pcap.
# Needs root, python3, openssl, tcpdump.
# usage: record.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?outdir}")
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
mkdir -p "$out"
netns_begin starttls
ip link set lo up
srv=127.0.14.25
certs=$here/../certs
cat "$certs/leaf.pem" "$certs/chain-good.pem" >"$work/chain.pem"
for pp in smtp:25 imap:143 pop3:110 ftp:21; do
	proto=${pp%%:*} port=${pp##*:}
	tcpdump -Z root -i lo --immediate-mode -w "$out/starttls-$proto.pcap" -U -n "tcp port $port" 2>"$work/tcpdump.log" &
	cap=$!
	pids+=($cap)
	python3 "$here/server.py" "$proto" "$srv" "$port" "$work/chain.pem" "$certs/leaf.key" >"$work/server.log" 2>&1 &
	spid=$!
	pids+=($spid)
	for _ in $(seq 50); do grep -qs listening "$work/tcpdump.log" && grep -qs listening "$work/server.log" && break; sleep 0.1; done
	sleep 0.5
	timeout 10 openssl s_client -connect "$srv:$port" -starttls "$proto" -servername amt.tls.test </dev/null \
		>"$work/client.log" 2>&1 || true
	grep -q "BEGIN CERTIFICATE\|Server certificate" "$work/client.log" || { cat "$work/client.log" "$work/server.log" >&2; exit 1; }
	wait "$spid" 2>/dev/null || true
	sleep 1
	kill -INT "$cap"
	wait "$cap" 2>/dev/null || true
	echo "starttls-$proto: $(tcpdump -r "$out/starttls-$proto.pcap" 2>/dev/null | wc -l) packets" >&2
done
