#!/usr/bin/env python3
"""Sends an SSL 2.0-format ClientHello (RFC 5246 appendix E.2) asking for
TLS 1.2 to a TLS server over kernel TCP, reads the server's first flight,
then sends a plaintext TLS warning alert (close_notify) as a TLS record:
the client's direction goes on in TLS after the SSL 2.0-format hello.
Modern OpenSSL clients cannot send this form, so the bytes are built here.

usage: sslv2_hello.py HOST PORT
"""
import os
import socket
import struct
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
specs = b''.join(b'\x00' + struct.pack('>H', s) for s in (0xc02f, 0xc030, 0x009c, 0x002f, 0x00ff))
challenge = bytes(range(0x40, 0x60))  # 32 bytes
body = (b'\x01' + struct.pack('>HHHH', 0x0303, len(specs), 0, len(challenge)) + specs + challenge)
record = struct.pack('>H', 0x8000 | len(body)) + body
s = socket.create_connection((host, port), timeout=5)
s.sendall(record)
got = b''
deadline = time.time() + 5
while time.time() < deadline:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    got += chunk
    # the server's flight ends with ServerHelloDone (handshake type 14)
    if b'\x0e\x00\x00\x00' in got:
        break
print(f'{len(got)} bytes from the server', file=sys.stderr)
s.sendall(b'\x15\x03\x03\x00\x02\x01\x00')  # alert: warning, close_notify
time.sleep(0.2)
s.close()
if not got.startswith(b'\x16\x03\x03'):
    sys.exit('the server did not answer with a TLS 1.2 handshake')
