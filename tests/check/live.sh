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
	# whatever still runs in the namespace is stopped before it is deleted
	trap 'ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del "$ns" 2>/dev/null' EXIT
	trap 'exit 143' TERM HUP
	trap 'exit 130' INT
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
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT
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
	last_pid=$!
	pids+=("$last_pid")
	wait_tcp "$1" "$2"
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
	rm -f "$work/udp-ready"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").close()
while True: s.recv(4096)' "$1" "$2" "$work/udp-ready" &
	pids+=("$!")
	for _ in $(seq 50); do [ -e "$work/udp-ready" ] && return 0; sleep 0.1; done
	echo "silent UDP server on $1:$2 did not start"; exit 1
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
		"$work/$name.json" 2>/dev/null)
	local ok=1
	! grep -q "runtime error\|Sanitizer" "$work/$name.err" || { echo "FAIL $name: sanitizer report"; ok=0; }
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
# device CERT KEY [CHAIN]: the AMT device on 127.0.10.7:16993 presents this
device() {
	kill "$device_pid" 2>/dev/null
	wait "$device_pid" 2>/dev/null
	server 127.0.10.7 16993 "$@"
	device_pid=$last_pid
}
base=(--domain prov.test --scs 127.0.10.5 --device amt.tls.test --ca-file "$certs/root.pem" --timeout 2)
prov=(--prov-cert "$certs/prov.p12" --password-file "$certs/p12.password" --amt-hashes "$certs/prov-root.hashes")

expect healthy 0 "prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1 "${prov[@]}"
grep_json healthy '"check.scs.port"'
grep_json healthy 'CNAME scs.prov.test, 127.0.10.5'
expect healthy-no-dns 0 "prov.domain.non_public@-" -- "${base[@]}"


# ---- the setup service ----
dns --host-record=scs.prov.test,127.0.10.5 --host-record=amt.tls.test,127.0.10.7
expect provisionserver-missing 1 "dns.provisionserver.missing@- prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1
grep_json provisionserver-missing 'NXDOMAIN'

dns --host-record=scs.prov.test,127.0.10.5 --host-record=other.prov.test,127.0.10.9 \
	--cname=provisionserver.prov.test,other.prov.test --host-record=amt.tls.test,127.0.10.7
expect provisionserver-elsewhere 1 "dns.provisionserver.wrong_host@- prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1
grep_json provisionserver-elsewhere 'is at 127.0.10.5'
expect provisionserver-nothing-listens 1 "dns.provisionserver.wrong_host@- prov.domain.non_public@-" -- \
	--domain prov.test --dns 127.0.10.1 --timeout 2
grep_json provisionserver-nothing-listens 'refused'

dns "${healthy_records[@]}"
expect scs-down 1 "check.scs.unreachable@- dns.provisionserver.wrong_host@- prov.domain.non_public@-" -- \
	--domain prov.test --scs 127.0.10.6 --timeout 2

# ---- device names ----
dns --host-record=scs.prov.test,127.0.10.5 --cname=provisionserver.prov.test,scs.prov.test \
	--address=/amt.tls.test/127.0.10.7 --ptr-record=7.10.0.127.in-addr.arpa,wrong.tls.test
expect reverse-mismatch 1 "dns.reverse.mismatch@127.0.10.7 prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1 --fail-on warning
grep_json reverse-mismatch 'names wrong.tls.test'

dns "${healthy_records[@]}"
dnsmasq_at 127.0.10.3 --host-record=scs.prov.test,127.0.10.5 --cname=provisionserver.prov.test,scs.prov.test \
	--host-record=amt.tls.test,127.0.10.8
stale_dns=$last_pid
# the devices' server (--dns) holds a stale record: verdicts follow it (nothing of AMT
# answers at 127.0.10.8: not checkable, the gate fails); the system resolver's other
# answer is a split view of its own
expect fqdn-mismatch 1 "check.device.unreachable@127.0.10.8 dns.split_view@127.0.10.8 prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.3
grep_json fqdn-mismatch 'but the DNS server the devices use (127.0.10.3) answers 127.0.10.8'
# the stale server as this host's resolver, the devices' server (--dns) right: the device
# is checked where the devices find it, and the disagreement is a warning of its own
printf 'nameserver 127.0.10.3\nsearch prov.test\noptions timeout:1 attempts:1\n' >"$work/resolv-stale.conf"
mount --bind "$work/resolv-stale.conf" /etc/resolv.conf
expect split-view 0 "dns.split_view@127.0.10.7 prov.domain.non_public@-" -- "${base[@]}" --dns 127.0.10.1
grep_json split-view 'The system resolver of this host answers amt.tls.test with 127.0.10.8'
umount /etc/resolv.conf
kill "$stale_dns"

