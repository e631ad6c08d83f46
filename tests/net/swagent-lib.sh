# shellcheck shell=bash
# tests/net/swagent-lib.sh: an etcd cluster and swagent hosts on the
# topology of topology.sh, shared by tests/net/test-swagent.sh and
# examples/etcd-overlay.sh.
#
#   . "$SW_SRC/tests/net/swagent-lib.sh"
#   topo_init; topo_hosts N
#   sa_etcd_cluster 3          # members on the underlay bridge's namespace
#   sa_host H VNI              # switchd, VM port vmH (10.1.0.H), swagent
#
# The etcd members listen on 192.168.33.2, .3 and .4 (addresses of the
# underlay bridge inside the test's own namespace ${NET_P}ul, reachable
# from every host's eth1), client port 2379, peer port 2380, data under
# $NET_DIR.  Every process is started with net_bg, so cleanup stops it by
# PID; every wait is bounded.

# shellcheck source=topology.sh
. "$(dirname "${BASH_SOURCE[0]}")/topology.sh"

SA_ETCD_N=0
declare -a SA_ETCD_PID SA_AGENT_PID SA_SWITCHD_PID
SA_TTL=${SA_TTL:-3}

sa_etcd_ip() { echo "192.168.33.$((1 + $1))"; }
sa_etcd_url() { echo "http://$(sa_etcd_ip "$1"):2379"; }

# sa_etcd_urls H: every member's client URL, rotated by host number so the
# hosts spread over the members.
sa_etcd_urls() {
    local h=$1 i k urls=()
    for i in $(seq 0 $((SA_ETCD_N - 1))); do
        k=$(((h + i) % SA_ETCD_N + 1))
        urls+=("$(sa_etcd_url "$k")")
    done
    local IFS=,
    echo "${urls[*]}"
}

sa_etcd_cluster_spec() {
    local i spec=()
    for i in $(seq 1 "$SA_ETCD_N"); do
        spec+=("e$i=http://$(sa_etcd_ip "$i"):2380")
    done
    local IFS=,
    echo "${spec[*]}"
}

# sa_etcd_start I STATE: member I (new or existing cluster).
sa_etcd_start() {
    local i=$1 state=$2 ip
    ip=$(sa_etcd_ip "$i")
    net_bg ul etcd --name "e$i" --data-dir "$NET_DIR/etcd$i" \
        --listen-client-urls "http://$ip:2379" \
        --advertise-client-urls "http://$ip:2379" \
        --listen-peer-urls "http://$ip:2380" \
        --initial-advertise-peer-urls "http://$ip:2380" \
        --initial-cluster "$(sa_etcd_cluster_spec)" \
        --initial-cluster-state "$state" \
        --initial-cluster-token "$NET_P" \
        --heartbeat-interval 100 --election-timeout 1000 \
        >>"$NET_DIR/etcd$i.log" 2>&1
    SA_ETCD_PID[i]=$NET_BG_PID
}

sa_etcdctl() {
    net_exec ul etcdctl --dial-timeout=2s --command-timeout=3s \
        --endpoints="$(sa_etcd_urls 0)" "$@"
}

sa_etcd_healthy() {
    sa_etcdctl endpoint health >/dev/null 2>&1
}

# sa_etcd_cluster N: N members, up and healthy.
sa_etcd_cluster() {
    local i
    command -v etcd >/dev/null || net_skip "etcd not installed (etcd-server)"
    command -v etcdctl >/dev/null || net_skip "etcdctl not installed"
    SA_ETCD_N=$1
    for i in $(seq 1 "$SA_ETCD_N"); do
        ip -n "$(net_ns ul)" addr add "$(sa_etcd_ip "$i")/24" dev br0
    done
    for i in $(seq 1 "$SA_ETCD_N"); do
        sa_etcd_start "$i" new
    done
    net_wait_for 30 sa_etcd_healthy ||
        net_fail "etcd did not become healthy: $(tail -n 5 "$NET_DIR/etcd1.log")"
}

sa_etcd_kill() {
    kill -9 "${SA_ETCD_PID[$1]}"
    wait "${SA_ETCD_PID[$1]}" 2>/dev/null || true
}

sa_vm_ip() { echo "10.1.0.$1"; }

