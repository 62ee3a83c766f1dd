#!/usr/bin/env python3
"""Derives the PPP captures from the recorded sll.pcap (Linux cooked v1): the
same IP packets, each behind a PPP header, as a PPP link would carry them.
No PPP peer runs on this machine (no pppd, no serial line), so the frames
are written here and tshark is the check that they are what we say.

ppp.pcap       DLT_PPP (9): 0xff 0x03 + 2-byte protocol (0x0021 IPv4); the
               second frame with the protocol compressed to one byte and no
               address/control (RFC 1661 §6.5, RFC 1662 §3.2); an LCP
               Echo-Request first (not IP).
ppp-hdlc.pcap  DLT_PPP_SERIAL (50): 0xff 0x03 + protocol, and one frame in
               Cisco HDLC framing (0x0f 0x00 + Ethernet type 0x0800).

usage: make_ppp.py SLL.pcap OUTDIR
"""
import struct
import sys

data = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4 and struct.unpack('<I', data[20:24])[0] == 113
recs, i = [], 24
while i + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack('<IIII', data[i:i + 16])
    frame = data[i + 16:i + 16 + incl]
    i += 16 + incl
    recs.append((ts, tu, frame[16:], struct.unpack('>H', frame[14:16])[0]))


def write(path, linktype, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for ts, tu, d in frames:
            f.write(struct.pack('<IIII', ts, tu, len(d), len(d)) + d)


def proto(et):
    return {0x0800: 0x0021, 0x86dd: 0x0057}[et]


lcp_echo = b'\xff\x03\xc0\x21' + b'\x09\x01\x00\x08' + b'\x12\x34\x56\x78'
ts0, tu0 = recs[0][0], recs[0][1]
ppp = [(ts0, tu0, lcp_echo)]
hdlc = [(ts0, tu0, lcp_echo)]
for n, (ts, tu, ip, et) in enumerate(recs):
    p = proto(et)
    if n == 1:
        ppp.append((ts, tu, bytes([p]) + ip))  # compressed protocol, no address/control
    else:
        ppp.append((ts, tu, b'\xff\x03' + struct.pack('>H', p) + ip))
    if n == 2:
        hdlc.append((ts, tu, b'\x0f\x00' + struct.pack('>H', et) + ip))  # Cisco HDLC
    else:
        hdlc.append((ts, tu, b'\xff\x03' + struct.pack('>H', p) + ip))
write(f'{sys.argv[2]}/ppp.pcap', 9, ppp)
write(f'{sys.argv[2]}/ppp-hdlc.pcap', 50, hdlc)