expect device-unresolvable 1 "dns.fqdn.missing@nosuch.tls.test prov.domain.non_public@-" -- \
	--domain prov.test --scs 127.0.10.5 --device nosuch.tls.test --dns 127.0.10.1 --timeout 2

# ---- device certificates (checked by the tls rule, as in analyze) ----
device "$certs/leaf-other.pem" "$certs/leaf-other.key" "$certs/chain-good.pem"
expect device-name-mismatch 1 "prov.domain.non_public@- tls.cert.name_mismatch@127.0.10.7" -- "${base[@]}"
device "$certs/leaf-expired.pem" "$certs/leaf-expired.key" "$certs/chain-good.pem"
expect device-expired 1 "prov.domain.non_public@- tls.cert.expired@127.0.10.7" -- "${base[@]}"
# the root is sent but the policy CA between is not: provably incomplete (a
# chain that stops at a CA below an unknown root is complete as far as sent)
cat "$certs/issuing.pem" "$certs/root.pem" >"$work/chain-gap.pem"
device "$certs/leaf.pem" "$certs/leaf.key" "$work/chain-gap.pem"
expect device-chain-incomplete 1 "prov.domain.non_public@- tls.cert.chain_incomplete@127.0.10.7" -- "${base[@]}"
device "$certs/selfsigned.pem" "$certs/selfsigned.key"
expect device-self-signed 1 "prov.domain.non_public@- tls.cert.self_signed@127.0.10.7" -- "${base[@]}" --fail-on warning
device "$certs/leaf.pem" "$certs/leaf.key" "$certs/chain-good.pem"

# ---- the provisioning certificate ----
pw=(--password-file "$certs/p12.password")
expect prov-not-provisioning 1 "prov.cert.not_provisioning@- prov.domain.non_public@-" -- "${base[@]}" \
	--prov-cert "$certs/prov-none.p12" "${pw[@]}" --amt-hashes "$certs/prov-root.hashes"
expect prov-untrusted-root 1 "prov.cert.untrusted_root@- prov.domain.non_public@-" -- "${base[@]}" \
	--prov-cert "$certs/prov.p12" "${pw[@]}"
expect prov-wrong-domain 1 "prov.cert.domain_mismatch@- prov.domain.non_public@-" -- --domain corp.test \
	--scs 127.0.10.5 --timeout 2 "${prov[@]}"
grep_json prov-wrong-domain 'vouches for domain prov.test'

AMTSCOPE_NOW=2081289600 expect prov-expires-soon 1 "prov.cert.expires_soon@- prov.domain.non_public@-" -- \
	--domain prov.test --scs 127.0.10.5 --timeout 2 "${prov[@]}" --fail-on warning
# by then the whole chain has expired: each certificate named (the judge names every one)
AMTSCOPE_NOW=2082844800 expect prov-expired-later 1 \
	"prov.domain.non_public@- tls.cert.expired@- tls.cert.expired@- tls.cert.expired@-" -- \
	--domain prov.test --scs 127.0.10.5 --timeout 2 "${prov[@]}" --fail-on warning
# ---- bad input: a clear message, the rest of the check goes on ----
printf 'not the password\n' >"$work/wrong.password"
expect prov-wrong-password 2 "prov.domain.non_public@-" -- "${base[@]}" --prov-cert "$certs/prov.p12" \
	--password-file "$work/wrong.password"
grep_err prov-wrong-password "prov.p12"
grep_json prov-wrong-password '"check.device.tls"'
expect prov-not-a-certificate 2 "prov.domain.non_public@-" -- "${base[@]}" --prov-cert "$here/live.sh"
grep_err prov-not-a-certificate "live.sh"
grep_json prov-not-a-certificate 'Not checked: the provisioning certificate'

# ---- refused and silent servers: bounded by --timeout ----
dns "${healthy_records[@]}" --host-record=dead.tls.test,127.0.10.11 --host-record=quiet.tls.test,127.0.10.8
# nothing of AMT answers: the device could not be checked at all, which fails the gate
expect device-refused 1 "check.device.unreachable@127.0.10.11 prov.domain.non_public@-" -- --domain prov.test --scs 127.0.10.5 --device dead.tls.test --timeout 1
grep_json device-refused 'TCP 16993 refused'
silent_tcp 127.0.10.8 16993
t0=$SECONDS
expect device-silent-tls 0 "check.device.tls_failed@127.0.10.8 prov.domain.non_public@-" -- --domain prov.test \
	--scs 127.0.10.5 --device quiet.tls.test --timeout 1
