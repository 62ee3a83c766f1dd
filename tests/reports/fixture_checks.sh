#!/usr/bin/env bash
# Renders the hand-built analysis (report_fixture.c) into its own directory and
# checks it:  fixture_checks.sh schema|html
#   schema  the JSON report and the JSON lines validate against docs/json-schema/
#   html    headless Chromium: no console errors, every finding on the page,
#           every lane drawn; screenshot kept as $OUT/html/fixture.png
#   many    100000 more events on one device: the HTML stays small (marks and
#           rows are capped, failures kept first) and still renders
set -euo pipefail
: "${REPORT_FIXTURE:?}" "${OUT:?}" "${SRCDIR:?}"
mode=$1
dir="$OUT/$mode"
mkdir -p "$dir"
if [ "$mode" = many ]; then
	"$REPORT_FIXTURE" "$dir" 100000
else
	"$REPORT_FIXTURE" "$dir"
fi
here="$SRCDIR/tests/reports"
case "$mode" in
schema)
	exec python3 "$here/validate_json.py" "$dir/fixture.json" "$dir/fixture.jsonl"
	;;
html)
	exec python3 "$here/check_html.py" "$dir/fixture.html" "$dir/fixture.json" "$dir/fixture.png" \
		"--expect-lanes=DHCP,DNS,hello,connections,TLS,WS-Man / HTTP,redirection,RMCP,log lines,notes"
	;;
many)
	size=$(stat -c %s "$dir/fixture.html")
	[ "$size" -lt 6000000 ] || { echo "FAIL: the HTML report is $size bytes for 100000 events" >&2; exit 1; }
	grep -q "more events not drawn" "$dir/fixture.html" || { echo "FAIL: no note about events not drawn" >&2; exit 1; }
	grep -q "more events not listed" "$dir/fixture.html" || { echo "FAIL: no note about rows not listed" >&2; exit 1; }
	# the 100 failures among the many events are all drawn
	fails=$(grep -c '<g class="ev fail">' "$dir/fixture.html")
	[ "$fails" -ge 100 ] || { echo "FAIL: only $fails failures drawn" >&2; exit 1; }
	[ "$(wc -l <"$dir/fixture.jsonl")" -gt 100000 ] || { echo "FAIL: JSON lines lost events" >&2; exit 1; }
	echo "HTML for 100000 extra events: $size bytes, $fails failure marks"
	[ -n "${AMTSCOPE_TEST_NO_BROWSER:-}" ] && exit 0  # what is left is the browser's part
	exec python3 "$here/check_html.py" "$dir/fixture.html" "$dir/fixture.json" "$dir/fixture.png"
	;;
*)
	echo "usage: $0 schema|html|many" >&2
	exit 2
	;;
esac
