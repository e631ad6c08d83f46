#!/usr/bin/env python3
"""fdb-agent: fills br-tun's FDB and ARP answers on demand, from misses.

The article's last part describes agents that wait for the kernel to report
a miss (L2MISS: no FDB entry for a MAC; L3MISS: no neighbour entry for an
IP) and answer it from a central store, as early flannel did.  This is that
agent for switchd, built only from swofctl:

  - br-tun sends what it cannot answer to the controller: ARP requests in
    table 21 (priority 1) and unicast to unknown MACs in table 20
    (priority 0).  `swofctl monitor --json` streams those packet-ins.
  - For an ARP request whose target IP is in the inventory, the agent adds
    two flows in one add-flows call: an ARP responder for that IP in table
    21 and an FDB entry for its MAC in table 20 (both priority 2), then
    puts the request back into the pipeline with `packet-out ...
    resubmit(,0)`, where the new responder answers it.
  - For unicast to a MAC in the inventory it adds the FDB entry and, if
    the packet-in carried the whole frame, re-injects it the same way.
  - Anything not in the inventory is dropped and logged: nothing floods.

Inventory: one line per remote VM, "IP MAC TUNNEL_PORT" (the br-tun port of
the tunnel to the VM's host); '#' starts a comment.

Usage: fdb-agent.py --swofctl PATH --rundir DIR --inventory FILE
                    [--bridge br-tun] [--log FILE]
It logs "watching BRIDGE" once its monitor is subscribed (the bridge must
have at least one flow, whose INITIAL line shows it), runs until SIGTERM or
SIGINT, or until the monitor ends (the daemon went away), and stops its
monitor on the way out.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile


def log(out, msg):
    out.write(msg + "\n")
    out.flush()


def load_inventory(path):
    by_ip, by_mac = {}, {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3:
                sys.exit("%s:%d: expected 'IP MAC TUNNEL_PORT', got '%s'"
                         % (path, n, line))
            ip, mac, port = parts[0], parts[1].lower(), parts[2]
            by_ip[ip] = (mac, port)
            by_mac[mac] = (ip, port)
    return by_ip, by_mac


def flow_fields(text):
    """The key=value pairs of a packet-in's flow text."""
    fields = {}
    for item in text.split(","):
        if "=" in item:
            k, v = item.split("=", 1)
            fields[k] = v
    return fields


def responder(ip, mac):
    hexmac = "0x" + mac.replace(":", "")
    hexip = "0x%08x" % int.from_bytes(bytes(int(b) for b in ip.split(".")),
                                      "big")
    return ("table=21,priority=2,arp,arp_op=1,arp_tpa=%s,actions="
            "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:%s,"
            "load:0x2->NXM_OF_ARP_OP[],"
            "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
            "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
            "load:%s->NXM_NX_ARP_SHA[],load:%s->NXM_OF_ARP_SPA[],in_port"
            % (ip, mac, hexmac, hexip))


def fdb_entry(mac, port):
    return "table=20,priority=2,dl_dst=%s,actions=output:%s" % (mac, port)


class Agent:
    def __init__(self, args, out):
        self.args = args
        self.out = out
        self.by_ip, self.by_mac = load_inventory(args.inventory)

    def ofctl(self, *cmd):
        argv = [self.args.swofctl, "--rundir", self.args.rundir] + list(cmd)
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            log(self.out, "error: %s: %s" % (" ".join(cmd[:2]),
                                             r.stderr.strip()))
        return r.returncode == 0

    def install(self, flows):
        # Always added, never remembered: a miss means the flow is not
        # there (someone may have deleted it), and adding a flow that
        # exists only replaces it.
        with tempfile.NamedTemporaryFile("w", suffix=".flows",
                                         delete=False) as f:
            f.write("\n".join(flows) + "\n")
            name = f.name
        try:
            return self.ofctl("add-flows", self.args.bridge, name)
        finally:
            os.unlink(name)

    def reinject(self, in_port, packet):
        self.ofctl("packet-out", self.args.bridge, in_port, "resubmit(,0)",
                   packet)

    def packet_in(self, ev):
        f = flow_fields(ev.get("flow", ""))
        in_port = f.get("in_port", "none")
        whole = len(ev.get("packet", "")) // 2 == ev.get("total_len", -1)
        if ev.get("table") == 21 and f.get("arp_op") == "1":
            ip = f.get("arp_tpa", "?")
            what = "who-has %s" % ip
            entry = self.by_ip.get(ip)
            if entry:
                mac, port = entry
                flows = [responder(ip, mac), fdb_entry(mac, port)]
                answer = "answered %s, via port %s" % (mac, port)
        elif ev.get("table") == 20:
            mac = f.get("dl_dst", "?")
            what = "unicast to %s" % mac
            entry = self.by_mac.get(mac)
            if entry:
                port = entry[1]
                flows = [fdb_entry(mac, port)]
                answer = "via port %s" % port
        else:
            log(self.out, "ignored: packet-in from table %s"
                % ev.get("table"))
            return
        if not entry:
            log(self.out, "miss: %s: not in the inventory, dropped" % what)
            return
        if self.install(flows):
            log(self.out, "miss: %s: %s" % (what, answer))
            # A packet-in carries at most 256 bytes: only a whole packet
            # can be put back.
            if whole:
                self.reinject(in_port, ev["packet"])

    def run(self):
        argv = [self.args.swofctl, "--rundir", self.args.rundir,
                "--format", "json", "monitor", self.args.bridge,
                "watch:!add,!delete,!modify"]
        # The monitor's complaints (the daemon going away) go to our log.
        mon = subprocess.Popen(argv, stdout=subprocess.PIPE,
                               stderr=self.out, text=True)

        def stop(signum, frame):
            mon.terminate()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        watching = False
        try:
            for line in mon.stdout:
                try:
                    ev = json.loads(line)
                except ValueError:
                    log(self.out, "error: not JSON: %s" % line.strip())
                    continue
                # The INITIAL lines (one per flow present) show that the
                # subscription is in place: no packet-in is missed after.
                if not watching:
                    log(self.out, "watching %s: %d VMs in the inventory"
                        % (self.args.bridge, len(self.by_ip)))
                    watching = True
                if ev.get("event") == "PACKET_IN":
                    self.packet_in(ev)
        finally:
            mon.terminate()
            mon.wait()
        log(self.out, "monitor ended")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--swofctl", required=True)
    ap.add_argument("--rundir", required=True)
    ap.add_argument("--inventory", required=True)
    ap.add_argument("--bridge", default="br-tun")
    ap.add_argument("--log")
    args = ap.parse_args()
    out = open(args.log, "a") if args.log else sys.stdout
    Agent(args, out).run()


if __name__ == "__main__":
    main()
