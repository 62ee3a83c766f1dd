#!/usr/bin/env bash
# --format ecs on every capture of the suite and every log of the corpus, checked against the ECS field
# definitions of the @elastic/ecs npm package (ecs_check.js says what is
# asserted). npm installs the package into a cache folder in the build tree
# ($AMTSCOPE_NPM_CACHE to choose another); skipped (77) without npm/node.
set -euo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}" "${BUILDDIR:?}"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
	echo "npm or node is not installed (Debian: npm): skipping"
	exit 77
fi
ECS_PKG_VERSION=9.4.0  # the @elastic/ecs release the test was written against
cache=${AMTSCOPE_NPM_CACHE:-$BUILDDIR/npm-ecs}
if [ ! -f "$cache/node_modules/@elastic/ecs/package.json" ] ||
   ! grep -q "\"version\": \"$ECS_PKG_VERSION\"" "$cache/node_modules/@elastic/ecs/package.json"; then
	mkdir -p "$cache"
	if ! npm install --prefix "$cache" --no-audit --no-fund --silent "@elastic/ecs@$ECS_PKG_VERSION" >"$cache/install.log" 2>&1; then
		echo "FAIL: npm could not install @elastic/ecs@$ECS_PKG_VERSION into $cache:" >&2
		tail -5 "$cache/install.log" >&2
		exit 1
	fi
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
while IFS= read -r reads; do
	n=$((n + 1))
	# shellcheck disable=SC2086  # the input's options (-r FILE --keylog K, -l FILE); no spaces in the repo's paths
	SSLKEYLOGFILE= "$AMTSCOPE" analyze $reads --format ecs --sensor ecs-test --fail-on never \
		>"$out/$n.ndjson" 2>"$out/$n.err" || { echo "FAIL: analyze --format ecs $reads" >&2; cat "$out/$n.err" >&2; exit 1; }
done < <(python3 "$SRCDIR/tests/siem/suite.py" list)
echo "$n inputs analysed (captures and logs)"
exec node "$SRCDIR/tests/siem/ecs_check.js" "$cache" "$out"/*.ndjson
