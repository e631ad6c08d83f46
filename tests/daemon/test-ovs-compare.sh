#!/bin/bash
# swofctl and swctl next to a real Open vSwitch 3.1 on the article's
# bridges: the same commands typed into both, outputs compared line by
# line.  The reference is regenerated on every run by a private
# ovsdb-server + ovs-vswitchd (tests/common/ovs-ref.sh: own namespace, run
# directory and database, userspace datapath), so the test follows OVS
# rather than a hand-written expectation.
#
# Only what must differ is normalised, each for the reason given where it
# is done:
#   N1 dpid and port MACs: random per run in both switches.
#   N2 duration: the time since each flow was added, which differs by
#      however long the commands between took; idle_age and hard_age
#      likewise (kept as X so their presence is still compared).
#   N3 the order of flows of one table with equal priority: each switch
#      prints its classifier's internal order (OVS's is its hash order).
#   N4 the order of dump-ports' ports: OVS prints its hash table's order.
#   N5 swctl show/ovs-vsctl show: the Open_vSwitch uuid line, OVS's
#      "datapath_type: netdev" (the bridges' datapath here) and the order
#      of bridges and ports (OVS's hash order).
#   N6 swctl list: only the columns switchd has are compared (OVS's
#      Interface has some forty, most about features switchd lacks).
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns python3
# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
start_switchd
ovs_ref_start

# ---- The article's bridges and flows, in both. ----
article_bridges
ovs_ref_add_br br-int
ovs_ref_add_br br-tun
ovs_ref_vsctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
ovs_ref_vsctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int
ovs_ref_vsctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan options:remote_ip=192.168.33.13 ofport_request=5
ovs_ref_vsctl add-port br-tun vxlan1 -- set interface vxlan1 type=vxlan options:remote_ip=192.168.33.14 ofport_request=6
article_flows
article_flow_text >"$SWD_DIR/article.flows"
ovs_ref_ofctl del-flows br-tun
ovs_ref_ofctl add-flows br-tun "$SWD_DIR/article.flows"

# N1, N2.
normalise() {
    sed -E -e 's/dpid:[0-9a-f]{16}/dpid:D/' \
        -e 's/addr:([0-9a-f]{2}:){5}[0-9a-f]{2}/addr:A/' \
        -e 's/duration=[0-9.]+s/duration=Xs/g' \
        -e 's/idle_age=[0-9]+/idle_age=X/g' -e 's/hard_age=[0-9]+/hard_age=X/g'
}

# N3: within a run of lines with the same table and priority, sort.
sort_equal_priority() {
    python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
def key(l):
    t = re.search(r"table=(\d+)", l)
    p = re.search(r"priority=(\d+)", l)
    return (t.group(1) if t else "0", p.group(1) if p else "32768")
out, run = [], []
for l in lines:
    if not l.startswith(" ") or (run and key(run[-1]) != key(l)):
        out += sorted(run); run = []
    if l.startswith(" "):
        run.append(l)
    else:
        out.append(l)
out += sorted(run)
print("\n".join(out))'
}

# N4: dump-ports as a header and then its port blocks sorted.
sort_port_blocks() {
    python3 -c '
import sys
lines = sys.stdin.read().splitlines()
blocks, head = [], []
for l in lines:
    if l.startswith("  port "):
        blocks.append([l])
    elif blocks and l.startswith("     "):
        blocks[-1].append(l)
    else:
        head.append(l)
print("\n".join(head + [x for b in sorted(blocks) for x in b]))'
}

# compare NAME FILTER ARG...: "swofctl ARG..." against "ovs-ofctl ARG...",
# both through normalise and FILTER (cat, or one of the sorts above).
compare() {
    local name=$1 filter=$2 ours theirs
    shift 2
    ours=$(swofctl "$@" | normalise | $filter)
    theirs=$(ovs_ref_ofctl "$@" | normalise | $filter)
    check_output "$name (ovs-ofctl $*)" "$theirs" "$ours"
}

