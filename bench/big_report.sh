#!/usr/bin/env bash
# The reports of a big capture: does the per-rule summary fit one screen, how
# big is the HTML report and how long does headless Chromium take to render
# it? (bench/README.md, "Reports of a big capture")
#
# usage: bench/big_report.sh [SIZE_MB] [--seed N]     (default 400 MB, seed 1)
# environment: BUILD (default <src>/build), BENCH_DATA (generated captures are
# cached there, default /tmp/amtscope-bench). Runs niced: the machine may be shared.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$src/build}
DATA=${BENCH_DATA:-/tmp/amtscope-bench}
size=400
seed=1
while [ $# -gt 0 ]; do
	case "$1" in
	--seed) seed=$2; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	[0-9]*) size=$1; shift ;;
	*) echo "big_report.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
amtscope=$BUILD/cli/amtscope
[ -x "$amtscope" ] || { echo "big_report.sh: build first (meson compile -C $BUILD)" >&2; exit 2; }
mkdir -p "$DATA"
cap=$DATA/amt-${size}MB-seed$seed.pcap
if [ ! -f "$cap" ]; then
	echo "generating $cap ..."
	nice -n 10 python3 "$src/bench/gencap.py" -o "$cap.tmp" --size "$size" --seed "$seed" --format pcap
	mv "$cap.tmp" "$cap"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t0=$(date +%s.%N)
nice -n 10 "$amtscope" analyze -r "$cap" --format html -o "$out/report.html" --fail-on never
t1=$(date +%s.%N)
nice -n 10 "$amtscope" analyze -r "$cap" -q --fail-on never --no-color >"$out/report.txt"
nice -n 10 "$amtscope" analyze -r "$cap" --format json -o "$out/report.json" --fail-on never
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$out/report.json")
rules=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rules"]))' "$out/report.json")
# the summary: the findings line, what was not shown, the per-rule table
summary_lines=$(awk '/^Findings:/{on=1} on && /^$/{exit} on' "$out/report.txt" | wc -l)
echo "capture: $cap ($(stat -L -c %s "$cap") bytes)"
echo "findings: $findings in $rules rules; text summary (count line + per-rule table): $summary_lines lines"
awk '/^Findings:/{on=1} on && /^$/{exit} on' "$out/report.txt"
printf 'HTML analysis + render to file: %.1f s\n' "$(echo "$t1 - $t0" | bc)"
nice -n 10 python3 "$src/bench/html_render.py" "$out/report.html" --rounds 3 --max-bytes 5000000 --max-seconds 3
