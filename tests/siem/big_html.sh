#!/usr/bin/env bash
# The HTML report of a capture with hundreds of devices and findings stays
# small: a 20 MB capture from bench/gencap.py (seed 3: ~850 findings on ~670
# devices) gives an HTML report under 2 MB whose findings on the page plus
# those counted under their rule (data-more) are the JSON report's, with at
# most 20 device timelines drawn and the others counted; the per-rule table
# has one row per rule of the JSON report. Then check_html.py opens it in
# headless Chromium (skipped there without a browser).
set -euo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 "$SRCDIR/bench/gencap.py" -o "$out/big.pcap" --size 20 --seed 3 >/dev/null 2>&1
"$AMTSCOPE" analyze -r "$out/big.pcap" --format html -o "$out/big.html" --fail-on never
"$AMTSCOPE" analyze -r "$out/big.pcap" --format json -o "$out/big.json" --fail-on never
python3 - "$out/big.html" "$out/big.json" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
rep = json.load(open(sys.argv[2]))
bad = []
size = len(html.encode())
shown = len(re.findall(r'<article class="finding ', html))
more = sum(int(n) for n in re.findall(r'data-more="(\d+)"', html))
timelines = len(re.findall(r'<section class="device-timeline"', html))
hidden = sum(int(n) for n in re.findall(r'data-hidden-timelines="(\d+)"', html))
rows = len(re.findall(r'<tr><td><a href="#rule-\d+">', html))
print(f"{size} bytes; {shown} findings shown + {more} counted of {len(rep['findings'])}; "
      f"{timelines} timelines drawn, {hidden} counted; {rows} rule rows for {len(rep['rules'])} rules")
if len(rep["findings"]) < 300 or len(rep["devices"]) < 100: bad.append("the capture gave too few findings or devices")
if size > 2_000_000: bad.append(f"the HTML report is {size} bytes")
if shown + more != len(rep["findings"]) or more == 0: bad.append("findings shown + counted != the JSON's")
if timelines > 20 or hidden == 0: bad.append("timelines are not capped at 20")
if rows != len(rep["rules"]): bad.append("the per-rule table lacks rules")
for b in bad: print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
[ -n "${AMTSCOPE_TEST_NO_BROWSER:-}" ] && exit 0  # what is left is the browser's part
exec python3 "$SRCDIR/tests/reports/check_html.py" "$out/big.html" "$out/big.json" "$out/big.png"
