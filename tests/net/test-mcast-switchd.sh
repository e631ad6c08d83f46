#!/bin/bash
# Flood and learn over a multicast group the other way round: two switchd
# hosts (br-tun with one multicast vxlan port, remote_ip=239.1.1.1,
# key=42) and one Linux kernel host in group mode ("id 42 group 239.1.1.1
# dev eth1 dstport 4789").  Checks:
#   1. every pair pings, switchd to switchd included;
#   2. on the underlay, each switchd host's first packet is an ARP request
#      to 239.1.1.1 with TTL 1, and its echo requests go unicast (TTL 64);
#   3. each switchd's table 20 sends both other hosts' MACs to their VTEPs,
#      and the kernel's "bridge fdb show dev vxlan0" has both switchd VMs
#      behind their hosts' addresses;
#   4. nothing is left behind;
#   5. on the system datapath (the default), br-tun (the multicast port)
#      and br-int run on the kernel fast path: the cache tunnels the
#      pings unicast to the learned VTEP; no entry sends to the group.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body mcast-switchd "two switchd hosts and a kernel host over a group" "$@"

topo_init
D=$NET_DIR

topo_hosts 3
topo_mcast_switchd_host 1
topo_mcast_switchd_host 2
topo_mcast_kernel_host 3
M1=$(topo_mac 1 br-int) M2=$(topo_mac 2 br-int) M3=$(topo_mac 3 br0)

# 1. Pings; each switchd host starts one exchange with a flood.
topo_ul_tcpdump_start "$D/ul.pcap" udp port 4789
for pair in "1 2" "2 3" "1 3" "2 1" "3 1" "3 2"; do
    read -r a b <<<"$pair"
    topo_ping "$a" "$(topo_overlay_ip "$b")" 2 ||
        { topo_show_logs; net_fail "h$a cannot ping $(topo_overlay_ip "$b")"; }
    echo "ping h$a -> $(topo_overlay_ip "$b"): ok"
done
topo_tcpdump_stop

# 2. What the switchd hosts put on the wire.
topo_mcast_check_flood "$D/ul.pcap" 1
topo_mcast_check_flood "$D/ul.pcap" 2

# 3. What each side learned.
for pair in "1 $M2 2" "1 $M3 3" "2 $M1 1" "2 $M3 3"; do
    read -r h mac p <<<"$pair"
    topo_mcast_learned "$h" "$mac" "$p" ||
        net_fail "h$h's table 20 does not send $mac to $(topo_underlay_ip "$p"):
$(topo_ctl "$h" swofctl dump-flows br-tun table=20)"
done
for pair in "$M1 1" "$M2 2"; do
    read -r mac p <<<"$pair"
    topo_mcast_kernel_knows 3 "$mac" "$p" ||
        net_fail "the kernel's fdb lacks $mac at $(topo_underlay_ip "$p"):
$(topo_exec 3 bridge fdb show dev vxlan0)"
done
topo_ctl 1 swofctl dump-flows br-tun table=20
topo_exec 3 bridge fdb show dev vxlan0 | grep " dst "
# 5. On the system datapath (the default) both bridges run on the
# kernel fast path, the multicast port's included: 20 more pings from h1
# to h2 (and back) are forwarded by h1's cache, which tunnels them unicast
# to h2's VTEP (learned); floods to the group stay in the slow path.
if [ "${SW_DATAPATH:-system}" = system ]; then
    dt() {
        topo_ctl 1 swofctl --json dump-dp-flows "$1" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["datapath_type"])'
    }
    [ "$(dt br-tun)" = system ] || net_fail "br-tun runs as $(dt br-tun), not system"
    [ "$(dt br-int)" = system ] || net_fail "br-int runs as $(dt br-int), not system"
    topo_ping 1 "$(topo_overlay_ip 2)" 20 || net_fail "h1 cannot ping h2 (second round)"
    U2=$(topo_underlay_ip 2)
    cached=$(topo_ctl 1 swofctl dump-dp-flows br-int | grep "icmp" |
        grep "set_tunnel(vni=42,dst=$U2" | sed -E 's/.*packets:([0-9]+).*/\1/' |
        sort -n | tail -n 1)
    [ "${cached:-0}" -ge 10 ] || net_fail "h1's cache forwarded ${cached:-no} echo requests to $U2:
$(topo_ctl 1 swofctl dump-dp-flows br-int)"
    if topo_ctl 1 swofctl dump-dp-flows br-int | grepq "dst=239.1.1.1"; then
        net_fail "a cache entry sends to the group:
$(topo_ctl 1 swofctl dump-dp-flows br-int)"
    fi
    echo "h1's cache tunnelled $cached echo requests to $U2; br-tun and br-int on the fast path"
fi
echo "PASS body"
