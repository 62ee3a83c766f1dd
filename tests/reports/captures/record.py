#!/usr/bin/env python3
"""Records the captures of tests/reports/captures/ from real sockets on loopback
(127.0.8.0/24 only), with tcpdump:

  three-devices.pcap  DHCP, DNS, hellos, a refused connection back, a TLS 1.2
                      handshake failing on an untrusted chain, WS-Man answered
                      with 401 (twice with credentials, once with the empty
                      digest response of CVE-2017-5689), a refused redirection
                      session, RMCP ping/pong: findings of every severity.
                      Hosts: 127.0.8.21 (AMT, pre-provisioning), 127.0.8.22
                      (AMT, provisioned), 127.0.8.5 (setup service),
                      127.0.8.2 (DNS), 127.0.8.1 (DHCP), 127.0.8.30 (console).
  quiet.pcap          one UDP datagram to a port nothing decodes (no findings).
  warning-only.pcap   a refused redirection session (a warning, nothing worse).
  info-only.pcap      an RMCP pong "in provisioning" without a hello (an info).

Run as root from anywhere:  python3 record.py [OUTDIR]   (default: next to it)
Needs tcpdump and openssl. Secrets that cross the wire are listed in
secrets.txt so that the tests can check no report prints them.
"""
import hashlib
import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("TESTDATA", os.path.join(HERE, "..", "..", "data", "public"))
AMT1, AMT2, SCS, DNS, DHCP, CONSOLE = "127.0.8.21", "127.0.8.22", "127.0.8.5", "127.0.8.2", "127.0.8.1", "127.0.8.30"
DIGEST_USER, DIGEST_PASSWORD = "admin", "Rep0rts-P@ss-8"


class Capture:
    def __init__(self, path):
        self.p = subprocess.Popen(["tcpdump", "-i", "lo", "--immediate-mode", "-w", path, "-U", "-n",
                                   "net 127.0.8.0/24"],
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()
        if "listening" not in line:
            raise SystemExit(f"tcpdump did not start: {line}")
        time.sleep(0.3)

    def stop(self):
        time.sleep(0.5)
        self.p.send_signal(signal.SIGINT)
        self.p.wait(timeout=10)


def serve_once(family_type, addr, handler):
    s = socket.socket(socket.AF_INET, family_type)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    if family_type == socket.SOCK_STREAM:
        s.listen(4)
    t = threading.Thread(target=handler, args=(s,), daemon=True)
    t.start()
    return s, t


def udp(src, dst, payload, want_reply=True):
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(src)
    c.settimeout(2)
    c.sendto(payload, dst)
    reply = c.recvfrom(4096)[0] if want_reply else None
    c.close()
    return reply


def tcp_client(src_ip, dst):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.bind((src_ip, 0))
    c.settimeout(3)
    c.connect(dst)
    return c


# --- DHCP -----------------------------------------------------------------
def dhcp_packet(op, xid, yiaddr, options):
    mac = bytes.fromhex("a4bb6d080021")
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0, xid, 0, 0, bytes(4),
                       socket.inet_aton(yiaddr), bytes(4), bytes(4), mac + bytes(10), b"", b"")
    opts = b"".join(struct.pack("BB", k, len(v)) + v for k, v in options) + b"\xff"
    return head + b"\x63\x82\x53\x63" + opts


def dhcp_exchange():
    def server(s):
        data, peer = s.recvfrom(2048)
        xid = struct.unpack("!I", data[4:8])[0]
        ack = dhcp_packet(2, xid, AMT1, [(53, b"\x05"), (54, socket.inet_aton(DHCP)), (51, struct.pack("!I", 86400)),
                                         (1, socket.inet_aton("255.255.255.0")), (15, b"corp.example"),
                                         (6, socket.inet_aton(DNS))])
        s.sendto(ack, peer)
        s.close()
    serve_once(socket.SOCK_DGRAM, (DHCP, 67), server)
    req = dhcp_packet(1, 0x5e0c0821, "0.0.0.0", [(53, b"\x03"), (50, socket.inet_aton(AMT1)), (12, b"amt-07"),
                                                 (81, b"\x01\x00\x00amt-07.corp.example")])
    udp((AMT1, 68), (DHCP, 67), req)


# --- DNS ------------------------------------------------------------------
def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"


