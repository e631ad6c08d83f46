#!/bin/bash
# What stops a start and what does not: a pid file naming a live process
# that is not a switchd on this run directory is taken over (with a log
# line); a switchd that answers is not.  Two daemons on one database
# file are refused by the database lock, whatever their run directories,
# with the database and the holder's pid in the message; a kill -9
# leaves no lock behind.  The socket is created with mode 0700 whatever
# the umask.  A bad --busy-poll is refused, naming what is wrong, and an
# idle switchd sleeps (it polls only after traffic).  A flow directory
# that cannot be made costs the saving of flows, not the bridges or
# their timeouts.
source "$SW_SRC/tests/daemon/lib.sh"
# A umask that would leave the socket open to everyone (0755).
umask 022

# ---- A stale pid file naming a live process that is no switchd. ----
mkdir -p "$SW_RUNDIR"
sleep 60 &
other=$!
BG_PIDS="$BG_PIDS $other"
echo "$other" >"$SW_RUNDIR/switchd.pid"
start_switchd
[ "$(cat "$SW_RUNDIR/switchd.pid")" = "$SWD_PID" ] ||
    fail "pid file not taken over: $(cat "$SW_RUNDIR/switchd.pid")"
grep -q "stale pid file: pid $other is alive but no switchd answers" \
    "$SWD_DIR/switchd.log" || fail "no log line for the stale pid file"
kill -0 "$other" || fail "the other process was touched"

# ---- The socket's mode does not depend on the umask. ----
mode=$(stat -c %a "$SW_RUNDIR/switchd.sock")
[ "$mode" = 700 ] || fail "socket mode $mode, expected 700"

# ---- A switchd that answers keeps its pid file. ----
expect_fail "second daemon, same run dir" "already running (pid $SWD_PID answers" \
    in_ns timeout 10 "$SW_BIN/switchd" --log-file "$SWD_DIR/second.log"
[ "$(cat "$SW_RUNDIR/switchd.pid")" = "$SWD_PID" ] || fail "pid file overwritten"

# ---- One database, two run directories: the lock refuses the second. ----
swctl add-br br0
before=$(cat "$SW_DB")
expect_fail "second daemon, same db" \
    "$SW_DB: database in use by another switchd (pid $SWD_PID)" \
    in_ns timeout 10 "$SW_BIN/switchd" --rundir "$SWD_DIR/run2" --db "$SW_DB" \
    --log-file "$SWD_DIR/second.log"
[ ! -e "$SWD_DIR/run2/switchd.pid" ] || fail "refused daemon left a pid file"
[ ! -e "$SWD_DIR/run2/switchd.sock" ] || fail "refused daemon left a socket"
[ "$(cat "$SW_DB")" = "$before" ] || fail "database changed"
swctl br-exists br0 || fail "first daemon lost its bridge"

# ---- kill -9 leaves the pid file and the lock file, but no lock. ----
kill -9 "$SWD_PID"
wait "$SWD_PID" 2>/dev/null || true
SWD_PID=""
[ -e "$SW_DB.lock" ] || fail "no lock file next to the database"
start_switchd
swctl br-exists br0 || fail "br0 gone after kill -9 and restart"
mode=$(stat -c %a "$SW_RUNDIR/switchd.sock")
[ "$mode" = 700 ] || fail "socket mode $mode after restart, expected 700"

# ---- --busy-poll takes microseconds, 0 to 10000. ----
for bad in "2x0|'x' at offset 1 is not a digit" \
    "10001|--busy-poll \"10001\": more than 10000 microseconds" \
    "|--busy-poll: empty" "-5|'-' at offset 0 is not a digit"; do
    expect_fail "--busy-poll ${bad%%|*}" "${bad#*|}" \
        in_ns timeout 10 "$SW_BIN/switchd" --rundir "$SWD_DIR/run3" \
        --db "$SWD_DIR/bp.json" --busy-poll "${bad%%|*}"
done
[ ! -e "$SWD_DIR/run3" ] || fail "a refused --busy-poll left a run directory"

# ---- An idle switchd sleeps: it polls only while frames come. ----
# CPU ticks (utime + stime, 100 a second) over 2 s: a loop that polled
# without traffic would take about 200.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SWD_PID/stat"; }
swctl add-port br0 idle0 -- set interface idle0 type=internal
t0=$(cpu_ticks)
sleep 2
t1=$(cpu_ticks)
[ $((t1 - t0)) -le 20 ] ||
    fail "idle switchd took $((t1 - t0)) CPU ticks in 2 s (expected ~0)"

# ---- A flow directory that cannot be made: no saving, all else runs. ----
# A database name of 250 bytes fits a directory entry (255), and so do its
# lock (.lock) and temporary (.tmp) files, but "<db>.flows" does not.
long_db="$SWD_DIR/$(printf 'd%.0s' $(seq 250))"
stop_switchd
start_switchd --db "$long_db"
grep -q "$long_db.flows: cannot create the flow directory" \
    "$SWD_DIR/switchd.log" || fail "no log line for the flow directory"
swctl add-br br9
swofctl add-flow br9 "hard_timeout=1,priority=5,actions=drop"
# (The dump is read whole before it is searched: "grep -q" in a pipe may
# close it early, and pipefail would then read a match as a failure.)
for _ in $(seq 50); do
    flows=$(swofctl dump-flows br9)
    case $flows in *hard_timeout*) sleep 0.1 ;; *) break ;; esac
done
case $flows in
    *hard_timeout*) fail "a hard_timeout=1 flow outlived 5 s without a flow directory" ;;
esac
stop_switchd
start_switchd --db "$long_db"
swofctl dump-flows br9 >/dev/null ||
    fail "br9 not started from the database without a flow directory"
echo PASS
