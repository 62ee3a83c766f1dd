#!/usr/bin/env python3
"""Re-tags a recorded Ethernet capture as a trunk would carry it when the two
directions of a conversation travel on different VLANs (router on a stick,
or QinQ whose outer tag depends on the direction).

usage: retag.py IN.pcap OUT.pcap dot1q C2S_ID S2C_ID
       retag.py IN.pcap OUT.pcap qinq  C2S_OUTER S2C_OUTER INNER

The 8021q module is not loaded on the machine the captures were made on, so
the tags are inserted into frames recorded from real peers (the untagged
captures in samples/), not added by the kernel.  The initiator of a
conversation is the sender of its first frame; its frames get the C2S tag,
the answers the S2C tag.  Frames that are not IP are left untagged.
"""
import struct
import sys


def read_pcap(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    hdr = data[:24]
    if struct.unpack(end + 'I', hdr[20:24])[0] != 1:
        sys.exit('retag.py: only Ethernet captures')
    recs, i = [], 24
    while i + 16 <= len(data):
        ts, tu, incl, orig = struct.unpack(end + 'IIII', data[i:i + 16])
        recs.append((ts, tu, data[i + 16:i + 16 + incl], orig))
        i += 16 + incl
    return end, hdr, recs


def conversation(frame):
    """(src, dst) endpoints (address, port) of an IPv4/IPv6 TCP/UDP frame."""
    et = frame[12:14]
    if et == b'\x08\x00':
        ihl = (frame[14] & 15) * 4
        proto, src, dst, l4 = frame[23], frame[26:30], frame[30:34], 14 + ihl
    elif et == b'\x86\xdd':
        proto, src, dst, l4 = frame[20], frame[22:38], frame[38:54], 54
    else:
        return None
    ports = frame[l4:l4 + 4] if proto in (6, 17) else b''
    return (proto, src, ports[:2]), (proto, dst, ports[2:])


def main():
    src, dst, mode, *ids = sys.argv[1:]
    ids = [int(x) for x in ids]
    end, hdr, recs = read_pcap(src)
    initiators = {}
    with open(dst, 'wb') as out:
        out.write(hdr)
        for ts, tu, frame, orig in recs:
            conv = conversation(frame)
            if conv:
                key = frozenset(conv)
                first = initiators.setdefault(key, conv[0])
                c2s = conv[0] == first
                if mode == 'dot1q':
                    tag = struct.pack('>HH', 0x8100, ids[0] if c2s else ids[1])
                else:
                    tag = struct.pack('>HHHH', 0x88a8, ids[0] if c2s else ids[1], 0x8100, ids[2])
                frame = frame[:12] + tag + frame[12:]
                orig += len(tag)
            out.write(struct.pack(end + 'IIII', ts, tu, len(frame), orig))
            out.write(frame)


if __name__ == '__main__':
    main()
