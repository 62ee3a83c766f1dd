#!/usr/bin/env bash
# Records the DNS/DHCP captures of the infra tests from real programs:
# dnsmasq (DNS and DHCP server), dig (DNS client), dhclient (DHCP client).
#   - loopback scenario on 127.0.3.0/24 (DNS only);
#   - namespace scenarios: netns infra-srv-PID (dnsmasq, 10.3.0.1) and infra-cli-PID
#     (dhclient, then dig from the leased 10.3.0.7) joined by a veth pair.
# Needs root, dnsmasq-base, dnsutils, isc-dhcp-client, tcpdump.
# usage: record.sh OUTDIR [scenario...]   (default: all)
#   scenarios: missing healthy wronga nofqdn records wronghost dhcpv6
set -euo pipefail
out=${1:?outdir}
shift || true
scenarios=${*:-missing healthy wronga nofqdn records wronghost dhcpv6}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/infra-record.XXXXXX)
pids=()
# names of our own: runs on the same machine at once must not share (or
# delete, or stop the processes of) each other's namespaces
srv_ns=infra-srv-$$ cli_ns=infra-cli-$$

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	# a namespace outlives nothing: whatever still runs in it is stopped first
	for ns in "$srv_ns" "$cli_ns"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	done
	ip netns del "$srv_ns" 2>/dev/null || true
	ip netns del "$cli_ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT

# tcpdump in the background until it says it is listening
start_capture() { # file netns-or-"" iface filter
	local file=$1 ns=$2 iface=$3 filter=$4
	local cmd=(tcpdump -Z root -i "$iface" -w "$file" -U -n "$filter")
	[ -n "$ns" ] && cmd=(ip netns exec "$ns" "${cmd[@]}")
	"${cmd[@]}" 2>"$work/tcpdump.log" &
	cap_pid=$!
	pids+=("$cap_pid")
	for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" 2>/dev/null && return; sleep 0.1; done
	echo "tcpdump did not start" >&2
	exit 1
}

stop_capture() {
	sleep 1
	if ! kill -INT "$cap_pid" 2>/dev/null; then
		echo "tcpdump ended early:" >&2
		cat "$work/tcpdump.log" >&2
		exit 1
	fi
	wait "$cap_pid" 2>/dev/null || true
}

start_dnsmasq() { # netns-or-"" args...
	local ns=$1
	shift
	local cmd=(dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-daemon --log-facility=-
		--pid-file="$work/dnsmasq.pid" --dhcp-leasefile="$work/leases" "$@")
	[ -n "$ns" ] && cmd=(ip netns exec "$ns" "${cmd[@]}")
	"${cmd[@]}" >"$work/dnsmasq.log" 2>&1 &
	dns_pid=$!
	pids+=("$dns_pid")
	sleep 0.5
}

stop_dnsmasq() {
	kill "$dns_pid" 2>/dev/null || true
	wait "$dns_pid" 2>/dev/null || true
}

q() { # netns-or-"" dig args...
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" dig +tries=1 +time=1 "$@" >/dev/null || true
	else
		dig +tries=1 +time=1 "$@" >/dev/null || true
	fi
	sleep 0.1
}

# ProvisionServer missing, on loopback: NXDOMAIN with a suffix, the bare
# name refused by a server without upstreams, and a server that never answers.
missing() {
	start_dnsmasq "" --listen-address=127.0.3.1 --bind-interfaces --port=53 \
		--local=/corp.example/ --domain-needed \
		--host-record=amt-07.corp.example,127.0.3.7 \
		--host-record=scs.corp.example,127.0.3.50
	start_capture "$out/dns-provisionserver-missing.pcap" "" lo 'net 127.0.3.0/24'
	q "" @127.0.3.1 -b 127.0.3.7 ProvisionServer.corp.example A
	q "" @127.0.3.1 -b 127.0.3.7 ProvisionServer A
	q "" @127.0.3.1 -b 127.0.3.7 scs.corp.example A
	q "" @127.0.3.1 -b 127.0.3.7 +tcp provisionserver.corp.example A
	q "" @127.0.3.9 -b 127.0.3.7 provisionserver.corp.example A
	stop_capture
	stop_dnsmasq
}

