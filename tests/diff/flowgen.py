#!/usr/bin/env python3
"""flowgen: a seeded generator of OpenFlow flows in ovs-ofctl's language.

    flowgen.py [--seed N] [--count N]

prints COUNT flows, one per line, drawn at random over the flow language
(ovs-fields(7), ovs-actions(7)): matches on every field a bridge here can
match, actions with all their argument forms, learn, and a share of
malformed flows (unknown names, values out of range, broken syntax,
missing prerequisites).  The same seed always gives the same flows: the
differential test (tests/diff/) keeps the seed and the corpus it gave,
with ovs-ofctl's verdict on each flow, in tests/diff/flow-corpus.txt.
"""

import argparse
import random

# Protocol contexts: the shorthand, what it implies, and its fields.
L2_FIELDS = ["in_port", "dl_src", "dl_dst", "vlan", "metadata", "reg",
             "xreg", "tun_id", "tun_src", "tun_dst", "pkt_mark"]
# "tos" is nw_tos or ip_dscp (one storage: a flow names it once).
IP_FIELDS = ["nw_src", "nw_dst", "tos", "nw_ecn", "nw_ttl", "nw_frag"]
IP6_FIELDS = ["ipv6_src", "ipv6_dst", "ipv6_label", "tos", "nw_ecn",
              "nw_ttl", "nw_frag"]
ARP_FIELDS = ["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"]
L4_FIELDS = ["tp_src", "tp_dst"]

