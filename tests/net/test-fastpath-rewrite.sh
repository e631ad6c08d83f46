#!/bin/bash
# The kernel fast path rewrites IP and TCP/UDP headers itself (set_ipv4,
# set_ipv6, set_l4 in dump-dp-flows), with the checksums right, so flows
# with mod_nw_src/dst, set_field of ipv6_src/dst, mod_tp_src/dst (and
# mod_nw_tos, dec_ttl) stay in the kernel instead of taking the slow
# path for every packet.  On the article's hosts 1 and 2
# (datapath_type=system), h1's br-int turns a virtual address VIP into h2
# and back:
#   1. ping VIP: echo requests leave with nw_dst=h2, replies come back
#      with nw_src=VIP; the ping works only if the IPv4 checksums the
#      kernel updated are right, and the entries that did it count the
#      packets;
#   2. TCP to VIP:80 reaches h2's server on 8080 and the echoes come
#      back from VIP:80: the TCP checksum covers the addresses and the
#      ports, so a wrong update loses the connection; the kernel's
#      entries show set_l4 with packets;
#   3. the same over IPv6 (set_ipv6: the header has no checksum, but the
#      addresses are in the pseudo-header of ICMPv6 and TCP), with the
#      hop limit decremented (dec_ttl) on the way to h2.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body fastpath-rewrite "header rewrites in the kernel fast path" "$@"

export SW_DATAPATH=system
topo_init
D=$NET_DIR
topo_hosts 3 # h3 only holds the address of the second tunnel peer
for h in 1 2; do
    topo_article_host "$h" 300
done
H1=$(topo_overlay_ip 1) H2=$(topo_overlay_ip 2) VIP=10.1.1.99
MAC2=$(topo_mac 2 br-int)
topo_exec 1 ip neigh replace "$VIP" lladdr "$MAC2" dev br-int
topo_ctl 1 swofctl add-flows br-int - <<EOF
priority=110,tcp,nw_dst=$VIP,tp_dst=80 actions=mod_nw_dst:$H2,mod_tp_dst:8080,NORMAL
priority=110,tcp,nw_src=$H2,tp_src=8080,nw_dst=$H1 actions=mod_nw_src:$VIP,mod_tp_src:80,NORMAL
priority=100,icmp,nw_dst=$VIP actions=mod_nw_dst:$H2,NORMAL
priority=100,icmp,nw_src=$H2,nw_dst=$H1 actions=mod_nw_src:$VIP,NORMAL
EOF
dpflows() { topo_ctl 1 swofctl dump-dp-flows "$1"; }
# entry_packets BRIDGE PATTERN...: the packets of the busiest cached
# entry of h1's BRIDGE whose line contains every PATTERN (0 if none).
entry_packets() {
    local br=$1 lines
    shift
    lines=$(dpflows "$br")
    for p in "$@"; do
        lines=$(grep -F -- "$p" <<<"$lines" || true)
    done
    sed -E 's/.*packets:([0-9]+).*/\1/' <<<"$lines" | sort -n | tail -n 1 |
        grep . || echo 0
}
# ping_vip VIP REQ REP [PING_OPTS]: 20 pings from h1 to VIP must be
# answered from VIP, and h1's kernel entries must have rewritten at
# least 10 requests (br-int, actions containing REQ) and 10 replies
# (br-tun, REP).
ping_vip() {
    local vip=$1 want_req=$2 want_rep=$3 out got req rep
    shift 3
    out=$(topo_exec 1 ping "$@" -c 20 -i 0.05 -W 2 "$vip" 2>&1 || true)
    got=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' <<<"$out")
    [ "${got:-0}" -ge 18 ] || net_fail "ping $vip: ${got:-0} of 20 answered:
$out"
    grepq "from $vip" <<<"$out" || net_fail "the replies do not come from $vip:
$out"
    req=$(entry_packets br-int "$want_req")
    rep=$(entry_packets br-tun "$want_rep")
    echo "ping $vip: $got of 20 answered; kernel entries: $req requests, $rep replies rewritten"
    [ "$req" -ge 10 ] || net_fail "the kernel rewrote $req echo requests:
$(dpflows br-int)"
    [ "$rep" -ge 10 ] || net_fail "the kernel rewrote $rep echo replies:
$(dpflows br-tun)"
}
# tcp_vip VIP: 200 echoes of 1,200 bytes from h1 to VIP port 80, served
# by h2 on port 8080; the peer h1 sees must be VIP port 80.
tcp_vip() {
    local vip=$1 res echoed peer_ip peer_port
    net_bg h2 python3 -c '
import socket
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 8080))  # IPv4 too (v4-mapped)
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
while True:
    b = c.recv(65536)
    if not b:
        break
    c.sendall(b)
