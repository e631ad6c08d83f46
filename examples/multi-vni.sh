#!/usr/bin/env bash
# Two tenants on the same three hosts, kept apart by their VNIs.
#
# Tenant a (VNI 100) has VMs 10.1.1.2/.3/.4, tenant b (VNI 200) has VMs
# 10.1.1.102/.103/.104: one subnet, so only the overlay separates them.
# Each VM is a network namespace whose eth0 is a veth attached as a system
# port to its tenant's bridge (br-a or br-b) on its host; both bridges
# reach br-tun through patch ports (br-tun ports 1 and 2).  The vxlan ports
# to the two peers (5 and 6) have options:key=flow, so one port carries
# every VNI: br-tun sets tun_id from the tenant's patch port on the way
# out and, on the way in, sends each VNI to its own tenant only.  The
# learn action matches tun_id too, so learned flows carry the VNI.
#
# Usage (as root): examples/multi-vni.sh
# Uses the programs in $SW_BIN if set, else build/bin (built if missing).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
example_init

say "underlay 192.168.33.0/24 with three hosts, two tenant VMs on each"
topo_hosts 3
for h in 1 2 3; do
    topo_start_switchd "$h"
    topo_tenant_vm "$h" a
    topo_tenant_vm "$h" b
done

say "host 1: bridges (tenant bridges br-a, br-b; br-tun with key=flow tunnels)"
example_each_host topo_mvni_bridges

say "host 1: br-tun flows"
example_each_host topo_mvni_flows

say "tenant a on host 1 pings 10.1.1.3, tenant b on host 1 pings 10.1.1.103"
topo_ul_tcpdump_start "$NET_DIR/ul.pcap" udp port 4789
net_exec h1a ping -c 2 -W 2 10.1.1.3
net_exec h1b ping -c 2 -W 2 10.1.1.103
topo_tcpdump_stop
echo "-- the underlay (VNI 100 for tenant a, 200 for tenant b):"
tcpdump -r "$NET_DIR/ul.pcap" -nn 2>/dev/null

say "each tenant's VMs reach each other on every host"
for t in a b; do
    for h in 1 2 3; do
        for p in 1 2 3; do
            [ "$p" -eq "$h" ] && continue
            printf 'tenant %s, host %s -> %s: ' "$t" "$h" "$(topo_tenant_ip "$p" "$t")"
            topo_tenant_ping "$h" "$t" "$(topo_tenant_ip "$p" "$t")" && echo ok
        done
    done
done

say "isolation: tenant a on host 1 tries tenant b's 10.1.1.103"
if topo_tenant_ping 1 a 10.1.1.103 1; then
    echo "reached it: the tenants are NOT isolated" >&2
    exit 1
fi
echo "no answer: tenant a's ARP request stayed in VNI 100"

say "host 1: table 20, learned flows with their VNI (0x64 = 100, 0xc8 = 200)"
topo_ctl 1 swofctl dump-flows br-tun table=20

say "done; cleaning up"
