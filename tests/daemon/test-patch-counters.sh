#!/bin/bash
# Patch port counters (issue 5): a packet crossing patch-int <-> patch-tun
# never touches a device, so the bridge credits each crossing reported by
# the pipeline as tx on the sending patch port and rx on its peer.  Real
# traffic: ping from br-int's LOCAL port (a TAP in this test's namespace)
# goes through patch-int into br-tun, which tags it with VLAN 7 and sends
# it back through patch-tun into br-int, where it is dropped.  So
# patch-int tx = patch-tun rx (the untagged frames) and patch-tun tx =
# patch-int rx (4 bytes longer each).  trace, with or without
# --generate, sends nothing and must count nothing.  Captures of patch
# ports see the same crossings, in both directions.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns ping

start_switchd
quiet_ns
swctl add-br br-int
swctl add-br br-tun
swctl add-port br-int patch-int -- set interface patch-int type=patch options:peer=patch-tun
swctl add-port br-tun patch-tun -- set interface patch-tun type=patch options:peer=patch-int
swofctl del-flows br-int
swofctl del-flows br-tun
swofctl add-flow br-int "in_port=LOCAL,icmp actions=output:patch-int"
swofctl add-flow br-int "in_port=patch-int actions=drop"
swofctl add-flow br-tun "in_port=patch-tun actions=mod_vlan_vid:7,output:in_port"

# ports PORT...: "NAME rx_pkts rx_bytes tx_pkts tx_bytes" per port, from
# dump-ports' text (awk, not python: a python start-up costs seconds on
# some machines, and wait_for calls this in a loop).
ports() {
    local b p
    for p in "$@"; do
        case $p in patch-int) b=br-int ;; *) b=br-tun ;; esac
        swofctl dump-ports "$b" "$p" | awk -v name="$p" -F'[=,]' '
            / rx pkts=/ { rp = $2; rb = $4 }
            / tx pkts=/ { tp = $2; tb = $4 }
            END { print name, rp, rb, tp, tb }'
    done
}

zero='patch-int 0 0 0 0
patch-tun 0 0 0 0'
check_output "counters before traffic" "$zero" "$(ports patch-int patch-tun)"

# trace sends nothing: neither plain nor --generate counts a crossing.
flow="in_port=LOCAL,icmp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.9.0.1,nw_dst=10.9.0.2"
swofctl trace br-int "$flow" | grepq 'patch patch-int' \
    || fail "trace does not cross the patch"
swofctl trace --generate br-int "$flow" >/dev/null
check_output "counters after trace" "$zero" "$(ports patch-int patch-tun)"

in_ns ip addr add 10.9.0.1/24 dev br-int
in_ns ip link set br-int up
in_ns ip neigh replace 10.9.0.2 lladdr 02:00:00:00:00:02 dev br-int nud permanent

# Captures of patch ports see the crossings too: patch-tun as a pcap
# (stops after the first request's two crossings), patch-int as text.
bg_swofctl "$SWD_DIR/ct.err" capture br-tun patch-tun -w "$SWD_DIR/pt.pcap" -c 2
CT=$BG_PID
bg_swofctl "$SWD_DIR/ci.out" capture br-int patch-int
CI=$BG_PID
for f in ct.err ci.out; do
    wait_for 5 grep -q '^listening on' "$SWD_DIR/$f"
done

in_ns ping -c 3 -i 0.2 -W 1 10.9.0.2 >/dev/null || true

# 3 echo requests of 98 bytes each way in; 102 with the VLAN tag back.
want='patch-int 3 306 3 294
patch-tun 3 294 3 306'
wait_for 5 test "$(ports patch-int patch-tun)" = "$want"
check_output "counters after ping" "$want" "$(ports patch-int patch-tun)"

# The text form shows the same numbers.
out=$(swofctl dump-ports br-tun patch-tun)
check_output "dump-ports text" 'OFPST_PORT reply (xid=0x4): 1 ports
  port  1: rx pkts=3, bytes=294, drop=?, errs=?, frame=?, over=?, crc=?
           tx pkts=3, bytes=306, drop=?, errs=?, coll=?' "$out"
# patch-tun received the request untagged and sent it back tagged.
wait "$CT" || fail "capture -c 2 on patch-tun failed: $(cat "$SWD_DIR/ct.err")"
mac=$(in_ns cat /sys/class/net/br-int/address)
out=$(tcpdump -e -n -r "$SWD_DIR/pt.pcap" 2>&1 | sed -E -e 's/^[0-9:.]+ //' \
      -e 's/id [0-9]+/id ID/')
check_output "tcpdump patch-tun capture" "reading from file $SWD_DIR/pt.pcap, link-type EN10MB (Ethernet), snapshot length 65535
$mac > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 98: 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64
$mac > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 102: vlan 7, p 0, ethertype IPv4 (0x0800), 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64" "$out"

# patch-int: each request out, then back in with the tag, three times.
wait_for 5 test "$(grep -c ICMP "$SWD_DIR/ci.out")" -ge 6
kill -INT "$CI"
wait "$CI" || fail "text capture on patch-int exit status"
out=$(grep -v '^listening' "$SWD_DIR/ci.out" | grep ICMP \
      | sed -E 's/^[0-9]{2}:[0-9:.]+ //' | sort | uniq -c | sed 's/^ *//')
check_output "text capture on patch-int" "3 rx patch-int $mac > 02:00:00:00:00:02, vlan 7, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 102
3 tx patch-int $mac > 02:00:00:00:00:02, IPv4 10.9.0.1 > 10.9.0.2: ICMP echo request, length 98" "$out"
echo PASS