compare "show" cat show br-tun
compare "show br-int" cat show br-int
compare "dump-ports-desc" cat dump-ports-desc br-tun
compare "show 1.3" cat -O OpenFlow13 show br-tun
compare "dump-ports-desc 1.3" cat -O OpenFlow13 dump-ports-desc br-tun
compare "dump-flows" sort_equal_priority dump-flows br-tun
compare "dump-flows table" sort_equal_priority dump-flows br-tun table=20
compare "dump-flows no-stats" sort_equal_priority dump-flows br-tun --no-stats
compare "dump-flows names" sort_equal_priority dump-flows br-tun --names
compare "dump-flows names no-stats" sort_equal_priority dump-flows br-tun --names --no-stats
compare "dump-flows sort" sort_equal_priority dump-flows br-tun --sort
compare "dump-flows rsort" sort_equal_priority dump-flows br-tun --rsort
compare "dump-flows sort no-stats" sort_equal_priority dump-flows br-tun --sort --no-stats
compare "dump-flows 1.3" sort_equal_priority -O OpenFlow13 dump-flows br-tun
compare "dump-flows 1.3 no-stats" sort_equal_priority -O OpenFlow13 dump-flows br-tun --no-stats
compare "dump-tables" cat dump-tables br-tun
compare "dump-tables 1.3" cat -O OpenFlow13 dump-tables br-tun
compare "dump-ports" sort_port_blocks dump-ports br-tun
compare "dump-ports one" cat dump-ports br-tun 5
compare "dump-aggregate" cat dump-aggregate br-tun
compare "dump-aggregate table" cat dump-aggregate br-tun table=0
compare "dump-aggregate 1.3" cat -O OpenFlow13 dump-aggregate br-tun

# Flags, cookies, timeouts and names that need quoting, in both.
cat >"$SWD_DIR/more.flows" <<'F'
table=3,priority=7,cookie=0x5,idle_timeout=30,hard_timeout=60,importance=2,send_flow_rem,in_port=1 actions=output:5
table=3,priority=6,tun_id=0,in_port=5 actions=output:1
table=3,priority=6,tun_id=0x0/0xff,in_port=6 actions=drop
table=3,priority=5,tcp actions=fin_timeout(idle_timeout=5,hard_timeout=7),output:1
table=3,priority=4,tcp actions=fin_timeout(hard_timeout=3),output:1
table=3,priority=3,tcp actions=learn(table=9,fin_idle_timeout=5,fin_hard_timeout=7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]),output:1
F
swofctl add-flows br-tun "$SWD_DIR/more.flows"
ovs_ref_ofctl add-flows br-tun "$SWD_DIR/more.flows"
compare "flags and timeouts" sort_equal_priority dump-flows br-tun table=3
compare "flags no-stats names" sort_equal_priority dump-flows br-tun table=3 --no-stats --names
compare "flags 1.3" sort_equal_priority -O OpenFlow13 dump-flows br-tun table=3 --no-stats

# diff-flows: a bridge against a file, both ways, and the exit status.
printf '%s\n' "table=3,priority=7,cookie=0x5,idle_timeout=30,hard_timeout=60,in_port=1 actions=output:6" \
    "table=4,priority=1 actions=drop" >"$SWD_DIR/diff.flows"
for args in "br-tun $SWD_DIR/diff.flows" "$SWD_DIR/diff.flows br-tun"; do
    # shellcheck disable=SC2086  # two words on purpose
    { rc=0; ours=$(swofctl diff-flows $args | sort) || rc=$?; }
    # shellcheck disable=SC2086
    { orc=0; theirs=$(ovs_ref_ofctl diff-flows $args | sort) || orc=$?; }
    check_output "diff-flows $args" "$theirs" "$ours"
    [ "$rc" = "$orc" ] || fail "diff-flows $args: exit $rc, ovs-ofctl $orc"
done
rc=0; swofctl diff-flows "$SWD_DIR/diff.flows" "$SWD_DIR/diff.flows" || rc=$?
[ "$rc" = 0 ] || fail "diff-flows of a file with itself exited $rc"

# mod-port on LOCAL (the bridge's internal port): down, then up, in both;
# "up" needs the device up and running, which the TAP is once up.
for action in up down; do
    swofctl mod-port br-tun br-tun "$action"
    ovs_ref_ofctl mod-port br-tun br-tun "$action"
    compare "mod-port $action" cat dump-ports-desc br-tun
