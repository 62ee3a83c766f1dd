#!/usr/bin/env bash
# Set-up, build and test on Debian 12, as root (or with sudo for apt-get).
#   ./build.sh demo    install what is missing, build, analyse the bundled sample
#   ./build.sh test    install what is missing, build, run every test (also under
#                      ASan/UBSan, the fuzz harnesses for a bounded time, valgrind)
#   ./build.sh build   install the build dependencies and build only
# FUZZ_SECONDS (default 12) bounds each fuzz harness in `test`.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PKGS=(meson ninja-build pkg-config gcc libc6-dev libpcap-dev libssl-dev libglib2.0-dev
            libcunit1-dev libxml2-dev)
TEST_PKGS=(clang libclang-rt-14-dev tshark tcpdump python3 valgrind dnsmasq-base dnsutils
           isc-dhcp-client busybox iproute2 curl openssl chromium procps time
           python3-jsonschema bind9 nftables)

install_missing() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	local SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # dir [meson options...]
	local dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	meson compile -C "$dir" >/dev/null
}

mode=${1:-demo}
case "$mode" in
build)
	install_missing "${BUILD_PKGS[@]}"
	build build
	;;
demo)
	install_missing "${BUILD_PKGS[@]}"
	build build
	./build/cli/amtscope analyze -r samples/provisioning-demo.pcap || [ $? -eq 1 ]
	;;
test)
	install_missing "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"
	exec tests/run-all.sh
	;;
*)
	echo "usage: $0 demo|test|build" >&2
	exit 2
	;;
esac
