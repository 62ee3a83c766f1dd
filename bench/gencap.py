#!/usr/bin/env python3
"""Writes a deterministic capture of AMT-like traffic of any size, for the
benchmark and the instruction-count guard.

Traffic mix (by sessions): WS-Man over HTTP on 16992 (401 digest challenge,
then an authorised POST answered with a chunked SOAP reply), TLS 1.2 on 16993
(full handshake with a certificate chain, then ApplicationData), DNS queries
and answers, DHCP DISCOVER/OFFER/REQUEST/ACK. Sessions run concurrently
(interleaved), as on a real segment.

The same --seed and --size give byte-identical files. Standard library only.

usage: gencap.py -o FILE [--size MB] [--seed N] [--format pcap|pcapng]
"""
import argparse
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MSS = 1448
ETH_SERVER = bytes.fromhex("0050568a0001")
ETH_CLIENT = bytes.fromhex("0050568a0002")


def csum_words(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def checksum(data):
    return (~csum_words(data)) & 0xFFFF


def ip_header(src, dst, proto, payload_len, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident & 0xFFFF, 0x4000, 64,
                      proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]


def l4_checksum(src, dst, proto, segment):
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(segment))
    c = checksum(pseudo + segment)
    return c if c else 0xFFFF


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload, ident, mac_src, mac_dst):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags,
                      65535, 0, 0)
    seg = hdr + payload
    c = l4_checksum(src, dst, 6, seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return mac_dst + mac_src + b"\x08\x00" + ip_header(src, dst, 6, len(seg), ident) + seg


def udp_frame(src, dst, sport, dport, payload, ident, mac_src, mac_dst):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_checksum(src, dst, 17, seg)
    seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return mac_dst + mac_src + b"\x08\x00" + ip_header(src, dst, 17, len(seg), ident) + seg


# --- TCP session templates -------------------------------------------------
# A template is built once with canonical addresses; instances patch the
# client/server addresses and the client port and fix the checksums by the
# one's-complement difference (RFC 1624), so building a session costs a few
# integer operations per packet.

T_CLIENT = bytes([192, 0, 2, 10])
T_SERVER = bytes([198, 51, 100, 20])
T_CPORT = 40000

F_FIN, F_SYN, F_PSH, F_ACK = 0x01, 0x02, 0x08, 0x10


class Template:
    __slots__ = ("frames", "gaps", "dirs", "sport")

    def __init__(self, sport, exchanges, isn_c=0x1000, isn_s=0x8000):
        """exchanges: list of (from_client: bool, payload bytes, think_time_us)."""
        self.sport = sport
        self.frames, self.gaps, self.dirs = [], [], []
        seq = {True: isn_c, False: isn_s}
        ident = {True: 100, False: 5000}

        def emit(from_client, flags, payload=b"", gap=30):
            a = seq[not from_client]
            src, dst = (T_CLIENT, T_SERVER) if from_client else (T_SERVER, T_CLIENT)
            sp, dp = (T_CPORT, sport) if from_client else (sport, T_CPORT)
            macs = (ETH_CLIENT, ETH_SERVER) if from_client else (ETH_SERVER, ETH_CLIENT)
            self.frames.append(tcp_frame(src, dst, sp, dp, seq[from_client], a, flags, payload,
                                         ident[from_client], *macs))
            ident[from_client] += 1
            self.gaps.append(gap)
            self.dirs.append(from_client)
            seq[from_client] += len(payload) + (1 if flags & (F_SYN | F_FIN) else 0)

        emit(True, F_SYN, gap=0)
        emit(False, F_SYN | F_ACK, gap=120)
        emit(True, F_ACK, gap=40)
        for from_client, payload, think in exchanges:
            first = True
            nseg = 0
            for off in range(0, len(payload), MSS):
                emit(from_client, F_ACK | F_PSH, payload[off:off + MSS], think if first else 12)
                first = False
                nseg += 1
                if nseg % 2 == 0:
                    emit(not from_client, F_ACK, gap=25)
            if nseg % 2:
                emit(not from_client, F_ACK, gap=25)
        emit(True, F_FIN | F_ACK, gap=200)
        emit(False, F_FIN | F_ACK, gap=60)
        emit(True, F_ACK, gap=40)


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def patched_csum(old, delta):
    """RFC 1624 eqn. 3: HC' = ~(~HC + m' - m), with delta = m' - m as one's complement."""
    return (~fold((~old & 0xFFFF) + delta)) & 0xFFFF


def words_sum(b):
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def neg(x):
    return (~fold(x)) & 0xFFFF


class TcpInstance:
    """Patches a template for one client/server pair; yields frames lazily."""
    __slots__ = ("t", "i", "cli", "srv", "cport", "dc", "ds", "ipc")

    def __init__(self, t, cli, srv, cport):
        self.t, self.i, self.cli, self.srv, self.cport = t, 0, cli, srv, cport
        ip_delta = fold(words_sum(cli + srv) + neg(words_sum(T_CLIENT + T_SERVER)))
        port_delta = fold(cport + neg(T_CPORT))
        self.ipc = ip_delta
        self.dc = fold(ip_delta + port_delta)
        self.ds = self.dc  # the sum is symmetric: same words, swapped places

    def next(self):
        t = self.t
        if self.i >= len(t.frames):
            return None, 0
        f = bytearray(t.frames[self.i])
        gap = t.gaps[self.i]
        from_client = t.dirs[self.i]
        self.i += 1
        if from_client:
            f[26:34] = self.cli + self.srv
            f[34:36] = self.cport.to_bytes(2, "big")
        else:
            f[26:34] = self.srv + self.cli
            f[36:38] = self.cport.to_bytes(2, "big")
        f[24:26] = patched_csum(int.from_bytes(f[24:26], "big"), self.ipc).to_bytes(2, "big")
        c = patched_csum(int.from_bytes(f[50:52], "big"), self.dc)
        f[50:52] = (c or 0xFFFF).to_bytes(2, "big")
        return bytes(f), gap


class FixedInstance:
    """A pre-built list of frames (UDP exchanges) replayed as they are."""
    __slots__ = ("frames", "i")

    def __init__(self, frames):
        self.frames, self.i = frames, 0

    def next(self):
        if self.i >= len(self.frames):
            return None, 0
        f = self.frames[self.i]
        self.i += 1
        return f, (0 if self.i == 1 else 900)


# --- payloads ---------------------------------------------------------------

def soap_envelope(action, resource, body, msgid):
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
            'xmlns:d="http://schemas.xmlsoap.org/ws/2005/02/trust" '
            'xmlns:e="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
            'xmlns:g="%s"><a:Header><b:To>/wsman</b:To>'
            '<b:RelatesTo>%d</b:RelatesTo><b:Action a:mustUnderstand="true">%s</b:Action>'
            '<b:MessageID>uuid:00000000-8086-8086-8086-%012X</b:MessageID>'
            '<c:ResourceURI>%s</c:ResourceURI></a:Header><a:Body>%s</a:Body></a:Envelope>'
            % (resource, msgid, action, msgid, resource, body)).encode()


