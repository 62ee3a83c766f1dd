#!/usr/bin/env python3
"""Records tests/robust/captures/wsman-secrets.pcap: WS-Man calls that carry
every kind of secret the AMT and DMTF class references define, as real bytes
over kernel TCP on loopback (127.0.20.1 -> 127.0.20.2:16992), through curl
(--digest: a real client's digest response) to a small AMT stand-in here that
challenges, then answers each call (one answer echoes a secret in a fault
detail, one returns the Kerberos master key in a Get response).
The secret values are listed in captures/secrets.txt, which secrets_test.py
greps every output form for.
usage: record_secrets.py OUTDIR     (root: tcpdump on lo)"""
import hashlib
import http.server
import os
import subprocess
import sys
import threading
import time

AMT, CONSOLE, PORT = "127.0.20.2", "127.0.20.1", 16992
PASSWORD = "Secr3t-Adm1n-2031"
NONCE = "7a3d1c5e9f0b2a4c6e8d0f1a3b5c7d9e"
SECRETS = {
    "keyblob": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7kEyBlobSecretQ",
    "masterkey": "S2VyYmVyb3NNYXN0ZXJLZXlTZWNyZXQxMjM0NTY=",
    "optin": "739146",
    "psk": "PskValueSecret0x5f3a9c",
    "passphrase": "WiFi-PassPhrase-Secret-88",
    "mebx": "Mebx-Secret-Pass-4471",
    "otp": "OtpSecretValue77231",
    "pin": "PinCodeSecret5521",
    "netadmin": "NetAdminPassSecret-9912",
    "detail": "FaultEchoedSecret-3310",
}

ENV = ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
       'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
       'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
       '<a:Action>{action}</a:Action><a:To>/wsman</a:To><w:ResourceURI>{uri}</w:ResourceURI>'
       '<a:MessageID>uuid:{mid}</a:MessageID></s:Header><s:Body>{body}</s:Body></s:Envelope>')
AMT_NS = "http://intel.com/wbem/wscim/1/amt-schema/1/"
IPS_NS = "http://intel.com/wbem/wscim/1/ips-schema/1/"
CIM_NS = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"


def call(cls_ns, cls, method, params, mid):
    uri = cls_ns + cls
    body = '<h:{m}_INPUT xmlns:h="{u}">{p}</h:{m}_INPUT>'.format(
        m=method, u=uri, p="".join("<h:%s>%s</h:%s>" % (k, v, k) for k, v in params))
    return ENV.format(action=uri + "/" + method, uri=uri, mid=mid, body=body)


def put(cls_ns, cls, props, mid):
    uri = cls_ns + cls
    body = '<h:{c} xmlns:h="{u}">{p}</h:{c}>'.format(
        c=cls, u=uri, p="".join("<h:%s>%s</h:%s>" % (k, v, k) for k, v in props))
    return ENV.format(action="http://schemas.xmlsoap.org/ws/2004/09/transfer/Put", uri=uri, mid=mid, body=body)


def requests():
    s = SECRETS
    return [
        call(AMT_NS, "AMT_PublicKeyManagementService", "AddKey", [("KeyBlob", s["keyblob"])], 1),
        put(AMT_NS, "AMT_KerberosSettingData", [("InstanceID", "Intel(r) AMT Kerberos Settings"),
                                                 ("KrbEnabled", "true"), ("MasterKey", s["masterkey"]),
                                                 ("KeyVersion", "1")], 2),
        call(IPS_NS, "IPS_OptInService", "SendOptInCode", [("OptInCode", s["optin"])], 3),
        put(CIM_NS, "CIM_WiFiEndpointSettings", [("ElementName", "lab"), ("PSKValue", s["psk"]),
                                                  ("PSKPassPhrase", s["passphrase"])], 4),
        call(AMT_NS, "AMT_SetupAndConfigurationService", "SetMEBxPassword", [("Password", s["mebx"])], 5),
        call(AMT_NS, "AMT_SetupAndConfigurationService", "SetProvisioningServerOTP", [("OTP", s["otp"])], 6),
        call(IPS_NS, "IPS_HostBasedSetupService", "Setup", [("NetAdminPassEncryptionType", "2"),
                                                             ("NetworkAdminPassword", s["netadmin"]),
                                                             ("PINCode", s["pin"])], 7),
        ENV.format(action="http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
                   uri=AMT_NS + "AMT_KerberosSettingData", mid=8, body=""),
    ]


