#!/usr/bin/env bash
# tshark/tcpdump conventions: -f is a BPF read filter on files too, -c stops
# after N packets, -w writes the packets read from files; options a
# subcommand does not use are refused; every subcommand has its own --help;
# -o's extension picks the format; --keylog/--ca-file/--amt-hashes/-l naming
# a missing or empty file stop the run at the start with the reason.
. "$(dirname "$0")/lib.sh"
A=$AMTSCOPE
# ---- -f -c -w on a file (the issue's done-when)
"$A" analyze -r "$demo" -f 'udp port 53' -c 10 -w "$tmp/out.pcap" --fail-on never >/dev/null 2>"$tmp/err"
check "analyze -f -c -w: exit 0" test $? -eq 0
n=$(tshark -r "$tmp/out.pcap" 2>/dev/null | wc -l)
dns=$(tshark -r "$tmp/out.pcap" -Y dns 2>/dev/null | wc -l)
all_dns=$(tshark -r "$demo" -Y 'udp.port == 53' 2>/dev/null | wc -l)
check "-w holds 10 or fewer packets ($n)" test "$n" -le 10 -a "$n" -gt 0
check "  ... all DNS ($dns of $n)" test "$dns" -eq "$n"
check "  ... exactly min(10, DNS packets in the file) ($n, $all_dns)" test "$n" -eq $((all_dns < 10 ? all_dns : 10))
check "-w from a file: mode 0600" test "$(stat -c %a "$tmp/out.pcap")" = 600
"$A" analyze -r "$demo" -c 5 --format json --fail-on never >"$tmp/c5.json"
check "-c 5 on a file analyses 5 packets" grep -q '"packets": 5,' "$tmp/c5.json"
# -f keeps the file's frame numbers: evidence still opens the right frames
"$A" analyze -r "$demo" -f 'udp port 53' --format json --fail-on never >"$tmp/f.json"
python3 - "$tmp/f.json" <<'PY' || fail "-f: the DNS finding cites frames 1 and 2 of the file"
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["rule"] == "dns.provisionserver.missing"][0]
sys.exit(0 if [e["frame"] for e in f["evidence"]] == [1, 2] else 1)
PY
"$A" decode -r "$demo" -f 'tcp port 16992' --frames >"$tmp/frames"
check "decode -f on a file: only TCP 16992 frames" test -z "$(awk -F'\t' '$8 != 16992 && $6 != 16992' "$tmp/frames")" -a -s "$tmp/frames"

# ---- options a subcommand does not use
refused() { # subcommand option...
	local sub=$1; shift
	"$A" "$sub" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then ok "$sub $* refused: $(head -1 "$tmp/err")"
	else fail "$sub $*: exit $rc, stderr: $(cat "$tmp/err")"; fi
}
for o in -q -v "--fail-on error" "--rules x.rules" "--ca-file x.pem" "--amt-hashes x" "--hello-window 5" \
	 --no-color "--annotate x.pcapng"; do
	refused decode -r "$demo" $o
done
refused analyze -r "$demo" -V
refused analyze -r "$demo" --frames
refused analyze -r "$demo" --duration 5
refused analyze -r "$demo" -Z nobody
refused analyze -l "$SRCDIR/tests/logs/captures/contact-back-scs.log" -c 5
refused analyze -r - --annotate "$tmp/x.pcapng"
refused logs -r "$demo"
refused logs -o x.txt "$SRCDIR/tests/logs/captures/contact-back-scs.log"
refused certs -q "$SRCDIR/tests/tls/certs/amt-self.pem"
refused certs -o x "$SRCDIR/tests/tls/certs/amt-self.pem"
refused check -r "$demo" --domain corp.example
refused check -V --domain corp.example

# ---- --help per subcommand
for sub in analyze decode logs certs check; do
	"$A" $sub --help >"$tmp/help.$sub" 2>&1
	check "$sub --help exits 0 with a usage line" grep -q "usage: amtscope $sub\|amtscope $sub" "$tmp/help.$sub"
done
check "decode --help lists --frames, not --fail-on" sh -c "grep -q -- --frames '$tmp/help.decode' && ! grep -q -- --fail-on '$tmp/help.decode'"
check "analyze --help lists --fail-on and --annotate, not --frames" \
	sh -c "grep -q -- --fail-on '$tmp/help.analyze' && grep -q -- --annotate '$tmp/help.analyze' && ! grep -q -- --frames '$tmp/help.analyze'"

# ---- -o's extension picks the format
"$A" analyze -r "$demo" -o "$tmp/r.json" --fail-on never 2>/dev/null
check "-o r.json writes JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/r.json"
"$A" analyze -r "$demo" -o "$tmp/r.html" --fail-on never 2>/dev/null
check "-o r.html writes HTML" grep -q "^<!DOCTYPE html>" "$tmp/r.html"
"$A" analyze -r "$demo" -o "$tmp/r.jsonl" --fail-on never 2>/dev/null
check "-o r.jsonl writes JSON lines" python3 -c "
import json,sys
lines=open(sys.argv[1]).read().splitlines()
assert len(lines) > 10 and all(json.loads(l)['event_type'] for l in lines)" "$tmp/r.jsonl"
"$A" analyze -r "$demo" -o "$tmp/r.json" --format text --fail-on never 2>/dev/null
check "--format wins over the extension" grep -q "^amtscope .* analysis" "$tmp/r.json"
"$A" decode -r "$demo" -o "$tmp/d.json" 2>/dev/null
check "decode -o d.json writes JSON objects" python3 -c "
import json,sys
[json.loads(l) for l in open(sys.argv[1])]" "$tmp/d.json"
"$A" check --domain corp.example --dns 127.0.0.1:9 --timeout 0.2 -o "$tmp/c.json" >/dev/null 2>&1
check "check -o c.json writes JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/c.json"

# ---- inputs that cannot be used: exit 2 at the start, with the reason, no report
bad() { # label pattern args...
	local what=$1 pat=$2; shift 2
	"$A" analyze -r "$demo" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok "$what: $(cat "$tmp/err")"
	else fail "$what: exit $rc, stderr: $(cat "$tmp/err"), stdout $(wc -c <"$tmp/out") bytes"; fi
}
: > "$tmp/empty"
echo "# only a comment" > "$tmp/comment"
echo "hello" > "$tmp/notpem"
bad "--keylog missing" "No such file" --keylog "$tmp/none.keys"
bad "--keylog empty" "is empty" --keylog "$tmp/empty"
bad "--keylog without a key line" "no TLS key line" --keylog "$tmp/comment"
bad "--ca-file missing" "No such file" --ca-file "$tmp/none.pem"
bad "--ca-file without a certificate" "ca-file" --ca-file "$tmp/notpem"
bad "--amt-hashes missing" "No such file" --amt-hashes "$tmp/none.txt"
bad "--amt-hashes without a hash" "holds no hash" --amt-hashes "$tmp/comment"
bad "-l missing" "No such file" -l "$tmp/none.log"
bad "-l empty" "is empty" -l "$tmp/empty"
if [ "$(id -u)" -ne 0 ]; then
	: > "$tmp/secret"; chmod 000 "$tmp/secret"
	bad "--keylog unreadable" "Permission denied" --keylog "$tmp/secret"
fi
finish
