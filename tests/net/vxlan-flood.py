#!/usr/bin/env python3
"""Sends VXLAN datagrams at a target rate, for tests/net/test-stall.sh.

usage: vxlan-flood.py SRC_IP DST_IP KIND COUNT RATE [SEED]
  KIND  junk:    8 bytes that are no VXLAN header (a flood of garbage)
        macs:    VNI 0 frames with a new random source MAC each (a learn
                 storm), to a unicast destination nobody has
        marker:  one VNI 0 broadcast frame of ethertype 0x88b6 (the
                 datagram that must not be stranded)
  RATE  datagrams per second (0: as fast as possible)
Prints "sent N in T s (R/s)".  Bounded: COUNT datagrams, then exit."""
import random, socket, struct, sys, time

src, dst, kind, count, rate = (sys.argv[1], sys.argv[2], sys.argv[3],
                               int(sys.argv[4]), float(sys.argv[5]))
rnd = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
hdr = struct.pack("!II", 0x08000000, 0)
mac_base = (0x02 << 40) | (rnd.randrange(1 << 16) << 24)
mac_head = hdr + b"\x02\xee\xee\xee\xee\xee"
mac_tail = b"\x88\xb5" + b"\x00" * 46

def frame(i):
    if kind == "junk":
        return b"\x00" * 8
    if kind == "marker":
        return (hdr + b"\xff" * 6 + b"\x02\x00\x00\x00\xbe\xef"
                + b"\x88\xb6" + b"stranded?" + b"\x00" * 37)
    # i times an odd number is one-to-one on 24 bits: COUNT distinct
    # MACs (up to 16M), spread, without a random draw per frame (the
    # draws halved the rate python reaches).
    mac = mac_base | ((i * 0x9E3779B1) & 0xFFFFFF)
    return mac_head + mac.to_bytes(6, "big") + mac_tail

t0 = time.monotonic()
sent = 0
batch = 100
while sent < count:
    for _ in range(min(batch, count - sent)):
        try:
            s.sendto(frame(sent), (dst, 4789))
        except BlockingIOError:
            pass
        sent += 1
    if rate:
        ahead = sent / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
t = time.monotonic() - t0
print("sent %d in %.2f s (%.0f/s)" % (sent, t, sent / t if t else 0))
