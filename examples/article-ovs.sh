#!/usr/bin/env bash
# The article's Open vSwitch walkthrough, run with switchd on three hosts.
#
# Three network namespaces play hosts 192.168.33.12/.13/.14 on one
# underlay segment.  Each runs its own switchd with br-int (internal port
# 10.1.1.2/.3/.4), br-tun, the patch pair, one VXLAN port per peer and the
# article's nine flows.  The script pings across the overlay, shows what
# tcpdump sees on the underlay and what table 20 learned, then removes
# everything it made (also on failure or Ctrl-C).
#
# Usage (as root): examples/article-ovs.sh
# Uses the programs in $SW_BIN if set, else build/bin (built if missing).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
example_init

say "underlay 192.168.33.0/24 with three hosts (namespaces ${NET_P}h1..h3)"
topo_hosts 3
for h in 1 2 3; do
    topo_start_switchd "$h"
done

say "host 1: the article's commands"
example_each_host topo_article_bridges

say "host 1: swofctl show br-tun"
topo_ctl 1 swofctl show br-tun

say "host 1: the article's flows"
example_each_host topo_article_flows

say "host 1: table 20 before any traffic"
topo_ctl 1 swofctl dump-flows br-tun table=20

say "host 1: ping 10.1.1.4 -c 2 (tcpdump on host 3's underlay eth1)"
topo_tcpdump_start 3 "$NET_DIR/h3.pcap" udp port 4789
topo_exec 1 ping -c 2 -W 2 10.1.1.4
topo_tcpdump_stop
tcpdump -r "$NET_DIR/h3.pcap" -nn 2>/dev/null
echo "(the ARP request was flooded: host 2 got a copy too; the rest is unicast)"

say "every host pings every other overlay address"
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$p" -eq "$h" ] && continue
        printf 'host %s -> %s: ' "$h" "$(topo_overlay_ip "$p")"
        topo_ping "$h" "$(topo_overlay_ip "$p")" && echo ok
    done
done

say "host 1: table 20 after the pings (learned flows)"
topo_ctl 1 swofctl dump-flows br-tun table=20
printf 'br-int MACs: host 2 %s, host 3 %s\n' \
    "$(topo_mac 2 br-int)" "$(topo_mac 3 br-int)"

say "host 1: br-int MAC table (NORMAL)"
topo_ctl 1 swofctl fdb-show br-int

say "done; cleaning up"