def dns_server(s):
    for _ in range(2):
        data, peer = s.recvfrom(2048)
        qid = data[:2]
        end = data.index(b"\x00", 12) + 5
        question = data[12:end]
        name = b".".join(question[i + 1:i + 1 + question[i]] for i in _labels(question)).decode().lower()
        if name.startswith("provisionserver"):
            reply = qid + b"\x81\x83" + struct.pack("!HHHH", 1, 0, 0, 0) + question
        else:
            answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton("127.0.8.99")
            reply = qid + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + answer
        s.sendto(reply, peer)
    s.close()


def _labels(q):
    i = 0
    while q[i]:
        yield i
        i += q[i] + 1


def dns_query(src, qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", 1, 1)
    udp((src, 0), (DNS, 53), q)


# --- hello and the connection back ------------------------------------------
def hello_payload():
    with open(os.path.join(DATA, "hello", "meshcentral-amt-hello-v3-samples.hex")) as f:
        for line in f:
            if line.startswith("s1 "):
                return bytes.fromhex(line.split()[3])
    raise SystemExit("hello sample s1 not found")


def hellos():
    def server(s):
        for _ in range(2):
            conn, _ = s.accept()
            conn.settimeout(2)
            try:
                while conn.recv(4096):
                    pass
            except socket.timeout:
                pass
            conn.close()
        s.close()
    _, t = serve_once(socket.SOCK_STREAM, (SCS, 9971), server)
    payload = hello_payload()
    for _ in range(2):
        c = tcp_client(AMT1, (SCS, 9971))
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        c.close()
        time.sleep(0.3)
    t.join(5)
    # the setup service tries to connect back to AMT:16993 and is refused
    try:
        tcp_client(SCS, (AMT1, 16993))
    except OSError:
        pass


# --- TLS --------------------------------------------------------------------
def make_chain(tmp):
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    for name, subj in (("root", "/O=Reports Test/CN=Reports Test Root CA"),):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", subj,
            "-keyout", f"{tmp}/{name}.key", "-out", f"{tmp}/{name}.pem")
    ext = f"{tmp}/ext.cnf"
    with open(ext, "w") as f:
        f.write("[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=keyCertSign,cRLSign\n"
                "[leaf]\nsubjectAltName=DNS:amt-08.corp.example\nextendedKeyUsage=serverAuth\n")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=Reports Test/CN=Reports Test Issuing CA",
        "-keyout", f"{tmp}/int.key", "-out", f"{tmp}/int.csr")
    run("x509", "-req", "-in", f"{tmp}/int.csr", "-CA", f"{tmp}/root.pem", "-CAkey", f"{tmp}/root.key",
        "-CAcreateserial", "-days", "3650", "-extfile", ext, "-extensions", "ca", "-out", f"{tmp}/int.pem")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=amt-08.corp.example",
        "-keyout", f"{tmp}/leaf.key", "-out", f"{tmp}/leaf.csr")
    run("x509", "-req", "-in", f"{tmp}/leaf.csr", "-CA", f"{tmp}/int.pem", "-CAkey", f"{tmp}/int.key",
        "-CAcreateserial", "-days", "825", "-extfile", ext, "-extensions", "leaf", "-out", f"{tmp}/leaf.pem")
    with open(f"{tmp}/chain.pem", "w") as out:
        for n in ("leaf", "int"):
            with open(f"{tmp}/{n}.pem") as f:
                out.write(f.read())
    return f"{tmp}/chain.pem", f"{tmp}/leaf.key"


def tls_failure(tmp):
    chain, key = make_chain(tmp)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # 1.3 would hide the certificates
    ctx.load_cert_chain(chain, key)

    def server(s):
        conn, _ = s.accept()
        try:
            ctx.wrap_socket(conn, server_side=True).close()
        except (ssl.SSLError, OSError):
            conn.close()
        s.close()
    _, t = serve_once(socket.SOCK_STREAM, (AMT2, 16993), server)
    client = ssl.create_default_context()  # the test root is not trusted: unknown_ca
    client.maximum_version = ssl.TLSVersion.TLSv1_2
    c = tcp_client(SCS, (AMT2, 16993))
    try:
        client.wrap_socket(c, server_hostname="amt-08.corp.example")
    except ssl.SSLError:
        pass
    c.close()
    t.join(5)


