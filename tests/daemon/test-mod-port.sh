#!/bin/bash
# swofctl mod-port's config bits on real frames: three TAP ports, frames
# of a local experimental EtherType sent from p1's device, and the
# kernel's receive counters of p2 and p3 (what switchd wrote to them).
#   no-flood:   FLOOD and NORMAL's flooding leave the port out, ALL not
#   no-forward: an output to the port sends nothing
#   no-receive: frames arriving on the port go nowhere
# and each undone by its opposite.  test-ovs-compare checks how the bits
# print against Open vSwitch.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns python3
start_switchd
quiet_ns
# Pinned to netdev: the checks read the TAPs' kernel rx counters, which
# frames the fast path redirects into a TAP's receive path do not bump
# (seen: 1 of 20 counted on system).
swctl add-br br0 -- set bridge br0 datapath_type=netdev
for p in p1 p2 p3; do
    swctl add-port br0 "$p" -- set interface "$p" type=internal
    in_ns ip link set "$p" up
done
# One EtherType per action, so each flow sees only the test's frames.
swofctl add-flow br0 "priority=0,actions=drop"
swofctl add-flow br0 "priority=1,in_port=p1,dl_type=0x88b5,actions=FLOOD"
swofctl add-flow br0 "priority=1,in_port=p1,dl_type=0x88b6,actions=ALL"
swofctl add-flow br0 "priority=1,in_port=p1,dl_type=0x88b7,actions=NORMAL"
swofctl add-flow br0 "priority=1,in_port=p1,dl_type=0x88b8,actions=output:p2"

N=20
rx() { in_ns cat "/sys/class/net/$1/statistics/rx_packets"; }

# send ETHERTYPE: N broadcast frames out of p1's device into switchd.
send() {
    in_ns python3 - "$1" "$N" <<'PY'
import socket, struct, sys
etype, n = int(sys.argv[1], 16), int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("p1", 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", etype)
for _ in range(n):
    s.send(frame + b"mod-port test".ljust(46, b"."))
PY
}

# expect NAME ETHERTYPE P2 P3: sending N frames adds P2 and P3 frames
# to p2's and p3's counters (waits up to 5 s for the expected ones, then
# 0.3 s more so that a copy that should not come has time to).
expect() {
    local name=$1 etype=$2 want2=$3 want3=$4 b2 b3 d2 d3 i
    b2=$(rx p2)
    b3=$(rx p3)
    send "$etype"
    for i in $(seq 50); do
        d2=$(($(rx p2) - b2))
        d3=$(($(rx p3) - b3))
        [ "$d2" -ge "$want2" ] && [ "$d3" -ge "$want3" ] && break
        sleep 0.1
    done
    sleep 0.3
    d2=$(($(rx p2) - b2))
    d3=$(($(rx p3) - b3))
    [ "$d2" = "$want2" ] && [ "$d3" = "$want3" ] ||
        fail "$name: p2 got $d2 (want $want2), p3 got $d3 (want $want3)"
    echo "$name: p2 +$d2, p3 +$d3"
}

expect "flood" 0x88b5 $N $N
expect "normal" 0x88b7 $N $N

swofctl mod-port br0 p3 no-flood
swofctl dump-ports-desc br0 | grep -A1 '(p3)' | grepq 'config: *NO_FLOOD$' ||
    fail "p3 does not show NO_FLOOD: $(swofctl dump-ports-desc br0)"
expect "flood, p3 no-flood" 0x88b5 $N 0
expect "all, p3 no-flood" 0x88b6 $N $N
expect "normal, p3 no-flood" 0x88b7 $N 0
swofctl mod-port br0 p3 flood
expect "flood, p3 flood again" 0x88b5 $N $N

expect "output:p2" 0x88b8 $N 0
swofctl mod-port br0 p2 no-forward
expect "output:p2, p2 no-forward" 0x88b8 0 0
expect "flood, p2 no-forward" 0x88b5 0 $N
expect "all, p2 no-forward" 0x88b6 0 $N
swofctl mod-port br0 p2 forward
expect "output:p2, p2 forward again" 0x88b8 $N 0

swofctl mod-port br0 p1 no-receive
expect "flood, p1 no-receive" 0x88b5 0 0
expect "output:p2, p1 no-receive" 0x88b8 0 0
swofctl mod-port br0 p1 receive
expect "flood, p1 receive again" 0x88b5 $N $N

# trace says why a copy was left out.
swofctl mod-port br0 p2 no-forward
swofctl trace br0 "in_port=p1,dl_type=0x88b8" | grepq 'no-forward' ||
    fail "trace does not say no-forward: $(swofctl trace br0 in_port=p1,dl_type=0x88b8)"

# Bad input changes nothing.
expect_fail "unknown word" "unknown mod-port command 'sideways'" \
    swofctl mod-port br0 p2 sideways
expect_fail "no such port" "br0: couldn't find port \`p9'" \
    swofctl mod-port br0 p9 no-flood
swofctl dump-ports-desc br0 | grep -A1 '(p2)' | grepq 'config: *NO_FWD$' ||
    fail "p2's config changed: $(swofctl dump-ports-desc br0)"

# Not kept across a restart, as ovs-vswitchd forgets them too.
stop_switchd
start_switchd
out=$(swofctl dump-ports-desc br0)
[[ $out == *"(p2)"* && $out != *NO_* ]] || fail "after restart: $out"
echo PASS
