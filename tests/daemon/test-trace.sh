#!/bin/bash
# swofctl trace on the article's br-tun, end to end: a broadcast ARP
# flooded to both tunnels; the reply's learn without --generate (nothing
# changes) and with it (table 20 learns, counters move); unicast to the
# learned MAC; a drop from a port table 0 does not know; the resubmit
# depth limit; --packet HEX; --json; errors.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
# The expected traces are the userspace datapath's (no "Datapath: system"
# line): pinned to netdev, the default being system.
swctl set bridge br-int datapath_type=netdev
swctl set bridge br-tun datapath_type=netdev
article_flows

ARP_REQ='in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.1.1.2,arp_tpa=10.1.1.3'
ARP_REPLY='in_port=vxlan0,dl_src=2e:7a:a2:53:7b:31,dl_dst=52:54:00:0a:01:02,arp,arp_op=2'
UNICAST='in_port=patch-tun,dl_src=52:54:00:0a:01:02,dl_dst=2e:7a:a2:53:7b:31,icmp,nw_src=10.1.1.2,nw_dst=10.1.1.3'

# 1. Broadcast: table 0 -> 1 -> 21, one copy per tunnel.
out=$(swofctl trace br-tun "$ARP_REQ")
check_output "broadcast" 'Bridge: br-tun
Flow: arp,in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.1.1.2,arp_tpa=10.1.1.3,arp_op=1

bridge br-tun
table 0: priority=1,in_port=1
    resubmit(,1)
    table 1: priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00
        resubmit(,21)
        table 21: priority=0
            output:5
             -> output to vxlan0 (port 5): encapsulated as vxlan vni 0 remote 192.168.33.13:4789
            output:6
             -> output to vxlan1 (port 6): encapsulated as vxlan vni 0 remote 192.168.33.14:4789

Datapath actions: output:5 (vxlan0: vxlan vni 0 remote 192.168.33.13:4789), output:6 (vxlan1: vxlan vni 0 remote 192.168.33.14:4789)
Side effects: none (no learning, no counters; --generate applies them)' "$out"

# 2. The reply from vxlan0 without --generate: the learn is shown but not
# installed, and no table or counter changes.
before=$(swofctl dump-flows br-tun | mask_times)
out=$(swofctl trace br-tun "$ARP_REPLY")
check_output "learn, no side effects" 'Bridge: br-tun
Flow: arp,in_port=5,dl_src=2e:7a:a2:53:7b:31,dl_dst=52:54:00:0a:01:02,arp_op=2

bridge br-tun
table 0: priority=1,in_port=5
    resubmit(,2)
    table 2: priority=0
        learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[])
         -> learn not installed (no side effects): table=20, hard_timeout=300, priority=1,dl_dst=2e:7a:a2:53:7b:31 actions=load:0->NXM_NX_TUN_ID[],output:5
        output:1
         -> patch patch-tun (port 1) into bridge br-int at patch-int (port 1)
            bridge br-int
            table 0: priority=0
                NORMAL
                 -> output to br-int (port 65534)

Datapath actions: output:br-int:65534 (br-int)
Side effects: none (no learning, no counters; --generate applies them)' "$out"
after=$(swofctl dump-flows br-tun | mask_times)
check_output "nothing changed without --generate" "$before" "$after"
out=$(swofctl dump-flows --no-stats br-tun table=20)
check_output "table 20 without --generate" ' table=20, priority=0 actions=resubmit(,21)' "$out"
[ "$(swofctl fdb-show br-int | wc -l)" = 1 ] || fail "NORMAL learned without --generate"

# 3. With --generate the learn happens and the counters move.
out=$(swofctl trace --generate br-tun "$ARP_REPLY")
echo "$out" | grepq -F ' -> learn added: table=20, hard_timeout=300, priority=1,dl_dst=2e:7a:a2:53:7b:31 actions=load:0->NXM_NX_TUN_ID[],output:5' \
    || fail "learn added line missing: $out"
echo "$out" | grepq -x 'Side effects: 1 flow(s) learned or changed' \
    || fail "side effects line: $out"
out=$(swofctl dump-flows --no-stats br-tun table=20)
check_output "table 20 learned" ' table=20, hard_timeout=300, priority=1,dl_dst=2e:7a:a2:53:7b:31 actions=load:0->NXM_NX_TUN_ID[],output:5
 table=20, priority=0 actions=resubmit(,21)' "$out"
