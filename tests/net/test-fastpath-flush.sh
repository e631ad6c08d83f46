#!/bin/bash
# The kernel fast path's cache after a flow change, however many entries
# it holds: every entry the change affects is gone before the request
# returns, and the entries it does not affect stay (revalidation, not a
# flush).  Both walk switchd's map of entries and remove from it; a hash
# map that shrank under that walk skipped some past a few hundred
# entries, which then kept forwarding by the old flows.
# On the article's hosts 1 and 2 (datapath_type=system): UDP datagrams
# from h1 to 1,000 ports of h2, twice from two sockets, leave up to 2,000
# entries in h1's cache (one per 5-tuple).
#   1. A flow for other traffic (table 99, which no walk reaches)
#      changes no cached walk: the entries stay (revalidated, not
#      flushed; the log says how long that took).
#   2. del-flows of the learned table changes them all: not one is left.
#      With the map that shrank under the walk, 2 of 2,000 survived
#      (measured on this machine).
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body fastpath-flush "a fast-path flush of many entries" "$@"

export SW_DATAPATH=system
export TOPO_LOG_LEVEL=dbg # the revalidation's log line
topo_init
topo_hosts 3 # h3 only holds the address of the second tunnel peer
for h in 1 2; do
    topo_article_host "$h" 300
done
H2=$(topo_overlay_ip 2)
net_wait_for 10 topo_ping 1 "$H2" 1 || { topo_show_logs; net_fail "h1 cannot reach h2"; }
n_entries() { topo_ctl 1 swofctl dump-dp-flows br-int | grep -c "udp" || true; }

# One datagram to each of 1,000 ports, 2 ms apart, twice (a new socket
# each time: a new source port, new entries).
for round in 1 2; do
    topo_exec 1 timeout 30 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(20000, 21000):
    s.sendto(b"x" * 32, (sys.argv[1], port))
    time.sleep(0.002)
' "$H2"
done
before=$(n_entries)
echo "h1's cache after datagrams to 1,000 ports, twice: $before UDP entries"
[ "$before" -ge 600 ] || net_fail "only $before UDP entries were cached:
$(topo_ctl 1 swofctl dump-dp-flows br-int | tail -n 5)"

stat() {
    topo_ctl 1 swofctl dump-dp-flows --json br-int |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"][sys.argv[1]])' "$1"
}

# 1. Changes no cached walk sees.
flushes=$(stat flushes) revals=$(stat revalidations)
topo_ctl 1 swofctl add-flow br-tun "table=99,priority=5,dl_dst=02:99:00:00:00:01,actions=drop"
kept=$(n_entries)
echo "after a flow in table 99: $kept UDP entries (flushes $(stat flushes), revalidations $(stat revalidations))"
[ "$(stat flushes)" = "$flushes" ] || net_fail "an unrelated flow flushed the cache"
[ "$(stat revalidations)" -gt "$revals" ] || net_fail "no revalidation after a flow change"
# Entries idle for 10 s may expire meanwhile; none may go for the flow.
[ "$kept" -ge $((before * 9 / 10)) ] ||
    net_fail "an unrelated flow cost $((before - kept)) of $before entries:
$(grep 'fast path revalidated' "$(topo_rundir 1)/switchd.log" | tail -n 3)"
grep 'fast path revalidated' "$(topo_rundir 1)/switchd.log" | tail -n 1

# 2. A flow change every entry sees: every one goes, before the request
# returns.
topo_ctl 1 swofctl del-flows br-tun table=20
after=$(n_entries)
echo "after del-flows br-tun table=20: $after UDP entries"
[ "$after" = 0 ] || net_fail "$after entries survived the flush:
$(topo_ctl 1 swofctl dump-dp-flows br-int | head -n 5)"
echo PASS