AMT = "http://intel.com/wbem/wscim/1/amt-schema/1/"
CIM = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"


def wsman_calls(rng, host, domain):
    gs = AMT + "AMT_GeneralSettings"
    setup = AMT + "AMT_SetupAndConfigurationService"
    sw = CIM + "CIM_SoftwareIdentity"
    gs_body = ("<g:AMT_GeneralSettings><g:AMTNetworkEnabled>1</g:AMTNetworkEnabled>"
               "<g:DDNSPeriodicUpdateInterval>1440</g:DDNSPeriodicUpdateInterval>"
               "<g:DDNSTTL>900</g:DDNSTTL><g:DDNSUpdateByDHCPServerEnabled>true</g:DDNSUpdateByDHCPServerEnabled>"
               "<g:DDNSUpdateEnabled>false</g:DDNSUpdateEnabled><g:DHCPv6ConfigurationTimeout>0</g:DHCPv6ConfigurationTimeout>"
               "<g:DigestRealm>Digest:A3829B3827DE4D33D4449B366831FD01</g:DigestRealm>"
               "<g:DomainName>%s</g:DomainName><g:ElementName>Intel(r) AMT: General Settings</g:ElementName>"
               "<g:HostName>%s</g:HostName><g:HostOSFQDN>%s.%s</g:HostOSFQDN>"
               "<g:IdleWakeTimeout>65535</g:IdleWakeTimeout><g:InstanceID>Intel(r) AMT: General Settings</g:InstanceID>"
               "<g:NetworkInterfaceEnabled>true</g:NetworkInterfaceEnabled><g:PingResponseEnabled>true</g:PingResponseEnabled>"
               "<g:PowerSource>0</g:PowerSource><g:PreferredAddressFamily>0</g:PreferredAddressFamily>"
               "<g:PresenceNotificationInterval>0</g:PresenceNotificationInterval>"
               "<g:PrivacyLevel>0</g:PrivacyLevel><g:RmcpPingResponseEnabled>true</g:RmcpPingResponseEnabled>"
               "<g:SharedFQDN>true</g:SharedFQDN><g:ThunderboltDockEnabled>0</g:ThunderboltDockEnabled>"
               "<g:WsmanOnlyMode>false</g:WsmanOnlyMode></g:AMT_GeneralSettings>" % (domain, host, host, domain))
    setup_body = ("<g:AMT_SetupAndConfigurationService><g:ConfigurationServerFQDN>rps.%s</g:ConfigurationServerFQDN>"
                  "<g:CreationClassName>AMT_SetupAndConfigurationService</g:CreationClassName>"
                  "<g:ElementName>Intel(r) AMT Setup and Configuration Service</g:ElementName>"
                  "<g:EnabledState>5</g:EnabledState><g:Name>Intel(r) AMT Setup and Configuration Service</g:Name>"
                  "<g:PasswordModel>1</g:PasswordModel><g:ProvisioningMode>1</g:ProvisioningMode>"
                  "<g:ProvisioningServerOTP></g:ProvisioningServerOTP><g:ProvisioningState>2</g:ProvisioningState>"
                  "<g:RequestedState>12</g:RequestedState><g:SystemCreationClassName>CIM_ComputerSystem</g:SystemCreationClassName>"
                  "<g:SystemName>Intel(r) AMT</g:SystemName><g:ZeroTouchConfigurationEnabled>true</g:ZeroTouchConfigurationEnabled>"
                  "</g:AMT_SetupAndConfigurationService>" % domain)
    items = "".join("<g:CIM_SoftwareIdentity><g:InstanceID>%s</g:InstanceID><g:IsEntity>true</g:IsEntity>"
                    "<g:VersionString>%s</g:VersionString></g:CIM_SoftwareIdentity>" % (k, v)
                    for k, v in [("Flash", "16.1.25"), ("Netstack", "16.1.25"), ("AMTApps", "16.1.25"),
                                 ("AMT", "16.1.25"), ("Sku", "16392"), ("VendorID", "8086"),
                                 ("Build Number", "2049"), ("Recovery Version", "16.1.25"),
                                 ("Recovery Build Num", "2049"), ("Legacy Mode", "False"),
                                 ("AMT FW Core Version", "16.1.25")] * 6)
    sw_body = ("<e:PullResponse><e:Items>%s</e:Items><e:EndOfSequence></e:EndOfSequence></e:PullResponse>" % items)
    return [
        (GET, gs, "", gs_body),
        (GET, setup, "", setup_body),
        ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull", sw,
         "<e:Pull><e:EnumerationContext>0B000000-0000-0000-0000-000000000000</e:EnumerationContext>"
         "<e:MaxElements>999</e:MaxElements><e:MaxCharacters>99999</e:MaxCharacters></e:Pull>", sw_body),
    ][rng.randrange(3)]