def answer(req):
    """200 with a reply per call: the Get returns the master key, the
    Setup call a fault whose detail echoes the password it refused."""
    if "transfer/Get" in req:
        uri = AMT_NS + "AMT_KerberosSettingData"
        body = ('<h:AMT_KerberosSettingData xmlns:h="%s"><h:KrbEnabled>true</h:KrbEnabled>'
                '<h:MasterKey>%s</h:MasterKey><h:KeyVersion>1</h:KeyVersion></h:AMT_KerberosSettingData>'
                % (uri, SECRETS["masterkey"]))
        return 200, ENV.format(action="http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", uri=uri,
                               mid=100, body=body)
    if "/Setup" in req:
        body = ('<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidParameter</s:Value>'
                '</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">bad parameter</s:Text></s:Reason>'
                '<s:Detail><w:FaultDetail>InvalidValue</w:FaultDetail><h:NetworkAdminPassword '
                'xmlns:h="%sIPS_HostBasedSetupService">%s</h:NetworkAdminPassword></s:Detail></s:Fault>'
                % (IPS_NS, SECRETS["detail"]))
        return 400, ENV.format(action="http://schemas.xmlsoap.org/ws/2004/08/addressing/fault", uri="", mid=101,
                               body=body)
    body = '<g:ReturnValue xmlns:g="%s">0</g:ReturnValue>' % AMT_NS
    return 200, ENV.format(action="response", uri="", mid=102, body=body)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Intel(R) Active Management Technology 16.1.25.2049"
    sys_version = ""

    def log_message(self, *a):
        pass

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Digest "):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="Digest:A3B1C2D4E5F60718293A4B5C6D7E8F90", '
                             'nonce="%s", stale="false", qop="auth"' % NONCE)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        code, reply = answer(data.decode("utf-8", "replace"))
        out = reply.encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    pcap = os.path.join(out, "wsman-secrets.pcap")
    srv = http.server.ThreadingHTTPServer((AMT, PORT), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    td = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", pcap, "host %s and tcp port %d" % (AMT, PORT)],
                          stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)
        for body in requests():
            subprocess.run(["curl", "-s", "-o", "/dev/null", "--interface", CONSOLE, "--digest", "-u",
                            "admin:" + PASSWORD, "-H", "Content-Type: application/soap+xml;charset=UTF-8",
                            "--data-binary", body, "http://%s:%d/wsman" % (AMT, PORT)], check=True, timeout=20)
        time.sleep(1)
    finally:
        td.terminate()
        td.wait(timeout=10)
        srv.shutdown()
    with open(os.path.join(out, "secrets.txt"), "w") as f:
        f.write("# secrets carried by wsman-secrets.pcap and secrets.log (record_secrets.py)\n")
        f.write(PASSWORD + "\n")
        for v in SECRETS.values():
            f.write(v + "\n")
        for v in LOG_SECRETS:
            f.write(v + "\n")
    with open(os.path.join(out, "secrets.log"), "w") as f:
        f.write(LOG_TEXT)


# A setup service's log lines carrying secrets in the shapes logs use:
# command-line flags, JSON, key=value, digest headers.
LOG_SECRETS = ["CliFlagSecret-6620", "JsonAmtPassSecret-1183", "8f2b0c4e6a1d3f5b7c9e0a2b4c6d8e0f",
               "KvMebxSecret-4410", "QuotedPskSecret-2219", "FlagEqSecret-5521"]
LOG_TEXT = (
    'time="2026-11-23T13:19:50+00:00" level=info msg="running rpc activate -u https://rps/activate '
    '-profile lab -password CliFlagSecret-6620 -n"\n'
    'time="2026-11-23T13:19:51+00:00" level=info msg="config {\\"amtPassword\\":\\"JsonAmtPassSecret-1183\\",'
    '\\"profile\\":\\"lab\\"}"\n'
    'time="2026-11-23T13:19:52+00:00" level=error msg="auth: Digest username=\\"admin\\", realm=\\"Digest:A3B1\\", '
    'response=\\"8f2b0c4e6a1d3f5b7c9e0a2b4c6d8e0f\\" refused"\n'
    'time="2026-11-23T13:19:53+00:00" level=error msg="mebxPassword=KvMebxSecret-4410 rejected" host="amt1"\n'
    'time="2026-11-23T13:19:54+00:00" level=warning msg="wifi psk: \'QuotedPskSecret-2219\' set"\n'
    'time="2026-11-23T13:19:55+00:00" level=info msg="acuconfig --AdminPassword=FlagEqSecret-5521 activate"\n'
)

if __name__ == "__main__":
    main()
