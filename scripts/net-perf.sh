#!/usr/bin/env bash
# Overlay performance, switchd against the Linux kernel, in one run.
#
# Builds the article's three hosts three times, one world after the other:
#   switchd: each host runs switchd with br-int, br-tun, the patch pair,
#            vxlan ports and the article's nine flows (tests/net/topology.sh),
#            on the userspace datapath (datapath_type=netdev);
#   system:  the same with datapath_type=system (the kernel fast path);
#   kernel:  each host has a Linux bridge br0 with a kernel vxlan device
#            (VNI 0, unicast flooding with "bridge fdb append" entries).
# In both, host 1 (10.1.1.2) measures against host 2 (10.1.1.3) over VXLAN:
#   - TCP throughput: iperf3, one stream, 5 s;
#   - 64-byte UDP: iperf3 -u -l 64 at UDP_RATE, packets delivered a second;
#   - latency: 20 pings 0.05 s apart (after a warm-up ping, so ARP and
#     MAC learning are done and the flows are the steady-state ones).
# Prints both worlds side by side with the ratio switchd / kernel, plus the
# machine and date, as a Markdown table for docs/performance.md.
#
# Usage (as root): scripts/net-perf.sh
# Uses the programs in $SW_BIN if set, else build-perf/bin (a Release build
# made on first use: numbers from a sanitizer build mean little).
#
# Comparing two builds (A/B) on a shared machine: NET_PERF_OLD_BIN=DIR adds
# the world "old" (the userspace datapath with the programs in DIR), and
# NET_PERF_ROUNDS=N runs the worlds N times, interleaved, one table a
# round, so that old, new and the kernel meet the same load, and ends
# with the TCP figures summed up (mean, min, max; against the kernel the
# ratio of the means and the mean and median of the rounds' ratios: the
# kernel's own figure swings by half on a shared machine).  Also:
#   NET_PERF_WORLDS   the worlds, in order (default: switchd system kernel,
#                     or old switchd kernel with NET_PERF_OLD_BIN)
#   NET_PERF_TESTS    which of tcp ping udp to run (default: all three)
# Every step is bounded in time; everything it creates is removed on exit,
# failure or Ctrl-C (tests/net/lib.sh).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
IPERF_SECS=${NET_PERF_SECS:-5}
PINGS=${NET_PERF_PINGS:-20}
# Offered load of the 64-byte UDP test (iperf3 -b; 64-byte payloads, so
# 100M is about 195,000 packets a second).
UDP_RATE=${NET_PERF_UDP_RATE:-100M}