[ $((SECONDS - t0)) -le 10 ] || { echo "FAIL device-silent-tls took $((SECONDS - t0)) s"; rc=1; }
silent_udp 127.0.10.2 53
t0=$SECONDS
# the devices' server does not answer: nothing it would say could be checked (gate fails)
expect dns-silent 1 "check.dns.no_answer@- check.dns.no_answer@127.0.10.7 prov.domain.non_public@-" -- \
	"${base[@]}" --dns 127.0.10.2 --timeout 1
[ $((SECONDS - t0)) -le 15 ] || { echo "FAIL dns-silent took $((SECONDS - t0)) s"; rc=1; }

# the system resolver asks the silent server: bounded by --timeout, not by resolv.conf
printf 'nameserver 127.0.10.2\nsearch prov.test\noptions timeout:5 attempts:3\n' >"$work/resolv-silent.conf"
mount --bind "$work/resolv-silent.conf" /etc/resolv.conf
t0=$SECONDS
expect system-resolver-silent 1 "check.dns.no_answer@- prov.domain.non_public@-" -- --domain prov.test \
	--scs 127.0.10.5 --timeout 1
[ $((SECONDS - t0)) -le 5 ] || { echo "FAIL system-resolver-silent took $((SECONDS - t0)) s"; rc=1; }
grep_json system-resolver-silent 'did not answer within 1000 ms'
umount /etc/resolv.conf

# a device given by address: no name to compare, its certificate still checked
expect device-by-address 1 "prov.domain.non_public@- tls.cert.name_mismatch@127.0.10.7" -- --domain prov.test \
	--scs 127.0.10.5 --device 127.0.10.7 --dns 127.0.10.1 --ca-file "$certs/root.pem" --timeout 2
grep_json device-by-address 'PTR of 127.0.10.7 asked of the system resolver: amt.tls.test'

# ---- several devices at once ----
expect parallel 1 "check.device.tls_failed@127.0.10.8 check.device.unreachable@127.0.10.11 dns.fqdn.missing@nosuch.tls.test prov.domain.non_public@-" -- \
	"${base[@]}" --device quiet.tls.test --device dead.tls.test --device nosuch.tls.test --parallel 3 --timeout 1

