# tests/net/lib.sh: a harness for network tests in namespaces.
#
#   . "$SW_SRC/tests/net/lib.sh"
#   net_init                      # root check, prefix, traps, temp dir
#   net_add_host h1               # namespace ${NET_P}h1, lo up
#   net_underlay 192.168.33 h1 h2 # Linux bridge joining h1/h2 on eth1
#   net_exec h1 ping -c1 ...
#
# A test that must also check that its run left nothing behind starts with
# net_run_body (below) before net_init.
#
# Every namespace and every link made in the root namespace carries the
# prefix NET_P ("sw<pid>-"), so parallel runs never collide and cleanup
# removes exactly what this run made.  Cleanup runs on EXIT, and INT, TERM
# and a failing command (ERR, with set -e semantics) all end in exit, so
# nothing is left behind on failure either.  Processes started with net_bg
# are killed by PID, never by name.  Every wait is bounded.
#
# Names: namespaces are ${NET_P}<name>; inside a namespace, interfaces can
# have plain names (eth1) since nobody else sees them.  Link names are at
# most 15 characters, so the prefix stays short.

NET_P=""
NET_DIR=""
NET_NS=()
NET_PIDS=()
NET_LINK_SEQ=0
# Set by net_run_body in the child: where net_cleanup reports what it made.
NET_REPORT=""

# Prints a message and ends the test as skipped: exit code 77 is what
# CMakeLists.txt tells ctest means "skipped", so a skip never counts as a
# pass.
net_skip() {
    echo "SKIP: $*"
    exit 77
}

net_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

net_init() {
    [ "$(id -u)" -eq 0 ] || net_skip "network tests need root (namespaces)"
    command -v ip >/dev/null || net_fail "iproute2 'ip' not found"
    NET_P="sw$$-"
    NET_DIR=$(mktemp -d "/tmp/${NET_P}XXXXXX")
    set -eE -o pipefail
    trap net_cleanup EXIT
    trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2; exit 1' ERR
    trap 'echo "interrupted" >&2; exit 130' INT
    trap 'echo "terminated" >&2; exit 143' TERM
}

# shellcheck source=../common/grepq.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/grepq.sh"

net_ns() { echo "${NET_P}$1"; }

net_add_host() {
    local ns
    ns=$(net_ns "$1")
    ip netns add "$ns"
    NET_NS+=("$ns")
    ip -n "$ns" link set lo up
    # No IPv6 autoconfiguration chatter in captures and counts.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
}

net_exec() {
    local h=$1
    shift
    ip netns exec "$(net_ns "$h")" "$@"
}

# net_veth HOST_A IF_A HOST_B IF_B: a veth pair between two namespaces.
# The pair is born in the root namespace under prefixed names and moved,
# so a failure halfway leaves only names net_cleanup recognizes.
net_veth() {
    local a=$1 ifa=$2 b=$3 ifb=$4 ta tb
    NET_LINK_SEQ=$((NET_LINK_SEQ + 1))
    ta="${NET_P}${NET_LINK_SEQ}a"
    tb="${NET_P}${NET_LINK_SEQ}b"
    ip link add "$ta" type veth peer name "$tb"
    ip link set "$ta" netns "$(net_ns "$a")"
    ip link set "$tb" netns "$(net_ns "$b")"
    ip -n "$(net_ns "$a")" link set "$ta" name "$ifa"
    ip -n "$(net_ns "$b")" link set "$tb" name "$ifb"
    ip -n "$(net_ns "$a")" link set "$ifa" up
    ip -n "$(net_ns "$b")" link set "$ifb" up
}

# net_underlay NET24 HOST...: host number i (from 1) gets NET24.(11+i)/24
# on eth1, all joined by a Linux bridge in namespace ${NET_P}ul.  With
# NET24=192.168.33 this is the article's underlay (.12, .13, .14).
net_underlay() {
    local net=$1 i=0 h
    shift
    net_add_host ul
    ip -n "$(net_ns ul)" link add br0 type bridge
    ip -n "$(net_ns ul)" link set br0 up
    for h in "$@"; do
        i=$((i + 1))
        net_veth "$h" eth1 ul "p$i"
        ip -n "$(net_ns ul)" link set "p$i" master br0
        ip -n "$(net_ns "$h")" addr add "$net.$((11 + i))/24" dev eth1
    done
}

# net_kernel_vxlan HOST DEV VNI LOCAL [REMOTE] [DSTPORT]: a Linux vxlan
# device over eth1, up.  Without REMOTE, add peers with net_kernel_fdb.
net_kernel_vxlan() {
    local h=$1 dev=$2 vni=$3 local_ip=$4 remote=${5:-} port=${6:-4789}
    local ns
    ns=$(net_ns "$h")
    if [ -n "$remote" ]; then
        ip -n "$ns" link add "$dev" type vxlan id "$vni" dstport "$port" \
            local "$local_ip" remote "$remote" dev eth1
    else
        ip -n "$ns" link add "$dev" type vxlan id "$vni" dstport "$port" \
            local "$local_ip" dev eth1 nolearning
    fi
    ip -n "$ns" link set "$dev" up
}