# --- WS-Man with a refused digest -------------------------------------------
def wsman_401():
    with open(os.path.join(DATA, "wsman", "http", "amt15_wsman_401_digest_challenge.http"), "rb") as f:
        challenge = f.read()
    with open(os.path.join(DATA, "wsman", "requests", "amt_generalsettings_get.xml"), "rb") as f:
        body = f.read()

    def server(s):
        for _ in range(3):
            conn, _ = s.accept()
            conn.settimeout(2)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, rest = data.split(b"\r\n\r\n", 1)
                length = int([h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0])
                while len(rest) < length:
                    rest += conn.recv(65536)
            except (socket.timeout, IndexError, ValueError):
                pass
            conn.sendall(challenge)
            conn.close()
        s.close()
    _, t = serve_once(socket.SOCK_STREAM, (AMT2, 16992), server)
    realm, nonce = "Digest:727734D63A1FC0423736E48DA554E462", "B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA"
    ha1 = hashlib.md5(f"{DIGEST_USER}:{realm}:{DIGEST_PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(b"POST:/wsman").hexdigest()
    cnonce, nc = "0a4f113b", "00000001"
    response = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    auth = (f'Digest username="{DIGEST_USER}", realm="{realm}", nonce="{nonce}", uri="/wsman", '
            f'response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}"')
    # the third request probes CVE-2017-5689 with an empty digest response (refused)
    empty = auth.replace(f'response="{response}"', 'response=""')
    for extra in ("", f"Authorization: {auth}\r\n", f"Authorization: {empty}\r\n"):
        c = tcp_client(CONSOLE, (AMT2, 16992))
        c.sendall((f"POST /wsman HTTP/1.1\r\nHost: {AMT2}:16992\r\n{extra}Content-Type: application/soap+xml;"
                   f"charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
        try:
            while c.recv(65536):
                pass
        except socket.timeout:
            pass
        c.close()
    t.join(5)
    return [response, DIGEST_PASSWORD]


# --- redirection refused, RMCP ------------------------------------------------
def redirection_refused():
    def server(s):
        conn, _ = s.accept()
        conn.settimeout(2)
        conn.recv(64)
        # StartRedirectionSessionReply with a non-zero status: the session is refused
        conn.sendall(bytes([0x11, 0x01, 0, 0, 1, 0, 11, 0]) + struct.pack("<I", 343) + b"\x00")
        conn.close()
        s.close()
    _, t = serve_once(socket.SOCK_STREAM, (AMT2, 16994), server)
    c = tcp_client(CONSOLE, (AMT2, 16994))
    c.sendall(bytes([0x10, 0, 0, 0]) + b"SOL ")
    try:
        c.recv(64)
    except socket.timeout:
        pass
    c.close()
    t.join(5)


def rmcp(state=2):
    def server(s):
        data, peer = s.recvfrom(512)
        # Intel's OEM bytes: IANA 343, HTTP port 16992, version 0, provisioning state, AMT flag 0x20
        pong = bytes([6, 0, 0xff, 6]) + struct.pack("!IBBBB", 4542, 0x40, data[9], 0, 16) + \
            struct.pack("!IHBB", 343, 16992, 0, state) + bytes([0x81, 0x20]) + bytes(6)
        s.sendto(pong, peer)
        s.close()
    serve_once(socket.SOCK_DGRAM, (AMT2, 623), server)
    ping = bytes([6, 0, 0xff, 6]) + struct.pack("!IBBBB", 4542, 0x80, 7, 0, 0)
    udp((SCS, 0), (AMT2, 623), ping)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    secrets = []
    with tempfile.TemporaryDirectory(prefix="amtscope-reports-rec-") as tmp:
        cap = Capture(os.path.join(out, "three-devices.pcap"))
        try:
            t = threading.Thread(target=dns_server, args=(serve_socket(DNS, 53),), daemon=True)
            t.start()
            dhcp_exchange()
            dns_query(AMT1, 0x0821, "ProvisionServer.corp.example")
            hellos()
            dns_query(SCS, 0x0005, "amt-08.corp.example")
            tls_failure(tmp)
            secrets += wsman_401()
            redirection_refused()
            rmcp()
        finally:
            cap.stop()
        cap = Capture(os.path.join(out, "quiet.pcap"))
        try:
            udp(("127.0.8.40", 0), ("127.0.8.41", 5000), b"nothing to see", want_reply=False)
        finally:
            cap.stop()
        # only a warning: a refused redirection session
        cap = Capture(os.path.join(out, "warning-only.pcap"))
        try:
            redirection_refused()
        finally:
            cap.stop()
        # only an info: a device in provisioning answers RMCP but sends no hello
        cap = Capture(os.path.join(out, "info-only.pcap"))
        try:
            rmcp(state=1)
        finally:
            cap.stop()
    with open(os.path.join(out, "secrets.txt"), "w") as f:
        f.write("# secrets in these captures (a digest response, and the password behind it): no report may print them\n")
        for s in secrets:
            f.write(s + "\n")


def serve_socket(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    return s


if __name__ == "__main__":
    main()
