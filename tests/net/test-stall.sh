#!/bin/bash
# Issue 16 on the article's mesh (h1, h2 with switchd; h3's address is
# h1's second tunnel peer, played by a flooding script):
#   1. the stranded datagram: h1's switchd stopped (SIGSTOP), 130
#      datagrams from an unknown peer then one valid one queued, SIGCONT:
#      the valid one reaches br-int within 2 s with nothing else arriving
#      (it used to wait for the next datagram), and stats counts the 130;
#   2. a junk flood (scaled: 100,000 datagrams at up to 100k/s, as fast as
#      python sends them here): ping h2 -> h1 every 10 ms meanwhile, p99
#      under 200 ms and at most 5% lost;
#   3. a learn storm from the flooding peer (scaled: 20,000 new source
#      MACs at 5,000/s against other_config:flow-limit=5000): ping p99
#      under STORM_P99_MS and at most STORM_LOSS % lost meanwhile; the
#      table stays at the limit, stats counts evictions, RSS stays
#      bounded; h2 still reaches h1 afterwards (that its replies are
#      unicast is checked in unit/test-ofproto, not here yet);
#   4. a mass expiry: without the limit, 200,000 new MACs at up to
#      40,000/s (the daemon takes in what it can), then, while their
#      flows (hard_timeout 8 s) expire at the rate they came: ping p99
#      under EXPIRY_P99_MS, at most EXPIRY_LOSS % lost, and at most
#      EXPIRY_CPU_US of the daemon's CPU per expired flow.
# The ping bounds are what the ASan build measured at worst on a 2-core
# machine shared with five other builds (storm p99 up to 0.8 s at
# 15,000/s; the expiry under 50 ms; docs/performance.md), with margin:
# they catch a loop that stops forwarding, not a slow one.  The CPU
# bound is what tells the expiry wheel from the walk over every flow
# it replaced (3-6 against 13 us per flow, the same machine).
# The old daemon also missed 1 (the datagram never came) and 3 (no limit
# to set).
STORM_P99_MS=${STORM_P99_MS:-1000}
STORM_LOSS=${STORM_LOSS:-10}
EXPIRY_P99_MS=${EXPIRY_P99_MS:-300}
EXPIRY_LOSS=${EXPIRY_LOSS:-5}
EXPIRY_CPU_US=${EXPIRY_CPU_US:-9}
: "${SW_SRC:?SW_SRC must point at the source tree}"

# The userspace receive path is what this is about: pinned to netdev
# (the default datapath is system).
export SW_DATAPATH=netdev
. "$SW_SRC/tests/net/topology.sh"
net_run_body stall "stalls and exhaustion on the article's mesh" "$@"

topo_init
D=$NET_DIR
FLOOD="python3 $SW_SRC/tests/net/vxlan-flood.py"

topo_hosts 3
for h in 1 2; do
    topo_article_host "$h" 8
done
U1=$(topo_underlay_ip 1) U2=$(topo_underlay_ip 2) U3=$(topo_underlay_ip 3)
# An address no tunnel names, for the unknown peer.
topo_exec 3 ip addr add 192.168.33.99/24 dev eth1
net_wait_for 15 topo_ping 2 "$(topo_overlay_ip 1)" 1 || { topo_show_logs; net_fail "no ping before the test"; }
SWD1=$(topo_exec 1 cat "$(topo_rundir 1)/switchd.pid")

stats() { topo_ctl 1 swofctl --format json stats br-tun; }
jfield() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
rss_mb() { echo $(($(awk '/^VmRSS/ {print $2}' "/proc/$SWD1/status") / 1024)); }
# CPU time h1's switchd used so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SWD1/stat"; }

# ping_p99 SECONDS OUT: pings h1 from h2 every 10 ms for SECONDS; writes
# "p99_ms loss_percent" to OUT.
ping_p99() {
    local secs=$1 out=$2
    # -w: for SECS whatever the pace; on a loaded machine ping sends
    # fewer than one every 10 ms, and counting the unsent as lost (-c)
    # made losses up.
    topo_exec 2 timeout $((secs + 5)) ping -n -i 0.01 -W 1 \
        -w "$secs" "$(topo_overlay_ip 1)" >"$out.raw" 2>&1 || true
    python3 - "$out.raw" "$((secs * 100))" >"$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
times = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms", text))
m = re.search(r"(\d+) packets transmitted", text)
sent = max(int(m.group(1)) if m else int(sys.argv[2]), 1)
p99 = times[int(len(times) * 0.99) - 1] if times else 1e9
print("%.1f %.1f" % (p99, 100.0 * (sent - len(times)) / sent))
PY
}
# check_ping WHAT OUT [P99_MS [LOSS_PERCENT]]: the bounds (200 ms, 5%).
check_ping() {
    local what=$1 out=$2 max_p99=${3:-200} max_loss=${4:-5} p99 loss
    read -r p99 loss <"$out"
    echo "ping during $what: p99 ${p99} ms, ${loss}% lost (bounds $max_p99 ms, $max_loss%)"
    python3 -c "import sys; sys.exit(0 if $p99 < $max_p99 and $loss <= $max_loss else 1)" ||
        net_fail "ping during $what: p99 ${p99} ms, ${loss}% lost"
}

