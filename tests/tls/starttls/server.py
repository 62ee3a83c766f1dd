#!/usr/bin/env python3
"""A small mail/file server that speaks the plaintext prelude of SMTP, IMAP,
POP3 or FTP, accepts the client's request for TLS (STARTTLS, STLS, AUTH
TLS), then continues in TLS with Python's ssl module (OpenSSL) on the same
kernel socket. openssl s_client -starttls is the client. One connection.

usage: server.py PROTO HOST PORT CERTCHAIN.pem KEY.pem   (prints "listening" when ready)
"""
import socket
import ssl
import sys

proto, host, port, chain, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(1)
print("listening", flush=True)
conn, _ = srv.accept()
f = conn.makefile("rb")


def send(s):
    conn.sendall(s.encode())


GREETING = {"smtp": "220 mail.starttls.test ESMTP ready\r\n",
            "imap": "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n",
            "pop3": "+OK POP3 ready\r\n",
            "ftp": "220-files.starttls.test\r\n220 FTP ready\r\n"}
send(GREETING[proto])
while True:
    line = f.readline()
    if not line:
        sys.exit("client left before asking for TLS")
    cmd = line.decode(errors="replace").strip()
    word = cmd.split(" ")
    if proto == "smtp":
        if word[0].upper() in ("EHLO", "HELO"):
            send("250-mail.starttls.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        elif word[0].upper() == "STARTTLS":
            send("220 2.0.0 Ready to start TLS\r\n")
            break
        else:
            send("502 5.5.2 not here\r\n")
    elif proto == "imap":
        tag = word[0]
        up = word[1].upper() if len(word) > 1 else ""
        if up == "CAPABILITY":
            send(f"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK CAPABILITY completed\r\n")
        elif up == "STARTTLS":
            send(f"{tag} OK Begin TLS negotiation now\r\n")
            break
        else:
            send(f"{tag} BAD not here\r\n")
    elif proto == "pop3":
        if word[0].upper() == "CAPA":
            send("+OK\r\nSTLS\r\nUSER\r\n.\r\n")
        elif word[0].upper() == "STLS":
            send("+OK Begin TLS negotiation\r\n")
            break
        else:
            send("-ERR not here\r\n")
    elif proto == "ftp":
        if cmd.upper() in ("AUTH TLS", "AUTH SSL"):
            send("234 AUTH TLS successful\r\n")
            break
        send("502 not here\r\n")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # certificates in the clear, for the rules to judge
ctx.load_cert_chain(chain, key)
tls = ctx.wrap_socket(conn, server_side=True)
try:
    while tls.recv(4096):
        pass
except (ssl.SSLError, OSError):
    pass
tls.close()
