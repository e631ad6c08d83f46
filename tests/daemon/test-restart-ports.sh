#!/bin/bash
# Internal ports across restarts: a TAP is persistent, so a restarted
# switchd (clean or after kill -9) takes back the same device with its
# MAC, addresses and link state, and the host's peers see no change; a
# new TAP's MAC comes from its name, not from the kernel's dice.  A
# deleted port's device goes.  other_config:hwaddr sets the LOCAL port's
# MAC and other_config:datapath-id the dpid that show prints; both hold
# across restarts.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns ip
quiet_ns
start_switchd
swctl add-br br-int
swctl add-port br-int tap1 -- set interface tap1 type=internal
in_ns ip addr add 10.9.9.1/24 dev br-int
in_ns ip link set br-int up
mac() { in_ns cat "/sys/class/net/$1/address"; }
state() {
    printf '%s %s %s\n' "$(mac "$1")" \
        "$(in_ns ip -br addr show dev "$1" | awk '{ print $3 }')" \
        "$(in_ns ip -o link show dev "$1" | grep -o '<[^>]*>' | tr -d '<>' | tr , '\n' | grep -x UP)"
}
before=$(state br-int)
tap1_mac=$(mac tap1)
[[ $before == *" 10.9.9.1/24 UP" ]] || fail "setup: $before"
# Locally administered, unicast: derived, not random (the kernel's are
# also local, so check that a second creation gives the same).
swctl del-port tap1
in_ns ip link show tap1 >/dev/null 2>&1 && fail "deleted port's TAP stayed"
swctl add-port br-int tap1 -- set interface tap1 type=internal
[ "$(mac tap1)" = "$tap1_mac" ] || fail "tap1 MAC changed: $tap1_mac -> $(mac tap1)"

kill -9 "$SWD_PID"
wait "$SWD_PID" 2>/dev/null || true
SWD_PID=""
start_switchd
check_output "br-int after kill -9" "$before" "$(state br-int)"
stop_switchd
start_switchd
check_output "br-int after a clean restart" "$before" "$(state br-int)"
[ "$(mac tap1)" = "$tap1_mac" ] || fail "tap1 MAC changed across restarts"

# hwaddr and datapath-id.
dpid() { swofctl show br-int | sed -nE 's/.*dpid:([0-9a-f]+).*/\1/p'; }
check_output "dpid from the LOCAL MAC" "0000$(mac br-int | tr -d :)" "$(dpid)"
swctl set bridge br-int other_config:hwaddr=02:11:22:33:44:55
check_output "hwaddr" 02:11:22:33:44:55 "$(mac br-int)"
check_output "dpid from hwaddr" 0000021122334455 "$(dpid)"
swctl set bridge br-int other-config:datapath-id=00000000000000ab
check_output "datapath-id" 00000000000000ab "$(dpid)"
stop_switchd
start_switchd
check_output "hwaddr after restart" 02:11:22:33:44:55 "$(mac br-int)"
check_output "datapath-id after restart" 00000000000000ab "$(dpid)"
swctl clear bridge br-int other_config
check_output "hwaddr cleared" "$before" "$(state br-int)"
expect_fail "multicast hwaddr" "expected a unicast Ethernet address" \
    swctl set bridge br-int other_config:hwaddr=01:00:00:00:00:01
expect_fail "short dpid" "expected exactly 16 hex digits" \
    swctl set bridge br-int other_config:datapath-id=abc
echo PASS
