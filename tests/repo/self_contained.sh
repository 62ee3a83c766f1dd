#!/usr/bin/env bash
# The repository stands alone: no test, doc, script, build file or source may
# read or cite the sibling folder the project was once developed beside
# (its test data now lives in tests/data/public/). Checks a tree, then proves
# on a scratch tree that a planted reference is caught, so the check itself
# cannot pass by finding nothing.
# usage: self_contained.sh [ROOT]        (default $SRCDIR)
set -uo pipefail
root=${1:-${SRCDIR:?SRCDIR}}
paths=(tests docs meson.build meson_options.txt build.sh bench samples README.md .ci
       cli check decoder dissectors inputs reports rules)
# the parent folder, its sub-folders by name, and the old test variable
pattern='\.\./shared|shared/(specs|wsman-samples|logs/public|captures/public|seeds)|\$SHARED\b|\$\{SHARED|environ(\.get)?[[(]"SHARED"|getenv\("SHARED"\)'
self=tests/repo/self_contained.sh

scan() { # root -> prints offending lines, returns 0 when there are none
	local dir=$1 existing=() p out
	for p in "${paths[@]}"; do [ -e "$dir/$p" ] && existing+=("$p"); done
	if git -C "$dir" rev-parse --show-toplevel 2>/dev/null | grep -qx "$(cd "$dir" && pwd -P)"; then
		out=$(cd "$dir" && git grep -I --untracked -nE "$pattern" -- "${existing[@]}" ":!$self")
	else
		out=$(cd "$dir" && grep -rInE --exclude-dir='build*' "$pattern" "${existing[@]}" | grep -v "^$self:")
	fi
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}

fail=0
if scan "$root"; then
	echo "ok: nothing under ${paths[*]} refers outside the repository"
else
	echo "FAIL: the lines above refer outside the repository; copy what they need into"
	echo "      tests/data/public/ (with its provenance in SOURCES.md) and refer to that"
	fail=1
fi

# the check must catch a planted reference, in a checkout and in a plain tree
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/plain/tests/x" "$tmp/plain/docs"
echo 'see the samples' > "$tmp/plain/docs/ok.md"
if ! scan "$tmp/plain" >/dev/null; then echo "FAIL: a clean scratch tree was flagged"; fail=1; fi
up=..  # the planted path is put together here, so this file holds no such reference itself
echo "open(\"$up/shared/logs/public/x.log\")" > "$tmp/plain/tests/x/planted.py"
if scan "$tmp/plain" >/dev/null; then echo "FAIL: a planted reference in a plain tree was not caught"; fail=1; fi
if command -v git >/dev/null; then
	cp -r "$tmp/plain" "$tmp/git"
	rm "$tmp/git/tests/x/planted.py"
	git -C "$tmp/git" init -q && git -C "$tmp/git" add -A
	if ! scan "$tmp/git" >/dev/null; then echo "FAIL: a clean scratch checkout was flagged"; fail=1; fi
	echo 'path = $SHARED/wsman-samples/http' > "$tmp/git/docs/planted.md"
	if scan "$tmp/git" >/dev/null; then echo "FAIL: a planted reference in a checkout was not caught"; fail=1; fi
fi
[ $fail = 0 ] && echo "ok: planted references are caught"
exit $fail
