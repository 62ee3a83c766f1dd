#!/usr/bin/env bash
# Records the TLS variants of issue 21 from real peers, each on loopback in
# a network namespace made for the purpose (unshare -n), with the committed
# PKI of tests/tls/certs:
#   hrr.pcap          TLS 1.3 HelloRetryRequest: s_server only offers P-256,
#                     s_client sends an X25519 key share first; the client's
#                     middlebox-compatibility ChangeCipherSpec (RFC 8446 §D.4)
#                     precedes its second ClientHello. Port 4433.
#   null-cipher.pcap  TLS 1.2 with TLS_RSA_WITH_NULL_SHA256 (authenticated,
#                     not encrypted), an HTTP request and s_server -www's
#                     answer inside. Port 8443 (no dissector claims it).
#   sslv2-hello.pcap  an SSL 2.0-format ClientHello (sslv2_hello.py, bytes
#                     over kernel TCP) answered by s_server in TLS 1.2, then
#                     a TLS alert record from the client. Port 4433.
# Needs root, openssl, tcpdump, python3.
# usage: record.sh OUTDIR [scenario...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?outdir}")
shift || true
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out" "$@"
scenarios=${*:-hrr null-cipher sslv2-hello}
mkdir -p "$out"
netns_begin tlsvar
ip link set lo up
certs=$here/../certs
srv=127.0.7.10
wait_for() { for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done; return 1; }

run() { # name port "server options" client-command...
	local name=$1 port=$2 sopts=$3
	shift 3
	tcpdump -Z root -i lo --immediate-mode -w "$out/$name.pcap" -U -n "tcp port $port" 2>"$work/tcpdump.log" &
	local cap=$!
	pids+=($cap)
	wait_for grep -q listening "$work/tcpdump.log"
	# shellcheck disable=SC2086
	(cd "$certs" && exec timeout 20 openssl s_server -accept "$srv:$port" -naccept 1 -www \
		-cert leaf.pem -key leaf.key -cert_chain chain-good.pem $sopts) </dev/null >"$work/server.log" 2>&1 &
	local spid=$!
	pids+=($spid)
	wait_for bash -c "ss -ltn | grep -q '$srv:$port '"
	"$@"
	wait "$spid" 2>/dev/null || true
	sleep 1
	kill -INT "$cap"
	wait "$cap" 2>/dev/null || true
	echo "$name: $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets" >&2
}

client() { # port options...
	local port=$1
	shift
	printf 'GET / HTTP/1.0\r\nHost: amt.tls.test\r\n\r\n' |
		timeout 10 openssl s_client -connect "$srv:$port" -servername amt.tls.test -ign_eof "$@" \
			>"$work/client.log" 2>&1 || true
}

for s in $scenarios; do
	case $s in
	hrr) run hrr 4433 "-tls1_3 -groups P-256" client 4433 -tls1_3 -groups X25519:P-256 ;;
	null-cipher) run null-cipher 8443 "-tls1_2 -cipher NULL-SHA256:@SECLEVEL=0" \
		client 8443 -tls1_2 -cipher NULL-SHA256:@SECLEVEL=0 ;;
	sslv2-hello) run sslv2-hello 4433 "-tls1_2 -cipher DEFAULT:@SECLEVEL=0" \
		python3 "$here/sslv2_hello.py" "$srv" 4433 ;;
	*) echo "unknown scenario $s" >&2; exit 2 ;;
	esac
done
