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
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pid_of() { cat "$(topo_rundir "$1")/switchd.pid" 2>/dev/null ||
           pgrep -f "rundir $(topo_rundir "$1") " | head -n 1; }
p1=$(pid_of 1) p2=$(pid_of 2)
installed() {
    topo_ctl 1 swofctl --json dump-dp-flows br-int |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["installed"])'
}
hz=$(getconf CLK_TCK)
base=20000
echo "| asked flows/s | sent flows/s | sent | received | lost % | entries installed (h1) | switchd CPU h1 | switchd CPU h2 |"
echo "|---|---|---|---|---|---|---|---|"
rates=("$@")
[ "${#rates[@]}" -gt 0 ] || rates=(1000 2000 4000 8000)
for rate in "${rates[@]}"; do
    n=$((rate * SECS))
    net_bg h2 timeout $((SECS * 4 + 10)) python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("0.0.0.0", 9999)); s.settimeout(1.5)
n = 0
try:
    while True:
        s.recv(64); n += 1
except socket.timeout:
    pass
open(sys.argv[1], "w").write(str(n))' "$NET_DIR/recv.$rate"
    sleep 0.3
    i0=$(installed) c1=$(cpu "$p1") c2=$(cpu "$p2")
    topo_exec 1 python3 -c '
import socket, sys, time
dst, n, rate, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t0 = time.monotonic()
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", base + i)); s.sendto(b"x" * 18, (dst, 9999)); s.close()
    ahead = (i + 1) / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
print(round(n / (time.monotonic() - t0)))' "$dst" "$n" "$rate" "$base" >"$NET_DIR/sent.$rate"
    sleep 2
    i1=$(installed) d1=$(( $(cpu "$p1") - c1 )) d2=$(( $(cpu "$p2") - c2 ))
    secs=$(awk -v n="$n" -v r="$(cat "$NET_DIR/sent.$rate")" 'BEGIN { printf "%.2f", n / r }')
    net_wait_for 10 test -s "$NET_DIR/recv.$rate" || true
    achieved=$(cat "$NET_DIR/sent.$rate")
    got=$(cat "$NET_DIR/recv.$rate" 2>/dev/null || echo 0)
    lost=$(awk -v n="$n" -v g="$got" 'BEGIN { printf "%.1f", 100 * (n - g) / n }')
    cpu1=$(awk -v t="$d1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }')
    cpu2=$(awk -v t="$d2" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }')
    echo "| $rate | $achieved | $n | $got | $lost | $((i1 - i0)) | $cpu1 | $cpu2 |"
    base=$((base + n))
done
