#!/usr/bin/env bash
# Records healthy (and a few broken) TLS sessions from real peers for the
# verdict tests: openssl s_server and s_client over loopback, with a test
# PKI made here by the openssl CLI (committed in pki/; dates explicit, valid
# 2026-2036). Shapes real networks have:
#   inter-no-root   leaf + intermediate, no root (RFC 5246 7.4.2 / RFC 8446 4.4.2: may be omitted)
#                   also recorded at the same time as snaplen-96 (tcpdump -s 96) and
#                   one-sided (only the server's packets), and copied into vlan (802.1Q tag
#                   inserted in each frame: a netns VLAN adds nothing the decoder would see)
#   two-tier        a leaf issued by the root itself, sent alone
#   tls13           TLS 1.3 (certificates encrypted)
#   ipv6            leaf + intermediate over ::1
#   rejected        the leaf alone; the client holds only the root and answers unknown_ca
#   prov-with-root  remote configuration: mutual TLS to a stand-in AMT on 16993, the setup
#                   service sends leaf, intermediate and self-signed root
#   prov-no-root    the same without the root (AMT cannot match the root hashes)
# usage: record.sh [--pki] [SCENARIO...]   (--pki: make a new PKI first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pki=$here/pki
out=$here/captures
mkdir -p "$out"

