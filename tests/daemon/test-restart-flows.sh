#!/bin/bash
# Flows survive a restart, clean or kill -9: the daemon saves each
# bridge's table at most a second after it changed (and at exit) to
# <db>.flows/<bridge>, and restores it before the bridge forwards.  What
# comes back: table, priority, cookie, match, actions, timeouts, flags,
# importance, counters and ages; a flow's remaining hard/idle time is
# the one at the save (the time the daemon was down does not count), so
# it then expires on time.  A deleted bridge's file goes with it;
# --no-restore-flows and other_config:restore-flows=false start a bridge
# without them.  Internal ports keep their MAC, addresses and link state
# (the TAP is persistent and taken back).
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
article_flows
flows_dir=$SW_DB.flows

swofctl add-flow br-tun "table=3,priority=7,cookie=0x2a,hard_timeout=6,importance=3,send_flow_rem,dl_dst=52:54:00:00:00:09 actions=output:5"
swofctl add-flow br-tun "table=4,idle_timeout=300,ip,nw_dst=10.1.1.9 actions=drop"
# A learned flow, as a tunnel arrival teaches table 20.
swofctl trace --generate br-tun "in_port=5,dl_src=52:54:00:00:00:0a,dl_dst=ff:ff:ff:ff:ff:ff,tun_id=0x0" >/dev/null
before=$(swofctl dump-flows --no-stats br-tun)
[[ $before == *"table=20, hard_timeout=300, priority=1,dl_dst=52:54:00:00:00:0a"* ]] ||
    fail "nothing learned: $before"

# ---- kill -9: what was saved a second after the change comes back. ----
# The learn was the last change: once it is in the file, all is.
wait_for 5 grep -qs "dl_dst=52:54:00:00:00:0a" "$flows_dir/br-tun"
# The flow's age when it was saved (first field, milliseconds).
saved_ms=$(awk '/hard_timeout=6/ { print $1 }' "$flows_dir/br-tun")
kill -9 "$SWD_PID"
wait "$SWD_PID" 2>/dev/null || true
SWD_PID=""
sleep 1
start_switchd
grep -q "br-tun: restored 12 flows" "$SWD_DIR/switchd.log" ||
    fail "no restore log line: $(tail -5 "$SWD_DIR/switchd.log")"
check_output "flows after kill -9" "$before" "$(swofctl dump-flows --no-stats br-tun)"
age=$(swofctl dump-flows br-tun table=3 | sed -nE 's/.*duration=([0-9.]+)s.*/\1/p')
# The age at the save came back (not reset to 0), the downtime was not
# added to it.
awk -v s="$saved_ms" -v a="$age" 'BEGIN { exit !(a * 1000 >= s && a * 1000 < s + 2500) }' ||
    fail "saved at age $saved_ms ms, $age s after restart"

# ---- A clean restart saves at exit; timeouts keep what was left. ----
swofctl add-flow br-tun "table=5,hard_timeout=6 actions=drop"
sleep 3
stop_switchd
# Down for 3 s: that must not count against what is left of the 6 s.
sleep 3
start_switchd
swofctl dump-flows br-tun table=5 | grepq hard_timeout=6 ||
    fail "hard_timeout=6 flow expired during the downtime"
# About 3 s were left: gone within 4.5 s (a restarted timer: 6 s).
wait_for 4 sh -c "! '$SW_BIN/swofctl' --rundir '$SW_RUNDIR' dump-flows br-tun table=5 | grep -q hard_timeout"

# ---- Counters survive a clean restart. ----
swofctl packet-out br-tun none "resubmit(,4)" \
    0000000000010000000000020800450000140000000040010000000000000a0101090000000000000000000000000000000000000000000000000000 >/dev/null
pkts=$(swofctl dump-flows br-tun table=4 | sed -nE 's/.*n_packets=([0-9]+).*/\1/p')
[ "$pkts" = 1 ] || fail "packet-out did not hit table 4 ($pkts)"
stop_switchd
start_switchd
pkts=$(swofctl dump-flows br-tun table=4 | sed -nE 's/.*n_packets=([0-9]+).*/\1/p')
[ "$pkts" = 1 ] || fail "counters not restored ($pkts)"

# ---- --no-restore-flows: bridges start new (NORMAL), files stay. ----
stop_switchd
start_switchd --no-restore-flows
check_output "no restore" ' priority=0 actions=NORMAL' "$(swofctl dump-flows --no-stats br-tun)"
# ...and what runs now is saved for the next start.
stop_switchd
start_switchd
check_output "saved after no restore" ' priority=0 actions=NORMAL' "$(swofctl dump-flows --no-stats br-tun)"

# ---- restore-flows=false: neither saved nor restored, file removed. ----
article_flows
swctl set bridge br-tun other_config:restore-flows=false
wait_for 5 test ! -e "$flows_dir/br-tun"
stop_switchd
start_switchd
check_output "restore-flows=false" ' priority=0 actions=NORMAL' "$(swofctl dump-flows --no-stats br-tun)"
swctl clear bridge br-tun other_config
wait_for 5 test -e "$flows_dir/br-tun"

# ---- A deleted bridge's saved flows go with it. ----
[ -e "$flows_dir/br-int" ] || fail "br-int never saved"
swctl del-br br-int
[ ! -e "$flows_dir/br-int" ] || fail "deleted bridge's flows left behind"

# ---- Bad saved files: logged, the bridge starts as new. ----
stop_switchd
printf 'switchd-flows 1\n0 0 0 0 0 0 priority=1 actions=frobnicate\n' >"$flows_dir/br-tun"
start_switchd
grep -q "conf.json.flows/br-tun: saved flows not restored: line 2: " "$SWD_DIR/switchd.log" ||
    fail "bad file not reported"
check_output "bad file" ' priority=0 actions=NORMAL' "$(swofctl dump-flows --no-stats br-tun)"
echo PASS
