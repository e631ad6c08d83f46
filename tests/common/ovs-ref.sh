# shellcheck shell=bash
# tests/common/ovs-ref.sh: a private Open vSwitch to compare switchd with.
#
#   . "$SW_SRC/tests/common/ovs-ref.sh"
#   ovs_ref_start                 # root; skips (77) without OVS installed
#   ovs_ref_add_br br-tun         # datapath_type=netdev
#   ovs_ref_vsctl add-port br-tun p1 -- set interface p1 type=internal
#   ovs_ref_ofctl add-flows br-tun flows.txt
#   ovs_ref_ofctl dump-flows br-tun --no-stats
#   ovs_ref_stop                  # also runs by itself on exit
#
# What it starts is ovsdb-server and ovs-vswitchd from the Debian package,
# with the userspace datapath only (--disable-system: no kernel module,
# nothing shared with the host), their database, sockets, pid files and
# logs under a temporary directory of their own (OVS_RUNDIR and friends
# point there, so bridge management sockets are $OVS_REF_DIR/BR.mgmt),
# inside a network namespace the library creates (the netdev datapath's
# internal ports are TAP devices; in their own namespace they meet nobody
# else's).  The system's own Open vSwitch, if any, is never touched: no
# service is started or stopped and no default path is used.
#
# Both daemons are stopped by PID on ovs_ref_stop and on exit (the EXIT trap
# the caller already had still runs afterwards, with the exit status it
# would have seen).  Every wait is bounded.
#
# Variables, set by ovs_ref_start:
#   OVS_REF_DIR   the temporary directory (db, sockets, logs)
#   OVS_REF_NS    the namespace (set it before ovs_ref_start to use one
#                 the caller made; it is then left in place on stop)

OVS_REF_DIR=""
OVS_REF_NS="${OVS_REF_NS:-}"
OVS_REF_OWN_NS=""
OVS_REF_DB_PID=""
OVS_REF_VS_PID=""

ovs_ref_skip() {
    echo "SKIP: $*"
    exit 77
}

ovs_ref_fail() {
    echo "FAIL: ovs-ref: $*" >&2
    exit 1
}

# ovs_ref_env CMD...: CMD with every OVS directory pointing at OVS_REF_DIR,
# run inside the namespace.
ovs_ref_env() {
    ip netns exec "$OVS_REF_NS" env OVS_RUNDIR="$OVS_REF_DIR" \
        OVS_DBDIR="$OVS_REF_DIR" OVS_LOGDIR="$OVS_REF_DIR" \
        OVS_SYSCONFDIR="$OVS_REF_DIR" "$@"
}

# ovs_ref_exec CMD...: CMD inside the reference namespace (ping, ip...).
ovs_ref_exec() {
    ip netns exec "$OVS_REF_NS" "$@"
}

ovs_ref_vsctl() {
    ovs_ref_env ovs-vsctl --db="unix:$OVS_REF_DIR/db.sock" --timeout=20 "$@"
}

ovs_ref_ofctl() {
    ovs_ref_env ovs-ofctl "$@"
}

ovs_ref_appctl() {
    ovs_ref_env ovs-appctl --timeout=20 \
        --target="$OVS_REF_DIR/ovs-vswitchd.ctl" "$@"
}

# ovs_ref_add_br BR [VSCTL-ARGS...]: a bridge on the userspace datapath;
# extra arguments continue the same ovs-vsctl transaction ("--" "set"...).
ovs_ref_add_br() {
    local br=$1
    shift
    ovs_ref_vsctl add-br "$br" -- set bridge "$br" datapath_type=netdev "$@"
}

# ovs_ref_log: the last lines of both daemons' logs (for a failing test).
ovs_ref_log() {
    [ -n "$OVS_REF_DIR" ] || return 0
    tail -n 20 "$OVS_REF_DIR/ovsdb-server.log" \
        "$OVS_REF_DIR/ovs-vswitchd.log" 2>/dev/null || true
}