done
# Every other mod-port word, in both, on a patch port, a vxlan port and
# LOCAL: the config bits as OVS prints them for OpenFlow 1.0 and 1.3
# (which lacks NO_STP, NO_RECV_STP and NO_FLOOD: a 1.3 mod-port of those
# changes nothing).  "no" without the dash and any case are accepted.
modport_both() {
    swofctl "$@"
    ovs_ref_ofctl "$@"
}
for step in "1 no-flood" "1 no-forward" "5 no-stp" "5 no-receive" \
    "5 NoReceive-STP" "6 nopacket-in" "6 noflood" "65534 no-forward" \
    "1 forward" "5 receive" "6 no-up" "6 nodown" "br-tun down"; do
    # shellcheck disable=SC2086  # port and word
    modport_both mod-port br-tun $step
done
compare "mod-port flags" cat dump-ports-desc br-tun
compare "mod-port flags 1.3" cat -O OpenFlow13 dump-ports-desc br-tun
compare "mod-port flags, show" cat show br-tun
modport_both -O OpenFlow13 mod-port br-tun 6 flood
modport_both -O OpenFlow13 mod-port br-tun 6 receive-stp
modport_both -O OpenFlow13 mod-port br-tun 6 no-receive
compare "mod-port 1.3 leaves 1.0-only bits" cat dump-ports-desc br-tun
for p in 1 5 6 65534; do
    for w in up stp receive receive-stp forward flood packet-in; do
        modport_both mod-port br-tun "$p" "$w"
    done
done
compare "mod-port flags cleared" cat dump-ports-desc br-tun
expect_fail "mod-port no_flood" "unknown mod-port command 'no_flood'" \
    swofctl mod-port br-tun br-tun no_flood
theirs=$(ovs_ref_ofctl mod-port br-tun br-tun no_flood 2>&1 || true)
[[ $theirs == *"unknown mod-port command 'no_flood'"* ]] ||
    fail "ovs-ofctl's message for no_flood changed: $theirs"
expect_fail "mod-port no port" "br-tun: couldn't find port \`nosuch'" \
    swofctl mod-port br-tun nosuch down
theirs=$(ovs_ref_ofctl mod-port br-tun nosuch down 2>&1 || true)
[[ $theirs == *"br-tun: couldn't find port \`nosuch'"* ]] ||
    fail "ovs-ofctl's message for a missing port changed: $theirs"

# The OVS 3 packet-out form: a frame out of vxlan0, counted in both.  The
# underlay address goes on a veth pair whose other end nobody reads, so the
# tunnel has a route and nothing leaves the namespace.
ip -n "$SWD_NS" link add ul0 type veth peer name ul1
ip -n "$SWD_NS" link set ul1 up
ip -n "$SWD_NS" addr add 192.168.33.12/24 dev ul0
ip -n "$SWD_NS" link set ul0 up
FRAME=ffffffffffff020000000001080045000054000000004001f7ad0a0000010a000002
swofctl packet-out br-tun "in_port=LOCAL packet=$FRAME actions=output:5"
ovs_ref_ofctl packet-out br-tun "in_port=LOCAL packet=$FRAME actions=output:5"
compare "after packet-out" cat dump-ports br-tun 5

# fdb/flush: the same answer.
check_output "fdb-flush" "$(ovs_ref_appctl fdb/flush br-int)" \
    "$(swofctl fdb-flush br-int)"

# ---- swctl against ovs-vsctl. ----
# N5.
vsctl_show_norm() {
    python3 -c '
import sys
lines = sys.stdin.read().splitlines()[1:]
bridges, cur, port = {}, None, None
for l in lines:
    if "datapath_type: netdev" in l:
        continue
    if l.startswith("    Bridge "):
        cur = bridges.setdefault(l, {}); port = None
    elif l.startswith("        Port "):
        port = cur.setdefault(l, [])
    elif port is not None:
        port.append(l)
for b in sorted(bridges):
    print(b)
    for p in sorted(bridges[b]):
        print(p); print("\n".join(bridges[b][p]))'
}
check_output "swctl show" "$(ovs_ref_vsctl show | vsctl_show_norm)" \
    "$(swctl show | vsctl_show_norm)"
