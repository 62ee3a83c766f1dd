#!/usr/bin/env python3
"""A stand-in for Intel AMT's HTTP/WS-Man service on 16992, for recording
test captures over loopback. It answers with the recorded AMT 15 bytes from
tests/data/public/wsman/http/ as they are, and checks HTTP Digest answers
against a known test password (RFC 2617, qop=auth, MD5) like the firmware:

  no or wrong Authorization  -> the recorded 401 challenge (Connection: close)
  Unprovision                -> the recorded chunked 400 AlreadyExists fault (close)
  other WS-Man requests      -> the recorded chunked 200 GetResponse (keep-alive),
                                or, for AdminSetup, the sample AdminSetup_OUTPUT
                                body framed with the recorded 200's headers
  POST /RemoteControlService -> a legacy SOAP 1.1 GetSystemPowerStateResponse
                                (no recording exists; built from spec §3.8)
  GET /index.htm             -> plays vulnerable firmware (CVE-2017-5689): a Digest
                                answer with an empty response is accepted there

Standard library only. usage: amt_standin.py DATADIR ADDR PORT PASSWORD
(DATADIR: tests/data/public)
"""
import hashlib
import os
import re
import socket
import sys
import threading

DATA, ADDR, PORT, PASSWORD = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
HTTP_DIR = os.path.join(DATA, "wsman", "http")


def recorded(name):
    with open(os.path.join(HTTP_DIR, name), "rb") as f:
        return f.read()


CHALLENGE = recorded("amt15_wsman_401_digest_challenge.http")
GET_200 = recorded("amt15_wsman_get_generalsettings_200_chunked.http")
FAULT_400 = recorded("amt15_wsman_400_fault_alreadyexists_chunked.http")
REALM = re.search(rb'realm="([^"]+)"', CHALLENGE).group(1).decode()
NONCE = re.search(rb'nonce="([^"]+)"', CHALLENGE).group(1).decode()


def framed_like_200(body):
    """The recorded 200's header block with another body, chunked the same way."""
    head = GET_200.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    out = bytearray(head)
    for i in range(0, len(body), 0x2FA):
        part = body[i:i + 0x2FA]
        out += b"%04X\r\n" % len(part) + part + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


with open(os.path.join(DATA, "wsman", "responses", "ips_hostbasedsetup_adminsetup.xml"), "rb") as f:
    ADMINSETUP_200 = framed_like_200(f.read())

LEGACY_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
               b'<SOAP-ENV:Body><rci:GetSystemPowerStateResponse '
               b'xmlns:rci="http://schemas.intel.com/platform/client/RemoteControl/2004/01">'
               b'<rci:StatusCode>0</rci:StatusCode><rci:SystemPowerState>0</rci:SystemPowerState>'
               b'</rci:GetSystemPowerStateResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>')
LEGACY_200 = (b"HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology 15.0.23.1706\r\n"
              b"Content-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(LEGACY_BODY)
              + LEGACY_BODY)


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def digest_ok(method, path, auth):
    if not auth or not auth.lower().startswith("digest "):
        return False
    p = dict((k.lower(), v1 or v2) for k, v1, v2 in
             re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', auth[7:]))
    if path == "/index.htm" and p.get("username") == "admin" and p.get("response") == "":
        return True  # the flaw: the comparison used the length of the answer
    if p.get("realm") != REALM or p.get("nonce") != NONCE:
        return False
    ha1 = md5("%s:%s:%s" % (p.get("username", ""), REALM, PASSWORD))
    ha2 = md5("%s:%s" % (method, p.get("uri", "")))
    want = md5("%s:%s:%s:%s:%s:%s" % (ha1, NONCE, p.get("nc", ""), p.get("cnonce", ""), p.get("qop", ""), ha2))
    return p.get("username") == "admin" and p.get("response") == want


def read_request(conn, buf):
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None, buf
        buf += data
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    if headers.get("expect", "").lower() == "100-continue" and len(buf) < length:
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    while len(buf) < length:
        data = conn.recv(65536)
        if not data:
            return None, buf
        buf += data
    return (method, path, headers, buf[:length]), buf[length:]


def serve(conn):
    buf = b""
    with conn:
        while True:
            req, buf = read_request(conn, buf)
            if req is None:
                return
            method, path, headers, body = req
            if not digest_ok(method, path, headers.get("authorization")):
                conn.sendall(CHALLENGE)
                return
            if path == "/RemoteControlService":
                conn.sendall(LEGACY_200)
            elif b"/Unprovision" in body:
                conn.sendall(FAULT_400)
                return
            elif b"/AdminSetup" in body:
                conn.sendall(ADMINSETUP_200)
            else:
                conn.sendall(GET_200)


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((ADDR, PORT))
    srv.listen(8)
    print("listening", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