# Record types for the differential test: AAAA, SRV, TXT, MX, PTR, a
# REFUSED answer for a name outside the local zone.
records() {
	start_dnsmasq "" --listen-address=127.0.3.1 --bind-interfaces --port=53 \
		--local=/corp.example/ \
		--host-record=dual.corp.example,127.0.3.20,2001:db8::20 \
		--srv-host=_amt._tcp.corp.example,scs.corp.example,9971,0,100 \
		--host-record=scs.corp.example,127.0.3.50 \
		--txt-record=corp.example,"v=amt test","second string" \
		--mx-host=corp.example,mail.corp.example,10
	start_capture "$out/dns-records.pcap" "" lo 'net 127.0.3.0/24'
	q "" @127.0.3.1 -b 127.0.3.7 dual.corp.example AAAA
	q "" @127.0.3.1 -b 127.0.3.7 dual.corp.example A
	q "" @127.0.3.1 -b 127.0.3.7 _amt._tcp.corp.example SRV
	q "" @127.0.3.1 -b 127.0.3.7 corp.example TXT
	q "" @127.0.3.1 -b 127.0.3.7 corp.example MX
	q "" @127.0.3.1 -b 127.0.3.7 -x 127.0.3.20
	q "" @127.0.3.1 -b 127.0.3.7 www.example.org A
	stop_capture
	stop_dnsmasq
}

# ProvisionServer resolves to 127.0.3.50, where nothing listens on TCP 9971:
# the connection attempt that follows is refused (RST).
wronghost() {
	start_dnsmasq "" --listen-address=127.0.3.1 --bind-interfaces --port=53 \
		--local=/corp.example/ \
		--host-record=provisionserver.corp.example,127.0.3.50
	start_capture "$out/dns-provisionserver-wrong-host.pcap" "" lo 'net 127.0.3.0/24'
	q "" @127.0.3.1 -b 127.0.3.7 provisionserver.corp.example A
	python3 - <<-'PY'
		import socket
		s = socket.socket()
		s.bind(("127.0.3.7", 0))
		try:
		    s.connect(("127.0.3.50", 9971))
		except OSError:
		    pass
	PY
	stop_capture
	stop_dnsmasq
}

netns_up() {
	rm -f "$work/dhclient.leases" "$work/leases"
	ip netns add "$srv_ns"
	ip netns add "$cli_ns"
	ip link add infra-v0 netns "$srv_ns" type veth peer name infra-v1 netns "$cli_ns"
	ip netns exec "$srv_ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$cli_ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$srv_ns" link set infra-v0 address 02:00:00:03:00:01
	ip -n "$cli_ns" link set infra-v1 address 02:00:00:03:00:07
	ip -n "$srv_ns" addr add 10.3.0.1/24 dev infra-v0
	ip -n "$srv_ns" link set infra-v0 up
	ip -n "$srv_ns" link set lo up
	ip -n "$cli_ns" link set infra-v1 up
	ip -n "$cli_ns" link set lo up
}

netns_down() {
	ip netns del "$srv_ns" 2>/dev/null || true
	ip netns del "$cli_ns" 2>/dev/null || true
}

# dhclient asks for a lease as amt-07 (options 12 and 81), then the leased
# address is set by hand (no script runs) so that dig can use it.
lease() {
	cat >"$work/dhclient.conf" <<-EOF
		send host-name "amt-07";
		send fqdn.fqdn "amt-07.corp.example";
		send fqdn.encoded on;
		send fqdn.server-update off;
		request subnet-mask, routers, domain-name, domain-name-servers, domain-search, host-name;
	EOF
	ip netns exec "$cli_ns" dhclient -d -1 -v -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
		-pf "$work/dhclient.pid" -sf /bin/true infra-v1 >"$work/dhclient.log" 2>&1 &
	local dhc=$!
	pids+=("$dhc")
	for _ in $(seq 100); do grep -q fixed-address "$work/dhclient.leases" 2>/dev/null && break; sleep 0.1; done
	kill "$dhc" 2>/dev/null || true
	wait "$dhc" 2>/dev/null || true
	grep -q fixed-address "$work/dhclient.leases" || {
		cat "$work/dhclient.log" "$work/dnsmasq.log" >&2
		exit 1
	}
	ip -n "$cli_ns" addr add 10.3.0.7/24 dev infra-v1
}

