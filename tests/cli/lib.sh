# Shared by the tests of the command line: a temporary folder removed on exit,
# fail/ok bookkeeping. Source it; end with `finish`.
set -u
: "${AMTSCOPE:?}" "${SRCDIR:?}"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }
check() { # label condition...
	local what=$1; shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
finish() { [ "$fails" -eq 0 ] && echo "all passed" || echo "$fails failed"; exit $((fails > 0)); }
demo="$SRCDIR/samples/provisioning-demo.pcap"
