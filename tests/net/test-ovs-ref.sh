#!/bin/bash
# tests/common/ovs-ref.sh itself: a private Open vSwitch comes up in its
# own namespace and directory, takes a netdev bridge, a port and flows,
# answers ovs-ofctl, and leaves no process, namespace or directory behind
# (also when the script fails halfway, the case the EXIT trap is for).
set -euo pipefail
: "${SW_SRC:?set SW_SRC to the source directory}"
# shellcheck source=../common/grepq.sh
. "$SW_SRC/tests/common/grepq.sh"

if [ "${1:-}" != --body ]; then
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
    info=$(mktemp /tmp/ovs-ref-test.XXXXXX)
    for mode in pass fail; do
        rc=0
        bash "$0" --body "$mode" "$info" || rc=$?
        [ "$rc" -eq 77 ] && { rm -f "$info"; exit 77; }
        if [ "$mode" = pass ] && [ "$rc" -ne 0 ]; then
            echo "FAIL: body exited $rc" >&2; rm -f "$info"; exit 1
        fi
        if [ "$mode" = fail ] && [ "$rc" -ne 42 ]; then
            echo "FAIL: failing body exited $rc, not its own 42" >&2
            rm -f "$info"; exit 1
        fi
        read -r ns dir db vs <"$info"
        for pid in $db $vs; do
            if kill -0 "$pid" 2>/dev/null; then
                echo "FAIL: $mode: pid $pid still runs" >&2; exit 1
            fi
        done
        if ip netns list | awk '{print $1}' | grepq -x -- "$ns"; then
            echo "FAIL: $mode: namespace $ns left behind" >&2; exit 1
        fi
        [ ! -e "$dir" ] || { echo "FAIL: $mode: $dir left behind" >&2; exit 1; }
    done
    rm -f "$info"
    echo "PASS: private OVS starts, answers and leaves nothing behind"
    exit 0
fi

mode=$2 info=$3
# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
ovs_ref_start
echo "$OVS_REF_NS $OVS_REF_DIR $OVS_REF_DB_PID $OVS_REF_VS_PID" >"$info"

[ "$(cat "/proc/$OVS_REF_VS_PID/comm")" = ovs-vswitchd ] ||
    ovs_ref_fail "pid $OVS_REF_VS_PID is not ovs-vswitchd"
ovs_ref_add_br br0
[ "$(ovs_ref_vsctl get bridge br0 datapath_type)" = netdev ] ||
    ovs_ref_fail "br0 is not on the userspace datapath"
ovs_ref_vsctl add-port br0 p1 -- set interface p1 type=internal \
    ofport_request=7
# The bridge's internal ports are in the private namespace, not the host's.
ovs_ref_wait 10 ovs_ref_exec ip link show p1
if ip link show p1 2>/dev/null | grepq "p1:"; then
    ovs_ref_fail "p1 appeared outside the private namespace"
fi
printf '%s\n' "table=0,priority=5,in_port=7 actions=drop" \
    "table=1,priority=1 actions=output:7" >"$OVS_REF_DIR/flows"
ovs_ref_ofctl del-flows br0
ovs_ref_ofctl add-flows br0 "$OVS_REF_DIR/flows"
got=$(ovs_ref_ofctl dump-flows br0 --no-stats --names)
want=' priority=5,in_port=p1 actions=drop
 table=1, priority=1 actions=output:p1'
if [ "$got" != "$want" ]; then
    printf 'want:\n%s\ngot:\n%s\n' "$want" "$got" >&2
    ovs_ref_fail "dump-flows differs"
fi
[ "$mode" = pass ] || exit 42
ovs_ref_stop
