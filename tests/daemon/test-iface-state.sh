#!/bin/bash
# Interface admin_state and link_state (read-only), as ovs-vsctl shows
# them: "up" or "down" from the device's own flags (IFF_UP, IFF_RUNNING)
# at the moment of the read, [] for a port with no device open.
source "$SW_SRC/tests/daemon/lib.sh"
need_tap_ns
start_switchd
swctl add-br br0 -- add-port br0 p1 -- set interface p1 type=internal

state() { swctl get interface "$1" admin_state link_state | tr '\n' ' '; }
in_ns ip link set p1 down
[ "$(state p1)" = "down down " ] || fail "p1 down: $(state p1)"
in_ns ip link set p1 up
# switchd holds the TAP open, so its carrier is on once it is up.
[ "$(state p1)" = "up up " ] || fail "p1 up: $(state p1)"
in_ns ip link set p1 down
[ "$(state p1)" = "down down " ] || fail "p1 down again: $(state p1)"

# A port whose device does not exist has no state.
swctl add-port br0 nosuch 2>/dev/null
[ "$(state nosuch)" = "[] [] " ] || fail "nosuch: $(state nosuch)"

# list shows both columns; --columns takes them.
swctl list interface p1 | grepq '^admin_state *: down$' \
    || fail "list: $(swctl list interface p1)"
swctl list interface p1 | grepq '^link_state *: down$' \
    || fail "list: $(swctl list interface p1)"
in_ns ip link set p1 up
[ "$(swctl --bare --columns=name,admin_state,link_state list interface p1)" \
    = "$(printf 'p1\nup\nup')" ] \
    || fail "--columns: $(swctl --columns=name,admin_state,link_state list interface p1)"
swctl --format json list interface p1 | python3 -c '
import json, sys
r = json.load(sys.stdin)[0]["result"][0]
assert r["admin_state"] == "up" and r["link_state"] == "up", r' \
    || fail "json: $(swctl --format json list interface p1)"

# Read-only: an error that names the column, and nothing changes.
expect_fail "set admin_state" '"admin_state=down": column admin_state is read-only' \
    swctl set interface p1 admin_state=down
expect_fail "set link_state" "column link_state is read-only" \
    swctl set interface p1 link_state=up
[ "$(state p1)" = "up up " ] || fail "after refused set: $(state p1)"
echo PASS