CONTEXTS = [
    # (text, l3, l4)
    ("", None, None),
    ("ip", "ip", None),
    ("dl_type=0x0800", "ip", None),
    ("eth_type=0x800", "ip", None),
    ("ipv6", "ip6", None),
    ("arp", "arp", None),
    ("rarp", "arp", None),
    ("tcp", "ip", "tcp"),
    ("udp", "ip", "udp"),
    ("sctp", "ip", "sctp"),
    ("icmp", "ip", "icmp"),
    ("tcp6", "ip6", "tcp"),
    ("udp6", "ip6", "udp"),
    ("icmp6", "ip6", "icmp6"),
    ("ip,nw_proto=6", "ip", "tcp"),
    ("ip,ip_proto=17", "ip", "udp"),
    ("ipv6,nw_proto=58", "ip6", "icmp6"),
]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # -- small helpers -------------------------------------------------

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def num(self, bits, hexp=0.5):
        """A value of 'bits' bits, small or large, decimal or hex."""
        if self.chance(0.4):
            x = self.r.randint(0, min(15, (1 << bits) - 1))
        else:
            x = self.r.getrandbits(bits)
        return hex(x) if self.chance(hexp) else str(x)

    def mask(self, bits):
        kind = self.r.random()
        if kind < 0.3:
            m = ((1 << self.r.randint(1, bits)) - 1) << 0
            m <<= self.r.randint(0, bits - m.bit_length())
        elif kind < 0.4:
            m = 0
        elif kind < 0.5:
            m = (1 << bits) - 1
        else:
            m = self.r.getrandbits(bits)
        return hex(m)

    def mac(self):
        if self.chance(0.3):
            return self.pick(["00:00:00:00:00:01", "ff:ff:ff:ff:ff:ff",
                              "01:00:00:00:00:00", "2e:7a:a2:53:7b:31"])
        b = [self.r.getrandbits(8) for _ in range(6)]
        return ":".join("%02x" % x for x in b)

    def mac_masked(self):
        if self.chance(0.7):
            return self.mac()
        m = self.pick(["01:00:00:00:00:00", "ff:ff:ff:ff:ff:00",
                       "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00",
                       self.mac()])
        return self.mac() + "/" + m

    def ipv4(self):
        return ".".join(str(self.r.getrandbits(8)) for _ in range(4))

    def ipv4_masked(self):
        k = self.r.random()
        if k < 0.55:
            return self.ipv4()
        if k < 0.85:
            return "%s/%d" % (self.ipv4(), self.r.randint(0, 32))
        return "%s/%s" % (self.ipv4(), self.ipv4())

    def ipv6(self):
        k = self.r.random()
        if k < 0.3:
            return self.pick(["::1", "::", "fe80::1", "2001:db8::1",
                              "ff02::1:ff00:1"])
        words = [self.r.getrandbits(16) for _ in range(8)]
        if self.chance(0.5):
            for i in range(self.r.randint(1, 4)):
                words[self.r.randint(0, 7)] = 0
        return ":".join("%x" % w for w in words)

    def ipv6_masked(self):
        k = self.r.random()
        if k < 0.6:
            return self.ipv6()
        if k < 0.9:
            return "%s/%d" % (self.ipv6(), self.r.randint(0, 128))
        return "%s/%s" % (self.ipv6(), self.ipv6())

    def port(self):
        k = self.r.random()
        if k < 0.8:
            return str(self.r.randint(1, 20))
        return self.pick(["LOCAL", "local", "65534", "0xfffe"])

    def reg_name(self, i):
        return self.pick(["reg%d" % i, "NXM_NX_REG%d" % i])

    # -- match fields ----------------------------------------------------

    def field(self, kind, ctx):
        l3, l4 = ctx[1], ctx[2]
        if kind == "in_port":
            return "in_port=" + self.port()
        if kind in ("dl_src", "dl_dst"):
            name = self.pick([kind, "eth_" + kind[3:]])
            return "%s=%s" % (name, self.mac_masked())
        if kind == "vlan":
            k = self.r.random()
            if k < 0.25:
                return "dl_vlan=%d" % self.r.randint(0, 4095)
            if k < 0.4:
                return "dl_vlan_pcp=%d" % self.r.randint(0, 7)
            if k < 0.55:
                return "vlan_pcp=%d" % self.r.randint(0, 7)
            if k < 0.8:
                v = self.r.choice([0x1000 | self.r.randint(0, 4095),
                                   self.r.randint(0, 4095), 0, 0x1000])
                s = "vlan_vid=%s" % self.pick([hex(v), str(v)])
                if self.chance(0.3):
                    s += "/" + self.pick(["0x1000", "0x1fff", "0xfff",
                                          "0x1f0f"])
                return s
            v = "0x%04x" % self.r.choice([0, 0x1000 | self.r.getrandbits(12),
                                          self.r.getrandbits(16)])
            if self.chance(0.4):
                v += "/" + self.pick(["0x1000", "0x1fff", "0xefff",
                                      "0xffff", "0x0fff", "0xe000"])
            return "vlan_tci=" + v
        if kind == "metadata":
            s = "metadata=" + self.num(64, 0.8)
            if self.chance(0.3):
                s += "/" + self.mask(64)
            return s
        if kind == "reg":
            s = "%s=%s" % (self.reg_name(self.r.randint(0, 15)),
                           self.num(32, 0.7))
            if self.chance(0.3):
                s += "/" + self.mask(32)
            return s
        if kind == "xreg":
            if self.chance(0.7):
                s = "xreg%d=%s" % (self.r.randint(0, 7), self.num(64, 0.7))
                if self.chance(0.3):
                    s += "/" + self.mask(64)
                return s
            return "xxreg%d=%s" % (self.r.randint(0, 3), self.num(64, 0.7))
        if kind == "tun_id":
            name = self.pick(["tun_id", "tunnel_id"])
            s = "%s=%s" % (name, self.num(64 if self.chance(0.2) else 24))
            if self.chance(0.2):
                s += "/" + self.mask(64)
            return s
        if kind in ("tun_src", "tun_dst"):
            return "%s=%s" % (kind, self.ipv4_masked())
        if kind == "pkt_mark":
            s = "pkt_mark=" + self.num(32, 0.7)
            if self.chance(0.3):
                s += "/" + self.mask(32)
            return s
        if kind in ("nw_src", "nw_dst"):
            name = self.pick([kind, "ip_" + kind[3:]]) if l3 == "ip" \
                else kind
            return "%s=%s" % (name, self.ipv4_masked())
        if kind in ("ipv6_src", "ipv6_dst"):
            return "%s=%s" % (kind, self.ipv6_masked())
        if kind == "ipv6_label":
            s = "ipv6_label=" + self.num(20)
            if self.chance(0.2):
                s += "/" + self.mask(20)
            return s
        if kind == "tos":
            if self.chance(0.5):
                return "nw_tos=%d" % (self.r.randint(0, 63) * 4)
            return "ip_dscp=%d" % self.r.randint(0, 63)
        if kind == "nw_ecn":
            return "%s=%d" % (self.pick(["nw_ecn", "ip_ecn"]),
                              self.r.randint(0, 3))
        if kind == "nw_ttl":
            return "nw_ttl=%d" % self.r.randint(0, 255)
        if kind == "nw_frag":
            return "%s=%s" % (self.pick(["nw_frag", "ip_frag"]),
                              self.pick(["no", "yes", "first", "later",
                                         "not_later"]))
        if kind == "arp_op":
            return "arp_op=%d" % self.r.randint(1, 4)
        if kind in ("arp_spa", "arp_tpa"):
            return "%s=%s" % (kind, self.ipv4_masked())
        if kind in ("arp_sha", "arp_tha"):
            return "%s=%s" % (kind, self.mac_masked())
        if kind in ("tp_src", "tp_dst"):
            proto = {"tcp": "tcp", "udp": "udp", "sctp": "sctp"}.get(l4)
            names = [kind]
            if proto:
                names.append(proto + kind[2:])
            s = "%s=%d" % (self.pick(names), self.r.randint(0, 65535))
            if self.chance(0.25):
                s = "%s=0x%x/%s" % (self.pick(names),
                                    self.r.getrandbits(16), self.mask(16))
            return s
        if kind == "tcp_flags":
            if self.chance(0.6):
                flags = self.r.sample(["fin", "syn", "rst", "psh", "ack",
                                       "urg", "ece", "cwr", "ns"],
                                      self.r.randint(1, 3))
                return "tcp_flags=" + "".join(self.pick("+-") + f
                                              for f in flags)
            return "tcp_flags=0x%03x/0x%03x" % (self.r.getrandbits(12),
                                                self.r.getrandbits(12))
        if kind == "icmp":
            pre = "icmpv6" if l4 == "icmp6" else self.pick(["icmp",
                                                           "icmpv4"])
            if l4 == "icmp6" and self.chance(0.5):
                pre = "icmp"
            return "%s_%s=%d" % (pre, self.pick(["type", "code"]),
                                 self.r.randint(0, 255))
        if kind == "nd":
            t = self.pick(["nd_target=" + self.ipv6(),
                           "nd_sll=" + self.mac(), "nd_tll=" + self.mac()])
            return t
        raise ValueError(kind)

    def match(self, ctx):
        pieces = []
        if ctx[0]:
            pieces.append(ctx[0])
        kinds = list(L2_FIELDS)
        l3, l4 = ctx[1], ctx[2]
        if l3 == "ip":
            kinds += IP_FIELDS
        elif l3 == "ip6":
            kinds += IP6_FIELDS
        elif l3 == "arp":
            kinds += ARP_FIELDS
        if l4 in ("tcp", "udp", "sctp"):
            kinds += L4_FIELDS
        if l4 == "tcp":
            kinds.append("tcp_flags")
        if l4 in ("icmp", "icmp6"):
            kinds.append("icmp")
        n = self.r.randint(0, 4)
        chosen = self.r.sample(kinds, min(n, len(kinds)))
        if "reg" in chosen and "xreg" in chosen:
            chosen.remove("xreg")  # The same registers, named twice.
        for kind in chosen:
            pieces.append(self.field(kind, ctx))
        if l4 == "icmp6" and "icmp" not in chosen and self.chance(0.15):
            t = self.pick([135, 136])
            pieces.append("icmp_type=%d" % t)
            pieces.append(self.pick(["nd_target=" + self.ipv6(),
                                     ("nd_sll=" if t == 135 else "nd_tll=")
                                     + self.mac()]))
        self.r.shuffle(pieces) if self.chance(0.1) else None
        return pieces

    # -- actions ---------------------------------------------------------

    SUBFIELDS = [
        ("NXM_NX_REG%d", 32), ("reg%d", 32), ("NXM_NX_TUN_ID", 64),
        ("tun_id", 64), ("NXM_OF_ETH_SRC", 48), ("eth_src", 48),
        ("NXM_OF_ETH_DST", 48), ("eth_dst", 48), ("OXM_OF_METADATA", 64),
        ("metadata", 64), ("NXM_NX_PKT_MARK", 32), ("pkt_mark", 32),
        ("NXM_OF_VLAN_TCI", 16), ("NXM_OF_IN_PORT", 16), ("in_port", 16),
        ("xreg%d", 64),
    ]
    IP_SUBFIELDS = [("NXM_OF_IP_SRC", 32), ("ip_src", 32),
                    ("NXM_OF_IP_DST", 32), ("nw_dst", 32),
                    ("NXM_NX_IP_TTL", 8), ("nw_ttl", 8), ("ip_dscp", 6),
                    ("NXM_OF_IP_TOS", 8), ("NXM_NX_IP_ECN", 2)]

    def subfield(self, ctx, min_bits=1, whole=None):
        pool = list(self.SUBFIELDS)
        if ctx[1] == "ip":
            pool += self.IP_SUBFIELDS
        name, bits = self.pick(pool)
        if "%d" in name:
            name = name % self.r.randint(0, 7 if "xreg" in name else 15)
        if whole is None:
            whole = self.chance(0.4)
        if whole:
            return self.pick([name, name + "[]"]) if name[0].islower() \
                else name + "[]", bits
        lo = self.r.randint(0, bits - 1)
        hi = self.r.randint(lo, bits - 1)
        if lo == hi and self.chance(0.5):
            return "%s[%d]" % (name, lo), 1
        return "%s[%d..%d]" % (name, lo, hi), hi - lo + 1

    def load(self, ctx):
        dst, bits = self.subfield(ctx)
        val = self.r.getrandbits(min(bits, 64))
        if self.chance(0.3):
            val = self.r.randint(0, 3)
        v = hex(val) if self.chance(0.7) else str(val)
        return "load:%s->%s" % (v, dst)

    def move(self, ctx):
        src, bits = self.subfield(ctx)
        for _ in range(20):
            dst, dbits = self.subfield(ctx)
            if dbits == bits:
                break
            if "[" in src:
                break
        else:
            pass
        if dbits != bits:
            # Make the widths agree on a register.
            i = self.r.randint(0, 15)
            if bits <= 32:
                dst = "NXM_NX_REG%d[0..%d]" % (i, bits - 1) \
                    if bits > 1 else "reg%d[5]" % i
            else:
                dst = "NXM_NX_TUN_ID[0..%d]" % (bits - 1) if bits < 64 \
                    else "tun_id"
        return "move:%s->%s" % (src, dst)

    def set_field(self, ctx, has_vlan):
        opts = [
            lambda: "set_field:%s->%s" % (self.num(32), self.reg_name(
                self.r.randint(0, 15))),
            lambda: "set_field:%s->tun_id" % self.num(64),
            lambda: "set_field:%s->metadata" % self.num(64),
            lambda: "set_field:%s->pkt_mark" % self.num(32),
            lambda: "set_field:%s->%s" % (self.mac(), self.pick(
                ["eth_src", "eth_dst", "dl_src"])),
            lambda: "set_field:0x%x/0x%x->reg%d" % (
                self.r.getrandbits(32), self.r.getrandbits(32) or 1,
                self.r.randint(0, 15)),
            lambda: "set_field:%s->tun_dst" % self.ipv4(),
        ]
        if ctx[1] == "ip":
            opts += [lambda: "set_field:%s->%s" % (self.ipv4(), self.pick(
                         ["ip_src", "ip_dst", "nw_src"])),
                     lambda: "set_field:%d->ip_dscp" % self.r.randint(0, 63),
                     lambda: "set_field:%d->nw_ttl" % self.r.randint(0, 255),
                     lambda: "set_field:%d->ip_ecn" % self.r.randint(0, 3)]
        if ctx[1] == "ip6":
            opts += [lambda: "set_field:%s->ipv6_src" % self.ipv6(),
                     lambda: "set_field:%s->ipv6_label" % self.num(20)]
        if ctx[2] in ("tcp", "udp", "sctp"):
            opts += [lambda: "set_field:%d->%s" % (
                self.r.randint(0, 65535), self.pick(
                    ["tp_src", "tp_dst", ctx[2] + "_dst"]))]
        if has_vlan:
            opts += [lambda: "set_field:%d->vlan_vid" % self.pick(
                         [self.r.randint(0, 4095),
                          0x1000 | self.r.randint(0, 4095)]),
                     lambda: "set_field:%d->vlan_pcp" % self.r.randint(0, 7)]
        return self.pick(opts)()

    def learn(self, ctx):
        args = []
        if self.chance(0.8):
            args.append("table=%d" % self.r.randint(0, 30))
        for kw in ("idle_timeout", "hard_timeout", "priority",
                   "fin_idle_timeout", "fin_hard_timeout"):
            if self.chance(0.2):
                args.append("%s=%d" % (kw, self.r.randint(0, 600)))
        if self.chance(0.1):
            args.append("cookie=0x%x" % self.r.getrandbits(32))
        if self.chance(0.1):
            args.append(self.pick(["send_flow_rem", "delete_learned"]))
        specs = []
        k = self.r.randint(1, 4)
        for _ in range(k):
            t = self.r.random()
            if t < 0.3:
                specs.append(self.pick([
                    "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]", "eth_dst=eth_src",
                    "NXM_OF_VLAN_TCI[0..11]", "vlan_tci[0..11]",
                    "NXM_OF_IN_PORT[]", "in_port=in_port",
                    "NXM_NX_REG1[0..15]=NXM_NX_REG2[16..31]",
                    "reg3=reg4", "NXM_NX_TUN_ID[]", "tun_id=tun_id"]))
            elif t < 0.45:
                specs.append(self.pick([
                    "dl_type=0x800", "eth_type=0x0806",
                    "NXM_OF_ETH_TYPE[]=0x800", "in_port=5",
                    "NXM_NX_REG0[0..3]=5", "reg7=0x77",
                    "eth_src=00:11:22:33:44:55"]))
            elif t < 0.75:
                src, bits = self.pick([("NXM_NX_TUN_ID[]", 64),
                                       ("tun_id", 64), ("reg0", 32),
                                       ("NXM_NX_REG5[]", 32),
                                       ("NXM_OF_IN_PORT[]", 16)])
                dst = {64: self.pick(["NXM_NX_TUN_ID[]", "tun_id",
                                      "metadata"]),
                       32: self.pick(["NXM_NX_REG6[]", "reg9", "pkt_mark"]),
                       16: self.pick(["NXM_NX_REG0[0..15]",
                                      "NXM_OF_VLAN_TCI[]"])}[bits]
                if self.chance(0.3):
                    src = self.pick(["0x5", "10", "0"])
                specs.append("load:%s->%s" % (src, dst))
            else:
                specs.append(self.pick(["output:NXM_OF_IN_PORT[]",
                                        "output:in_port",
                                        "output:NXM_NX_REG0[0..15]"]))
        if ctx[1] == "ip" and self.chance(0.3):
            specs.insert(0, "dl_type=0x800")
            specs.insert(1, self.pick(["NXM_OF_IP_DST[]=NXM_OF_IP_SRC[]",
                                       "ip_dst=ip_src", "nw_src"]))
        return "learn(%s)" % ",".join(args + specs)

    def action(self, ctx, depth=0, has_vlan=False):
        t = self.r.random()
        l3, l4 = ctx[1], ctx[2]
        if t < 0.12:
            return self.pick(["output:%s" % self.port(), "%d" %
                              self.r.randint(1, 20),
                              "output:%d" % self.r.randint(1, 20)])
        if t < 0.17:
            return self.pick(["NORMAL", "normal", "FLOOD", "flood", "ALL",
                              "LOCAL", "IN_PORT", "in_port",
                              "output:in_port", "output:LOCAL", "drop"])
        if t < 0.21:
            return self.pick([
                "controller", "CONTROLLER:%d" % self.r.randint(0, 65535),
                "controller:%d" % self.r.randint(0, 65535),
                "controller(reason=%s)" % self.pick(
                    ["no_match", "action", "invalid_ttl"]),
                "controller(max_len=%d)" % self.r.randint(0, 65535),
                "controller(reason=no_match,max_len=%d)" %
                self.r.randint(0, 65535), "output:CONTROLLER"])
        if t < 0.28:
            return self.pick([
                "resubmit:%d" % self.r.randint(1, 20),
                "resubmit(,%d)" % self.r.randint(0, 30),
                "resubmit(%d,%d)" % (self.r.randint(1, 20),
                                     self.r.randint(0, 30)),
                "resubmit(in_port,%d)" % self.r.randint(0, 30),
                "resubmit(%d)" % self.r.randint(1, 20)])
        if t < 0.36:
            return self.load(ctx)
        if t < 0.42:
            return self.move(ctx)
        if t < 0.50:
            return self.set_field(ctx, has_vlan)
        if t < 0.54:
            return self.pick([
                "set_tunnel:%s" % self.num(32 if self.chance(0.7) else 64),
                "set_tunnel64:%s" % self.num(64)])
        if t < 0.58:
            return "%s:%s" % (self.pick(["mod_dl_src", "mod_dl_dst"]),
                              self.mac())
        if t < 0.63:
            return self.pick([
                "mod_vlan_vid:%d" % self.r.randint(0, 4095),
                "mod_vlan_pcp:%d" % self.r.randint(0, 7), "strip_vlan",
                "pop_vlan", "push_vlan:0x8100", "push_vlan:0x88a8"])
        if t < 0.68 and l3 == "ip":
            return self.pick([
                "mod_nw_src:%s" % self.ipv4(), "mod_nw_dst:%s" % self.ipv4(),
                "mod_nw_tos:%d" % (self.r.randint(0, 63) * 4),
                "mod_nw_ttl:%d" % self.r.randint(0, 255),
                "mod_nw_ecn:%d" % self.r.randint(0, 3)])
        if t < 0.70 and l3 in ("ip", "ip6"):
            return self.pick(["mod_nw_ttl:%d" % self.r.randint(0, 255),
                              "dec_ttl", "dec_ttl(%d)" % self.r.randint(
                                  0, 5),
                              "dec_ttl(1,2)", "dec_ttl()"])
        if t < 0.72 and l4 in ("tcp", "udp", "sctp"):
            return "%s:%d" % (self.pick(["mod_tp_src", "mod_tp_dst"]),
                              self.r.randint(0, 65535))
        if t < 0.78:
            return self.learn(ctx)
        if t < 0.81:
            return "output(port=%s,max_len=%d)" % (
                self.pick([str(self.r.randint(1, 20)), "in_port", "LOCAL"]),
                self.r.randint(14, 70000))
        if t < 0.83:
            return "note:" + ".".join("%02x" % self.r.getrandbits(8)
                                      for _ in range(self.r.randint(0, 9)))
        if t < 0.86 and depth < 2:
            return "clone(%s)" % ",".join(
                self.action(ctx, depth + 1, has_vlan)
                for _ in range(self.r.randint(1, 3)))
        if t < 0.88:
            return "exit"
        if t < 0.90:
            return self.pick(["output:NXM_NX_REG%d[0..15]" %
                              self.r.randint(0, 15),
                              "output:reg%d" % self.r.randint(0, 15),
                              "output:NXM_OF_IN_PORT[]"])
        if t < 0.93 and l3:
            return "dec_ttl"
        return self.pick(["output:%d" % self.r.randint(1, 20), "NORMAL"])

    def instructions(self, table):
        out = []
        if self.chance(0.15):
            out.append("clear_actions")
        if self.chance(0.2):
            out.append("write_actions(output:%d)" % self.r.randint(1, 9))
        if self.chance(0.2):
            s = "write_metadata:0x%x" % self.r.getrandbits(32)
            if self.chance(0.5):
                s += "/0x%x" % self.r.getrandbits(32)
            out.append(s)
        if self.chance(0.4):
            out.append("goto_table:%d" % self.r.randint(max(table, 0),
                                                        table + 5))
        return out

    # -- flows -----------------------------------------------------------

    def flow(self):
        ctx = self.pick(CONTEXTS)
        head = []
        table = 0
        if self.chance(0.4):
            table = self.r.randint(0, 30)
            head.append("table=%d" % table)
        if self.chance(0.6):
            head.append("priority=%d" % self.pick(
                [0, 1, 100, 32768, 65535, self.r.randint(0, 65535)]))
        if self.chance(0.15):
            head.append("cookie=0x%x" % self.r.getrandbits(
                self.pick([8, 32, 64])))
        if self.chance(0.1):
            head.append("idle_timeout=%d" % self.r.randint(0, 1000))
        if self.chance(0.1):
            head.append("hard_timeout=%d" % self.r.randint(0, 1000))
        if self.chance(0.05):
            head.append("send_flow_rem")
        match = self.match(ctx)
        has_vlan = any(p.startswith("dl_vlan=") or
                       (p.startswith("vlan_vid=0x1") and "/" not in p)
                       for p in match)
        actions = [self.action(ctx, 0, has_vlan)
                   for _ in range(self.r.randint(0, 4))]
        if "drop" in actions and len(actions) > 1:
            actions = [a for a in actions if a != "drop"] or ["drop"]
        if self.chance(0.2):
            actions += self.instructions(table)
        sep = self.pick([",", ",", ",", " ", ", "])
        text = sep.join(head + match)
        if text:
            text += self.pick([",", " "])
        text += "actions=" + ",".join(actions)
        if self.chance(0.12):
            text = self.break_flow(text, ctx)
        return text

    # -- malformed flows -------------------------------------------------

    def break_flow(self, text, ctx):
        """A malformed variant of 'text'.  Most are errors OVS reports
        too; a few (missing prerequisites, out-of-range values OVS
        truncates) are where OVS is lenient and we refuse: documented
        differences."""
        head, _, acts = text.partition("actions=")
        kinds = [
            lambda: text.replace("actions=", "actions=frobnicate,", 1),
            lambda: "nosuchfield=1," + text,
            lambda: "reg16=1," + text,
            lambda: head.rstrip(", "),
            lambda: text + ",load:0x1ffffffff->reg0",
            lambda: text + ",move:reg0[0..7]->reg1[0..15]",
            lambda: text + ",mod_nw_ecn:4",
            lambda: text + ",set_field:1->nosuchfield",
            lambda: "dl_src=00:11:22:33:44," + text,
            lambda: "priority=70000," + text,
            lambda: "idle_timeout=x," + text,
            lambda: text + ",load:1->reg0[40]",
            lambda: text + ",mod_vlan_vid:4096",
            lambda: text + ",mod_vlan_pcp:8",
            lambda: text + ",set_tunnel:xyz",
            lambda: text + ",controller(reason=sometimes)",
            lambda: text + ",resubmit(1,2,3,4)",
            lambda: text + ",learn(nosuchfield=1)",
            lambda: text + ",output:",
            lambda: "in_port=99999," + text,
            lambda: "tcpx," + text,
            lambda: head + "actions=" + acts + ",clone(output:1",
            # OVS is lenient with these four (documented differences).
            lambda: "nw_src=10.0.0.1," + text.replace("ip,", ""),
            lambda: "tp_dst=80," + text,
            lambda: "dl_vlan=5000," + text,
            lambda: "ip,nw_tos=3," + text,
        ]
        return self.pick(kinds)()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--count", type=int, default=2000)
    args = ap.parse_args()
    g = Gen(args.seed)
    seen = set()
    n = 0
    while n < args.count:
        f = g.flow()
        if f in seen:
            continue
        seen.add(f)
        print(f)
        n += 1


if __name__ == "__main__":
    main()
