#!/usr/bin/env python3
"""Derives dns-ipv6-frag-overlap.pcap from the recorded dns-ipv6-frag.pcap:
the answer's second fragment is sent again 8 bytes earlier, overlapping the
first (the attack RFC 5722 forbids). The receiver must discard the whole
datagram, so the query reads "no response".

usage: make_overlap.py IN.pcap OUT.pcap
"""
import struct
import sys

data = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4
out, i, n = bytearray(data[:24]), 24, 0
while i + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack('<IIII', data[i:i + 16])
    frame = data[i + 16:i + 16 + incl]
    i += 16 + incl
    out += struct.pack('<IIII', ts, tu, incl, orig) + frame
    # Ethernet + IPv6 (next header 44) + Fragment header at 54
    if frame[12:14] == b'\x86\xdd' and frame[20] == 44:
        offm = struct.unpack('>H', frame[56:58])[0]
        if offm >> 3 and n == 0:
            n += 1
            dup = bytearray(frame)
            struct.pack_into('>H', dup, 56, (((offm >> 3) - 1) << 3) | (offm & 7))
            out += struct.pack('<IIII', ts, tu + 1, incl, orig) + bytes(dup)
open(sys.argv[2], 'wb').write(out)
