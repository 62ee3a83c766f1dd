#!/usr/bin/env python3
"""Records samples/provisioning-demo.pcap: one small capture in which a
provisioning goes wrong in the ways the seed documents describe. Real
programs and kernel sockets on loopback (dnsmasq + dig for DNS, openssl for
TLS, Python stand-ins for the AMT device and the setup service whose payloads
follow the layouts in decoder/events/*.h), captured with tcpdump. Needs root.

  127.0.2.21  the AMT device (amt-07.corp.example; UUID of MeshCentral's hello s1)
  127.0.2.10  the setup service (listens on 9971, never connects back)
  127.0.2.30  console A (correct password; holds a SOL session)
  127.0.2.31  console B (wrong password; refused SOL while A holds it)
  127.0.2.53  DNS: no ProvisionServer record, amt-07 points at .22, PTR of .21 names amt-99

usage: record-demo.py [OUT.pcap]
"""
import hashlib, os, re, socket, struct, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'provisioning-demo.pcap')
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'data', 'public')
DEV, SCS, CONA, CONB, DNS = '127.0.2.21', '127.0.2.10', '127.0.2.30', '127.0.2.31', '127.0.2.53'
REALM, NONCE, PASSWORD = 'Digest:727734D63A1FC0423736E48DA554E462', 'B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA', 'Demo-Passw0rd!'
tmp = tempfile.mkdtemp()


def hello_samples():
    out = {}
    with open(os.path.join(DATA, 'hello', 'meshcentral-amt-hello-v3-samples.hex')) as f:
        for line in f:
            if line.startswith('s'):
                name, _, _, hx = line.split()
                out[name] = bytes.fromhex(hx)
    return out


def http_sample(name):
    with open(os.path.join(DATA, 'wsman', 'http', name), 'rb') as f:
        return f.read()


def chunked(body, size=700):
    out = b''
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b'%04X\r\n' % len(part) + part + b'\r\n'
    return out + b'0\r\n\r\n'


def general_settings_response():
    """The recorded AMT 15 GetResponse, with the device's host and domain names filled in."""
    raw = http_sample('amt15_wsman_get_generalsettings_200_chunked.http')
    head, body = raw.split(b'\r\n\r\n', 1)
    xml, rest = b'', body
    while True:
        size, rest = rest.split(b'\r\n', 1)
        n = int(size, 16)
        if n == 0:
            break
        xml += rest[:n]
        rest = rest[n + 2:]
    xml = xml.replace(b'<g:HostName></g:HostName>', b'<g:HostName>amt-07</g:HostName>')
    xml = xml.replace(b'<g:DomainName></g:DomainName>', b'<g:DomainName>corp.example</g:DomainName>')
    return head + b'\r\n\r\n' + chunked(xml)


