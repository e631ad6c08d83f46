#!/bin/bash
# The article's OVS walkthrough, typed as a newcomer would, against a
# real switchd: bridges, patch and vxlan ports, ovs-ofctl show, the nine
# flows of br-tun and dump-flows, compared with exact expected output.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd

article_bridges

# swctl show: the uuid line varies; interfaces have no errors.
out=$(swctl show | tail -n +2)
check_output "swctl show" '    Bridge br-int
        Port br-int
            Interface br-int
                type: internal
        Port patch-int
            Interface patch-int
                type: patch
                options: {peer=patch-tun}
    Bridge br-tun
        Port br-tun
            Interface br-tun
                type: internal
        Port patch-tun
            Interface patch-tun
                type: patch
                options: {peer=patch-int}
        Port vxlan0
            Interface vxlan0
                type: vxlan
                options: {remote_ip="192.168.33.13"}
        Port vxlan1
            Interface vxlan1
                type: vxlan
                options: {remote_ip="192.168.33.14"}' "$out"

# swofctl show br-tun: addresses vary, everything else is the article's.
out=$(swofctl show br-tun | sed -E -e 's/dpid:[0-9a-f]{16}/dpid:D/' \
      -e 's/addr:([0-9a-f]{2}:){5}[0-9a-f]{2}/addr:A/')
check_output "swofctl show" 'OFPT_FEATURES_REPLY (xid=0x2): dpid:D
n_tables:254, n_buffers:0
capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP
actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst
 1(patch-tun): addr:A
     config:     0
     state:      0
     speed: 0 Mbps now, 0 Mbps max
 5(vxlan0): addr:A
     config:     0
     state:      0
     speed: 0 Mbps now, 0 Mbps max
 6(vxlan1): addr:A
     config:     0
     state:      0
     speed: 0 Mbps now, 0 Mbps max
 LOCAL(br-tun): addr:A
     config:     PORT_DOWN
     state:      LINK_DOWN
     current:    10GB-FD COPPER
     speed: 10000 Mbps now, 0 Mbps max
OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0' "$out"

# The dpid is the LOCAL port's address, as in the article.
dpid=$(swofctl show br-tun | sed -n 's/.*dpid:0000\([0-9a-f]*\)$/\1/p')
local_mac=$(swofctl show br-tun | sed -n 's/^ LOCAL(br-tun): addr://p' | tr -d :)
[ "$dpid" = "$local_mac" ] || fail "dpid $dpid is not LOCAL's address $local_mac"

# A new bridge has the single NORMAL flow.
out=$(swofctl dump-flows br-tun | mask_times)
check_output "default flow" 'NXST_FLOW reply (xid=0x4):
 cookie=0x0, duration=Xs, table=0, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=NORMAL' "$out"

swofctl del-flows br-tun
swofctl add-flow br-tun "table=0,priority=1,in_port=1 actions=resubmit(,1)"
swofctl add-flow br-tun "table=0,priority=1,in_port=5 actions=resubmit(,2)"
swofctl add-flow br-tun "table=0,priority=1,in_port=6 actions=resubmit(,2)"
swofctl add-flow br-tun "table=0,priority=0,actions=drop"
swofctl add-flow br-tun "table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)"
swofctl add-flow br-tun "table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)"
swofctl add-flow br-tun "table=21,priority=0,actions=output:5,output:6"
swofctl add-flow br-tun "table=2,priority=0,actions=learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), output:1"
swofctl add-flow br-tun "table=20,priority=0,actions=resubmit(,21)"

out=$(swofctl dump-flows br-tun table=20 | mask_times)
check_output "dump-flows table=20" 'NXST_FLOW reply (xid=0x8):
 cookie=0x0, duration=Xs, table=20, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=resubmit(,21)' "$out"

out=$(swofctl dump-flows br-tun | mask_times)
check_output "dump-flows" 'NXST_FLOW reply (xid=0x4):
 cookie=0x0, duration=Xs, table=0, n_packets=0, n_bytes=0, idle_age=X, priority=1,in_port=1 actions=resubmit(,1)
 cookie=0x0, duration=Xs, table=0, n_packets=0, n_bytes=0, idle_age=X, priority=1,in_port=5 actions=resubmit(,2)
 cookie=0x0, duration=Xs, table=0, n_packets=0, n_bytes=0, idle_age=X, priority=1,in_port=6 actions=resubmit(,2)
 cookie=0x0, duration=Xs, table=0, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=drop
 cookie=0x0, duration=Xs, table=1, n_packets=0, n_bytes=0, idle_age=X, priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,20)
 cookie=0x0, duration=Xs, table=1, n_packets=0, n_bytes=0, idle_age=X, priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,21)
 cookie=0x0, duration=Xs, table=2, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1
 cookie=0x0, duration=Xs, table=20, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=resubmit(,21)
 cookie=0x0, duration=Xs, table=21, n_packets=0, n_bytes=0, idle_age=X, priority=0 actions=output:5,output:6' "$out"

# Port names work wherever numbers do, and --names prints them.
swofctl del-flows br-tun table=0
swofctl add-flow br-tun "table=0,priority=1,in_port=patch-tun actions=resubmit(,1)"
swofctl add-flow br-tun "table=0,priority=1,in_port=vxlan0 actions=resubmit(,2)"
out=$(swofctl dump-flows --no-stats br-tun table=0)
check_output "names in" ' priority=1,in_port=1 actions=resubmit(,1)
 priority=1,in_port=5 actions=resubmit(,2)' "$out"
out=$(swofctl dump-flows --no-stats --names br-tun "table=21")
check_output "names out" ' table=21, priority=0 actions=output:vxlan0,output:vxlan1' "$out"
out=$(swofctl dump-flows --no-stats br-tun "in_port=vxlan0")
check_output "name in filter" ' priority=1,in_port=5 actions=resubmit(,2)' "$out"

echo PASS
