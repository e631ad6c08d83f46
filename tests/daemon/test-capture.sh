#!/bin/bash
# swofctl capture with real traffic: a bridge whose LOCAL port (a TAP in
# this test's own namespace) has an address, a static neighbour, and a
# vxlan port looped back to 127.0.0.1 so every frame flooded into it
# comes straight back in.  ping -c 3 sends three echo requests; captures
# on the TAP port and the tunnel port (pcap files that tcpdump -r reads,
# text lines, JSON), -c, and a capture whose port is removed.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns tcpdump ping

start_switchd
quiet_ns
swctl add-br br0
swctl add-port br0 vx0 -- set interface vx0 type=vxlan \
    options:remote_ip=127.0.0.1 options:key=42
in_ns ip addr add 10.9.0.1/24 dev br0
in_ns ip link set br0 up
in_ns ip neigh replace 10.9.0.2 lladdr 02:00:00:00:00:02 dev br0 nud permanent

bg_swofctl "$SWD_DIR/c1.err" capture br0 br0 -w "$SWD_DIR/br0.pcap" -c 3
C1=$BG_PID
bg_swofctl "$SWD_DIR/c2.err" capture br0 vx0 -w "$SWD_DIR/vx0.pcap" -c 2
C2=$BG_PID
bg_swofctl "$SWD_DIR/c3.out" capture br0 5000 2>/dev/null
C3=$BG_PID   # Not a port: fails at once.
bg_swofctl "$SWD_DIR/c4.out" capture br0 1
C4=$BG_PID   # vx0 by number, text lines, until interrupted.
bg_swofctl "$SWD_DIR/c5.out" capture --json br0 br0
C5=$BG_PID
for f in c1.err c2.err c4.out c5.out; do
    wait_for 5 grep -q '^listening on' "$SWD_DIR/$f"
done
rc=0
wait "$C3" || rc=$?
[ "$rc" = 1 ] || fail "capture of a missing port exited $rc"
grep -q "5000: no such port on bridge br0" "$SWD_DIR/c3.out" \
    || fail "missing port message: $(cat "$SWD_DIR/c3.out")"

in_ns ping -c 3 -i 0.2 -W 1 10.9.0.2 >/dev/null || true

# -c: both captures stop by themselves.
wait "$C1" || fail "capture -c 3 on br0 failed"
wait "$C2" || fail "capture -c 2 on vx0 failed"
grep -qx '3 packets captured' "$SWD_DIR/c1.err" || fail "c1: $(cat "$SWD_DIR/c1.err")"
grep -qx 'listening on br0 (bridge br0), link-type EN10MB (Ethernet), snapshot length 65535 bytes' \
    "$SWD_DIR/c1.err" || fail "c1 banner"

# The TAP port: the host's echo requests in (rx), and the copies that
# come back from the looped tunnel out (tx).
out=$(tcpdump -n -r "$SWD_DIR/br0.pcap" 2>&1 | sed -E 's/^[0-9:.]+ //')
check_output "tcpdump br0.pcap" 'reading from file '"$SWD_DIR"'/br0.pcap, link-type EN10MB (Ethernet), snapshot length 65535
IP 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64
IP 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64
IP 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 2, length 64' \
    "$(echo "$out" | sed -E 's/id [0-9]+/id ID/')"

# The tunnel port, as it was on the wire: outer IPv4/UDP, VXLAN VNI 42,
# then the inner frame.  The first packet leaves (our source address is
# the kernel's choice: 0.0.0.0), the second is it coming back in.
out=$(tcpdump -n -r "$SWD_DIR/vx0.pcap" 2>&1 | sed -E -e 's/^[0-9:.]+ //' \
      -e 's/id [0-9]+/id ID/' -e 's/\.[0-9]+ > 127/.SPORT > 127/')
check_output "tcpdump vx0.pcap" 'reading from file '"$SWD_DIR"'/vx0.pcap, link-type RAW (Raw IP), snapshot length 65571
IP 0.0.0.0.SPORT > 127.0.0.1.4789: VXLAN, flags [I] (0x08), vni 42
IP 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64
IP 127.0.0.1.SPORT > 127.0.0.1.4789: VXLAN, flags [I] (0x08), vni 42
IP 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64' "$out"

# Text lines: direction, VNI and outer addresses, then the inner frame.
wait_for 5 test "$(grep -c ' vx0 vni 42 ' "$SWD_DIR/c4.out")" -ge 6
wait_for 5 test "$(grep -c '"data"' "$SWD_DIR/c5.out")" -ge 6
kill -INT "$C4" "$C5"
wait "$C4" || fail "text capture exit status"
wait "$C5" || fail "json capture exit status"
mac=$(in_ns cat /sys/class/net/br0/address)
out=$(grep -v '^listening' "$SWD_DIR/c4.out" | sed -E 's/^[0-9]{2}:[0-9:.]+ //')
check_output "text capture" "tx vx0 vni 42 0.0.0.0 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
rx vx0 vni 42 127.0.0.1 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
tx vx0 vni 42 0.0.0.0 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
rx vx0 vni 42 127.0.0.1 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
tx vx0 vni 42 0.0.0.0 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
rx vx0 vni 42 127.0.0.1 > 127.0.0.1: $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98
6 packets captured" "$out"
python3 - "$SWD_DIR/c5.out" <<'PY' || fail "JSON capture"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
dirs = [r["dir"] for r in recs]
assert dirs == ["rx", "tx"] * 3, dirs
for r in recs:
    assert r["orig_len"] == 98 and len(r["data"]) == 196, r
    assert "tunnel" not in r, r
    assert r["data"].startswith("020000000002"), r["data"][:12]
PY

# A capture whose port is removed ends, saying why.
bg_swofctl "$SWD_DIR/c6.out" capture br0 vx0
C6=$BG_PID
wait_for 5 grep -q '^listening on' "$SWD_DIR/c6.out"
swctl del-port br0 vx0
rc=0
wait "$C6" || rc=$?
[ "$rc" = 1 ] || fail "capture of a removed port exited $rc"
grep -qx 'swofctl: capture ended: port vx0 was removed' "$SWD_DIR/c6.out" \
    || fail "c6: $(cat "$SWD_DIR/c6.out")"
expect_fail "bad count" "-c: 'x' is not a positive number" swofctl capture br0 br0 -c x
echo PASS