'
    sleep 0.5
    res=$(topo_exec 1 timeout 30 python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 80), timeout=10)
peer = c.getpeername()
n = 0
for i in range(200):
    msg = (b"%04d" % i) * 300
    c.sendall(msg)
    got = b""
    while len(got) < len(msg):
        b = c.recv(65536)
        if not b:
            break
        got += b
    n += got == msg
c.close()
print(n, peer[0], peer[1])
' "$vip" 2>&1 || true)
    read -r echoed peer_ip peer_port <<<"$res"
    [ "${echoed:-0}" = 200 ] && [ "$peer_ip" = "$vip" ] && [ "$peer_port" = 80 ] ||
        net_fail "TCP to $vip port 80: $res"
}

# 1. ping the virtual address.
net_wait_for 10 topo_ping 2 "$H1" 1 || { topo_show_logs; net_fail "h2 cannot reach h1"; }
ping_vip "$VIP" "set_ipv4(src=$H1,dst=$H2," "set_ipv4(src=$VIP,dst=$H1,"

# 2. TCP through the rewrite, ports and all.
tcp_vip "$VIP"
out_l4=$(entry_packets br-int "set_l4(src=")
in_l4=$(entry_packets br-tun "set_l4(src=80,")
echo "TCP to $VIP:80: 200 echoes of 1,200 bytes; kernel entries: $out_l4 and $in_l4 segments rewritten"
[ "$out_l4" -ge 20 ] || net_fail "the kernel rewrote $out_l4 segments to h2:
$(dpflows br-int)"
[ "$in_l4" -ge 20 ] || net_fail "the kernel rewrote $in_l4 segments from h2:
$(dpflows br-tun)"

# 3. IPv6, with h1's neighbour entry for VIP6 pointing at h2 as above.
for h in 1 2; do
    topo_exec "$h" sysctl -qw net.ipv6.conf.br-int.disable_ipv6=0
    topo_exec "$h" ip -6 addr add "fd00:99::$h/64" dev br-int nodad
done
A1=fd00:99::1 A2=fd00:99::2 VIP6=fd00:99::99
topo_exec 1 ip -6 neigh replace "$VIP6" lladdr "$MAC2" dev br-int
topo_ctl 1 swofctl add-flows br-int - <<EOF
priority=110,tcp6,ipv6_dst=$VIP6,tp_dst=80 actions=set_field:$A2->ipv6_dst,mod_tp_dst:8080,dec_ttl,NORMAL
priority=110,tcp6,ipv6_src=$A2,tp_src=8080,ipv6_dst=$A1 actions=set_field:$VIP6->ipv6_src,mod_tp_src:80,NORMAL
priority=100,icmp6,ipv6_dst=$VIP6,icmp_type=128 actions=set_field:$A2->ipv6_dst,dec_ttl,NORMAL
priority=100,icmp6,ipv6_src=$A2,ipv6_dst=$A1,icmp_type=129 actions=set_field:$VIP6->ipv6_src,NORMAL
EOF
net_wait_for 10 topo_exec 1 ping -6 -c 1 -W 1 "$A2" >/dev/null ||
    net_fail "h1 cannot reach $A2 over IPv6"
# ping sends with hop limit 64: the requests arrive with 63.
ping_vip "$VIP6" "set_ipv6(src=$A1,dst=$A2," "set_ipv6(src=$VIP6,dst=$A1," -6
req63=$(entry_packets br-int "set_ipv6(src=$A1,dst=$A2," "hlimit=63)")
[ "$req63" -ge 10 ] || net_fail "no hop limit decremented in the kernel:
$(dpflows br-int)"
tcp_vip "$VIP6"
out6=$(entry_packets br-int "set_ipv6(src=$A1,dst=$A2," "set_l4(src=")
in6=$(entry_packets br-tun "set_ipv6(src=$VIP6,dst=$A1," "set_l4(src=80,")
echo "TCP to [$VIP6]:80: 200 echoes; kernel entries: $out6 and $in6 segments rewritten"
[ "$out6" -ge 20 ] || net_fail "the kernel rewrote $out6 IPv6 segments to h2:
$(dpflows br-int)"
[ "$in6" -ge 20 ] || net_fail "the kernel rewrote $in6 IPv6 segments from h2:
$(dpflows br-tun)"
echo PASS
