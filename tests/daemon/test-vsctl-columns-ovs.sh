#!/bin/bash
# swctl's external_ids (Interface, Port, Bridge), tag and trunks next to a
# real ovs-vsctl (tests/common/ovs-ref.sh: a private ovsdb-server and
# ovs-vswitchd): the same command lines typed into both, outputs compared
# exactly.  These are the columns swagent relies on (docs/swagent.8.md).
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns
# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
start_switchd
ovs_ref_start

# both ARGS...: runs the same swctl/ovs-vsctl command line on both and
# fails unless they print the same (stdout, and whether they failed).
both() {
    local sw ovs sw_rc=0 ovs_rc=0
    sw=$(swctl "$@" 2>/dev/null) || sw_rc=$?
    ovs=$(ovs_ref_vsctl "$@" 2>/dev/null) || ovs_rc=$?
    if [ "$sw" != "$ovs" ] || [ $((sw_rc == 0)) -ne $((ovs_rc == 0)) ]; then
        echo "FAIL: $*" >&2
        echo "  swctl ($sw_rc):    $sw" >&2
        echo "  ovs-vsctl ($ovs_rc): $ovs" >&2
        exit 1
    fi
}

swctl add-br br0
ovs_ref_add_br br0
both add-port br0 p1 tag=10 -- set interface p1 type=internal \
    external_ids:vni=100 external_ids:attached-mac=02:00:00:00:00:01 -- \
    set port p1 external_ids:foo=bar trunks=1,2 -- \
    set bridge br0 external_ids:a=b
both get interface p1 external_ids
both get interface p1 external_ids:vni
both get interface p1 external_ids:attached-mac
both get port p1 tag trunks
both get port p1 external_ids
both get port p1 external_ids:nokey
both get bridge br0 external_ids
both --columns=name find interface external_ids:vni=100
both --columns=name,tag find port tag=10
both --columns=name find port tag=11
both --bare --columns=name find port external_ids:foo=bar
both --columns=name find bridge external_ids:a=b
both remove port p1 trunks 1
both get port p1 trunks
both remove interface p1 external_ids vni
both remove interface p1 external_ids attached-mac=xx
both get interface p1 external_ids
both remove port p1 tag 10
both get port p1 tag
both set port p1 'external_ids={a=b, c="d e"}'
both get port p1 external_ids
both clear port p1 external_ids
both get port p1 external_ids
both set port p1 tag=4095 trunks=[]
both get port p1 tag trunks
both set port p1 tag=4096
both set port p1 tag=abc
both set interface p1 tag=3
both clear bridge br0 external_ids
both get bridge br0 external_ids
echo "PASS: external_ids, tag and trunks print as ovs-vsctl prints them"
