#!/usr/bin/env bash
# No output format may contain a redirection password, a digest response or
# a full PID (the secrets record.py used). --no-redact is the control: it
# must show them, or this test could not fail.
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1
here="$SRCDIR/tests/amt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
python3 -c '
import record, standin
print(record.PASSWORD); print(record.WRONG_PASSWORD); print(record.PID)
print(standin.digest_response(record.PASSWORD)); print(standin.digest_response(record.WRONG_PASSWORD))
' >"$tmp/secrets" || exit 1
[ "$(wc -l <"$tmp/secrets")" -eq 5 ] || { echo "FAIL secrets list"; exit 1; }
caps=(captures/*.pcap)
out="$tmp/out"
mkdir "$out"
n=0
for cap in "${caps[@]}"; do
	name=$(basename "$cap" .pcap)
	for fmt in text json jsonl html; do
		"$AMTSCOPE" analyze -v --format "$fmt" --fail-on never --show-sol-data --events "$out/$name.events.$fmt" \
			-r "$cap" >"$out/$name.analyze.$fmt" 2>&1
		n=$((n + 1))
	done
	"$AMTSCOPE" decode -V -r "$cap" >"$out/$name.decode.txt" 2>&1
	"$AMTSCOPE" decode -V --format json --show-sol-data -r "$cap" >"$out/$name.decode.json" 2>&1
done
if grep -rF -f "$tmp/secrets" "$out"; then
	echo "FAIL a secret reached an output (above)"
	exit 1
fi
echo "ok: $n reports and $((${#caps[@]} * 2)) decodes are free of secrets"
# control: with --no-redact each kind of secret does show
"$AMTSCOPE" decode -V --no-redact -r captures/redir-ider.pcap >"$tmp/control" 2>/dev/null
grep -qF "$(sed -n 1p "$tmp/secrets")" "$tmp/control" || { echo "FAIL control: password"; exit 1; }
"$AMTSCOPE" decode -V --no-redact -r captures/hello-psk.pcap >"$tmp/control" 2>/dev/null
grep -qF "$(sed -n 3p "$tmp/secrets")" "$tmp/control" || { echo "FAIL control: PID"; exit 1; }
"$AMTSCOPE" decode -V --no-redact -r captures/redir-sol.pcap >"$tmp/control" 2>/dev/null
grep -qF "$(sed -n 4p "$tmp/secrets")" "$tmp/control" || { echo "FAIL control: digest response"; exit 1; }
"$AMTSCOPE" decode -V --no-redact -r captures/redir-wrong-password.pcap >"$tmp/control" 2>/dev/null
grep -qF "$(sed -n 5p "$tmp/secrets")" "$tmp/control" || { echo "FAIL control: wrong digest response"; exit 1; }
echo "ok: --no-redact shows them"
