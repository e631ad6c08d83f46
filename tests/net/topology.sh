# shellcheck shell=bash
# tests/net/topology.sh: the article's world as shell functions, shared by
# examples/*.sh, tests/net/test-*.sh and scripts/net-perf.sh.
#
#   SW_BIN=<build>/bin; . "$SW_SRC/tests/net/topology.sh"
#   topo_init                 # net_init: root check, prefix, cleanup traps
#   topo_hosts 3              # hosts h1..h3 on the 192.168.33.0/24 underlay
#   topo_start_switchd 1      # switchd in h1's namespace, PID remembered
#   topo_article_bridges 1    # br-int, br-tun, patch pair, vxlan ports 5, 6
#   topo_article_flows 1      # the article's nine flows on br-tun
#
# Host h (1..N) is namespace ${NET_P}h$h with underlay address
# 192.168.33.(11+h) on eth1 and overlay address 10.1.1.(1+h).  Everything
# below is built from tests/net/lib.sh, so the namespaces, links, daemons
# and captures made here are removed by its EXIT/INT/TERM/ERR cleanup,
# daemons are killed by PID, and every wait is bounded.

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOPO_NHOSTS=0

topo_init() {
    : "${SW_BIN:?SW_BIN must point at the directory holding switchd}"
    net_init
}

topo_ns() { net_ns "h$1"; }
topo_underlay_ip() { echo "192.168.33.$((11 + $1))"; }
topo_overlay_ip() { echo "10.1.1.$((1 + $1))"; }
topo_exec() {
    local h=$1
    shift
    net_exec "h$h" "$@"
}

# topo_hosts N: hosts h1..hN joined by the underlay bridge (namespace
# ${NET_P}ul, ports p1..pN), the article's 192.168.33.12, .13, .14, ...
topo_hosts() {
    local n=${1:-3} h hosts=()
    for h in $(seq 1 "$n"); do
        net_add_host "h$h"
        hosts+=("h$h")
    done
    net_underlay 192.168.33 "${hosts[@]}"
    TOPO_NHOSTS=$n
}

topo_rundir() { echo "$NET_DIR/h$1"; }

# topo_ctl H TOOL ARGS...: swctl or swofctl against host H's daemon.  The
# socket is a file, so the tools need not enter the namespace.
topo_ctl() {
    local h=$1 tool=$2
    shift 2
    "$SW_BIN/$tool" --rundir "$(topo_rundir "$h")" "$@"
}

topo_switchd_ready() {
    [ -S "$(topo_rundir "$1")/switchd.sock" ] &&
        topo_ctl "$1" swctl list-br >/dev/null 2>&1
}

# topo_start_switchd H: switchd in the foreground of a background job, so
# the PID net_bg remembers is the daemon's own (ip netns exec execs it).
topo_start_switchd() {
    local h=$1 dir
    dir=$(topo_rundir "$h")
    mkdir -p "$dir"
    net_bg "h$h" "$SW_BIN/switchd" --rundir "$dir" --db "$dir/conf.json" \
        --log-file "$dir/switchd.log" ${TOPO_LOG_LEVEL:+--log-level "$TOPO_LOG_LEVEL"}
    if ! net_wait_for 10 topo_switchd_ready "$h"; then
        tail -n 20 "$dir/switchd.log" >&2 2>/dev/null || true
        net_fail "switchd on host $h did not start"
    fi
}

# topo_show_logs: the tail of every daemon's log (for failure reports).
topo_show_logs() {
    local h
    for h in $(seq 1 "$TOPO_NHOSTS"); do
        [ -f "$(topo_rundir "$h")/switchd.log" ] || continue
        echo "---- host $h switchd.log ----" >&2
        tail -n 15 "$(topo_rundir "$h")/switchd.log" >&2
    done
}

# topo_run_shown H SHOW TOOL ARGS...: with SHOW=echo, prints the command
# first (the example shows host 1's commands as the article does).
topo_run_shown() {
    local h=$1 show=$2
    shift 2
    if [ "$show" = echo ]; then
        echo "# $*"
    fi
    topo_ctl "$h" "$@"
}

