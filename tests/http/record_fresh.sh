#!/usr/bin/env bash
# Records the exchanges afresh (real curl, real sockets, this machine's
# tcpdump) and checks that they raise exactly the expected findings: the
# committed captures cannot hide a change in curl or in the stand-in.
# Skipped (77) without root, tcpdump, curl or tshark.
set -uo pipefail
[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && command -v curl >/dev/null &&
	command -v tshark >/dev/null || { echo "needs root, tcpdump, curl, tshark: skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# an address of our /24 that parallel runs are unlikely to share
export AMT_IP=127.0.6.$((20 + RANDOM % 200)) CONSOLE_IP=127.0.6.1
"$SRCDIR/tests/http/record.sh" "$dir" "$SHARED" >"$dir/record.log" 2>&1 || { cat "$dir/record.log"; exit 1; }
CAPDIR=$dir "$SRCDIR/tests/http/findings_check.sh"
