#!/usr/bin/env bash
# The article's Open vSwitch walkthrough, run with switchd on three hosts.
#
# Three network namespaces play hosts 192.168.33.12/.13/.14 on one
# underlay segment.  Each runs its own switchd with br-int (internal port
# 10.1.1.2/.3/.4), br-tun, the patch pair, one VXLAN port per peer and the
# article's nine flows.  The script pings across the overlay, shows what
# tcpdump sees on the underlay and what table 20 learned, then removes
# everything it made (also on failure or Ctrl-C).
#
# Usage (as root): examples/article-ovs.sh
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SW_BIN:-$SRC/build/bin}

if [ ! -x "$BIN/switchd" ] || [ ! -x "$BIN/swctl" ] || [ ! -x "$BIN/swofctl" ]; then
    echo "== building switchd (first run)"
    bash "$SRC/scripts/install-deps.sh"
    cmake -S "$SRC" -B "$SRC/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$SRC/build" -j"$(nproc)" >/dev/null
    BIN=$SRC/build/bin
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "article-ovs.sh: run as root (it creates network namespaces)" >&2
    exit 1
fi

# shellcheck source=../tests/net/topology.sh
. "$SRC/tests/net/topology.sh"
topo_init "swa$$"
trap topo_cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

say "underlay 192.168.33.0/24 with three hosts"
topo_article_hosts
for h in 1 2 3; do
    topo_start_switchd "$h"
done

say "host 1: the article's commands"
topo_article_bridges 1 echo
for h in 2 3; do
    topo_article_bridges "$h" true
done

say "host 1: swofctl show br-tun"
topo_ctl 1 swofctl show br-tun

for h in 1 2 3; do
    topo_article_flows "$h" "$([ "$h" = 1 ] && echo echo || echo true)"
done

say "host 1: table 20 before any traffic"
topo_ctl 1 swofctl dump-flows br-tun table=20

say "host 1: ping 10.1.1.4 -c 2 (tcpdump on host 3's underlay)"
topo_tcpdump_start 3 "udp port 4789" 6
topo_exec 1 ping -c 2 -W 2 10.1.1.4
topo_tcpdump_show

say "every host pings every other overlay address"
for h in 1 2 3; do
    for peer in 2 3 4; do
        [ "$peer" -eq $((h + 1)) ] && continue
        printf 'host %s -> 10.1.1.%s: ' "$h" "$peer"
        topo_exec "$h" ping -c 1 -W 2 "10.1.1.$peer" >/dev/null && echo ok
    done
done

say "host 1: table 20 after the pings (learned flows)"
topo_ctl 1 swofctl dump-flows br-tun table=20

say "host 1: br-int MAC table (NORMAL)"
topo_ctl 1 swofctl fdb-show br-int

say "done; cleaning up"
