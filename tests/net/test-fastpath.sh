#!/bin/bash
# The kernel fast path (datapath_type=system) on the article's three
# hosts, checked where it differs from the userspace datapath:
#   1. after the first packets, pings are forwarded by the kernel: h1's
#      cache holds br-int entries that set the tunnel to .13 and redirect
#      into switchd's vxlan device, with packets counted, and the
#      programs report hits;
#   2. the counters of the OpenFlow rules include what the kernel
#      forwarded (table 20's learned flow counts every echo request), and
#      so do dump-ports' port counters; a capture bypasses the cache and
#      sees every packet;
#   3. learned flows stay alive under fast-path traffic (hard_timeout=3,
#      5 s of pings) and expire once it stops;
#   4. no stale forwarding: after mod-flows re-points h2's learned flow to
#      the tunnel to .14, the next echo requests go to .14; after
#      del-flows nothing is forwarded; after vxlan0 is deleted no entry
#      leads to .13;
#   5. trace says whether a packet would hit the cache; dump-dp-flows
#      --json parses;
#   6. VLANs: VMs on h1's and h2's access ports tag=30 ping each other;
#      each kernel pushes the tag on the way to the tunnel and pops it
#      on the way back, and those entries count the pings.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body fastpath "the kernel fast path" "$@"

export SW_DATAPATH=system
topo_init
D=$NET_DIR
topo_hosts 3
for h in 1 2 3; do
    topo_article_host "$h" 3
done
dt=$(topo_ctl 1 swctl get bridge br-int datapath_type)
[ "$dt" = system ] || net_fail "br-int's datapath_type is '$dt', not system"
MAC2=$(topo_mac 2 br-int)
U1=$(topo_underlay_ip 1) U2=$(topo_underlay_ip 2) U3=$(topo_underlay_ip 3)
dpflows() { topo_ctl "$1" swofctl dump-dp-flows "$2"; }
learned2() {
    topo_ctl 1 swofctl dump-flows br-tun table=20 | grep "dl_dst=$MAC2 " || true
}

# 1. Cached forwarding.
topo_ping 1 "$(topo_overlay_ip 2)" 10 || { topo_show_logs; net_fail "h1 cannot ping h2"; }
flows=$(dpflows 1 br-int)
echo "h1 br-int cache:"
echo "$flows"
line=$(echo "$flows" | grep "icmp" | grep "set_tunnel(vni=0,dst=$U2" | head -n 1)
[ -n "$line" ] || net_fail "no cached ICMP entry tunnelling to $U2:
$flows"
echo "$line" | grepq "redirect(swvx4789)" || net_fail "entry does not redirect into swvx4789: $line"
# Every line in ovs-dpctl dump-flows' layout (rendered once, in switchd).
if echo "$flows" | grepq -Ev '^[^ ].*, packets:[0-9]+, bytes:[0-9]+, used:([0-9]+\.[0-9]{3}s|never), actions:.+$'; then
    net_fail "a dump-dp-flows line is not KEY, packets:N, bytes:N, used:S, actions:A:
$flows"
fi
pk=$(echo "$line" | sed -E 's/.*packets:([0-9]+).*/\1/')
[ "$pk" -ge 5 ] || net_fail "the cached entry forwarded $pk packets, expected most of 10"
hits=$(dpflows 1 br-int --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["hits"])' 2>/dev/null ||
       topo_ctl 1 swofctl --json dump-dp-flows br-int | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["hits"])')
[ "$hits" -ge 10 ] || net_fail "the programs report $hits hits"
echo "cache: $pk packets on the entry, $hits hits in all"

# 2. Counters credited back (within one dp_run period).
np_ok() {
    local np
    np=$(learned2 | sed -E 's/.*n_packets=([0-9]+).*/\1/')
    [ -n "$np" ] && [ "$np" -ge 10 ]
}
net_wait_for 3 np_ok || net_fail "table 20's learned flow did not count the cached packets: $(learned2)"
echo "rule counters: $(learned2 | grep -o 'n_packets=[0-9]*')"

# 2b. dump-ports counts what the kernel forwarded (credited with the rule
# counters): h1's vxlan0 sent, and its br-int LOCAL port received, every
# echo request, though switchd saw only the first.
port_stat() { # H BR PORT KEY
    topo_ctl "$1" swofctl --json dump-ports "$2" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    if p["name"] == sys.argv[1]:
        print(p[sys.argv[2]])' "$3" "$4"
}
ports_ok() {
    [ "$(port_stat 1 br-tun vxlan0 tx_packets)" -ge 10 ] &&
        [ "$(port_stat 1 br-int br-int rx_packets)" -ge 10 ]
}
net_wait_for 3 ports_ok || net_fail "dump-ports misses kernel-forwarded packets: vxlan0 tx $(port_stat 1 br-tun vxlan0 tx_packets), br-int rx $(port_stat 1 br-int br-int rx_packets)"
echo "dump-ports: vxlan0 tx $(port_stat 1 br-tun vxlan0 tx_packets), br-int LOCAL rx $(port_stat 1 br-int br-int rx_packets) packets"

