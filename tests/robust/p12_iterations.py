#!/usr/bin/env python3
"""Rewrites the MAC iteration count of a PKCS#12 file (PFX: SEQUENCE {
version, authSafe, MacData SEQUENCE { DigestInfo, salt, iterations } }).
The MAC no longer verifies, which does not matter: the count must be refused
before any key is derived from it.
usage: p12_iterations.py IN.p12 OUT.p12 COUNT"""
import sys


def tlv(data, off):
    tag = data[off]
    n = data[off + 1]
    off += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[off:off + k], "big")
        off += k
    return tag, off, off + n


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + length(len(body)) + body


def children(data, start, end):
    out = []
    while start < end:
        _, body, nxt = tlv(data, start)
        out.append(data[start:nxt])
        start = nxt
    return out


def main():
    src, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    _, body, end = tlv(data, 0)
    parts = children(data, body, end)
    mac = parts[2]
    _, mbody, mend = tlv(mac, 0)
    mparts = children(mac, mbody, mend)
    n = count.to_bytes((count.bit_length() + 8) // 8, "big")  # a leading zero keeps it positive
    mparts[2] = der(0x02, n)
    parts[2] = der(0x30, b"".join(mparts))
    open(dst, "wb").write(der(0x30, b"".join(parts)))


if __name__ == "__main__":
    main()
