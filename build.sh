#!/usr/bin/env bash
# Set-up, build and test on Debian 12, as root (or with sudo for apt-get).
#   ./build.sh demo    install what is missing, build, analyse the bundled sample
#   ./build.sh test    install what is missing, build, run every test (also under
#                      ASan/UBSan, the fuzz harnesses with a fixed seed and number
#                      of runs, valgrind): the same commit gives the same result
#   ./build.sh fuzz    random fuzzing for longer, to look for new crashes (not part
#                      of `test`): FUZZ_SECONDS (default 300) each harness
#   ./build.sh build   install the build dependencies and build only
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PKGS=(meson ninja-build pkg-config gcc libc6-dev libpcap-dev libssl-dev libglib2.0-dev
            libcunit1-dev libxml2-dev zlib1g-dev libzstd-dev liblzma-dev)
TEST_PKGS=(clang libclang-rt-14-dev tshark tcpdump python3 valgrind dnsmasq-base dnsutils
           isc-dhcp-client busybox iproute2 curl openssl chromium procps time
           python3-jsonschema clickhouse-server clickhouse-client
           build-essential debhelper dpkg-dev fakeroot bash-completion man-db
           bind9 nftables)
# npm installs the ECS field definitions (@elastic/ecs) for tests/siem/ecs.sh.
# Debian's npm only where no npm is there already: a NodeSource nodejs
# brings its own, and Debian's would conflict with it.
command -v npm >/dev/null || TEST_PKGS+=(npm)

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
fuzz)
	install_missing "${BUILD_PKGS[@]}" clang libclang-rt-14-dev
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
	meson compile -C build-fuzz >/dev/null
	exec tests/robust/run-fuzz.sh build-fuzz --random "${FUZZ_SECONDS:-300}"
	;;
*)
	echo "usage: $0 demo|test|fuzz|build" >&2
	exit 2
	;;
esac