# topo_add_br H SHOW BR: swctl add-br on host H, with the datapath the
# run asks for: SW_DATAPATH=system or netdev sets datapath_type so, unset
# keeps the default (system where the kernel fast path loads).  ctest
# runs each network test once per datapath (the default, and -netdev).
topo_add_br() {
    local h=$1 show=$2 br=$3
    case "${SW_DATAPATH:-}" in
    system | netdev)
        topo_run_shown "$h" "$show" swctl add-br "$br" -- set bridge "$br" "datapath_type=$SW_DATAPATH"
        ;;
    *)
        topo_run_shown "$h" "$show" swctl add-br "$br"
        ;;
    esac
}

# topo_peers H: the underlay addresses of every other host, in order.
topo_peers() {
    local p
    for p in $(seq 1 "$TOPO_NHOSTS"); do
        [ "$p" -ne "$1" ] && topo_underlay_ip "$p"
    done
    return 0
}

# topo_tunnel_port H P: the br-tun port on host H whose tunnel leads to
# host P.  The bridges give vxlan0 (port 5) to the first peer in
# topo_peers order, vxlan1 (port 6) to the second.
topo_tunnel_port() {
    local h=$1 p=$2 port=5 q
    for q in $(seq 1 "$TOPO_NHOSTS"); do
        [ "$q" -eq "$h" ] && continue
        [ "$q" -eq "$p" ] && { echo "$port"; return 0; }
        port=$((port + 1))
    done
    return 1
}

# topo_article_bridges H [SHOW]: the article's bridge commands on host H.
# The article's flows name patch-tun 1 and the vxlan ports 5 and 6, which
# ofport_request pins.  The overlay address goes on br-int's internal port.
topo_article_bridges() {
    local h=$1 show=${2:-true} peers
    mapfile -t peers < <(topo_peers "$h")
    topo_add_br "$h" "$show" br-int
    topo_add_br "$h" "$show" br-tun
    topo_run_shown "$h" "$show" swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
    topo_run_shown "$h" "$show" swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int ofport_request=1
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan "options:remote_ip=${peers[0]}" ofport_request=5
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan1 -- set interface vxlan1 type=vxlan "options:remote_ip=${peers[1]}" ofport_request=6
    topo_exec "$h" ip addr add "$(topo_overlay_ip "$h")/24" dev br-int
    topo_exec "$h" ip link set br-int up
}

# topo_article_flow_text [HARD_TIMEOUT]: the article's nine flows, one per
# line (tests/common/article-flows.sh, shared with the daemon tests).
# shellcheck source=../common/article-flows.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/article-flows.sh"
topo_article_flow_text() { article_flow_text "$@"; }

# topo_article_flows H [SHOW] [HARD_TIMEOUT]: installs them on host H's
# br-tun, one add-flow per flow as the article does.
topo_article_flows() {
    local h=$1 show=${2:-true} ht=${3:-300} f
    topo_run_shown "$h" "$show" swofctl del-flows br-tun
    while IFS= read -r f; do
        topo_run_shown "$h" "$show" swofctl add-flow br-tun "$f"
    done < <(topo_article_flow_text "$ht")
}

# topo_bridge_hosts N: N hosts, each with switchd and the article's
# bridges but no flows yet (for setups that install their own).
topo_bridge_hosts() {
    local h
    topo_hosts "$1"
    for h in $(seq 1 "$1"); do
        topo_start_switchd "$h"
        topo_article_bridges "$h"
    done
}

# topo_article_host H [HARD_TIMEOUT]: a complete switchd host.
topo_article_host() {
    topo_start_switchd "$1"
    topo_article_bridges "$1"
    topo_article_flows "$1" true "${2:-300}"
}

