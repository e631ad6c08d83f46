#!/bin/bash
# The article's last part on switchd: a controller (this script) pushes
# every remote VM's MAC -> tunnel entry and an ARP answer into br-tun on
# each of three hosts, instead of flooding and learning
# (tests/net/topology.sh, "Flows pushed by a controller").  Checks:
#   1. every host pings every other host's overlay address;
#   2. no broadcast crossed the underlay: every ARP request was answered
#      by br-tun on the host that asked, and the flood flow counted
#      nothing;
#   3. the answers are right: each host's neighbour table holds the
#      peers' real br-int MACs, and the responder and FDB flows counted
#      the packets they handled;
#   4. nothing is left behind.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body l2pop "pushed FDB entries and ARP answers, no flooding" "$@"

topo_init
D=$NET_DIR

topo_bridge_hosts 3
for h in 1 2 3; do
    topo_l2pop_flows "$h"
done
declare -A MAC
for h in 1 2 3; do
    MAC[$h]=$(topo_mac "$h" br-int)
done

# 1. Every direction, with the underlay captured.
topo_ul_tcpdump_start "$D/ul.pcap" udp port 4789
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        topo_ping "$h" "$(topo_overlay_ip "$p")" 2 ||
            { topo_show_logs; net_fail "h$h cannot ping $(topo_overlay_ip "$p")"; }
    done
done
topo_tcpdump_stop
echo "pings: all six directions ok"

# 2. Only unicast on the underlay: the inner frames of the VXLAN packets
# (tcpdump -e prints each inner Ethernet header) never go to broadcast.
topo_ul_unicast_only "$D/ul.pcap" 12

# 3. What the hosts learned, and what the flows counted.
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        ip=$(topo_overlay_ip "$p")
        got=$(topo_exec "$h" ip neigh show "$ip" dev br-int |
            sed -n 's/.* lladdr \([0-9a-f:]*\) .*/\1/p')
        [ "$got" = "${MAC[$p]}" ] ||
            net_fail "h$h: $ip is at '$got', but h$p's br-int is ${MAC[$p]}"
    done
done
echo "neighbour tables: every peer at its real MAC"
for h in 1 2 3; do
    flows=$(topo_ctl "$h" swofctl dump-flows br-tun)
    flood=$(grep 'table=21,.* priority=0 actions=output:5,output:6' <<<"$flows")
    grep -q ' n_packets=0,' <<<"$flood" ||
        net_fail "h$h flooded: $flood"
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        ip=$(topo_overlay_ip "$p")
        answer=$(grep "arp_tpa=$ip,arp_op=1 " <<<"$flows") ||
            net_fail "h$h: no ARP responder for $ip: $flows"
        grep -q ' n_packets=[1-9]' <<<"$answer" ||
            net_fail "h$h: the responder for $ip answered nothing: $answer"
        fdb=$(grep "priority=2,dl_dst=${MAC[$p]} " <<<"$flows") ||
            net_fail "h$h: no FDB flow for ${MAC[$p]}: $flows"
        n=$(sed -n 's/.* n_packets=\([0-9]*\),.*/\1/p' <<<"$fdb")
        [ "$n" -ge 2 ] ||
            net_fail "h$h: the FDB flow for ${MAC[$p]} sent $n packets: $fdb"
    done
done
echo "flows: responders answered, FDB entries forwarded, the flood flow saw nothing"

echo "PASS body"
