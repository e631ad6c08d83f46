# Shared setup for the daemon tests: sourced by each tests/daemon/test-*.sh.
#
# Every test gets its own temporary directory (run dir, database, log)
# and, when run as root, its own network namespace so the TAP devices of
# internal ports (br-int, br-tun) never collide with the host's.  The
# EXIT trap kills only the switchd this test started (by PID), deletes
# the namespace and the directory, also on failure.
set -euo pipefail

: "${SW_BIN:?set SW_BIN to the bin directory of a build}"
: "${SW_SRC:?set SW_SRC to the source directory}"

SWD_DIR=$(mktemp -d /tmp/swd-test.XXXXXX)
export SW_RUNDIR=$SWD_DIR/run
export SW_DB=$SWD_DIR/conf.json
SWD_NS=""
SWD_PID=""
BG_PIDS=""

if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null; then
    SWD_NS="swd-$$-$RANDOM"
    ip netns add "$SWD_NS"
fi

swd_cleanup() {
    local rc=$? pid
    for pid in $BG_PIDS; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$SWD_PID" ] && kill -0 "$SWD_PID" 2>/dev/null; then
        kill "$SWD_PID" 2>/dev/null || true
        wait "$SWD_PID" 2>/dev/null || true
    fi
    if [ -n "$SWD_NS" ]; then
        ip netns del "$SWD_NS" 2>/dev/null || true
    fi
    if [ $rc -ne 0 ] && [ -f "$SWD_DIR/switchd.log" ]; then
        echo "---- switchd.log ----" >&2
        tail -n 30 "$SWD_DIR/switchd.log" >&2 || true
    fi
    rm -rf "$SWD_DIR"
    exit $rc
}
trap swd_cleanup EXIT

in_ns() {
    if [ -n "$SWD_NS" ]; then
        ip netns exec "$SWD_NS" "$@"
    else
        "$@"
    fi
}

swctl() { in_ns "$SW_BIN/swctl" "$@"; }
swofctl() { in_ns "$SW_BIN/swofctl" "$@"; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Starts switchd in the background and waits (at most 10 s) for its
# socket to answer.
start_switchd() {
    # Started directly (not through a shell function) so that $! is the
    # daemon itself: "ip netns exec" execs it in place.
    if [ -n "$SWD_NS" ]; then
        ip netns exec "$SWD_NS" "$SW_BIN/switchd" \
            --log-file "$SWD_DIR/switchd.log" --log-level dbg "$@" \
            >>"$SWD_DIR/switchd.out" 2>&1 &
    else
        "$SW_BIN/switchd" --log-file "$SWD_DIR/switchd.log" \
            --log-level dbg "$@" >>"$SWD_DIR/switchd.out" 2>&1 &
    fi
    SWD_PID=$!
    for _ in $(seq 100); do
        if [ -S "$SW_RUNDIR/switchd.sock" ] && swctl list-br >/dev/null 2>&1
        then
            return 0
        fi
        kill -0 "$SWD_PID" 2>/dev/null || fail "switchd exited at start"
        sleep 0.1
    done
    fail "switchd did not come up"
}

# Stops the switchd we started and waits for it.
stop_switchd() {
    kill "$SWD_PID"
    wait "$SWD_PID" || true
    SWD_PID=""
}

# Replaces numbers that change from run to run in dump-flows lines.
mask_times() {
    sed -E -e 's/duration=[0-9.]+s/duration=Xs/g' \
        -e 's/idle_age=[0-9]+/idle_age=X/g' -e 's/hard_age=[0-9]+/hard_age=X/g'
}

# check_output NAME EXPECTED ACTUAL
check_output() {
    if [ "$2" != "$3" ]; then
        echo "---- expected ($1) ----" >&2
        printf '%s\n' "$2" >&2
        echo "---- actual ----" >&2
        printf '%s\n' "$3" >&2
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2 || true
        fail "$1: output differs"
    fi
}

# expect_fail NAME EXPECTED-STDERR-SUBSTRING COMMAND...
expect_fail() {
    local name=$1 want=$2 out rc=0
    shift 2
    out=$("$@" 2>&1) || rc=$?
    [ $rc -ne 0 ] || fail "$name: succeeded but should have failed"
    case $out in
        *"$want"*) ;;
        *) fail "$name: error \"$out\" lacks \"$want\"" ;;
    esac
}

# The article's bridges (ports 1, 5 and 6 on br-tun via ofport_request).
article_bridges() {
    swctl add-br br-int
    swctl add-br br-tun
    swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
    swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int
    swctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan options:remote_ip=192.168.33.13 ofport_request=5
    swctl add-port br-tun vxlan1 -- set interface vxlan1 type=vxlan options:remote_ip=192.168.33.14 ofport_request=6
}

# need_tap_ns [COMMAND...]: skips the test (exit 77) unless it has a
# namespace of its own for TAP ports and every COMMAND is installed.
need_tap_ns() {
    local c
    if [ -z "$SWD_NS" ]; then
        echo "SKIP: needs root and /dev/net/tun (a namespace with TAP ports)"
        exit 77
    fi
    for c in "$@"; do
        command -v "$c" >/dev/null || { echo "SKIP: no $c"; exit 77; }
    done
}

# quiet_ns: loopback up and IPv6 off in the test's namespace, so the host
# sends nothing on its own (router solicitations, MLD) and every packet a
# counter or capture sees is one the test sent.
quiet_ns() {
    ip -n "$SWD_NS" link set lo up
    in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
}

# shellcheck source=../common/grepq.sh
. "$SW_SRC/tests/common/grepq.sh"

# The article's nine br-tun flows (on the ports article_bridges makes).
# shellcheck source=../common/article-flows.sh
. "$SW_SRC/tests/common/article-flows.sh"
article_flows() {
    swofctl del-flows br-tun
    article_flow_text | swofctl add-flows br-tun -
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.1 s until it
# succeeds, or fails the test.
wait_for() {
    local secs=$1 i
    shift
    for i in $(seq $((secs * 10))); do
        if "$@"; then
            return 0
        fi
        sleep 0.1
    done
    fail "timed out waiting for: $*"
}

# bg_swofctl OUTFILE ARG...: starts "swofctl ARG..." in the background
# (monitor, capture) with stdout and stderr in OUTFILE, and sets BG_PID
# to the tool's own pid ("ip netns exec" execs it in place), so a test can
# interrupt it with kill -INT.  The EXIT trap kills whatever is left.
bg_swofctl() {
    local out=$1
    shift
    if [ -n "$SWD_NS" ]; then
        ip netns exec "$SWD_NS" "$SW_BIN/swofctl" "$@" >"$out" 2>&1 &
    else
        "$SW_BIN/swofctl" "$@" >"$out" 2>&1 &
    fi
    BG_PID=$!
    BG_PIDS="$BG_PIDS $BG_PID"
}
