#!/bin/bash
# dump-aggregate and packet-out end to end.  br0's LOCAL port and p1 are
# TAPs in this test's namespace, up, with IPv6 off so that the host sends
# nothing on its own: every packet the counters see is one we sent.  A
# packet-out to LOCAL must really leave through the TAP (tcpdump on br0
# sees it, LOCAL's tx counter moves); resubmit(,0) must run the tables
# with their counters, which dump-aggregate then sums (also filtered by
# table and match); output to the input port needs in_port as in a flow;
# and every bad request fails with its exact message and sends nothing.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns tcpdump

start_switchd
quiet_ns
swctl add-br br0
swctl add-port br0 p1 -- set interface p1 type=internal ofport_request=1
swofctl del-flows br0
swofctl add-flows br0 - <<'FLOWS'
table=0,priority=10,in_port=p1,actions=resubmit(,1)
table=0,priority=0,actions=drop
table=1,priority=0,actions=output:LOCAL
FLOWS
in_ns ip link set br0 up
in_ns ip link set p1 up

# A 60-byte broadcast frame with a local experimental ethertype.
FRAME=ffffffffffff02000000000188b5$(printf '%092d' 0)

# ports PORT...: "PORT rx_pkts rx_bytes tx_pkts tx_bytes" per port of
# br0, from dump-ports' text.
ports() {
    local p
    for p in "$@"; do
        swofctl dump-ports br0 "$p" | tr -d , | awk -v p="$p" '
            /rx pkts/ { split($4, n, "="); split($5, b, "="); rx = n[2] " " b[2] }
            /tx pkts/ { split($2, n, "="); split($3, b, "=");
                        print p, rx, n[2], b[2] }'
    done
}

# fail_exact NAME MESSAGE COMMAND...: COMMAND must exit non-zero and
# print exactly "swofctl: MESSAGE".
fail_exact() {
    local name=$1 want="swofctl: $2" out rc=0
    shift 2
    out=$("$@" 2>&1) || rc=$?
    [ $rc -ne 0 ] || fail "$name: succeeded but should have failed"
    check_output "$name" "$want" "$out"
}

# ---- dump-aggregate with nothing counted yet. ----
check_output "aggregate, no traffic" \
    'NXST_AGGREGATE reply (xid=0x4): packet_count=0 byte_count=0 flow_count=3' \
    "$(swofctl dump-aggregate br0)"
check_output "aggregate table=1, no traffic" \
    'NXST_AGGREGATE reply (xid=0x8): packet_count=0 byte_count=0 flow_count=1' \
    "$(swofctl dump-aggregate br0 table=1)"
check_output "counters before" 'LOCAL 0 0 0 0
p1 0 0 0 0' "$(ports LOCAL p1)"

# ---- packet-out to LOCAL arrives on the TAP. ----
dump=$SWD_DIR/tcpdump.out
ip netns exec "$SWD_NS" tcpdump -i br0 -c 1 -nn -e 'ether proto 0x88b5' \
    >"$dump" 2>&1 &
TCPDUMP_PID=$!
BG_PIDS="$BG_PIDS $TCPDUMP_PID"
wait_for 10 grep -q 'listening on br0' "$dump"
swofctl packet-out br0 none output:LOCAL "$FRAME"
wait_for 10 grep -q '02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5), length 60' "$dump"
wait "$TCPDUMP_PID" || fail "tcpdump failed: $(cat "$dump")"
check_output "counters after output:LOCAL" 'LOCAL 0 0 1 60
p1 0 0 0 0' "$(ports LOCAL p1)"
# Actions that are run directly touch no flow.
check_output "aggregate after output:LOCAL" \
    'NXST_AGGREGATE reply (xid=0x4): packet_count=0 byte_count=0 flow_count=3' \
    "$(swofctl dump-aggregate br0)"

