#!/usr/bin/env bash
# The article's first part, flood and learn over a multicast group, with
# one of the three hosts being switchd.
#
# Hosts 2 and 3 are what the article builds with the Linux kernel alone: a
# vxlan device in group mode ("ip link add vxlan0 type vxlan id 42 group
# 239.1.1.1 dev eth1 dstport 4789") in a Linux bridge holding the overlay
# address.  Host 1 runs switchd: br-int (10.1.1.2), br-tun with one
# multicast vxlan port (options:remote_ip=239.1.1.1 options:key=42) and
# the article's flows, whose learn also records the sender's VTEP
# (load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[]).  Broadcasts go to
# the group; every host learns from the outer source address; unicast then
# goes straight to the learned VTEP.  The script pings across, shows the
# underlay, then prints what the kernel and switchd learned side by side,
# and removes everything it made (also on failure or Ctrl-C).
#
# Usage (as root): examples/kernel-mcast.sh
# Uses the programs in $SW_BIN if set, else build/bin (built if missing).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
example_init

say "underlay 192.168.33.0/24 with three hosts (namespaces ${NET_P}h1..h3)"
topo_hosts 3

say "hosts 2 and 3: the Linux kernel, as in the article (host 2's commands)"
topo_mcast_kernel_host 2 echo
topo_mcast_kernel_host 3 true

say "host 1: switchd with a multicast vxlan port"
topo_mcast_switchd_host 1 300 echo

say "host 1: ping 10.1.1.4 -c 2 (tcpdump on the underlay)"
topo_ul_tcpdump_start "$NET_DIR/ul.pcap" udp port 4789
topo_exec 1 ping -c 2 -W 2 10.1.1.4
topo_tcpdump_stop
topo_mcast_pcap_lines "$NET_DIR/ul.pcap" |
    sed -E 's/^([0-9]+) (.*): VXLAN, flags \[I\] \(0x08\), (vni [0-9]+) (.*)$/\2 ttl \1 \3: \4/' |
    sed -E 's/IP \(tos .*, length [0-9]+\) //; s/Ethernet \(len 6\), IPv4 \(len 4\), //; s/, (id|length) .*$//'
echo "(the ARP request went to the group with TTL 1; the answer and the pings are unicast)"

say "every host pings every other overlay address"
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$p" -eq "$h" ] && continue
        printf 'host %s -> %s: ' "$h" "$(topo_overlay_ip "$p")"
        topo_ping "$h" "$(topo_overlay_ip "$p")" && echo ok
    done
done

say "host 1: switchd's table 20"
topo_ctl 1 swofctl dump-flows br-tun table=20

say "host 2: the kernel's fdb (bridge fdb show dev vxlan0)"
topo_exec 2 bridge fdb show dev vxlan0

say "side by side: where each host's VM is, as host 2's kernel and host 1's switchd learned it"
printf '%-6s %-17s  %-22s  %s\n' host MAC "kernel (host 2) dst" "switchd (host 1) tun_dst"
t20=$(topo_ctl 1 swofctl dump-flows br-tun table=20)
fdb=$(topo_exec 2 bridge fdb show dev vxlan0)
for h in 1 2 3; do
    if [ "$h" = 1 ]; then mac=$(topo_mac 1 br-int); else mac=$(topo_mac "$h" br0); fi
    k=$(echo "$fdb" | sed -n "s/^$mac dst \([0-9.]*\) .*/\1/p")
    hex=$(echo "$t20" | sed -n "s/.*dl_dst=$mac .*load:\(0x[0-9a-f]*\)->NXM_NX_TUN_IPV4_DST.*/\1/p")
    s=""
    [ -n "$hex" ] && s=$(printf '%d.%d.%d.%d' $((hex >> 24 & 255)) $((hex >> 16 & 255)) $((hex >> 8 & 255)) $((hex & 255)))
    printf '%-6s %-17s  %-22s  %s\n' "$h" "$mac" "${k:-(local)}" "${s:-(local)}${hex:+ ($hex)}"
done

say "done; cleaning up"
