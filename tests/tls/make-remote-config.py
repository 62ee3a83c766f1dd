#!/usr/bin/env python3
"""Builds remote-configuration captures from the recorded prov-good.pcap: the
AMT device (127.0.4.20) first sends its hello to the setup service
(127.0.4.1:9971) announcing root hashes, then the recorded TLS session runs.
  remote-config-trusted.pcap    the hello lists the provisioning root's SHA-256
  remote-config-untrusted.pcap  the hello lists only other roots
  remote-config-dhcp-mismatch.pcap  trusted, but DHCP gave the device option 15 corp.example
                                while the provisioning certificate is for prov.test
The hello layout is decoder/events/hello.h (interface version 3). Standard library only."""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
AMT, SCA = bytes([127, 0, 4, 20]), bytes([127, 0, 4, 1])
GODADDY = bytes.fromhex('c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4')


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(src, dst, sport, dport, seq, ack, flags, payload=b''):
    hdr = struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack('>BBH', 0, 6, len(hdr) + len(payload))
    hdr = hdr[:16] + struct.pack('>H', csum(pseudo + hdr + payload)) + hdr[18:]
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(hdr) + len(payload), 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
    return b'\0' * 12 + b'\x08\x00' + ip + hdr + payload


def root_sha256():
    import base64
    text = open(os.path.join(HERE, 'certs', 'prov-root.pem')).read()
    der = base64.b64decode(''.join(l for l in text.splitlines() if l and not l.startswith('-----')))
    return hashlib.sha256(der).digest()


def hello(hashes):
    uuid = bytes.fromhex('4b529b93d413181de4871c697a6b7a2b')
    body = struct.pack('<HHI', 1, 3, 0) + uuid + bytes([len(hashes)])
    return body + b''.join(bytes([2, 32]) + h for h in hashes)


def udp(src, dst, sport, dport, payload):
    u = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(u), 2, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
    return b'\0' * 12 + b'\x08\x00' + ip + u


def dhcp_ack(domain):
    mac = bytes.fromhex('020000000420')
    b = struct.pack('>BBBBIHH', 2, 1, 6, 0, 0x1234, 0, 0) + bytes(4) + AMT + bytes([127, 0, 4, 2]) + bytes(4)
    b += mac + bytes(10) + bytes(64) + bytes(128) + bytes([99, 130, 83, 99])
    b += bytes([53, 1, 5, 54, 4, 127, 0, 4, 2, 51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0])
    b += bytes([15, len(domain)]) + domain.encode() + bytes([255])
    return udp(bytes([127, 0, 4, 2]), AMT, 67, 68, b)


def write(name, hashes, domain=None):
    src = open(os.path.join(HERE, 'captures', 'prov-good.pcap'), 'rb').read()
    header, recs, off = src[:24], [], 24
    while off + 16 <= len(src):
        sec, usec, incl, orig = struct.unpack('<IIII', src[off:off + 16])
        recs.append((sec, usec, src[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    t0 = recs[0][0] - 2  # the hello comes two seconds before the TLS session
    payload = hello(hashes)
    a, s = 7000, 9000
    pkts = [frame(AMT, SCA, 50000, 9971, a, 0, 0x02),
            frame(SCA, AMT, 9971, 50000, s, a + 1, 0x12),
            frame(AMT, SCA, 50000, 9971, a + 1, s + 1, 0x10),
            frame(AMT, SCA, 50000, 9971, a + 1, s + 1, 0x18, payload),
            frame(AMT, SCA, 50000, 9971, a + 1 + len(payload), s + 1, 0x11),
            frame(SCA, AMT, 9971, 50000, s + 1, a + 2 + len(payload), 0x11),
            frame(AMT, SCA, 50000, 9971, a + 2 + len(payload), s + 2, 0x10)]
    if domain:
        pkts.insert(0, dhcp_ack(domain))
    with open(os.path.join(HERE, 'captures', name), 'wb') as f:
        f.write(header)
        for i, p in enumerate(pkts):
            f.write(struct.pack('<IIII', t0, 1000 * (i + 1), len(p), len(p)) + p)
        for sec, usec, data, orig in recs:
            f.write(struct.pack('<IIII', sec, usec, len(data), orig) + data)


write('remote-config-trusted.pcap', [GODADDY, root_sha256()])
write('remote-config-untrusted.pcap', [GODADDY])
write('remote-config-dhcp-mismatch.pcap', [GODADDY, root_sha256()], 'corp.example')