# topo_kernel_host H: host H as in the article's first part, but unicast:
# a Linux bridge br0 with the overlay address and a kernel vxlan device
# (VNI 0, port 4789) flooding one copy to each peer ("bridge fdb append
# 00:00:00:00:00:00 ... dst PEER"), learning remote MACs from traffic.
topo_kernel_host() {
    local h=$1 peers p
    mapfile -t peers < <(topo_peers "$h")
    topo_exec "$h" ip link add br0 type bridge
    topo_exec "$h" ip link add vxlan0 type vxlan id 0 dstport 4789 \
        local "$(topo_underlay_ip "$h")" dev eth1
    topo_exec "$h" ip link set vxlan0 master br0
    for p in "${peers[@]}"; do
        topo_exec "$h" bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst "$p"
    done
    topo_exec "$h" ip link set vxlan0 up
    topo_exec "$h" ip addr add "$(topo_overlay_ip "$h")/24" dev br0
    topo_exec "$h" ip link set br0 up
}

# topo_mac H DEV: DEV's MAC address in host H.
topo_mac() {
    topo_exec "$1" cat "/sys/class/net/$2/address"
}

# topo_ping H ADDR [COUNT]: bounded ping from host H, quiet.
topo_ping() {
    topo_exec "$1" ping -q -c "${3:-1}" -i 0.2 -W 2 "$2" >/dev/null
}

# topo_tcpdump_start H FILE [FILTER...]: pcap of host H's underlay eth1
# (immediate mode, -Z root), returns once tcpdump listens.
topo_tcpdump_start() {
    local h=$1 file=$2
    shift 2
    net_tcpdump_start "h$h" eth1 "$file" "$@"
}

topo_tcpdump_stop() { net_tcpdump_stop; }

# topo_ul_tcpdump_start FILE [FILTER...]: pcap of the whole underlay (the
# bridge in ${NET_P}ul sees every host's packets).
topo_ul_tcpdump_start() {
    local file=$1
    shift
    net_tcpdump_start ul br0 "$file" "$@"
}

# topo_ul_unicast_only PCAP MIN: the VXLAN packets in PCAP (an underlay
# capture) carried at least MIN ICMP echo requests and not one ARP packet
# or broadcast frame (tcpdump -e prints each inner Ethernet header): what
# the pushed and on-demand setups promise.  Fails the test otherwise.
topo_ul_unicast_only() {
    local pcap=$1 min=$2 n_req n_arp n_bcast
    tcpdump -r "$pcap" -nn -e 2>/dev/null >"$pcap.txt"
    n_req=$(net_count "ICMP echo request" "$pcap.txt")
    n_arp=$(net_count "ARP" "$pcap.txt")
    n_bcast=$(net_count "> ff:ff:ff:ff:ff:ff" "$pcap.txt")
    echo "underlay: $n_req echo requests, $n_arp ARP, $n_bcast broadcasts"
    [ "$n_req" -ge "$min" ] ||
        net_fail "expected at least $min echo requests: $(cat "$pcap.txt")"
    [ "$n_arp" -eq 0 ] && [ "$n_bcast" -eq 0 ] ||
        net_fail "ARP or broadcasts crossed the underlay: $(cat "$pcap.txt")"
}

# topo_count_to FILE SRC DST: VXLAN packets in pcap FILE from underlay
# address SRC to DST.
topo_count_to() {
    tcpdump -r "$1" -nn "src host $2 and dst host $3 and udp dst port 4789" \
        2>/dev/null | grep -c "VXLAN" || true
}

# ---- Flows pushed by a controller instead of flood and learn ----
#
# The article's last part: at scale, flooding to learn is replaced by
# state pushed from a central place that knows every VM (Neutron's
# l2population, flannel, Docker's overlay).  Here the test or example is
# that controller.  Every host's br-tun gets, for each remote VM:
#   - table 20: priority=2,dl_dst=MAC -> output to the tunnel of the VM's
#     host (a static FDB entry, no learn);
#   - table 21: an ARP responder.  A broadcast "who-has IP" for a remote
#     VM is answered on the spot: the request becomes the reply (Ethernet
#     and ARP addresses swapped, the VM's MAC filled in) and goes back out
#     the port it came from, so the broadcast never reaches the underlay.
# Tunnel arrivals go straight to the patch port (table 2 learns nothing).
# Anything the controller does not know still floods (table 21,
# priority 0), as in the article.

