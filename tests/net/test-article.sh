#!/bin/bash
# The article's Open vSwitch walkthrough, for real: three hosts
# (192.168.33.12/.13/.14), each with its own switchd, br-int (10.1.1.2/.3/.4),
# br-tun, the patch pair, vxlan ports 5 and 6 to its peers and the nine
# flows.  Checks:
#   1. the first packet is flooded (one copy per tunnel), later ones go
#      unicast to the one right peer, counted by outer address on the
#      underlay, and tcpdump decodes every packet as VXLAN, flags [I], vni 0;
#   2. table 20 shows the learned flows in the article's format, with the
#      peer's br-int MAC and the tunnel port that leads to it;
#   3. ping works between every pair of overlay addresses both ways, and
#      br-int's NORMAL learned the peers' MACs (fdb-show, once it exists);
#   4. a learn that fires again refreshes the flow (hard_age < duration);
#   5. with a 3 s hard_timeout, learned flows expire and traffic still
#      flows afterwards, flooded again;
#   6. the run leaves no namespace, link or daemon behind.
# The body runs as a child so that 6 can be checked after its cleanup.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body article "the article's three hosts" "$@"

topo_init
D=$NET_DIR

topo_hosts 3
for h in 1 2 3; do
    topo_article_host "$h"
done

declare -A MAC
for h in 1 2 3; do
    MAC[$h]=$(topo_mac "$h" br-int)
done
U1=$(topo_underlay_ip 1) U2=$(topo_underlay_ip 2) U3=$(topo_underlay_ip 3)

# learned H: host H's learned (priority=1) table-20 flows.
learned() {
    topo_ctl "$1" swofctl dump-flows br-tun table=20 | grep 'priority=1,' || true
}

# 1. Flood first, unicast after, on a quiet overlay.  h1 pings h2 three
# times: the ARP request goes to both peers; h2 learned h1 from it, so the
# reply is unicast; h1 learned h2 from the reply, so the echo requests are
# unicast to .13 only.
topo_ul_tcpdump_start "$D/first.pcap" udp port 4789
topo_ping 1 "$(topo_overlay_ip 2)" 3 || { topo_show_logs; net_fail "h1 cannot ping h2"; }
topo_tcpdump_stop
tcpdump -r "$D/first.pcap" -nn 2>/dev/null >"$D/first.txt"
tcpdump -r "$D/first.pcap" -nn -v 2>/dev/null >"$D/first-v.txt"
to13=$(topo_count_to "$D/first.pcap" "$U1" "$U2")
to14=$(topo_count_to "$D/first.pcap" "$U1" "$U3")
back=$(topo_count_to "$D/first.pcap" "$U2" "$U1")
side=$(topo_count_to "$D/first.pcap" "$U2" "$U3")
echo "underlay: .12->.13 $to13, .12->.14 $to14, .13->.12 $back, .13->.14 $side"
[ "$to14" -eq 1 ] || net_fail "expected exactly one flooded copy to .14, saw $to14:
$(cat "$D/first.txt")"
[ "$to13" -ge 4 ] || net_fail "expected ARP + 3 echo requests to .13, saw $to13"
[ "$back" -ge 4 ] || net_fail "expected ARP reply + 3 echo replies from .13, saw $back"
[ "$side" -eq 0 ] || net_fail "h2's replies must be unicast, $side went to .14"
grep -A1 "> $U3.4789" "$D/first-v.txt" | grepq "Request who-has $(topo_overlay_ip 2)" ||
    net_fail "the copy to .14 is not the flooded ARP request:
$(cat "$D/first-v.txt")"
if grep -A2 "> $U3.4789" "$D/first-v.txt" | grepq "ICMP echo"; then
    net_fail "an echo request went to .14: not unicast"
fi
total=$(net_count "4789: " "$D/first.txt")
vx=$(net_count "VXLAN, flags \[I\] (0x08), vni 0" "$D/first.txt")
[ "$total" -ge 9 ] && [ "$vx" -eq "$total" ] ||
    net_fail "tcpdump decoded $vx of $total packets as VXLAN vni 0:
$(cat "$D/first.txt")"
# The outer UDP source port is in the ephemeral range (a hash of the inner
# flow), not the destination port.
sport=$(awk '{print $3}' "$D/first.txt" | head -n 1 | sed 's/.*\.//')
[ "$sport" -ge 49152 ] && [ "$sport" -le 65535 ] ||
    net_fail "outer UDP source port $sport is not in 49152..65535"

