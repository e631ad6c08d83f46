#!/bin/bash
# The network-test harness itself (tests/net/lib.sh), and the Linux kernel
# VXLAN baseline every interoperability and performance test compares
# against:
#   1. two hosts on an underlay with kernel vxlan devices (VNI 0, the
#      article's unicast "fdb append" flooding) ping each other, and
#      tcpdump decodes the traffic as "VXLAN, flags [I] (0x08), vni 0";
#   2. a run that fails halfway leaves nothing behind;
#   3. a run killed with SIGTERM leaves nothing behind, background
#      processes included.
. "${SW_SRC:?SW_SRC must point at the source tree}/tests/net/lib.sh"
net_init

# 1. Kernel baseline.
net_add_host h1
net_add_host h2
net_underlay 192.168.33 h1 h2
net_kernel_vxlan h1 vx0 0 192.168.33.12
net_kernel_vxlan h2 vx0 0 192.168.33.13
net_kernel_fdb h1 vx0 192.168.33.13
net_kernel_fdb h2 vx0 192.168.33.12
net_exec h1 ip addr add 10.1.1.2/24 dev vx0
net_exec h2 ip addr add 10.1.1.3/24 dev vx0
# The kernel picks 1450 for a vxlan device over a 1500-byte link: the
# same choice as our internal ports.
net_exec h1 ip link show vx0 | grepq "mtu 1450 "

net_tcpdump_start h2 eth1 "$NET_DIR/ul.pcap" udp port 4789
net_exec h1 ping -c 3 -i 0.2 -W 2 10.1.1.3 >/dev/null
net_exec h2 ping -c 1 -W 2 10.1.1.2 >/dev/null
net_tcpdump_stop
tcpdump -r "$NET_DIR/ul.pcap" -nn 2>/dev/null >"$NET_DIR/ul.txt"
n=$(net_count "VXLAN, flags \[I\] (0x08), vni 0" "$NET_DIR/ul.txt")
# 4 echo requests and 4 replies at least, plus ARP.
[ "$n" -ge 8 ] || net_fail "expected >= 8 VXLAN packets, tcpdump saw $n:
$(cat "$NET_DIR/ul.txt")"

# net_wait_for is bounded and reports.
if net_wait_for 1 false 2>"$NET_DIR/wait.err"; then
    net_fail "net_wait_for false succeeded"
fi
grep -q "timed out after 1s" "$NET_DIR/wait.err"
net_wait_for 2 test -d "$NET_DIR"

# 2. A failing run cleans up after itself.
child="$NET_DIR/child.sh"
cat >"$child" <<'EOF'
. "$SW_SRC/tests/net/lib.sh"
net_init
echo "$NET_P" >"$1"
net_add_host a
net_add_host b
net_veth a eth0 b eth0
net_exec a ip link show eth0 >/dev/null
false
echo "not reached"
EOF
rc=0
out=$(bash "$child" "$NET_DIR/p1" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || net_fail "failing child exited 0"
if echo "$out" | grepq "not reached"; then
    net_fail "child went on after a failed command"
fi
echo "$out" | grepq "FAIL: line" || net_fail "no failure message: $out"
p1=$(cat "$NET_DIR/p1")
[ -n "$p1" ] && [ "$p1" != "$NET_P" ]
left=$(net_leftovers "$p1")
[ -z "$left" ] || net_fail "failed run left behind: $left"

# 3. A run killed by SIGTERM cleans up, including its background process.
cat >"$child" <<'EOF'
. "$SW_SRC/tests/net/lib.sh"
net_init
net_add_host a
net_underlay 10.99.0 a
net_bg a sleep 60
echo "$NET_P $NET_BG_PID" >"$1"
wait
EOF
bash "$child" "$NET_DIR/p2" >/dev/null 2>&1 &
cpid=$!
net_wait_for 10 test -s "$NET_DIR/p2"
read -r p2 sleeper <"$NET_DIR/p2"
ip netns list | grepq "^${p2}a" || net_fail "child namespace missing"
kill -TERM "$cpid"
rc=0
wait "$cpid" || rc=$?
[ "$rc" -eq 143 ] || net_fail "killed child exited $rc, not 143"
left=$(net_leftovers "$p2")
[ -z "$left" ] || net_fail "killed run left behind: $left"
if kill -0 "$sleeper" 2>/dev/null; then
    net_fail "killed run left its background process $sleeper"
fi

echo "PASS: harness and kernel VXLAN baseline"
