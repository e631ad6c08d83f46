#!/bin/bash
# The reset_counts flow flag next to a real Open vSwitch 3.1
# (tests/common/ovs-ref.sh): the same flows added, modified and replaced
# in both, with and without reset_counts, in OpenFlow 1.0 (ovs-ofctl's
# default, which refuses reset_counts) and 1.3, with packets counted between the steps (packet-out
# through the tables), and after each step the flows with their counters
# and flags compared (dump-flows in 1.0 and 1.3).
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns python3
# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
start_switchd
ovs_ref_start

swctl add-br br0 -- set bridge br0 fail_mode=secure
swctl add-port br0 p1 -- set interface p1 type=internal ofport_request=1
ovs_ref_add_br br0 -- set bridge br0 fail_mode=secure
ovs_ref_vsctl add-port br0 p1 -- set interface p1 type=internal ofport_request=1

both() {
    swofctl "$@" >/dev/null
    ovs_ref_ofctl "$@" >/dev/null
}
# with_reset VERSION CMD...: a command whose flow has reset_counts: done
# in both with OpenFlow 1.3; refused by both with 1.0 (the flag needs
# 1.2's OXM), with ovs-ofctl's message, and nothing changes.
with_reset() {
    local v=$1 msg ours theirs
    shift
    if [ "$v" = OpenFlow13 ]; then
        both -O "$v" "$@"
        return
    fi
    msg="none of the usable flow formats (OXM) is among the allowed flow formats (OpenFlow10,NXM)"
    expect_fail "$*" "$msg" swofctl -O "$v" "$@"
    theirs=$(ovs_ref_ofctl -O "$v" "$@" 2>&1) &&
        fail "ovs-ofctl $*: accepted"
    [[ $theirs == *"$msg"* ]] || fail "ovs-ofctl $*: $theirs"
}
FRAME=ffffffffffff020000000001080045000054000000004001f7ad0a0000010a000002
# count N: N packets through the tables from p1.
count() {
    local i
    for i in $(seq "$1"); do
        both packet-out br0 "in_port=1 packet=$FRAME actions=resubmit(,0)"
    done
}
# Times differ by however long the commands between took.  Whether
# hard_age prints at all depends on where second boundaries fall in each
# switch (it prints when it differs from the duration's whole seconds:
# test-ovs-compare and the unit tests check that rule), so it goes.
normalise() {
    sed -E -e 's/duration=[0-9.]+s/duration=Xs/g' \
        -e 's/idle_age=[0-9]+/idle_age=X/g' -e 's/ hard_age=[0-9]+,//g' |
        sort
}
# same STEP: the flows, counters and flags agree in both versions.
same() {
    local v
    for v in OpenFlow10 OpenFlow13; do
        check_output "$1 ($v)" \
            "$(ovs_ref_ofctl -O "$v" dump-flows br0 | normalise)" \
            "$(swofctl -O "$v" dump-flows br0 | normalise)"
    done
    echo "ok: $1"
}

F="priority=5,in_port=1,actions=drop"
G="priority=4,ip,actions=drop"
for v in OpenFlow10 OpenFlow13; do
    both del-flows br0
    both -O "$v" add-flow br0 "$F"
    both -O "$v" add-flow br0 "$G"
    count 2
    same "$v: added, 2 packets"
    both -O "$v" add-flow br0 "$F"
    same "$v: the same flow added again"
    count 1
    with_reset "$v" add-flow br0 "reset_counts,$F"
    same "$v: added again with reset_counts"
    count 3
    both -O "$v" mod-flows br0 "in_port=1,actions=drop"
    same "$v: mod-flows"
    with_reset "$v" mod-flows br0 "reset_counts,in_port=1,actions=drop"
    same "$v: mod-flows with reset_counts"
    count 2
    with_reset "$v" mod-flows br0 \
        "reset_counts,in_port=1,actions=output:LOCAL"
    same "$v: mod-flows with reset_counts, new actions"
    count 2
    printf '%s\n%s\n' "$F" "$G" >"$SWD_DIR/same.flows"
    both -O "$v" replace-flows br0 "$SWD_DIR/same.flows"
    same "$v: replace-flows, actions changed back"
    count 2
    both -O "$v" replace-flows br0 "$SWD_DIR/same.flows"
    same "$v: replace-flows, identical"
    printf '%s\n%s\n' "reset_counts,$F" "$G" >"$SWD_DIR/reset.flows"
    with_reset "$v" replace-flows br0 "$SWD_DIR/reset.flows"
    same "$v: replace-flows with reset_counts"
    count 1
    with_reset "$v" add-flows br0 "$SWD_DIR/reset.flows"
    same "$v: add-flows with reset_counts"
done
echo PASS
