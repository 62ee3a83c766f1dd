#!/usr/bin/env python3
"""Writes tests/infra/captures/dns-dhcp-malformed.pcap: hostile DNS and DHCP
messages that no real program sends, wrapped in Ethernet/IPv4 by hand, so
that the golden test checks the whole path (engine, dissectors, notes).

usage: make_malformed.py OUTPUT.pcap
"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(src, sport, dst, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(u))
    u = u[:6] + struct.pack("!H", csum(pseudo + u) or 0xFFFF) + u[8:]
    return ipv4(src, dst, 17, u)


def tcp(src, sport, dst, dport, seq, ack, flags, data=b""):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(t))
    t = t[:16] + struct.pack("!H", csum(pseudo + t)) + t[18:]
    return ipv4(src, dst, 6, t)


def eth(payload):
    return b"\x02\0\0\x03\0\x01" + b"\x02\0\0\x03\0\x07" + b"\x08\x00" + payload


def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".") if l) + b"\0"


def dns_hdr(i, flags, qd, an, ns, ar):
    return struct.pack("!HHHHHH", i, flags, qd, an, ns, ar)


def bootp(op, xid, options, yiaddr=b"\0" * 4):
    mac = b"\x02\0\0\x03\0\x07"
    return (bytes([op, 1, 6, 0]) + struct.pack("!IHH", xid, 0, 0x8000) + b"\0" * 4 + yiaddr + b"\0" * 8
            + mac + b"\0" * 10 + b"\0" * 192 + b"\x63\x82\x53\x63" + options)


C, S = "10.3.0.7", "10.3.0.1"
frames = []
# 1: the question name is a compression pointer to itself
frames.append(udp(C, 40001, S, 53, dns_hdr(1, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\0\x01\0\x01"))
# 2: a label "a" then a pointer back to it: a loop through two steps
frames.append(udp(C, 40002, S, 53, dns_hdr(2, 0x0100, 1, 0, 0, 0) + b"\x01a\xc0\x0c\0\x01\0\x01"))
# 3: a response claiming 200 answers and carrying one
q = name("amt-07.corp.example") + b"\0\x01\0\x01"
frames.append(udp(S, 53, C, 40003, dns_hdr(3, 0x8180, 1, 200, 0, 0) + q
                  + b"\xc0\x0c\0\x01\0\x01\0\0\0\x3c\0\x04\x0a\x03\x00\x07"))
# 4: a label running past the end of the message
frames.append(udp(C, 40004, S, 53, dns_hdr(4, 0x0100, 1, 0, 0, 0) + b"\x3fabc"))
# 5: a 5-byte "message"
frames.append(udp(C, 40005, S, 53, b"\0\x05\x01\0\0"))
# 6-9: DNS over TCP whose length prefix says 300 bytes; the stream ends after 30
frames.append(tcp(C, 40006, S, 53, 1000, 0, 0x02))
frames.append(tcp(S, 53, C, 40006, 5000, 1001, 0x12))
frames.append(tcp(C, 40006, S, 53, 1001, 5001, 0x10))
frames.append(tcp(C, 40006, S, 53, 1001, 5001, 0x18, struct.pack("!H", 300) + dns_hdr(6, 0x0100, 1, 0, 0, 0)
                  + name("provisionserver.corp") + b"\0"))
frames.append(tcp(C, 40006, S, 53, 1001 + 2 + 12 + 22 + 1, 5001, 0x11))
# 11: DHCP option 15 claiming 60 bytes with 4 left
frames.append(udp("0.0.0.0", 68, "255.255.255.255", 67,
                  bootp(1, 0x11, b"\x35\x01\x01\x0c\x06amt-07\x0f\x3ccorp")))
# 12: DHCP ACK with option 81 whose label overruns, option 119 with a forward pointer
frames.append(udp(S, 67, C, 68, bootp(2, 0x12, b"\x35\x01\x05\x36\x04\x0a\x03\x00\x01"
                                      b"\x51\x06\x04\0\0\x09ab\x77\x03\xc0\x05\x00\xff", ip4(C))))
# 13: a BOOTP message shorter than its header
frames.append(udp("0.0.0.0", 68, "255.255.255.255", 67, b"\x01\x01\x06\x00" + b"\0" * 40))

out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
t0 = 1763900000
for i, f in enumerate(frames):
    p = eth(f)
    out.write(struct.pack("<IIII", t0 + i // 10, (i % 10) * 100000, len(p), len(p)) + p)
out.close()
