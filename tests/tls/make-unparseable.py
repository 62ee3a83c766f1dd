#!/usr/bin/env python3
"""Writes two TLS sessions whose server leaf does not decode, into the folder
given (the test makes them at run time; nothing is committed):
  cut-leaf.pcap     the Certificate entry holds only the first 600 bytes of a
                    real leaf: its DER announces more than was sent (cut short)
  broken-leaf.pcap  the entry holds the whole leaf, every length intact, but its
                    tbsCertificate tag is wrong: all there, and it does not parse
Both send the real issuing CA after the leaf. Only the standard library.
usage: make-unparseable.py OUTDIR"""
import base64
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLI, SRV = bytes([127, 0, 4, 40]), bytes([127, 0, 4, 41])


def der(name):
    text = open(os.path.join(HERE, 'certs', name)).read()
    body = ''.join(l for l in text.splitlines() if l and not l.startswith('-----'))
    return base64.b64decode(body)


def u24(n):
    return struct.pack('>I', n)[1:]


def handshake(msg_type, body):
    return bytes([msg_type]) + u24(len(body)) + body


def record(data):
    return bytes([22, 3, 3]) + struct.pack('>H', len(data)) + data


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def session(server_bytes, client_bytes):
    frames, t, seq = [], 1795000000.0, {True: 1000, False: 5000}

    def tcp(c2s, flags, payload=b''):
        nonlocal t
        src, dst = (CLI, SRV) if c2s else (SRV, CLI)
        sport, dport = (40002, 443) if c2s else (443, 40002)
        hdr = struct.pack('>HHIIBBHHH', sport, dport, seq[c2s], seq[not c2s] if flags != 0x02 else 0,
                          5 << 4, flags, 65535, 0, 0)
        pseudo = src + dst + struct.pack('>BBH', 0, 6, len(hdr) + len(payload))
        hdr = hdr[:16] + struct.pack('>H', csum(pseudo + hdr + payload)) + hdr[18:]
        seq[c2s] += len(payload) + (1 if flags & 0x03 else 0)
        ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(hdr) + len(payload), 1, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
        t += 0.001
        frames.append((t, b'\0' * 12 + b'\x08\x00' + ip + hdr + payload))

    tcp(True, 0x02)
    tcp(False, 0x12)
    tcp(True, 0x10)
    tcp(True, 0x18, client_bytes)
    for i in range(0, len(server_bytes), 1400):
        tcp(False, 0x18, server_bytes[i:i + 1400])
    tcp(False, 0x11)
    tcp(True, 0x11)
    tcp(False, 0x10)
    return frames


def write(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for t, data in frames:
            f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(data), len(data)))
            f.write(data)


def certificate(ders):
    lst = b''.join(u24(len(d)) + d for d in ders)
    return handshake(11, u24(len(lst)) + lst)


hello = struct.pack('>H', 0x0303) + bytes(range(32)) + b'\0' + struct.pack('>HH', 2, 0xc02f) + b'\x01\x00'
server_hello = struct.pack('>H', 0x0303) + bytes(32) + b'\0' + struct.pack('>H', 0xc02f) + b'\0'
leaf, issuing = der('leaf.pem'), der('issuing.pem')
assert leaf[0] == 0x30 and leaf[1] == 0x82 and leaf[4] == 0x30  # SEQUENCE { tbsCertificate SEQUENCE ...
broken = leaf[:4] + b'\x31' + leaf[5:]                            # ... the inner tag made a SET
out = sys.argv[1]
for name, first in (('cut-leaf.pcap', leaf[:600]), ('broken-leaf.pcap', broken)):
    server = record(handshake(2, server_hello)) + record(certificate([first, issuing]))
    write(os.path.join(out, name), session(server, record(handshake(1, hello))))
