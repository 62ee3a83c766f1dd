#!/usr/bin/env python3
"""Records the key-log decryption test captures over loopback (127.0.11.0/24).

WS-Man: curl (a real client, OpenSSL, SSLKEYLOGFILE) sends the same Digest
exchange as tests/http to a stand-in that answers with the recorded AMT bytes
(tests/http/amt_standin.py's serve(), here behind Python's ssl module on
16993, and in plaintext on 16992 for the reference capture). Redirection: the
SOL session of tests/amt/record.py, over TLS on 16995 (plaintext on 16994 for
the reference), the client writing the key log with ssl's keylog_filename.
Each scenario writes captures/<name>.pcap and captures/<name>.keylog.

usage: record.py [OUTDIR] [SCENARIO...]     (root: tcpdump)
"""
import importlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..")
DATA = os.environ.get("TESTDATA", os.path.join(SRC, "tests", "data", "public"))
CERTS = os.path.join(SRC, "tests", "tls", "certs")
CONSOLE = "127.0.11.1"
PASSWORD = "Adm1n-Test!"
REQ = os.path.join(DATA, "wsman", "requests")
SSL_OP_NO_ENCRYPT_THEN_MAC = 1 << 19  # OpenSSL's option; Python has no name for it

sys.argv = [sys.argv[0]] + sys.argv[1:]
ARGS = sys.argv[1:]
sys.path.insert(0, os.path.join(SRC, "tests", "http"))
sys.path.insert(0, os.path.join(SRC, "tests", "amt"))
_saved = sys.argv
sys.argv = ["amt_standin.py", DATA, "127.0.11.255", "0", PASSWORD]
standin = importlib.import_module("amt_standin")
sys.argv = _saved
redir = importlib.import_module("record")


class Recorder:
    def __init__(self, path, host):
        self.path, self.host = path, host

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", "lo", "--immediate-mode", "-w", self.path, "-U", "-n", "host " + self.host],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        line = self.proc.stderr.readline().decode()
        if "listening" not in line:
            raise RuntimeError("tcpdump did not start: " + line)
        time.sleep(1.0)
        return self

    def __exit__(self, *exc):
        time.sleep(1.0)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)