# topo_pushed_base_flows: what the pushed and on-demand setups keep of the
# article's flows (tables 0 and 1, and table 21's flood for what nobody
# answers), with table 2 sending tunnel arrivals up without learning.
topo_pushed_base_flows() {
    article_flow_text | grep -E '^table=(0|1|21),'
    echo "table=2,priority=0,actions=output:1"
}

# topo_l2pop_flow_text H: host H's br-tun flows, from every peer's br-int
# MAC (read from the host, as a controller would know it).
topo_l2pop_flow_text() {
    local h=$1 p mac ip hexmac hexip
    topo_pushed_base_flows
    echo "table=20,priority=0,actions=resubmit(,21)"
    for p in $(seq 1 "$TOPO_NHOSTS"); do
        [ "$p" -eq "$h" ] && continue
        mac=$(topo_mac "$p" br-int)
        ip=$(topo_overlay_ip "$p")
        hexmac=0x${mac//:/}
        hexip=$(printf '0x%02x%02x%02x%02x' ${ip//./ })
        echo "table=20,priority=2,dl_dst=$mac,actions=output:$(topo_tunnel_port "$h" "$p")"
        echo "table=21,priority=1,arp,arp_op=1,arp_tpa=$ip,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:$mac,load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:$hexmac->NXM_NX_ARP_SHA[],load:$hexip->NXM_OF_ARP_SPA[],in_port"
    done
}

# topo_l2pop_flows H [SHOW]: replaces host H's br-tun flows with those,
# in one replace-flows call (all of them or none).
topo_l2pop_flows() {
    local h=$1 show=${2:-true} file
    file=$(topo_rundir "$h")/l2pop.flows
    topo_l2pop_flow_text "$h" >"$file"
    topo_run_shown "$h" "$show" swofctl replace-flows br-tun "$file"
}

# ---- The same, filled on demand by an agent (examples/fdb-agent.py) ----
#
# br-tun starts with no FDB entry and no ARP answer; what it cannot answer
# goes to the controller instead of flooding: ARP requests (table 21,
# priority 1) and unicast to unknown MACs (table 20, priority 0).  The agent
# on each host watches those packet-ins (swofctl monitor) and answers them
# from an inventory of every VM, adding the responder and FDB flows as the
# misses come, like flannel's first agents answering the kernel's L2MISS
# and L3MISS.  Other broadcasts still flood.

topo_agent_flow_text() {
    topo_pushed_base_flows
    echo "table=20,priority=0,actions=controller(reason=no_match)"
    echo "table=21,priority=1,arp,arp_op=1,actions=controller"
}

# topo_agent_inventory H: "IP MAC TUNNEL_PORT" for every VM host H can
# reach (what the central store would hand host H's agent).
topo_agent_inventory() {
    local h=$1 p
    for p in $(seq 1 "$TOPO_NHOSTS"); do
        [ "$p" -eq "$h" ] && continue
        echo "$(topo_overlay_ip "$p") $(topo_mac "$p" br-int) $(topo_tunnel_port "$h" "$p")"
    done
}

# topo_agent_host H [SHOW]: host H's br-tun flows for the agent, then the
# agent itself in the background (its PID is cleaned up like a daemon's),
# logging to $(topo_rundir H)/agent.log.  The bridges must exist on every
# host first: the inventory holds their MACs.
topo_agent_host() {
    local h=$1 show=${2:-true} dir
    dir=$(topo_rundir "$h")
    topo_agent_flow_text >"$dir/agent.flows"
    topo_agent_inventory "$h" >"$dir/inventory"
    topo_run_shown "$h" "$show" swofctl replace-flows br-tun "$dir/agent.flows"
    net_bg "h$h" python3 "$(dirname "${BASH_SOURCE[0]}")/../../examples/fdb-agent.py" \
        --swofctl "$SW_BIN/swofctl" --rundir "$dir" \
        --inventory "$dir/inventory" --log "$dir/agent.log"
    net_wait_for 10 grep -q "^watching br-tun" "$dir/agent.log" ||
        net_fail "the agent on host $h did not start: $(cat "$dir/agent.log" 2>/dev/null)"
}

# ---- Two tenants on the same hosts, one VNI each (key=flow) ----
#
# On host H, tenant T (a or b) is a namespace ${NET_P}hHT standing for a
# VM: its eth0 is a veth whose other end, vmT, is a system port on the
# tenant's own bridge br-T.  br-a and br-b each reach br-tun through a
# patch pair (patch-a <-> patch-ta = br-tun port 1, patch-b <-> patch-tb =
# port 2).  The vxlan ports (5 and 6, one per peer) have key=flow: the VNI
# comes from tun_id, which br-tun sets from the tenant's patch port, and
# any VNI is accepted on receive, where table 2 sends each VNI to its own
# tenant only.  The learn action matches tun_id as well as the MAC, so
# every learned flow carries the VNI and the same MAC in two tenants
# cannot collide.
TOPO_VNI_a=100
TOPO_VNI_b=200

topo_tenant_ip() {
    case $2 in
    a) echo "10.1.1.$((1 + $1))" ;;
    b) echo "10.1.1.$((101 + $1))" ;;
    esac
}

# topo_tenant_vm H T: tenant T's VM on host H, addressed, link up.
topo_tenant_vm() {
    local h=$1 t=$2
    net_add_host "h$h$t"
    net_veth "h$h$t" eth0 "h$h" "vm$t"
    net_exec "h$h$t" ip addr add "$(topo_tenant_ip "$h" "$t")/24" dev eth0
}

topo_mvni_bridges() {
    local h=$1 show=${2:-true} peers t n=1
    mapfile -t peers < <(topo_peers "$h")
    topo_add_br "$h" "$show" br-tun
    # A mesh's tunnel bridge is secure: it never floods on its own, not
    # even between add-br and the flows (swctl(8), Bridge fail_mode).
    topo_run_shown "$h" "$show" swctl set-fail-mode br-tun secure
    for t in a b; do
        topo_add_br "$h" "$show" "br-$t"
        topo_run_shown "$h" "$show" swctl add-port "br-$t" "vm$t" -- set interface "vm$t" type=system
        topo_run_shown "$h" "$show" swctl add-port "br-$t" "patch-$t" -- set interface "patch-$t" type=patch "options:peer=patch-t$t"
        topo_run_shown "$h" "$show" swctl add-port br-tun "patch-t$t" -- set interface "patch-t$t" type=patch "options:peer=patch-$t" "ofport_request=$n"
        n=$((n + 1))
    done
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan "options:remote_ip=${peers[0]}" options:key=flow ofport_request=5
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan1 -- set interface vxlan1 type=vxlan "options:remote_ip=${peers[1]}" options:key=flow ofport_request=6
}

topo_mvni_flow_text() {
    local learn="learn(table=20,hard_timeout=300,priority=1,NXM_NX_TUN_ID[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[])"
    cat <<FLOWS
table=0,priority=1,in_port=1 actions=set_tunnel:$TOPO_VNI_a,resubmit(,1)
table=0,priority=1,in_port=2 actions=set_tunnel:$TOPO_VNI_b,resubmit(,1)
table=0,priority=1,in_port=5 actions=resubmit(,2)
table=0,priority=1,in_port=6 actions=resubmit(,2)
table=0,priority=0,actions=drop
table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)
table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)
table=2,priority=1,tun_id=$TOPO_VNI_a,actions=$learn,output:1
table=2,priority=1,tun_id=$TOPO_VNI_b,actions=$learn,output:2
table=2,priority=0,actions=drop
table=20,priority=0,actions=resubmit(,21)
table=21,priority=0,actions=output:5,output:6
FLOWS
}