def chunked(body, rng):
    out, off = [], 0
    while off < len(body):
        n = min(len(body) - off, rng.choice((512, 1024, 2048, 4096)))
        out.append(b"%x\r\n" % n + body[off:off + n] + b"\r\n")
        off += n
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def http_template(rng, idx):
    host = "amt-%04d" % idx
    domain = "vpro.bench.example"
    action, resource, req_body, resp_body = wsman_calls(rng, host, domain)
    req = soap_envelope(action, resource, req_body, idx)
    resp = chunked(soap_envelope(action + "Response", resource, resp_body, idx), rng)
    nonce = "%032x" % rng.getrandbits(128)
    cnonce = "%032x" % rng.getrandbits(128)
    response = "%032x" % rng.getrandbits(128)
    realm = "Digest:A3829B3827DE4D33D4449B366831FD01"
    head = ("POST /wsman HTTP/1.1\r\nHost: 198.51.100.20:16992\r\n"
            "Content-Type: application/soap+xml;charset=UTF-8\r\n"
            "User-Agent: Bench-WSMan/1.0\r\nContent-Length: %d\r\n" % len(req))
    req1 = (head + "\r\n").encode() + req
    r401 = ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\",stale=\"false\","
            "qop=\"auth\"\r\nContent-Type: text/html\r\nServer: Intel(R) Active Management Technology 16.1.25\r\n"
            "Content-Length: 0\r\n\r\n" % (realm, nonce)).encode()
    auth = ("Authorization: Digest username=\"admin\", realm=\"%s\", nonce=\"%s\", uri=\"/wsman\", "
            "response=\"%s\", qop=auth, nc=00000001, cnonce=\"%s\"\r\n" % (realm, nonce, response, cnonce))
    req2 = (head + auth + "\r\n").encode() + req
    r200 = ("HTTP/1.1 200 OK\r\nDate: Mon, 23 Nov 2026 12:00:00 GMT\r\n"
            "Server: Intel(R) Active Management Technology 16.1.25\r\nX-Frame-Options: DENY\r\n"
            "Content-Type: application/soap+xml; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n").encode() + resp
    return Template(16992, [(True, req1, 300), (False, r401, 900), (True, req2, 400), (False, r200, 2500)])


