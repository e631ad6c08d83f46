#!/bin/bash
# The article's three-host mesh survives restarts of its switchd (issue
# 16: a restarted br-tun used to come back with NORMAL and flood the
# underlay for ever, 275,000 VXLAN packets in 5 s).
#   1. Each host's switchd is killed (kill -9) and started again with the
#      same database, one after the other, while h1 pings h3: every
#      bridge restores its saved flows (the log says so), table 20's
#      learned flows are there on each host before any new traffic could
#      have taught them (h2 carries none), the ping comes back within a
#      bound (the longest gap and the time from the last restart to the
#      next reply are printed), and the underlay stays quiet: the VXLAN
#      packets of the whole window are bounded (a storm is 10^5).
#   2. br-int's address, link state and MAC are the same after the
#      restarts (persistent TAPs), so peers' ARP entries stay right; only
#      the restarted host re-asks (the kernel flushed its own entries when
#      the TAP lost carrier): a few ARP broadcasts, bounded.
#   3. With br-tun secure and --no-restore-flows (no saved flows, no
#      NORMAL either), a restart is quiet too: nothing floods.
#   4. The run leaves no namespace, link or daemon behind.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body restart-mesh "the article's mesh, restarted" "$@"

topo_init
D=$NET_DIR
topo_hosts 3
declare -A PID MAC
for h in 1 2 3; do
    topo_article_host "$h"
    PID[$h]=$NET_BG_PID
    MAC[$h]=$(topo_mac "$h" br-int)
done

learned() {
    topo_ctl "$1" swofctl dump-flows br-tun table=20 | grep -c 'priority=1,' || true
}

# Every host learns every other.
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$p" -eq "$h" ] && continue
        topo_ping "$h" "$(topo_overlay_ip "$p")" ||
            { topo_show_logs; net_fail "h$h cannot ping h$p"; }
    done
done
for h in 1 2 3; do
    [ "$(learned "$h")" -eq 2 ] || net_fail "h$h learned $(learned "$h") MACs, not 2"
done
# Saved within a second of the last learn.
saved_learned() {
    [ "$(grep -c 'priority=1,dl_dst=' "$(topo_rundir "$1")/conf.json.flows/br-tun")" -eq 2 ]
}
for h in 1 2 3; do
    # Saves are coalesced (at most one a second, longer after a slow
    # one) and a loaded machine runs them late: a generous bound.
    net_wait_for 15 saved_learned "$h" || net_fail "h$h's learned flows were not saved: $(cat "$(topo_rundir "$h")/conf.json.flows/br-tun"; tail -3 "$(topo_rundir "$h")/switchd.log")"
done

# restart H [ARGS]: kill -9 host H's switchd, start it again, same db.
restart() {
    local h=$1
    shift
    kill -9 "${PID[$h]}"
    wait "${PID[$h]}" 2>/dev/null || true
    local dir
    dir=$(topo_rundir "$h")
    net_bg "h$h" "$SW_BIN/switchd" --rundir "$dir" --db "$dir/conf.json" \
        --log-file "$dir/switchd.log" "$@"
    PID[$h]=$NET_BG_PID
    net_wait_for 10 topo_switchd_ready "$h" || net_fail "h$h did not restart"
}

# ---- 1 and 2. kill -9 each switchd in turn while h1 pings h3. ----
topo_ul_tcpdump_start "$D/restart.pcap" udp port 4789
topo_exec 1 ping -D -n -i 0.2 -W 1 -w 30 "$(topo_overlay_ip 3)" >"$D/ping.txt" 2>&1 &
ping_pid=$!
sleep 1
for h in 1 2 3; do
    restart "$h"
    grep -q "br-tun: restored 11 flows" "$(topo_rundir "$h")/switchd.log" ||
        net_fail "h$h: no restore: $(tail -3 "$(topo_rundir "$h")/switchd.log")"
    # Right after the restart, before traffic could teach them again.
    n=$(learned "$h")
    [ "$n" -eq 2 ] || net_fail "h$h: $n learned flows in table 20 after restart, not 2"