topo_mvni_flows() {
    local h=$1 show=${2:-true} f
    topo_run_shown "$h" "$show" swofctl del-flows br-tun
    while IFS= read -r f; do
        topo_run_shown "$h" "$show" swofctl add-flow br-tun "$f"
    done < <(topo_mvni_flow_text)
}

# topo_mvni_host H: switchd, both tenants' VMs, bridges and flows on H.
topo_mvni_host() {
    local h=$1
    topo_start_switchd "$h"
    topo_tenant_vm "$h" a
    topo_tenant_vm "$h" b
    topo_mvni_bridges "$h"
    topo_mvni_flows "$h"
}

# topo_tenant_ping H T ADDR [COUNT]: bounded ping from tenant T's VM on H.
topo_tenant_ping() {
    net_exec "h$1$2" ping -q -c "${4:-1}" -i 0.2 -W 2 "$3" >/dev/null
}

# ---- Flood and learn over a multicast group (the article's first part) ----
#
# The kernel's way: every host's vxlan device joins group 239.1.1.1 on
# eth1 (VNI 42); broadcasts and unknown unicast go to the group, each host
# learns "this MAC is behind that VTEP" from the outer source address, and
# unicast then goes straight to that VTEP.  A switchd host takes part with
# one multicast vxlan port in br-tun (port 2) and the article's flows with
# one more load in the learn, which records the sender's VTEP in tun_dst.
TOPO_MCAST_GROUP=239.1.1.1
TOPO_MCAST_VNI=42