# 2c. A capture sees every packet: while it runs the cache is empty and
# nothing is installed, so all of them take the slow path.
topo_ctl 1 swofctl capture br-tun vxlan0 -w "$D/cap.pcap" -c 8 2>"$D/cap.err" &
CAP=$!
cap_listening() { grep -q listening "$D/cap.err"; }
net_wait_for 5 cap_listening || net_fail "the capture did not start: $(cat "$D/cap.err")"
topo_ping 1 "$(topo_overlay_ip 2)" 3 || net_fail "no ping during the capture"
n=$(dpflows 1 br-int | grep -c icmp || true)
[ "$n" -eq 0 ] || net_fail "the cache held $n ICMP entries during a capture"
topo_ping 1 "$(topo_overlay_ip 2)" 1 || net_fail "no ping during the capture"
cap_done() { ! kill -0 "$CAP" 2>/dev/null; }
net_wait_for 5 cap_done || { kill "$CAP"; net_fail "the capture of vxlan0 did not see 8 packets: $(cat "$D/cap.err")"; }
wait "$CAP" || net_fail "capture failed: $(cat "$D/cap.err")"
grep -q '^8 packets captured' "$D/cap.err" || net_fail "capture: $(cat "$D/cap.err")"
topo_ping 1 "$(topo_overlay_ip 2)" 3
dpflows 1 br-int | grepq icmp || net_fail "nothing cached after the capture ended"
echo "capture: saw all 8 packets (4 echo requests, 4 replies) with the cache bypassed"

# 3. hard_timeout=3 learned flows outlive 5 s of cached traffic, because
# every packet's learn is replayed from the cache's counters.
topo_exec 2 ping -q -c 25 -i 0.2 -W 2 "$(topo_overlay_ip 1)" >/dev/null ||
    net_fail "h2 cannot ping h1 for 5 s"
[ -n "$(learned2)" ] || net_fail "h1's learned flow for h2 expired under fast-path traffic"
no_learned2() { [ -z "$(learned2)" ]; }
net_wait_for 8 no_learned2 || net_fail "learned flow did not expire after traffic stopped: $(learned2)"
echo "learned flow lived through 5 s of cached traffic, expired after it"
topo_ping 1 "$(topo_overlay_ip 2)" 3 || net_fail "no traffic after expiry"
topo_ping 1 "$(topo_overlay_ip 2)" 3

# 4a. mod-flows re-points h2's learned flow at the tunnel to .14: the
# cache must follow at once.
topo_ctl 1 swofctl mod-flows br-tun "table=20,dl_dst=$MAC2 actions=load:0->NXM_NX_TUN_ID[],output:6"
topo_ul_tcpdump_start "$D/mod.pcap" udp port 4789
topo_ping 1 "$(topo_overlay_ip 2)" 3 || true
topo_tcpdump_stop
to13=$(topo_count_to "$D/mod.pcap" "$U1" "$U2")
to14=$(topo_count_to "$D/mod.pcap" "$U1" "$U3")
echo "after mod-flows: .12->.13 $to13, .12->.14 $to14"
[ "$to13" -eq 0 ] || net_fail "$to13 packets still went to .13 after mod-flows (stale cache)"
[ "$to14" -ge 3 ] || net_fail "the echo requests did not follow the flow to .14 ($to14)"

# 4b. del-flows: nothing may be forwarded any more.
topo_article_flows 1 false 300
topo_ping 1 "$(topo_overlay_ip 2)" 3 || net_fail "no ping with the flows back"
topo_ctl 1 swofctl del-flows br-tun
topo_ul_tcpdump_start "$D/del.pcap" udp port 4789
if topo_ping 1 "$(topo_overlay_ip 2)" 2; then
    net_fail "ping worked after del-flows br-tun (stale cache)"
fi
topo_tcpdump_stop
n=$(topo_count_to "$D/del.pcap" "$U1" "$U2")
[ "$n" -eq 0 ] || net_fail "$n packets reached .13 after del-flows"
echo "after del-flows: nothing forwarded"

# 4c. Deleting the port removes every entry that led through it.
topo_article_flows 1 false 300
topo_ping 1 "$(topo_overlay_ip 2)" 3 || net_fail "no ping with the flows back"
dpflows 1 br-int | grepq "dst=$U2" || net_fail "no entry to $U2 before the port deletion"
topo_ctl 1 swctl del-port br-tun vxlan0
if dpflows 1 br-int | grepq "dst=$U2"; then
    net_fail "an entry still tunnels to $U2 after del-port vxlan0:
$(dpflows 1 br-int)"
fi
echo "after del-port: no entry through the deleted port"

