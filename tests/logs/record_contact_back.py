#!/usr/bin/env python3
"""Plays both sides of the seeds' "Cannot contact back AMT" story over
loopback (127.0.7.0/24 only): an AMT device at 127.0.7.21 sends its hello
(a real v3 payload, sample s1 of tests/data/public/hello/) to the setup service
at 127.0.7.1:9971, three times; after each hello the setup service connects
back to 127.0.7.21:16993, where nothing listens, and writes an SCS-style
debug log line for each step with its own clock SKEW seconds ahead.
usage: record_contact_back.py LOGFILE [HEXFILE]"""
import datetime
import os
import socket
import sys
import time

SKEW = 2.5
AMT, SCS = "127.0.7.21", "127.0.7.1"


def hello_payload(hexfile):
    for line in open(hexfile):
        if line.startswith("s1 "):
            return bytes.fromhex(line.split()[3])
    raise SystemExit("no s1 sample in " + hexfile)


def stamp():
    t = datetime.datetime.fromtimestamp(time.time() + SKEW, datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)


def main():
    logfile = sys.argv[1]
    data = os.environ.get("TESTDATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "public"))
    hexfile = sys.argv[2] if len(sys.argv) > 2 else os.path.join(data, "hello", "meshcentral-amt-hello-v3-samples.hex")
    hello = hello_payload(hexfile)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((SCS, 9971))
    srv.listen(4)
    with open(logfile, "w") as log:
        log.write("%s [0x0B40] V AMTConfig service started, listening for hello packets on port 9971\n" % stamp())
        for attempt in range(3):
            amt = socket.socket()
            amt.bind((AMT, 0))
            amt.connect((SCS, 9971))
            conn, peer = srv.accept()
            # the retry counter (u32 LE after the two u16 words) rises with each resend
            amt.sendall(hello[:4] + attempt.to_bytes(4, "little") + hello[8:])
            amt.close()
            data = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            conn.close()
            uuid = data[8:24]
            u = "%s-%s-%s-%s-%s" % (uuid[3::-1].hex(), uuid[5:3:-1].hex(), uuid[7:5:-1].hex(), uuid[8:10].hex(), uuid[10:16].hex())
            log.write("%s [0x0B40] V Hello packet received from %s (UUID %s, retry %d)\n" % (stamp(), peer[0], u, attempt))
            back = socket.socket()
            back.bind((SCS, 0))
            try:
                back.connect((peer[0], 16993))
                log.write("%s [0x0B44] V Connected to AMT %s:16993\n" % (stamp(), peer[0]))
            except ConnectionRefusedError:
                log.write("%s [0x0B44] E Intel SCS Exception: Cannot contact back AMT with IP:%s Exception\n" % (stamp(), peer[0]))
            back.close()
            time.sleep(4)
    srv.close()


if __name__ == "__main__":
    main()