# One world, in a child process of its own so that each has its own prefix
# and cleanup: prints "RESULT key=value ...".
if [ "${1:-}" = --world ]; then
    world=$2
    if [ "$world" = system ]; then
        export SW_DATAPATH=system
    elif [ "$world" = old ]; then
        SW_BIN=$NET_PERF_OLD_BIN
        export SW_DATAPATH=netdev
    else
        export SW_DATAPATH=netdev # system is the default now
    fi
    # shellcheck source=../tests/net/topology.sh
    . "$SRC/tests/net/topology.sh"
    topo_init
    topo_hosts 3
    for h in 1 2 3; do
        if [ "$world" != kernel ]; then
            topo_article_host "$h"
        else
            topo_kernel_host "$h"
        fi
    done
    dst=$(topo_overlay_ip 2)
    # Warm up: ARP, MAC learning, learned flows.
    net_wait_for 10 topo_ping 1 "$dst" 1 ||
        net_fail "$world: host 1 cannot reach $dst"
    topo_ping 1 "$dst" 3

    has_test() { [[ " ${NET_PERF_TESTS:-tcp ping udp} " == *" $1 "* ]]; }
    rmin=- ravg=- rmax=- loss=- mbps=- retr=- udp_sent=- udp_kpps=- udp_lost=-
    if has_test ping; then
        ping_out=$(topo_exec 1 timeout 30 ping -q -c "$PINGS" -i 0.05 -W 2 "$dst")
        rtt=$(echo "$ping_out" | sed -n 's|.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\)/.*|\1 \2 \3|p')
        loss=$(echo "$ping_out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
        read -r rmin ravg rmax <<<"$rtt"
    fi

    listening() { net_exec h2 ss -Hltn "sport = :5201" | grep -q .; }
    # switchd_ticks: CPU time (clock ticks, user + system) of the switchd
    # of hosts 1 and 2 together, 0 in the kernel world.
    switchd_ticks() {
        local h pid total=0
        if [ "$world" != kernel ]; then
            for h in 1 2; do
                pid=$(cat "$(topo_rundir "$h")/switchd.pid")
                total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
            done
        fi
        echo "$total"
    }
    cpu=-
    if has_test tcp; then
        net_bg h2 timeout $((IPERF_SECS + 25)) iperf3 -s -1 -B "$dst"
        net_wait_for 10 listening || net_fail "$world: iperf3 server did not start"
        ticks0=$(switchd_ticks)
        iperf_out=$(topo_exec 1 timeout $((IPERF_SECS + 20)) iperf3 -c "$dst" \
            -t "$IPERF_SECS" -f m)
        mbps=$(echo "$iperf_out" | awk '/receiver/ {for (i = 1; i <= NF; i++)
            if ($i == "Mbits/sec") print $(i - 1)}' | tail -n 1)
        retr=$(echo "$iperf_out" | awk '/sender/ {print $(NF - 1)}' | tail -n 1)
        [ -n "$mbps" ] || net_fail "$world: no iperf3 result:
$iperf_out"
        # What a gigabyte costs the two switchd processes in CPU seconds:
        # less swayed by the other load on the machine than the rate.
        if [ "$world" != kernel ]; then
            cpu=$(awk -v t="$(($(switchd_ticks) - ticks0))" -v hz="$(getconf CLK_TCK)" \
                -v mbps="$mbps" -v secs="$IPERF_SECS" \
                'BEGIN { gb = mbps * secs / 8000; printf "%.2f", (gb > 0 ? t / hz / gb : 0) }')
        fi
        if [ "$world" != kernel ]; then
            # Host 1's tunnel to host 2 and host 2's internal port: frames
            # and bytes, so a run shows how big its writes and sends were.
            topo_ctl 1 swofctl dump-ports br-tun 5 >&2 || true
            topo_ctl 2 swofctl dump-ports br-int LOCAL >&2 || true
        fi
    fi
    if has_test udp; then
        # 64-byte UDP at a fixed offered load (UDP_RATE): what arrives.
        net_bg h2 timeout $((IPERF_SECS + 25)) iperf3 -s -1 -B "$dst"
        net_wait_for 10 listening || net_fail "$world: iperf3 server did not start"
        udp_json=$(topo_exec 1 timeout $((IPERF_SECS + 20)) iperf3 -c "$dst" -u \
            -l 64 -b "$UDP_RATE" -t "$IPERF_SECS" -J)
        read -r udp_sent udp_kpps udp_lost < <(echo "$udp_json" | python3 -c '
import json, sys
e = json.load(sys.stdin)["end"]
s = e["sum"]
secs = s["seconds"] or 1
sent = s["packets"]
lost = s["lost_packets"]
print(round(sent / secs / 1000, 1), round((sent - lost) / secs / 1000, 1),
      round(100.0 * lost / sent, 1) if sent else 0)')
    fi
    echo "RESULT world=$world tcp_mbps=$mbps retr=$retr tcp_cpu=$cpu rtt_min=$rmin rtt_avg=$ravg rtt_max=$rmax loss=$loss udp_sent_kpps=$udp_sent udp_kpps=$udp_kpps udp_lost=$udp_lost"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "net-perf.sh: run as root (it creates network namespaces)" >&2
    exit 1
fi
for t in iperf3 ping tcpdump; do
    command -v "$t" >/dev/null || { echo "net-perf.sh: $t not found" >&2; exit 1; }
done
if [ -z "${SW_BIN:-}" ]; then
    SW_BIN=$SRC/build-perf/bin
    if [ ! -x "$SW_BIN/switchd" ] || [ ! -x "$SW_BIN/swctl" ] || [ ! -x "$SW_BIN/swofctl" ]; then
        echo "== building switchd (Release) in build-perf/"
        cmake -S "$SRC" -B "$SRC/build-perf" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$SRC/build-perf" -j"$(nproc)" --target switchd swctl swofctl >/dev/null
    fi
fi
export SW_BIN

if [ -n "${NET_PERF_OLD_BIN:-}" ]; then
    [ -x "$NET_PERF_OLD_BIN/switchd" ] ||
        { echo "net-perf.sh: no switchd in NET_PERF_OLD_BIN=$NET_PERF_OLD_BIN" >&2; exit 1; }
    NET_PERF_OLD_BIN=$(cd "$NET_PERF_OLD_BIN" && pwd)
    export NET_PERF_OLD_BIN
    WORLDS=${NET_PERF_WORLDS:-old switchd kernel}
else
    WORLDS=${NET_PERF_WORLDS:-switchd system kernel}
fi
export NET_PERF_TESTS
ROUNDS=${NET_PERF_ROUNDS:-1}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
label() {
    case $1 in
    switchd) echo "switchd netdev" ;;
    old) echo "switchd netdev, old build" ;;
    system) echo "switchd system" ;;
    kernel) echo "Linux kernel vxlan" ;;
    esac
}
short() {
    case $1 in
    switchd) echo netdev ;;
    *) echo "$1" ;;
    esac
}
# row TITLE KEY [ratio]: one metric across the worlds, then each world's
# ratio to the kernel's when asked for and the kernel ran.
row() {
    local title=$1 key=$2 want_ratio=${3:-} w line
    line="| $title |"
    for w in $WORLDS; do
        line+=" ${R[$w.$key]:--} |"
    done
    if [ -n "$HAVE_KERNEL" ]; then
        for w in $WORLDS; do
            [ "$w" = kernel ] && continue
            if [ -n "$want_ratio" ]; then
                line+=" $(ratio "${R[$w.$key]:-}" "${R[kernel.$key]:-}") |"
            else
                line+=" |"
            fi
        done
    fi
    echo "$line"
}

