#!/usr/bin/env python3
"""Records the AMT test captures over real loopback sockets (127.0.5.0/24).

Stand-ins written with the standard library play AMT, the setup service and
the consoles; payloads follow the layouts in decoder/events/hello.h, rmcp.h and redir.h
(Intel AMT SDK, MeshCentral's amtprovisioningserver.js and amt-redir), and the
hellos are the three real payloads of tests/data/public/hello/. tcpdump records each scenario
into tests/amt/captures/<name>.pcap.

usage: record.py [OUTDIR] [SCENARIO...]     (needs root for tcpdump and UDP 623)
"""
import os
import socket
import struct
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from standin import (  # noqa: E402  the stand-ins and socket helpers
    Recorder, listener, connect, recv_all, recv_exact, auth_msg, start_msg, hdr, AmtRedirection, console_login, sol_console, PASSWORD, WRONG_PASSWORD)
DATA = os.environ.get("TESTDATA", os.path.join(HERE, "..", "data", "public"))
SERVICE = "127.0.5.1"
CONSOLE1 = "127.0.5.2"
CONSOLE2 = "127.0.5.3"



def samples():
    out = {}
    with open(os.path.join(DATA, "hello", "meshcentral-amt-hello-v3-samples.hex")) as f:
        for line in f:
            if line.startswith("s"):
                name, _ip, _len, hexdata = line.split()
                out[name] = bytes.fromhex(hexdata)
    return out


# ---------------------------------------------------------------- hello

def send_hello(src, payload):
    """AMT: connect to the setup service, write the hello, half-close."""
    s = connect(src, SERVICE, 9971)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    recv_all(s)
    s.close()


def hello_service(lsock, count, got):
    for _ in range(count):
        c, peer = lsock.accept()
        got.append((peer[0], recv_all(c)))
        c.close()


def scenario_hello_unanswered(s):
    """Two devices send hellos; the service never gets through to 16993."""
    got = []
    ls = listener(SERVICE, 9971)
    t = threading.Thread(target=hello_service, args=(ls, 3, got))
    t.start()
    send_hello("127.0.5.10", s["s1"])
    time.sleep(0.2)
    send_hello("127.0.5.10", s["s2"])
    time.sleep(0.2)
    send_hello("127.0.5.11", s["s3"])
    t.join()
    ls.close()
    # the service tries 127.0.5.11:16993 where nothing listens: RST
    try:
        c = connect(SERVICE, "127.0.5.11", 16993)
        c.close()
    except ConnectionRefusedError:
        pass


# An interface-version-2 (PSK) hello (section 2.2): its PID must never be printed.
PID = "K7Q9P2XF"
UUID_V2 = bytes.fromhex("4b529b93d413181de4871c697a6b7a2c")


def scenario_hello_psk(s):
    """An old PSK device: a version 2 hello, unanswered."""
    got = []
    ls = listener(SERVICE, 9971)
    t = threading.Thread(target=hello_service, args=(ls, 1, got))
    t.start()
    send_hello("127.0.5.12", struct.pack("<HHI", 1, 2, 0) + UUID_V2 + PID.encode())
    t.join()
    ls.close()


def scenario_hello_answered(s):
    """One hello, then the setup service connects back to the device's 16993."""
    got = []
    ls = listener(SERVICE, 9971)
    amt = listener("127.0.5.20", 16993)
    t = threading.Thread(target=hello_service, args=(ls, 1, got))
    t.start()
    send_hello("127.0.5.20", s["s3"])
    t.join()
    ls.close()
    c = connect(SERVICE, "127.0.5.20", 16993)
    a, _ = amt.accept()
    c.close()
    recv_all(a)
    a.close()
    amt.close()



def scenario_redir_sol(s):
    amt = AmtRedirection("127.0.5.30")
    t = threading.Thread(target=amt.serve, args=(1,))
    t.start()
    sol_console(CONSOLE1, "127.0.5.30")
    t.join()
    amt.done()


def scenario_redir_ider(s):
    amt = AmtRedirection("127.0.5.31")
    t = threading.Thread(target=amt.serve, args=(1,))
    t.start()
    c = connect(CONSOLE1, "127.0.5.31", 16994)
    if not console_login(c, b"IDER", PASSWORD, method=1):
        raise RuntimeError("IDER login failed")
    c.sendall(hdr(0x40, 0) + struct.pack("<HHHI", 30000, 0, 20000, 1))
    recv_exact(c, 30 + 28)
    c.sendall(hdr(0x48, 1) + bytes([3]) + struct.pack("<I", 0x19))
    recv_exact(c, 13)
    c.sendall(hdr(0x42, 2))
    recv_exact(c, 8)
    c.sendall(bytes([0x12, 0, 0, 0]))
    c.close()
    t.join()
    amt.done()


def scenario_redir_kvm(s, addr="127.0.5.32", size=(1024, 768)):
    amt = AmtRedirection(addr, size)
    t = threading.Thread(target=amt.serve, args=(1,))
    t.start()
    c = connect(CONSOLE1, addr, 16994)
    if not console_login(c, b"KVMR", PASSWORD):
        raise RuntimeError("KVM login failed")
    c.sendall(bytes([0x40]) + bytes(7))
    recv_exact(c, 8)
    rfb_console(c)
    c.close()
    t.join()
    amt.done()


def rfb_console(c):
    """The console's side of RFB 3.8 with security None, up to one update."""
    recv_exact(c, 12)
    c.sendall(b"RFB 003.008\n")
    recv_exact(c, 2)
    c.sendall(bytes([1]))
    recv_exact(c, 4)
    c.sendall(bytes([1]))
    recv_exact(c, 24)
    recv_exact(c, struct.unpack(">I", b"\0\0\0\x10")[0])
    c.sendall(bytes([0, 0, 0, 0, 16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0]))
    c.sendall(bytes([2, 0]) + struct.pack(">H", 4) + struct.pack(">iiii", 16, 0, 1092, -223))
    c.sendall(bytes([3, 0]) + struct.pack(">HHHH", 0, 0, 1024, 768))
    recv_exact(c, 4 + 12 + 16)
    recv_exact(c, 8 + 16)


