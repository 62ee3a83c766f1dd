#!/usr/bin/env bash
# SOAP that is not WS-Management is labelled soap, not wsman, and raises no
# WS-Man finding (issue 21, item 7), on soap-not-wsman.pcap (record.sh):
#  - (`decode -V` byte for byte: the golden case http/soap-not-wsman.decode)
#  - no event is wsman_request/wsman_response, four are soap_*;
#  - analyze exits 0 with no finding whose rule starts with "wsman.";
#  - tshark differential: per frame, http.request.method / http.response.code.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/http/soap
cap=$here/soap-not-wsman.pcap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
"$AMTSCOPE" decode -V -r "$cap" >"$work/decode" 2>&1 || fail "decode exited $?"
"$AMTSCOPE" decode --format json -r "$cap" >"$work/events.json"
kinds=$(python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["event_type"] for l in open(sys.argv[1]))))' "$work/events.json")
case " $kinds " in *wsman_*) fail "events labelled wsman: $kinds";; esac
[ "$(tr ' ' '\n' <<<"$kinds" | grep -c '^soap_')" = 4 ] || fail "expected 4 soap events: $kinds"
"$AMTSCOPE" analyze --format json -r "$cap" >"$work/report.json"
got=$?
[ $got = 0 ] || fail "analyze exited $got"
python3 -c 'import json,sys; bad=[f["rule"] for f in json.load(open(sys.argv[1]))["findings"] if f["rule"].startswith("wsman.")]; sys.exit(bool(bad) and print("wsman findings:", bad) or bool(bad))' "$work/report.json" || fail "WS-Man findings raised"
if command -v tshark >/dev/null; then
	tshark -n -r "$cap" -Y http -T fields -e frame.number -e http.request.method -e http.response.code 2>/dev/null >"$work/theirs"
	python3 - "$work/events.json" >"$work/ours" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    f = e.get("fields", {})
    if e["event_type"] in ("http_request", "http_response"):
        rows[e["frame"]] = (f.get("http.request.method", ""), str(f.get("http.response.code", "")))
for fr in sorted(rows):
    print(f"{fr}\t{rows[fr][0]}\t{rows[fr][1]}")
PY
	diff -u "$work/theirs" "$work/ours" || fail "HTTP methods/codes differ from tshark's"
	[ -s "$work/theirs" ] || fail "tshark found no HTTP"
fi
[ $rc = 0 ] && echo "soap: ok"
exit $rc
