#!/usr/bin/env bash
# The recorded capture + SCS log of the same unanswered hellos must give one
# scs.contact_back_failed citing log lines and frames, with the clock offset
# (the recorder's SCS clock ran 2.5 s ahead); log time zones and --log-offset.
# With root and tcpdump, the story is also recorded afresh. (`amtscope logs` on
# every sample is a golden case each: tests/golden/manifest.txt.)
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
here="$SRCDIR/tests/logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"

verify() {  # capture log offset
	"$AMTSCOPE" analyze -q -r "$1" -l "$2" --log-tz UTC --format json > "$tmp/report.json"
	python3 - "$tmp/report.json" "$3" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
want = float(sys.argv[2])
cb = [f for f in r["findings"] if f["rule"] == "scs.contact_back_failed"]
assert len(cb) == 1, "want one scs.contact_back_failed, got %d" % len(cb)
f = cb[0]
assert f["device"] == "127.0.7.21", f["device"]
lines = sorted(e["line"] for e in f["evidence"] if "line" in e)
frames = sorted(e["frame"] for e in f["evidence"] if "frame" in e)
assert lines == [3, 5, 7], lines
assert len(frames) >= 9, frames            # 3 hellos, 3 x (SYN, RST)
assert "3 hellos from 127.0.7.21" in f["summary"], f["summary"]
assert "refused" in f["summary"], f["summary"]
m = re.search(r"offset to the capture: ([+-][0-9.]+) s", f["summary"])
assert m and abs(float(m.group(1)) - want) < 1.0, f["summary"]
PY
}
check "capture + SCS log: one contact_back_failed, lines, frames, offset" 'verify captures/contact-back.pcap captures/contact-back-scs.log 2.5'

# a code line naming the device, at the capture's time: cites the frames too
t=$(sed -n 2p captures/contact-back-scs.log | cut -c1-23)
printf '%s [0x0B44] E Error 137 - Another process currently working on AMT 127.0.7.21\n' "$t" > "$tmp/s137.log"
out=$("$AMTSCOPE" analyze -q -r captures/contact-back.pcap -l "$tmp/s137.log" --log-tz UTC --format json)
check "scs.error.137 seen in both: line and frames" 'python3 -c "
import json,sys
f=[x for x in json.loads(sys.argv[1])[\"findings\"] if x[\"rule\"]==\"scs.error.137\"][0]
assert f[\"device\"]==\"127.0.7.21\" and \"Seen in the capture too\" in f[\"summary\"]
assert any(\"line\" in e for e in f[\"evidence\"]) and sum(\"frame\" in e for e in f[\"evidence\"])>=3
" "$out"'

# --log-offset shifts the log: 400 s back puts it beyond Kerberos' 5 minutes
out=$("$AMTSCOPE" analyze -q -r captures/contact-back.pcap -l captures/contact-back-scs.log --log-tz UTC --log-offset -400 --format json)
check "--log-offset -400: time.skew, contact-back still matched" '[[ "$out" == *"\"time.skew\""* && "$out" == *"-397.5"* && "$out" == *"scs.contact_back_failed"* ]]'

# the same log written in UTC+01:00 local time, read without --log-tz:
# amtscope recognises a time zone, not a broken clock, and still matches
awk '{ split($2, t, ":"); printf "%s %02d:%s:%s", $1, t[1] + 1, t[2], t[3]; $1 = $2 = ""; print }' \
	captures/contact-back-scs.log | sed 's/  */ /' > "$tmp/cet.log"
out=$("$AMTSCOPE" analyze -q -r captures/contact-back.pcap -l "$tmp/cet.log" --format json)
check "local log without --log-tz: log.time_zone UTC+01:00" '[[ "$out" == *"log.time_zone"* && "$out" == *"--log-tz +01:00"* && "$out" == *"scs.contact_back_failed"* && "$out" != *"time.skew"* ]]'

if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null; then
	mkdir -p "$tmp/rec/captures"
	cp record.sh record_contact_back.py "$tmp/rec/"
	if (cd "$tmp/rec" && TESTDATA="$TESTDATA" ./record.sh) >/dev/null 2>&1; then
		check "fresh recording: same finding" 'verify "$tmp/rec/captures/contact-back.pcap" "$tmp/rec/captures/contact-back-scs.log" 2.5'
	else
		echo "skip: fresh recording failed (port 9971 on 127.0.7.1 busy?)"
	fi
fi
exit $fail