# 2. The learned flow on h1, in the article's format.
line=$(learned 1)
echo "h1 table 20: $line"
[ "$(echo "$line" | grep -c .)" -eq 1 ] || net_fail "h1 should have learned one MAC: $line"
re="^ cookie=0x0, duration=[0-9.]+s, table=20, n_packets=[0-9]+, n_bytes=[0-9]+, "
# hard_age appears only once it differs from the duration's whole
# seconds (ovs-ofctl's rule): a flow learned a moment ago has none yet.
re+="hard_timeout=300, idle_age=[0-9]+, (hard_age=[0-9]+, )?"
re+="priority=1,dl_dst=${MAC[2]} actions=load:0->NXM_NX_TUN_ID\[\],output:$(topo_tunnel_port 1 2)$"
echo "$line" | grepq -E "$re" || net_fail "h1's learned flow does not match
  $re
  got: $line"
np=$(echo "$line" | sed -E 's/.*n_packets=([0-9]+).*/\1/')
[ "$np" -ge 3 ] || net_fail "the learned flow forwarded $np packets, expected the 3 echo requests"

# 3. Every pair, both directions.
for h in 1 2 3; do
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        topo_ping "$h" "$(topo_overlay_ip "$p")" 2 ||
            { topo_show_logs; net_fail "h$h cannot ping $(topo_overlay_ip "$p")"; }
    done
done
echo "ping: all six directions ok"
for h in 1 2 3; do
    flows=$(learned "$h")
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        echo "$flows" | grepq -E "hard_timeout=300, .*priority=1,dl_dst=${MAC[$p]} actions=load:0->NXM_NX_TUN_ID\[\],output:$(topo_tunnel_port "$h" "$p")$" ||
            net_fail "h$h has no learned flow for h$p (${MAC[$p]} via $(topo_tunnel_port "$h" "$p")):
$flows"
    done
    [ "$(echo "$flows" | grep -c .)" -eq 2 ] || net_fail "h$h learned other MACs: $flows"
done

# br-int's NORMAL learned both peers' MACs (behind patch-int).
fdb=$(topo_ctl 1 swofctl fdb-show br-int)
for p in 2 3; do
    echo "$fdb" | grepq -i "${MAC[$p]}" ||
        net_fail "h1's br-int fdb lacks h$p's ${MAC[$p]}:
$fdb"
done
echo "fdb-show: h1's br-int learned both peers"

# 4. A learn that fires again refreshes the flow: hard_age restarts while
# duration keeps counting (the article's hard_age < duration).
sleep 2.2
topo_ping 2 "$(topo_overlay_ip 1)" 1
line=$(learned 1 | grep "dl_dst=${MAC[2]}")
dur=$(echo "$line" | sed -E 's/.*duration=([0-9]+)(\.[0-9]+)?s.*/\1/')
echo "$line" | grepq 'hard_age=' ||
    net_fail "a refreshed flow must print hard_age (it differs from the duration): $line"
hage=$(echo "$line" | sed -E 's/.*hard_age=([0-9]+),.*/\1/')
[ "$dur" -ge 2 ] && [ "$hage" -lt "$dur" ] ||
    net_fail "learn did not refresh (duration ${dur}s, hard_age ${hage}s): $line"

# 5. Learned flows expire after their hard_timeout; traffic then floods
# again and still gets through.
for h in 1 2 3; do
    topo_article_flows "$h" true 3
done
topo_ping 1 "$(topo_overlay_ip 3)" 1
learned 1 | grepq "hard_timeout=3, .*dl_dst=${MAC[3]} " ||
    net_fail "no learned flow with hard_timeout=3 on h1: $(learned 1)"
no_learned() { [ -z "$(learned 1)" ]; }
net_wait_for 8 no_learned || net_fail "learned flows did not expire: $(learned 1)"
echo "learned flows expired after hard_timeout=3"
topo_ul_tcpdump_start "$D/after.pcap" udp port 4789
# h1's ARP cache still knows h3, so its echo request is unicast at L2 but
# table 20 no longer does: br-tun floods it to both peers.
topo_ping 1 "$(topo_overlay_ip 3)" 1 || net_fail "no traffic after expiry"
topo_tcpdump_stop
tcpdump -r "$D/after.pcap" -nn -v 2>/dev/null >"$D/after-v.txt"
grep -A2 "> $U2.4789" "$D/after-v.txt" | grepq "$(topo_overlay_ip 1) > $(topo_overlay_ip 3): ICMP echo request" ||
    net_fail "after expiry the echo request to h3 was not flooded:
$(cat "$D/after-v.txt")"
learned 1 | grepq "dl_dst=${MAC[3]} " || net_fail "h1 did not learn h3 again"
echo "after expiry: flooded, then learned again"

echo "PASS body"