# ---- resubmit(,0) runs the tables, counted; several packets. ----
out=$(swofctl --format json packet-out br0 p1 'resubmit(,0)' "$FRAME" \
          "$FRAME")
check_output "packet-out json" '{
  "n_packets": 2,
  "n_outputs": 2
}' "$out"
check_output "counters after resubmit" 'LOCAL 0 0 3 180
p1 0 0 0 0' "$(ports LOCAL p1)"
# Each packet hit two flows (table 0, then table 1).
check_output "aggregate after resubmit" \
    'NXST_AGGREGATE reply (xid=0x4): packet_count=4 byte_count=240 flow_count=3' \
    "$(swofctl dump-aggregate br0)"
check_output "aggregate table=1" \
    'NXST_AGGREGATE reply (xid=0x8): packet_count=2 byte_count=120 flow_count=1' \
    "$(swofctl dump-aggregate br0 table=1)"
check_output "aggregate in_port=p1" \
    'NXST_AGGREGATE reply (xid=0x8): packet_count=2 byte_count=120 flow_count=1' \
    "$(swofctl dump-aggregate br0 in_port=p1)"
check_output "aggregate --strict" \
    'NXST_AGGREGATE reply (xid=0x8): packet_count=0 byte_count=0 flow_count=1' \
    "$(swofctl dump-aggregate --strict br0 'table=0,priority=0')"
check_output "aggregate table=7" \
    'NXST_AGGREGATE reply (xid=0x8): packet_count=0 byte_count=0 flow_count=0' \
    "$(swofctl dump-aggregate br0 table=7)"
check_output "aggregate json" '{
  "packet_count": 4,
  "byte_count": 240,
  "flow_count": 3
}' "$(swofctl --format json dump-aggregate br0)"
# dump-flows agrees, flow by flow.
check_output "dump-flows counters" ' table=0, n_packets=2, n_bytes=120, priority=10,in_port=1 actions=resubmit(,1)
 table=0, n_packets=0, n_bytes=0, priority=0 actions=drop
 table=1, n_packets=2, n_bytes=120, priority=0 actions=LOCAL' \
    "$(swofctl dump-flows br0 | tail -n +2 |
       sed -E 's/ cookie=0x0, duration=[0-9.]+s, / /; s/ idle_age=[0-9]+,//')"

# ---- The input port: skipped by output:PORT, reached by in_port. ----
swofctl packet-out br0 p1 output:p1 "$FRAME"
swofctl packet-out br0 LOCAL output:LOCAL "$FRAME"
check_output "output to in_port skipped" 'LOCAL 0 0 3 180
p1 0 0 0 0' "$(ports LOCAL p1)"
swofctl packet-out br0 1 in_port "$FRAME"
swofctl packet-out br0 LOCAL output:in_port "$FRAME"
check_output "in_port sends" 'LOCAL 0 0 4 240
p1 0 0 1 60' "$(ports LOCAL p1)"

# ---- Errors: exact messages, nothing sent. ----
fail_exact "odd hex" \
    'packet 1: lone hex digit at offset 120 (bytes need two digits)' \
    swofctl packet-out br0 none output:LOCAL "${FRAME}0"
fail_exact "non-hex character" \
    "packet 2: 'g' at offset 3 is not a hex digit" \
    swofctl packet-out br0 none output:LOCAL "$FRAME" "fffg"
fail_exact "short packet" \
    'packet 1: 13 bytes is shorter than an Ethernet header (14)' \
    swofctl packet-out br0 none output:LOCAL ffffffffffff02000000000188
# A frame past the bound does not fit one command-line argument
# (Linux caps those at 128 KiB), so this one goes over the socket.
out=$(python3 - "$SW_RUNDIR/switchd.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
req = {"id": 1, "method": "packet-out",
       "params": {"bridge": "br0", "in_port": "none",
                  "actions": "output:LOCAL", "packets": ["00" * 65536]}}
s.sendall(json.dumps(req).encode() + b"\n")
reply = b""
while not reply.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    reply += chunk
print(json.loads(reply)["error"])
PY
)
check_output "too long" 'packet 1: longer than 65535 bytes' "$out"
fail_exact "unknown in_port" 'in_port p9: unknown port on bridge br0' \
    swofctl packet-out br0 p9 output:LOCAL "$FRAME"
