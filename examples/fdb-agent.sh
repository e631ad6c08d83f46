#!/usr/bin/env bash
# The article's last part, the way flannel first did it: the switch asks,
# an agent answers.  br-tun starts with no FDB entry and no ARP answer and
# sends what it cannot answer (ARP requests, unicast to unknown MACs) to
# the controller instead of flooding.  examples/fdb-agent.py on each host
# watches those packet-ins (swofctl monitor), looks the address up in an
# inventory that a central store would provide, adds the ARP responder
# and FDB flows, and puts the packet back (swofctl packet-out).  Flows
# appear only for the peers a host actually talks to, and an unknown
# address is dropped, not flooded (tests/net/test-fdb-agent.sh checks it).
#
# Usage (as root): examples/fdb-agent.sh
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

say "host 1: br-tun sends misses to the controller; an agent per host"
example_each_host topo_agent_host
cat "$(topo_rundir 1)/agent.flows"
echo "-- host 1's inventory (IP, MAC, tunnel port):"
cat "$(topo_rundir 1)/inventory"

say "host 1 pings 10.1.1.3 (its agent answers the ARP miss)"
topo_exec 1 ping -c 2 -W 2 10.1.1.3
echo "-- host 1's agent:"
cat "$(topo_rundir 1)/agent.log"

say "host 1: what the agent added (10.1.1.4 was never asked for)"
topo_ctl 1 swofctl dump-flows br-tun table=20
topo_ctl 1 swofctl dump-flows br-tun table=21

say "host 1 pings 10.1.1.99, which no inventory knows: dropped, not flooded"
topo_exec 1 ping -c 1 -W 2 10.1.1.99 || true
tail -n 1 "$(topo_rundir 1)/agent.log"

say "done; cleaning up"