# net_kernel_fdb HOST DEV REMOTE...: unicast flooding to each REMOTE, the
# article's "bridge fdb append 00:00:00:00:00:00 dst ..." entries.
net_kernel_fdb() {
    local h=$1 dev=$2 r
    shift 2
    for r in "$@"; do
        net_exec "$h" bridge fdb append 00:00:00:00:00:00 dev "$dev" dst "$r"
    done
}

# net_bg HOST CMD...: runs CMD in HOST's namespace in the background and
# remembers its PID for cleanup.  Sets NET_BG_PID.
net_bg() {
    local h=$1
    shift
    ip netns exec "$(net_ns "$h")" "$@" &
    NET_BG_PID=$!
    NET_PIDS+=("$NET_BG_PID")
}

# net_wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds;
# fails (returns 1) after SECONDS.
net_wait_for() {
    local secs=$1 i
    shift
    for i in $(seq 1 $((secs * 10))); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "timed out after ${secs}s waiting for: $*" >&2
    return 1
}

# net_tcpdump_start HOST IF FILE [FILTER...]: captures to FILE (pcap) in
# immediate mode, returns once tcpdump listens.  -Z root: tcpdump would
# otherwise drop privileges and fail to write into our private temp dir.
net_tcpdump_start() {
    local h=$1 ifc=$2 file=$3
    shift 3
    command -v tcpdump >/dev/null || net_fail "tcpdump not found"
    net_bg "$h" timeout 60 tcpdump --immediate-mode -Z root -U -n \
        -i "$ifc" -w "$file" "$@" 2>"$file.log"
    NET_TCPDUMP_PID=$NET_BG_PID
    net_wait_for 5 grep -q "listening on" "$file.log"
}

# net_tcpdump_stop: stops the capture started last and waits for it.
net_tcpdump_stop() {
    kill -INT "$NET_TCPDUMP_PID" 2>/dev/null || true
    wait "$NET_TCPDUMP_PID" 2>/dev/null || true
}

# net_count PATTERN FILE: how many lines of FILE match PATTERN (0 if none,
# without tripping set -e).
net_count() {
    grep -c -- "$1" "$2" || true
}

# net_leftovers PREFIX: prints namespaces and root-namespace links that
# still carry PREFIX (nothing when clean).
net_leftovers() {
    local p=$1
    ip netns list | awk '{print $1}' | grep -F -- "$p" || true
    ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' |
        grep -F -- "$p" || true
}

net_cleanup() {
    local rc=$? pid ns l i
    trap - ERR
    set +e
    for pid in "${NET_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${NET_PIDS[@]}"; do
        for i in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${NET_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    # Links still in the root namespace (a net_veth that failed halfway).
    if [ -n "$NET_P" ]; then
        for l in $(ip -o link show | awk -F': ' '{print $2}' |
            sed 's/@.*//' | grep -F -- "$NET_P"); do
            ip link del "$l" 2>/dev/null
        done
    fi
    [ -n "$NET_DIR" ] && rm -rf "$NET_DIR"
    if [ -n "$NET_REPORT" ] && [ -n "$NET_P" ]; then
        echo "$NET_P ${NET_PIDS[*]}" >"$NET_REPORT"
    fi
    NET_NS=()
    NET_PIDS=()
    exit "$rc"
}

# net_run_body NAME WHAT "$@": lets a test check what its run left behind,
# which the run cannot do itself since its cleanup comes at its exit.  Call
# it with the script's arguments before net_init.  In the parent it runs the
# script again as a child with --body REPORT and then ends the test: skipped
# if the child skipped, failed if the child failed or left a namespace, a
# link or a process (net_bg) behind, else "PASS: WHAT (nothing left
# behind)".  In the child it only returns, and net_cleanup writes the
# prefix and the PIDs to REPORT once it has removed everything.
net_run_body() {
    local name=$1 what=$2 report rc=0 prefix="" pids="" left pid comm
    shift 2
    if [ "${1:-}" = --body ]; then
        NET_REPORT=${2:?--body needs a report file}
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || net_skip "network tests need root (namespaces)"
    report=$(mktemp "/tmp/sw-$(basename "$0" .sh)-info.XXXXXX")
    bash "$0" --body "$report" || rc=$?
    read -r prefix pids <"$report" || true
    rm -f "$report"
    [ "$rc" -eq 77 ] && exit 77
    [ "$rc" -eq 0 ] || { echo "FAIL: $name body exited $rc" >&2; exit "$rc"; }
    [ -n "$prefix" ] || net_fail "body did not report its prefix"
    left=$(net_leftovers "$prefix")
    [ -z "$left" ] || net_fail "left behind: $left"
    for pid in $pids; do
        if kill -0 "$pid" 2>/dev/null; then
            comm=$(cat "/proc/$pid/comm" 2>/dev/null) || comm=process
            net_fail "$comm $pid still running"
        fi
    done
    echo "PASS: $what (nothing left behind)"
    exit 0
}
