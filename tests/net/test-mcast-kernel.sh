#!/bin/bash
# Flood and learn over a multicast group, switchd among Linux kernel hosts:
# the article's first part (every host a kernel vxlan device in group mode,
# "id 42 group 239.1.1.1 dev eth1 dstport 4789", bridged with the overlay
# address) with host 1 replaced by switchd: br-tun with one multicast vxlan
# port (remote_ip=239.1.1.1, key=42) and the learn that records the
# sender's VTEP.  Checks:
#   1. switchd joined the group on eth1;
#   2. every pair pings;
#   3. on the underlay, switchd's first packet is an ARP request to
#      239.1.1.1 with TTL 1, and its echo requests go unicast (TTL 64) to
#      the kernel hosts' addresses;
#   4. switchd's table 20 sends each kernel host's MAC to its VTEP (as
#      ovs-ofctl prints it), and each kernel's "bridge fdb show dev vxlan0"
#      has switchd's VM (br-int) behind switchd's address;
#   5. when a learned flow expires (hard_timeout), the next frame to that
#      MAC goes to the group again, and the answer re-learns it;
#   6. deleting the port leaves the group; nothing is left behind.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body mcast-kernel "switchd in a kernel multicast overlay" "$@"

topo_init
D=$NET_DIR
HT=8 # Learned flows' hard_timeout: long enough for the checks, short to expire.

topo_hosts 3
topo_mcast_switchd_host 1 "$HT"
topo_mcast_kernel_host 2
topo_mcast_kernel_host 3
M1=$(topo_mac 1 br-int) M2=$(topo_mac 2 br0) M3=$(topo_mac 3 br0)

in_group() {
    local m
    m=$(topo_exec 1 ip maddr show dev eth1)
    grep -Eq "inet +${TOPO_MCAST_GROUP//./\\.}\$" <<<"$m"
}

# 1. The membership.
in_group || net_fail "switchd did not join $TOPO_MCAST_GROUP on eth1:
$(topo_exec 1 ip maddr show dev eth1)"

# 2. Pings, switchd's host first: its first frame is a flood.
topo_ul_tcpdump_start "$D/ul.pcap" udp port 4789
for pair in "1 2" "1 3" "2 1" "3 1" "2 3" "3 2"; do
    read -r a b <<<"$pair"
    topo_ping "$a" "$(topo_overlay_ip "$b")" 2 ||
        { topo_show_logs; net_fail "h$a cannot ping $(topo_overlay_ip "$b")"; }
    echo "ping h$a -> $(topo_overlay_ip "$b"): ok"
done
topo_tcpdump_stop

# 3. What switchd put on the wire.
topo_mcast_check_flood "$D/ul.pcap" 1

# 4. What each side learned, right after traffic (the flows expire).
topo_ping 1 "$(topo_overlay_ip 2)"
topo_ping 1 "$(topo_overlay_ip 3)"
t20=$(topo_ctl 1 swofctl dump-flows br-tun table=20)
for h in 2 3; do
    mac=$(topo_mac "$h" br0)
    topo_mcast_learned 1 "$mac" "$h" ||
        net_fail "switchd's table 20 does not send h$h's $mac to $(topo_underlay_ip "$h"):
$t20"
    topo_mcast_kernel_knows "$h" "$M1" 1 ||
        net_fail "h$h's kernel fdb lacks switchd's $M1 at $(topo_underlay_ip 1):
$(topo_exec "$h" bridge fdb show dev vxlan0)"
done
echo "$t20"
echo "h2: $(topo_exec 2 bridge fdb show dev vxlan0 | grep "^$M1 ")"

# 5. Expiry: once h2's flow is gone, the next frame to h2 floods.
h2_forgotten() { ! topo_mcast_learned 1 "$M2" 2; }
net_wait_for $((HT + 10)) h2_forgotten ||
    net_fail "h2's flow did not expire after ${HT}s"
topo_ul_tcpdump_start "$D/again.pcap" udp port 4789
topo_ping 1 "$(topo_overlay_ip 2)" ||
    net_fail "h1 cannot ping h2 after the flow expired"
topo_tcpdump_stop
topo_mcast_pcap_lines "$D/again.pcap" >"$D/again.lines"
first=$(grep -m1 "^[0-9]* $(topo_underlay_ip 1)\.[0-9]* > " "$D/again.lines" || true)
grep -q "> $TOPO_MCAST_GROUP\.4789: .*10\.1\.1\.3" <<<"$first" ||
    net_fail "after expiry, switchd's first frame for h2 did not go to the group: $first
$(cat "$D/again.lines")"
echo "after expiry: $first"
topo_mcast_learned 1 "$M2" 2 || net_fail "h2's MAC was not learned again"

# 6. Leaving.
topo_ctl 1 swctl del-port br-tun vxlan0
in_group && net_fail "switchd is still in $TOPO_MCAST_GROUP after del-port"
[ -n "$M3" ]
echo "PASS body"
