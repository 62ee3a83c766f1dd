#!/usr/bin/env python3
"""A small SOAP service that is not WS-Management, for recording plain-SOAP
traffic on an AMT port: a SOAP 1.1 "GetData" call (SOAPAction header) and a
SOAP 1.2 WS-Discovery Probe (WS-Addressing 2004/08 Action, the same
addressing namespace WS-Management uses) are both answered with a SOAP
fault. Nothing here is WS-Management, so no WS-Man finding may come of it.

usage: soap_service.py HOST PORT   (prints "listening" when ready; serves 2 requests)
"""
import http.server
import sys

FAULT11 = b"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode>s:Client</faultcode><faultstring>Unknown item 42</faultstring>
</s:Fault></s:Body></s:Envelope>"""

FAULT12 = b"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header>
<a:Action>http://schemas.xmlsoap.org/ws/2004/08/addressing/fault</a:Action>
<a:RelatesTo>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</a:RelatesTo></s:Header>
<s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>d:MatchingRuleNotSupported</s:Value>
</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">rule not supported</s:Text></s:Reason></s:Fault>
</s:Body></s:Envelope>"""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        soap12 = "soap+xml" in self.headers.get("Content-Type", "")
        body = FAULT12 if soap12 else FAULT11
        self.send_response(400 if soap12 else 500)
        self.send_header("Content-Type", "application/soap+xml; charset=utf-8" if soap12
                         else "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
print("listening", flush=True)
for _ in range(2):
    srv.handle_request()
