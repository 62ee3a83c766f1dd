#!/usr/bin/env bash
# Renders the hand-built analysis (report_fixture.c) into its own directory and
# checks it:  fixture_checks.sh schema|html
#   schema  the JSON report and the JSON lines validate against docs/json-schema/
#   html    headless Chromium: no console errors, every finding on the page,
#           every lane drawn; screenshot kept as $OUT/html/fixture.png
set -euo pipefail
: "${REPORT_FIXTURE:?}" "${OUT:?}" "${SRCDIR:?}"
mode=$1
dir="$OUT/$mode"
mkdir -p "$dir"
"$REPORT_FIXTURE" "$dir"
here="$SRCDIR/tests/reports"
case "$mode" in
schema)
	exec python3 "$here/validate_json.py" "$dir/fixture.json" "$dir/fixture.jsonl"
	;;
html)
	exec python3 "$here/check_html.py" "$dir/fixture.html" "$dir/fixture.json" "$dir/fixture.png" \
		"--expect-lanes=DHCP,DNS,hello,connections,TLS,WS-Man / HTTP,redirection,RMCP,log lines,notes"
	;;
*)
	echo "usage: $0 schema|html" >&2
	exit 2
	;;
esac
