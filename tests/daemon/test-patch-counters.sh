#!/bin/bash
# Patch port counters (issue 5): a packet crossing patch-int <-> patch-tun
# never touches a device, so the bridge credits each crossing reported by
# the pipeline as tx on the sending patch port and rx on its peer.  Real
# traffic: ping from br-int's LOCAL port (a TAP in this test's namespace)
# goes through patch-int into br-tun, which tags it with VLAN 7 and sends
# it back through patch-tun into br-int, where it is dropped.  So
# patch-int tx = patch-tun rx (the untagged frames) and patch-tun tx =
# patch-int rx (4 bytes longer each).  trace, with or without
# --generate, sends nothing and must count nothing.
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

# ports PORT...: "NAME rx_pkts rx_bytes tx_pkts tx_bytes" per port.
ports() {
    local b p
    for p in "$@"; do
        case $p in patch-int) b=br-int ;; *) b=br-tun ;; esac
        swofctl --format json dump-ports "$b" "$p" | python3 -c '
import json, sys
p = json.load(sys.stdin)["ports"][0]
print(p["name"], p["rx_packets"], p["rx_bytes"], p["tx_packets"], p["tx_bytes"])'
    done
}

zero='patch-int 0 0 0 0
patch-tun 0 0 0 0'
check_output "counters before traffic" "$zero" "$(ports patch-int patch-tun)"

# trace sends nothing: neither plain nor --generate counts a crossing.
flow="in_port=LOCAL,icmp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.9.0.1,nw_dst=10.9.0.2"
swofctl trace br-int "$flow" | grep -q 'patch patch-int' \
    || fail "trace does not cross the patch"
swofctl trace --generate br-int "$flow" >/dev/null
check_output "counters after trace" "$zero" "$(ports patch-int patch-tun)"

in_ns ip addr add 10.9.0.1/24 dev br-int
in_ns ip link set br-int up
in_ns ip neigh replace 10.9.0.2 lladdr 02:00:00:00:00:02 dev br-int nud permanent
in_ns ping -c 3 -i 0.2 -W 1 10.9.0.2 >/dev/null || true

# 3 echo requests of 98 bytes each way in; 102 with the VLAN tag back.
want='patch-int 3 306 3 294
patch-tun 3 294 3 306'
wait_for 5 test "$(ports patch-int patch-tun)" = "$want"
check_output "counters after ping" "$want" "$(ports patch-int patch-tun)"

# The text form shows the same numbers.
out=$(swofctl dump-ports br-tun patch-tun)
check_output "dump-ports text" 'OFPST_PORT reply (xid=0x2): 1 ports
  port  1: rx pkts=3, bytes=294, drop=0, errs=0, frame=0, over=0, crc=0
           tx pkts=3, bytes=306, drop=0, errs=0, coll=0' "$out"
echo PASS
