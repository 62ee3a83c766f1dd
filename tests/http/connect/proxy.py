#!/usr/bin/env python3
"""A tiny HTTP CONNECT proxy: answers "200 Connection established" and
relays bytes both ways until either side closes. One connection.

usage: proxy.py HOST PORT   (prints "listening" when ready)
"""
import select
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1)
print("listening", flush=True)
c, _ = srv.accept()
head = b""
while b"\r\n\r\n" not in head:
    chunk = c.recv(4096)
    if not chunk:
        sys.exit(1)
    head += chunk
line = head.split(b"\r\n", 1)[0].decode()
method, target, _ = line.split(" ", 2)
if method != "CONNECT":
    c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
    sys.exit(0)
host, port = target.rsplit(":", 1)
up = socket.create_connection((sys.argv[3] if len(sys.argv) > 3 else host, int(port)))
c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
socks = [c, up]
while True:
    r, _, _ = select.select(socks, [], [], 10)
    if not r:
        break
    done = False
    for s in r:
        data = s.recv(65536)
        if not data:
            done = True
            break
        (up if s is c else c).sendall(data)
    if done:
        break
c.close()
up.close()