# sa_vm H NAME VNI IP [MAC]: an internal port NAME on host H's br-int, an
# endpoint of VNI with IP, addressed and up in H's namespace.  With MAC
# (a VM that moved here keeps its MAC) the device takes that address and
# external_ids:attached-mac says so, as a hypervisor would.
sa_vm() {
    local h=$1 name=$2 vni=$3 ip=$4 mac=${5:-}
    topo_ctl "$h" swctl --may-exist add-br br-int -- \
        add-port br-int "$name" -- set interface "$name" type=internal \
        "external_ids:vni=$vni" "external_ids:ip=$ip" \
        ${mac:+"external_ids:attached-mac=$mac"}
    net_wait_for 5 topo_exec "$h" ip link show "$name" ||
        net_fail "host $h: no device $name"
    if [ -n "$mac" ]; then
        topo_exec "$h" ip link set dev "$name" address "$mac"
    fi
    topo_exec "$h" ip addr add "$ip/16" dev "$name"
    topo_exec "$h" ip link set "$name" up
}

# sa_vm_ns H VM PORT VNI IP [MAC]: a VM in a namespace of its own (VM),
# its eth0 a veth whose other end PORT is a system port on host H's
# br-int, an endpoint of VNI with IP; external_ids:attached-mac carries
# eth0's MAC (given, or the one it got).
sa_vm_ns() {
    local h=$1 vm=$2 port=$3 vni=$4 ip=$5 mac=${6:-}
    net_add_host "$vm"
    net_veth "$vm" eth0 "h$h" "$port"
    if [ -n "$mac" ]; then
        net_exec "$vm" ip link set dev eth0 address "$mac"
    fi
    mac=$(net_exec "$vm" cat /sys/class/net/eth0/address)
    net_exec "$vm" ip addr add "$ip/16" dev eth0
    topo_ctl "$h" swctl add-port br-int "$port" -- set interface "$port" \
        "external_ids:vni=$vni" "external_ids:ip=$ip" \
        "external_ids:attached-mac=$mac"
}

# sa_agent H: swagent for host H (TTL $SA_TTL), logging to its rundir.
sa_agent() {
    local h=$1 dir
    dir=$(topo_rundir "$h")
    net_bg "h$h" "$SW_BIN/swagent" --etcd "$(sa_etcd_urls "$h")" \
        --vtep "$(topo_underlay_ip "$h")" --host "h$h" --ttl "$SA_TTL" \
        --rundir "$dir" --log-file "$dir/swagent.log" \
        ${SA_AGENT_ARGS:-}
    SA_AGENT_PID[h]=$NET_BG_PID
}

# sa_host H VNI: switchd, the VM port vmH (10.1.0.H in VNI), swagent.
sa_host() {
    local h=$1 vni=$2
    topo_start_switchd "$h"
    SA_SWITCHD_PID[h]=$NET_BG_PID
    sa_vm "$h" "vm$h" "$vni" "$(sa_vm_ip "$h")"
    sa_agent "$h"
}

sa_status() {
    "$SW_BIN/swagent" status --json --rundir "$(topo_rundir "$1")"
}

# sa_agent_sees H N: host H's agent is in line with etcd and holds N
# endpoints.
sa_agent_sees() {
    local s
    s=$(sa_status "$1") || return 1
    echo "$s" | python3 -c '
import json, sys
s = json.load(sys.stdin)
ok = s["etcd"]["healthy"] and len(s["endpoints"]) == int(sys.argv[1]) \
     and s["flows"]["installed"] > 0 and s["switchd"]["connected"]
sys.exit(0 if ok else 1)' "$2"
}

# sa_last_apply H...: the latest moment (Unix ms) any of the hosts' agents
# changed its flows.
sa_last_apply() {
    local h
    for h in "$@"; do
        sa_status "$h" | python3 -c '
import json, sys
print(json.load(sys.stdin)["flows"]["last_apply_unix_ms"])'
    done | sort -n | tail -n 1
}

# sa_flows H: host H's br-tun flows, without counters.
sa_flows() {
    topo_ctl "$1" swofctl dump-flows --no-stats br-tun
}

sa_show_logs() {
    local h
    for h in "$@"; do
        echo "---- host $h swagent.log ----" >&2
        tail -n 20 "$(topo_rundir "$h")/swagent.log" >&2 || true
    done
}
