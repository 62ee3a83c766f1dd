#!/usr/bin/env python3
"""Derives dns-tcp-gap.pcap from the recorded dns-tcp.pcap: the second data
segment the server sent is left out, as if the capture had dropped it. The
first answer's middle is then missing; the rest of its bytes arrive before
the next message's length prefix.

usage: make_gap.py IN.pcap OUT.pcap
"""
import struct
import sys

data = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4
out, i, seen = bytearray(data[:24]), 24, 0
while i + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack('<IIII', data[i:i + 16])
    frame = data[i + 16:i + 16 + incl]
    i += 16 + incl
    if frame[12:14] == b'\x08\x00' and frame[23] == 6:
        ihl = (frame[14] & 15) * 4
        tcp = 14 + ihl
        sport = struct.unpack('>H', frame[tcp:tcp + 2])[0]
        payload = len(frame) - tcp - (frame[tcp + 12] >> 4) * 4
        if sport == 53 and payload > 0:
            seen += 1
            if seen == 2:
                continue
    out += struct.pack('<IIII', ts, tu, incl, orig) + frame
open(sys.argv[2], 'wb').write(out)
