#!/usr/bin/env bash
# swagent's costs, as printed figures (docs/performance.md): what one
# endpoint change writes to etcd and makes every agent receive, and an
# agent's RSS and CPU idle and during a burst of endpoint changes.
#
# Usage (as root): scripts/swagent-bench.sh [HOSTS] [CHANGES]
#   HOSTS (default 5) hosts with switchd, swagent and one VM each, on a
#   3-member etcd cluster (tests/net/swagent-lib.sh); CHANGES (default
#   1000) endpoint changes written straight to etcd's JSON API as an
#   operator's static endpoints would be: CHANGES/2 puts of new endpoints
#   in VNI 100, then as many deletes.
# Uses $SW_BIN if set, else build/bin.  Everything runs in namespaces of
# its own and is removed at exit.
set -euo pipefail
SW_SRC=$(cd "$(dirname "$0")/.." && pwd)
export SW_BIN=${SW_BIN:-$SW_SRC/build/bin}
# shellcheck source=../tests/net/swagent-lib.sh
. "$SW_SRC/tests/net/swagent-lib.sh"
N=${1:-5}
CHANGES=${2:-1000}
topo_init
topo_hosts "$N"
sa_etcd_cluster 3
for h in $(seq 1 "$N"); do
    sa_host "$h" 100
done
all_see() {
    local h
    for h in $(seq 1 "$N"); do
        sa_agent_sees "$h" "$1" || return 1
    done
}
net_wait_for 60 all_see "$N" || net_fail "no convergence"

# stat H FIELD: a number from host H's status (python expression on s).
stat() {
    sa_status "$1" | python3 -c "import json,sys; s=json.load(sys.stdin); print($2)"
}
cpu_ms() { # utime + stime of PID, in ms
    awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' \
        "/proc/$1/stat"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
pid1=${SA_AGENT_PID[1]}

echo "== idle, 10 s"
c0=$(cpu_ms "$pid1")
sleep 10
c1=$(cpu_ms "$pid1")
echo "FIGURE idle: agent CPU $((c1 - c0)) ms in 10 s" \
    "($(awk -v ms=$((c1 - c0)) 'BEGIN {printf "%.2f", ms / 100}')%), RSS $(rss_kb "$pid1") kB"

echo "== one endpoint change: a VM port added on host 1"
puts0=$(stat 1 's["stats"]["puts"]')
ev0=$(stat 2 's["stats"]["watch_events"]')
recv0=$(stat 2 's["etcd"]["client"]["watch_bytes_received"]')
rev0=$(stat 2 's["etcd"]["revision"]')
sa_vm_ns 1 vmx vmx 100 10.1.3.1
net_wait_for 10 all_see $((N + 1)) || net_fail "the new VM did not spread"
sleep 0.5
key=/switchd/endpoints/100/$(net_exec vmx cat /sys/class/net/eth0/address)
value=$(sa_etcdctl get --print-value-only "$key")
# The put's body as the agent sends it (key and value base64, a lease ID).
body=$(python3 -c 'import base64, json, sys
b = lambda s: base64.b64encode(s.encode()).decode()
print(len(json.dumps({"key": b(sys.argv[1]), "value": b(sys.argv[2]),
                      "lease": "7587881839440539398"},
                     separators=(",", ":"))))' "$key" "$value")
echo "FIGURE one change: host 1 wrote $(($(stat 1 's["stats"]["puts"]') - puts0))" \
    "key(s) ($key, a ${#value}-byte value, a $body-byte put body);" \
    "the store moved $(($(stat 2 's["etcd"]["revision"]') - rev0))" \
    "revision(s); host 2 received $(($(stat 2 's["stats"]["watch_events"]') - ev0))" \
    "watch event(s) in $(($(stat 2 's["etcd"]["client"]["watch_bytes_received"]') - recv0)) bytes"
echo "   the value: $value"

echo "== $CHANGES endpoint changes (static endpoints, put then delete)"
ev0=$(stat 2 's["stats"]["watch_events"]')
ap0=$(stat 2 's["flows"]["applies"]')
c0=$(cpu_ms "$pid1")
t0=$(date +%s%3N)
net_exec ul python3 - "$(sa_etcd_url 1)" "$CHANGES" <<'PY'
import base64, json, sys, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
b64 = lambda s: base64.b64encode(s.encode()).decode()
def call(path, body):
    req = urllib.request.Request(url + path, json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=5).read()
keys = ["/switchd/endpoints/100/02:aa:00:00:%02x:%02x" % (i >> 8, i & 255)
        for i in range(n // 2)]
for i, k in enumerate(keys):
    call("/v3/kv/put", {"key": b64(k), "value": b64(json.dumps(
        {"vtep": "192.168.33.250", "ip": "10.2.%d.%d" % (i >> 8, i & 255)}))})
for k in keys:
    call("/v3/kv/deleterange", {"key": b64(k)})
PY
t1=$(date +%s%3N)
net_wait_for 30 all_see $((N + 1)) || net_fail "agents not back in line"
done_ev() { [ "$(stat 2 's["stats"]["watch_events"]')" -ge $((ev0 + CHANGES)) ]; }
net_wait_for 30 done_ev || net_fail "host 2 missed events"
t2=$(date +%s%3N)
c1=$(cpu_ms "$pid1")
echo "FIGURE churn: $CHANGES changes written in $((t1 - t0)) ms; every agent" \
    "in line $((t2 - t1)) ms after the last; host 2 got" \
    "$(($(stat 2 's["stats"]["watch_events"]') - ev0)) events and changed its" \
    "flows $(($(stat 2 's["flows"]["applies"]') - ap0)) times;" \
    "host 1's agent used $((c1 - c0)) ms of CPU, RSS now $(rss_kb "$pid1") kB"
