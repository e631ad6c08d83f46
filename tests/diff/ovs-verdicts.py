#!/usr/bin/env python3
"""ovs-verdicts: what the real ovs-ofctl does with each flow of a file.

    ovs-verdicts.py FLOWS BRIDGE-SOCKET > CORPUS

For each line of FLOWS, on an empty bridge of a running ovs-vswitchd
(tests/common/ovs-ref.sh starts a private one): ovs-ofctl add-flow, then
dump-flows --no-stats, then del-flows.  Prints one record per flow:

    ok<TAB>FLOW<TAB>the line dump-flows printed
    ok13<TAB>FLOW<TAB>the same, with -O OpenFlow13 on both commands
    error<TAB>FLOW<TAB>ovs-ofctl's message

(ok13: the flow needs OpenFlow 1.1+ (goto_table, write_metadata...), which
ovs-ofctl uses only when told to, as an OVS user would be.)

The reference is add-flow + dump-flows, not parse-flow: it is what a user
of OVS sees, and it includes what only the switch checks (goto_table to
an earlier table, ports) and the encoding ovs-ofctl had to choose for the
flow (OpenFlow 1.0 when it can carry the match, else NXM), which is what
decides how some matches and actions print.
"""

import re
import subprocess
import sys

# What needs OpenFlow 1.1+: an instruction, or push_vlan.
NEEDS_OF13 = re.compile(r"(goto_table|write_actions|clear_actions|"
                        r"write_metadata|push_vlan)")


def ofctl(*args):
    p = subprocess.run(("ovs-ofctl",) + args, capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def message(stderr):
    """ovs-ofctl's reason: the switch's OFPT_ERROR if there was one (the
    hex dump after it says nothing), else its last line."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    for l in lines:
        if l.startswith("OFPT_ERROR"):
            return l.split(": ", 1)[-1]
    lines = [l for l in lines if not l[:8].isalnum() or "|" not in l]
    if not lines:
        return "(no message)"
    last = lines[-1]
    if last.startswith("ovs-ofctl: "):
        last = last[len("ovs-ofctl: "):]
    return last.replace("\t", " ")


def verdict(target, flow, opts):
    """Adds 'flow' with ovs-ofctl options 'opts' and dumps it back."""
    ofctl(*opts, "del-flows", target)
    rc, _, err = ofctl(*opts, "add-flow", target, flow)
    if rc:
        return "error", message(err)
    rc, out, err = ofctl(*opts, "dump-flows", "--no-stats", target)
    lines = [l for l in out.splitlines() if l.strip()]
    if rc or len(lines) != 1:
        return "error", "dump-flows gave %d lines: %s" % (len(lines),
                                                         message(err))
    return "ok", lines[0]


def main():
    flows_file, sock = sys.argv[1], sys.argv[2]
    target = "unix:" + sock
    with open(flows_file) as f:
        flows = [l.rstrip("\n") for l in f if l.strip()]
    for flow in flows:
        if NEEDS_OF13.search(flow):
            # OpenFlow 1.0 cannot carry it: ovs-ofctl's default session
            # silently turns goto_table into resubmit(,N) and drops
            # write_actions/clear_actions.  An OVS user writes these with
            # -O OpenFlow13, and so does the reference.
            kind, text = verdict(target, flow, ("-O", "OpenFlow13"))
            print("%s\t%s\t%s" % ("ok13" if kind == "ok" else kind, flow,
                                   text))
            continue
        kind, text = verdict(target, flow, ())
        if kind == "error" and ("usable flow formats" in text or
                                "UNENCODABLE" in text):
            # An OpenFlow 1.1+ instruction: an OVS user adds -O OpenFlow13
            # (to both commands), and so does the reference.
            kind, text = verdict(target, flow, ("-O", "OpenFlow13"))
            if kind == "ok":
                kind = "ok13"
        print("%s\t%s\t%s" % (kind, flow, text))
    ofctl("del-flows", target)


if __name__ == "__main__":
    main()
