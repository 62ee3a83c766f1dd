#!/usr/bin/env python3
"""Writes a pcapng whose interface claims an absurd clock: if_tsresol
(RESOL, default 0x80|63: 2^-63 s) and if_tsoffset 2^64-1 seconds, then two
TCP packets: a SYN to AMT's 16992 whose 64-bit timestamp is all ones, its
SYN-ACK at 1 000 000 units. usage: pcapng_clock.py OUT [RESOL [OFFSET]]"""
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src, dst, sport, dport, flags):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\2" + b"\x02\0\0\0\0\1" + b"\x08\x00" + ip + tcp


def block(kind, body):
    body += b"\0" * ((-len(body)) & 3)
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def main():
    out = sys.argv[1]
    resol = int(sys.argv[2], 0) if len(sys.argv) > 2 else 0x80 | 63
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    offset = int(sys.argv[3], 0) if len(sys.argv) > 3 else 2**64 - 1
    opts = struct.pack("<HHB3x", 9, 1, resol) + struct.pack("<HHQ", 14, 8, offset) + struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", 1, 0, 65535) + opts)
    a, b = [127, 0, 20, 1], [127, 0, 20, 2]
    pkts = [packet(a, b, 50000, 16992, 0x02), packet(b, a, 16992, 50000, 0x12)]
    stamps = [2**64 - 1, 1000000]
    epbs = b"".join(block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(p), len(p)) + p)
                    for p, t in zip(pkts, stamps))
    with open(out, "wb") as f:
        f.write(shb + idb + epbs)


if __name__ == "__main__":
    main()
