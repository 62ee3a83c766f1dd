#!/usr/bin/env bash
# Records connect-tunnel.pcap: curl -p -x through proxy.py (an HTTP CONNECT
# proxy) to openssl s_server -www (the PKI of tests/tls/certs, name
# amt.tls.test), an HTTPS GET inside the tunnel. Only the client-proxy leg
# (port 3128) is captured: CONNECT, the 200, then TLS. In a network namespace
# made for the purpose (unshare -n), on loopback.
# Needs root, python3, curl, openssl, tcpdump.
# usage: record.sh OUT.pcap
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?out.pcap}")
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
netns_begin connect
ip link set lo up
proxy=127.0.13.2 web=127.0.13.10
certs=$here/../../tls/certs
(cd "$certs" && exec timeout 20 openssl s_server -accept "$web:4443" -naccept 1 -www -tls1_2 \
	-cert leaf.pem -key leaf.key -cert_chain chain-good.pem) </dev/null >"$work/server.log" 2>&1 &
pids+=($!)
python3 "$here/proxy.py" "$proxy" 3128 "$web" >"$work/proxy.log" 2>&1 &
pids+=($!)
tcpdump -Z root -i lo --immediate-mode -w "$out" -U -n "tcp port 3128" 2>"$work/tcpdump.log" &
cap=$!
pids+=($cap)
for _ in $(seq 50); do
	grep -qs listening "$work/tcpdump.log" && grep -qs listening "$work/proxy.log" &&
		ss -ltn | grep -q "$web:4443 " && break
	sleep 0.1
done
sleep 0.5
curl -s -k -p -x "http://$proxy:3128" "https://amt.tls.test:4443/" -o "$work/page.html"
grep -qi "s_server" "$work/page.html" || { echo "no page through the tunnel" >&2; exit 1; }
sleep 1
kill -INT "$cap"
wait "$cap" || true
