#!/usr/bin/env bash
# amtscope logs on the public samples, unknown formats, a 2 GB file without
# line breaks (memory must stay bounded), and analyze with logs only.
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
pub="$TESTDATA/logs"
tmp=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT

while read -r file fmt; do
	out=$("$AMTSCOPE" logs --detect "$pub/$file")
	check "detect $file = $fmt" '[[ "$out" == "$pub/$file: $fmt ("* ]]'
done <<'LIST'
acuconfig-console-exit75.txt acuconfig
meinfowin-amt25-not-started.txt meinfo
meshcentral-amtactivation.log meshcentral-amtactivation
meshcmd-console-samples.txt meshcmd-console
rpc-go-activation.log rpc-go
sccm-amtopmgr-amt321-selfsigned.txt configmgr-text
sccm-amtopmgr-provcert-expiry.raw-reconstructed.log configmgr-simple
sccm-amtopmgr-provcert-expiry.trace.txt configmgr-viewer
sccm-oob-client-and-console.txt configmgr-text
sccm-smsts-intel-scs-ts.log configmgr-cmtrace
scs-legacy-error-strings.txt scs-legacy-text
LIST

json=$("$AMTSCOPE" logs --format json "$pub/rpc-go-activation.log" | head -1)
check "json record fields" '[[ "$json" == *"\"line\":1"* && "$json" == *"\"log.level\":\"error\""* && "$json" == *"\"time\":\"2022-08-16T07:06:38.000000Z\""* ]]'

head -c 100000 /dev/urandom > "$tmp/junk.bin"
err=$("$AMTSCOPE" logs "$tmp/junk.bin" 2>&1 >/dev/null); rc=$?
check "junk: exit 2" '[ $rc -eq 2 ]'
check "junk: names formats tried and how to write one" '[[ "$err" == *"tried: acuconfig"* && "$err" == *"docs/log-formats.md"* ]]'

# 2 GB, no line break (sparse, so it costs no disk): detection reads 1 MB,
# a forced format streams it in bounded memory.
truncate -s 2G "$tmp/huge.log"
# Address-space cap, unless the binary cannot start under one (ASan
# reserves terabytes of address space): then the peak RSS is checked instead.
limit=400000
(ulimit -v $limit; "$AMTSCOPE" --version >/dev/null 2>&1) || limit=unlimited
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null; }
run_bounded() {
	( ulimit -v $limit; exec "$AMTSCOPE" "$@" ) &
	pid=$!  # global: the EXIT trap stops it when the test ends early
	local peak=0 p
	while kill -0 $pid 2>/dev/null; do
		p=$(peak_kb $pid); [ -n "$p" ] && [ "$p" -gt "$peak" ] && peak=$p
		sleep 0.05
	done
	wait $pid; local rc=$?
	pid=
	echo "$peak" > "$tmp/peak"
	return $rc
}
err=$(run_bounded logs "$tmp/huge.log" 2>&1 >/dev/null); rc=$?
check "2 GB line-less: not recognised, quickly" '[ $rc -eq 2 ] && [[ "$err" == *"not recognised"* ]]'
out=$(run_bounded logs --log-format scs-debug-log "$tmp/huge.log" 2>&1); rc=$?
peak=$(cat "$tmp/peak")
check "2 GB line-less forced: bounded by --max-log-line" '[ $rc -eq 0 ] && [[ "$out" == *"longer than 65536 bytes"* ]]'
check "2 GB line-less forced: peak RSS ${peak} kB under 200 MB" '[ "${peak:-0}" -lt 204800 ]'

out=$("$AMTSCOPE" analyze -q -l "$pub/acuconfig-console-exit75.txt" --format json); rc=$?
check "analyze logs only: exit 1 with findings" '[ $rc -eq 1 ]'
check "analyze: acuconfig 75 and inner codes" '[[ "$out" == *"scs.error.75"* && "$out" == *"scs.error.0xc0003e93"* && "$out" == *"\"line\": 1"* ]]'
check "analyze: input kind is the format id" '[[ "$out" == *"\"kind\": \"acuconfig\""* ]]'

out=$("$AMTSCOPE" analyze -q -l "$pub/rpc-go-activation.log" --rules "$SRCDIR/docs/examples/user-rules.rules" --fail-on never); rc=$?
check "docs example rules via CLI" '[ $rc -eq 0 ] && [[ "$out" == *"site.rpcgo.lms_missing"* ]]'
printf '[rule x]\nregex=(bad\nsummary=s\n' > "$tmp/bad.rules"
err=$("$AMTSCOPE" analyze -l "$pub/rpc-go-activation.log" --rules "$tmp/bad.rules" 2>&1 >/dev/null); rc=$?
check "bad user rule: exit 2, file and line" '[ $rc -eq 2 ] && [[ "$err" == *"bad.rules: line 2"* ]]'
exit $fail