# 5. trace and JSON.
topo_ctl 1 swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan "options:remote_ip=$U2" ofport_request=5
topo_ping 1 "$(topo_overlay_ip 2)" 3 || net_fail "no ping with the port back"
out=$(topo_ctl 1 swofctl trace br-int "in_port=LOCAL,icmp,dl_src=$(topo_mac 1 br-int),dl_dst=$MAC2,nw_src=$(topo_overlay_ip 1),nw_dst=$(topo_overlay_ip 2),nw_ttl=64,icmp_type=8")
echo "$out" | grepq "Datapath: system, kernel cache" || net_fail "trace does not say what the cache does:
$out"
topo_ctl 1 swofctl --json dump-dp-flows br-int | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["datapath_type"] == "system", r
assert isinstance(r["flows"], list) and r["flows"], r
for f in r["flows"]:
    assert set(f) >= {"key", "actions", "packets", "bytes", "used"}, f
' || net_fail "dump-dp-flows --json is not what it should be"

# 6. VLAN push and pop in the kernel.  h1 and h2 each have a VM on
# br-int's access port v30, tag=30 (10.30.0.1 and .2).  br-int's NORMAL
# pushes the tag towards the patch (a trunk) and strips it towards v30;
# br-tun carries the tagged frame through the tunnel.  (This kernel has
# no 8021q module, so no VLAN device on br-int's TAP.)
for h in 1 2; do
    net_add_host "h${h}v"
    net_veth "h${h}v" eth0 "h$h" v30
    net_exec "h${h}v" ip addr add "10.30.0.$h/24" dev eth0
    topo_ctl "$h" swctl add-port br-int v30 tag=30 -- set interface v30 type=system
done
net_exec h1v ping -q -c 3 -i 0.2 -W 2 10.30.0.2 >/dev/null ||
    { topo_show_logs; net_fail "VM on VLAN 30 cannot ping 10.30.0.2 across the tunnel"; }
# entry_packets H BR PATTERN...: packets of the first ICMP entry on H's
# BR whose line holds every PATTERN (0: no such entry).
entry_packets() {
    local h=$1 br=$2 line p
    shift 2
    line=$(dpflows "$h" "$br" | grep icmp)
    for p in "$@"; do
        line=$(echo "$line" | grep -F -- "$p")
    done
    line=${line%%$'\n'*}
    [ -n "$line" ] || { echo 0; return; }
    echo "$line" | sed -E 's/.*packets:([0-9]+).*/\1/'
}
# vlan_cached: 8 pings, then each of the four VLAN entries (h1 and h2,
# push towards the tunnel and pop from it) must have forwarded at least
# 6 of them.  Tried up to 4 times: in the first seconds after new ports
# a host's cache was seen flushed about once a ping (its bridge versions
# still moving while the MAC tables settle; not explained further).
vlan_cached() {
    net_exec h1v ping -q -c 8 -i 0.2 -W 2 10.30.0.2 >/dev/null || return 1
    push1=$(entry_packets 1 br-int "push_vlan(tpid=0x8100,vid=30,pcp=0)" "set_tunnel(vni=0,dst=$U2" "redirect(swvx4789)")
    pop1=$(entry_packets 1 br-tun "dl_vlan=30" "pop_vlan" "redirect(v30)")
    push2=$(entry_packets 2 br-int "push_vlan(tpid=0x8100,vid=30,pcp=0)" "set_tunnel(vni=0,dst=$U1" "redirect(swvx4789)")
    pop2=$(entry_packets 2 br-tun "dl_vlan=30" "pop_vlan" "redirect(v30)")
    echo "VLAN entries: h1 push $push1, pop $pop1; h2 push $push2, pop $pop2 packets"
    [ "$push1" -ge 6 ] && [ "$pop1" -ge 6 ] && [ "$push2" -ge 6 ] && [ "$pop2" -ge 6 ]
}
ok=false
for try in 1 2 3 4; do
    if vlan_cached; then
        ok=true
        break
    fi
done
for h in 1 2; do
    echo "h$h br-int and br-tun caches:"
    dpflows "$h" br-int
    dpflows "$h" br-tun
done
$ok || net_fail "the kernel did not push and pop VLAN 30 for 8 pings in 4 tries (see above)"
# On the wire the tunnel carries VLAN 30.
topo_ul_tcpdump_start "$D/vlan.pcap" udp port 4789
net_exec h2v ping -q -c 3 -i 0.2 -W 2 10.30.0.1 >/dev/null || net_fail "h2v cannot ping h1v"
topo_tcpdump_stop
nv=$(tcpdump -r "$D/vlan.pcap" -nn -e 2>/dev/null | grep -c "vlan 30" || true)
[ "$nv" -ge 6 ] || net_fail "only $nv tunnelled frames carried VLAN 30"
echo "the tunnel carried $nv frames tagged VLAN 30"
echo "PASS body"
