#!/bin/bash
# The article's agents that answer misses (flannel's first design), on
# switchd: br-tun sends ARP requests and unicast to unknown MACs to the
# controller, and examples/fdb-agent.py on each host answers them from an
# inventory by adding flows (tests/net/topology.sh, "filled on demand").
# Checks:
#   1. before any traffic, no host has an FDB entry or ARP answer;
#   2. h1 pings h2: it works, and h1 now has flows for h2 only, added by
#      its agent on the first miss; h2's agent did the same for h1;
#   3. every other direction works too, and no ARP request or broadcast
#      ever crossed the underlay;
#   4. a deleted FDB entry comes back on the next unicast miss, and the
#      packet that missed still arrives;
#   5. an address outside the inventory gets no answer and floods nothing;
#      the agent logs the miss;
#   6. nothing is left behind, agents included.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body fdb-agent "an agent answers misses from an inventory" "$@"

command -v python3 >/dev/null || net_fail "python3 is missing (scripts/install-deps.sh installs it)"

topo_init
D=$NET_DIR

topo_bridge_hosts 3
for h in 1 2 3; do
    topo_agent_host "$h"
done

# count_flows H TABLE PRIORITY: flows of that priority in H's table.
count_flows() {
    topo_ctl "$1" swofctl dump-flows br-tun "table=$2" |
        grep -c " priority=$3," || true
}

# 1. Nothing known yet.
for h in 1 2 3; do
    [ "$(count_flows "$h" 20 2)" -eq 0 ] && [ "$(count_flows "$h" 21 2)" -eq 0 ] ||
        net_fail "h$h has flows before any miss"
done

topo_ul_tcpdump_start "$D/ul.pcap" udp port 4789

# 2. One ping: each side's agent answers its own host's ARP miss.
topo_ping 1 10.1.1.3 2 ||
    { topo_show_logs; cat "$(topo_rundir 1)/agent.log" >&2; net_fail "h1 cannot ping 10.1.1.3"; }
flows1=$(topo_ctl 1 swofctl dump-flows br-tun)
grep -q "priority=2,arp,arp_tpa=10.1.1.3,arp_op=1 " <<<"$flows1" ||
    net_fail "h1 has no ARP answer for 10.1.1.3: $flows1"
grep -q "priority=2,dl_dst=$(topo_mac 2 br-int) actions=output:5" <<<"$flows1" ||
    net_fail "h1 has no FDB entry for h2: $flows1"
[ "$(count_flows 1 21 2)" -eq 1 ] && [ "$(count_flows 1 20 2)" -eq 1 ] ||
    net_fail "h1 added flows for more than h2: $flows1"
grep -q "priority=2,arp,arp_tpa=10.1.1.2,arp_op=1 " <<<"$(topo_ctl 2 swofctl dump-flows br-tun)" ||
    net_fail "h2's agent did not answer h2's miss for 10.1.1.2"
[ "$(count_flows 3 21 2)" -eq 0 ] || net_fail "h3 added flows it never needed"
grep -q "miss: who-has 10.1.1.3: answered $(topo_mac 2 br-int), via port 5" \
    "$(topo_rundir 1)/agent.log" ||
    net_fail "h1's agent log: $(cat "$(topo_rundir 1)/agent.log")"
echo "first ping: h1 and h2 each learned the other on demand, h3 nothing"

# 3. Every other direction.
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        topo_ping "$h" "$(topo_overlay_ip "$p")" 2 ||
            net_fail "h$h cannot ping $(topo_overlay_ip "$p")"
    done
done
for h in 1 2 3; do
    [ "$(count_flows "$h" 21 2)" -eq 2 ] && [ "$(count_flows "$h" 20 2)" -eq 2 ] ||
        net_fail "h$h: expected two answers and two FDB entries: $(topo_ctl "$h" swofctl dump-flows br-tun)"
done
echo "all six directions ok, two answers and two FDB entries on each host"

# 4. A unicast miss: with h1's FDB entry for h2 deleted (h1 still knows
# h2's MAC from ARP), the next ping's first packet misses table 20; the
# agent puts the entry back and re-injects the packet.
M2=$(topo_mac 2 br-int)
topo_ctl 1 swofctl del-flows --strict br-tun "table=20,priority=2,dl_dst=$M2"
[ "$(count_flows 1 20 2)" -eq 1 ] || net_fail "h1's FDB entry for h2 is still there"
topo_ping 1 10.1.1.3 1 || net_fail "h1 cannot ping 10.1.1.3 after its FDB entry went"
net_wait_for 5 grep -q "miss: unicast to $M2: via port 5" "$(topo_rundir 1)/agent.log" ||
    net_fail "h1's agent did not answer the unicast miss: $(cat "$(topo_rundir 1)/agent.log")"
grep -q "priority=2,dl_dst=$M2 actions=output:5" <<<"$(topo_ctl 1 swofctl dump-flows br-tun table=20)" ||
    net_fail "h1's FDB entry for h2 did not come back"
echo "unicast miss: the agent put h1's FDB entry for h2 back"

# 5. An address nobody has: no answer, nothing floods, the miss is logged.
if topo_ping 1 10.1.1.99 1; then
    net_fail "10.1.1.99 answered"
fi
net_wait_for 5 grep -q "miss: who-has 10.1.1.99: not in the inventory, dropped" \
    "$(topo_rundir 1)/agent.log" ||
    net_fail "h1's agent did not log the unknown address: $(cat "$(topo_rundir 1)/agent.log")"
topo_tcpdump_stop

topo_ul_unicast_only "$D/ul.pcap" 14
for h in 1 2 3; do
    if grep -q "^error" "$(topo_rundir "$h")/agent.log"; then
        net_fail "h$h's agent reported errors: $(cat "$(topo_rundir "$h")/agent.log")"
    fi
done

echo "PASS body"
