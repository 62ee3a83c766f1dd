#!/usr/bin/env python3
"""Records the AMT test captures over real loopback sockets (127.0.5.0/24).

Stand-ins written with the standard library play AMT, the setup service and
the consoles; payloads follow the layouts in decoder/events/hello.h, rmcp.h and redir.h
(Intel AMT SDK, MeshCentral's amtprovisioningserver.js and amt-redir), and the
hellos are the three real payloads of tests/data/public/hello/. tcpdump records each scenario
into tests/amt/captures/<name>.pcap.

usage: record.py [OUTDIR] [SCENARIO...]     (needs root for tcpdump and UDP 623)
"""
import hashlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("TESTDATA", os.path.join(HERE, "..", "data", "public"))
SERVICE = "127.0.5.1"
CONSOLE1 = "127.0.5.2"
CONSOLE2 = "127.0.5.3"

# Secrets the output tests grep for: none may appear in any report.
PASSWORD = "P@ssw0rd-amt-7731"
WRONG_PASSWORD = "Wr0ng-Guess-4412"
USER = "admin"
REALM = "Digest:A3829B3827DE4D33D4449B366831FD01"
NONCE = "7c2b8e1f0a9d4c3b"
CNONCE = "0123456789abcdef0123456789abcdef"
NC = "00000002"
URI = "/RedirectionService"


def samples():
    out = {}
    with open(os.path.join(DATA, "hello", "meshcentral-amt-hello-v3-samples.hex")) as f:
        for line in f:
            if line.startswith("s"):
                name, _ip, _len, hexdata = line.split()
                out[name] = bytes.fromhex(hexdata)
    return out


# ---------------------------------------------------------------- capture

class Recorder:
    def __init__(self, path):
        self.path = path
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", "lo", "--immediate-mode", "-w", self.path, "-U", "-n", "net 127.0.5.0/24"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        line = self.proc.stderr.readline().decode()
        if "listening" not in line:
            raise RuntimeError("tcpdump did not start: " + line)
        time.sleep(1.0)
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        tail = self.proc.stderr.read().decode()
        if " 0 packets captured" in " " + tail or "packets captured" not in tail:
            raise RuntimeError("nothing recorded in %s: %s" % (self.path, tail.strip()))


