#!/usr/bin/env bash
# New flows a second on the kernel fast path (datapath_type=system): host 1
# sends one UDP datagram to each of N distinct 5-tuples (source ports
# 20000..) at RATE a second to host 2 on the article's topology; every one
# misses on both hosts (host 1's TAP, host 2's vxlan device), crosses the
# slow path and leaves a cache entry.  Prints, per rate: datagrams sent and
# received, entries installed on host 1, and the CPU switchd used on host 1
# and host 2 (utime+stime from /proc over the run).
#
# Usage (as root): SW_BIN=build/bin scripts/dp-flowrate.sh [RATE...]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
: "${SW_BIN:=$SRC/build/bin}"
export SW_BIN SW_DATAPATH=system
SECS=${FLOWRATE_SECS:-3}
# shellcheck source=../tests/net/topology.sh
. "$SRC/tests/net/topology.sh"
topo_init
topo_hosts 3
for h in 1 2 3; do topo_article_host "$h"; done
dst=$(topo_overlay_ip 2)
topo_ping 1 "$dst" 3 || net_fail "no ping"
# Where the lost ones went: misses the kernel could not hand up on host 2
# (perf buffer full) and frames host 1's TAP queue dropped.
h2_miss_lost() {
    topo_ctl 2 swofctl --json dump-dp-flows br-tun |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["miss_dropped"])'
}
tap_drops() { topo_exec 1 cat /sys/class/net/br-int/statistics/tx_dropped; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pid_of() { cat "$(topo_rundir "$1")/switchd.pid" 2>/dev/null ||
           pgrep -f "rundir $(topo_rundir "$1") " | head -n 1; }
p1=$(pid_of 1) p2=$(pid_of 2)
installed() {
    topo_ctl 1 swofctl --json dump-dp-flows br-int |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["installed"])'
}
hz=$(getconf CLK_TCK)
echo "| asked flows/s | sent flows/s | sent | received | lost % | entries installed (h1) | switchd CPU h1 | switchd CPU h2 | h1 TAP drops | h2 misses dropped |"
echo "|---|---|---|---|---|---|---|---|---|---|"
rates=("$@")
[ "${#rates[@]}" -gt 0 ] || rates=(1000 2000 4000 8000)
# Distinct 5-tuples: source ports SPORT_LO..SPORT_HI, then the next
# destination port; every rate gets tuples no earlier rate used.
SPORT_LO=10000 SPORT_HI=60999
span=$((SPORT_HI - SPORT_LO + 1))
used=0
flows() {
    topo_ctl 1 swofctl --json dump-dp-flows br-int |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["n_flows"])'
}
few_flows() { [ "$(flows)" -lt 100 ]; }
for rate in "${rates[@]}"; do
    n=$((rate * SECS))
    dport=$((9999 + used / span))
    nports=$(((used + n - 1) / span - used / span + 1))
    # The last rate's entries go idle first (10 s), so that this rate's
    # fit in the cache (32,768 entries).
    net_wait_for 15 few_flows || true
    # The receiver listens on every destination port the run uses, waits
    # as long as it must for the first datagram, stops 1.5 s after the
    # last one, and writes its count however it ends (SIGTERM included).
    # (It used to give up 1.5 s after it started, so a slow start left
    # the count empty, and one destination port capped a run at the
    # source ports left.)
    net_bg h2 timeout $((SECS * 4 + 20)) python3 -c '
import selectors, signal, socket, sys
out, first, nports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
n = 0
def done(*_):
    open(out, "w").write(str(n))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
sel = selectors.DefaultSelector()
for p in range(first, first + nports):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("0.0.0.0", p)); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
open(out + ".ready", "w").close()
while True:
    ev = sel.select(None if n == 0 else 1.5)
    if not ev:
        break
    for k, _ in ev:
        while True:
            try:
                k.fileobj.recv(64); n += 1
            except BlockingIOError:
                break
done()' "$NET_DIR/recv.$rate" "$dport" "$nports"
    net_wait_for 10 test -e "$NET_DIR/recv.$rate.ready" || net_fail "receiver did not start"
    i0=$(installed) c1=$(cpu "$p1") c2=$(cpu "$p2") t0=$(tap_drops) m0=$(h2_miss_lost)
    topo_exec 1 python3 -c '
import socket, sys, time
dst, n, rate, used, lo, span = (sys.argv[1],) + tuple(map(int, sys.argv[2:7]))
t0 = time.monotonic()
for i in range(n):
    k = used + i
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", lo + k % span)); s.sendto(b"x" * 18, (dst, 9999 + k // span)); s.close()
    ahead = (i + 1) / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
print(round(n / (time.monotonic() - t0)))' "$dst" "$n" "$rate" "$used" "$SPORT_LO" "$span" >"$NET_DIR/sent.$rate"
    sleep 2
    i1=$(installed) d1=$(( $(cpu "$p1") - c1 )) d2=$(( $(cpu "$p2") - c2 ))
    secs=$(awk -v n="$n" -v r="$(cat "$NET_DIR/sent.$rate")" 'BEGIN { printf "%.2f", n / r }')
    net_wait_for 15 test -s "$NET_DIR/recv.$rate" || true
    achieved=$(cat "$NET_DIR/sent.$rate")
    got=$(cat "$NET_DIR/recv.$rate" 2>/dev/null || echo 0)
    lost=$(awk -v n="$n" -v g="$got" 'BEGIN { printf "%.1f", 100 * (n - g) / n }')
    cpu1=$(awk -v t="$d1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }')
    cpu2=$(awk -v t="$d2" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }')
    echo "| $rate | $achieved | $n | $got | $lost | $((i1 - i0)) | $cpu1 | $cpu2 | $(($(tap_drops) - t0)) | $(($(h2_miss_lost) - m0)) |"
    used=$((used + n))
done