def load_der(name):
    with open(os.path.join(HERE, "certs", name + ".der"), "rb") as f:
        return f.read()


def hs(msg_type, body):
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def record(ctype, body):
    return bytes([ctype, 3, 3]) + len(body).to_bytes(2, "big") + body


def tls_template(rng, idx, chains):
    sni = ("amt-%04d.vpro.bench.example" % idx).encode()
    sni_ext = struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    exts = (sni_ext + bytes.fromhex("000a00080006001d00170018") + bytes.fromhex("000b00020100")
            + bytes.fromhex("000d0010000e0403050306030401050106010201") + bytes.fromhex("ff01000100")
            + bytes.fromhex("00170000"))
    suites = bytes.fromhex("c02fc030c02bc02c009e009fc013c014009c009d002f0035")
    ch = (b"\x03\x03" + rng.randbytes(32) + b"\x00" + len(suites).to_bytes(2, "big") + suites
          + b"\x01\x00" + len(exts).to_bytes(2, "big") + exts)
    sh_exts = bytes.fromhex("ff01000100") + bytes.fromhex("00170000")
    sh = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + rng.randbytes(32) + b"\xc0\x2f\x00"
          + len(sh_exts).to_bytes(2, "big") + sh_exts)
    chain = chains[idx % len(chains)]
    certs = b"".join(len(c).to_bytes(3, "big") + c for c in chain)
    cert_msg = len(certs).to_bytes(3, "big") + certs
    ske = b"\x03\x00\x17\x41\x04" + rng.randbytes(64) + b"\x04\x01\x01\x00" + rng.randbytes(256)
    server_flight = record(22, hs(2, sh) + hs(11, cert_msg) + hs(12, ske) + hs(14, b""))
    cke = hs(16, b"\x41\x04" + rng.randbytes(64))
    client_fin = record(22, cke) + record(20, b"\x01") + record(22, rng.randbytes(40))
    server_fin = record(20, b"\x01") + record(22, rng.randbytes(40))
    ex = [(True, record(22, hs(1, ch)), 200), (False, server_flight, 900), (True, client_fin, 600),
          (False, server_fin, 300)]
    for _ in range(rng.randrange(1, 4)):
        ex.append((True, record(23, rng.randbytes(rng.randrange(600, 1800))), 500))
        body = b"".join(record(23, rng.randbytes(min(16384, n))) for n in
                        [rng.randrange(2000, 16384) for _ in range(rng.randrange(1, 3))])
        ex.append((False, body, 3000))
    ex.append((True, record(21, rng.randbytes(26)), 200))
    return Template(16993, ex)


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns_exchange(rng, idx):
    cli, srv = bytes([10, 9, 1, 10 + idx % 200]), bytes([10, 9, 0, 53])
    txid = rng.getrandbits(16)
    name = "amt-%04d.vpro.bench.example" % idx
    q = struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + dns_name(name) + b"\x00\x01\x00\x01"
    a = (struct.pack("!HHHHHH", txid, 0x8180, 1, 1, 0, 0) + dns_name(name) + b"\x00\x01\x00\x01"
         + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04" + bytes([10, 9, 2 + idx // 250, idx % 250 + 1]))
    sport = 30000 + idx
    return [udp_frame(cli, srv, sport, 53, q, idx, ETH_CLIENT, ETH_SERVER),
            udp_frame(srv, cli, 53, sport, a, idx, ETH_SERVER, ETH_CLIENT)]


def dhcp_exchange(rng, idx):
    mac = bytes([0x00, 0x1b, 0x21, 0x3a, idx >> 8 & 0xFF, idx & 0xFF])
    xid = rng.getrandbits(32)
    yiaddr = bytes([10, 9, 2 + idx // 250, idx % 250 + 1])
    server = bytes([10, 9, 0, 1])
    host = ("amt-%04d" % idx).encode()
    domain = b"vpro.bench.example"

    def msg(op, mtype, your, extra):
        fixed = (struct.pack("!BBBBIHH", op, 1, 6, 0, xid, 0, 0x8000) + b"\0" * 4 + your + server
                 + b"\0" * 4 + mac + b"\0" * 10 + b"\0" * 192 + b"\x63\x82\x53\x63")
        opts = bytes([53, 1, mtype]) + extra + b"\xff"
        return fixed + opts

    cl_opts = (bytes([61, 7, 1]) + mac + bytes([12, len(host)]) + host
               + bytes([81, len(host) + len(domain) + 4, 0, 0, 0]) + host + b"." + domain
               + bytes([55, 6, 1, 3, 6, 15, 12, 81]))
    sv_opts = (bytes([54, 4]) + server + bytes([51, 4, 0, 1, 0x51, 0x80, 1, 4, 255, 255, 255, 0, 3, 4])
               + server + bytes([6, 4, 10, 9, 0, 53, 15, len(domain)]) + domain)
    zero, bcast = bytes(4), bytes([255] * 4)
    frames = []
    for op, mtype, your, opts, src, dst in [(1, 1, zero, cl_opts, zero, bcast),
                                             (2, 2, yiaddr, sv_opts, server, bcast),
                                             (1, 3, zero, cl_opts + bytes([50, 4]) + yiaddr + bytes([54, 4]) + server,
                                              zero, bcast),
                                             (2, 5, yiaddr, sv_opts, server, bcast)]:
        sp, dp = (68, 67) if op == 1 else (67, 68)
        macs = (mac, b"\xff" * 6) if op == 1 else (ETH_SERVER, b"\xff" * 6)
        frames.append(udp_frame(src, dst, sp, dp, msg(op, mtype, your, opts), idx, *macs))
    return frames


# --- writers ----------------------------------------------------------------

class PcapWriter:
    def __init__(self, f):
        self.f = f
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

    def record(self, ts_us, frame):
        n = len(frame)
        return struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, n, n) + frame


class PcapngWriter:
    def __init__(self, f):
        self.f = f
        shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        f.write(struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body)))
        idb_body = struct.pack("<HHI", 1, 0, 262144)
        f.write(struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body)))

    def record(self, ts_us, frame):
        n = len(frame)
        pad = (-n) & 3
        total = 32 + n + pad
        return (struct.pack("<IIIIIII", 6, total, 0, ts_us >> 32, ts_us & 0xFFFFFFFF, n, n) + frame
                + b"\0" * pad + struct.pack("<I", total))


