#!/usr/bin/env python3
"""A stand-in for AMT's WS-Management port (TCP 16992) for the check tests:
HTTP digest authentication (qop=auth) as AMT does it, and Get of
AMT_GeneralSettings and AMT_SetupAndConfigurationService answered with the
shape of real firmware replies (chunked, like AMT). Anything else: 400.
usage: amt_wsman.py ADDR USER PASSWORD HOSTNAME DOMAIN STATE ZTC READYFILE [CERT KEY]
(with CERT and KEY: TLS on 16993, as a TLS-only AMT, instead of 16992)"""
import hashlib
import http.server
import os
import re
import ssl
import sys

addr, user, password, hostname, domain, state, ztc, ready = sys.argv[1:9]
REALM = "Digest:F3EB554784E729164447A89F60B641C5"
NONCE = os.urandom(16).hex()
SCHEMA = "http://intel.com/wbem/wscim/1/amt-schema/1/"

BODIES = {
    "AMT_GeneralSettings": f"""<g:AMT_GeneralSettings>
<g:AMTNetworkEnabled>1</g:AMTNetworkEnabled><g:DigestRealm>{REALM}</g:DigestRealm>
<g:DomainName>{domain}</g:DomainName><g:ElementName>Intel(r) AMT: General Settings</g:ElementName>
<g:HostName>{hostname}</g:HostName><g:RmcpPingResponseEnabled>true</g:RmcpPingResponseEnabled>
</g:AMT_GeneralSettings>""",
    "AMT_SetupAndConfigurationService": f"""<g:AMT_SetupAndConfigurationService>
<g:CreationClassName>AMT_SetupAndConfigurationService</g:CreationClassName><g:EnabledState>5</g:EnabledState>
<g:PasswordModel>1</g:PasswordModel><g:ProvisioningMode>1</g:ProvisioningMode>
<g:ProvisioningServerOTP>U0VDUkVULU9UUC1ET05PVFBSSU5U</g:ProvisioningServerOTP>
<g:ProvisioningState>{state}</g:ProvisioningState><g:ZeroTouchConfigurationEnabled>{ztc}</g:ZeroTouchConfigurationEnabled>
</g:AMT_SetupAndConfigurationService>""",
}


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Transfer-Encoding", "chunked")
        if code != 200:
            self.send_header("Connection", "close")
        self.end_headers()
        for i in range(0, len(body), 100):
            part = body[i:i + 100]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        # like AMT, keep the connection after a 200: the client must see the reply is complete
        self.close_connection = code != 200

    def authorized(self):
        h = self.headers.get("Authorization", "")
        p = dict(re.findall(r'(\w+)="?([^",]*)"?', h))
        if not h.startswith("Digest ") or p.get("username") != user or p.get("nonce") != NONCE:
            return False
        ha1 = md5(f"{user}:{REALM}:{password}")
        ha2 = md5(f"POST:{p.get('uri')}")
        want = md5(f"{ha1}:{NONCE}:{p.get('nc')}:{p.get('cnonce')}:{p.get('qop')}:{ha2}")
        return p.get("response") == want

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if not self.authorized():
            self.send(401, headers=[("WWW-Authenticate",
                                     f'Digest realm="{REALM}", nonce="{NONCE}", stale="false", qop="auth"')])
            return
        m = re.search(r"<w:ResourceURI>" + re.escape(SCHEMA) + r"(\w+)</w:ResourceURI>", body)
        if "transfer/Get<" not in body or not m or m.group(1) not in BODIES:
            self.send(400)
            return
        cls = m.group(1)
        xml = ('<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" '
               'xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
               f'xmlns:g="{SCHEMA}{cls}"><a:Header><b:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/'
               f'GetResponse</b:Action></a:Header><a:Body>{BODIES[cls]}</a:Body></a:Envelope>')
        self.send(200, xml.encode(), [("Content-Type", "application/soap+xml; charset=UTF-8")])


tls = len(sys.argv) > 10
server = http.server.ThreadingHTTPServer((addr, 16993 if tls else 16992), Handler)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[9], sys.argv[10])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
open(ready, "w").close()
server.serve_forever()