done
restarted=$(date +%s.%N)
# The first reply after the last restart, within 5 s.
net_wait_for 5 sh -c "awk -v t=$restarted '/bytes from/ { gsub(/[\\[\\]]/, \"\", \$1); if (\$1 > t) f = 1 } END { exit !f }' '$D/ping.txt'" ||
    net_fail "no ping reply within 5 s of the last restart: $(tail -5 "$D/ping.txt")"
sleep 1
kill -INT "$ping_pid" 2>/dev/null || true
wait "$ping_pid" 2>/dev/null || true
topo_tcpdump_stop

first=$(awk -v t="$restarted" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 > t) { printf "%.0f", ($1 - t) * 1000; exit } }' "$D/ping.txt")
gap=$(awk '/bytes from/ { gsub(/[\[\]]/, "", $1); if (p && $1 - p > g) g = $1 - p; p = $1 } END { printf "%.0f", g * 1000 }' "$D/ping.txt")
tcpdump -r "$D/restart.pcap" -nn -e 2>/dev/null >"$D/restart.txt"
vx=$(net_count "VXLAN" "$D/restart.txt")
arp=$(net_count "ARP" "$D/restart.txt")
bcast=$(net_count "> ff:ff:ff:ff:ff:ff" "$D/restart.txt")
echo "restart window: first reply ${first} ms after the last restart, longest gap ${gap} ms, $vx VXLAN packets on the underlay, $arp with ARP inside ($bcast broadcast)"
[ "$gap" -lt 5000 ] || net_fail "pings stopped for $gap ms"
# About 5 echo requests and replies a second for ~10 s, each crossing
# once: a storm would be 10^5.
[ "$vx" -lt 400 ] || net_fail "$vx VXLAN packets during the restarts: a flood"
# The peers' ARP entries stay right (same MACs): no peer has to wait for
# an entry to expire.  The restarted host's own entries go: the kernel
# flushes a device's neighbours when it loses carrier (the TAP has no
# reader while switchd is down), so each restarted host that talks asks
# once per peer, answered at once: at most one broadcast per host and
# peer here.
[ "$bcast" -le 6 ] || net_fail "$bcast broadcasts crossed the underlay"
for h in 1 2 3; do
    [ "$(topo_mac "$h" br-int)" = "${MAC[$h]}" ] || net_fail "h$h's br-int MAC changed"
    topo_exec "$h" ip -br addr show dev br-int | grepq "$(topo_overlay_ip "$h")/24" ||
        net_fail "h$h's br-int lost its address"
done

# ---- 3. Secure br-tun without saved flows: a quiet restart. ----
for h in 1 2 3; do
    # A mode change removes the flows (as OVS): put them back.
    topo_ctl "$h" swctl set-fail-mode br-tun secure
    topo_article_flows "$h" false
done
topo_ping 1 "$(topo_overlay_ip 3)" || net_fail "no ping with secure br-tun"
topo_ul_tcpdump_start "$D/secure.pcap" udp port 4789
for h in 1 2 3; do
    restart "$h" --no-restore-flows
    out=$(topo_ctl "$h" swofctl dump-flows --no-stats br-tun)
    [ -z "$out" ] || net_fail "h$h: secure br-tun has flows: $out"
done
# Broadcasts from every host: with NORMAL each would circulate for ever.
for h in 1 2 3; do
    topo_exec "$h" ping -q -b -c 2 -i 0.2 -W 1 10.1.1.255 >/dev/null 2>&1 || true
done
sleep 1
topo_tcpdump_stop
vx=$(tcpdump -r "$D/secure.pcap" -nn 2>/dev/null | grep -c VXLAN || true)
echo "secure restart without flows: $vx VXLAN packets"
[ "$vx" -eq 0 ] || net_fail "$vx VXLAN packets from secure bridges without flows"
echo PASS