# 1. The stranded datagram.
net_tcpdump_start h1 br-int "$D/marker.pcap" ether proto 0x88b6
kill -STOP "$SWD1"
topo_exec 3 $FLOOD 192.168.33.99 "$U1" macs 130 0 >/dev/null
topo_exec 3 $FLOOD "$U3" "$U1" marker 1 0 >/dev/null
sleep 0.3
kill -CONT "$SWD1"
marker_seen() { [ "$(tcpdump -r "$D/marker.pcap" 2>/dev/null | grep -c .)" -ge 1 ]; }
net_wait_for 2 marker_seen || net_fail "the valid datagram behind 130 junk ones was stranded"
net_tcpdump_stop
[ "$(stats | jfield '["vxlan_sockets"][0]["rx_unknown_peer"]')" -ge 130 ] ||
    net_fail "unknown peers not counted: $(stats)"
echo "1. stranded datagram delivered; 130 unknown-peer datagrams counted"

# 2. Junk flood.
topo_exec 3 $FLOOD "$U3" "$U1" junk 100000 100000 >"$D/junk.out" &
JPID=$!
NET_PIDS+=("$JPID")
ping_p99 4 "$D/ping-junk"
wait "$JPID" || true
echo "2. junk flood: $(cat "$D/junk.out")"
check_ping "a junk flood" "$D/ping-junk"
grep -q "vxlan socket 0.0.0.0:4789 dropped" "$(topo_rundir 1)/switchd.log" ||
    net_fail "no drop summary in the log"

# 3. Learn storm against a flow limit.
topo_ctl 1 swctl set Bridge br-tun other_config:flow-limit=5000
rss0=$(rss_mb)
topo_exec 3 $FLOOD "$U3" "$U1" macs 20000 5000 >"$D/storm.out" &
SPID=$!
NET_PIDS+=("$SPID")
ping_p99 4 "$D/ping-storm"
wait "$SPID" || true
echo "3. learn storm: $(cat "$D/storm.out")"
check_ping "a learn storm" "$D/ping-storm" "$STORM_P99_MS" "$STORM_LOSS"
st=$(stats)
n_flows=$(echo "$st" | jfield '["n_flows"]')
evicted=$(echo "$st" | jfield '["n_evicted"]')
rss1=$(rss_mb)
echo "   flows $n_flows (limit 5000), evicted $evicted, RSS $rss0 -> $rss1 MB"
[ "$n_flows" -le 5000 ] && [ "$evicted" -ge 14000 ] || net_fail "limit: $st"
[ $((rss1 - rss0)) -lt 200 ] || net_fail "RSS grew from $rss0 to $rss1 MB"
# h2 still reaches h1 after the storm (its MAC is learned again at the
# limit by evicting a flooded one).
topo_ping 2 "$(topo_overlay_ip 1)" 5 || net_fail "h2 cannot ping h1 after the storm"

# 4. Mass expiry: the learned flows have an 8 s hard timeout.  The storm
# above leaves at most 5,000 learned flows; a second one, without the
# limit, learns as many as the daemon takes in (the sender outruns it),
# and the ping runs while they expire.
sleep 9
topo_ctl 1 swctl set Bridge br-tun other_config:flow-limit=2000000
expired0=$(stats | jfield '["n_expired"]')
# What the pings alone cost the daemon over the 8 s window below (4 s
# of them, twice), taken off its CPU during the expiry.
cpu0=$(cpu_ticks)
ping_p99 4 "$D/ping-idle"
idle=$((2 * ($(cpu_ticks) - cpu0)))
topo_exec 3 $FLOOD "$U3" "$U1" macs 200000 40000 7 >"$D/storm2.out"
learned=$(stats | jfield '["n_flows"]')
echo "4. second storm: $(cat "$D/storm2.out"), $learned flows"
sleep 2
cpu0=$(cpu_ticks)
ping_p99 8 "$D/ping-expiry"
cpu=$(($(cpu_ticks) - cpu0 - idle))
cpu=$((cpu > 0 ? cpu : 0))
expired=$(($(stats | jfield '["n_expired"]') - expired0))
echo "   expiry: $expired flows expired, $(stats | jfield '["n_flows"]') left, RSS $(rss_mb) MB, daemon CPU ${cpu}0 ms"
[ "$expired" -ge $((learned / 2)) ] || net_fail "the storm's flows did not expire: $(stats)"
check_ping "a mass expiry" "$D/ping-expiry" "$EXPIRY_P99_MS" "$EXPIRY_LOSS"
# What the expiry costs the daemon, in CPU time (which, unlike the
# ping, the machine's other load does not inflate), less what the pings
# cost alone: at most EXPIRY_CPU_US per expired flow.  The ASan daemon
# measured 3-6 us (more when it took in fewer flows); before the expiry
# wheel 13 us at 98,000 flows, and more the larger the table (each
# pass walked every flow with a timeout).
us=$((cpu * 10000 / (expired > 0 ? expired : 1)))
echo "   expiry CPU: $us us per expired flow (bound $EXPIRY_CPU_US us)"
[ "$us" -le "$EXPIRY_CPU_US" ] || net_fail "expiry cost $us us of CPU per flow"
echo PASS