# ---- the same ids as analyze: record check's own traffic and analyze it ----
if command -v tcpdump >/dev/null; then
	dns --host-record=scs.prov.test,127.0.10.5 --host-record=amt.tls.test,127.0.10.7
	kill "$device_pid" 2>/dev/null
	wait "$device_pid" 2>/dev/null
	openssl s_server -quiet -tls1_2 -accept 127.0.10.7:16993 -cert "$certs/leaf-expired.pem" \
		-key "$certs/leaf-expired.key" -cert_chain "$certs/chain-good.pem" </dev/null >/dev/null 2>&1 &
	device_pid=$!
	pids+=("$device_pid")
	wait_tcp 127.0.10.7 16993
	tcpdump --immediate-mode -i lo -U -w "$work/check.pcap" 'net 127.0.10.0/24' 2>"$work/tcpdump.log" &
	tcpdump_pid=$!
	pids+=("$tcpdump_pid")
	for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" && break; sleep 0.1; done
	expect recorded 1 "dns.provisionserver.missing@- prov.domain.non_public@- tls.cert.expired@127.0.10.7" -- \
		"${base[@]}" --dns 127.0.10.1
	# on a loaded machine tcpdump lags behind (a clean-clone run lost the TLS
	# handshake that check makes last): stop it once its file stops growing
	prev=-1
	for _ in $(seq 20); do
		size=$(stat -c %s "$work/check.pcap" 2>/dev/null || echo 0)
		[ "$size" = "$prev" ] && break
		prev=$size
		sleep 1
	done
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid" 2>/dev/null
	[ -n "${CHECK_KEEP:-}" ] && cp "$work/check.pcap" /tmp/check-rec.pcap
	# every error check reported is found by analyze in the same traffic, under the same id
	# (analyze may find more: s_server answers check's bare TCP connect with a decode_error alert)
	got=$("$AMTSCOPE" analyze --format json --ca-file "$certs/root.pem" -r "$work/check.pcap" | python3 -c '
import json, sys
print(" ".join(sorted({f["rule"] for f in json.load(sys.stdin)["findings"] if f["severity"] == "error"})))')
	missing=
	for id in dns.provisionserver.missing tls.cert.expired; do
		[[ " $got " == *" $id "* ]] || missing="$missing $id"
	done
	if [ -z "$missing" ]; then
		echo "ok   recorded: analyze of check's own traffic finds [$got]"
	else
		echo "FAIL recorded: analyze of check's own traffic finds [$got], lacks [$missing ]"
		rc=1
	fi
fi

# ---- --user: AMT's own settings (WS-Man Get with digest, a stand-in for AMT on 16992) ----
# amt HOSTNAME DOMAIN STATE ZTC: (re)start the stand-in on 127.0.10.13 (user admin, password P@ssw0rd-check)
amt_pid=
amt() {
	[ -n "$amt_pid" ] && { kill "$amt_pid" 2>/dev/null; wait "$amt_pid" 2>/dev/null; }
	rm -f "$work/amt-ready"
	python3 "$here/amt_wsman.py" 127.0.10.13 admin 'P@ssw0rd-check' "$@" "$work/amt-ready" &
	amt_pid=$!
	pids+=("$amt_pid")
	for _ in $(seq 50); do [ -e "$work/amt-ready" ] && return 0; sleep 0.1; done
	echo "the WS-Man stand-in did not start"; exit 1
}
dns "${healthy_records[@]}" --host-record=pc13.prov.test,127.0.10.13
printf 'P@ssw0rd-check\n' >"$work/amt.password"
printf 'wrong\n' >"$work/amt-wrong.password"
user=(--domain prov.test --scs 127.0.10.5 --device pc13.prov.test --timeout 2 --user admin)
amt pc13 prov.test 0 true
t0=$SECONDS
expect settings-healthy 0 "prov.domain.non_public@-" -- "${user[@]}" --amt-password-file "$work/amt.password"
[ $((SECONDS - t0)) -le 3 ] || { echo "FAIL settings-healthy took $((SECONDS - t0)) s (waited for the kept connection?)"; rc=1; }
grep_json settings-healthy 'HostName pc13, DomainName prov.test, provisioning state pre, mode admin, remote configuration enabled'
if grep -q 'U0VDUkVU\|P@ssw0rd' "$work/settings-healthy.json" "$work/settings-healthy.err"; then
	echo "FAIL settings-healthy: a secret reached the report"; rc=1
fi
expect settings-wrong-password 1 "prov.domain.non_public@- wsman.auth.failed@127.0.10.13" -- "${user[@]}" \
	--amt-password-file "$work/amt-wrong.password"
amt pc13 corp.test 0 false
expect settings-wrong-domain 1 "amt.domain.mismatch@127.0.10.13 amt.fqdn.mismatch@127.0.10.13 amt.remote_config.disabled@127.0.10.13 prov.domain.non_public@-" -- \
	"${user[@]}" --password-file "$work/amt.password"
# a TLS-only device: settings read over 16993, its certificate checked on the same port
dns --host-record=scs.prov.test,127.0.10.5 --cname=provisionserver.tls.test,scs.prov.test \
	--host-record=amt.tls.test,127.0.10.14
cat "$certs/leaf.pem" "$certs/chain-good.pem" >"$work/leaf-chain.pem"
rm -f "$work/amt-ready"
python3 "$here/amt_wsman.py" 127.0.10.14 admin 'P@ssw0rd-check' amt tls.test 2 true "$work/amt-ready" \
	"$work/leaf-chain.pem" "$certs/leaf.key" 2>/dev/null &
pids+=("$!")
for _ in $(seq 50); do [ -e "$work/amt-ready" ] && break; sleep 0.1; done
expect settings-tls 0 "prov.domain.non_public@-" -- --domain tls.test --scs 127.0.10.5 --device amt.tls.test \
	--ca-file "$certs/root.pem" --timeout 2 --user admin --amt-password-file "$work/amt.password"
grep_json settings-tls 'read as admin on 16993): HostName amt, DomainName tls.test, provisioning state post'
grep_json settings-tls '"check.device.tls"'
expect settings-no-tty 2 "" -- "${user[@]}"
grep_err settings-no-tty 'needs a password'

# ---- progress on a terminal: one rewritten line on stderr ----
if command -v script >/dev/null; then
	AMTSCOPE_NO_PROGRESS= script -qec "$AMTSCOPE check ${base[*]} -o $work/tty.txt" /dev/null >"$work/tty.out" 2>&1
	grep -q $'\r\033\[Kamtscope check: device amt.tls.test' "$work/tty.out" ||
		{ echo "FAIL progress: no progress line on the terminal"; cat -v "$work/tty.out"; rc=1; }
	grep -q 'Findings:' "$work/tty.txt" || { echo "FAIL progress: no report in -o file"; rc=1; }
	[ $rc = 0 ] && echo "ok   progress"
fi

[ -n "${CHECK_SHOW:-}" ] && "$AMTSCOPE" check "${base[@]}" --dns 127.0.10.1 "${prov[@]}"
exit $rc