def scenario_rfb_5900(s, addr="127.0.5.40"):
    """KVM with the standard VNC port enabled: plain RFB on 5900, no
    redirection protocol around it."""
    amt = AmtRedirection(addr)
    vnc = listener(addr, 5900)

    def serve():
        c, _peer = vnc.accept()
        amt.rfb_server(c, b"")
        c.close()
    t = threading.Thread(target=serve)
    t.start()
    c = connect(CONSOLE1, addr, 5900)
    rfb_console(c)
    c.close()
    t.join()
    vnc.close()
    amt.sock.close()


def scenario_redir_wrong_password(s):
    amt = AmtRedirection("127.0.5.33")
    t = threading.Thread(target=amt.serve, args=(1,))
    t.start()
    c = connect(CONSOLE1, "127.0.5.33", 16994)
    if console_login(c, b"SOL ", WRONG_PASSWORD):
        raise RuntimeError("wrong password accepted")
    c.close()
    t.join()
    amt.done()


def scenario_redir_busy(s):
    """Console 1 holds SOL; console 2 is refused (status 2) meanwhile."""
    amt = AmtRedirection("127.0.5.34")
    t = threading.Thread(target=amt.serve, args=(2,))
    t.start()
    hold, released = threading.Event(), threading.Event()
    first = threading.Thread(target=sol_console, args=(CONSOLE1, "127.0.5.34", hold, released))
    first.start()
    hold.wait(10)
    c = connect(CONSOLE2, "127.0.5.34", 16994)
    if console_login(c, b"SOL ", PASSWORD):
        raise RuntimeError("second console was let in")
    c.close()
    time.sleep(0.2)
    released.set()
    first.join()
    t.join()
    amt.done()


def sink(lsock):
    c, _ = lsock.accept()
    recv_all(c)
    c.close()


def scenario_bad_input(s):
    """Hostile input over real TCP: a hello with 255 hash entries of wrong
    sizes (too long for any hello), one with 255 short entries, an unknown
    redirection command, and RFB with an absurd framebuffer size."""
    got = []
    ls = listener(SERVICE, 9971)
    t = threading.Thread(target=hello_service, args=(ls, 2, got))
    t.start()
    head = struct.pack("<HHI", 1, 3, 0) + UUID_V2
    send_hello("127.0.5.13", head + bytes([255]) + bytes([2, 5, 1, 2, 3, 4, 5]) * 255)
    send_hello("127.0.5.13", head + bytes([255]) + bytes([2, 1, 9]) * 255)
    t.join()
    ls.close()
    amt = listener("127.0.5.35", 16994)
    t = threading.Thread(target=sink, args=(amt,))
    t.start()
    c = connect(CONSOLE1, "127.0.5.35", 16994)
    c.sendall(start_msg(b"SOL ") + bytes([0x99, 0, 0, 0]) + auth_msg(0x13, 0, 0))
    c.close()
    t.join()
    amt.close()
    scenario_redir_kvm(s, "127.0.5.36", (60000, 50000))


# ---------------------------------------------------------------- RMCP

def pong(tag, port, version, state, dual):
    data = struct.pack(">I", 343) + struct.pack(">H", port) + bytes([version, state | (4 if dual else 0)])
    data += bytes([0x81, 0x20]) + bytes(6)
    return bytes([6, 0, 0, 6]) + struct.pack(">I", 4542) + bytes([0x40, tag, 0, len(data)]) + data


def rmcp_device(addr, answer, ready):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, 623))
    ready.set()
    ping, peer = u.recvfrom(64)
    u.sendto(answer(ping[9]), peer)
    u.close()


def scenario_rmcp(s):
    """A presence ping to two devices: one in provisioning, one provisioned."""
    devices = [("127.0.5.40", lambda tag: pong(tag, 16992, 0xB0, 1, False)),
               ("127.0.5.41", lambda tag: pong(tag, 16993, 0xB0, 2, True))]
    threads = []
    for addr, answer in devices:
        ready = threading.Event()
        t = threading.Thread(target=rmcp_device, args=(addr, answer, ready))
        t.start()
        ready.wait(5)
        threads.append(t)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((CONSOLE1, 0))
    u.settimeout(5)
    for i, (addr, _) in enumerate(devices):
        u.sendto(bytes([6, 0, 0, 6]) + struct.pack(">I", 4542) + bytes([0x80, 0x20 + i, 0, 0]), (addr, 623))
        u.recvfrom(64)
    u.close()
    for t in threads:
        t.join()


SCENARIOS = {
    "hello-unanswered": scenario_hello_unanswered,
    "hello-answered": scenario_hello_answered,
    "hello-psk": scenario_hello_psk,
    "redir-sol": scenario_redir_sol,
    "redir-ider": scenario_redir_ider,
    "redir-kvm": scenario_redir_kvm,
    "redir-wrong-password": scenario_redir_wrong_password,
    "redir-busy": scenario_redir_busy,
    "rmcp": scenario_rmcp,
    "rfb-5900": scenario_rfb_5900,
    "bad-input": scenario_bad_input,
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "captures")
    names = sys.argv[2:] or list(SCENARIOS)
    os.makedirs(outdir, exist_ok=True)
    s = samples()
    for name in names:
        path = os.path.join(outdir, name + ".pcap")
        with Recorder(path):
            SCENARIOS[name](s)
        print("recorded", path)


if __name__ == "__main__":
    main()
