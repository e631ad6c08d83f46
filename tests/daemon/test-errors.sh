#!/bin/bash
# Errors name the thing and the reason, exit non-zero, and change
# nothing: unknown bridges, bad flows (nothing installed), chains that
# fail halfway (config and database unchanged), br-exists exit codes.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges

# --version: all three programs print the same version, the daemon's own
# "version" method agrees, and no daemon is needed to print it.
v=$("$SW_BIN/switchd" --version) || fail "switchd --version"
[[ $v =~ ^switchd\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "switchd --version: $v"
ver=${v#switchd }
check_output "swctl --version" "swctl (switchd) $ver" \
    "$(SW_RUNDIR=/nonexistent "$SW_BIN/swctl" --version)"
check_output "swofctl -V" "swofctl (switchd) $ver" \
    "$(SW_RUNDIR=/nonexistent "$SW_BIN/swofctl" -V)"
check_output "version method" "$ver" "$(python3 - "$SW_RUNDIR/switchd.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"id": 1, "method": "version"}\n')
buf = b""
while not buf.endswith(b"\n"):
    buf += s.recv(4096)
print(json.loads(buf)["result"]["version"])
PY
)"

db_before=$(cat "$SW_DB")
show_before=$(swctl show)

expect_fail "del-br" "swctl: no bridge named br-x" swctl del-br br-x
expect_fail "add-port" "swctl: no bridge named br-x" swctl add-port br-x p1
expect_fail "list-ports" "swctl: no bridge named br-x" swctl list-ports br-x
expect_fail "dup bridge" "because a bridge named br-int already exists" swctl add-br br-int
expect_fail "dup port" "already exists on bridge br-tun" swctl add-port br-int vxlan0
expect_fail "local port" "local port for bridge br-tun" swctl del-port br-tun
expect_fail "bad type" "unknown interface type" \
    swctl add-port br-int p1 -- set interface p1 type=warp
expect_fail "bad option" "remote_ip" \
    swctl set interface vxlan0 options:remote_ip=not-an-ip
expect_fail "unknown command" "unknown command 'frob'" swctl frob
expect_fail "dup request" "already requested by vxlan0" \
    swctl add-port br-tun p7 -- set interface p7 ofport_request=5
# Non-ASCII names: the error reaches the client (escaped, since it must be
# valid UTF-8 JSON whatever the input held) and the command fails.
expect_fail "typographic quotes" \
    'bridge name "\xe2\x80\x9cbr5\xe2\x80\x9d" contains the non-ASCII byte 0xe2 at offset 0' \
    swctl add-br "“br5”"
expect_fail "UTF-8 port name" 'port name "p\xc3\xa9" contains the non-ASCII byte 0xc3' \
    swctl add-port br-int pé
expect_fail "Latin-1 port name" 'argument 3 "p\xe9" is not valid UTF-8' \
    swctl add-port br-int $'p\xe9'

# A chain that fails halfway changes nothing, in memory or on disk.
expect_fail "chain" "swctl: no bridge named br-x" \
    swctl add-br br-new -- add-port br-new p1 -- del-port br-tun vxlan1 -- del-br br-x
[ "$(cat "$SW_DB")" = "$db_before" ] || fail "database changed by failed commands"
check_output "show unchanged" "$show_before" "$(swctl show)"
swctl br-exists br-new && fail "br-new exists after a failed chain"
rc=0; swctl br-exists br-new || rc=$?
[ $rc -eq 2 ] || fail "br-exists exit code $rc, expected 2"
swctl br-exists br-int || fail "br-exists br-int failed"

# --may-exist / --if-exists make repeats harmless.
swctl --may-exist add-br br-int
swctl --if-exists del-br br-x
swctl --may-exist add-port br-tun vxlan0
swctl --if-exists del-port nope
[ "$(cat "$SW_DB")" = "$db_before" ] || fail "database changed by no-op commands"

# Interfaces that fail to come up show why under swctl show (and in
# get/list), instead of only in the log; they keep their port numbers.
swctl add-port br-int patch-x -- set interface patch-x type=patch options:peer=nowhere
swctl add-port br-int nosuchdev0
out=$(swctl show)
case $out in
    *'            Interface patch-x
                type: patch
                options: {peer=nowhere}
                error: "patch-x: peer nowhere does not exist"'*) ;;
    *) fail "no error line for patch-x in: $out" ;;
