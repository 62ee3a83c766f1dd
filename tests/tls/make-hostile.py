#!/usr/bin/env python3
"""Writes the hostile TLS captures in tests/tls/captures/ (deterministic):
  hostile-10000-certs.pcap   one Certificate message carrying 10,000 broken certificates
  hostile-1000-records.pcap  a real chain's Certificate message spread over 1,000+ records
  hostile-lengths.pcap       a certificate length past its list, broken DER, a record cut short
Only the standard library; run it from anywhere. make-unparseable.py builds
its sessions with the same pieces (Pcap, handshake, certificate, der)."""
import base64
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CLI, SRV = bytes([127, 0, 4, 30]), bytes([127, 0, 4, 31])


def der(name):
    text = open(os.path.join(HERE, 'certs', name)).read()
    body = ''.join(l for l in text.splitlines() if l and not l.startswith('-----'))
    return base64.b64decode(body)


def u24(n):
    return struct.pack('>I', n)[1:]


def handshake(msg_type, body):
    return bytes([msg_type]) + u24(len(body)) + body


def certificate(ders):
    lst = b''.join(u24(len(d)) + d for d in ders)
    return handshake(11, u24(len(lst)) + lst)


def records(data, size, rtype=22):
    return b''.join(bytes([rtype, 3, 3]) + struct.pack('>H', len(data[i:i + size])) + data[i:i + size]
                    for i in range(0, len(data), size))


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Pcap:
    """One capture of TCP sessions between a client and a server port, frames
    1 ms apart from a fixed start, checksums right."""

    def __init__(self, cli=CLI, srv=SRV, cport=40001, sport=16993):
        self.cli, self.srv, self.cport, self.sport = cli, srv, cport, sport
        self.frames = []
        self.t = 1795000000.0
        self.seq = {True: 1000, False: 5000}

    def tcp(self, c2s, flags, payload=b''):
        src, dst = (self.cli, self.srv) if c2s else (self.srv, self.cli)
        sport, dport = (self.cport, self.sport) if c2s else (self.sport, self.cport)
        ack = self.seq[not c2s]
        hdr = struct.pack('>HHIIBBHHH', sport, dport, self.seq[c2s], ack if flags != 0x02 else 0,
                          5 << 4, flags, 65535, 0, 0)
        pseudo = src + dst + struct.pack('>BBH', 0, 6, len(hdr) + len(payload))
        hdr = hdr[:16] + struct.pack('>H', csum(pseudo + hdr + payload)) + hdr[18:]
        self.seq[c2s] += len(payload) + (1 if flags & 0x03 else 0)
        ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(hdr) + len(payload), 1, 0x4000, 64, 6, 0,
                         src, dst)
        ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
        eth = b'\0' * 12 + b'\x08\x00'
        self.t += 0.001
        self.frames.append((self.t, eth + ip + hdr + payload))

    def session(self, server_bytes, client_bytes=b''):
        self.tcp(True, 0x02)
        self.tcp(False, 0x12)
        self.tcp(True, 0x10)
        for i in range(0, len(client_bytes), 1400):
            self.tcp(True, 0x18, client_bytes[i:i + 1400])
        for i in range(0, len(server_bytes), 1400):
            self.tcp(False, 0x18, server_bytes[i:i + 1400])
        self.tcp(False, 0x11)
        self.tcp(True, 0x11)
        self.tcp(False, 0x10)

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
            for t, data in self.frames:
                f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(data), len(data)))
                f.write(data)


def client_hello():
    body = struct.pack('>H', 0x0303) + bytes(range(32)) + b'\0' + struct.pack('>HH', 2, 0xc02f) + b'\x01\x00'
    return records(handshake(1, body), 16384)


def server_hello():
    body = struct.pack('>H', 0x0303) + bytes(32) + b'\0' + struct.pack('>H', 0xc02f) + b'\0'
    return records(handshake(2, body), 16384)


def main():
    p = Pcap()
    broken = b'\x30\x82\xff\xff\x01'
    p.session(server_hello() + records(certificate([broken] * 10000), 16384), client_hello())
    p.write(os.path.join(HERE, 'captures', 'hostile-10000-certs.pcap'))

    p = Pcap()
    p.session(server_hello() + records(certificate([der('leaf.pem'), der('issuing.pem')]), 1), client_hello())
    p.write(os.path.join(HERE, 'captures', 'hostile-1000-records.pcap'))

    p = Pcap()
    bad_list = u24(50000) + u24(3) + b'\x30\x01\x00'   # list longer than the message, broken DER
    cut = bytes([22, 3, 3, 0x40, 0x00]) + b'\x0b' * 100  # a record that never ends
    p.session(server_hello() + records(handshake(11, bad_list), 16384) + cut, client_hello())
    p.write(os.path.join(HERE, 'captures', 'hostile-lengths.pcap'))


if __name__ == '__main__':
    main()
