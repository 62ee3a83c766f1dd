#!/usr/bin/env python3
"""Writes adversarial captures: what a damaged or hostile capture can throw at
amtscope. Each file aims at one cap or one parser corner; hostile_test.py runs
`amtscope analyze` on each and bounds its exit status, memory and time.

usage: hostile.py OUTDIR [NAME...]     (no NAME: all of them)
       hostile.py --logs OUTDIR SAMPLE.log...   (damaged copies of real logs)
Standard library only; deterministic (fixed seeds).
"""
import os
import random
import struct
import sys

CLIENT = bytes([10, 66, 0, 2])
SERVER = bytes([10, 66, 0, 1])
MAC_C = bytes.fromhex("02000000000c")
MAC_S = bytes.fromhex("02000000000a")
T0 = 1795435200 * 1000000


def csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, frag, 64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def eth(payload, src=MAC_C, dst=MAC_S, ethertype=0x0800):
    return dst + src + struct.pack("!H", ethertype) + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags, 65535, 0, 0) + payload
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(seg)) + seg)
    return eth(ipv4(src, dst, 6, seg[:16] + struct.pack("!H", c) + seg[18:]))


def udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(src + dst + struct.pack("!BBH", 0, 17, len(seg)) + seg) or 0xFFFF
    return eth(ipv4(src, dst, 17, seg[:6] + struct.pack("!H", c) + seg[8:]))


class Pcap:
    def __init__(self, path, snaplen=262144, linktype=1):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        self.ts = T0

    def add(self, frame, caplen=None, wirelen=None):
        self.ts += 10
        n = len(frame)
        self.f.write(struct.pack("<IIII", self.ts // 1000000, self.ts % 1000000,
                                 n if caplen is None else caplen, n if wirelen is None else wirelen))
        self.f.write(frame)

    def raw(self, data):
        self.f.write(data)

    def close(self):
        self.f.close()


class Flow:
    """A TCP connection between CLIENT:cport and SERVER:sport, sequence numbers tracked."""
    F_FIN, F_SYN, F_RST, F_PSH, F_ACK = 1, 2, 4, 8, 16

    def __init__(self, pcap, cport, sport, cli=CLIENT, srv=SERVER, handshake=True):
        self.p, self.cport, self.sport, self.cli, self.srv = pcap, cport, sport, cli, srv
        self.seq = {True: 1000, False: 900000}
        if handshake:
            self.send(True, b"", self.F_SYN)
            self.send(False, b"", self.F_SYN | self.F_ACK)
            self.send(True, b"", self.F_ACK)

    def send(self, from_client, data, flags=F_PSH | F_ACK, seq=None, mss=1448):
        for off in range(0, max(len(data), 1), mss):
            chunk = data[off:off + mss]
            s = self.seq[from_client] if seq is None else seq + off
            if from_client:
                fr = tcp(self.cli, self.srv, self.cport, self.sport, s, self.seq[False], flags, chunk)
            else:
                fr = tcp(self.srv, self.cli, self.sport, self.cport, s, self.seq[True], flags, chunk)
            self.p.add(fr)
            if seq is None:
                self.seq[from_client] += len(chunk) + (1 if flags & (self.F_SYN | self.F_FIN) else 0)

    def close(self):
        self.send(True, b"", self.F_FIN | self.F_ACK)
        self.send(False, b"", self.F_FIN | self.F_ACK)
        self.send(True, b"", self.F_ACK)


HTTP_REQ = (b"POST /wsman HTTP/1.1\r\nHost: 10.66.0.1:16992\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n")


# --- the captures -------------------------------------------------------------

