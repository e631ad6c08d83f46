#!/bin/bash
# fail_mode, as ovs-vsctl has it (test-ovs-fail-mode runs the same steps
# next to a real Open vSwitch 3.1): a standalone bridge (the default) starts with NORMAL, a
# secure one with nothing; changing the mode of a running bridge removes
# its flows, and standalone gets NORMAL back; deleting all flows is not
# undone by later configuration.  The mode is stored in the database and
# holds across restarts; with no saved flows (--no-restore-flows) a
# secure bridge starts empty.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
normal=' priority=0 actions=NORMAL'
empty=''
flows() { swofctl dump-flows --no-stats "$1"; }

swctl add-br br0
check_output "new standalone" "$normal" "$(flows br0)"
[ -z "$(swctl get-fail-mode br0)" ] || fail "unset mode printed something"
check_output "unset in get" "[]" "$(swctl get bridge br0 fail_mode)"

# A new secure bridge, in one transaction: never a NORMAL flow.
swctl add-br br1 -- set-fail-mode br1 secure
check_output "new secure" "$empty" "$(flows br1)"
check_output "get-fail-mode" secure "$(swctl get-fail-mode br1)"
swctl add-br br2 -- set bridge br2 fail_mode=secure
check_output "set bridge fail_mode" "$empty" "$(flows br2)"
check_output "get bridge" secure "$(swctl get bridge br2 fail_mode)"

# Changing the mode removes the flows (as OVS does).
swofctl add-flow br0 "table=3,actions=drop"
swctl set-fail-mode br0 secure
check_output "to secure" "$empty" "$(flows br0)"
swofctl add-flow br0 "table=4,actions=drop"
swctl set-fail-mode br0 standalone
check_output "to standalone" "$normal" "$(flows br0)"
# Setting the same mode again, or unsetting standalone, changes nothing.
swofctl add-flow br0 "table=4,actions=drop"
swctl set-fail-mode br0 standalone -- del-fail-mode br0
check_output "same mode" "$normal
 table=4, actions=drop" "$(flows br0)"
[ -z "$(swctl get-fail-mode br0)" ] || fail "del-fail-mode left a mode"
# del-flows, then more configuration: NORMAL does not come back.
swofctl del-flows br0
swctl add-port br0 p1 -- set interface p1 type=patch options:peer=p2
check_output "after del-flows" "$empty" "$(flows br0)"
# From secure to unset is a change to standalone.
swctl clear bridge br1 fail_mode
check_output "clear secure" "$normal" "$(flows br1)"

# Bad modes: a clear error, nothing changes.
expect_fail "bad mode" 'bridge br2: fail mode "closed" is neither standalone nor secure' \
    swctl set-fail-mode br2 closed
expect_fail "bad column value" 'fail mode "open" is neither' \
    swctl set bridge br2 fail_mode=open
expect_fail "no bridge" "no bridge named br9" swctl set-fail-mode br9 secure
check_output "unchanged" secure "$(swctl get-fail-mode br2)"
grep -q '"fail_mode": "secure"' "$SW_DB" || fail "mode not in the database"

# Across a restart that restores nothing, the mode decides.
stop_switchd
start_switchd --no-restore-flows
check_output "secure after restart" "$empty" "$(flows br2)"
check_output "standalone after restart" "$normal" "$(flows br1)"
check_output "mode after restart" secure "$(swctl get-fail-mode br2)"
echo PASS
