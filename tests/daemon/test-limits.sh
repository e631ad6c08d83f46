#!/bin/bash
# Issue 16, bounded learning: Bridge other_config:flow-limit (set, get,
# list, errors, the database), the limit at work (client adds refused,
# learns evicting the learner's least recently used flow), learn(limit=N),
# and what "swofctl stats" and the log show of it.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
swctl add-br br0 -- add-port br0 p1 -- set Interface p1 type=internal \
    -- add-port br0 p2 -- set Interface p2 type=internal

# Configuration: errors name the key and change nothing.
out=$(swctl set Bridge br0 other_config:flow-limit=0 2>&1) && fail "0 taken"
[[ $out == *"other_config:flow-limit=0: expected a number of flows from 1"* ]] \
    || fail "flow-limit=0: $out"
out=$(swctl set Bridge br0 other_config:flow-limt=5 2>&1) && fail "typo taken"
[[ $out == *"other_config:flow-limt: unknown key (switchd knows flow-limit, hwaddr, datapath-id, restore-flows)"* ]] \
    || fail "typo: $out"
out=$(swctl set Bridge br9 other_config:flow-limit=5 2>&1) && fail "br9"
[[ $out == *'no row "br9" in table Bridge'* ]] || fail "br9: $out"
[ "$(swofctl --format json stats br0 | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["flow_limit"])')" = 2000000 ] \
    || fail "default limit"

swctl set Bridge br0 other-config:flow-limit=4
[ "$(swctl get Bridge br0 other_config:flow-limit)" = '"4"' ] \
    || fail "get: $(swctl get Bridge br0 other_config:flow-limit)"
swctl list Bridge br0 | grepq '^other_config *: {flow-limit="4"}$' \
    || fail "list: $(swctl list Bridge br0)"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["bridges"][0]
assert b["other_config"] == {"flow-limit": "4"}, b' "$SW_DB" \
    || fail "not in the database: $(cat "$SW_DB")"

# A learner: each source MAC from p1 becomes a flow in table 1.
swofctl del-flows br0
swofctl add-flow br0 "priority=1,in_port=p1 actions=learn(table=1,\
NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:p2"
learn_from() {
    swofctl trace --generate br0 "in_port=p1,dl_src=$1,dl_dst=02:00:00:00:00:99" \
        >/dev/null
}
learn_from 02:00:00:00:00:01
learn_from 02:00:00:00:00:02
learn_from 02:00:00:00:00:03
[ "$(swofctl dump-flows br0 table=1 | grep -c dl_dst)" = 3 ] \
    || fail "three learned: $(swofctl dump-flows br0)"

# At the limit: a client add is refused...
out=$(swofctl add-flow br0 "priority=9,in_port=p2 actions=drop" 2>&1) \
    && fail "add past the limit taken"
[[ $out == *"at its limit of 4 flows"* ]] || fail "refused add: $out"
# ...and a learn evicts the least recently used learned flow (01 and 03
# just talked, 02 did not).
sleep 1.1
learn_from 02:00:00:00:00:01
learn_from 02:00:00:00:00:03
learn_from 02:00:00:00:00:04
flows=$(swofctl dump-flows br0 table=1)
[ "$(echo "$flows" | grep -c dl_dst)" = 3 ] || fail "still three: $flows"
echo "$flows" | grepq "dl_dst=02:00:00:00:00:04" || fail "04 learned: $flows"
echo "$flows" | grepq "dl_dst=02:00:00:00:00:02" && fail "02 kept: $flows"

swofctl --format json stats br0 >"$SWD_DIR/stats.json"
python3 - "$SWD_DIR/stats.json" <<'PY' || fail "stats: $(cat "$SWD_DIR/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["bridge"] == "br0" and s["flow_limit"] == 4 and s["n_flows"] == 4, s
assert s["n_evicted"] == 1 and s["n_add_refused"] == 1, s
assert s["n_learn_failed"] == 0 and s["n_learn_limited"] == 0, s
assert s["vxlan_sockets"] == [], s
PY
swofctl stats br0 | grepq "^  learned flows evicted at the limit: 1$" \
    || fail "stats text: $(swofctl stats br0)"
# The log says so at once (then at most once a minute, with the counts
# since the last line, so a flood is never rate-limited into silence).
wait_for() { for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done; return 1; }
wait_for grep -q "warn|.*br0: 4 flows, limit 4; since the last report: .* 1 flow adds refused" \
    "$SWD_DIR/switchd.log" || fail "no summary in the log"

# learn(limit=N), as ovs-ofctl prints it; refusals are counted.
swctl set Bridge br0 other_config:flow-limit=100
swofctl del-flows br0
swofctl add-flow br0 "priority=1,in_port=p1 actions=learn(table=1,limit=2,\
NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:p2"
swofctl dump-flows --no-stats br0 | grepq "learn(table=1,limit=2,NXM_OF_ETH_DST" \
    || fail "learn limit printed: $(swofctl dump-flows br0)"
for m in 01 02 03 04; do learn_from 02:00:00:00:00:$m; done
[ "$(swofctl dump-flows br0 table=1 | grep -c dl_dst)" = 2 ] \
    || fail "learn limit: $(swofctl dump-flows br0)"
swofctl stats br0 | grepq "^  learns refused by learn(limit): 2$" \
    || fail "learn limit count: $(swofctl stats br0)"

# Clearing other_config brings the default back.
swctl clear Bridge br0 other_config
swofctl stats br0 | grepq "flows, limit 2000000$" || fail "cleared"

# Two vxlan ports on one socket: one entry naming both (in ofport order),
# the same in the text and in the JSON (one print call renders both).
quiet_ns
for p in vx1:127.0.0.2 vx0:127.0.0.1; do
    swctl add-port br0 "${p%%:*}" -- set interface "${p%%:*}" type=vxlan \
        "options:remote_ip=${p#*:}" options:key=42
done
swofctl stats br0 >"$SWD_DIR/stats.txt"
want="vxlan socket 0.0.0.0:4789 (vx1 vx0): dropped 0 from unknown peers, \
0 malformed, 0 with a VNI no port takes, 0 too big, 0 for want of buffer space"
[ "$(tail -n 1 "$SWD_DIR/stats.txt")" = "$want" ] \
    || fail "socket line: $(cat "$SWD_DIR/stats.txt")"
[ "$(head -n 1 "$SWD_DIR/stats.txt")" = "bridge br0: 3 flows, limit 2000000" ] \
    || fail "first line: $(cat "$SWD_DIR/stats.txt")"
[ "$(wc -l <"$SWD_DIR/stats.txt")" = 9 ] || fail "lines: $(cat "$SWD_DIR/stats.txt")"
swofctl --format json stats br0 >"$SWD_DIR/stats.json"
python3 - "$SWD_DIR/stats.json" <<'PY' || fail "stats: $(cat "$SWD_DIR/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert "text" not in s and s["n_learn_limited"] == 2, s
assert s["vxlan_sockets"] == [{
    "local_ip": "0.0.0.0", "dst_port": 4789, "ports": ["vx1", "vx0"],
    "rx_unknown_peer": 0, "rx_bad_header": 0, "rx_wrong_vni": 0,
    "rx_truncated": 0, "rx_overflow": 0}], s
PY
echo PASS
