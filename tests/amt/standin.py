"""Loopback stand-ins for the AMT recordings (record.py): tcpdump around a
scenario, socket helpers, and AMT's side of the redirection protocol on 16994
with the consoles that log in to it (section 2.6 of the AMT SDK's redirection
layout, as decoder/events/redir.h gives it). Kept apart from record.py, which
holds the scenarios."""
import hashlib
import signal
import socket
import struct
import subprocess
import threading
import time

# Secrets the output tests grep for: none may appear in any report.
PASSWORD = "P@ssw0rd-amt-7731"
WRONG_PASSWORD = "Wr0ng-Guess-4412"
USER = "admin"
REALM = "Digest:A3829B3827DE4D33D4449B366831FD01"
NONCE = "7c2b8e1f0a9d4c3b"
CNONCE = "0123456789abcdef0123456789abcdef"
NC = "00000002"
URI = "/RedirectionService"


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
