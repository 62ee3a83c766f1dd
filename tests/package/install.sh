#!/usr/bin/env bash
# `meson install` into a staging folder: the exact list of installed files
# (binary, man page, formats/ and kb/, JSON schemas, docs with examples, bash
# completion), then the staged binary run from / with another working folder:
# it reads the data directory it was configured with (never the source tree
# that still exists beside it), and AMTSCOPE_DATA overrides that. The build
# tree's binary keeps reading the source tree's rules/. tests/package/deb.sh
# proves the same for a real installation under /usr.
set -euo pipefail
AMTSCOPE=$(realpath "${AMTSCOPE:-build/cli/amtscope}")
SRCDIR=$(realpath "${SRCDIR:-.}")
BUILDDIR=$(realpath "${BUILDDIR:-build}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

meson install -C "$BUILDDIR" --no-rebuild --destdir "$tmp/stage" --quiet >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }
prefix=$(meson introspect --buildoptions "$BUILDDIR" |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$tmp/stage$prefix
[ -d "$root" ] || { echo "FAIL: nothing installed under $root"; exit 1; }

# what must be installed, from the source tree
{
	echo bin/amtscope
	echo share/man/man1/amtscope.1
	echo share/bash-completion/completions/amtscope
	(cd "$SRCDIR/rules" && find formats kb -type f) | sed 's|^|share/amtscope/|'
	(cd "$SRCDIR/docs" && find json-schema -type f) | sed 's|^|share/amtscope/|'
	echo share/doc/amtscope/README.md
	echo share/doc/amtscope/CHANGELOG.md
	(cd "$SRCDIR/docs" && find . -type f ! -name amtscope.1 ! -path './json-schema/*') |
		sed 's|^\./|share/doc/amtscope/|'
	echo share/doc/amtscope/examples/provisioning-demo.pcap
} | sort >"$tmp/want"
(cd "$root" && find . -type f | sed 's|^\./||' | sort) >"$tmp/got"
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || { cat "$tmp/diff"; bad "installed files differ from the list (- missing, + unexpected)"; }
[ -x "$root/bin/amtscope" ] || bad "bin/amtscope is not executable"
cmp -s "$SRCDIR/cli/amtscope.bash-completion" "$root/share/bash-completion/completions/amtscope" ||
	bad "the installed completion is not cli/amtscope.bash-completion"

sample=$SRCDIR/samples/provisioning-demo.pcap
# the build tree's binary, run from elsewhere, reads the source tree's rules/
(cd / && "$AMTSCOPE" logs --list-formats) >"$tmp/formats.build" 2>"$tmp/err.build"
[ -s "$tmp/formats.build" ] && [ ! -s "$tmp/err.build" ] || bad "build-tree binary run from / did not find the source tree's formats"
(cd / && "$AMTSCOPE" analyze -r "$sample" --format json -o "$tmp/build.json") || [ $? -eq 1 ] || bad "build-tree analyze failed"

# the staged binary, run from / and from the source tree itself: it looks in
# its configured data directory ($prefix/share/amtscope), not in the source
# tree, and names that folder when it is missing
installed=$prefix/share/amtscope
for cwd in / "$SRCDIR"; do
	(cd "$cwd" && env -u AMTSCOPE_DATA "$root/bin/amtscope" logs --list-formats) >"$tmp/formats.inst" 2>"$tmp/err.inst" || true
	if [ -d "$installed/kb" ] && [ -d "$installed/formats" ]; then
		echo "note: $installed exists on this machine; checking that it is what the staged binary reads"
		grep -q "$SRCDIR" "$tmp/err.inst" && bad "staged binary mentions the source tree"
	else
		grep -qF "no data under $installed " "$tmp/err.inst" ||
			bad "staged binary (cwd $cwd) did not report its missing data directory $installed: $(cat "$tmp/err.inst")"
		[ ! -s "$tmp/formats.inst" ] || bad "staged binary (cwd $cwd) listed formats although $installed is missing: it read the source tree"
	fi
done

# with AMTSCOPE_DATA at the staged data directory, it reports what the build
# binary reports
(cd / && AMTSCOPE_DATA=$root/share/amtscope "$root/bin/amtscope" logs --list-formats) >"$tmp/formats.staged" 2>"$tmp/err.staged"
cmp -s "$tmp/formats.build" "$tmp/formats.staged" || bad "staged data gives other formats than the source tree"
[ ! -s "$tmp/err.staged" ] || bad "staged run warned: $(cat "$tmp/err.staged")"
(cd / && AMTSCOPE_DATA=$root/share/amtscope "$root/bin/amtscope" analyze -r "$sample" --format json -o "$tmp/staged.json") ||
	[ $? -eq 1 ] || bad "staged analyze failed"
cmp -s "$tmp/build.json" "$tmp/staged.json" || bad "staged analyze differs from the build tree's"

# and the data it is pointed at is really read: a format removed from a copy
# is missing from the list
cp -r "$root/share/amtscope" "$tmp/broken"
rm "$tmp/broken/formats/rpc-go.fmt"
(cd / && AMTSCOPE_DATA=$tmp/broken "$root/bin/amtscope" logs --list-formats) >"$tmp/formats.broken"
grep -q '^rpc-go ' "$tmp/formats.staged" && ! grep -q '^rpc-go ' "$tmp/formats.broken" ||
	bad "AMTSCOPE_DATA is not what the staged binary reads"

[ $fail -eq 0 ] && echo "ok: meson install puts $(wc -l <"$tmp/got") files under $prefix; the installed binary reads only $installed"
exit $fail
