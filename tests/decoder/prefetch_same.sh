#!/usr/bin/env bash
# The reader thread (one capture file) changes nothing: every capture of the
# suite, whole and cut short, gives the same events and report with it and
# without it (AMTSCOPE_NO_PREFETCH), including the warning about the cut.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for c in "$SRCDIR"/tests/*/captures/*.pcap "$SRCDIR"/tests/*/captures/*.pcapng "$SRCDIR"/samples/*.pcap; do
	[ -f "$c" ] || continue
	size=$(stat -c %s "$c")
	cp "$c" "$tmp/whole"
	head -c $((size * 2 / 3)) "$c" > "$tmp/cut"
	for f in whole cut; do
		"$AMTSCOPE" decode -V -r "$tmp/$f" >"$tmp/a.out" 2>"$tmp/a.err"; ra=$?
		AMTSCOPE_NO_PREFETCH=1 "$AMTSCOPE" decode -V -r "$tmp/$f" >"$tmp/b.out" 2>"$tmp/b.err"; rb=$?
		"$AMTSCOPE" analyze --format json -r "$tmp/$f" >"$tmp/c.out" 2>&1
		AMTSCOPE_NO_PREFETCH=1 "$AMTSCOPE" analyze --format json -r "$tmp/$f" >"$tmp/d.out" 2>&1
		if [ $ra != $rb ] || ! cmp -s "$tmp/a.out" "$tmp/b.out" || ! cmp -s "$tmp/a.err" "$tmp/b.err" ||
			! cmp -s "$tmp/c.out" "$tmp/d.out"; then
			echo "FAIL $c ($f): output differs with the reader thread"; fail=1
		fi
		n=$((n + 1))
	done
done
[ $n -ge 20 ] || { echo "FAIL: only $n captures compared"; fail=1; }
[ $fail = 0 ] && echo "ok: $n captures read the same on one thread and two"
exit $fail