def syn_flood(path):
    """1,000,000 SYNs to 16992, each from a distinct source address:port: the flow table cap."""
    n = 1000000
    rec = 16 + 54
    buf = bytearray(rec * n)
    ts0 = T0
    base = bytearray(eth(ipv4(bytes(4), SERVER, 6, struct.pack("!HHIIBBHHH", 0, 16992, 1, 0, 0x50, 2, 65535, 0, 0)),
                         src=MAC_C))
    # Checksums are filled from a precomputed base: the varying words (source
    # address and port) are added in, so a million frames take ~2 s in Python.
    base[24:26] = b"\0\0"
    base[50:52] = b"\0\0"
    ip_base = sum(struct.unpack("!10H", bytes(base[14:34])))
    tcp_base = (sum(struct.unpack("!10H", bytes(base[34:54]))) + sum(struct.unpack("!2H", SERVER)) + 6 + 20)
    hdr = struct.Struct("<IIII")
    for i in range(n):
        off = i * rec
        ts = ts0 + i
        hdr.pack_into(buf, off, ts // 1000000, ts % 1000000, 54, 54)
        buf[off + 16:off + rec] = base
        hi, lo = 100 + i // 64000, i % 256
        mid = (i // 256) % 250
        port = 1024 + i % 64000
        w1, w2 = (10 << 8) | hi, (mid << 8) | lo
        s = ip_base + w1 + w2
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        t = tcp_base + w1 + w2 + port
        t = (t & 0xFFFF) + (t >> 16)
        t = (t & 0xFFFF) + (t >> 16)
        f = off + 16
        buf[f + 26] = 10
        buf[f + 27] = hi
        buf[f + 28] = mid
        buf[f + 29] = lo
        struct.pack_into("!H", buf, f + 24, ~s & 0xFFFF)
        struct.pack_into("!H", buf, f + 34, port)
        struct.pack_into("!H", buf, f + 50, ~t & 0xFFFF)
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        out.write(buf)


def overlap_retrans(path):
    """Retransmissions that overlap earlier data with different bytes, data
    beyond the window, sequence wrap-around, and a storm of out-of-order bytes."""
    p = Pcap(path)
    body = b"<a:Envelope>" + b"A" * 3000 + b"</a:Envelope>"
    req = HTTP_REQ + b"Content-Length: %d\r\n\r\n" % len(body) + body
    f = Flow(p, 50001, 16992)
    base = f.seq[True]
    f.send(True, req[:2000], seq=base)
    f.send(True, b"X" * 2500, seq=base + 500)          # overlaps, different bytes
    f.send(True, req[100:900].lower(), seq=base + 100)  # inside, different bytes
    f.send(True, req[1900:], seq=base + 1900)
    f.send(True, b"Z" * 100, seq=base + 0x7FFFFFFF)     # half the sequence space away
    f.send(True, b"Y" * 100, seq=base - 50)             # starts before the stream
    f.close()
    g = Flow(p, 50002, 16992)                            # sequence numbers wrap around 2^32
    g.seq[True] = 0xFFFFFF00
    g.send(True, req)
    g.close()
    h = Flow(p, 50003, 16992)                            # 20,000 one-byte segments, last first
    start = h.seq[True]
    for i in range(20000, 0, -1):
        h.send(True, bytes([0x41 + i % 26]), seq=start + i)
    h.send(True, b"P", seq=start)
    h.close()
    k = Flow(p, 50004, 16992)                            # the same segment 5,000 times, each time different
    s = k.seq[True]
    for i in range(5000):
        k.send(True, bytes([i % 256]) * 1000, seq=s)
    k.close()
    for i in range(200):                                 # SYN retransmits with a different ISN each
        p.add(tcp(CLIENT, SERVER, 50005, 16992, i * 7919, 0, Flow.F_SYN))
    p.close()


def http_huge_body(path):
    """Bodies declared far larger than what follows, and Content-Length values
    that overflow or are negative."""
    p = Pcap(path)
    for n, cl in enumerate([b"1073741824", b"18446744073709551615", b"18446744073709551616",
                            b"99999999999999999999999999999", b"-1", b"0x10", b"1e9", b" 12 34"]):
        f = Flow(p, 51000 + n, 16992)
        f.send(True, HTTP_REQ + b"Content-Length: " + cl + b"\r\n\r\n" + b"<" * 200000)
        f.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: " + cl + b"\r\n\r\n" + b"B" * 300000)
        f.close()
    f = Flow(p, 51100, 16992)                            # one header block larger than any cap
    f.send(True, b"POST /wsman HTTP/1.1\r\nX-Long: " + b"h" * 3000000)
    f.close()
    f = Flow(p, 51101, 16992)                            # 100,000 headers
    f.send(True, HTTP_REQ + b"".join(b"X-%d: v\r\n" % i for i in range(100000)) + b"\r\n")
    f.close()
    p.close()


def http_many_bodies(path):
    """300 connections that each POST a 1 MiB body, all at once: the body
    copies the HTTP dissector keeps count against --max-total-bytes."""
    p = Pcap(path)
    flows = []
    body = b"<" + b"x" * ((1 << 20) - 1)
    for n in range(300):
        f = Flow(p, 20000 + n, 16992)
        f.send(True, HTTP_REQ + b"Content-Length: %d\r\n\r\n" % len(body))
        flows.append(f)
    step = 60000
    for off in range(0, len(body), step):
        for f in flows:
            f.send(True, body[off:off + step], mss=step)
    for f in flows:
        f.close()
    p.close()


def chunk_overflow(path):
    """Chunk sizes at and past 2^64, chunk extensions without end, a million tiny chunks."""
    p = Pcap(path)
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=UTF-8\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    sizes = [b"FFFFFFFFFFFFFFFF", b"10000000000000000", b"FFFFFFFFFFFFFFFFF", b"1" + b"0" * 40,
             b"7FFFFFFFFFFFFFFF", b"-1", b"", b"zz", b"8000000000000000;ext=" + b"e" * 100000]
    for n, s in enumerate(sizes):
        f = Flow(p, 52000 + n, 16992)
        f.send(True, HTTP_REQ + b"Content-Length: 0\r\n\r\n")
        f.send(False, head + s + b"\r\n" + b"<x>" * 20000 + b"\r\n0\r\n\r\n")
        f.close()
    f = Flow(p, 52100, 16992)
    f.send(True, HTTP_REQ + b"Content-Length: 0\r\n\r\n")
    f.send(False, head + b"1\r\n<\r\n" * 200000 + b"0\r\n\r\n")
    f.close()
    p.close()


def deep_xml(path):
    """SOAP replies nested 200,000 deep, an entity-expansion bomb, a huge attribute."""
    p = Pcap(path)
    deep = b"<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\"><a:Body>" + \
        b"<x>" * 200000 + b"</x>" * 200000 + b"</a:Body></a:Envelope>"
    lol = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "lollollollollollol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 12)) + \
        b']><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope"><a:Body>&l11;</a:Body></a:Envelope>'
    ext = (b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope"><a:Body>&x;</a:Body></a:Envelope>')
    attr = b'<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" z="' + b"q" * 2000000 + b'"/>'
    unclosed = b"<a:Envelope>" + b"<b:Body>" * 300000
    for n, doc in enumerate([deep, lol, ext, attr, unclosed]):
        f = Flow(p, 53000 + n, 16992)
        f.send(True, HTTP_REQ + b"Content-Length: %d\r\n\r\n" % len(doc) + doc)
        f.send(False, b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=UTF-8\r\n"
               b"Content-Length: %d\r\n\r\n" % len(doc) + doc)
        f.close()
    p.close()


def dns_name(labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def dns_loops(path):
    """Compression pointers that loop, point forward or out of the message;
    names longer than 255; counts that promise 65535 records."""
    p = Pcap(path)
    hdr = lambda qd, an: struct.pack("!HHHHHH", 0x1234, 0x8180, qd, an, 0, 0)
    msgs = [
        hdr(1, 0) + b"\xc0\x0c\x00\x01\x00\x01",                          # name points at itself
        hdr(1, 0) + b"\x01a\xc0\x0e\x00\x01\x00\x01",                     # a -> pointer to 'a' ...
        hdr(1, 1) + b"\x01a\xc0\x14\x00\x01\x00\x01" + b"\x01b\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x0a\x00\x00\x01",
        hdr(1, 0) + b"\xc0\xff\x00\x01\x00\x01",                          # beyond the message
        hdr(1, 0) + b"\xff\xff\x00\x01\x00\x01",                          # reserved label type
        hdr(1, 0) + dns_name([b"x" * 63] * 8) + b"\x00\x01\x00\x01",        # name > 255
        hdr(65535, 65535) + dns_name([b"amt"]) + b"\x00\x01\x00\x01",
        hdr(1, 300) + dns_name([b"amt", b"example"]) + b"\x00\x01\x00\x01"               # 300 answers
        + b"".join(b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x0a\x00\x00\x01" for _ in range(300)),
        hdr(0, 1) + b"\x00\x00\x01\x00\x01\x00\x00\x00\x10\xff\xff" + b"\x00" * 10,  # rdlength past the end
    ]
    # a backward chain of 2,000 pointers, each to the previous one: long but finite
    chain = bytearray(hdr(1, 0) + b"\x01z\x00")
    prev = 12
    for _ in range(2000):
        here = len(chain)
        if here > 0x3FFF:
            break
        chain += bytes([0x01, 0x7A, 0xC0 | (prev >> 8), prev & 0xFF])
        prev = here
    chain += bytes([0xC0 | (prev >> 8), prev & 0xFF]) + b"\x00\x01\x00\x01"
    msgs.append(bytes(chain))
    for i, m in enumerate(msgs):
        p.add(udp(SERVER, CLIENT, 53, 40000 + i, m))
        f = Flow(p, 54000 + i, 53, srv=SERVER)                 # the same over TCP, length-prefixed
        f.send(False, struct.pack("!H", len(m)) + m)
        f.send(False, b"\xff\xff" + m)                        # and a prefix promising more
        f.close()
    p.close()


def tls_endless(path):
    """TLS handshakes that never end: a 16 MB handshake message declared and fed
    in pieces, records of 2^16-1 cut short, chains of thousands of empty certificates."""
    p = Pcap(path)
    rec = lambda ct, body: bytes([ct, 3, 3]) + struct.pack("!H", len(body)) + body
    f = Flow(p, 55000, 16993)
    f.send(True, rec(22, b"\x01\xff\xff\xff" + b"\x03\x03" + b"C" * 16000))
    for _ in range(150):
        f.send(True, rec(22, b"c" * 16384))
    f.close()
    f = Flow(p, 55001, 16993)
    f.send(False, b"\x16\x03\x03\xff\xff" + b"S" * 30000)       # record promises 65535, stream ends
    f.close()
    f = Flow(p, 55002, 16993)
    certs = b"\x00\x00\x00" * 20000
    body = b"\x0b" + struct.pack("!I", len(certs) + 3)[1:] + struct.pack("!I", len(certs))[1:] + certs
    f.send(False, b"".join(rec(22, body[i:i + 16384]) for i in range(0, len(body), 16384)))
    f.close()
    f = Flow(p, 55003, 16993)
    f.send(False, rec(22, b"\x0b\x00\x00\x08\xff\xff\xff\x00\x00\x05abcde"))  # list longer than message
    f.send(True, rec(22, b""), )
    f.send(True, b"".join(rec(23, b"") for _ in range(100000)))           # 100,000 empty records
    f.close()
    f = Flow(p, 55004, 16993)
    f.send(True, b"\x16\x03\x03\x00\x05\x01\x00\x00" * 50000)            # fragments of ever-unfinished ClientHellos
    f.close()
    p.close()


def redir_opcodes(path):
    """Every redirection opcode, in every session type and both directions,
    with every length field at its maximum."""
    p = Pcap(path)
    port = 56000
    for session, flag in [(b"SOL ", 0), (b"IDER", 0), (b"KVMR", 1)]:
        for op in range(256):
            f = Flow(p, port, 16994)
            port += 1
            f.send(True, bytes([0x10, flag, 0, 0]) + session)
            f.send(False, bytes([0x11, 0, 0, 0, 1, 0, 16, 1, 0x57, 0x01, 0, 0, 0xFF]) + b"\xee" * 255)
            f.send(True, bytes([0x13, 0, 0, 0, 4]) + b"\xff\xff\xff\xff" + b"u" * 1500)
            msg = bytes([op]) + b"\xff" * 33 + b"\xa5" * 3000
            f.send(True, msg)
            f.send(False, msg)
            f.close()
    f = Flow(p, port, 16995, handshake=True)                   # TLS port, plain bytes
    f.send(True, bytes([0x10, 0, 0, 0]) + b"SOL " + b"\x28" + b"\xff" * 9 + b"d" * 70000)
    f.close()
    p.close()


def truncated(outdir):
    """Damaged pcap files: records cut short, absurd lengths, a header alone."""
    good = tcp(CLIENT, SERVER, 57000, 16992, 1, 0, Flow.F_SYN)
    hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    rec = lambda incl, orig: struct.pack("<IIII", T0 // 1000000, 0, incl, orig)
    cases = {
        "trunc-data": rec(len(good), len(good)) + good + rec(1000, 1000) + good[:10],
        "trunc-header": rec(len(good), len(good)) + good + rec(len(good), len(good))[:7],
        "trunc-caplen-4g": rec(len(good), len(good)) + good + rec(0xFFFFFFFF, 0xFFFFFFFF) + good,
        "trunc-caplen-gt-len": rec(len(good), 10) + good,
        "trunc-file-header": hdr[:13],
        "trunc-empty": b"",
    }
    # frames whose own headers lie: cut mid-IP, IHL past the frame, total length
    # below the header, TCP data offset past the end, a VLAN tag stack
    lies = [good[:20], good[:30], good[:14] + b"\x4f" + good[15:], good[:16] + b"\x00\x05" + good[18:],
            good[:46] + b"\xf0" + good[47:], b"\xff" * 12 + b"\x81\x00\x00\x01" * 2000 + good[12:],
            good[:14] + b"\x60" + b"\x00" * 7 + b"\x00\x00\xff\x00" + b"\x00" * 32]
    body = b"".join(rec(len(x), len(x)) + x for x in lies)
    cases["malformed-headers"] = body
    paths = []
    for name, data in cases.items():
        path = os.path.join(outdir, name + ".pcap")
        with open(path, "wb") as f:
            f.write(data if name.startswith("trunc-file") or name == "trunc-empty" else hdr + data)
        paths.append(path)
    return paths


def snaplen_2g(path):
    """A pcap header claiming a snapshot length of 2^31."""
    p = Pcap(path, snaplen=1 << 31)
    f = Flow(p, 58000, 16992)
    f.send(True, HTTP_REQ + b"Content-Length: 5\r\n\r\nhello")
    f.close()
    p.add(b"\0" * 64, caplen=1 << 30, wirelen=1 << 31)     # a record claiming 1 GB, absent
    p.close()


def ip_fragments(path):
    """IPv4 fragments that never complete (100,000 datagrams), and overlapping ones."""
    p = Pcap(path)
    payload = struct.pack("!HHHH", 40000, 53, 1008, 0) + b"f" * 1000
    for i in range(100000):
        p.add(eth(ipv4(CLIENT, SERVER, 17, payload[:512], ident=i, frag=0x2000)))
    for i in range(500):
        p.add(eth(ipv4(CLIENT, SERVER, 17, payload[:512], ident=70000 + i, frag=0x2000)))
        p.add(eth(ipv4(CLIENT, SERVER, 17, b"o" * 512, ident=70000 + i, frag=0x2000 | 32)))
        p.add(eth(ipv4(CLIENT, SERVER, 17, b"q" * 64, ident=70000 + i, frag=60)))
    p.add(eth(ipv4(CLIENT, SERVER, 17, b"e" * 100, ident=9, frag=0x1FFF)))  # offset at the very end
    p.close()


def random_payloads(path):
    """Seeded random bytes on every port amtscope listens to, both directions."""
    rng = random.Random(11)
    p = Pcap(path)
    ports = [9971, 16992, 16993, 16994, 16995, 623, 664, 4433, 5900]
    for i in range(400):
        port = ports[i % len(ports)]
        f = Flow(p, 59000 + i, port)
        for _ in range(rng.randrange(1, 6)):
            f.send(rng.random() < 0.5, rng.randbytes(rng.randrange(1, 5000)))
        f.close()
    for i in range(2000):
        port = [53, 67, 68, 623, 664][i % 5]
        p.add(udp(CLIENT, SERVER, 40000 + i % 3, port, rng.randbytes(rng.randrange(0, 1400))))
        p.add(udp(SERVER, CLIENT, port, 40000 + i % 3, rng.randbytes(rng.randrange(0, 1400))))
    p.close()


def pcapng_lies(path):
    """A pcapng whose blocks lie about their lengths."""
    shb = struct.pack("<IIIHHq", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + struct.pack("<I", 28)
    idb = struct.pack("<IIHHI", 1, 20, 1, 0, 0x7FFFFFFF) + struct.pack("<I", 20)
    good = tcp(CLIENT, SERVER, 57100, 16992, 1, 0, Flow.F_SYN)
    pad = (-len(good)) & 3
    total = 32 + len(good) + pad
    epb = struct.pack("<IIIIIII", 6, total, 0, 0, 0, len(good), len(good)) + good + b"\0" * pad + struct.pack("<I", total)
    lying = struct.pack("<IIIIIII", 6, 0xFFFFFFF0, 0, 0, 0, 0xFFFFFF00, 1) + good
    with open(path, "wb") as f:
        f.write(shb + idb + epb + struct.pack("<IIIIIII", 6, 36, 5, 0, 0, 4, 4) + b"abcd" + struct.pack("<I", 36)
                + epb + lying)


def log_variants(sample, outdir):
    """Damaged copies of a real log (its first lines keep the format
    recognisable): a 20 MB line in the middle, NULs and random bytes spliced
    into lines, no newline at all after 5 MB, and the log repeated to ~8 MB.
    Returns the paths written."""
    rng = random.Random(17)
    with open(sample, "rb") as f:
        data = f.read()
    lines = data.splitlines(keepends=True)
    head, tail = b"".join(lines[:len(lines) // 2]), b"".join(lines[len(lines) // 2:])
    stem = os.path.splitext(os.path.basename(sample))[0]
    spliced = b"".join(l[:len(l) // 2] + rng.randbytes(rng.randrange(1, 40)) + b"\0" + l[len(l) // 2:]
                       for l in lines)
    variants = {
        "long-line": head + b"x" * 20000000 + b"\n" + tail,
        "spliced": head + spliced,
        "no-newline": head + rng.randbytes(5000000).replace(b"\n", b" ").replace(b"\r", b" "),
        "repeated": data * max(1, 8000000 // max(len(data), 1)),
    }
    paths = []
    for name, blob in variants.items():
        path = os.path.join(outdir, "log-%s-%s.log" % (stem, name))
        with open(path, "wb") as f:
            f.write(blob)
        paths.append(path)
    return paths


GENERATORS = {
    "syn-flood.pcap": syn_flood,
    "overlap-retrans.pcap": overlap_retrans,
    "http-huge-body.pcap": http_huge_body,
    "chunk-overflow.pcap": chunk_overflow,
    "http-many-bodies.pcap": http_many_bodies,
    "deep-xml.pcap": deep_xml,
    "dns-loops.pcap": dns_loops,
    "tls-endless.pcap": tls_endless,
    "redir-opcodes.pcap": redir_opcodes,
    "snaplen-2g.pcap": snaplen_2g,
    "ip-fragments.pcap": ip_fragments,
    "random-payloads.pcap": random_payloads,
    "pcapng-lies.pcapng": pcapng_lies,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == "--logs":
        os.makedirs(sys.argv[2], exist_ok=True)
        for sample in sys.argv[3:]:
            for path in log_variants(sample, sys.argv[2]):
                print(path)
        return
    outdir = sys.argv[1]
    names = sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    for name, gen in GENERATORS.items():
        if not names or name in names:
            gen(os.path.join(outdir, name))
            print(os.path.join(outdir, name))
    if not names or "truncated" in names:
        for path in truncated(outdir):
            print(path)


if __name__ == "__main__":
    main()
