#!/usr/bin/env bash
# Records TLS 1.2 sessions with a key log for suites beyond RSA/ECDHE:
# openssl s_server and s_client (-keylogfile), in a network namespace made for
# the purpose (unshare -n), on loopback, on ports no AMT dissector claims.
#   dhe-dss-aes128-sha.pcap      0x0032, HTTP GET to s_server -www on 8443
#   dhe-dss-aes256-sha.pcap      0x0038, HTTP on 8443
#   dhe-dss-aes256-sha256.pcap   0x006a, HTTP on 8443
#   psk-aes128-cbc-sha256.pcap   0x00ae (PSK, no certificate), HTTP on 8443
#   ecdhe-psk-aes256-cbc-sha384.pcap 0xc038, HTTP on 8443
#   dhe-dss-rev.pcap             0x0032, s_server -rev on 8444: a line of text
#                                and its reverse, no protocol amtscope knows
#   aes128-ccm8.pcap             0xc0a0 (AES-CCM with an 8-byte tag), HTTP on 8443
#   ecdhe-aria128-gcm.pcap       0xc060 (ARIA-GCM), HTTP on 8443
#   dhe-camellia256-sha256.pcap  0x00c4 (Camellia-CBC, HMAC-SHA256), HTTP on 8443
#   ecdhe-camellia256-sha384.pcap 0xc077 (Camellia-CBC, HMAC-SHA384), HTTP on 8443
#   tls13-ccm8.pcap              TLS 1.3 TLS_AES_128_CCM_8_SHA256 (0x1305), which
#                                amtscope does not decrypt: the reason is named
# (RSA certificate: the committed leaf of tests/tls/certs.)
# A DSA certificate is made for the run (the DSS suites need one); the
# captures and key logs (<name>.keylog) are what is kept.
# Needs root, openssl, tcpdump.
# usage: record.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?outdir}")
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
mkdir -p "$out"
netns_begin decsuites
ip link set lo up
srv=127.0.12.10
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out "$work/dsaparam.pem" 2>/dev/null
openssl req -x509 -newkey "dsa:$work/dsaparam.pem" -nodes -days 3650 -subj "/CN=dss.decrypt.test" \
	-keyout "$work/dsa.key" -out "$work/dsa.pem" 2>/dev/null
psk=0123456789abcdef0123456789abcdef
wait_for() { for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done; return 1; }

run() { # name port cipher "server options" input
	local name=$1 port=$2 cipher=$3 sopts=$4 input=$5
	rm -f "$out/$name.keylog"
	tcpdump -Z root -i lo --immediate-mode -w "$out/$name.pcap" -U -n "tcp port $port" 2>"$work/tcpdump.log" &
	local cap=$!
	pids+=($cap)
	wait_for grep -q listening "$work/tcpdump.log"
	# shellcheck disable=SC2086
	local sproto=(-tls1_2 -cipher "$cipher:@SECLEVEL=0") cproto=(-tls1_2 -cipher "$cipher:@SECLEVEL=0")
	case $cipher in TLS_*) sproto=(-tls1_3 -ciphersuites "$cipher") cproto=(-tls1_3 -ciphersuites "$cipher") ;; esac
	timeout 20 openssl s_server -accept "$srv:$port" -naccept 1 "${sproto[@]}" $sopts \
		</dev/null >"$work/server.log" 2>&1 &
	local spid=$!
	pids+=($spid)
	wait_for bash -c "ss -ltn | grep -q '$srv:$port '"
	local copts=()
	case $cipher in *PSK*) copts=(-psk "$psk") ;; esac
	printf "$input" | timeout 10 openssl s_client -connect "$srv:$port" "${cproto[@]}" \
		"${copts[@]}" -keylogfile "$out/$name.keylog" -ign_eof >"$work/client.log" 2>&1 || true
	wait "$spid" 2>/dev/null || true
	sleep 1
	kill -INT "$cap"
	wait "$cap" 2>/dev/null || true
	grep -q "Cipher is" "$work/client.log" || { cat "$work/client.log" "$work/server.log" >&2; exit 1; }
	grep -q "Cipher is (NONE)" "$work/client.log" && { cat "$work/client.log" "$work/server.log" >&2; exit 1; }
	echo "$name: $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets, $(grep -m1 'Cipher is' "$work/client.log")" >&2
}

get='GET /index.html HTTP/1.0\r\nHost: dss.decrypt.test\r\n\r\n'
dss="-cert $work/dsa.pem -key $work/dsa.key -www"
run dhe-dss-aes128-sha 8443 DHE-DSS-AES128-SHA "$dss" "$get"
run dhe-dss-aes256-sha 8443 DHE-DSS-AES256-SHA "$dss" "$get"
run dhe-dss-aes256-sha256 8443 DHE-DSS-AES256-SHA256 "$dss" "$get"
run psk-aes128-cbc-sha256 8443 PSK-AES128-CBC-SHA256 "-nocert -psk $psk -www" "$get"
run ecdhe-psk-aes256-cbc-sha384 8443 ECDHE-PSK-AES256-CBC-SHA384 "-nocert -psk $psk -www" "$get"
rsa="-cert $here/../../tls/certs/leaf.pem -key $here/../../tls/certs/leaf.key -www"
run aes128-ccm8 8443 AES128-CCM8 "$rsa" "$get"
run ecdhe-aria128-gcm 8443 ECDHE-ARIA128-GCM-SHA256 "$rsa" "$get"
run dhe-camellia256-sha256 8443 DHE-RSA-CAMELLIA256-SHA256 "$rsa" "$get"
run ecdhe-camellia256-sha384 8443 ECDHE-RSA-CAMELLIA256-SHA384 "$rsa" "$get"
run tls13-ccm8 8443 TLS_AES_128_CCM_8_SHA256 "$rsa" "$get"
run dhe-dss-rev 8444 DHE-DSS-AES128-SHA "-cert $work/dsa.pem -key $work/dsa.key -rev" 'hello amtscope\n'
