#!/usr/bin/env bash
# swagent on a real 3-member etcd cluster and SA_HOSTS hosts (default 20),
# each a namespace with switchd, swagent and one VM port (an internal port
# vmH, 10.1.0.H/16), on one underlay bridge.  Hosts 1..N-2 serve VNI 100,
# hosts N-1 and N VNI 200; host N also has a second VM (its own namespace,
# a veth on br-int) in VNI 100.  Checked, each with a bounded wait:
#   1. convergence: every agent in line with etcd, every VM of a VNI
#      reaches every other VM of that VNI (all pairs), and not the VMs of
#      the other VNI, remote or on the same host;
#   2. no broadcast inner frame on the underlay: ARP caches flushed, pings
#      again, tcpdump of the underlay sees only unicast ICMP (the ARP
#      responders answered on each host);
#   3. a VM move (port deleted on host 5, created on host 6 with the same
#      MAC): every host re-points it, host 5 does not re-assert it;
#   4. a host killed with -9 (switchd and swagent): every other host drops
#      its endpoint and its VTEP once the lease expires;
#   5. an etcd member killed: the agents on it move to another member, no
#      flow is dropped, a new endpoint still propagates; the member returns;
#   6. all of etcd down: forwarding goes on (a ping runs across the outage),
#      the agents come back in line with the store after etcd returns;
#   7. switchd restarted (without its saved flows) on host 3: the agent
#      reconnects and installs its flows again.
# Figures (convergence, re-point and withdrawal times, from the agents'
# own clocks) are printed; the bounds asserted (2 s, TTL + 2 s) are twice
# the targets (1 s, TTL + 1 s) that docs/performance.md shows are met, so
# that a loaded CI machine does not fail the test.
set -u
SW_SRC=${SW_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=swagent-lib.sh
. "$SW_SRC/tests/net/swagent-lib.sh"
net_run_body swagent "swagent: etcd cluster, hosts, moves, kills, outages" "$@"
topo_init
[ -x "$SW_BIN/swagent" ] || net_fail "no $SW_BIN/swagent"

N=${SA_HOSTS:-20}
[ "$N" -ge 10 ] || net_fail "SA_HOSTS must be at least 10 (host 7 is killed)"
B=$((N - 1)) # hosts B and N serve VNI 200
SA_TTL=3

now_ms() { date +%s%3N; }
since() { echo "$(($(now_ms) - $1))"; }
vni_of() { [ "$1" -ge "$B" ] && echo 200 || echo 100; }

topo_hosts "$N"
sa_etcd_cluster 3
t0=$(now_ms)
for h in $(seq 1 "$N"); do
    topo_start_switchd "$h"
    SA_SWITCHD_PID[h]=$NET_BG_PID
    sa_vm "$h" "vm$h" "$(vni_of "$h")" "$(sa_vm_ip "$h")"
    sa_agent "$h"
done
# Host N's second VM, in VNI 100, in a namespace of its own (hNb).
sa_vm_ns "$N" "h${N}b" vmb 100 10.1.1.1
echo "started $N hosts in $(since "$t0") ms"

# ---- 1. Convergence. ----
all_see() {
    local h
    for h in $(seq 1 "$N"); do
        sa_agent_sees "$h" $((N + 1)) || return 1
    done
}
net_wait_for 60 all_see || {
    sa_show_logs 1 "$N"
    net_fail "the agents did not converge"
}
t_agents=$(since "$t0")
# shellcheck disable=SC2046
t_flows=$(($(sa_last_apply $(seq 1 "$N")) - t0))

# ping_all: every VM pings every other VM of its VNI once (one background
# loop per source host); prints the failures.
ping_all() {
    local h p dir=$NET_DIR/pings
    rm -rf "$dir" && mkdir -p "$dir"
    for h in $(seq 1 "$N"); do
        (
            for p in $(seq 1 "$N"); do
                [ "$p" -eq "$h" ] && continue
                [ "$(vni_of "$p")" = "$(vni_of "$h")" ] || continue
                topo_exec "$h" ping -q -c 1 -W 1 "$(sa_vm_ip "$p")" \
                    >/dev/null 2>&1 || echo "$h->$p"
            done
        ) >"$dir/$h" &
    done
    wait
    cat "$dir"/*
}
converged() { [ -z "$(ping_all)" ]; }
net_wait_for 60 converged || net_fail "not all pairs reach: $(ping_all)"
t_conv=$(since "$t0")
echo "FIGURE convergence: $N hosts, the last agent installed its final" \
    "flows $t_flows ms after the first switchd start (the test saw every" \
    "agent in line after $t_agents ms), all pairs reachable after $t_conv ms"

# VNI isolation: VNI 200 (hosts B, N) is unreachable from VNI 100, also
# from host N's own VNI-100 VM, and the other way round.
topo_exec 1 ping -q -c 1 -W 1 "$(sa_vm_ip "$B")" >/dev/null 2>&1 &&
    net_fail "VNI 100 reached VNI 200"
topo_exec "$B" ping -q -c 1 -W 1 "$(sa_vm_ip 1)" >/dev/null 2>&1 &&
    net_fail "VNI 200 reached VNI 100"
net_exec "h${N}b" ping -q -c 1 -W 1 "$(sa_vm_ip "$N")" >/dev/null 2>&1 &&
    net_fail "two VNIs on host $N are not isolated on br-int"
net_exec "h${N}b" ping -q -c 1 -W 1 "$(sa_vm_ip 1)" >/dev/null ||
    net_fail "host $N's VNI-100 VM cannot reach VNI 100"
topo_exec 1 ping -q -c 1 -W 1 10.1.1.1 >/dev/null ||
    net_fail "VNI 100 cannot reach host $N's second VM"
echo "VNIs 100 and 200 isolated (across hosts and on host $N's br-int)"

# ---- 2. No broadcast on the underlay. ----
for h in $(seq 1 "$N"); do
    topo_exec "$h" ip neigh flush dev "vm$h"
done
# Host N's VNI-100 VM is still asking for VNI 200's address (the
# isolation check above, 3 probes a second apart, each flooded in VNI
# 100): flushing its incomplete entry ends them, or they would land in
# this capture when the checks above ran fast (seen on the kernel path).
net_exec "h${N}b" ip neigh flush all
topo_ul_tcpdump_start "$NET_DIR/ul.pcap" udp port 4789
for h in 1 2 3 "$B"; do
    p=$((h + 1))
    topo_exec "$h" ping -q -c 2 -i 0.2 -W 1 "$(sa_vm_ip "$p")" >/dev/null ||
        net_fail "$h cannot ping $p"
done
topo_tcpdump_stop
topo_ul_unicast_only "$NET_DIR/ul.pcap" 8

# ---- 3. A VM move: vm5 from host 5 to host 6. ----
mac5=$(topo_mac 5 vm5)
vtep6=$(topo_underlay_ip 6)
repointed() {
    local h flows
    for h in $(seq 1 "$N"); do
        # Host 6 has it locally; host 5 no longer serves VNI 100.
        [ "$h" -eq 5 ] || [ "$h" -eq 6 ] || [ "$(vni_of "$h")" != 100 ] &&
            continue
        flows=$(sa_flows "$h")
        grep "dl_dst=$mac5" <<<"$flows" |
            grep -q "$(printf '0x%02x%02x%02x%02x' ${vtep6//./ })->NXM_NX_TUN_IPV4_DST" ||
            return 1
    done
}
t=$(now_ms)
topo_ctl 5 swctl del-port br-int vm5
# On host 6 the VM lives in a namespace of its own (host 6 already has a
# VM in the same subnet), with the MAC it had.
sa_vm_ns 6 vm5 vm5 100 "$(sa_vm_ip 5)" "$mac5"
net_wait_for 10 repointed || {
    sa_flows 1 | grep "$mac5" >&2
    "$SW_BIN/swagent" status --rundir "$(topo_rundir 6)" >&2
    sa_show_logs 5 6
    net_fail "not every host re-pointed vm5"
}
t_seen=$(since "$t")
others=$(for h in $(seq 1 "$N"); do
    if [ "$h" -ne 5 ] && [ "$h" -ne 6 ] && [ "$(vni_of "$h")" = 100 ]; then
        echo "$h"
    fi
done)
# shellcheck disable=SC2086
t_move=$(($(sa_last_apply $others) - t))
echo "FIGURE re-point: the last of $(echo $others | wc -w) hosts re-pointed" \
    "the moved VM $t_move ms after the swctl del-port on host 5" \
    "(seen by the test's polling after $t_seen ms)"
# The target is 1 s (docs/performance.md has the figures); the bound
# asserted is twice that so that a loaded machine does not fail the test.
[ "$t_move" -le 2000 ] || net_fail "re-point took $t_move ms (> 2 s)"
# A migrated VM announces itself (hypervisors send a RARP or gratuitous
# ARP), which moves its MAC in br-int's NORMAL table on host 6 from the
# patch port to its own port; here it pings host 1 once.
net_exec vm5 ping -q -c 1 -W 1 "$(sa_vm_ip 1)" >/dev/null || true
net_wait_for 5 topo_exec 1 ping -q -c 1 -W 1 "$(sa_vm_ip 5)" || {
    topo_exec 1 ip neigh >&2
    topo_ctl 6 swofctl fdb-show br-int >&2
    topo_ctl 6 swofctl dump-ports br-int >&2
    topo_ctl 6 swctl show >&2
    topo_ctl 6 swofctl dump-flows br-tun >&2
    net_exec vm5 ip addr >&2
    net_fail "the moved VM is unreachable"
}
sleep 1
owner=$(sa_etcdctl get --print-value-only "/switchd/endpoints/100/$mac5")
echo "$owner" | grepq '"host":"h6"' ||
    net_fail "host 5 re-asserted vm5: $owner"

# ---- 4. A host killed with -9: host 7. ----
vtep7=$(topo_underlay_ip 7)
hex7=$(printf '0x%02x%02x%02x%02x' ${vtep7//./ })
withdrawn() {
    local h flows
    for h in $(seq 1 "$N"); do
        [ "$h" -eq 7 ] && continue
        # (Read whole first: grep -q closing the pipe would fail it.)
        flows=$(sa_flows "$h")
        grep -q "$hex7" <<<"$flows" && return 1
    done
    return 0
}
withdrawn && net_fail "host 7's VTEP is in no flow before the kill"
t=$(now_ms)
kill -9 "${SA_AGENT_PID[7]}" "${SA_SWITCHD_PID[7]}"
net_wait_for $((SA_TTL + 10)) withdrawn ||
    net_fail "host 7's VTEP is still in some host's flows"
t_seen=$(since "$t")
# shellcheck disable=SC2086
t_kill=$(($(sa_last_apply $(seq 1 6) $(seq 8 "$N")) - t))
echo "FIGURE withdrawal: the last host dropped the killed host $t_kill ms" \
    "after the kill -9 (TTL $SA_TTL s; seen by the test after $t_seen ms)"
# Target TTL + 1 s; asserted with one more second of slack, as above.
[ "$t_kill" -le $(((SA_TTL + 2) * 1000)) ] ||
    net_fail "withdrawal took $t_kill ms (> TTL + 2 s)"
# Host 7's own process IDs are gone; cleanup must not trip on them.
wait "${SA_AGENT_PID[7]}" "${SA_SWITCHD_PID[7]}" 2>/dev/null || true
alive=$((N - 1))

# ---- 5. An etcd member killed. ----
flows_before=$(sa_flows 1 | sort)
sa_etcd_kill 1
sa_vm_ns 8 vm8b vm8b 100 10.1.2.8
all_see_n() {
    local h
    for h in $(seq 1 "$N"); do
        [ "$h" -eq 7 ] && continue
        sa_agent_sees "$h" "$1" || return 1
    done
}
# Endpoints now: N + 1 (vmb) - 1 (host 7) + 1 (vm8b).
net_wait_for 30 all_see_n $((alive + 2)) || {
    sa_show_logs 1 2 3
    net_fail "the agents did not recover from the loss of an etcd member"
}
net_wait_for 5 topo_exec 1 ping -q -c 1 -W 1 10.1.2.8 ||
    net_fail "a VM added while an etcd member was down is unreachable"
flows_after=$(sa_flows 1 | sort)
missing=$(comm -23 <(echo "$flows_before") <(echo "$flows_after"))
[ -z "$missing" ] || net_fail "flows dropped during the member loss: $missing"
echo "etcd member 1 killed: every agent in line via the others"
sa_etcd_start 1 existing
net_wait_for 30 sa_etcd_healthy || net_fail "etcd member 1 did not rejoin"

# ---- 6. All of etcd down, then back. ----
topo_exec 1 ping -q -c 40 -i 0.2 -W 1 "$(sa_vm_ip 2)" >"$NET_DIR/outage.ping" &
ping_pid=$!
sleep 1
for i in 1 2 3; do
    sa_etcd_kill "$i"
done
sleep 3
unhealthy=0
for h in 1 2 3; do
    sa_agent_sees "$h" $((alive + 2)) || unhealthy=$((unhealthy + 1))
done
[ "$unhealthy" -eq 3 ] || net_fail "agents claim to be in line with etcd down"
for i in 1 2 3; do
    sa_etcd_start "$i" existing
done
net_wait_for 30 sa_etcd_healthy || net_fail "etcd did not come back"
net_wait_for 30 all_see_n $((alive + 2)) || {
    sa_show_logs 1 2
    net_fail "the agents did not come back in line after the outage"
}
wait "$ping_pid" || true
loss=$(grep -o '[0-9.]*% packet loss' "$NET_DIR/outage.ping")
echo "full etcd outage: ping across it: $loss"
[ "${loss%%%*}" = 0 ] || net_fail "forwarding stopped during the outage: $loss"
flows_final=$(sa_flows 1 | sort)
[ "$flows_final" = "$flows_after" ] || net_fail "flows differ after the outage"
converged_again() {
    local pair
    for pair in "1 2" "3 4" "$B $N" "2 5" "8 6"; do
        set -- $pair
        topo_exec "$1" ping -q -c 1 -W 1 "$(sa_vm_ip "$2")" >/dev/null || {
            echo "$1 cannot reach $2" >&2
            return 1
        }
    done
}
net_wait_for 10 converged_again || net_fail "pings fail after the outage"

# ---- 7. switchd restarts on host 3: the agent reconnects, re-installs. ----
# The new switchd starts without its saved flows, so only the agent can
# bring them back.
flows3=$(sa_flows 3 | sort)
kill "${SA_SWITCHD_PID[3]}"
wait "${SA_SWITCHD_PID[3]}" 2>/dev/null || true
dir3=$(topo_rundir 3)
net_bg h3 "$SW_BIN/switchd" --rundir "$dir3" --db "$dir3/conf.json" \
    --log-file "$dir3/switchd.log" --no-restore-flows
SA_SWITCHD_PID[3]=$NET_BG_PID
net_wait_for 10 topo_switchd_ready 3 || net_fail "switchd 3 did not restart"
same_flows3() { [ "$(sa_flows 3 | sort)" = "$flows3" ]; }
net_wait_for 10 same_flows3 || {
    sa_show_logs 3
    net_fail "host 3's agent did not re-install its flows"
}
net_wait_for 5 topo_exec 3 ping -q -c 1 -W 1 "$(sa_vm_ip 4)" ||
    net_fail "host 3 cannot reach host 4 after its switchd restarted"
echo "switchd restarted on host 3: the agent re-installed its flows"
echo "swagent: all checks passed"
