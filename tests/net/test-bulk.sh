#!/bin/bash
# Bulk TCP through the tunnels, byte for byte: the article's hosts 1 and 2
# run switchd, host 3 is the Linux kernel's VXLAN (as in test-interop).
# A 12 MB random file crosses the overlay h1 -> h2 (switchd to switchd),
# h1 -> h3 (switchd to the kernel) and h3 -> h1 (the kernel to switchd);
# each receiver's SHA-256 must be the sender's.  The hosts' TCP stacks
# hand switchd 64 KB super frames, so this runs the paths that cut them
# (tso.c), send their segments (one UDP GSO send per super frame on the
# userspace datapath, vxlan-gso.c), receive coalesced datagrams (UDP_GRO)
# and merge segments back before the TAP write.  Checks besides:
#   - on the userspace datapath, the underlay saw GSO sends from h1 to
#     h2 (one outer IP packet longer than the 1500-byte link: the veth
#     and the bridge carry a GSO packet whole), and none of h1's
#     datagrams to the kernel host was lost or malformed there
#     (the kernel's vxlan counts no rx errors);
#   - no switchd vxlan socket counted a malformed or truncated datagram;
#   - the same transfer h1 -> h2 over IPv6 inside the overlay, which on
#     the system datapath the kernel's cache carries; and again through
#     a flow the cache cannot hold, every segment an upcall.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body bulk "bulk TCP through switchd and the kernel's VXLAN" "$@"

topo_init
D=$NET_DIR

topo_hosts 3
topo_article_host 1
topo_article_host 2
topo_kernel_host 3
# The kernel's vxlan leaves the inner TCP checksum of what it sends
# partial (to be finished by the NIC) when its link can checksum, and a
# veth never finishes it: a userspace receiver on the other end gets
# frames whose TCP checksums hold only the pseudo-header sum, and the
# TCP stack behind switchd's TAP drops them (on real NICs the hardware
# fills them in).  Checksumming on host 3's link makes the kernel do it
# in software, as a NIC would.
# (ethtool -K eth1 tx off, by its ioctl: ethtool need not be installed.)
topo_exec 3 python3 -c '
import ctypes, fcntl, socket, struct
SIOCETHTOOL, ETHTOOL_STXCSUM = 0x8946, 0x17
val = ctypes.create_string_buffer(struct.pack("II", ETHTOOL_STXCSUM, 0))
ifr = struct.pack("16sP", b"eth1", ctypes.addressof(val))
fcntl.ioctl(socket.socket(), SIOCETHTOOL, ifr)
' || net_fail "h3: cannot turn off eth1's tx checksum offload"
U1=$(topo_underlay_ip 1)

for pair in "1 2" "1 3" "3 1"; do
    read -r a b <<<"$pair"
    net_wait_for 10 topo_ping "$a" "$(topo_overlay_ip "$b")" ||
        { topo_show_logs; net_fail "h$a cannot ping $(topo_overlay_ip "$b")"; }
done

head -c $((12 * 1024 * 1024)) /dev/urandom >"$D/blob"
want=$(sha256sum "$D/blob" | cut -d' ' -f1)

# transfer A B [DST]: sends the blob from host A to host B (at its
# overlay address, or DST) over the overlay; fails the test unless B
# received every byte unchanged.
transfer() {
    local a=$1 b=$2 dst=${3:-$(topo_overlay_ip "$2")} out
    out="$D/recv-$a-$b-${3:+6}"
    # A transfer may repeat: the last one's ready mark must not count.
    rm -f "$out" "$out.ready"
    net_bg "h$b" timeout 30 python3 -c '
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001))
s.listen(1)
open(sys.argv[2] + ".ready", "w").close()
c, _ = s.accept()
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b)
    n += len(b)
open(sys.argv[2], "w").write("%s %d\n" % (h.hexdigest(), n))
' "$dst" "$out"
    local server=$NET_BG_PID
    net_wait_for 10 test -e "$out.ready" || net_fail "h$b: receiver did not start"
    topo_exec "$a" timeout 30 python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 5001), timeout=20)
with open(sys.argv[2], "rb") as f:
    c.sendall(f.read())
