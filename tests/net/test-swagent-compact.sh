#!/usr/bin/env bash
# swagent resyncs in full when etcd compacted the revision its watch asks
# for (issue #11, "Faults it survives").  One etcd member, three hosts in
# VNI 100, each with switchd, swagent and a VM port.
#
# Every swagent session reads the whole prefix before it watches, so a
# compacted revision can only meet a watch that starts late: host 1's
# next watch is held back after its range read.  Inside host 1's
# namespace, new connections to etcd get a source address of their own
# that policy routing sends to a gateway that does not exist, so their
# SYNs are lost while the connection the agent already has for its
# unary calls (lease, txn, range) goes on.  Then:
#   1. host 1's lease is revoked: its session ends, a new one re-publishes
#      and reads the store at revision R; its watch (from R + 1) hangs in
#      SYN-SENT;
#   2. host 3 adds a VM (vm3b), host 2 deletes its VM port (vm2): the
#      store changes, host 1 does not see it;
#   3. the store is compacted (--physical) past R + 1;
#   4. the route is restored: the watch connects, etcd cancels it as
#      compacted, and the agent must log the compaction, read the store
#      again and end exactly in line with it: vm3b's flow present, vm2's
#      withdrawn, vm3b reachable from host 1.
# Every wait is bounded (the SYN retransmit that carries the late watch
# comes within 16 s); everything lives in the test's namespaces.
set -u
SW_SRC=${SW_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=swagent-lib.sh
. "$SW_SRC/tests/net/swagent-lib.sh"
net_run_body swagent-compact "swagent: a compacted watch revision resyncs" "$@"
topo_init
[ -x "$SW_BIN/swagent" ] || net_fail "no $SW_BIN/swagent"

ETCD_IP=$(sa_etcd_ip 1)
TRAP_SRC=192.168.33.9 # host 1's source for new connections to etcd
DEAD_GW=192.168.33.250 # a gateway that does not exist

# st H EXPR: a field of host H's status (EXPR in Python, on 's').
st() {
    sa_status "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}
log1() { cat "$(topo_rundir 1)/swagent.log"; }
has_flow_to() { sa_flows "$1" | grepq "dl_dst=$2"; }
no_flow_to() { ! has_flow_to "$@"; }

topo_hosts 3
sa_etcd_cluster 1
for h in 1 2 3; do
    sa_host "$h" 100
done
all_see() {
    local h
    for h in 1 2 3; do
        sa_agent_sees "$h" "$1" || return 1
    done
}
net_wait_for 30 all_see 3 || {
    sa_show_logs 1 2 3
    net_fail "the agents did not converge"
}
net_wait_for 10 topo_exec 1 ping -q -c 1 -W 1 "$(sa_vm_ip 2)" ||
    net_fail "host 1 cannot reach host 2's VM"
mac2=$(topo_mac 2 vm2)
has_flow_to 1 "$mac2" || net_fail "host 1 has no flow to vm2 ($mac2)"

# ---- 1. Hold back host 1's next watch. ----
topo_exec 1 ip addr add "$TRAP_SRC/24" dev eth1
topo_exec 1 ip route add "$ETCD_IP/32" dev eth1 src "$TRAP_SRC"
# A permanent neighbour entry: the SYNs leave silently for a MAC no one
# has (an unresolved gateway would fail the connect after 3 s instead).
topo_exec 1 ip neigh add "$DEAD_GW" lladdr 02:00:00:00:00:fa dev eth1 \
    nud permanent
topo_exec 1 ip route add "$ETCD_IP/32" via "$DEAD_GW" dev eth1 table 100
topo_exec 1 ip rule add from "$TRAP_SRC" lookup 100 pref 100
lease=$(st 1 's["etcd"]["lease"]')
leases=$(st 1 's["stats"]["leases"]')
sa_etcdctl lease revoke "$lease" >/dev/null || net_fail "cannot revoke $lease"
new_session() {
    [ "$(st 1 's["stats"]["leases"]')" -gt "$leases" ] &&
        [ "$(st 1 's["etcd"]["state"]')" = watching ]
}
net_wait_for 15 new_session || {
    sa_show_logs 1
    net_fail "host 1 did not start a new session after its lease was revoked"
}
rev_read=$(st 1 's["etcd"]["revision"]')
resyncs=$(st 1 's["stats"]["resyncs"]')
watch_held() {
    topo_exec 1 ss -Htn state syn-sent dst "$ETCD_IP" | grepq 2379
}
net_wait_for 5 watch_held || {
    topo_exec 1 ss -tn >&2
    net_fail "host 1's new watch is not held back"
}
echo "host 1 read the store at revision $rev_read; its watch is held back"

# ---- 2. The store changes behind host 1's back. ----
sa_vm_ns 3 vm3b vm3b 100 10.1.1.3
mac3b=$(net_exec vm3b cat /sys/class/net/eth0/address)
topo_ctl 2 swctl del-port br-int vm2
store_changed() {
    local keys
    keys=$(sa_etcdctl get --prefix --keys-only /switchd/endpoints/100/)
    grep -q "$mac3b" <<<"$keys" && ! grep -q "$mac2" <<<"$keys"
}
net_wait_for 10 store_changed || net_fail "the store did not take the change"
# Host 2 no longer serves VNI 100 (its only VM left); host 3 does.
seen_by_others() {
    sa_agent_sees 3 3 && no_flow_to 3 "$mac2"
}
net_wait_for 10 seen_by_others || {
    sa_flows 3 >&2
    net_fail "host 3 did not follow"
}
has_flow_to 1 "$mac3b" && net_fail "host 1 saw vm3b although its watch is held"
has_flow_to 1 "$mac2" || net_fail "host 1 dropped vm2 although its watch is held"

# ---- 3. Compact past host 1's revision. ----
rev_now=$(sa_etcdctl get / -w json | python3 -c '
import json, sys
print(json.load(sys.stdin)["header"]["revision"])')
[ "$rev_now" -gt $((rev_read + 1)) ] ||
    net_fail "the store is at $rev_now, not past $((rev_read + 1))"
sa_etcdctl compact "$rev_now" --physical >/dev/null ||
    net_fail "etcdctl compact $rev_now failed"
echo "store at $rev_now, compacted; host 1 waits to watch from $((rev_read + 1))"

# ---- 4. Restore the path: the watch meets the compaction. ----
topo_exec 1 ip rule del from "$TRAP_SRC" lookup 100 pref 100
compaction_seen() {
    log1 | grepq "revision $((rev_read + 1)) was compacted (oldest $rev_now): full resync"
}
net_wait_for 40 compaction_seen || {
    sa_show_logs 1
    net_fail "host 1's agent did not report the compacted revision"
}
in_line() {
    [ "$(st 1 's["stats"]["resyncs"]')" -gt "$resyncs" ] &&
        [ "$(st 1 's["etcd"]["revision"]')" -ge "$rev_now" ] &&
        sa_agent_sees 1 3 && has_flow_to 1 "$mac3b" && no_flow_to 1 "$mac2"
}
net_wait_for 15 in_line || {
    sa_show_logs 1
    sa_flows 1 >&2
    net_fail "host 1 is not in line with the store after the compaction"
}
# Exactly the store's endpoints, nothing more.
store_eps=$(sa_etcdctl get --prefix --keys-only /switchd/endpoints/ |
    sed -n 's|^/switchd/endpoints/||p' | sort)
agent_eps=$(st 1 '"\n".join("%d/%s" % (e["vni"], e["mac"])
                            for e in s["endpoints"])' | sort)
[ "$store_eps" = "$agent_eps" ] ||
    net_fail "host 1 holds [$agent_eps], the store [$store_eps]"
net_wait_for 10 topo_exec 1 ping -q -c 1 -W 1 10.1.1.3 ||
    net_fail "host 1 cannot reach vm3b after the resync"
grep "was compacted" "$(topo_rundir 1)/swagent.log" | tail -n 1
echo "swagent-compact: all checks passed"
