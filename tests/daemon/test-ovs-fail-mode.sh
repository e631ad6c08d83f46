#!/bin/bash
# fail_mode next to a real Open vSwitch 3.1 (tests/common/ovs-ref.sh: a
# private ovsdb-server + ovs-vswitchd, userspace datapath, own namespace):
# the same swctl/ovs-vsctl and swofctl/ovs-ofctl commands in both, and
# after each step the flow tables (dump-flows --no-stats) and the mode
# (get-fail-mode, get bridge fail_mode) compared.  What OVS does and
# switchd must do too: a new standalone bridge has NORMAL, a new secure
# one nothing; a mode change removes every flow and standalone gets
# NORMAL back; del-flows followed by more configuration does not bring
# NORMAL back; unsetting a standalone bridge's mode changes nothing.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns
# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
start_switchd
ovs_ref_start

# both VSCTL-ARGS...: the same configuration command in both.
both() {
    swctl "$@" >/dev/null
    ovs_ref_vsctl "$@" >/dev/null
}
both_ofctl() {
    swofctl "$@" >/dev/null
    ovs_ref_ofctl "$@" >/dev/null
}
# same STEP BRIDGE: flows and modes agree.
same() {
    local step=$1 br=$2
    check_output "$step: flows of $br" \
        "$(ovs_ref_ofctl dump-flows "$br" --no-stats | sort)" \
        "$(swofctl dump-flows "$br" --no-stats | sort)"
    check_output "$step: get-fail-mode $br" "$(ovs_ref_vsctl get-fail-mode "$br")" \
        "$(swctl get-fail-mode "$br")"
    check_output "$step: get bridge $br fail_mode" \
        "$(ovs_ref_vsctl get bridge "$br" fail_mode)" \
        "$(swctl get bridge "$br" fail_mode)"
}

swctl add-br br0
ovs_ref_add_br br0
same "new bridge" br0
swctl add-br br1 -- set-fail-mode br1 secure
ovs_ref_add_br br1 -- set-fail-mode br1 secure
same "new secure bridge" br1

both_ofctl add-flow br0 "table=3,actions=drop"
both set-fail-mode br0 secure
same "standalone to secure" br0
both_ofctl add-flow br0 "table=4,actions=drop"
both set-fail-mode br0 standalone
same "secure to standalone" br0
both_ofctl add-flow br0 "table=4,actions=drop"
both set-fail-mode br0 standalone
same "standalone again" br0
both del-fail-mode br0
same "unset from standalone" br0
both_ofctl del-flows br0
both add-port br0 p1 -- set interface p1 type=internal
same "del-flows, then a port" br0
both set bridge br1 fail_mode=standalone
same "set bridge fail_mode" br1
both clear bridge br1 fail_mode
same "clear fail_mode" br1
both set-fail-mode br1 secure
both del-fail-mode br1
same "unset from secure" br1
echo PASS