fail_exact "in_port not a port" 'in_port 7: unknown port on bridge br0' \
    swofctl packet-out br0 7 output:LOCAL "$FRAME"
fail_exact "in_port flood" \
    'in_port flood: a packet cannot come from this port (use a port of bridge br0, LOCAL, controller or none)' \
    swofctl packet-out br0 flood output:LOCAL "$FRAME"
fail_exact "bad action" "actions: unknown action 'bogus', at position 1" \
    swofctl packet-out br0 none bogus "$FRAME"
fail_exact "unknown output port" \
    'actions: output: p9: unknown port (expected a number 1-65279, a port name, or a subfield such as NXM_NX_REG0[0..15]), at position 8' \
    swofctl packet-out br0 none output:p9 "$FRAME"
fail_exact "instruction" \
    'actions: goto_table is an instruction, which packet-out does not take (resubmit(,N) runs a table)' \
    swofctl packet-out br0 none goto_table:1 "$FRAME"
# The actions must fit every packet (OVS checks them against the
# packet's own headers): writing an IPv4 field of a non-IP frame is
# refused, and a good frame before the bad one is not sent either.
IPV4=ffffffffffff0200000000010800450000140000400040fd00000a0000010a000002$(printf '%052d' 0)
fail_exact "mod_nw_src on a non-IP frame" \
    "packet 1: writing nw_src is inconsistent with the packet: nw_src needs ip or arp" \
    swofctl packet-out br0 none mod_nw_src:10.9.9.9,output:LOCAL "$FRAME"
fail_exact "set_field on the second packet" \
    "packet 2: writing nw_src is inconsistent with the packet: nw_src needs ip or arp" \
    swofctl packet-out br0 none 'set_field:10.9.9.9->ip_src,output:LOCAL' \
    "$IPV4" "$FRAME"
fail_exact "unknown bridge" 'no bridge named br9' \
    swofctl packet-out br9 none output:LOCAL "$FRAME"
fail_exact "no packet" \
    'packet-out takes BRIDGE "in_port=P packet=HEX actions=A", or BRIDGE IN_PORT ACTIONS HEX...' \
    swofctl packet-out br0 none output:LOCAL
fail_exact "aggregate unknown bridge" 'no bridge named br9' \
    swofctl dump-aggregate br9
fail_exact "aggregate bad match" "unknown field 'foo', at position 1" \
    swofctl dump-aggregate br0 foo=1
check_output "counters after errors" 'LOCAL 0 0 4 240
p1 0 0 1 60' "$(ports LOCAL p1)"
check_output "aggregate after errors" \
    'NXST_AGGREGATE reply (xid=0x4): packet_count=4 byte_count=240 flow_count=3' \
    "$(swofctl dump-aggregate br0)"

# The same action on an IPv4 frame is fine, and really rewrites it.
ip netns exec "$SWD_NS" tcpdump -i br0 -c 1 -nn 'ip proto 253' \
    >"$dump" 2>&1 &
TCPDUMP_PID=$!
BG_PIDS="$BG_PIDS $TCPDUMP_PID"
wait_for 10 grep -q 'listening on br0' "$dump"
swofctl packet-out br0 none mod_nw_src:10.9.9.9,output:LOCAL "$IPV4"
wait_for 10 grep -q 'IP 10.9.9.9 > 10.0.0.2: ' "$dump"
wait "$TCPDUMP_PID" || fail "tcpdump failed: $(cat "$dump")"
check_output "mod_nw_src on IPv4 sent" 'LOCAL 0 0 5 300' "$(ports LOCAL)"
echo PASS