c.close()
' "$dst" "$D/blob" || { topo_show_logs; net_fail "h$a -> h$b: send failed"; }
    wait "$server" || net_fail "h$a -> h$b: receiver failed"
    read -r got n <"$out"
    [ "$got" = "$want" ] ||
        net_fail "h$a -> h$b: received $n bytes with SHA-256 $got, sent $want"
    echo "h$a -> h$b ($dst): 12 MB, SHA-256 matches"
}

topo_ul_tcpdump_start "$D/ul.pcap" -s 96 src host "$U1" and udp dst port 4789
transfer 1 2
topo_tcpdump_stop
transfer 1 3
transfer 3 1

# IPv6 inside the overlay, switchd to switchd.  On the system datapath
# the kernel caches it: before it could (IPv6 was never cached), every
# segment went up to switchd, the kernel's GRO made them too big for the
# upcall, and TCP crawled at about 1 Mbit/s: 12 MB did not cross in 30 s.
for h in 1 2; do
    topo_exec "$h" sysctl -qw net.ipv6.conf.br-int.disable_ipv6=0
    topo_exec "$h" ip -6 addr add "fd00:77::$h/64" dev br-int nodad
done
net_wait_for 10 topo_exec 1 ping -6 -c 1 -W 1 fd00:77::2 >/dev/null ||
    { topo_show_logs; net_fail "h1 cannot ping fd00:77::2"; }
transfer 1 2 fd00:77::2
if [ "${SW_DATAPATH:-system}" = system ]; then
    v6=$(topo_ctl 1 swofctl dump-dp-flows br-int | grep "ipv6_dst=fd00:77::2" |
        grep "tcp6" | sed -E 's/.*packets:([0-9]+).*/\1/' | sort -n | tail -n 1)
    [ "${v6:-0}" -ge 50 ] || net_fail "h1's cache forwarded ${v6:-no} IPv6 TCP packets:
$(topo_ctl 1 swofctl dump-dp-flows br-int)"
    echo "h1's cache forwarded $v6 IPv6 TCP packets of the transfer"

    # A flow the cache cannot hold on h2 (it also sends each packet to
    # the controller, so every one must reach switchd): every segment
    # that reaches h2's vxlan device goes up to switchd, merged by the
    # kernel's GRO into packets of up to 64 KB.  They must get there
    # (with a 9 KB limit on what went up, all of them were dropped and
    # the transfer never finished).
    misses() {
        topo_ctl 2 swofctl dump-dp-flows --json br-tun | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(s["misses"], s["miss_dropped"])'
    }
    read -r m0 d0 <<<"$(misses)"
    topo_ctl 2 swofctl add-flow br-int "priority=100,tcp6,actions=controller,NORMAL"
    transfer 1 2 fd00:77::2
    read -r m1 d1 <<<"$(misses)"
    echo "h2: $((m1 - m0)) packets went up to switchd, $((d1 - d0)) of them dropped"
    [ $((m1 - m0)) -ge 50 ] ||
        net_fail "h2: only $((m1 - m0)) misses for an uncacheable transfer"
    topo_ctl 2 swofctl del-flows br-int tcp6
fi

if [ "${SW_DATAPATH:-system}" != system ]; then
    big=$(tcpdump -r "$D/ul.pcap" -nn "greater 1600" 2>/dev/null | wc -l)
    [ "$big" -gt 0 ] ||
        net_fail "no outer packet from h1 longer than the underlay MTU: no GSO send"
    echo "underlay: $big GSO sends from h1"
fi
errs=$(topo_exec 3 ip -s -j link show vxlan0 | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["stats64"]["rx"]["errors"])')
[ "$errs" = 0 ] || net_fail "kernel vxlan0 on h3 counted $errs rx errors"
for h in 1 2; do
    stats=$(topo_ctl "$h" swofctl stats br-tun)
    echo "$stats" | grepq "vxlan socket" ||
        net_fail "h$h: swofctl stats shows no vxlan socket: $stats"
    if echo "$stats" | grep "vxlan socket" | grepq -v " 0 malformed, .* 0 too big"; then
        net_fail "h$h: a vxlan socket counted malformed or truncated datagrams: $stats"
    fi
done
echo "PASS"
