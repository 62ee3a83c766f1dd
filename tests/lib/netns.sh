# Sourced by the record.sh scripts that record in a network namespace of their
# own, so that servers, addresses and tcpdump touch nothing of the host's:
#   netns_enter "$0" ARGS...   runs the script again inside a new namespace
#                              (unshare -n); returns only once inside it
#   netns_begin NAME           $work, a scratch folder /tmp/NAME.XXXXXX, and
#                              $pids, the background processes to stop: both
#                              cleaned up at exit, also when the script fails
# The script then brings lo up itself (some set its MTU first).
# KEEP=1 prints the scratch folder's logs at exit, to see why a recording failed.

netns_enter() {
	[ "${IN_NETNS:-}" = 1 ] && return 0
	exec env IN_NETNS=1 unshare -n "$@"
}

netns_cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then cat "$work"/*.log >&2 || true; fi
	rm -rf "$work"
}

netns_begin() {
	work=$(mktemp -d "/tmp/$1.XXXXXX")
	pids=()
	trap netns_cleanup EXIT
}
