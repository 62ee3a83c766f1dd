#!/usr/bin/env bash
# The whole test suite: normal build, ASan+UBSan build, the fuzz harnesses
# (committed corpora replayed, then a fixed seed and a fixed number of runs:
# the same commit gives the same result), valgrind on the samples. Ends with
# "N passed, M failed". Random fuzzing for longer is `./build.sh fuzz`.
set -uo pipefail
cd "$(dirname "$0")/.."
# Every process the suite starts inherits this mark, also daemons and the
# processes of the namespaces tests create; the last step looks for it.
export AMTSCOPE_SUITE_RUN="run-$$-$(date +%s%N)"
passed=0
failed=0
failures=()

count_meson() { # builddir label
	local log=$1/meson-logs/testlog.json
	[ -f "$log" ] || { failed=$((failed + 1)); failures+=("$2: no test log"); return; }
	local p f
	p=$(grep -c '"result": "OK"' "$log" || true)
	f=$(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\)"' "$log" || true)
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$2: $f failed")
}

step() { # label command...
	local label=$1; shift
	echo "== $label"
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$label"); fi
}

echo "== build (gcc, -Werror)"
if meson setup build --reconfigure >/dev/null 2>&1 || meson setup build >/dev/null; then :; fi
if meson compile -C build >/dev/null; then
	meson test -C build --print-errorlogs --num-processes 2 || true
	count_meson build "tests"
else
	failed=$((failed + 1)); failures+=("build")
fi

echo "== build (ASan+UBSan)"
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
if meson compile -C build-asan >/dev/null; then
	# the browser checks of the HTML reports ran in the gcc pass on the same bytes
	AMTSCOPE_TEST_NO_BROWSER=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 || true
	count_meson build-asan "asan tests"
else
	failed=$((failed + 1)); failures+=("asan build")
fi

if command -v clang >/dev/null; then
	echo "== fuzz harnesses (corpora replayed; seed ${FUZZ_SEED:-1}, runs from tests/robust/fuzz-runs.txt)"
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
	if meson compile -C build-fuzz >/dev/null; then
		step "fuzz" tests/robust/run-fuzz.sh build-fuzz
	else
		failed=$((failed + 1)); failures+=("fuzz build")
	fi
fi

step "debian package" tests/package/deb.sh
if command -v valgrind >/dev/null; then
	vg() {
		local rc=0
		for f in samples/*.pcap samples/*.pcapng; do
			[ -e "$f" ] || continue
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
				build/cli/amtscope analyze -r "$f" --format json -o /dev/null
			[ $? -eq 99 ] && rc=1
		done
		return $rc
	}
	step "valgrind on samples" vg
fi

# Processes still alive that carry this run's mark: a test that did not stop
# what it started. Read with builtins only, so the check itself starts none.
marked() {
	local e p name var
	for e in /proc/[0-9]*/environ; do
		p=${e#/proc/}; p=${p%/environ}
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
		while IFS= read -r -d '' var; do
			if [ "$var" = "AMTSCOPE_SUITE_RUN=$AMTSCOPE_SUITE_RUN" ]; then
				name=?; read -r name 2>/dev/null <"/proc/$p/comm"
				echo "$p $name"
				break
			fi
		done 2>/dev/null <"$e"
	done
}
nothing_left() {
	local left
	left=$(marked)
	[ -z "$left" ] || { sleep 3; left=$(marked); }  # give exiting processes a moment
	[ -z "$left" ] && return 0
	echo "processes the suite started are still running (pid name):"
	echo "$left" | sed 's/^/  /'
	echo "$left" | while read -r p _; do kill -9 "$p" 2>/dev/null; done
	return 1
}
step "no process left behind" nothing_left

[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