def listener(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    return s


def connect(src, dst, port):
    c = socket.socket()
    c.bind((src, 0))
    c.connect((dst, port))
    return c


def recv_http(c):
    data = b''
    while b'\r\n\r\n' not in data:
        d = c.recv(65536)
        if not d:
            return data
        data += d
    head, body = data.split(b'\r\n\r\n', 1)
    m = re.search(rb'Content-Length: *(\d+)', head, re.I)
    n = int(m.group(1)) if m else 0
    while len(body) < n:
        body += c.recv(65536)
    return head + b'\r\n\r\n' + body


def digest_ok(req):
    m = re.search(rb'Authorization: Digest (.*)\r\n', req)
    if not m:
        return False
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', m.group(1).decode()))
    h = lambda s: hashlib.md5(s.encode()).hexdigest()
    ha1 = h(f"{f['username']}:{f['realm']}:{PASSWORD}")
    want = h(f"{ha1}:{f['nonce']}:{f['nc']}:{f['cnonce']}:{f['qop']}:{h('POST:' + f['uri'])}")
    return f.get('response') == want


def wsman_device(srv, conns):
    """AMT on 16992: 401 without (or with a wrong) digest, the recorded
    replies with a right one; a Create gets the recorded AlreadyExists fault."""
    for _ in range(conns):
        c, _ = srv.accept()
        while True:
            req = recv_http(c)
            if not req:
                break
            if not digest_ok(req):
                c.sendall(http_sample('amt15_wsman_401_digest_challenge.http'))
                break
            if b'transfer/Create' in req:
                c.sendall(http_sample('amt15_wsman_400_fault_alreadyexists_chunked.http'))
                break
            c.sendall(general_settings_response())
        c.close()


def digest_header(user, password, body_uri='/wsman'):
    h = lambda s: hashlib.md5(s.encode()).hexdigest()
    cnonce, nc = '0a4f113b9d8c2e61', '00000001'
    ha1 = h(f'{user}:{REALM}:{password}')
    resp = h(f"{ha1}:{NONCE}:{nc}:{cnonce}:auth:{h('POST:' + body_uri)}")
    return (f'Authorization: Digest username="{user}",realm="{REALM}",nonce="{NONCE}",uri="{body_uri}",'
            f'qop=auth,response="{resp}",nc={nc},cnonce="{cnonce}"\r\n')


def post(c, body, auth=''):
    c.sendall(b'POST /wsman HTTP/1.1\r\nHost: amt-07.corp.example:16992\r\n' + auth.encode() +
              b'Content-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
    data = b''
    while True:
        d = c.recv(65536)
        if not d:
            break
        data += d
        if data.endswith(b'0\r\n\r\n') or (b'Content-Length' in data and data.count(b'</html>')):
            break
    return data


def wsman_consoles():
    req_dir = os.path.join(DATA, 'wsman', 'requests')
    get = open(os.path.join(req_dir, 'amt_generalsettings_get.xml'), 'rb').read()
    create = get.replace(b'transfer/Get<', b'transfer/Create<')
    # console A: challenge, then the right password (keep-alive), then a Create that faults
    c = connect(CONA, DEV, 16992); post(c, get); c.close()
    c = connect(CONA, DEV, 16992); post(c, get, digest_header('admin', PASSWORD)); post(c, create, digest_header('admin', PASSWORD)); c.close()
    # console B: wrong password twice
    for _ in range(2):
        c = connect(CONB, DEV, 16992); post(c, get, digest_header('admin', 'wrong-guess')); c.close()


def lp(s):
    return bytes([len(s)]) + s


def redirection():
    srv = listener(DEV, 16994)
    holding = threading.Event()
    done = threading.Event()

    def device():
        a, _ = srv.accept()   # console A
        a.recv(8)             # StartRedirectionSession SOL
        a.sendall(bytes([0x11, 0, 0, 0, 1, 0, 11, 8]) + struct.pack('<I', 343) + b'\x00')
        a.recv(64)            # auth: digest, user + uri
        challenge = lp(REALM.encode()) + lp(NONCE.encode()) + lp(b'auth')
        a.sendall(bytes([0x14, 1, 0, 0, 4]) + struct.pack('<I', len(challenge)) + challenge)
        a.recv(512)           # digest answer
        a.sendall(bytes([0x14, 0, 0, 0, 4]) + struct.pack('<I', 0))
        a.recv(24)            # START_SOL_REDIRECTION
        a.sendall(bytes([0x21, 0, 0, 0]) + struct.pack('<I', 1) + bytes(15))
        a.recv(64)            # SOL data to host
        a.sendall(bytes([0x2a, 0, 0, 0]) + struct.pack('<I', 2) + struct.pack('<H', 9) + b'C:\\> dir\r')
        holding.set()
        b, _ = srv.accept()   # console B while A holds the session
        b.recv(8)
        b.sendall(bytes([0x11, 2, 0, 0, 1, 0, 11, 8]) + struct.pack('<I', 343) + b'\x00')  # status 2: busy
        b.close()
        a.recv(8)             # END_SOL_REDIRECTION
        a.sendall(bytes([0x23, 0, 0, 0]) + struct.pack('<I', 3))
        a.close()
        srv.close()
        done.set()

    t = threading.Thread(target=device)
    t.start()
    a = connect(CONA, DEV, 16994)
    a.sendall(bytes([0x10, 0, 0, 0]) + b'SOL ')
    a.recv(64)
    uri = b'/RedirectionService'
    a.sendall(bytes([0x13, 0, 0, 0, 4]) + struct.pack('<I', 5 + len(uri) + 8) + lp(b'admin') + b'\0\0' + lp(uri) + b'\0\0\0\0')
    a.recv(256)
    h = lambda s: hashlib.md5(s).hexdigest().encode()
    ha1 = h(b'admin:' + REALM.encode() + b':' + PASSWORD.encode())
    resp = h(ha1 + b':' + NONCE.encode() + b':00000002:' + b'ab' * 16 + b':auth:' + h(b'POST:' + uri))
    fields = [b'admin', REALM.encode(), NONCE.encode(), uri, b'ab' * 16, b'00000002', resp, b'auth']
    data = b''.join(lp(x) for x in fields)
    a.sendall(bytes([0x13, 0, 0, 0, 4]) + struct.pack('<I', len(data)) + data)
    a.recv(64)
    a.sendall(bytes([0x20, 0, 0, 0]) + struct.pack('<I', 1) + struct.pack('<HHHHHH', 10000, 100, 0, 10000, 100, 0) + bytes(4))
    a.recv(64)
    a.sendall(bytes([0x28, 0, 0, 0]) + struct.pack('<I', 2) + struct.pack('<H', 5) + b'dir\r\n')
    a.recv(64)
    holding.wait()
    b = connect(CONB, DEV, 16994)
    b.sendall(bytes([0x10, 0, 0, 0]) + b'SOL ')
    b.recv(64)
    b.close()
    time.sleep(0.05)
    a.sendall(bytes([0x22, 0, 0, 0]) + struct.pack('<I', 3))
    a.recv(64)
    a.close()
    done.wait()
    t.join()


def hellos():
    s = hello_samples()['s1']
    srv = listener(SCS, 9971)

    def scs():
        for _ in range(2):
            c, _ = srv.accept()
            while c.recv(4096):
                pass
            c.close()   # the setup service never connects back to AMT:16993
        srv.close()

    t = threading.Thread(target=scs)
    t.start()
    for retry in (0, 1):
        c = connect(DEV, SCS, 9971)
        c.sendall(s[:4] + struct.pack('<I', retry) + s[8:])
        c.shutdown(socket.SHUT_WR)
        c.recv(10)
        c.close()
        time.sleep(0.2)
    t.join()


def rmcp():
    d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    d.bind((DEV, 623))
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.bind((CONA, 0))
    c.sendto(bytes.fromhex('06000006000011be80000000'), (DEV, 623))
    _, peer = d.recvfrom(64)
    # pong: Intel IANA, open port 16992, version 0 (see bytes 22-23), state 1 = in provisioning
    pong = bytes.fromhex('06000006000011be40000010') + struct.pack('>IHBBBB', 343, 16992, 0, 1, 0, 0x20) + bytes([15, 0]) + bytes(4)
    d.sendto(pong, peer)
    c.recvfrom(64)


def tls():
    key, crt = os.path.join(tmp, 'amt.key'), os.path.join(tmp, 'amt.crt')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt,
                    '-days', '3650', '-subj', '/CN=amt-07.corp.example', '-addext',
                    'subjectAltName=DNS:amt-07.corp.example'], check=True, capture_output=True)
    s = subprocess.Popen(['openssl', 's_server', '-accept', f'{DEV}:16993', '-cert', crt, '-key', key,
                          '-tls1_2', '-naccept', '1', '-quiet'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    subprocess.run(['openssl', 's_client', '-connect', f'{DEV}:16993', '-servername', 'amt-07.corp.example',
                    '-tls1_2'], input=b'', capture_output=True, timeout=10)
    s.wait(timeout=10)


def dns():
    conf = os.path.join(tmp, 'dnsmasq.conf')
    with open(conf, 'w') as f:
        f.write(f'port=53\nlisten-address={DNS}\nbind-interfaces\nno-resolv\nno-hosts\n'
                'address=/amt-07.corp.example/127.0.2.22\nptr-record=21.2.0.127.in-addr.arpa,amt-99.corp.example\n'
                'local=/corp.example/\nlocal=/2.0.127.in-addr.arpa/\n')
    d = subprocess.Popen(['dnsmasq', '-k', '-C', conf, '--pid-file=' + os.path.join(tmp, 'pid')],
                         stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    for q in (['ProvisionServer.corp.example'], ['amt-07.corp.example'], ['-x', DEV]):
        subprocess.run(['dig', '+tries=1', '+time=2', '-b', DEV, f'@{DNS}', *q], capture_output=True)
    d.terminate()
    d.wait()


p = subprocess.Popen(['tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-w', OUT, 'net 127.0.2.0/24 and not host 127.0.2.1 and not host 127.0.2.7'],
                     stderr=subprocess.PIPE)
while b'listening' not in p.stderr.readline():
    pass
dns()
hellos()
rmcp()
wsman_srv = listener(DEV, 16992)
wt = threading.Thread(target=wsman_device, args=(wsman_srv, 4))
wt.start()
wsman_consoles()
wt.join()
wsman_srv.close()
tls()
redirection()
time.sleep(1)
p.terminate()
p.wait()
print('wrote', OUT)