esac
swctl show | grep -A1 'Interface nosuchdev0' | grepq 'error: "' \
    || fail "no error line for nosuchdev0"
[ "$(swctl get interface patch-x ofport)" = 2 ] || fail "patch-x lost its number"
swctl get interface patch-x error | grepq "does not exist" || fail "get error"
# Creating the peer clears the error.
swctl add-port br-tun nowhere -- set interface nowhere type=patch options:peer=patch-x
swctl show | grepq 'patch-x: peer' && fail "patch-x error not cleared"
swctl del-port nowhere -- del-port patch-x -- del-port nosuchdev0
db_before=$(cat "$SW_DB")

# swofctl: unknown bridge, bad flow text, bad port name.
expect_fail "ofctl bridge" "swofctl: no bridge named br-x" swofctl dump-flows br-x
expect_fail "ofctl show" "swofctl: no bridge named br-x" swofctl show br-x
swofctl del-flows br-tun
expect_fail "bad field" "swofctl: " swofctl add-flow br-tun "table=0,nosuchfield=1,actions=drop"
expect_fail "bad action" "swofctl: " swofctl add-flow br-tun "table=0,actions=frobnicate:1"
expect_fail "bad port" "vxlan9" swofctl add-flow br-tun "in_port=vxlan9,actions=drop"

# add-flows is all-or-nothing: line 3 is bad, so lines 1-2 are not added.
printf 'table=0,priority=1,in_port=1,actions=resubmit(,1)\n\ntable=1,dl_dst=zz,actions=drop\n' \
    > "$SWD_DIR/bad.flows"
expect_fail "add-flows" "line 3" swofctl add-flows br-tun "$SWD_DIR/bad.flows"
out=$(swofctl dump-flows br-tun)
check_output "nothing installed" "NXST_FLOW reply (xid=0x4):" "$out"

# priority in a filter without --strict is refused, as ovs-ofctl does,
# rather than ignored: del-flows "table=0,priority=1" must not delete the
# table's other flows.
article_flows
flows_before=$(swofctl dump-flows br-tun --no-stats)
expect_fail "loose del priority" \
    "priority is only allowed with --strict when deleting flows" \
    swofctl del-flows br-tun "table=0,priority=1"
expect_fail "loose dump priority" \
    "priority is only allowed with --strict when dumping flows" \
    swofctl dump-flows br-tun "table=0,priority=1"
expect_fail "loose aggregate priority" "only allowed with --strict" \
    swofctl dump-aggregate br-tun "priority=0"
check_output "loose del deleted nothing" "$flows_before" \
    "$(swofctl dump-flows br-tun --no-stats)"
swofctl del-flows --strict br-tun "table=0,priority=0"
[ "$(swofctl dump-flows br-tun --no-stats table=0 | grep -c priority=)" -eq 3 ] ||
    fail "del-flows --strict table=0,priority=0 did not delete one flow"

# A file goes up in pieces whatever its size, but a line longer than any
# flow gets the daemon's error (after 1 MiB, not 70), not the "Broken
# pipe" of the write it cut short.
head -c 70000000 /dev/zero | tr '\0' x >"$SWD_DIR/huge.flows"
expect_fail "huge request" "line 1: longer than 1048576 bytes" \
    swofctl add-flows br-tun "$SWD_DIR/huge.flows"
rm -f "$SWD_DIR/huge.flows"

# A daemon with a corrupt database refuses to start and leaves it alone.
stop_switchd
echo '{"version": 1, "bridges": [' > "$SW_DB"
cp "$SW_DB" "$SWD_DIR/corrupt.json"
rc=0
out=$(in_ns "$SW_BIN/switchd" --log-file "$SWD_DIR/switchd2.log" 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "switchd started on a corrupt database"
case $out in
    *"corrupt database"*) ;;
    *) fail "unclear corrupt-database message: $out" ;;
esac
cmp -s "$SW_DB" "$SWD_DIR/corrupt.json" || fail "corrupt database was overwritten"

# A second daemon on the same run directory is refused.
rm "$SW_DB"
start_switchd
rc=0
out=$(in_ns "$SW_BIN/switchd" --log-file "$SWD_DIR/switchd3.log" 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "second switchd started"
case $out in *"already running"*) ;; *) fail "second daemon: $out" ;; esac
swctl list-br >/dev/null || fail "first daemon died"

echo PASS