# ovs_ref_wait SECONDS CMD...: polls CMD every 0.1 s, fails after SECONDS.
ovs_ref_wait() {
    local secs=$1 i
    shift
    for i in $(seq 1 $((secs * 10))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    ovs_ref_log >&2
    ovs_ref_fail "timed out after ${secs}s waiting for: $*"
}

ovs_ref_start() {
    local c prev
    [ "$(id -u)" -eq 0 ] || ovs_ref_skip "a private Open vSwitch needs root"
    for c in ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl ovs-ofctl ip; do
        command -v "$c" >/dev/null ||
            ovs_ref_skip "$c not found (Debian package openvswitch-switch)"
    done
    [ -f /usr/share/openvswitch/vswitch.ovsschema ] ||
        ovs_ref_skip "no /usr/share/openvswitch/vswitch.ovsschema"
    [ -c /dev/net/tun ] || ovs_ref_skip "no /dev/net/tun"

    # The EXIT trap is chained before anything exists to clean up, so an
    # interrupted start still cleans up.  The caller's own trap (if any)
    # runs afterwards with the status the script exits with.
    prev=$(trap -p EXIT)
    if [ -n "$prev" ]; then
        eval "set -- $prev"
        prev=$3
    fi
    # shellcheck disable=SC2064  # expand the caller's trap now
    # set +e and no ERR trap: the replayed status must not end the trap.
    trap "ovs_ref_rc=\$?; trap - ERR; set +e; ovs_ref_stop;
(exit \$ovs_ref_rc); ${prev:-exit \$ovs_ref_rc}" EXIT

    OVS_REF_DIR=$(mktemp -d /tmp/ovs-ref.XXXXXX)
    if [ -z "$OVS_REF_NS" ]; then
        OVS_REF_NS="ovsref-$$-$RANDOM"
        ip netns add "$OVS_REF_NS"
        OVS_REF_OWN_NS=1
    fi
    ip -n "$OVS_REF_NS" link set lo up

    ovsdb-tool create "$OVS_REF_DIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema

    # Started directly, not through a function, so $! is the daemon itself
    # ("ip netns exec" and "env" exec in place).  No --detach: the PIDs
    # are ours.
    ip netns exec "$OVS_REF_NS" env OVS_RUNDIR="$OVS_REF_DIR" \
        OVS_DBDIR="$OVS_REF_DIR" OVS_LOGDIR="$OVS_REF_DIR" \
        OVS_SYSCONFDIR="$OVS_REF_DIR" ovsdb-server "$OVS_REF_DIR/conf.db" \
        --remote="punix:$OVS_REF_DIR/db.sock" \
        --unixctl="$OVS_REF_DIR/ovsdb-server.ctl" \
        --pidfile="$OVS_REF_DIR/ovsdb-server.pid" \
        --log-file="$OVS_REF_DIR/ovsdb-server.log" -vconsole:off \
        >/dev/null 2>&1 &
    OVS_REF_DB_PID=$!
    ovs_ref_wait 10 test -S "$OVS_REF_DIR/db.sock"
    ovs_ref_vsctl --no-wait init

    ip netns exec "$OVS_REF_NS" env OVS_RUNDIR="$OVS_REF_DIR" \
        OVS_DBDIR="$OVS_REF_DIR" OVS_LOGDIR="$OVS_REF_DIR" \
        OVS_SYSCONFDIR="$OVS_REF_DIR" ovs-vswitchd \
        "unix:$OVS_REF_DIR/db.sock" --disable-system \
        --unixctl="$OVS_REF_DIR/ovs-vswitchd.ctl" \
        --pidfile="$OVS_REF_DIR/ovs-vswitchd.pid" \
        --log-file="$OVS_REF_DIR/ovs-vswitchd.log" -vconsole:off \
        >/dev/null 2>&1 &
    OVS_REF_VS_PID=$!
    # Up once it has read the database and answers on its control socket.
    ovs_ref_wait 20 ovs_ref_appctl version
    ovs_ref_wait 20 ovs_ref_vsctl --timeout=2 show
}

ovs_ref_stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

ovs_ref_stop() {
    # vswitchd first: it would otherwise retry the database for a while.
    ovs_ref_stop_pid "$OVS_REF_VS_PID"
    OVS_REF_VS_PID=""
    ovs_ref_stop_pid "$OVS_REF_DB_PID"
    OVS_REF_DB_PID=""
    if [ -n "$OVS_REF_OWN_NS" ]; then
        ip netns del "$OVS_REF_NS" 2>/dev/null || true
        OVS_REF_OWN_NS=""
        OVS_REF_NS=""
    fi
    if [ -n "$OVS_REF_DIR" ]; then
        rm -rf "$OVS_REF_DIR"
        OVS_REF_DIR=""
    fi
}
