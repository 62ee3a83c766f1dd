#!/usr/bin/env bash
# The instruction-count guard: counts the instructions (callgrind's Ir) of
# `amtscope analyze --format json` and `amtscope decode` on a small generated
# capture and compares them with tests/robust/callgrind-budget.txt. Fails when
# a count is more than 20% over its budget. Instruction counts do not depend
# on the machine's load, so the guard cannot flake; they do depend on the
# compiler and build type, so another build type is skipped (77).
# Refresh the budget after an intended change: bench/refresh-budget.sh.
# Environment: AMTSCOPE, SRCDIR, BUILDDIR.   usage: callgrind_guard.sh [--print]
set -uo pipefail
budget_file=$SRCDIR/tests/robust/callgrind-budget.txt
work=$BUILDDIR/tests/robust/callgrind
mkdir -p "$work"
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
if ldd "$AMTSCOPE" | grep -q 'lib[a-z]*san'; then echo "SKIP: sanitizer build"; exit 77; fi
buildtype=$(python3 -c 'import json,sys; o={x["name"]:x["value"] for x in json.load(open(sys.argv[1]))}; print(o["buildtype"], o["b_sanitize"])' \
	"$BUILDDIR/meson-info/intro-buildoptions.json" 2>/dev/null || echo unknown)
compiler=$(python3 -c 'import json,subprocess,sys
cc = json.load(open(sys.argv[1]))[0]["target_sources"][0]["compiler"]
print(subprocess.run(cc + ["--version"], capture_output=True, text=True).stdout.splitlines()[0].replace(" ", "_"))' \
	"$BUILDDIR/meson-info/intro-targets.json" 2>/dev/null || echo unknown)

capture=$work/guard.pcap
[ -s "$capture" ] || python3 "$SRCDIR/bench/gencap.py" -o "$capture" --size 1 --seed 5 2>/dev/null

count() { # label args... -> Ir
	local out=$work/$1.out; shift
	valgrind --tool=callgrind --callgrind-out-file="$out" "$AMTSCOPE" "$@" >/dev/null 2>"$work/valgrind.log"
	local rc=$?
	if [ $rc -gt 1 ]; then echo "amtscope $* exited $rc under valgrind:" >&2; tail -20 "$work/valgrind.log" >&2; return 1; fi
	awk '/^(summary|totals):/ { print $2; exit }' "$out"
}
analyze=$(count analyze analyze -r "$capture" --format json -o /dev/null) || exit 1
decode=$(count decode decode -r "$capture") || exit 1
if [ "${1:-}" = "--print" ]; then
	echo "buildtype $buildtype"; echo "compiler $compiler"; echo "analyze $analyze"; echo "decode $decode"
	exit 0
fi
[ -f "$budget_file" ] || { echo "FAIL: no budget file $budget_file (create it with bench/refresh-budget.sh)"; exit 1; }
want_bt=$(awk '$1 == "buildtype" { $1 = ""; sub(/^ /, ""); print }' "$budget_file")
want_cc=$(awk '$1 == "compiler" { print $2 }' "$budget_file")
if [ "$want_bt" != "$buildtype" ] || [ "$want_cc" != "$compiler" ]; then
	echo "SKIP: budget is for $want_cc $want_bt, this build is $compiler $buildtype"
	exit 77
fi
rc=0
for label in analyze decode; do
	measured=${!label}
	budget=$(awk -v l="$label" '$1 == l { print $2 }' "$budget_file")
	[ -n "$budget" ] || { echo "FAIL: no budget for $label"; rc=1; continue; }
	verdict=$(awk -v m="$measured" -v b="$budget" 'BEGIN {
		r = m / b
		if (r > 1.2) printf "FAIL %.2fx the budget (> 1.20x)", r
		else if (r < 0.7) printf "ok %.2fx the budget (faster: refresh it to lock the gain in)", r
		else printf "ok %.2fx the budget", r }')
	printf '%-8s %14s Ir, budget %14s: %s\n' "$label" "$measured" "$budget" "$verdict"
	case "$verdict" in FAIL*) rc=1 ;; esac
done
[ $rc -eq 0 ] || echo "an instruction count grew more than 20%: find where with callgrind_annotate $work/analyze.out; if the growth is intended, run bench/refresh-budget.sh"
exit $rc
