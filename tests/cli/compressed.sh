#!/usr/bin/env bash
# Compressed captures: -r capture.pcap.gz / .zst / .xz (recognised by their
# magic bytes, so a misnamed file works too, and on standard input) give the
# same JSON report as the plain file, streaming: peak RSS of the gzip run
# within 10% of the plain run; zstd and xz add their decoder's window (a few
# MB, fixed by the compressor's level, not by the file's size): for every
# format, what it takes beyond the plain run does not grow when the capture
# is twice as large (by less than 10% of the plain run's peak on that capture).
. "$(dirname "$0")/lib.sh"
for t in gzip zstd xz /usr/bin/time; do command -v $t >/dev/null || { echo "no $t"; exit 77; }; done
gen() { python3 "$SRCDIR/bench/gencap.py" -o "$1" --size "$2" >/dev/null 2>&1; }
gen "$tmp/g.pcap" 20
gen "$tmp/big.pcap" 40
for c in g big; do
	gzip -kf "$tmp/$c.pcap"
	zstd -qf "$tmp/$c.pcap" -o "$tmp/$c.pcap.zst"
	xz -kf -T1 "$tmp/$c.pcap"
done
rss() { # file -> peak RSS in KB; the JSON report in $1.json with the path replaced
	/usr/bin/time -f %M -o "$tmp/rss" "$AMTSCOPE" analyze -r "$1" --format json --fail-on never >"$1.out" 2>/dev/null
	sed "s#\"$1\"#\"CAPTURE\"#" "$1.out" >"$1.json"
	cat "$tmp/rss"
}
plain=$(rss "$tmp/g.pcap")
plain_big=$(rss "$tmp/big.pcap")
for ext in gz zst xz; do
	r=$(rss "$tmp/g.pcap.$ext")
	check "$ext: the same JSON as the plain file" cmp -s "$tmp/g.pcap.json" "$tmp/g.pcap.$ext.json"
	if [ $ext = gz ]; then
		check "gz: peak RSS $r KB within 10% of the plain file's $plain KB" test $((r * 10)) -le $((plain * 11))
	else
		ok "$ext: peak RSS $r KB, plain $plain KB (the decoder's window)"
	fi
	b=$(rss "$tmp/big.pcap.$ext")
	check "$ext: extra memory flat in the size: $((r - plain)) KB at 20 MB, $((b - plain_big)) KB at 40 MB" \
		test $(( (b - plain_big) - (r - plain) )) -le $((plain_big / 10))
done
# recognised by content, not by name
cp "$tmp/g.pcap.zst" "$tmp/misnamed.pcap"
"$AMTSCOPE" analyze -r "$tmp/misnamed.pcap" --format json --fail-on never 2>/dev/null |
	sed "s#\"$tmp/misnamed.pcap\"#\"CAPTURE\"#" >"$tmp/misnamed.json"
check "a zstd file named .pcap is read" cmp -s "$tmp/g.pcap.json" "$tmp/misnamed.json"
# standard input, compressed or not
"$AMTSCOPE" analyze -r - --format json --fail-on never <"$tmp/g.pcap.gz" 2>/dev/null | sed 's#"-"#"CAPTURE"#' >"$tmp/stdin.json"
check "-r - reads a gzip stream" cmp -s "$tmp/g.pcap.json" "$tmp/stdin.json"
cat "$tmp/g.pcap" | "$AMTSCOPE" analyze -r - --format json --fail-on never 2>/dev/null | sed 's#"-"#"CAPTURE"#' >"$tmp/stdin2.json"
check "-r - still reads a plain pipe" cmp -s "$tmp/g.pcap.json" "$tmp/stdin2.json"
# a pcapng on standard input is said to be pcapng
editcap -F pcapng "$demo" "$tmp/d.pcapng" 2>/dev/null
"$AMTSCOPE" analyze -r - --format json --fail-on never <"$tmp/d.pcapng" >"$tmp/ng.json" 2>/dev/null
check "-r - < pcapng: kind pcapng" python3 -c "
import json,sys; assert json.load(open(sys.argv[1]))['inputs'][0]['kind'] == 'pcapng'" "$tmp/ng.json"
# a damaged compressed file: a warning, the frames before analysed, no crash
head -c 3000000 "$tmp/g.pcap.gz" >"$tmp/cut.pcap.gz"
"$AMTSCOPE" analyze -r "$tmp/cut.pcap.gz" --format json --fail-on never >"$tmp/cut.json" 2>"$tmp/cut.err"
rc=$?
check "a cut gzip file: analysed up to the cut (exit $rc)" python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); assert d['inputs'][0]['packets'] > 100" "$tmp/cut.json"
check "  ... with a warning" grep -q "truncated" "$tmp/cut.err"
finish