def generate(out, size_bytes, seed, fmt):
    rng = random.Random(seed)
    chains = [[load_der("leaf"), load_der("int"), load_der("root")], [load_der("amtdev"), load_der("amtca")]]
    # A fixed pool of distinct templates keeps generation fast; instances vary addresses and ports.
    http_t = [http_template(rng, i) for i in range(48)]
    tls_t = [tls_template(rng, i, chains) for i in range(24)]
    dns_x = [dns_exchange(rng, i) for i in range(256)]
    dhcp_x = [dhcp_exchange(rng, i) for i in range(64)]
    w = (PcapngWriter if fmt == "pcapng" else PcapWriter)(out)
    # 2026-11-24 12:00 UTC: a day after bench/certs became valid (2026-11-23
    # 12:57:56), so the chains are judged as a healthy run would see them
    ts = 1795521600 * 1000000
    cport = 49152
    devices = [bytes([10, 9, 2 + i // 250, i % 250 + 1]) for i in range(1000)]
    consoles = [bytes([10, 9, 1, i + 10]) for i in range(40)]

    def new_session():
        nonlocal cport
        r = rng.random()
        if r < 0.80:
            cport = cport + 1 if cport < 65000 else 49152
            t = rng.choice(http_t) if r < 0.50 else rng.choice(tls_t)
            return TcpInstance(t, rng.choice(consoles), rng.choice(devices), cport)
        if r < 0.96:
            return FixedInstance(rng.choice(dns_x))
        return FixedInstance(rng.choice(dhcp_x))

    active = [new_session() for _ in range(32)]
    written, packets, buf, buflen = out.tell(), 0, [], 0
    while written < size_bytes:
        k = rng.randrange(32)
        frame, gap = active[k].next()
        if frame is None:
            active[k] = new_session()
            continue
        ts += gap // 4 + 5
        rec = w.record(ts, frame)
        buf.append(rec)
        buflen += len(rec)
        written += len(rec)
        packets += 1
        if buflen >= 1 << 22:
            out.write(b"".join(buf))
            buf, buflen = [], 0
    out.write(b"".join(buf))
    return packets, written


def main():
    ap = argparse.ArgumentParser(description="deterministic AMT-like capture generator")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--size", type=float, default=20, help="MB (10^6 bytes) to write, default 20")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("pcap", "pcapng"), default=None,
                    help="default: from the file name, pcap otherwise")
    a = ap.parse_args()
    fmt = a.format or ("pcapng" if a.output.endswith(".pcapng") else "pcap")
    with open(a.output, "wb") as f:
        packets, written = generate(f, int(a.size * 1e6), a.seed, fmt)
    print("%s: %d packets, %d bytes (%s, seed %d)" % (a.output, packets, written, fmt, a.seed), file=sys.stderr)


if __name__ == "__main__":
    main()