dhcp_dnsmasq() { # extra dnsmasq args
	start_dnsmasq "$srv_ns" --interface=infra-v0 --bind-interfaces --port=53 \
		--local=/corp.example/ --domain=corp.example --domain-needed \
		--dhcp-range=10.3.0.7,10.3.0.7,255.255.255.0,1h \
		--dhcp-host=02:00:00:03:00:07,10.3.0.7 \
		--dhcp-option=option:domain-name,corp.example \
		--dhcp-option=option:dns-server,10.3.0.1 \
		--dhcp-option=option:domain-search,corp.example,lab.corp.example \
		--host-record=provisionserver.corp.example,10.3.0.1 \
		"$@"
}

# Everything right: the lease, the device's name forward and reverse, a
# CNAME chain, ProvisionServer present, and one query over TCP.
healthy() {
	netns_up
	dhcp_dnsmasq --host-record=amt-07.corp.example,10.3.0.7 \
		--cname=www.corp.example,alias1.corp.example \
		--cname=alias1.corp.example,host.corp.example \
		--host-record=host.corp.example,10.3.0.5
	start_capture "$out/dns-dhcp-healthy.pcap" "$srv_ns" infra-v0 'port 53 or port 67 or port 68'
	lease
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 provisionserver.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 amt-07.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 -x 10.3.0.7
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 www.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 +tcp amt-07.corp.example A
	stop_capture
	stop_dnsmasq
	netns_down
}

# amt-07 leases 10.3.0.7, but its A record still says 10.3.0.8, which is
# amt-08's address.
wronga() {
	netns_up
	dhcp_dnsmasq --host-record=amt-07.corp.example,10.3.0.8 \
		--host-record=amt-08.corp.example,10.3.0.8
	start_capture "$out/dns-wrong-a.pcap" "$srv_ns" infra-v0 'port 53 or port 67 or port 68'
	lease
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 provisionserver.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 amt-08.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 amt-07.corp.example A
	stop_capture
	stop_dnsmasq
	netns_down
}

# amt-07 leases 10.3.0.7 but its name is in no zone (the DHCP server does
# not register it): the lookup of amt-07.corp.example gets NXDOMAIN.
nofqdn() {
	netns_up
	dhcp_dnsmasq --dhcp-ignore-names
	start_capture "$out/dns-fqdn-unresolved.pcap" "$srv_ns" infra-v0 'port 53 or port 67 or port 68'
	lease
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 provisionserver.corp.example A
	q "$cli_ns" @10.3.0.1 -b 10.3.0.7 amt-07.corp.example A
	stop_capture
	stop_dnsmasq
	netns_down
}

# DHCPv6: the domain search list (option 24) AMT uses for IPv6.
dhcpv6() {
	netns_up
	for ns in "$srv_ns" "$cli_ns"; do
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip netns exec "$srv_ns" sysctl -qw net.ipv6.conf.infra-v0.accept_dad=0
	ip netns exec "$cli_ns" sysctl -qw net.ipv6.conf.infra-v1.accept_dad=0
	ip -n "$srv_ns" addr add fd03::1/64 dev infra-v0 nodad
	sleep 0.5
	start_dnsmasq "$srv_ns" --interface=infra-v0 --bind-interfaces --port=0 \
		--dhcp-range=fd03::7,fd03::7,64,1h \
		--dhcp-option=option6:domain-search,corp.example,lab.corp.example \
		--dhcp-option=option6:dns-server,[fd03::1]
	start_capture "$out/dhcpv6-search.pcap" "$srv_ns" infra-v0 'udp port 546 or udp port 547'
	ip netns exec "$cli_ns" dhclient -6 -d -1 -v -cf /dev/null -lf "$work/dhclient6.leases" \
		-pf "$work/dhclient6.pid" -sf /bin/true infra-v1 >"$work/dhclient6.log" 2>&1 &
	local dhc=$!
	pids+=("$dhc")
	for _ in $(seq 100); do grep -q iaaddr "$work/dhclient6.leases" 2>/dev/null && break; sleep 0.1; done
	kill "$dhc" 2>/dev/null || true
	wait "$dhc" 2>/dev/null || true
	stop_capture
	stop_dnsmasq
	netns_down
}

for s in $scenarios; do
	"$s"
	echo "recorded $s"
done