# topo_mcast_kernel_host H: host H as in the article's first part: a Linux
# bridge br0 holding the overlay address, with a group-mode vxlan device.
topo_mcast_kernel_host() {
    local h=$1 show=${2:-true}
    local cmds=(
        "ip link add br0 type bridge"
        "ip link add vxlan0 type vxlan id $TOPO_MCAST_VNI group $TOPO_MCAST_GROUP dev eth1 dstport 4789"
        "ip link set vxlan0 master br0"
        "ip link set vxlan0 up"
        "ip addr add $(topo_overlay_ip "$h")/24 dev br0"
        "ip link set br0 up"
    )
    local c
    for c in "${cmds[@]}"; do
        [ "$show" = echo ] && echo "# $c"
        # shellcheck disable=SC2086
        topo_exec "$h" $c
    done
}

# topo_mcast_flow_text [HARD_TIMEOUT]: br-tun's flows for this mode (port 1
# patch-tun, port 2 the multicast port).
topo_mcast_flow_text() {
    local ht=${1:-300}
    cat <<FLOWS
table=0,priority=1,in_port=1 actions=resubmit(,1)
table=0,priority=1,in_port=2 actions=resubmit(,2)
table=0,priority=0,actions=drop
table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)
table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)
table=2,priority=0,actions=learn(table=20,hard_timeout=$ht,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[],output:NXM_OF_IN_PORT[]),output:1
table=20,priority=0,actions=resubmit(,21)
table=21,priority=0,actions=output:2
FLOWS
}

# topo_mcast_switchd_host H [HARD_TIMEOUT] [SHOW]: switchd on host H with
# br-int (the overlay address), br-tun, the patch pair, the multicast port
# and the flows.
topo_mcast_switchd_host() {
    local h=$1 ht=${2:-300} show=${3:-true} f
    topo_start_switchd "$h"
    # With SW_DATAPATH=system both bridges are on the kernel fast path,
    # the multicast port's floods staying in the slow path.
    topo_add_br "$h" "$show" br-int
    topo_add_br "$h" "$show" br-tun
    topo_run_shown "$h" "$show" swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
    topo_run_shown "$h" "$show" swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int ofport_request=1
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan \
        "options:remote_ip=$TOPO_MCAST_GROUP" "options:key=$TOPO_MCAST_VNI" \
        "options:local_ip=$(topo_underlay_ip "$h")" ofport_request=2
    topo_exec "$h" ip addr add "$(topo_overlay_ip "$h")/24" dev br-int
    topo_exec "$h" ip link set br-int up
    topo_run_shown "$h" "$show" swofctl del-flows br-tun
    while IFS= read -r f; do
        topo_run_shown "$h" "$show" swofctl add-flow br-tun "$f"
    done < <(topo_mcast_flow_text "$ht")
}

