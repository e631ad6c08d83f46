# The article's world, as shell functions shared by examples/article-ovs.sh
# and the network tests.  Source it, call topo_init PREFIX, and
# 'trap topo_cleanup EXIT'.
#
# Host h (1..3) is network namespace ${TOPO_P}h$h with underlay address
# 192.168.33.(11+h) on eth1 and overlay address 10.1.1.(1+h) on br-int.
# The underlay is a Linux bridge in namespace ${TOPO_P}ul.  Every name
# carries the prefix, so parallel runs never collide, and topo_cleanup
# removes exactly what topo_* made: our namespaces, our daemons (by PID).

TOPO_P=""
TOPO_DIR=""
TOPO_NS=()
TOPO_PIDS=()
TOPO_TCPDUMP_PID=""
TOPO_TCPDUMP_OUT=""

topo_init() {
    TOPO_P=$1
    TOPO_DIR=$(mktemp -d "/tmp/${TOPO_P}.XXXXXX")
    : "${BIN:?BIN must point at the directory holding switchd}"
}

topo_ns() { echo "${TOPO_P}h$1"; }
topo_underlay_ip() { echo "192.168.33.$((11 + $1))"; }
topo_overlay_ip() { echo "10.1.1.$((1 + $1))"; }

topo_add_ns() {
    ip netns add "$1"
    TOPO_NS+=("$1")
    ip -n "$1" link set lo up
}

topo_exec() {
    local h=$1
    shift
    ip netns exec "$(topo_ns "$h")" "$@"
}

# Underlay switch plus hosts 1..N (default 3) attached to it.
topo_article_hosts() {
    local n=${1:-3} ul="${TOPO_P}ul" h ns
    topo_add_ns "$ul"
    ip -n "$ul" link add br0 type bridge
    ip -n "$ul" link set br0 up
    for h in $(seq 1 "$n"); do
        ns=$(topo_ns "$h")
        topo_add_ns "$ns"
        ip link add "${TOPO_P}$h" netns "$ns" type veth \
            peer name "p$h" netns "$ul"
        ip -n "$ns" link set "${TOPO_P}$h" name eth1
        ip -n "$ns" addr add "$(topo_underlay_ip "$h")/24" dev eth1
        ip -n "$ns" link set eth1 up
        ip -n "$ul" link set "p$h" master br0 up
    done
}

topo_rundir() { echo "$TOPO_DIR/h$1"; }

# topo_ctl H TOOL ARGS...: runs swctl or swofctl against host H's daemon.
topo_ctl() {
    local h=$1 tool=$2
    shift 2
    SW_RUNDIR=$(topo_rundir "$h") "$BIN/$tool" "$@"
}

topo_start_switchd() {
    local h=$1 dir i
    dir=$(topo_rundir "$h")
    mkdir -p "$dir"
    topo_exec "$h" "$BIN/switchd" --rundir "$dir" --db "$dir/conf.json" \
        --log-file "$dir/switchd.log" --detach
    for i in $(seq 1 50); do
        [ -S "$dir/switchd.sock" ] && [ -s "$dir/switchd.pid" ] && break
        sleep 0.1
    done
    [ -s "$dir/switchd.pid" ] || { echo "switchd on host $h did not start" >&2; return 1; }
    TOPO_PIDS+=("$(cat "$dir/switchd.pid")")
}

# The article's bridge commands on host H; with ECHO=echo each is shown.
# Port numbers 1, 5 and 6 (which the article's flows use) come from
# ofport_request.
topo_article_bridges() {
    local h=$1 show=${2:-true} peers=() p
    for p in 1 2 3; do
        [ "$p" -ne "$h" ] && peers+=("$(topo_underlay_ip "$p")")
    done
    topo_run_shown "$h" "$show" swctl add-br br-int
    topo_run_shown "$h" "$show" swctl add-br br-tun
    topo_run_shown "$h" "$show" swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
    topo_run_shown "$h" "$show" swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int ofport_request=1
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan "options:remote_ip=${peers[0]}" ofport_request=5
    topo_run_shown "$h" "$show" swctl add-port br-tun vxlan1 -- set interface vxlan1 type=vxlan "options:remote_ip=${peers[1]}" ofport_request=6
    topo_exec "$h" ip addr add "$(topo_overlay_ip "$h")/24" dev br-int
    topo_exec "$h" ip link set br-int up
}

topo_run_shown() {
    local h=$1 show=$2
    shift 2
    [ "$show" = echo ] && echo "# $*"
    topo_ctl "$h" "$@"
}

# The article's nine flows on host H's br-tun.
topo_article_flows() {
    local h=$1 show=${2:-true} f
    topo_run_shown "$h" "$show" swofctl del-flows br-tun
    while IFS= read -r f; do
        topo_run_shown "$h" "$show" swofctl add-flow br-tun "$f"
    done <<'FLOWS'
table=0,priority=1,in_port=1 actions=resubmit(,1)
table=0,priority=1,in_port=5 actions=resubmit(,2)
table=0,priority=1,in_port=6 actions=resubmit(,2)
table=0,priority=0,actions=drop
table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)
table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)
table=21,priority=0,actions=output:5,output:6
table=2,priority=0,actions=learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), output:1
table=20,priority=0,actions=resubmit(,21)
FLOWS
}

# Captures up to COUNT packets matching FILTER on host H's underlay.
topo_tcpdump_start() {
    local h=$1 filter=$2 count=${3:-10}
    TOPO_TCPDUMP_OUT="$TOPO_DIR/tcpdump-h$h.txt"
    topo_exec "$h" timeout 10 tcpdump -l -n -i eth1 -c "$count" $filter \
        >"$TOPO_TCPDUMP_OUT" 2>/dev/null &
    TOPO_TCPDUMP_PID=$!
    sleep 0.5
}

topo_tcpdump_show() {
    [ -n "$TOPO_TCPDUMP_PID" ] || return 0
    wait "$TOPO_TCPDUMP_PID" 2>/dev/null || true
    TOPO_TCPDUMP_PID=""
    cat "$TOPO_TCPDUMP_OUT"
}

topo_cleanup() {
    local pid ns
    if [ -n "$TOPO_TCPDUMP_PID" ]; then
        kill "$TOPO_TCPDUMP_PID" 2>/dev/null || true
    fi
    for pid in "${TOPO_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${TOPO_PIDS[@]}"; do
        for _ in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    for ns in "${TOPO_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    [ -n "$TOPO_DIR" ] && rm -rf "$TOPO_DIR"
    TOPO_NS=()
    TOPO_PIDS=()
}
