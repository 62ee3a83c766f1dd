#!/usr/bin/env bash
# Rewrites tests/robust/callgrind-budget.txt from the current build: the
# instruction counts of the guard's runs times a margin (default 1.02: callgrind
# counts repeat to the instruction, so the guard's 20% is the regression that
# fails). Run it after an intended change in cost,
# on the default build (gcc, debugoptimized), and commit the file.
# usage: bench/refresh-budget.sh [MARGIN]     environment: BUILD (default build)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$src/build}
margin=${1:-1.02}
ninja -C "$build" >/dev/null
out=$(AMTSCOPE=$build/cli/amtscope SRCDIR=$src BUILDDIR=$build "$src/tests/robust/callgrind_guard.sh" --print)
{
	echo "# Instruction budget (callgrind Ir) for tests/robust/callgrind_guard.sh, on"
	echo "# bench/gencap.py --size 1 --seed 5; measured $(date -u +%Y-%m-%d) x $margin margin."
	echo "# Refresh with bench/refresh-budget.sh after an intended change."
	echo "$out" | awk -v m="$margin" '$1 == "analyze" || $1 == "decode" { printf "%s %d\n", $1, $2 * m; next } { print }'
} >"$src/tests/robust/callgrind-budget.txt"
cat "$src/tests/robust/callgrind-budget.txt"
