#!/usr/bin/env bash
# The Debian package, as a user gets it: built with dpkg-buildpackage from a
# fresh clone of the current commit (DEB_BUILD_OPTIONS=nocheck: the suite runs
# elsewhere in CI), installed with apt, then
#   - amtscope analyze on the packaged demo capture, run from /, prints the
#     demo report (exit 1: it has errors), the same as the build tree's binary;
#   - the installed binary reads /usr/share/amtscope only: breaking the
#     formats and knowledge base of the clone it was built from (whose path
#     is compiled in for the uninstalled binary) changes nothing;
#   - man page (with EXAMPLES), bash completion and data are where they belong;
# and the package is removed again (trap), also when a check fails.
# Needs root (apt); refuses to run when an amtscope package is installed
# already, so it never removes one it did not install. Prints ok/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD

[ "$(id -u)" -eq 0 ] || { echo "skip: installing a package needs root"; exit 77; }
for t in dpkg-buildpackage dh git apt-get; do
	command -v "$t" >/dev/null || { echo "FAIL: $t missing (build.sh test installs TEST_PKGS)"; exit 1; }
done
if dpkg-query -W -f='${Status}' amtscope 2>/dev/null | grep -q "ok installed"; then
	echo "FAIL: an amtscope package is installed already; remove it first (apt-get remove amtscope)"
	exit 1
fi

tmp=$(mktemp -d /tmp/amtscope-deb.XXXXXX)
installed=0
cleanup() {
	if [ $installed -eq 1 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 remove -y -q amtscope \
			>"$tmp/remove.log" 2>&1 || { echo "FAIL: apt-get remove amtscope"; cat "$tmp/remove.log"; }
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# a clone holds only what is committed: what a user cloning the repository gets
commit=$(git rev-parse HEAD)
git clone -q --shared "$SRC" "$tmp/src" && git -C "$tmp/src" checkout -q "$commit" ||
	{ echo "FAIL: git clone of $SRC"; exit 1; }
echo "building the package from a clone of $commit"
if ! (cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" nice -n 10 dpkg-buildpackage -us -uc -b) \
	>"$tmp/build.log" 2>&1; then
	tail -40 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage -us -uc -b"
	exit 1
fi
debs=("$tmp"/amtscope_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "FAIL: no single amtscope_*.deb: ${debs[*]}"; exit 1; }
deb=${debs[0]}
echo "built $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
for f in /usr/bin/amtscope /usr/share/man/man1/amtscope.1.gz \
	/usr/share/bash-completion/completions/amtscope /usr/share/amtscope/kb/amt-root-hashes.csv \
	/usr/share/doc/amtscope/examples/provisioning-demo.pcap /usr/share/doc/amtscope/copyright \
	/usr/share/amtscope/json-schema/amtscope-report.schema.json; do
	grep -qx -- "$f" "$tmp/contents" || bad "the package lacks $f"
done

installed=1
if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends \
	"$deb" >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	echo "FAIL: apt-get install $deb"
	exit 1
fi
[ "$(command -v amtscope)" = /usr/bin/amtscope ] || bad "amtscope on PATH is $(command -v amtscope), not /usr/bin/amtscope"

# data: every format and knowledge-base file of the source, the schemas
for d in formats kb; do
	want=$(cd "$tmp/src/rules/$d" && ls | sort)
	got=$(ls /usr/share/amtscope/$d 2>/dev/null | sort)
	[ "$want" = "$got" ] || bad "/usr/share/amtscope/$d holds '$got', the source '$want'"
done
ls /usr/share/amtscope/json-schema/*.schema.json >/dev/null 2>&1 || bad "no JSON schemas in /usr/share/amtscope/json-schema"

# the demo from /, with the installed data, against the build tree's binary
# (which reads the clone's rules/) on the same file
sample=/usr/share/doc/amtscope/examples/provisioning-demo.pcap
built=$tmp/src/obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)/cli/amtscope
demo() { # binary output-prefix
	(cd / && env -u AMTSCOPE_DATA "$1" analyze -r "$sample" >"$2.out" 2>"$2.err")
	echo $? >"$2.rc"
	(cd / && env -u AMTSCOPE_DATA "$1" logs --list-formats >"$2.formats" 2>>"$2.err")
}
demo /usr/bin/amtscope "$tmp/inst"
demo "$built" "$tmp/build"
[ "$(cat "$tmp/inst.rc")" = 1 ] || bad "the demo exited $(cat "$tmp/inst.rc"), not 1 (errors found)"
[ ! -s "$tmp/inst.err" ] || bad "the installed binary wrote to stderr: $(head -3 "$tmp/inst.err")"
for id in dns.provisionserver.missing wsman.auth.failed dns.fqdn.mismatch; do
	grep -q "error   $id" "$tmp/inst.out" || bad "the demo report lacks the error $id"
done
grep -q "^amtscope .* analysis" "$tmp/inst.out" || bad "the demo report has no header"
cmp -s "$tmp/inst.out" "$tmp/build.out" || bad "the installed binary's report differs from the build tree's"
cmp -s "$tmp/inst.formats" "$tmp/build.formats" || bad "the installed binary lists other log formats than the source has"

# break the data of the clone the package was built from: the build tree's
# binary must notice (else this check proves nothing), the installed one not
rm -f "$tmp/src/rules/formats/"*.fmt
for f in "$tmp/src/rules/kb/"*; do echo "broken" >"$f"; done
demo /usr/bin/amtscope "$tmp/inst2"
demo "$built" "$tmp/build2"
cmp -s "$tmp/build.formats" "$tmp/build2.formats" && bad "breaking the clone's rules/ did not change the build tree's binary"
cmp -s "$tmp/inst.out" "$tmp/inst2.out" || bad "breaking the source tree changed the installed binary's report"
cmp -s "$tmp/inst.formats" "$tmp/inst2.formats" || bad "breaking the source tree changed the installed binary's formats"
[ ! -s "$tmp/inst2.err" ] || bad "the installed binary complained after the source tree broke: $(head -3 "$tmp/inst2.err")"

# man page with its examples
page=$(man -w amtscope 2>/dev/null)
[ "$page" = /usr/share/man/man1/amtscope.1.gz ] || bad "man -w amtscope gives '$page'"
zcat /usr/share/man/man1/amtscope.1.gz 2>/dev/null | grep -q '^\.SH EXAMPLES' || bad "the man page has no EXAMPLES"
if command -v man >/dev/null; then
	MANWIDTH=100 man amtscope 2>/dev/null | grep -q "provisioning-demo.pcap" || bad "man amtscope does not render the examples"
fi

# bash completion, loaded as bash-completion loads it (by command name) when
# that package is installed, else sourced directly
comp=$(bash --norc --noprofile -c '
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		. /usr/share/bash-completion/bash_completion
		__load_completion amtscope || _completion_loader amtscope
	else
		. /usr/share/bash-completion/completions/amtscope
	fi
	COMP_WORDS=(amtscope analyze --fail-on w); COMP_CWORD=3
	COMP_LINE="amtscope analyze --fail-on w"; COMP_POINT=${#COMP_LINE}
	_amtscope amtscope w --fail-on
	echo "${COMPREPLY[*]}"' 2>&1)
[ "$comp" = warning ] || bad "completion of 'amtscope analyze --fail-on w' gave '$comp'"

if [ $fail -eq 0 ]; then
	echo "ok: $(basename "$deb") built from a clean clone, installed, demo report from / with /usr/share/amtscope, man page, completion"
fi
exit $fail
