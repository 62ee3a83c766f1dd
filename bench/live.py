#!/usr/bin/env python3
"""Does live analysis keep up? Runs `amtscope analyze -i lo` on a WS-Man
stream sent over loopback at a set rate (default 1000 Mbit/s, MSS 1448 so the
packet rate is that of a real Ethernet link), then prints what was sent, what
amtscope analysed, and the kernel's drops (pcap_stats, in the JSON report).
Needs root (capturing on lo). Uses 127.0.9.2 only.

usage: bench/live.py [--rate MBIT] [--seconds N] [--build DIR]
"""
import argparse
import json
import signal
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

ADDR, PORT = "127.0.9.2", 16992
HERE = os.path.dirname(os.path.abspath(__file__))


def request(i):
    body = (b'<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope">'
            b'<a:Header><b:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</b:Action>'
            b'<b:MessageID>uuid:%08d</b:MessageID></a:Header><a:Body/></a:Envelope>' % i)
    return (b"POST /wsman HTTP/1.1\r\nHost: 127.0.9.2:16992\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


def response():
    body = (b'<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope">'
            b'<a:Body><g:AMT_GeneralSettings xmlns:g="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings">'
            + b"<g:HostName>amt-live</g:HostName><g:DomainName>bench.example</g:DomainName>" * 40
            + b"</g:AMT_GeneralSettings></a:Body></a:Envelope>")
    chunks = b"".join(b"%x\r\n" % len(body[i:i + 1024]) + body[i:i + 1024] + b"\r\n" for i in range(0, len(body), 1024))
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=UTF-8\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")


def paced_send(sock, unit_fn, rate_bps, seconds, counter, key):
    start = time.perf_counter()
    sent, i = 0, 0
    block = b"".join(unit_fn(k) for k in range(32))
    while True:
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
        if sent * 8 > rate_bps * elapsed:
            time.sleep(0.0005)
            continue
        try:
            sock.sendall(block)
        except OSError:
            break
        sent += len(block)
        i += 1
    counter[key] = sent


def drain(sock):
    try:
        while sock.recv(1 << 20):
            pass
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=1000, help="Mbit/s per direction pair (default 1000)")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/live.py: capturing on lo needs root")
    amtscope = os.path.join(a.build, "cli", "amtscope")
    report = tempfile.mktemp(prefix="amtscope-live-", suffix=".json")
    proc = subprocess.Popen([amtscope, "analyze", "-i", "lo", "-f", "host " + ADDR, "--format", "json", "-o", report],
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # the handle is open and filtering

    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((ADDR, PORT))
    srv.listen(1)
    cli = socket.socket()
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1448)
    cli.connect((ADDR, PORT))
    conn, _ = srv.accept()
    counter = {}
    resp = response()
    req_share = len(request(0)) / (len(request(0)) + len(resp))
    rate = a.rate * 1e6
    threads = [
        threading.Thread(target=paced_send, args=(cli, request, rate * req_share, a.seconds, counter, "c2s")),
        threading.Thread(target=paced_send, args=(conn, lambda k: resp, rate * (1 - req_share), a.seconds, counter, "s2c")),
        threading.Thread(target=drain, args=(conn,), daemon=True),
        threading.Thread(target=drain, args=(cli,), daemon=True),
    ]
    for t in threads:
        t.start()
    for t in threads[:2]:
        t.join()
    cli.close()
    conn.close()
    srv.close()
    sent_at = time.perf_counter()
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)  # like Ctrl-C: the report follows
    _, err = proc.communicate(timeout=600)
    lag = time.perf_counter() - sent_at
    sent = counter.get("c2s", 0) + counter.get("s2c", 0)
    with open(report) as f:
        doc = json.load(f)
    os.unlink(report)
    stats = doc.get("stats", {})
    print("sent %.1f MB in %.1f s (%.0f Mbit/s offered)" % (sent / 1e6, a.seconds, sent * 8 / a.seconds / 1e6))
    print("amtscope finished %.1f s after the last byte was sent" % lag)
    print("amtscope: %d packets, %.1f MB on the wire, %d messages decoded, kernel drops %d"
          % (stats.get("packets", 0), stats.get("bytes", 0) / 1e6, stats.get("messages", 0),
             stats.get("kernel_drops", 0)))
    if err.strip():
        print("stderr: " + err.strip()[-500:])
    return 0 if stats.get("kernel_drops", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