# N6.
for iface in vxlan0 patch-tun br-tun; do
    cols=name,type,options,ofport,ofport_request
    check_output "swctl list interface $iface" \
        "$(ovs_ref_vsctl --columns=$cols list interface "$iface")" \
        "$(swctl --columns=$cols list interface "$iface")"
done
# The article's Port and Bridge rows (ports' names only: OVS lists port
# uuids; datapath_type: OVS's bridges are netdev by name, switchd's by
# default).
for port in vxlan0 patch-int; do
    cols=name,tag,trunks,external_ids
    check_output "swctl list port $port" \
        "$(ovs_ref_vsctl --columns=$cols list port "$port")" \
        "$(swctl --columns=$cols list port "$port")"
done
for br in br-int br-tun; do
    cols=name,external_ids,fail_mode,other_config
    check_output "swctl list bridge $br" \
        "$(ovs_ref_vsctl --columns=$cols list bridge "$br")" \
        "$(swctl --columns=$cols list bridge "$br")"
done
check_output "swctl find" \
    "$(ovs_ref_vsctl --columns=name,options find interface type=vxlan | sort)" \
    "$(swctl --columns=name,options find interface type=vxlan | sort)"
check_output "swctl --bare" \
    "$(ovs_ref_vsctl --bare --columns=name,ofport list interface vxlan1)" \
    "$(swctl --bare --columns=name,ofport list interface vxlan1)"
check_output "swctl get" "$(ovs_ref_vsctl get interface vxlan0 ofport options:remote_ip)" \
    "$(swctl get interface vxlan0 ofport options:remote_ip)"
check_output "swctl list-ports" "$(ovs_ref_vsctl list-ports br-tun)" \
    "$(swctl list-ports br-tun)"
check_output "swctl list-br" "$(ovs_ref_vsctl list-br)" "$(swctl list-br)"

# ovs-vsctl's global options, in the shape OVS docs type them.
swctl --no-wait -t 5 -- add-br br-x -- add-port br-x px -- set interface px type=internal
ovs_ref_vsctl --no-wait -- add-br br-x -- set bridge br-x datapath_type=netdev \
    -- add-port br-x px -- set interface px type=internal
check_output "swctl -- add-br" "$(ovs_ref_vsctl show | vsctl_show_norm)" \
    "$(swctl show | vsctl_show_norm)"
expect_fail "--columns unknown" 'interface contains no column named "nosuch"' \
    swctl --columns=name,nosuch list interface px
# A port whose device does not exist: the command succeeds, the port stays
# with ofport -1 and its error, and stderr says so, as ovs-vsctl does (the
# program names and the log's name differ).
ours=$(swctl add-port br-x nosuch 2>&1 >/dev/null | sed 's/^swctl: //')
theirs=$(ovs_ref_vsctl add-port br-x nosuch 2>&1 >/dev/null | head -1 |
         sed -e 's/^ovs-vsctl: //' -e 's/ovs-vswitchd log/switchd log/')
check_output "setup error" "$theirs" "$ours"
check_output "setup error columns" \
    "$(ovs_ref_vsctl --columns=name,ofport,error list interface nosuch)" \
    "$(swctl --columns=name,ofport,error list interface nosuch)"
# admin_state and link_state where both sides have the same kind of port.
for iface in vxlan0 patch-tun nosuch; do
    check_output "state $iface" \
        "$(ovs_ref_vsctl --columns=name,admin_state,link_state list interface "$iface")" \
        "$(swctl --columns=name,admin_state,link_state list interface "$iface")"
done

# -t: a daemon that does not answer (stopped) is given up on.
kill -STOP "$SWD_PID"
rc=0
out=$(swctl -t 1 list-br 2>&1) || rc=$?
kill -CONT "$SWD_PID"
[ "$rc" = 1 ] && [ "$out" = "swctl: timed out waiting for switchd" ] ||
    fail "swctl -t 1 against a stopped daemon: exit $rc, \"$out\""
swctl list-br >/dev/null || fail "switchd did not resume"

echo PASS
