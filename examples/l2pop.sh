#!/usr/bin/env bash
# The article's last part, "maintaining the FDB dynamically", on switchd:
# instead of flooding to learn where a MAC lives, a controller that knows
# every VM pushes the answers into each host's br-tun.  This script plays
# the controller for the article's three hosts:
#   - table 20 gets a static entry per remote VM (its MAC -> the tunnel
#     to its host), as Neutron's l2population does;
#   - table 21 gets an ARP responder per remote VM: br-tun turns the
#     broadcast "who-has" into the reply itself and sends it back, so the
#     broadcast never reaches the underlay.
# The pings then cross the underlay as unicast ICMP only: no ARP, no
# flooding (tests/net/test-l2pop.sh checks exactly that).
#
# Usage (as root): examples/l2pop.sh
# Uses the programs in $SW_BIN if set, else build/bin (built if missing).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
example_init

say "underlay 192.168.33.0/24 with three hosts, switchd on each"
topo_hosts 3
for h in 1 2 3; do
    topo_start_switchd "$h"
done

say "host 1: the article's bridges"
example_each_host topo_article_bridges

say "host 1: the flows the controller pushes (one replace-flows file)"
example_each_host topo_l2pop_flows
cat "$(topo_rundir 1)/l2pop.flows"

say "host 1 pings 10.1.1.3 and 10.1.1.4, with the underlay captured"
topo_ul_tcpdump_start "$NET_DIR/ul.pcap" udp port 4789
topo_exec 1 ping -c 2 -W 2 10.1.1.3
topo_exec 1 ping -c 2 -W 2 10.1.1.4
topo_tcpdump_stop
echo "-- the underlay, inner frames included (tcpdump -e): ICMP only, no ARP:"
tcpdump -r "$NET_DIR/ul.pcap" -nn -e 2>/dev/null

say "host 1's neighbour table: the answers came from br-tun"
topo_exec 1 ip neigh show dev br-int
echo "-- host 2's and host 3's br-int MACs, for comparison:"
echo "h2 $(topo_mac 2 br-int)   h3 $(topo_mac 3 br-int)"

say "host 1: tables 20 and 21 with their counters (the flood flow saw nothing)"
topo_ctl 1 swofctl dump-flows br-tun table=20
topo_ctl 1 swofctl dump-flows br-tun table=21

say "done; cleaning up"
