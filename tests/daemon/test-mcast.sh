#!/bin/bash
# Multicast vxlan ports through the daemon: a port with remote_ip=GROUP
# joins the group on the underlay interface holding local_ip; another
# bridge's port shares the group (another key), a third with the same key
# is refused; the learn that records the VTEP prints as ovs-ofctl 3.1
# prints it (compared with the real ovs-ofctl parse-flow), a MAC seen
# behind another VTEP re-points its flow in place, and outputs go to the
# learned VTEP or else to the group; deleting the ports leaves the group.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns ip ovs-ofctl
quiet_ns
# The underlay: a veth pair of the test's own namespace.
in_ns ip link add ul0 type veth peer name ul1
in_ns ip link set ul1 up
in_ns ip link set ul0 up
in_ns ip addr add 192.168.33.12/24 dev ul0
start_switchd

GROUP=239.1.1.1
in_group() {
    local m
    m=$(in_ns ip maddr show dev ul0)
    grep -Eq "inet +239\.1\.1\.1$" <<<"$m"
}
mcast_port() { # BRIDGE PORT KEY [OFPORT]
    swctl add-port "$1" "$2" -- set interface "$2" type=vxlan \
        options:remote_ip=$GROUP "options:key=$3" \
        options:local_ip=192.168.33.12 ${4:+ofport_request=$4}
}
errors() { swctl show | grep "error:" | sed "s/^ *//" || true; }

# 1. Joining, and sharing the group between bridges.
swctl add-br br-int
swctl add-br br-tun
swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int ofport_request=1
in_group && fail "in the group before any port"
mcast_port br-tun vxlan0 42 2
in_group || fail "vxlan0 did not join $GROUP on ul0: $(in_ns ip maddr show dev ul0)"
swctl add-br br-two
mcast_port br-two vxlan9 43
mcast_port br-two vxlan8 42
check_output "errors" "error: \"vxlan8: another multicast vxlan port on this socket already has this key\"" "$(errors)"
swctl del-port br-two vxlan8

# 2. The flows; the learn as ovs-ofctl prints it.
LEARN='learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[],output:NXM_OF_IN_PORT[])'
swofctl del-flows br-tun
swofctl add-flows br-tun - <<FLOWS
table=0,priority=1,in_port=1 actions=resubmit(,1)
table=0,priority=1,in_port=2 actions=resubmit(,2)
table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)
table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)
table=2,priority=0,actions=$LEARN,output:1
table=20,priority=0,actions=resubmit(,21)
table=21,priority=0,actions=output:2
FLOWS
# ovs_line TABLE "MATCH actions=...": what ovs-ofctl 3.1 prints for it.
ovs_line() {
    ovs-ofctl parse-flow "table=$1,$2" | sed -n "s/^.* ADD table:$1 //p"
}
ours=$(swofctl dump-flows --no-stats br-tun table=2 | sed 's/^ *//; s/^table=[0-9]*, //')
check_output "learn as ovs-ofctl" "$(ovs_line 2 "$ours")" "$ours"

# 3. A MAC from the group, first behind .13, then behind .14: one flow,
# re-pointed in place.
MAC=0e:3c:ee:4b:d8:0b
learned() { swofctl dump-flows --no-stats br-tun table=20 | grep "dl_dst=$MAC" | sed 's/^ *//; s/^table=[0-9]*, //'; }
from_vtep() {
    swofctl trace --generate br-tun \
        "in_port=2,tun_id=42,tun_src=$1,tun_dst=$GROUP,dl_src=$MAC,dl_dst=ff:ff:ff:ff:ff:ff"
}
out=$(from_vtep 192.168.33.13)
case $out in *"learn added"*) ;; *) fail "no learn added: $out" ;; esac
want13='priority=1,dl_dst=0e:3c:ee:4b:d8:0b actions=load:0x2a->NXM_NX_TUN_ID[],load:0xc0a8210d->NXM_NX_TUN_IPV4_DST[],output:2'
check_output "learned at .13" "hard_timeout=300, $want13" "$(learned)"
check_output "as ovs-ofctl" "$(ovs_line 20 "$want13")" "$want13"
out=$(from_vtep 192.168.33.14)
case $out in *"learn modified"*) ;; *) fail "not modified in place: $out" ;; esac
check_output "re-pointed to .14" "hard_timeout=300, priority=1,dl_dst=0e:3c:ee:4b:d8:0b actions=load:0x2a->NXM_NX_TUN_ID[],load:0xc0a8210e->NXM_NX_TUN_IPV4_DST[],output:2" "$(learned)"

# 4. Out of br-tun: to the learned VTEP, else to the group.
to() { swofctl trace br-tun "in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=$1" | grep "^Datapath actions"; }
check_output "to the VTEP" "Datapath actions: output:2 (vxlan0: vxlan vni 42 192.168.33.12 -> 192.168.33.14:4789)" "$(to $MAC)"
check_output "to the group" "Datapath actions: output:2 (vxlan0: vxlan vni 42 192.168.33.12 -> 239.1.1.1:4789)" "$(to 0e:00:00:00:00:01)"

# 5. Leaving: the group stays while a port holds it.
swctl del-port br-tun vxlan0
in_group || fail "left $GROUP while vxlan9 still holds it"
swctl del-port br-two vxlan9
in_group && fail "still in $GROUP with no port left"
echo PASS
