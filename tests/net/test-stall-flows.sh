#!/bin/bash
# Issue 16, large flow requests do not stall forwarding, on the article's
# mesh (h2 pings h1 through both switchds every 10 ms; the load is on
# h1's switchd):
#   1. dump-flows of a table of 1,000,000 flows (the issue's figure; in
#      the ASan build the table takes about 25 s to add and the dump about
#      20 s): the dump is streamed in chunks and the table sorted a run
#      per loop turn, so the ping p99 stays within 400 ms of the p99 just
#      before (the machine's own delay, large when a loaded CI machine
#      runs an ASan build), with at most 2% lost.  With 60,000 flows this
#      ASan build measured p99 136-316 ms on a 2-core guest at a load
#      average of 12, against 30-60 ms before; with the table sorted in
#      one piece (but the new comparison) 935 ms; the old sort held the
#      loop for seconds;
#   2. add-flows of 20,000 flows with ten `swofctl monitor` clients that
#      never read: every flow is added, and the ping keeps the same bounds
#      as during the dump.  The file is parsed a piece per loop turn and
#      committed in slices of 5 ms; when the commit was one piece, this
#      ASan build held the loop 0.8-1.3 s for 5,000 flows.
# The flows go to table 200, which no packet visits.
: "${SW_SRC:?SW_SRC must point at the source tree}"

# The loop is what this is about: pinned to netdev, where every ping
# crosses it (on the default datapath, system, the kernel forwards the
# ping whatever the loop does).
export SW_DATAPATH=netdev
. "$SW_SRC/tests/net/topology.sh"
net_run_body stall-flows "large flow requests on the article's mesh" "$@"

topo_init
D=$NET_DIR
topo_hosts 3 # h3 only holds the address of h1's second tunnel peer
for h in 1 2; do
    topo_article_host "$h" 8
done
H1=$(topo_overlay_ip 1)
net_wait_for 15 topo_ping 2 "$H1" 1 || { topo_show_logs; net_fail "no ping before the test"; }

# ping_during OUT CMD...: pings h1 from h2 every 10 ms while CMD runs on
# h1 (at most 150 s); writes "p99_ms loss_percent sent" to OUT.
ping_during() {
    local out=$1 pid rc=0
    shift
    # Started directly so that $! is ping itself (ip netns exec execs
    # it), which prints its summary on SIGINT; -w bounds it anyway.
    ip netns exec "$(topo_ns 2)" ping -n -i 0.01 -W 1 -w 160 "$H1" \
        >"$out.raw" 2>&1 &
    pid=$!
    NET_PIDS+=("$pid")
    sleep 0.5
    timeout 150 "$@" || rc=$?
    sleep 0.5
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || true
    [ "$rc" = 0 ] || net_fail "$* failed ($rc)"
    python3 - "$out.raw" >"$out" 2>"$out.detail" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
times = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms", text))
sent = int(re.search(r"(\d+) packets transmitted", text).group(1))
p99 = times[int(len(times) * 0.99) - 1] if times else 1e9
print("%.1f %.1f %d" % (p99, 100.0 * (sent - len(times)) / max(sent, 1), sent))
print("p50 %.1f ms, p90 %.1f ms, max %.1f ms" % (
    times[len(times) // 2], times[int(len(times) * 0.9)], times[-1]),
    file=sys.stderr)
PY
}
# check_ping WHAT OUT: the ping p99 during the load may exceed the p99 of
# the same ping over 3 s just before (BASE, the machine's own delay) by
# at most 400 ms, with at most 2% lost.
check_ping() {
    local what=$1 out=$2 p99 loss sent b99 bloss bsent
    read -r p99 loss sent <"$out"
    read -r b99 bloss bsent <"$D/ping-base"
    echo "ping during $what: p99 ${p99} ms, ${loss}% of $sent lost ($(cat "$out.detail")); just before: p99 ${b99} ms"
    python3 -c "import sys; sys.exit(0 if $p99 < $b99 + 400 and $loss <= 2 and $sent >= 100 else 1)" ||
        net_fail "ping during $what: p99 ${p99} ms (${b99} ms before), ${loss}% of $sent lost"
}
ofctl1() { topo_ctl 1 swofctl "$@"; }
n_flows() { ofctl1 dump-aggregate br-tun table=200 | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'; }

gen_flows() { # gen_flows N BASE
    python3 -c "
import sys
n, base = int(sys.argv[1]), int(sys.argv[2])
for i in range(base, base + n):
    print('table=200,priority=%d,dl_dst=02:00:%02x:%02x:%02x:01 actions=output:1'
          % (1 + i % 3, (i >> 16) & 255, (i >> 8) & 255, i & 255))
" "$1" "$2"
}

# 1. dump-flows of 1,000,000 flows.
gen_flows 1000000 0 >"$D/dump.flows"
ofctl1 add-flows br-tun "$D/dump.flows"
[ "$(n_flows)" = 1000000 ] || net_fail "table 200 holds $(n_flows) flows"
ping_during "$D/ping-base" sleep 3
t0=$(date +%s.%N)
ping_during "$D/ping-dump" sh -c '"$1" --rundir "$2" dump-flows br-tun table=200 >"$3"' \
    - "$SW_BIN/swofctl" "$(topo_rundir 1)" "$D/dump.out"
echo "1. dump of $(($(wc -l <"$D/dump.out") - 1)) flows in $(echo "$(date +%s.%N) - $t0" | bc) s"
[ "$(wc -l <"$D/dump.out")" = $((1000000 + 1)) ] || net_fail "dump: $(wc -l <"$D/dump.out") lines"
check_ping "dump-flows of 1,000,000 flows" "$D/ping-dump"
ofctl1 del-flows br-tun table=200

# 2. add-flows with ten monitors that never read.
MON=()
for i in $(seq 10); do
    # The socket is a file: no namespace needed, and $! is python.
    python3 - "$(topo_rundir 1)/switchd.sock" <<'PY' &
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b'{"id":1,"method":"monitor","params":{"bridge":"br-tun"}}\n')
time.sleep(60)  # Never reads: its queue fills, the daemon drops events.
PY
    MON+=($!)
    NET_PIDS+=("$!")
done
sleep 1
gen_flows 20000 0 >"$D/add.flows"
ping_during "$D/ping-base" sleep 3
t0=$(date +%s.%N)
ping_during "$D/ping-add" "$SW_BIN/swofctl" --rundir "$(topo_rundir 1)" \
    add-flows br-tun "$D/add.flows"
echo "2. add-flows of 20,000 flows with 10 silent monitors in $(echo "$(date +%s.%N) - $t0" | bc) s"
[ "$(n_flows)" = 20000 ] || net_fail "after add-flows: $(n_flows) flows"
check_ping "add-flows of 20,000 flows with 10 silent monitors" "$D/ping-add"
for pid in "${MON[@]}"; do
    kill "$pid" 2>/dev/null || true
done
echo PASS