build=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$SW_BIN/../CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
sanitize=$(grep -m1 '^SW_SANITIZE:' "$SW_BIN/../CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
HAVE_KERNEL=
if [[ " $WORLDS " == *" kernel "* ]]; then
    HAVE_KERNEL=1
fi
cat <<EOF

Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) CPUs; kernel $(uname -r)
Date: $(date -u +%Y-%m-%d); switchd build: ${build:-?}${sanitize:+, SW_SANITIZE=$sanitize}${NET_PERF_OLD_BIN:+; old build: $NET_PERF_OLD_BIN}
Topology: the article's 3 hosts (namespaces, veth underlay, MTU 1500,
overlay MTU 1450); host 1 -> host 2; iperf3 -t $IPERF_SECS, one TCP stream;
ping -c $PINGS -i 0.05.
EOF
declare -A R
# Each round's TCP figure per world ("w1 w2 ..."), for the summary.
declare -A TCP_ROUNDS
for round in $(seq 1 "$ROUNDS"); do
    R=()
    for world in $WORLDS; do
        echo "== round $round, $world: 3 hosts, host 1 -> host 2 (iperf3 ${IPERF_SECS}s, $PINGS pings)" >&2
        out=$(timeout 180 bash "$0" --world "$world" | grep '^RESULT') || {
            echo "net-perf.sh: the $world run failed" >&2
            exit 1
        }
        echo "$out" >&2
        for kv in ${out#RESULT }; do
            R[$world.${kv%%=*}]=${kv#*=}
        done
        TCP_ROUNDS[$world]+="${R[$world.tcp_mbps]:--} "
    done

    head="| metric |"
    sep="|---|"
    for w in $WORLDS; do
        head+=" $(label "$w") |"
        sep+="---|"
    done
    if [ -n "$HAVE_KERNEL" ]; then
        for w in $WORLDS; do
            [ "$w" = kernel ] && continue
            head+=" $(short "$w") / kernel |"
            sep+="---|"
        done
    fi
    if [ "$ROUNDS" -gt 1 ]; then
        printf '\nRound %s of %s (load average %s):\n' "$round" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)"
    fi
    echo
    echo "$head"
    echo "$sep"
    row "TCP throughput (Mbit/s)" tcp_mbps ratio
    row "TCP retransmissions" retr
    row "switchd CPU s per GB (hosts 1+2)" tcp_cpu
    row "ping RTT min (ms)" rtt_min ratio
    row "ping RTT avg (ms)" rtt_avg ratio
    row "ping RTT max (ms)" rtt_max ratio
    row "ping loss (%)" loss
    row "64-byte UDP offered (kpps)" udp_sent_kpps
    row "64-byte UDP delivered (kpps)" udp_kpps ratio
    row "64-byte UDP lost (%)" udp_lost
done

# Several rounds: the TCP figures summed up, since one round on a shared
# machine says little (docs/performance.md).  Against the kernel, per
# world: the ratio of the means, and the mean and median of the rounds'
# ratios (rounds where either figure is missing are left out).
if [ "$ROUNDS" -gt 1 ] && [[ " ${NET_PERF_TESTS:-tcp} " == *" tcp "* ]]; then
    printf '\nTCP over %s rounds (Mbit/s):\n\n' "$ROUNDS"
    echo "| world | mean | min | max | mean / kernel mean | mean of round ratios | median round ratio |"
    echo "|---|---|---|---|---|---|---|"
    for w in $WORLDS; do
        awk -v w="$(label "$w")" -v mine="${TCP_ROUNDS[$w]}" \
            -v kern="${TCP_ROUNDS[kernel]:-}" -v is_kernel="$([ "$w" = kernel ] && echo 1)" '
        BEGIN {
            n = split(mine, a, " "); split(kern, k, " ")
            for (i = 1; i <= n; i++) {
                if (a[i] + 0 <= 0) continue
                m++; sum += a[i]
                if (!min || a[i] < min) min = a[i]
                if (a[i] > max) max = a[i]
                if (!is_kernel && k[i] + 0 > 0) {
                    r[++nr] = a[i] / k[i]; rsum += r[nr]; ksum += k[i]; asum += a[i]
                }
            }
            if (!m) exit
            line = sprintf("| %s | %.0f | %.0f | %.0f |", w, sum / m, min, max)
            if (nr) {
                for (i = 1; i <= nr; i++)        # insertion sort: a few rounds
                    for (j = i; j > 1 && r[j] < r[j - 1]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
                med = nr % 2 ? r[(nr + 1) / 2] : (r[nr / 2] + r[nr / 2 + 1]) / 2
                line = line sprintf(" %.3f | %.3f | %.3f |", asum / ksum, rsum / nr, med)
            } else {
                line = line " | | |"
            }
            print line
        }'
    done
fi
