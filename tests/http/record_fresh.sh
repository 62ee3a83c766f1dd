#!/usr/bin/env bash
# Records the exchanges afresh (real curl, real sockets, this machine's
# tcpdump) and checks that they raise exactly the expected findings: the
# committed captures cannot hide a change in curl or in the stand-in.
# Skipped (77) without root, tcpdump, curl or tshark.
set -uo pipefail
[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && command -v curl >/dev/null &&
	command -v tshark >/dev/null || { echo "needs root, tcpdump, curl, tshark: skipped"; exit 77; }
attempt() {
	local dir
	dir=$(mktemp -d)
	# an address of our /24 that parallel runs are unlikely to share
	export AMT_IP=127.0.6.$((20 + RANDOM % 200)) CONSOLE_IP=127.0.6.1
	if ! "$SRCDIR/tests/http/record.sh" "$dir" "$TESTDATA" >"$dir/record.log" 2>&1; then
		cat "$dir/record.log"; rm -rf "$dir"; return 1
	fi
	CAPDIR=$dir "$SRCDIR/tests/http/findings_check.sh"
	local rc=$?
	[ $rc = 0 ] || { echo "-- record log:"; cat "$dir/record.log"; }
	rm -rf "$dir"
	return $rc
}
# a loaded machine can make tcpdump miss the start of an exchange: one retry,
# and say so
attempt && exit 0
echo "-- first recording failed (above); recording again"
attempt
