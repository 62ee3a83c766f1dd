#!/usr/bin/env bash
# Records real TLS handshakes between openssl s_server and s_client on
# 127.0.4.0/24 into tests/tls/captures/<scenario>.pcap, using the committed
# PKI in tests/tls/certs (make-certs.sh). One server address per scenario.
# usage: record.sh [OUTDIR] [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/captures}")
shift || true
certs=$here/certs
mkdir -p "$out"

# scenario: address | server options | client options
declare -A SERVER CLIENT ADDR PORT
add() { ADDR[$1]=$2; SERVER[$1]=$3; CLIENT[$1]=$4; PORT[$1]=${5:-16993}; }
SNI="-servername amt.tls.test"
TLS12="-tls1_2"
add good            127.0.4.10 "-cert leaf.pem -key leaf.key -cert_chain chain-good.pem" "$TLS12 $SNI"
add missing-inter   127.0.4.11 "-cert leaf.pem -key leaf.key -cert_chain chain-missing.pem" "$TLS12 $SNI"
add reversed        127.0.4.12 "-cert leaf.pem -key leaf.key -cert_chain chain-reversed.pem" "$TLS12 $SNI"
add expired         127.0.4.13 "-cert leaf-expired.pem -key leaf-expired.key -cert_chain chain-good.pem" "$TLS12 $SNI"
add not-yet-valid   127.0.4.14 "-cert leaf-future.pem -key leaf-future.key -cert_chain chain-good.pem" "$TLS12 $SNI"
add wrong-name      127.0.4.15 "-cert leaf-other.pem -key leaf-other.key -cert_chain chain-good.pem" "$TLS12 $SNI"
add self-signed     127.0.4.16 "-cert selfsigned.pem -key selfsigned.key" "$TLS12 $SNI"
add sha1            127.0.4.17 "-cert leaf-sha1.pem -key leaf-sha1.key -cert_chain chain-good.pem -cipher DEFAULT:@SECLEVEL=0" \
	"$TLS12 $SNI -cipher DEFAULT:@SECLEVEL=0"
add tls13           127.0.4.18 "-cert leaf-expired.pem -key leaf-expired.key -cert_chain chain-missing.pem" "-tls1_3 $SNI"
add alert-unknown-ca 127.0.4.19 "-cert leaf.pem -key leaf.key -cert_chain chain-good.pem" \
	"$TLS12 $SNI -CAfile prov-root.pem -verify_return_error"
# remote configuration: AMT (server, self-signed) asks for the setup service's provisioning chain
add prov-good       127.0.4.20 "-cert amt-self.pem -key amt-self.key -Verify 4 -CAfile prov-root.pem" \
	"$TLS12 -noservername -cert prov.pem -key prov.key -cert_chain prov-chain.pem"
add prov-not-prov   127.0.4.21 "-cert amt-self.pem -key amt-self.key -Verify 4 -CAfile prov-root.pem" \
	"$TLS12 -noservername -cert prov-none.pem -key prov-none.key -cert_chain prov-chain.pem"
# TLS on a port no dissector claims: found by its record header; TLS 1.0
add other-port      127.0.4.22 "-cert leaf.pem -key leaf.key -cert_chain chain-good.pem -cipher DEFAULT:@SECLEVEL=0" \
	"-tls1 $SNI -cipher DEFAULT:@SECLEVEL=0" 9443

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(good missing-inter reversed expired not-yet-valid wrong-name \
	self-signed sha1 tls13 alert-unknown-ca prov-good prov-not-prov other-port)

wait_for() {  # wait_for CMD...: up to 5 s
	for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done
	return 1
}

tdpid= srvpid= log=
# set -e leaves at the first failed step: stop tcpdump and the server here
stop() {
	[ -z "$srvpid" ] || kill "$srvpid" 2>/dev/null || true
	[ -z "$tdpid" ] || kill -INT "$tdpid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ -z "$log" ] || rm -f "$log"
}
trap stop EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT

cd "$certs"
for s in "${scenarios[@]}"; do
	a=${ADDR[$s]}
	port=${PORT[$s]}
	pcap=$out/$s.pcap
	log=$(mktemp)
	tcpdump -i lo --immediate-mode -w "$pcap" -U -s 0 "host $a and tcp port $port" 2>"$log" &
	tdpid=$!
	wait_for grep -q "listening on" "$log"
	# shellcheck disable=SC2086
	timeout 20 openssl s_server -accept "$a:$port" -naccept 1 -www ${SERVER[$s]} </dev/null >/dev/null 2>&1 &
	srvpid=$!
	wait_for bash -c "ss -ltn | grep -q '$a:$port '"
	# shellcheck disable=SC2086
	timeout 10 openssl s_client -connect "$a:$port" -bind "127.0.4.1:0" ${CLIENT[$s]} </dev/null >/dev/null 2>&1 || true
	wait "$srvpid" 2>/dev/null || true
	srvpid=
	sleep 1
	kill -INT "$tdpid"
	wait "$tdpid" 2>/dev/null || true
	tdpid=
	rm -f "$log"
	log=
	echo "$s: $(tcpdump -r "$pcap" 2>/dev/null | wc -l) packets"
done
