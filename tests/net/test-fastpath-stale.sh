#!/bin/bash
# A switchd that dies leaves the fast path's programs on the devices it
# does not delete: the persistent TAP of an internal port and a system
# port.  A switchd that opens them next on a netdev bridge must take them
# off (stale cache entries would forward in the kernel, and every miss at
# the system port would be dropped for want of a reader):
#   1. a system bridge br0 with its TAP (10.40.0.1) and a veth port to a
#      VM (10.40.0.2): ping works, tc shows tap_egress and port_ingress;
#   2. kill -9; a second switchd (another database) opens br0 and the
#      veth on a netdev bridge: tc shows neither program, the log says
#      they were removed, and ping works again;
#   3. another program at another handle is left alone.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body fastpath-stale "stale fast-path programs removed" "$@"

topo_init
D=$NET_DIR
net_add_host h1
net_add_host vm
net_veth vm eth0 h1 v0
net_exec vm ip addr add 10.40.0.2/24 dev eth0
TOPO_NHOSTS=1

hooks() { # the programs on DEV's ingress and egress hooks
    topo_exec 1 tc filter show dev "$1" ingress
    topo_exec 1 tc filter show dev "$1" egress
}

# 1. The system bridge.
topo_start_switchd 1
PID1=$NET_BG_PID
topo_ctl 1 swctl add-br br0 -- set bridge br0 datapath_type=system
topo_ctl 1 swctl add-port br0 v0 -- set interface v0 type=system
topo_exec 1 ip addr add 10.40.0.1/24 dev br0
topo_exec 1 ip link set br0 up
topo_ping 1 10.40.0.2 3 || { topo_show_logs; net_fail "no ping on the system bridge"; }
hooks br0 | grepq tap_egress || net_fail "no tap_egress on br0: $(hooks br0)"
hooks v0 | grepq port_ingress || net_fail "no port_ingress on v0: $(hooks v0)"
# 3. Someone else's filter on v0's ingress, at another handle: a classic
# BPF classifier that never matches (this kernel has cls_bpf only).
topo_exec 1 tc filter add dev v0 ingress pref 7 handle 7 bpf bytecode '1,6 0 0 0,'
echo "system bridge: ping ok, programs attached"

# 2. Killed; the devices stay with the programs on them.
kill -9 "$PID1"
wait "$PID1" 2>/dev/null || true
hooks br0 | grepq tap_egress || net_fail "the TAP lost its program with the daemon: nothing to test"
hooks v0 | grepq port_ingress || net_fail "v0 lost its program with the daemon: nothing to test"

# A second daemon, another database, the same devices on a netdev bridge.
dir=$(topo_rundir 1)
mv "$dir" "$D/first"
topo_start_switchd 1
topo_ctl 1 swctl add-br br0 -- set bridge br0 datapath_type=netdev
topo_ctl 1 swctl add-port br0 v0 -- set interface v0 type=system
if hooks br0 | grepq tap_egress; then
    net_fail "tap_egress still on br0 after a netdev bridge opened it: $(hooks br0)"
fi
if hooks v0 | grepq port_ingress; then
    net_fail "port_ingress still on v0 after a netdev bridge opened it: $(hooks v0)"
fi
grep -q "v0: removed a fast-path program" "$dir/switchd.log" ||
    net_fail "the log does not say what was removed: $(cat "$dir/switchd.log")"
hooks v0 | grepq "bytecode '1,6 0 0 0'" || net_fail "another filter on v0 was removed too: $(hooks v0)"
topo_exec 1 ip link set br0 up
topo_ping 1 10.40.0.2 3 || { topo_show_logs; net_fail "no ping on the netdev bridge after the stale programs"; }
echo "netdev bridge: stale programs removed, other filter kept, ping ok"
echo "PASS body"
