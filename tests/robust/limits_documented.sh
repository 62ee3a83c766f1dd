#!/usr/bin/env bash
# Every resource limit the program has (its --help lists them from
# decoder/limits.c) is in the table of docs/robustness.md.
set -u
fail=0
opts=$("$AMTSCOPE" analyze --help | grep -oE '^  --max-[a-z-]+')
[ -n "$opts" ] || { echo "FAIL: --help lists no limit"; exit 1; }
for o in $opts; do
	if grep -qE "^\| \`[a-z_]+\` \| \`$o\` \|" "$SRCDIR/docs/robustness.md"; then
		echo "ok $o"
	else
		echo "FAIL $o is not in the limits table of docs/robustness.md"; fail=1
	fi
done
exit $fail
