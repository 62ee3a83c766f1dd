#!/usr/bin/env bash
# amtscope check against real components: dnsmasq as the DNS server (and as
# the system resolver, through a resolv.conf bound over /etc/resolv.conf),
# openssl s_server as the setup service on 9971 and as an AMT device on
# 16993, and stand-ins that accept and never answer. Everything runs in a
# network namespace made here (check-live-PID), on 127.0.10.x.
# Each scenario asserts the errors and warnings exactly, and the exit code.
# Skipped (77) without root, ip, dnsmasq or openssl.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
certs=$SRCDIR/tests/tls/certs
here=$SRCDIR/tests/check

if [ -z "${CHECK_IN_NETNS:-}" ]; then
	for p in ip dnsmasq openssl python3 mount; do
		command -v "$p" >/dev/null || { echo "$p missing: skipped"; exit 77; }
	done
	[ "$(id -u)" = 0 ] || { echo "not root: skipped"; exit 77; }
	ns=check-live-$$
	ip netns add "$ns" || { echo "cannot create a network namespace: skipped"; exit 77; }
	trap 'ip netns del "$ns" 2>/dev/null' EXIT
	ip -n "$ns" link set lo up
	CHECK_IN_NETNS=1 timeout 600 ip netns exec "$ns" bash "$0" "$@"
	exit $?
fi

# ---- inside the namespace (ip netns exec gave us a private mount namespace) ----
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
printf 'nameserver 127.0.10.1\nsearch prov.test\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf || { echo "cannot bind resolv.conf: skipped"; exit 77; }
printf '127.0.0.1 localhost\n' >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

cat "$certs/leaf.pem" "$certs/chain-good.pem" >"$work/device-chain.pem"
export AMTSCOPE_NO_PROGRESS=1

dns_pid=
# dns NAME RECORD...: restart dnsmasq on 127.0.10.1 with these records
dns() {
	[ -n "$dns_pid" ] && { kill "$dns_pid" 2>/dev/null; wait "$dns_pid" 2>/dev/null; }
	dnsmasq_at 127.0.10.1 "$@"
	dns_pid=$last_pid
}
dnsmasq_at() {
	local addr=$1
	shift
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-dhcp-interface=lo --bind-interfaces \
		--listen-address="$addr" --port=53 --pid-file= --user=root --group=root \
		--local=/prov.test/ --local=/tls.test/ --local=/corp.test/ --local=/10.127.in-addr.arpa/ \
		"$@" 2>>"$work/dnsmasq.log" &
	last_pid=$!
	pids+=("$last_pid")
	wait_udp "$addr"
}
wait_udp() { # until the server at $1:53 answers
	for _ in $(seq 50); do
		python3 - "$1" <<'PY' && return 0
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.1)
q = bytes.fromhex("abcd01000001000000000000") + b"\x04test\x00\x00\x01\x00\x01"
try:
    s.sendto(q, (sys.argv[1], 53)); s.recv(512)
except OSError:
    sys.exit(1)
PY
		sleep 0.1
	done
	echo "dnsmasq on $1 did not start"; cat "$work/dnsmasq.log"; exit 1
}
wait_tcp() {
	for _ in $(seq 50); do
		python3 -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2)" "$1" "$2" \
			2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on $1:$2"; exit 1
}
# server ADDR PORT CERT KEY [CHAIN]: openssl s_server in the background
server() {
	local chain=()
	[ -n "${5:-}" ] && chain=(-cert_chain "$5")
	openssl s_server -quiet -accept "$1:$2" -cert "$3" -key "$4" "${chain[@]}" </dev/null >/dev/null 2>&1 &
	pids+=("$!")
	wait_tcp "$1" "$2"
	last_pid=$!
}
# silent ADDR PORT: accepts TCP connections and never says anything
silent_tcp() {
	python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(8)
held = []
while True:
    c, _ = s.accept(); held.append(c)' "$1" "$2" &
	pids+=("$!")
	wait_tcp "$1" "$2"
}
# silent_udp ADDR PORT: a socket that reads and never answers
silent_udp() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], int(sys.argv[2])))
while True: s.recv(4096)' "$1" "$2" &
	pids+=("$!")
	sleep 0.3
}

healthy_records=(--host-record=scs.prov.test,127.0.10.5 --cname=provisionserver.prov.test,scs.prov.test
	--host-record=amt.tls.test,127.0.10.7 --host-record=scs.corp.test,127.0.10.5
	--cname=provisionserver.corp.test,scs.corp.test)

rc=0
# expect NAME EXIT "rule@device ..." -- amtscope check arguments
# (errors and warnings, sorted; "-" for a finding without device)
expect() {
	local name=$1 want_rc=$2 want=$3
	shift 4
	local t0=$SECONDS
	"$AMTSCOPE" check --format json -o "$work/$name.json" "$@" 2>"$work/$name.err"
	local st=$?
	local got
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(f["rule"] + "@" + f.get("device", "-") for f in d["findings"] if f["severity"] != "info")))' \
		"$work/$name.json" 2>&1)
	local ok=1
	[ "$got" = "$want" ] || { echo "FAIL $name: findings [$got], expected [$want]"; ok=0; }
	[ "$st" = "$want_rc" ] || { echo "FAIL $name: exit $st, expected $want_rc"; ok=0; }
	if [ $ok = 1 ]; then
		echo "ok   $name ($((SECONDS - t0)) s)"
	else
		rc=1
		cat "$work/$name.err"
		python3 -c 'import json,sys; [print("   ", f["severity"], f["rule"], f.get("device","-"), f["summary"]) for f in json.load(open(sys.argv[1]))["findings"]]' "$work/$name.json"
	fi
}
grep_err() { # NAME TEXT: the message on stderr
	grep -q -- "$2" "$work/$1.err" || { echo "FAIL $1: stderr lacks '$2'"; cat "$work/$1.err"; rc=1; }
}
grep_json() { # NAME TEXT
	grep -q -- "$2" "$work/$1.json" || { echo "FAIL $1: report lacks '$2'"; rc=1; }
}

dns "${healthy_records[@]}"
server 127.0.10.5 9971 "$certs/prov.pem" "$certs/prov.key" "$certs/prov-chain.pem"
server 127.0.10.7 16993 "$certs/leaf.pem" "$certs/leaf.key" "$certs/chain-good.pem"
device_pid=$last_pid
base=(--domain prov.test --scs 127.0.10.5 --device amt.tls.test --ca-file "$certs/root.pem" --timeout 2)
prov=(--prov-cert "$certs/prov.p12" --password-file "$certs/p12.password" --amt-hashes "$certs/prov-root.hashes")

expect healthy 0 "prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1 "${prov[@]}"
grep_json healthy '"check.scs.port"'
grep_json healthy 'CNAME scs.prov.test, 127.0.10.5'
expect healthy-no-dns 0 "prov.domain.non_public@-" -- "${base[@]}"

[ -n "${CHECK_SHOW:-}" ] && "$AMTSCOPE" check "${base[@]}" --dns 127.0.10.1 "${prov[@]}"
exit $rc
