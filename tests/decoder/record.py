#!/usr/bin/env python3
"""Records the decoder's test captures from real sockets on loopback, then
derives the other link types and encapsulations from them.

usage: record.py OUTDIR      (needs root for tcpdump)

base.pcap       tcpdump -i lo (Ethernet): TCP over IPv4 and IPv6 (an AMT-port
                exchange, a refused connection, a connection left open), UDP
derived (same packets, rewritten headers, so tshark can check every one):
vlan.pcap       802.1Q and 802.1ad (QinQ) tags inserted
sll2.pcap       tcpdump -i any (Linux cooked v2), recorded live
raw.pcap        LINKTYPE_RAW (IP only)
null.pcap       BSD loopback (DLT_NULL, host byte order)
frag.pcap       IPv4 datagrams split into fragments, out of order
base.pcapng     the base capture as pcapng (editcap)
"""
import os, socket, struct, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
HOST = '127.0.2.1'


def exchange():
    ready = threading.Event()

    def server():
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((HOST, 16992))
        s.listen(5)
        ready.set()
        for _ in range(2):
            c, _ = s.accept()
            data = b''
            while not data.endswith(b'END'):
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
            c.sendall(b'R' * 3000 + b'END')
            c.close()
        s.close()

    t = threading.Thread(target=server)
    t.start()
    ready.wait()
    for payload in (b'Q' * 100 + b'END', b'q' * 5000 + b'END'):
        c = socket.socket()
        c.bind((HOST, 0))
        c.connect((HOST, 16992))
        for i in range(0, len(payload), 1400):
            c.sendall(payload[i:i + 1400])
            time.sleep(0.002)
        got = b''
        while not got.endswith(b'END'):
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
        c.close()
    t.join()
    # refused: nothing listens on 16993
    c = socket.socket()
    c.bind((HOST, 0))
    try:
        c.connect((HOST, 16993))
    except OSError:
        pass
    c.close()
    # UDP both ways
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((HOST, 0))
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind((HOST, 623))
    u.sendto(b'\x06\x00\xff\x06\x00\x00\x11\xbe\x80\x00\x00\x00', (HOST, 623))
    d, a = r.recvfrom(100)
    r.sendto(b'pong', a)
    u.recvfrom(100)
    # IPv6
    s6 = socket.socket(socket.AF_INET6)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s6.bind(('::1', 16994))
    s6.listen(1)
    c6 = socket.socket(socket.AF_INET6)
    c6.connect(('::1', 16994))
    a6, _ = s6.accept()
    c6.sendall(b'hello over v6')
    a6.recv(100)
    a6.sendall(b'reply')
    c6.recv(100)
    c6.close()
    a6.close()
    s6.close()
    time.sleep(0.1)


def record(path, iface, extra=()):
    p = subprocess.Popen(['tcpdump', '-i', iface, '--immediate-mode', '-U', '-w', path, *extra,
                          f'host {HOST} or (ip6 and host ::1 and port 16994)'],
                         stderr=subprocess.PIPE)
    # wait until tcpdump says it is listening
    while b'listening' not in p.stderr.readline():
        pass
    exchange()
    time.sleep(1.0)  # let tcpdump read what the kernel buffered
    p.terminate()
    p.wait()


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    hdr, body = data[:24], data[24:]
    recs = []
    i = 0
    while i + 16 <= len(body):
        ts, tu, incl, orig = struct.unpack('<IIII', body[i:i + 16])
        recs.append([ts, tu, body[i + 16:i + 16 + incl], orig])
        i += 16 + incl
    return hdr, recs


def write_pcap(path, linktype, recs):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for ts, tu, d, orig in recs:
            f.write(struct.pack('<IIII', ts, tu, len(d), len(d)))
            f.write(d)


record(f'{out}/base.pcap', 'lo')
record(f'{out}/sll2.pcap', 'any')
subprocess.run(['editcap', '-F', 'pcapng', f'{out}/base.pcap', f'{out}/base.pcapng'], check=True)
_, recs = read_pcap(f'{out}/base.pcap')

vlan = []
for ts, tu, d, o in recs:
    # a flow keeps its tags: IPv4 TCP on 802.1Q VLAN 100, the rest QinQ 200/100
    if d[12:14] == b'\x08\x00' and d[14 + 9] == 6:
        tag = struct.pack('>HH', 0x8100, 0x0064)
    else:
        tag = struct.pack('>HHHH', 0x88a8, 0x00c8, 0x8100, 0x0064)
    vlan.append([ts, tu, d[:12] + tag + d[12:], o])
write_pcap(f'{out}/vlan.pcap', 1, vlan)
write_pcap(f'{out}/raw.pcap', 101, [[ts, tu, d[14:], o] for ts, tu, d, o in recs])
null = []
for ts, tu, d, o in recs:
    et = struct.unpack('>H', d[12:14])[0]
    fam = 2 if et == 0x0800 else 30  # AF_INET6 as BSD writes it
    null.append([ts, tu, struct.pack('<I', fam) + d[14:], o])
write_pcap(f'{out}/null.pcap', 0, null)

# fragments: every IPv4 TCP/UDP packet with payload > 200 bytes is split in
# 3 fragments sent in the order 2, 0, 1
frag = []
ident = 1000
for ts, tu, d, o in recs:
    if struct.unpack('>H', d[12:14])[0] != 0x0800:
        frag.append([ts, tu, d, o])
        continue
    ip = d[14:]
    hl = (ip[0] & 15) * 4
    total = struct.unpack('>H', ip[2:4])[0]
    payload = ip[hl:total]
    if len(payload) < 200:
        frag.append([ts, tu, d, o])
        continue
    ident += 1
    size = (len(payload) // 3) // 8 * 8
    pieces = [(0, payload[:size]), (size, payload[size:2 * size]), (2 * size, payload[2 * size:])]
    out_frags = []
    for k, (off, chunk) in enumerate(pieces):
        more = 0x2000 if k < 2 else 0
        h = bytearray(ip[:hl])
        h[2:4] = struct.pack('>H', hl + len(chunk))
        h[4:6] = struct.pack('>H', ident)
        h[6:8] = struct.pack('>H', more | (off // 8))
        h[10:12] = b'\0\0'
        s = 0
        for j in range(0, hl, 2):
            s += (h[j] << 8) | h[j + 1]
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        h[10:12] = struct.pack('>H', ~s & 0xffff)
        out_frags.append(d[:14] + bytes(h) + chunk)
    for k in (2, 0, 1):
        frag.append([ts, tu, out_frags[k], len(out_frags[k])])
write_pcap(f'{out}/frag.pcap', 1, frag)
