#!/bin/bash
# Which vxlan port a datagram belongs to is decided alike on both
# datapaths (netdev_vxlan_demux_candidate()): the port whose remote_ip is
# the datagram's source owns it, and if that port refuses its VNI no
# other port takes it, not even a remote_ip=flow, key=flow port that
# would accept anything.  On the article's hosts 1 and 2, h1's br-tun
# gets such a catch-all port (vxflow, port 7) beside vxlan0 (remote_ip
# h2, key 0); h2's br-tun gets vx9 (remote_ip h1, key 9), and 20 frames
# go out of it (packet-out).  h1 must receive none of them on vxflow
# (on the fast path, the upcall's demultiplexing used to hand them to it)
# while the VNI 0 frames of a ping still reach vxlan0.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body vxlan-demux "a known peer's unknown VNI reaches no port" "$@"

topo_init
topo_hosts 3
for h in 1 2; do
    topo_article_host "$h"
done
U1=$(topo_underlay_ip 1)
topo_ctl 1 swctl add-port br-tun vxflow -- set interface vxflow type=vxlan \
    options:remote_ip=flow options:key=flow ofport_request=7
topo_ctl 2 swctl add-port br-tun vx9 -- set interface vx9 type=vxlan \
    "options:remote_ip=$U1" options:key=9 ofport_request=9
net_wait_for 10 topo_ping 2 "$(topo_overlay_ip 1)" 1 ||
    { topo_show_logs; net_fail "h2 cannot reach h1"; }

# port_pkts H BR PORT rx|tx: the packet counter of a port.
port_pkts() {
    topo_ctl "$1" swofctl dump-ports "$2" "$3" |
        sed -nE "s/.*$4 pkts=([0-9]+).*/\\1/p" | head -n 1
}
rx5_0=$(port_pkts 1 br-tun 5 rx)
tx9_0=$(port_pkts 2 br-tun 9 tx)
frame=02000000000202000000000108004500001c000100004011f9d00a0101030a010102
frame+=04d2162e00080000
for _ in $(seq 20); do
    topo_ctl 2 swofctl packet-out br-tun none output:9 "$frame"
done
topo_ping 2 "$(topo_overlay_ip 1)" 3 >/dev/null || true
sleep 0.5
sent=$(($(port_pkts 2 br-tun 9 tx) - tx9_0))
rx7=$(port_pkts 1 br-tun 7 rx)
rx5=$(($(port_pkts 1 br-tun 5 rx) - rx5_0))
echo "h2 sent $sent frames with VNI 9; h1: vxflow received $rx7, vxlan0 $rx5 (the pings)"
[ "$sent" -ge 20 ] || net_fail "h2 sent $sent frames out of vx9"
[ "${rx7:-x}" = 0 ] || net_fail "vxflow took $rx7 frames of h2's VNI 9 (vxlan0 owns h2)"
[ "$rx5" -ge 3 ] || net_fail "vxlan0 received $rx5 frames of h2's pings"
echo PASS
