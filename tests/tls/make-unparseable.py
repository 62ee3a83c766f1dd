#!/usr/bin/env python3
"""Writes two TLS sessions whose server leaf does not decode, into the folder
given (the test makes them at run time; nothing is committed):
  cut-leaf.pcap     the Certificate entry holds only the first 600 bytes of a
                    real leaf: its DER announces more than was sent (cut short)
  broken-leaf.pcap  the entry holds the whole leaf, every length intact, but its
                    tbsCertificate tag is wrong: all there, and it does not parse
Both send the real issuing CA after the leaf. Built with make-hostile.py's
pieces; only the standard library.
usage: make-unparseable.py OUTDIR"""
import importlib.util
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('make_hostile', os.path.join(HERE, 'make-hostile.py'))
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

hello = struct.pack('>H', 0x0303) + bytes(range(32)) + b'\0' + struct.pack('>HH', 2, 0xc02f) + b'\x01\x00'
server_hello = struct.pack('>H', 0x0303) + bytes(32) + b'\0' + struct.pack('>H', 0xc02f) + b'\0'
leaf, issuing = hostile.der('leaf.pem'), hostile.der('issuing.pem')
assert leaf[0] == 0x30 and leaf[1] == 0x82 and leaf[4] == 0x30  # SEQUENCE { tbsCertificate SEQUENCE ...
broken = leaf[:4] + b'\x31' + leaf[5:]                            # ... the inner tag made a SET
out = sys.argv[1]
for name, first in (('cut-leaf.pcap', leaf[:600]), ('broken-leaf.pcap', broken)):
    p = hostile.Pcap(cli=bytes([127, 0, 4, 40]), srv=bytes([127, 0, 4, 41]), cport=40002, sport=443)
    server = hostile.records(hostile.handshake(2, server_hello), 16384) + \
        hostile.records(hostile.certificate([first, issuing]), 16384)
    p.session(server, hostile.records(hostile.handshake(1, hello), 16384))
    p.write(os.path.join(out, name))
