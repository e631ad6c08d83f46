#!/bin/bash
# swofctl monitor against a live daemon: the flows present at start
# (INITIAL), a learn triggered by trace --generate (ADDED, learned; a
# refresh shows nothing), its expiry (DELETED, hard_timeout), client
# changes, packet-ins from the controller action, watch: filters, --json,
# a monitor whose bridge is deleted, and a client that goes away.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
article_flows
# The article's learn, with a 2 s hard timeout so the expiry comes fast.
swofctl mod-flows --strict br-tun "table=2,priority=0,actions=learn(table=20,hard_timeout=2,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1"

ARP_REPLY='in_port=vxlan0,dl_src=2e:7a:a2:53:7b:31,dl_dst=52:54:00:0a:01:02,arp,arp_op=2'
LEARNED='table=20 cookie=0x0 hard_timeout=2 priority=1,dl_dst=2e:7a:a2:53:7b:31 actions=load:0->NXM_NX_TUN_ID[],output:5'

lines() { grep -c "$1" "$2" || true; }

# 1. Table 20: INITIAL, then a learn and its expiry.
M=$SWD_DIR/m1.out
bg_swofctl "$M" monitor br-tun watch:table=20
M1=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
swofctl trace br-tun "$ARP_REPLY" >/dev/null   # no --generate: no event
swofctl trace --generate br-tun "$ARP_REPLY" >/dev/null
swofctl trace --generate br-tun "$ARP_REPLY" >/dev/null  # refresh: none
wait_for 5 grep -q 'event=ADDED' "$M"
wait_for 5 grep -q 'event=DELETED' "$M"
swofctl add-flow br-tun "table=20,priority=7,dl_dst=00:00:00:00:00:07,actions=output:6"
swofctl del-flows br-tun "table=20,dl_dst=00:00:00:00:00:07"
# Changes outside table 20 are filtered out.
swofctl add-flow br-tun "table=3,priority=1,actions=drop"
wait_for 5 grep -q 'event=DELETED reason=client' "$M"
kill -INT "$M1"
wait "$M1" || fail "monitor exited with $? on SIGINT"
check_output "monitor table=20" " event=INITIAL bridge=br-tun table=20 cookie=0x0 priority=0 actions=resubmit(,21)
 event=ADDED reason=learned bridge=br-tun $LEARNED
 event=DELETED reason=hard_timeout bridge=br-tun $LEARNED
 event=ADDED reason=client bridge=br-tun table=20 cookie=0x0 priority=7,dl_dst=00:00:00:00:00:07 actions=output:6
 event=DELETED reason=client bridge=br-tun table=20 cookie=0x0 priority=7,dl_dst=00:00:00:00:00:07 actions=output:6" "$(cat "$M")"

# 2. --json, every table, !initial, and a packet-in from the controller
# action (only --generate sends packets to the controller).
swofctl add-flow br-tun "table=0,priority=5,in_port=7,cookie=0x1234,actions=controller"
M=$SWD_DIR/m2.out
bg_swofctl "$M" monitor --json br-tun 'watch:!initial'
M2=$BG_PID
# Without INITIAL lines the only sign of the subscription is the stream
# itself: add harmless new flows (a new priority each time, so each is an
# ADD) until one shows up.
wait_for 5 bash -c "$SW_BIN/swofctl --rundir $SW_RUNDIR add-flow br-tun \"table=9,priority=\$RANDOM,actions=drop\" >/dev/null 2>&1; grep -q '\"table\": *9' $M"
swofctl trace br-tun "in_port=7,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1" >/dev/null
swofctl trace --generate br-tun "in_port=7,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1" >/dev/null
wait_for 5 grep -q PACKET_IN "$M"
kill -INT "$M2"
wait "$M2" || fail "json monitor exit status"
python3 - "$M" <<'PY' || fail "monitor JSON"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert all("text" not in e for e in evs), evs
assert not [e for e in evs if e["event"] == "INITIAL"], "!initial ignored"
pins = [e for e in evs if e["event"] == "PACKET_IN"]
assert len(pins) == 1, pins      # the trace without --generate sent none
p = pins[0]
assert p["bridge"] == "br-tun" and p["table"] == 0, p
assert p["cookie"] == "0x1234" and p["reason"] == "action", p
assert p["flow"].startswith("arp,in_port=7,"), p["flow"]
assert p["packet"].startswith("ffffffffffff525400"), p["packet"]
adds = [e for e in evs if e["event"] == "ADDED"]
assert adds and adds[0]["table"] == 9 and adds[0]["reason"] == "client", adds
assert adds[0]["actions"] == "drop" and adds[0]["match"] == "", adds
PY

# 3. !actions and --names shape the text lines.
M=$SWD_DIR/m3.out
bg_swofctl "$M" monitor --names br-tun 'watch:table=21'
M3=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
kill -INT "$M3"
wait "$M3" || true
check_output "--names" ' event=INITIAL bridge=br-tun table=21 cookie=0x0 priority=0 actions=output:vxlan0,output:vxlan1' "$(cat "$M")"
M=$SWD_DIR/m4.out
bg_swofctl "$M" monitor br-tun 'watch:table=21,!actions'
M4=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
kill -INT "$M4"
wait "$M4" || true
check_output "!actions" ' event=INITIAL bridge=br-tun table=21 cookie=0x0 priority=0' "$(cat "$M")"

# 4. The bridge goes away: the monitor says so and exits 1; the daemon
# stays healthy.  A client that simply disconnects is forgotten.
M=$SWD_DIR/m5.out
bg_swofctl "$M" monitor br-int
M5=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
M=$SWD_DIR/m6.out
bg_swofctl "$M" monitor br-int
M6=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
kill -KILL "$M6"
wait "$M6" 2>/dev/null || true
swctl del-br br-int
rc=0
wait "$M5" || rc=$?
[ "$rc" = 1 ] || fail "monitor of a deleted bridge exited $rc"
grep -qx 'swofctl: monitor ended: bridge br-int was removed' "$SWD_DIR/m5.out" \
    || fail "no end message: $(cat "$SWD_DIR/m5.out")"
swofctl dump-flows br-tun table=0 >/dev/null || fail "daemon unhealthy"

# The daemon stops: the monitor notices and says so.
M=$SWD_DIR/m7.out
bg_swofctl "$M" monitor br-tun
M7=$BG_PID
wait_for 5 grep -q 'event=INITIAL' "$M"
expect_fail "bad watch" "unknown watch flag" swofctl monitor br-tun 'watch:!bogus'
expect_fail "watch syntax" "starts with 'watch:'" swofctl monitor br-tun table=3
expect_fail "no bridge" "no bridge named br-x" swofctl monitor br-x
stop_switchd
rc=0
wait "$M7" || rc=$?
[ "$rc" = 1 ] || fail "monitor of a stopped daemon exited $rc"
grep -qx 'swofctl: switchd closed the connection' "$M" \
    || fail "m7: $(tail -2 "$M")"
echo PASS