# topo_hex_ip ADDR: 192.168.33.13 -> 0xc0a8210d, as ovs-ofctl prints a
# loaded address.
topo_hex_ip() {
    printf '0x%02x%02x%02x%02x' ${1//./ }
}

# topo_mcast_learned H MAC P: true if switchd host H's table 20 sends MAC
# to host P's VTEP, in the form ovs-ofctl prints it.
# (Output is read whole first: grep -q stopping early would fail the
# pipe under pipefail.)
topo_mcast_learned() {
    local t20
    t20=$(topo_ctl "$1" swofctl dump-flows br-tun table=20)
    grep -Eq "priority=1,dl_dst=$2 actions=load:0x2a->NXM_NX_TUN_ID\[\],load:$(topo_hex_ip "$(topo_underlay_ip "$3")")->NXM_NX_TUN_IPV4_DST\[\],output:2$" <<<"$t20"
}

# topo_mcast_kernel_knows H MAC P: true if kernel host H's vxlan0 fdb has
# MAC behind host P's VTEP.
topo_mcast_kernel_knows() {
    local fdb
    fdb=$(topo_exec "$1" bridge fdb show dev vxlan0)
    grep -q "^$2 dst $(topo_underlay_ip "$3") " <<<"$fdb"
}

# topo_mcast_pcap_lines PCAP: one line per VXLAN packet of an underlay
# capture, "TTL SRC > DST INNER" (tcpdump -v prints the outer IP header,
# the UDP line and the inner frame on separate lines).
topo_mcast_pcap_lines() {
    tcpdump -r "$1" -nn -v 2>/dev/null | awk '
        /^[0-9].* IP \(.*ttl / { if (pkt != "") print pkt
                                 match($0, /ttl [0-9]+/)
                                 pkt = substr($0, RSTART + 4, RLENGTH - 4)
                                 next }
        { sub(/^ +/, ""); pkt = pkt " " $0 }
        END { if (pkt != "") print pkt }'
}

# topo_mcast_check_flood PCAP H: host H's first ARP request in PCAP went
# to the group with TTL 1, and every ICMP echo request it sent went
# unicast to a VTEP with TTL 64.  Fails the test otherwise.
topo_mcast_check_flood() {
    local pcap=$1 u first bad n
    u=$(topo_underlay_ip "$2")
    topo_mcast_pcap_lines "$pcap" >"$pcap.lines"
    first=$(grep -m1 "^[0-9]* $u\.[0-9]* > .* ARP, .*Request who-has" "$pcap.lines" || true)
    grep -Eq "^1 $u\.[0-9]+ > $TOPO_MCAST_GROUP\.4789: VXLAN.* vni $TOPO_MCAST_VNI ARP, " <<<"$first" ||
        net_fail "host $2's first ARP request did not go to $TOPO_MCAST_GROUP with TTL 1: $first
$(cat "$pcap.lines")"
    n=$(grep -c "^64 $u\.[0-9]* > 192\.168\.33\.[0-9]*\.4789: .*ICMP echo request" "$pcap.lines" || true)
    bad=$(grep "^[0-9]* $u\.[0-9]* > .*ICMP echo request" "$pcap.lines" |
        grep -v "^64 $u\.[0-9]* > 192\.168\.33\.[0-9]*\.4789: " || true)
    [ "$n" -ge 2 ] && [ -z "$bad" ] ||
        net_fail "host $2's echo requests: $n unicast with TTL 64, and these others:
$bad"
    echo "host $2: first ARP request to $TOPO_MCAST_GROUP (TTL 1), $n echo requests unicast (TTL 64)"
}
