#!/bin/bash
# A restart with the same database brings back the same bridges, ports,
# options and OpenFlow port numbers, and each bridge's flows (saved in
# <db>.flows/).  Also --detach.  test-restart-flows covers what the
# saved flows keep; test-fail-mode what a bridge without them gets.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
swctl add-port br-int tap-a -- set interface tap-a type=internal
swctl add-port br-int tap-b -- set interface tap-b type=internal
swctl del-port br-int tap-a
swctl add-port br-int tap-c -- set interface tap-c type=internal
swofctl add-flow br-tun "table=3,actions=drop"

numbers() {
    for p in patch-int tap-b tap-c patch-tun vxlan0 vxlan1 br-int br-tun; do
        printf '%s=%s\n' "$p" "$(swctl get interface $p ofport)"
    done
}
before=$(numbers)
show_before=$(swctl show)
check_output "numbers" 'patch-int=1
tap-b=3
tap-c=2
patch-tun=1
vxlan0=5
vxlan1=6
br-int=65534
br-tun=65534' "$before"

stop_switchd
start_switchd
check_output "numbers after restart" "$before" "$(numbers)"
check_output "show after restart" "$show_before" "$(swctl show)"
out=$(swofctl dump-flows --no-stats br-tun)
check_output "flows after restart" ' priority=0 actions=NORMAL
 table=3, actions=drop' "$out"

# A new port after the restart still takes the lowest free number.
swctl add-port br-int tap-d -- set interface tap-d type=internal
[ "$(swctl get interface tap-d ofport)" = 4 ] || fail "tap-d not numbered 4"

# --detach returns once the daemon serves, and the pid file names it.
stop_switchd
in_ns "$SW_BIN/switchd" --detach --log-file "$SWD_DIR/detached.log"
SWD_PID=$(cat "$SW_RUNDIR/switchd.pid")
kill -0 "$SWD_PID" || fail "detached daemon not running"
swctl list-br >/dev/null || fail "detached daemon does not answer"
check_output "detached numbers" "$(numbers | sed 's/x/x/')" "$(numbers)"
kill "$SWD_PID"
for _ in $(seq 50); do kill -0 "$SWD_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SWD_PID" 2>/dev/null && fail "detached daemon ignored SIGTERM"
[ ! -e "$SW_RUNDIR/switchd.pid" ] || fail "pid file left behind"
SWD_PID=""
echo PASS
