#!/usr/bin/env bash
# The golden runner: runs the cases of tests/golden/manifest.txt and compares
# each output byte for byte with tests/<area>/golden/<case>.expected; on a
# mismatch it prints the unified diff.
#
# usage: run.sh [--list] [SELECTOR...]
#   SELECTOR  area/case (one case), area (its cases); none: every case
#   --list    print the case ids
#   UPDATE=1  rewrite the expected files with what the cases print now
# Environment: AMTSCOPE (default build/cli/amtscope), SRCDIR (default the
# repository holding this script), REPORT_FIXTURE (default
# build/tests/reports/report-fixture). The manifest's header says what a
# line holds.
#
# An empty output is compared as the line "(no findings)" (analyze, or a
# findings view) or "(no output)", so an expected file is never empty; an empty
# expected file fails its case.
set -uo pipefail
set -f  # the command's words are split, never globbed
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }  # the cases cd
SRCDIR=$(absolute "${SRCDIR:-${here%/tests/golden}}")
AMTSCOPE=$(absolute "${AMTSCOPE:-$SRCDIR/build/cli/amtscope}")
REPORT_FIXTURE=$(absolute "${REPORT_FIXTURE:-$SRCDIR/build/tests/reports/report-fixture}")
manifest=$here/manifest.txt
export TZ=UTC
unset SSLKEYLOGFILE  # a case names its key log in its command

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL $id: $*"; }

run_case() { # area name dir view status program args...
	local area=$1 name=$2 dir=$3 view=$4 want_status=$5 program=$6
	shift 6
	local id=$area/$name out=$tmp/out err=$tmp/err status marker
	local expected=tests/$area/golden/$name.expected
	: >"$err"
	cd "$SRCDIR/$dir" || { fail "no folder $dir"; return 1; }
	case $program:$view in
	report-fixture:out)
		rm -rf "$tmp/fixture"; mkdir "$tmp/fixture"
		"$REPORT_FIXTURE" "$tmp/fixture" >"$err" 2>&1
		status=$?
		cat "$tmp/fixture/$1" >"$out" 2>>"$err" ;;
	amtscope:out)
		"$AMTSCOPE" "$@" >"$out" 2>&1
		status=$? ;;
	amtscope:findings-*)
		"$AMTSCOPE" "$@" >"$tmp/report" 2>"$err"
		status=$?
		python3 -I -S "$here/views.py" "$view" <"$tmp/report" >"$out" 2>>"$err" || { fail "view $view"; cat "$err"; return 1; } ;;
	*)
		fail "manifest: no program $program with view $view"; return 1 ;;
	esac
	cd "$SRCDIR" || return 1
	if [ ! -s "$out" ]; then
		marker="(no output)"
		[ "$view" != out ] || [ "${1-}" = analyze ] && marker="(no findings)"
		echo "$marker" >"$out"
	fi
	local ok=0
	[ "$status" = "$want_status" ] || { fail "exit status $status, the manifest says $want_status"; ok=1; }
	if [ "${UPDATE:-0}" = 1 ]; then
		mkdir -p "$(dirname "$expected")"
		cp "$out" "$expected"
		echo "updated $id: review git diff $expected"
		return $ok
	fi
	if [ ! -f "$expected" ]; then
		fail "no $expected (UPDATE=1 writes it)"; ok=1
	elif ! grep -q '[^[:space:]]' "$expected"; then
		fail "$expected is empty: an empty output is written as (no findings) or (no output)"; ok=1
	elif ! cmp -s "$expected" "$out"; then
		fail "the output differs from $expected"
		diff -u --label "$expected" --label "output of: $program $*" "$expected" "$out"
		ok=1
	fi
	if [ $ok = 0 ]; then
		echo "ok $id"
	elif [ -s "$err" ]; then
		echo "stderr:"; cat "$err"
	fi
	return $ok
}

list=0
[ "${1-}" = --list ] && { list=1; shift; }
declare -A asked=()
for s in "$@"; do asked[$s]=0; done
n=0 failed=()
while read -r area name dir view status program args; do
	case $area in ''|'#'*) continue ;; esac
	if [ $# -gt 0 ]; then
		if [ -n "${asked[$area/$name]+x}" ]; then asked[$area/$name]=1
		elif [ -n "${asked[$area]+x}" ]; then asked[$area]=1
		else continue
		fi
	fi
	if [ $list = 1 ]; then echo "$area/$name"; continue; fi
	n=$((n + 1))
	# shellcheck disable=SC2086  # the command's words, as the manifest writes them
	run_case "$area" "$name" "$dir" "$view" "$status" "$program" $args || failed+=("$area/$name")
done <"$manifest"
for s in "$@"; do
	[ "${asked[$s]}" = 1 ] || { echo "no such case or area in tests/golden/manifest.txt: $s" >&2; exit 2; }
done
[ $list = 1 ] && exit 0
[ $n -gt 1 ] && echo "$n cases, ${#failed[@]} failed${failed[*]:+: ${failed[*]}}"
[ ${#failed[@]} = 0 ]
