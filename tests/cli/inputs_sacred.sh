#!/usr/bin/env bash
# Inputs are never written to: every writing option (-o, --events, -w,
# --annotate) naming a copy of the capture (directly, through a symbolic link,
# through a hard link) or another input (--keylog, --rules, -l, --ca-file,
# --amt-hashes) is refused with exit 2 and one line, and the file is unchanged
# byte for byte. Two outputs naming one file are refused too. An existing
# report or link at an output path is replaced, never written through; new
# captures are 0600, reports get the umask's mode.
. "$(dirname "$0")/lib.sh"
cp "$demo" "$tmp/victim.pcap"
ln -s victim.pcap "$tmp/link.pcap"
ln "$tmp/victim.pcap" "$tmp/hard.pcap"
for opt in -o --events -w --annotate; do
	for target in victim.pcap link.pcap hard.pcap; do
		for cmd in analyze decode; do
			[ "$cmd" = decode ] && [ "$opt" = --annotate ] && continue
			"$AMTSCOPE" $cmd -r "$tmp/victim.pcap" "$opt" "$tmp/$target" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if [ $rc -ne 2 ] || ! grep -q "refusing to overwrite an input" "$tmp/err" ||
			   [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
				fail "$cmd $opt $target: exit $rc: $(cat "$tmp/err")"
			elif ! cmp -s "$demo" "$tmp/victim.pcap"; then
				fail "$cmd $opt $target: the capture changed"
			else
				ok "$cmd $opt $target refused, capture unchanged"
			fi
			[ -L "$tmp/link.pcap" ] || fail "the link was replaced"
		done
	done
done
# other inputs
printf 'CLIENT_RANDOM %064d %096d\n' 1 2 > "$tmp/keys.log"
cp "$tmp/keys.log" "$tmp/keys.orig"
"$AMTSCOPE" analyze -r "$demo" --keylog "$tmp/keys.log" -o "$tmp/keys.log" 2>"$tmp/err" >/dev/null
check "-o = --keylog refused" test $? -eq 2
check "--keylog unchanged" cmp -s "$tmp/keys.log" "$tmp/keys.orig"
printf 'line one\n' > "$tmp/scs.log"
"$AMTSCOPE" analyze -r "$demo" -l "$tmp/scs.log" --events "$tmp/scs.log" 2>"$tmp/err" >/dev/null
check "--events = -l refused" test $? -eq 2
check "-l unchanged" test "$(cat "$tmp/scs.log")" = "line one"
# two outputs, one file (one not there yet, named two ways)
"$AMTSCOPE" analyze -r "$demo" -o "$tmp/r.json" --events "$tmp/./r.json" 2>"$tmp/err" >/dev/null
rc=$?
check "-o and --events on one new file refused" test $rc -eq 2
check "  ... with the reason" grep -q "are the same file" "$tmp/err"
check "  ... and nothing created" test ! -e "$tmp/r.json"

# an existing link at -o is replaced, its target untouched
echo "precious" > "$tmp/precious.txt"
ln -s precious.txt "$tmp/report.txt"
"$AMTSCOPE" analyze -r "$demo" -o "$tmp/report.txt" --fail-on never 2>/dev/null
check "-o through a link: the link's target untouched" test "$(cat "$tmp/precious.txt")" = precious
check "-o through a link: the link became the report" test ! -L "$tmp/report.txt" -a -s "$tmp/report.txt"
ln -sf precious.txt "$tmp/saved.pcap"
"$AMTSCOPE" analyze -r "$demo" -w "$tmp/saved.pcap" --fail-on never >/dev/null 2>&1
check "-w through a link: the target untouched" test "$(cat "$tmp/precious.txt")" = precious
# modes: a 0644 file at -w becomes a new 0600 capture; reports follow the umask
echo old > "$tmp/open.pcap"; chmod 644 "$tmp/open.pcap"
"$AMTSCOPE" analyze -r "$demo" -w "$tmp/open.pcap" --fail-on never >/dev/null 2>&1
check "-w over a 0644 file: 0600" test "$(stat -c %a "$tmp/open.pcap")" = 600
(umask 027; "$AMTSCOPE" analyze -r "$demo" -o "$tmp/umask.txt" --fail-on never 2>/dev/null)
check "report under umask 027: 0640" test "$(stat -c %a "$tmp/umask.txt")" = 640
(umask 022; "$AMTSCOPE" analyze -r "$demo" -o "$tmp/umask2.html" --fail-on never 2>/dev/null)
check "report under umask 022: 0644" test "$(stat -c %a "$tmp/umask2.html")" = 644
check "no temporary file left" test -z "$(ls -A "$tmp" | grep '^\.')"
# check: -o naming its --ca-file
cp "$SRCDIR/tests/tls/certs/ca.pem" "$tmp/ca.pem" 2>/dev/null || openssl req -x509 -newkey rsa:2048 -nodes \
	-keyout "$tmp/k.pem" -out "$tmp/ca.pem" -subj /CN=t -days 1 2>/dev/null
cp "$tmp/ca.pem" "$tmp/ca.orig"
"$AMTSCOPE" check --domain corp.example --ca-file "$tmp/ca.pem" -o "$tmp/ca.pem" >/dev/null 2>"$tmp/err"
check "check -o = --ca-file refused" test $? -eq 2
check "check: --ca-file unchanged" cmp -s "$tmp/ca.pem" "$tmp/ca.orig"
finish
