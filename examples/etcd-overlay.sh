#!/usr/bin/env bash
# The article's end, for many hosts: a store that knows where every MAC
# lives (etcd, three members) and an agent on every host (swagent) that
# publishes its VMs there and programs br-tun from everything in it, so
# nothing floods: unicast per remote MAC, ARP answered on the host,
# broadcast only to the hosts of the VNI.
#
# Five hosts, each a namespace with switchd, swagent and one VM port
# (vmH, 10.1.0.H/16, VNI 100); etcd listens on 192.168.33.2-4 inside the
# underlay's own namespace.  Shows the pings, the store (etcdctl), `swagent
# status`, a VM move from host 4 to host 5, and the underlay carrying only
# unicast.
#
# Usage (as root): examples/etcd-overlay.sh
# Uses the programs in $SW_BIN if set, else build/bin (built if missing).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
example_init
# shellcheck source=../tests/net/swagent-lib.sh
. "$EXAMPLE_SRC/tests/net/swagent-lib.sh"
N=5

say "underlay 192.168.33.0/24 with $N hosts; etcd members on .2, .3, .4"
topo_hosts "$N"
sa_etcd_cluster 3
sa_etcdctl member list -w table

say "each host: switchd, a VM port with external_ids:vni=100, swagent"
echo "# swctl add-port br-int vm1 -- set interface vm1 type=internal external_ids:vni=100 external_ids:ip=10.1.0.1"
echo "# swagent --etcd $(sa_etcd_urls 1) --vtep $(topo_underlay_ip 1) --host h1"
for h in $(seq 1 "$N"); do
    sa_host "$h" 100
done
all_see() {
    local h
    for h in $(seq 1 "$N"); do
        sa_agent_sees "$h" "$N" || return 1
    done
}
net_wait_for 30 all_see || net_fail "the agents did not converge"

say "the store: every host and every VM, bound to each host's lease"
sa_etcdctl get --prefix /switchd/

say "host 1's agent"
"$SW_BIN/swagent" status --rundir "$(topo_rundir 1)"

say "host 1's br-tun: its flows are a function of the store"
topo_ctl 1 swofctl dump-flows --no-stats br-tun

say "host 1 pings every VM, the underlay captured"
topo_ul_tcpdump_start "$NET_DIR/ul.pcap" udp port 4789
for h in $(seq 2 "$N"); do
    topo_exec 1 ping -c 1 -W 2 "$(sa_vm_ip "$h")" | grep "bytes from"
done
topo_tcpdump_stop
echo "-- the underlay, inner frames included: ICMP only, no ARP, no broadcast:"
tcpdump -r "$NET_DIR/ul.pcap" -nn -e 2>/dev/null | sed 's/^/  /'
topo_ul_unicast_only "$NET_DIR/ul.pcap" $((N - 1))

say "a VM move: vm4 leaves host 4 and comes up on host 5 with its MAC"
mac4=$(topo_mac 4 vm4)
echo "# host 4: swctl del-port br-int vm4"
topo_ctl 4 swctl del-port br-int vm4
echo "# host 5: the VM (own namespace, same MAC and IP) on br-int port vm4"
sa_vm_ns 5 vm4 vm4 100 "$(sa_vm_ip 4)" "$mac4"
repointed() {
    local flows
    flows=$(sa_flows 1)
    grep "dl_dst=$mac4" <<<"$flows" | grep "0xc0a82110->" >/dev/null
}
net_wait_for 10 repointed || net_fail "host 1 did not re-point vm4"
echo "-- host 1's flow for vm4 now sends to host 5 (192.168.33.16 = 0xc0a82110):"
sa_flows 1 | grep "table=2.*dl_dst=$mac4"
echo "-- the store:"
sa_etcdctl get "/switchd/endpoints/100/$mac4"
net_exec vm4 ping -q -c 1 -W 2 "$(sa_vm_ip 1)" >/dev/null || true
topo_exec 1 ping -c 2 -W 2 "$(sa_vm_ip 4)" | tail -n 2

say "done; cleaning up"