make_pki() {
	rm -rf "$pki"
	mkdir -p "$pki"
	local work
	work=$(mktemp -d)
	cd "$work"
	cat >ext.cnf <<'CNF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:www.verdicts.test
[amt_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
subjectKeyIdentifier = hash
subjectAltName = DNS:amt.verdicts.test
[amt_tls_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:amt.verdicts.test
[prov_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, 2.16.840.1.113741.1.2.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
	. "$here/../lib/pki.sh"  # ca_conf, key, csr, sign
	# every certificate valid 2026-2036; sign NAME CA EXT [MD]
	vsign() { sign "$1" "$2" "$3" 20260101000000Z 20360101000000Z "${4:-sha256}"; }
	# the O carries a comma: names print once-escaped (RFC 4514)
	key root; csr root "/CN=Verdicts Root CA/O=amtscope Verdicts, Inc."; vsign root self ca_ext
	ca_conf root 1001
	key inter; csr inter "/CN=Verdicts Intermediate CA/O=amtscope Verdicts, Inc."; vsign inter root ca_ext
	ca_conf inter 2001
	key leaf; csr leaf "/CN=www.verdicts.test/O=amtscope Verdicts, Inc."; vsign leaf inter server_ext
	key direct; csr direct "/CN=www.verdicts.test/O=amtscope Verdicts, Inc."; vsign direct root server_ext
	key weak 1024; csr weak "/CN=www.verdicts.test/O=amtscope Verdicts, Inc."; vsign weak inter server_ext sha1
	key amt; csr amt "/CN=Intel(R) AMT stand-in"; vsign amt self amt_ext
	# AMT's TLS certificate after configuration: the name the device gives itself
	key amt-tls; csr amt-tls "/CN=amt.verdicts.test/O=amtscope Verdicts, Inc."; vsign amt-tls inter amt_tls_ext
	key prov-root; csr prov-root "/CN=Verdicts Provisioning Root/O=amtscope Verdicts, Inc."; vsign prov-root self ca_ext
	ca_conf prov-root 3001
	key prov-inter; csr prov-inter "/CN=Verdicts Provisioning Issuing CA/O=amtscope Verdicts, Inc."
	vsign prov-inter prov-root ca_ext
	ca_conf prov-inter 4001
	key prov; csr prov "/CN=setup.verdicts.test/OU=Intel(R) Client Setup Certificate/O=amtscope Verdicts, Inc."
	vsign prov prov-inter prov_ext
	for f in *.pem; do openssl x509 -in "$f" -out "$pki/$f"; done
	cp ./*.key "$pki/"
	cd "$pki"
	cat leaf.pem inter.pem >chain-leaf-inter.pem
	# files for check --prov-cert and certs (leaf first) ...
	cat prov.pem prov-inter.pem prov-root.pem >prov-full.pem
	cat prov.pem prov-inter.pem >prov-no-root.pem
	# ... and what the setup service sends after its own certificate
	cat prov-inter.pem prov-root.pem >prov-chain-full.pem
	cat weak.pem inter.pem >chain-weak.pem
	printf '%s  Verdicts Provisioning Root\n' \
		"$(openssl x509 -in prov-root.pem -outform der | sha256sum | cut -d' ' -f1)" >prov-root.hashes
	rm -rf "$work"
}

if [ "${1:-}" = --pki ]; then
	shift
	make_pki
fi
[ -f "$pki/root.pem" ] || make_pki

# scenario: server address | port | server options | client options | client bind
declare -A ADDR PORT SERVER CLIENT
add() { ADDR[$1]=$2; PORT[$1]=$3; SERVER[$1]=$4; CLIENT[$1]=$5; }
WWW="-servername www.verdicts.test -verify_return_error -CAfile root.pem"
add inter-no-root 127.0.5.10 443 "-cert leaf.pem -key leaf.key -cert_chain inter.pem" "-tls1_2 $WWW"
add two-tier 127.0.5.11 443 "-cert direct.pem -key direct.key" "-tls1_2 $WWW"
add tls13 127.0.5.12 443 "-cert leaf.pem -key leaf.key -cert_chain inter.pem" "-tls1_3 $WWW"
add ipv6 ::1 8443 "-cert leaf.pem -key leaf.key -cert_chain inter.pem" "-tls1_2 $WWW"
add rejected 127.0.5.13 443 "-cert leaf.pem -key leaf.key" "-tls1_2 $WWW"
AMT_SRV="-cert amt.pem -key amt.key -Verify 4 -CAfile prov-root.pem -verify_return_error"
add prov-with-root 127.0.5.20 16993 "$AMT_SRV" "-tls1_2 -noservername -cert prov.pem -key prov.key -cert_chain prov-chain-full.pem"
add prov-no-root 127.0.5.21 16993 "$AMT_SRV" "-tls1_2 -noservername -cert prov.pem -key prov.key -cert_chain prov-inter.pem"

# the AMT device's TLS certificate names it amt.verdicts.test; a DNS answer in the
# same capture says where that name points (DNS_ANSWER)
AMT_TLS="-cert amt-tls.pem -key amt-tls.key -cert_chain inter.pem"
add amt-name-ok 127.0.5.30 16993 "$AMT_TLS" "-tls1_2 -servername amt.verdicts.test -verify_return_error -CAfile root.pem"
add amt-name-stale 127.0.5.30 16993 "$AMT_TLS" "-tls1_2 -servername amt.verdicts.test -verify_return_error -CAfile root.pem"
declare -A DNS_ANSWER=([amt-name-ok]=127.0.5.30 [amt-name-stale]=127.0.5.31)

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(inter-no-root two-tier tls13 ipv6 rejected prov-with-root prov-no-root \
	amt-name-ok amt-name-stale)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# bash runs no EXIT trap when a signal kills it
trap 'exit 143' TERM HUP
trap 'exit 130' INT
wait_for() { for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done; return 1; }
# tcpdump_to FILE SNAPLEN FILTER: starts a capture on lo, waits until it listens
tcpdump_to() {
	local log
	log=$(mktemp)
	tcpdump -i lo --immediate-mode -U -s "$2" -w "$1" "$3" 2>"$log" &
	pids+=($!)
	last=$!
	wait_for grep -q "listening on" "$log"
	rm -f "$log"
}

cd "$pki"
for s in "${scenarios[@]}"; do
	a=${ADDR[$s]} port=${PORT[$s]}
	if [ "$a" = ::1 ]; then hostport="[::1]:$port" bind="[::1]:0" filter="ip6 and tcp port $port"
	else hostport="$a:$port" bind="127.0.5.1:0" filter="host $a and tcp port $port"; fi
	[ -n "${DNS_ANSWER[$s]:-}" ] && filter="($filter) or (host 127.0.5.53 and udp port 53)"
	tcpdump_to "$out/$s.pcap" 0 "$filter"
	dumps=("$last")
	if [ "$s" = inter-no-root ]; then
		tcpdump_to "$out/snaplen-96.pcap" 96 "$filter"
		dumps+=("$last")
		tcpdump_to "$out/one-sided.pcap" 0 "src host $a and tcp src port $port"
		dumps+=("$last")
	fi
	if [ -n "${DNS_ANSWER[$s]:-}" ]; then  # one A query and its answer, over real UDP
		python3 - "${DNS_ANSWER[$s]}" <<'PY'
import socket, struct, sys, threading
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.5.53", 53))
def answer():
    data, peer = srv.recvfrom(512)
    end = data.index(b"\0", 12) + 5
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton(sys.argv[1])
    srv.sendto(data[:2] + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + data[12:end] + rr, peer)
t = threading.Thread(target=answer)
t.start()
q = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
q.bind(("127.0.5.1", 0))
name = b"".join(bytes([len(p)]) + p for p in b"amt.verdicts.test".split(b".")) + b"\0"
q.sendto(b"\x19\x19\x01\x00" + struct.pack("!HHHH", 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1),
         ("127.0.5.53", 53))
q.settimeout(5)
q.recvfrom(512)
t.join()
PY
	fi
	# shellcheck disable=SC2086
	timeout 20 openssl s_server -accept "$hostport" -naccept 1 -www ${SERVER[$s]} </dev/null >/dev/null 2>&1 &
	srv=$!
	pids+=("$srv")
	wait_for bash -c "ss -ltn | grep -qF ' ${hostport/\[::1\]/[::1]} '" || wait_for bash -c "ss -ltn | grep -q ':$port '"
	# shellcheck disable=SC2086
	printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "$hostport" -bind "$bind" \
		${CLIENT[$s]} -ign_eof >/dev/null 2>&1 || true
	wait "$srv" 2>/dev/null || true
	sleep 1
	for d in "${dumps[@]}"; do kill -INT "$d"; wait "$d" 2>/dev/null || true; done
	echo "$s: $(tcpdump -r "$out/$s.pcap" 2>/dev/null | wc -l) packets"
done

# 802.1Q: the same frames with a VLAN tag (id 19) after the MAC addresses
if [ -f "$out/inter-no-root.pcap" ]; then
	python3 - "$out/inter-no-root.pcap" "$out/vlan.pcap" <<'PY'
import struct, sys
src = open(sys.argv[1], 'rb').read()
hdr, body, out = src[:24], src[24:], []
assert struct.unpack('<I', hdr[20:24])[0] == 1, 'not Ethernet'
i = 0
while i + 16 <= len(body):
    ts, tu, cap, ln = struct.unpack('<IIII', body[i:i + 16])
    data = body[i + 16:i + 16 + cap]
    data = data[:12] + b'\x81\x00' + struct.pack('>H', 19) + data[12:]
    out.append(struct.pack('<IIII', ts, tu, cap + 4, ln + 4) + data)
    i += 16 + cap
open(sys.argv[2], 'wb').write(hdr + b''.join(out))
PY
	echo "vlan: copied"
fi
