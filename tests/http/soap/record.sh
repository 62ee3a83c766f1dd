#!/usr/bin/env bash
# Records soap-not-wsman.pcap: curl (a real HTTP client) posting two SOAP
# envelopes that are not WS-Management to soap_service.py on port 16992:
# a SOAP 1.1 GetData call with a SOAPAction header, and a SOAP 1.2
# WS-Discovery Probe with a WS-Addressing Action; both answered by faults.
# In a network namespace made for the purpose (unshare -n), on loopback.
# Needs root, python3, curl, tcpdump.
# usage: record.sh OUT.pcap
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?out.pcap}")
. "$here/../../lib/netns.sh"
netns_enter "$0" "$out"
netns_begin soap
ip link set lo up
srv=127.0.8.2
python3 "$here/soap_service.py" "$srv" 16992 >"$work/service.log" 2>&1 &
pids+=($!)
tcpdump -Z root -i lo --immediate-mode -w "$out" -U -n "tcp port 16992" 2>"$work/tcpdump.log" &
cap=$!
pids+=($cap)
for _ in $(seq 50); do grep -qs listening "$work/tcpdump.log" && grep -qs listening "$work/service.log" && break; sleep 0.1; done
sleep 0.5
curl -s -o /dev/null -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "http://tempuri.org/IService/GetData"' \
	--data-binary '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetData xmlns="http://tempuri.org/"><value>42</value></GetData></s:Body></s:Envelope>' \
	"http://$srv:16992/Service.svc"
curl -s -o /dev/null -H 'Content-Type: application/soap+xml; charset=utf-8' \
	--data-binary '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes MatchBy="http://example.org/rule">onvif://www.onvif.org</d:Scopes></d:Probe></s:Body></s:Envelope>' \
	"http://$srv:16992/onvif/device_service"
sleep 1
kill -INT "$cap"
wait "$cap" || true