swofctl dump-flows br-tun "table=0,in_port=5" | grepq 'n_packets=1,' \
    || fail "--generate did not count the packet"
# A second --generate only refreshes the identical learned flow.
swofctl trace --generate br-tun "$ARP_REPLY" \
    | grepq -F ' -> learn refreshed: ' || fail "second learn is not a refresh"

# 4. Unicast to the learned MAC: table 1 -> 20, out of vxlan0 only.
out=$(swofctl trace br-tun "$UNICAST" | tail -n +4)
check_output "unicast" 'bridge br-tun
table 0: priority=1,in_port=1
    resubmit(,1)
    table 1: priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00
        resubmit(,20)
        table 20: priority=1,dl_dst=2e:7a:a2:53:7b:31
            load:0->NXM_NX_TUN_ID[]
            output:5
             -> output to vxlan0 (port 5): encapsulated as vxlan vni 0 remote 192.168.33.13:4789

Datapath actions: output:5 (vxlan0: vxlan vni 0 remote 192.168.33.13:4789)
Side effects: none (no learning, no counters; --generate applies them)' "$out"

# 5. A port table 0 does not know: the priority-0 drop flow.
out=$(swofctl trace br-tun in_port=9)
check_output "unknown port" 'Bridge: br-tun
Flow: in_port=9,dl_type=0x05ff

bridge br-tun
table 0: priority=0
    drop

Datapath actions: drop (no output action)
Side effects: none (no learning, no counters; --generate applies them)' "$out"

# 6. A resubmit loop stops at the depth limit and drops.
swofctl add-flows br-tun - <<'F'
table=0,priority=10,in_port=8,actions=resubmit(,30)
table=30,priority=0,actions=resubmit(,30),output:5
F
out=$(swofctl trace br-tun in_port=8)
check_output "depth limit" 'Resubmit depth limit (64) exceeded: every output is cancelled.
Datapath actions: drop (resubmit depth exceeded)' "$(echo "$out" | tail -3 | head -2)"
[ "$(echo "$out" | grep -c '^ *table 30: priority=0$')" -ge 60 ] \
    || fail "the loop was not followed"
out=$(swofctl trace --json br-tun in_port=8)
python3 - "$out" <<'PY' || fail "depth limit JSON"
import json, sys
t = json.loads(sys.argv[1])
assert t["depth_exceeded"] is True, t["depth_exceeded"]
assert t["outputs"] == [], t["outputs"]
assert t["drop_reason"] == "resubmit depth exceeded", t["drop_reason"]
PY

# 7. --packet: the same ARP request as raw bytes gives the same verdict.
HEX='ffffffffffff 525400 0a0102 0806 0001 0800 06 04 0001 5254000a0102 0a010102 000000000000 0a010103'
out=$(swofctl trace br-tun in_port=1 --packet "$HEX" | grep '^Datapath')
want=$(swofctl trace br-tun "$ARP_REQ" | grep '^Datapath')
check_output "--packet" "$want" "$out"
swofctl trace br-tun in_port=1 --packet "$HEX" | grepq -x 'Flow: arp,in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.1.1.2,arp_tpa=10.1.1.3,arp_op=1,arp_sha=52:54:00:0a:01:02' \
    || fail "--packet flow line"

# 8. --json carries the same outputs with their tunnel data.
out=$(swofctl trace --json br-tun "$ARP_REQ")
python3 - "$out" <<'PY' || fail "trace JSON"
import json, sys
t = json.loads(sys.argv[1])
assert t["bridge"] == "br-tun" and t["generate"] is False
assert "text" not in t
outs = [(o["port"], o["port_name"], o["tunnel"]["remote_ip"], o["tunnel"]["vni"])
        for o in t["outputs"]]
assert outs == [(5, "vxlan0", "192.168.33.13", 0),
                (6, "vxlan1", "192.168.33.14", 0)], outs
types = [s["type"] for s in t["steps"]]
assert types[0] == "table" and types.count("output") == 2, types
PY

# 9. Errors name the problem.
expect_fail "bad field" "nw_src=zz" swofctl trace br-tun "in_port=1,ip,nw_src=zz"
expect_fail "no bridge" "no bridge named br-x" swofctl trace br-x in_port=1
expect_fail "bad hex" "swofctl: " swofctl trace br-tun in_port=1 --packet "ffzz"
echo PASS
