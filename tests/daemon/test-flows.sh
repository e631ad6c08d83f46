#!/bin/bash
# swofctl's flow commands end to end: add-flows from a file and stdin,
# mod-flows [--strict], del-flows [--strict], replace-flows, --sort and
# --rsort, timeouts expiring in the daemon, dump-ports, dump-tables, and
# the offline parse-flow / parse-flows.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
swofctl del-flows br-tun

cat > "$SWD_DIR/a.flows" <<'F'
# the article's table 0, by port name
table=0,priority=1,in_port=patch-tun actions=resubmit(,1)
table=0,priority=1,in_port=vxlan0 actions=resubmit(,2)

table=0,priority=0,actions=drop
F
swofctl add-flows br-tun "$SWD_DIR/a.flows"
echo "table=21,priority=0,actions=output:5,output:6" | swofctl add-flows br-tun -
out=$(swofctl dump-flows --no-stats br-tun)
check_output "add-flows" ' priority=1,in_port=1 actions=resubmit(,1)
 priority=1,in_port=5 actions=resubmit(,2)
 priority=0 actions=drop
 table=21, priority=0 actions=output:5,output:6' "$out"

# mod-flows (loose) changes every flow the match covers; --strict only
# the one with exactly that match and priority.
# A second passes first: ovs-ofctl prints hard_age only when it differs
# from the duration's whole seconds, which a flow modified within the
# second it was added does not.
sleep 1.1
swofctl mod-flows br-tun "table=0,in_port=5 actions=resubmit(,3)"
swofctl mod-flows --strict br-tun "table=0,priority=0 actions=resubmit(,4)"
out=$(swofctl dump-flows --no-stats br-tun table=0)
check_output "mod-flows" ' priority=1,in_port=1 actions=resubmit(,1)
 priority=1,in_port=5 actions=resubmit(,3)
 priority=0 actions=resubmit(,4)' "$out"
# hard_age appears once a flow was modified.
swofctl dump-flows br-tun "table=0,in_port=5" | grepq 'hard_age=' \
    || fail "no hard_age on a modified flow"
swofctl dump-flows br-tun "table=0,in_port=1" | grepq 'hard_age=' \
    && fail "hard_age on an unmodified flow"

# del-flows --strict needs the exact priority; loose deletes what matches.
swofctl del-flows --strict br-tun "table=0,in_port=5"
[ "$(swofctl dump-flows --no-stats br-tun table=0 | wc -l)" = 3 ] \
    || fail "strict delete with the wrong priority deleted something"
swofctl del-flows --strict br-tun "table=0,priority=1,in_port=5"
swofctl del-flows br-tun "table=21"
out=$(swofctl dump-flows --no-stats br-tun)
check_output "del-flows" ' priority=1,in_port=1 actions=resubmit(,1)
 priority=0 actions=resubmit(,4)' "$out"

# replace-flows keeps identical flows (their counters survive) and swaps
# the rest.
cat > "$SWD_DIR/r.flows" <<'F'
table=0,priority=1,in_port=1 actions=resubmit(,1)
table=0,priority=2,in_port=6 actions=resubmit(,2)
table=20,priority=0,actions=resubmit(,21)
F
swofctl replace-flows br-tun "$SWD_DIR/r.flows"
out=$(swofctl dump-flows --no-stats br-tun)
check_output "replace-flows" ' priority=2,in_port=6 actions=resubmit(,2)
 priority=1,in_port=1 actions=resubmit(,1)
 table=20, priority=0 actions=resubmit(,21)' "$out"

# Sorting: by priority, by a field, descending.
out=$(swofctl dump-flows --no-stats --sort br-tun)
check_output "--sort" ' table=20, priority=0 actions=resubmit(,21)
 priority=1,in_port=1 actions=resubmit(,1)
 priority=2,in_port=6 actions=resubmit(,2)' "$out"
out=$(swofctl dump-flows --no-stats --rsort=in_port br-tun)
check_output "--rsort=in_port" ' priority=2,in_port=6 actions=resubmit(,2)
 priority=1,in_port=1 actions=resubmit(,1)
 table=20, priority=0 actions=resubmit(,21)' "$out"
expect_fail "bad sort field" "unknown field" swofctl dump-flows --sort=nope br-tun

# A hard timeout expires in the running daemon.
swofctl add-flow br-tun "table=7,hard_timeout=1,actions=drop"
[ "$(swofctl dump-flows br-tun table=7 | wc -l)" = 2 ] || fail "timeout flow missing"
for _ in $(seq 40); do
    [ "$(swofctl dump-flows br-tun table=7 | wc -l)" = 1 ] && break
    sleep 0.1
done
[ "$(swofctl dump-flows br-tun table=7 | wc -l)" = 1 ] || fail "hard_timeout did not expire"

# dump-ports and dump-tables text.
out=$(swofctl dump-ports br-tun 5)
check_output "dump-ports" 'OFPST_PORT reply (xid=0x2): 1 ports
  port  5: rx pkts=0, bytes=0, drop=?, errs=?, frame=?, over=?, crc=?
           tx pkts=0, bytes=0, drop=?, errs=?, coll=?' "$out"
[ "$(swofctl dump-ports br-tun | sed -n 2p | cut -c1-13)" = "  port LOCAL:" ] \
    || fail "dump-ports does not list LOCAL first"
expect_fail "dump-ports bad port" "nope" swofctl dump-ports br-tun nope
out=$(swofctl dump-tables br-tun)
# OVS 3.1's layout: table 0's features in full, each later table printed
# in full only when its counters differ from the one before, runs of
# repeats as "ditto".
check_output "dump-tables" 'OFPST_TABLE reply (xid=0x2):
  table 0:
    active=2, lookup=0, matched=0
    max_entries=1000000
    matching:
      exact match or wildcard: in_port eth_{src,dst,type} vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} tcp_{src,dst}

  table 1:
    active=0, lookup=0, matched=0
    (same features)

  tables 2...19: ditto

  table 20:
    active=1, lookup=0, matched=0
    (same features)

  table 21:
    active=0, lookup=0, matched=0
    (same features)

  tables 22...253: ditto' "$out"
out=$(swofctl -O OpenFlow13 dump-tables br-tun | sed -n 1,8p)
check_output "dump-tables OpenFlow13" 'OFPST_TABLE reply (OF1.3) (xid=0x2):
  table 0:
    active=2, lookup=0, matched=0

  table 1:
    active=0, lookup=0, matched=0

  tables 2...19: ditto' "$out"

# Offline parsing needs no daemon.
stop_switchd
out=$(SW_RUNDIR=/nonexistent "$SW_BIN/swofctl" parse-flow "table=2,priority=0,actions=learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), output:1")
check_output "parse-flow" ' table=2, priority=0 actions=learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1' "$out"
out=$("$SW_BIN/swofctl" parse-flows "$SWD_DIR/r.flows")
check_output "parse-flows" ' priority=1,in_port=1 actions=resubmit(,1)
 priority=2,in_port=6 actions=resubmit(,2)
 table=20, priority=0 actions=resubmit(,21)' "$out"
expect_fail "parse-flow bad" "swofctl: " "$SW_BIN/swofctl" parse-flow "dl_dst=zz,actions=drop"
expect_fail "parse-flows bad" "line 2" "$SW_BIN/swofctl" parse-flows - <<'F'
actions=drop
actions=frob
F
echo PASS
