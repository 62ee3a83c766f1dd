#!/usr/bin/env bash
# The cursor is the only road to packet bytes: no code under dissectors/ or
# decoder/ reads a multi-byte field by hand (shifting bytes together, ntohs/
# ntohl, a be16()/be32()/le32_at() helper); decoder/wire.h is the one place
# that does, bounds-checked. A line that shifts by 8 for another reason (a
# hash) says so with the marker "cursor-only: not a wire read". Checks the
# tree, then proves on a scratch copy that planted hand reads are caught.
# usage: cursor_only.sh [ROOT]        (default $SRCDIR)
set -uo pipefail
root=${1:-${SRCDIR:?SRCDIR}}
dirs=(dissectors decoder)
allowed=decoder/wire.h
marker='cursor-only: not a wire read'
pattern='<<[[:space:]]*(8|16|24|32|40|48|56)\b|\bntoh[sl][[:space:]]*\(|\b(be|le)(16|32|64)toh[[:space:]]*\(|\bbswap_(16|32|64)[[:space:]]*\(|__builtin_bswap|\b(be|le)(16|24|32|64)(_at)?[[:space:]]*\('

scan() { # root -> prints offending lines, returns 0 when there are none
	local out
	out=$(cd "$1" && grep -rnE --include='*.c' --include='*.h' "$pattern" "${dirs[@]}" 2>/dev/null |
		grep -v "^$allowed:" | grep -vF "$marker")
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}

fail=0
if scan "$root"; then
	echo "ok: no multi-byte read by hand under ${dirs[*]} (outside $allowed)"
else
	echo "FAIL: the lines above read multi-byte fields by hand; read them through the"
	echo "      cursor of $allowed (wire_u16be/u32le/..., wire_peek_u16be for a look ahead)"
	fail=1
fi

# the check must catch what it is there to catch, and nothing in wire.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in "${dirs[@]}"; do cp -r "$root/$d" "$tmp/$d"; done
if ! scan "$tmp" >/dev/null; then echo "FAIL: the scratch copy of the tree was flagged"; fail=1; fi
plant() { # label, file, line: the planted line must be caught
	cp "$tmp/$2" "$tmp/$2.orig"
	printf '%s\n' "$3" >> "$tmp/$2"
	if scan "$tmp" >/dev/null; then echo "FAIL: $1 planted in $2 was not caught"; fail=1; fi
	mv "$tmp/$2.orig" "$tmp/$2"
}
plant "a big-endian shift" dissectors/dns.c 'static size_t l(const uint8_t *p) { return ((size_t)p[0] << 8) | p[1]; }'
plant "a 32-bit shift" dissectors/rfb.c '	uint32_t v = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];'
plant "a be32 helper" dissectors/redir.c 'static uint32_t be32(const uint8_t *p);'
plant "a le32_at helper" dissectors/redir_ider.c '	uint32_t n = le32_at(p + 5);'
plant "ntohs" decoder/packet.c '	uint16_t t = ntohs(*(const uint16_t *)p);'
plant "be32toh" decoder/ipfrag.c '	uint32_t x = be32toh(v);'
cp "$tmp/$allowed" "$tmp/keep.h"
echo 'static inline uint16_t wire_x(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }' >> "$tmp/$allowed"
if ! scan "$tmp" >/dev/null; then echo "FAIL: a read inside $allowed was flagged"; fail=1; fi
mv "$tmp/keep.h" "$tmp/$allowed"
echo "	h = h << 8 ^ k;  /* $marker: a hash */" >> "$tmp/decoder/ipfrag.c"
if ! scan "$tmp" >/dev/null; then echo "FAIL: a line with the marker was flagged"; fail=1; fi
[ $fail = 0 ] && echo "ok: planted hand reads are caught"
exit $fail