def listener(addr, port, backlog=4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def connect(src, dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect((dst, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("peer closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


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


# ---------------------------------------------------------------- redirection

def md5hex(text):
    return hashlib.md5(text.encode()).hexdigest()


def digest_response(password):
    ha1 = md5hex("%s:%s:%s" % (USER, REALM, password))
    ha2 = md5hex("POST:" + URI)
    return md5hex(":".join([ha1, NONCE, NC, CNONCE, "auth", ha2]))


def lp(text):
    b = text.encode()
    return bytes([len(b)]) + b


def auth_msg(op, status, kind, data=b""):
    return bytes([op, status, 0, 0, kind]) + struct.pack("<I", len(data)) + data


def start_msg(tag):
    return bytes([0x10, 1 if tag == b"KVMR" else 0, 0, 0]) + tag


def hdr(op, seq, status=0, attr=0):
    return bytes([op, status, 0, attr]) + struct.pack("<I", seq)


def message_length(kind, buf):
    """Section 2.6, as much as the stand-ins need; None when incomplete."""
    if not buf:
        return None
    op = buf[0]
    fixed = {0x10: 8, 0x12: 4, 0x20: 24, 0x22: 8, 0x24: 8, 0x2B: 8, 0x27: 14, 0x42: 8, 0x44: 8,
             0x47: 8, 0x4B: 8, 0x51: 31, 0x52: 31}
    if op == 0x40:
        return 8 if kind == b"KVMR" else 18
    if op in fixed:
        return fixed[op]
    if op == 0x13:
        return 9 + struct.unpack("<I", buf[5:9])[0] if len(buf) >= 9 else None
    if op == 0x28:
        return 10 + struct.unpack("<H", buf[8:10])[0] if len(buf) >= 10 else None
    if op == 0x48:
        return (9 if buf[8] == 1 else 13) if len(buf) >= 9 else None
    raise ValueError("stand-in got unknown opcode 0x%02x" % op)


class AmtRedirection:
    """AMT's side of 16994: one session per connection, one SOL holder."""

    def __init__(self, addr, kvm_size=(1024, 768)):
        self.kvm_size = kvm_size
        self.sock = listener(addr, 16994)
        self.holder = None
        self.lock = threading.Lock()
        self.threads = []

    def serve(self, connections):
        for _ in range(connections):
            c, peer = self.sock.accept()
            t = threading.Thread(target=self.session, args=(c, peer))
            t.start()
            self.threads.append(t)

    def done(self):
        for t in self.threads:
            t.join()
        self.sock.close()

    def read_message(self, c, kind, buf):
        while True:
            n = message_length(kind, buf)
            if n is not None and len(buf) >= n:
                return buf[:n], buf[n:]
            chunk = c.recv(4096)
            if not chunk:
                return None, buf
            buf += chunk

    def session(self, c, peer):
        buf = b""
        kind = None
        holding = False
        while True:
            m, buf = self.read_message(c, kind, buf)
            if m is None:
                break
            op = m[0]
            if op == 0x10:
                kind = m[4:8]
                with self.lock:
                    busy = self.holder is not None
                    if not busy:
                        self.holder = peer
                        holding = True
                c.sendall(bytes([0x11, 2 if busy else 0, 0, 0, 1, 0, 2, 0]) + struct.pack("<I", 343) + b"\0")
                if busy:
                    break
            elif op == 0x13:
                self.authenticate(c, m)
            elif op == 0x20:
                c.sendall(hdr(0x21, 0) + bytes(15))
                c.sendall(hdr(0x29, 1) + bytes([0x03, 0x04]))
                c.sendall(hdr(0x2A, 2) + struct.pack("<H", 7) + b"login: ")
            elif op == 0x28:
                text = m[10:]
                c.sendall(hdr(0x2A, 3) + struct.pack("<H", len(text)) + text)
            elif op == 0x2B:
                c.sendall(hdr(0x2B, 4))
            elif op == 0x22:
                c.sendall(hdr(0x23, 5))
            elif op == 0x12:
                break
            elif op == 0x40 and kind == b"IDER":
                reply = hdr(0x41, 0) + bytes([1, 0, 2, 0, 0, 0, 0, 0]) + struct.pack("<HH", 8192, 4096)
                reply += bytes(5) + struct.pack("<I", 343) + b"\0"
                c.sendall(reply)
                # the host's BIOS asks the virtual CD for its capacity
                cmd = hdr(0x50, 1) + bytes([0, 0, 0, 0]) + struct.pack("<H", 8) + bytes([0xB0, 0xA0])
                c.sendall(cmd + bytes([0x25]) + bytes(11))
            elif op == 0x48:
                c.sendall(hdr(0x49, 2) + bytes([m[8]]) + struct.pack("<I", 1))
            elif op == 0x51 or op == 0x42:
                if op == 0x42:
                    c.sendall(hdr(0x43, 3))
            elif op == 0x40 and kind == b"KVMR":
                c.sendall(bytes([0x41]) + bytes(7))
                self.rfb_server(c, buf)
                break
        if holding:
            with self.lock:
                self.holder = None
        c.close()

    def authenticate(self, c, m):
        kind = m[4]
        data = m[9:]
        if kind == 0:
            c.sendall(auth_msg(0x14, 0, 0, bytes([1, 3, 4])))
            return
        if kind == 1:
            ulen = data[0]
            user = data[1:1 + ulen].decode()
            plen = data[1 + ulen]
            password = data[2 + ulen:2 + ulen + plen].decode()
            ok = user == USER and password == PASSWORD
            c.sendall(auth_msg(0x14, 0 if ok else 1, 1))
            return
        fields = []
        pos = 0
        while pos < len(data):
            n = data[pos]
            fields.append(data[pos + 1:pos + 1 + n].decode())
            pos += 1 + n
        if fields[6] == "":
            c.sendall(auth_msg(0x14, 1, kind, lp(REALM) + lp(NONCE) + (lp("auth") if kind == 4 else b"")))
            return
        ok = fields[6] == digest_response(PASSWORD)
        c.sendall(auth_msg(0x14, 0 if ok else 1, kind))

    def rfb_server(self, c, buf):
        c.sendall(b"RFB 003.008\n")
        buf += recv_exact(c, 12 - len(buf)) if len(buf) < 12 else b""
        c.sendall(bytes([1, 1]))                   # one security type: None
        recv_exact(c, 1)                           # console picks None
        c.sendall(struct.pack(">I", 0))            # SecurityResult OK
        recv_exact(c, 1)                           # ClientInit
        name = b"Intel(r) AMT KVM"
        fmt = bytes([16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0])
        c.sendall(struct.pack(">HH", *self.kvm_size) + fmt + struct.pack(">I", len(name)) + name)
        recv_exact(c, 20 + 4 + 4 * 4 + 10)         # SetPixelFormat, SetEncodings, update request
        c.sendall(bytes([0, 0]) + struct.pack(">H", 1) + struct.pack(">HHHHi", 0, 0, 4, 2, 0) + bytes(4 * 2 * 2))
        c.sendall(bytes([3, 0, 0, 0]) + struct.pack(">I", 16) + b"\0KvmExtCmd\0" + bytes([1, 0, 0, 0, 1]))
        recv_all(c)


def console_login(c, kind, password, method=4):
    c.sendall(start_msg(kind))
    reply = recv_exact(c, 13)
    if reply[1] != 0:
        return False
    c.sendall(auth_msg(0x13, 0, 0))
    recv_exact(c, 9 + 3)
    if method == 1:
        c.sendall(auth_msg(0x13, 0, 1, lp(USER) + lp(password)))
        return recv_exact(c, 9)[1] == 0
    c.sendall(auth_msg(0x13, 0, 4, lp(USER) + lp("") + lp("") + lp(URI) + lp("") + lp("") + lp("") + lp("")))
    challenge = recv_exact(c, 9)
    recv_exact(c, struct.unpack("<I", challenge[5:9])[0])
    ha1 = md5hex("%s:%s:%s" % (USER, REALM, password))
    resp = md5hex(":".join([ha1, NONCE, NC, CNONCE, "auth", md5hex("POST:" + URI)]))
    data = lp(USER) + lp(REALM) + lp(NONCE) + lp(URI) + lp(CNONCE) + lp(NC) + lp(resp) + lp("auth")
    c.sendall(auth_msg(0x13, 0, 4, data))
    return recv_exact(c, 9)[1] == 0


def sol_console(src, amt, hold=None, released=None):
    c = connect(src, amt, 16994)
    if not console_login(c, b"SOL ", PASSWORD):
        raise RuntimeError("SOL login failed")
    c.sendall(hdr(0x20, 1) + struct.pack("<HHHHHH", 10000, 100, 0, 10000, 100, 0) + bytes(4))
    recv_exact(c, 23 + 10 + 17)
    c.sendall(hdr(0x27, 2) + bytes([0, 0, 0x1B, 0, 0, 0]))  # as MeshCommander sends after 0x21
    c.sendall(hdr(0x28, 2) + struct.pack("<H", 7) + b"root\r\n\r"[:7])
    recv_exact(c, 17)
    c.sendall(hdr(0x2B, 3))
    recv_exact(c, 8)
    if hold:
        hold.set()
        released.wait(10)
    c.sendall(hdr(0x22, 4))
    recv_exact(c, 8)
    c.sendall(bytes([0x12, 0, 0, 0]))
    c.close()


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
