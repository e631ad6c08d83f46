#!/bin/bash
# swofctl fdb-show: NORMAL's MAC table in ovs-appctl fdb/show's layout
# and as JSON.  Entries are learned by traces with --generate (the same
# walk a real packet takes), on untagged and VLAN-tagged frames, and a
# MAC that moves is shown on its new port only.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
# The expected traces are the userspace datapath's (no "Datapath:
# system" line): pinned to netdev, the default being system.
swctl add-br br0 -- set bridge br0 datapath_type=netdev
swctl add-port br0 p1 -- set interface p1 type=internal
swctl add-port br0 p2 -- set interface p2 type=internal
swctl add-port br0 p3 -- set interface p3 type=patch options:peer=q3
swctl add-br br1 -- set bridge br1 datapath_type=netdev
swctl add-port br1 q3 -- set interface q3 type=patch options:peer=p3

# Ages are seconds since the last sighting: 0 or 1 on a slow machine.
mask_age() { sed -E 's/ +[0-9]+$/  AGE/'; }

out=$(swofctl fdb-show br0)
check_output "empty" ' port  VLAN  MAC                Age' "$out"

# Nothing is learned without --generate.
swofctl trace br0 "in_port=p1,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff" >/dev/null
[ "$(swofctl fdb-show br0 | wc -l)" = 1 ] || fail "trace without --generate learned"

swofctl trace --generate br0 "in_port=p1,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff" >/dev/null
swofctl trace --generate br0 "in_port=p2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01,dl_vlan=10" >/dev/null
swofctl trace --generate br0 "in_port=LOCAL,dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:01" >/dev/null
out=$(swofctl fdb-show br0 | mask_age)
check_output "learned" ' port  VLAN  MAC                Age
    1     0  00:00:00:00:00:01  AGE
    2    10  00:00:00:00:00:02  AGE
LOCAL     0  00:00:00:00:00:03  AGE' "$out"

# A unicast to a known MAC now leaves on its port only.
out=$(swofctl trace br0 "in_port=p2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01" | grep '^Datapath')
check_output "unicast via fdb" 'Datapath actions: output:1 (p1)' "$out"

# The MAC moves to p2: one entry, on the new port (sighting order).
swofctl trace --generate br0 "in_port=p2,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff" >/dev/null
out=$(swofctl fdb-show br0 | mask_age)
check_output "moved" ' port  VLAN  MAC                Age
    2    10  00:00:00:00:00:02  AGE
LOCAL     0  00:00:00:00:00:03  AGE
    2     0  00:00:00:00:00:01  AGE' "$out"

# The other bridge learned what crossed the patches into it.
swofctl fdb-show br1 | grepq '00:00:00:00:00:01' \
    || fail "br1 did not learn across the patch"

out=$(swofctl --format json fdb-show br0)
python3 - "$out" <<'PY' || fail "fdb-show JSON"
import json, sys
r = json.loads(sys.argv[1])
assert r["bridge"] == "br0"
e = [(x["port"], x["vlan"], x["mac"]) for x in r["entries"]]
assert e == [(2, 10, "00:00:00:00:00:02"), (65534, 0, "00:00:00:00:00:03"),
             (2, 0, "00:00:00:00:00:01")], e
assert all(isinstance(x["age"], int) and 0 <= x["age"] <= 5
           for x in r["entries"])
PY

expect_fail "no bridge" "no bridge named br9" swofctl fdb-show br9
expect_fail "arguments" "takes more arguments" swofctl fdb-show
echo PASS
