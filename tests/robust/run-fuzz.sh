#!/usr/bin/env bash
# Runs every fuzz_* harness in BUILDDIR, in two steps:
#  1. replay: every committed input of the harness's corpora
#     (tests/*/corpus-<name>/, for fuzz_pcap also the small captures of the
#     suite) is run once; a crash, leak or abort fails.
#  2. fuzz: starting from those corpora, either
#     - a fixed -seed and a bounded -runs (tests/robust/fuzz-runs.txt): the
#       same commit runs the same inputs, so the result cannot change by
#       chance (the default; `./build.sh test`), or
#     - --random SECONDS: a random seed for SECONDS each (`./build.sh fuzz`),
#       to look for new crashes; not part of the test command's verdict.
# Fuzzes into a scratch directory: the committed corpora are never written.
# A failure keeps its input in BUILDDIR/fuzz-artifacts/<harness>/ for
# reproducing (docs/robustness.md).
# usage: run-fuzz.sh BUILDDIR                      (FUZZ_SEED, default 1)
#        run-fuzz.sh BUILDDIR --random [SECONDS]   (default 300)
#        ONLY=fuzz_pcap,fuzz_reasm run-fuzz.sh ...  (a subset)
set -uo pipefail
builddir=${1:?builddir}
mode=fixed
secs=300
if [ "${2:-}" = "--random" ]; then
	mode=random
	secs=${3:-300}
elif [ -n "${2:-}" ]; then
	echo "usage: $0 BUILDDIR [--random [SECONDS]]" >&2
	exit 2
fi
seed=${FUZZ_SEED:-1}
builddir=$(cd "$builddir" && pwd) || exit 2
src=$(cd "$(dirname "$0")/../.." && pwd)
# paths relative to the source tree: a run does not depend on where it is
cd "$src" || exit 2
# UBSan only reports by default; a report must fail the run like an ASan one.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=
trap '[ -z "$work" ] || rm -rf "$work"' EXIT
runs_of() { # harness -> runs from fuzz-runs.txt (10000 when not listed)
	awk -v h="$1" '$1 == h { print $2; found = 1 } END { if (!found) print 10000 }' "$src/tests/robust/fuzz-runs.txt"
}
keep_artifacts() { # harness
	local keep=$builddir/fuzz-artifacts/$1
	mkdir -p "$keep"
	find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
		-exec cp {} "$keep/" \;
	echo "inputs kept in $keep: $(ls "$keep" | tr '\n' ' ')"
}
# A fixed seed alone does not repeat a run: the comparisons libFuzzer learns
# from (pointers among them) and the stack-depth feature move with address
# space randomisation, and the stack's depth with the size of the environment
# and arguments. Without randomisation (setarch -R), with a fixed environment,
# relative paths, a scratch corpus that holds nothing else (no log file) and
# no reloading of it on a timer, the same commit runs the same inputs. Where
# setarch may not switch randomisation off, comparisons are not traced.
launch=()
fixed_opts=()
if [ $mode = fixed ]; then
	if setarch "$(uname -m)" -R true 2>/dev/null; then
		# the same environment and argument sizes everywhere: they move the stack
		launch=(env -i PATH=/usr/bin:/bin UBSAN_OPTIONS="$UBSAN_OPTIONS" ASAN_OPTIONS="${ASAN_OPTIONS:-}"
			setarch "$(uname -m)" -R)
	else
		fixed_opts=(-use_cmp=0)
		echo "note: setarch -R unavailable; fuzzing without comparison tracing"
	fi
fi
rc=0
found=0
while IFS= read -r h; do
	h=${h#"$src"/}
	[[ $h == /* ]] || h=./$h
	name=$(basename "$h")
	if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
	found=1
	work=$(mktemp -d /tmp/amtscope-fuzz.XXXXXXXX)
	mkdir "$work/corpus"
	dirs=()
	for d in tests/*/corpus-"${name#fuzz_}"; do [ -d "$d" ] && dirs+=("$d"); done
	inputs=()
	[ ${#dirs[@]} -gt 0 ] && mapfile -t inputs < <(find "${dirs[@]}" -type f | sort)
	if [ "$name" = fuzz_pcap ]; then
		# every small capture of the suite seeds the end-to-end harness too
		mapfile -t caps < <(find tests/*/captures samples -maxdepth 1 -type f \
			\( -name '*.pcap' -o -name '*.pcapng' \) -size -200k 2>/dev/null | sort)
		inputs+=("${caps[@]}")
	fi
	# 1. replay the committed inputs, one run each
	if [ ${#inputs[@]} -gt 0 ] && ! "$h" -timeout=30 -rss_limit_mb=2048 -artifact_prefix="$work/" \
		"${inputs[@]}" >"$work/replay.log" 2>&1; then
		echo "FAIL $name: a committed input fails"; tail -40 "$work/replay.log"
		keep_artifacts "$name"
		rc=1
		rm -rf "$work"; work=
		continue
	fi
	# 2. fuzz from them
	if [ $mode = fixed ]; then
		runs=$(runs_of "$name")
		# -use_cmp=0: libFuzzer feeds the operands of compares back into its
		# mutations, and the harnesses that run a whole analysis compare
		# strings holding the clone's path; with it on, the same commit
		# fuzzed differently in two folders
		bound=(-seed="$seed" -runs="$runs" -reload=0 -use_cmp=0 "${fixed_opts[@]}")
		echo "-- $name (${#inputs[@]} inputs replayed; seed $seed, $runs runs)"
	else
		bound=(-seed=0 -max_total_time="$secs")
		echo "-- $name (${#inputs[@]} inputs replayed; random seed, ${secs}s)"
	fi
	# certificate files and handshake messages come as large as 1 MiB for
	# real (thousands of SANs); libFuzzer's default is the largest seed
	case "$name" in fuzz_certs|fuzz_tls) bound+=(-max_len=1048576) ;; esac
	seeds=("${dirs[@]}")
	if [ "$name" = fuzz_pcap ] && [ ${#caps[@]} -gt 0 ]; then
		seeds+=("-seed_inputs=$(IFS=,; echo "${caps[*]}")")
	fi
	# the scratch corpus comes first (libFuzzer writes new inputs there); the
	# log lives beside it, never in it, or it would be read as an input
	if ! "${launch[@]}" "$h" "${bound[@]}" -timeout=30 -rss_limit_mb=2048 -print_final_stats=0 \
		-artifact_prefix="$work/" "$work/corpus" "${seeds[@]}" >"$work/log" 2>&1; then
		echo "FAIL $name"; tail -40 "$work/log"
		keep_artifacts "$name"
		rc=1
	else
		# what the run covered, without its speed and memory (which vary)
		grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -1 | sed -E 's/ (lim|exec\/s|rss): [^ ]+//g'
		[ $mode = random ] && grep -E '^Done' "$work/log" | tail -1
	fi
	rm -rf "$work"; work=
done < <(find "$builddir/tests" -type f -name 'fuzz_*' -perm -u+x | sort)
if [ $found -eq 0 ] && [ -z "${ONLY:-}" ]; then
	# a fuzz step that fuzzes nothing must not pass
	echo "FAIL: no fuzz harnesses built in $builddir (configure it with -Dfuzz=true)"
	rc=1
fi
exit $rc