def server_context(cert="leaf", chain="chain-good", max12=False, no_etm=False, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    pem = os.path.join(CERTS, cert + ".pem")
    if chain:
        # the leaf followed by its chain in one file, as load_cert_chain wants
        both = os.path.join(OUT, ".%s+%s.pem" % (cert, chain))
        with open(both, "w") as f:
            f.write(open(pem).read() + open(os.path.join(CERTS, chain + ".pem")).read())
        pem = both
    ctx.load_cert_chain(pem, os.path.join(CERTS, cert + ".key"))
    if max12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    # Python's default list leaves out the SHA-1 CBC suites; the client chooses here
    ctx.set_ciphers(ciphers or "ALL")
    if no_etm:
        ctx.options |= SSL_OP_NO_ENCRYPT_THEN_MAC
    return ctx


def tls_listener(addr, port, ctx):
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    raw.bind((addr, port))
    raw.listen(8)
    return ctx.wrap_socket(raw, server_side=True) if ctx else raw


def http_server(sock, stop):
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except (socket.timeout, ssl.SSLError, OSError):
            continue
        conn.settimeout(None)
        threading.Thread(target=standin.serve, args=(conn,), daemon=True).start()


def curl_wsman(url, keylog, extra, keepalive, request, password):
    env = dict(os.environ)
    if keylog:
        env["SSLKEYLOGFILE"] = keylog
    soap = ["-H", "Content-Type: application/soap+xml;charset=UTF-8", "--interface", CONSOLE, "-s", "-k",
            "-o", "/dev/null", "-w", "%{http_code} ", "--digest", "-u", "admin:" + password] + extra
    cmd = ["curl"] + soap + ["--data-binary", "@" + os.path.join(REQ, request), url]
    if keepalive:
        cmd += ["--next"] + soap + ["--data-binary", "@" + os.path.join(REQ, "ips_hostbasedsetup_adminsetup.xml"),
                                    url]
        cmd += ["--next"] + soap + ["--data-binary", "@" + os.path.join(REQ, "amt_generalsettings_pull.xml"), url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=20)
    return out.stdout


def wsman(host, port, tls, extra=(), keepalive=False, request="amt_generalsettings_get.xml", password=PASSWORD):
    """tls: None (plaintext), "tls", "no_etm" (server refuses encrypt-then-MAC), "expired" (expired leaf)."""
    def run(name):
        ctx = None if not tls else server_context(
            no_etm=tls == "no_etm", cert="leaf-expired" if tls == "expired" else "leaf")
        keylog = os.path.join(OUT, name + ".keylog") if ctx else None
        if keylog and os.path.exists(keylog):
            os.unlink(keylog)
        sock = tls_listener(host, port, ctx)
        stop = threading.Event()
        t = threading.Thread(target=http_server, args=(sock, stop))
        t.start()
        try:
            scheme = "https" if ctx else "http"
            with Recorder(os.path.join(OUT, name + ".pcap"), host):
                codes = curl_wsman("%s://%s:%d/wsman" % (scheme, host, port), keylog, list(extra), keepalive,
                                   request, password)
        finally:
            stop.set()
            t.join()
            sock.close()
        return codes
    return run


def redirection(host, port, tls):
    """SOL over 16994 or, with TLS, 16995 (the AMT stand-in of tests/amt)."""
    def run(name):
        keylog = os.path.join(OUT, name + ".keylog")
        if os.path.exists(keylog):
            os.unlink(keylog)
        sctx = server_context(max12=True) if tls else None
        cctx = None
        if tls:
            cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            cctx.check_hostname = False
            cctx.verify_mode = ssl.CERT_NONE
            cctx.keylog_filename = keylog

        def listener(addr, _port, backlog=4):
            return tls_listener(addr, port, sctx)

        def connect(src, dst, _port):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((src, 0))
            s.connect((dst, port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return cctx.wrap_socket(s) if cctx else s

        redir.listener, redir.connect = listener, connect
        with Recorder(os.path.join(OUT, name + ".pcap"), host):
            amt = redir.AmtRedirection(host)
            t = threading.Thread(target=amt.serve, args=(1,))
            t.start()
            redir.sol_console(CONSOLE, host)
            t.join()
            amt.done()
        return "sol"
    return run


SCENARIOS = {
    # plaintext references
    "plain-wsman": wsman("127.0.11.2", 16992, None),
    "plain-keepalive": wsman("127.0.11.3", 16992, None, keepalive=True),
    "plain-sol": redirection("127.0.11.4", 16994, False),
    "plain-fault": wsman("127.0.11.5", 16992, None, request="amt_setupandconfiguration_unprovision.xml"),
    "plain-wrongpw": wsman("127.0.11.6", 16992, None, password="wrong-password"),
    # the same over TLS
    "tls12-gcm": wsman("127.0.11.10", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]),
    "tls12-gcm256": wsman("127.0.11.11", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"]),
    "tls12-cbc-etm": wsman("127.0.11.12", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-SHA256"]),
    "tls12-cbc": wsman("127.0.11.13", 16993, "no_etm", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-SHA"]),
    "tls12-cbc384": wsman("127.0.11.14", 16993, "no_etm", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-SHA384"]),
    "tls12-chacha": wsman("127.0.11.15", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-CHACHA20-POLY1305"]),
    "tls13": wsman("127.0.11.16", 16993, "tls", ["--tlsv1.3"]),
    "tls13-chacha": wsman("127.0.11.17", 16993, "tls", ["--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256"]),
    "tls13-keepalive": wsman("127.0.11.18", 16993, "tls", ["--tlsv1.3"], keepalive=True),
    "tls13-expired": wsman("127.0.11.19", 16993, "expired", ["--tlsv1.3"]),
    "tls12-fault": wsman("127.0.11.23", 16993, "tls", ["--tls-max", "1.2"],
                         request="amt_setupandconfiguration_unprovision.xml"),
    "tls13-wrongpw": wsman("127.0.11.24", 16993, "tls", ["--tlsv1.3"], password="wrong-password"),
    # RSA key transport (and, without its key log line, the reason given); AES-CCM
    "tls12-rsa": wsman("127.0.11.21", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "AES128-GCM-SHA256"]),
    "tls12-ccm": wsman("127.0.11.22", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "AES128-CCM"]),
    # a suite amtscope does not decrypt
    "tls12-camellia": wsman("127.0.11.25", 16993, "tls", ["--tls-max", "1.2", "--ciphers", "CAMELLIA128-SHA"]),
    "tls-sol": redirection("127.0.11.20", 16995, True),
}


def main():
    global OUT
    OUT = ARGS[0] if ARGS else os.path.join(HERE, "captures")
    names = ARGS[1:] or list(SCENARIOS)
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        print(name, SCENARIOS[name](name), flush=True)
    for f in os.listdir(OUT):
        if f.startswith(".") and f.endswith(".pem"):
            os.unlink(os.path.join(OUT, f))


if __name__ == "__main__":
    main()
