#!/bin/bash
# Two tenants on the same three hosts, one VNI each, over vxlan ports with
# key=flow (tests/net/topology.sh, "Two tenants"): tenant a is VNI 100 with
# VMs 10.1.1.2/.3/.4, tenant b is VNI 200 with VMs 10.1.1.102/.103/.104, all
# in one /24 so that only the overlay keeps them apart.  Checks:
#   1. every VM pings its tenant's VMs on the other hosts, both ways;
#   2. on the underlay, tenant a's packets carry VNI 100 and tenant b's
#      VNI 200, never the other;
#   3. the learned table-20 flows carry the VNI: they match tun_id and load
#      it back, one per (tenant, peer MAC), out of the right tunnel port;
#   4. the tenants are isolated: a VM cannot reach the other tenant's
#      address, and the other tenant's VM never even sees its ARP request;
#   5. nothing is left behind;
#   6. on the kernel fast path (the default), each tenant's pings
#      are forwarded by the kernel: cached entries that set its VNI and
#      count the packets.
: "${SW_SRC:?SW_SRC must point at the source tree}"

. "$SW_SRC/tests/net/topology.sh"
net_run_body multi-VNI "two tenants, two VNIs, isolated" "$@"

topo_init
D=$NET_DIR

topo_hosts 3
for h in 1 2 3; do
    topo_mvni_host "$h"
done

declare -A MAC
for h in 1 2 3; do
    for t in a b; do
        MAC[$h$t]=$(net_exec "h$h$t" cat /sys/class/net/eth0/address)
    done
done

# 1. Same tenant, every pair of hosts, both ways.
topo_ul_tcpdump_start "$D/ul.pcap" udp port 4789
for t in a b; do
    for h in 1 2 3; do
        for p in 1 2 3; do
            [ "$h" -eq "$p" ] && continue
            topo_tenant_ping "$h" "$t" "$(topo_tenant_ip "$p" "$t")" 2 ||
                { topo_show_logs; net_fail "tenant $t: h$h cannot ping $(topo_tenant_ip "$p" "$t")"; }
        done
    done
    echo "tenant $t: all six directions ok"
done
topo_tcpdump_stop

# 2. The VNI on the wire follows the tenant.
tcpdump -r "$D/ul.pcap" -nn 2>/dev/null >"$D/ul.txt"
n100=$(net_count "VXLAN, flags \[I\] (0x08), vni 100$" "$D/ul.txt")
n200=$(net_count "VXLAN, flags \[I\] (0x08), vni 200$" "$D/ul.txt")
total=$(net_count "4789: " "$D/ul.txt")
echo "underlay: $n100 packets with VNI 100, $n200 with VNI 200, $total in all"
[ "$n100" -ge 24 ] && [ "$n200" -ge 24 ] && [ $((n100 + n200)) -eq "$total" ] ||
    net_fail "unexpected VNIs on the underlay:
$(cat "$D/ul.txt")"
# Each VXLAN line is followed by the inner packet it carries.
wrong=$(awk '/vni 100$/ {v=100; next} /vni 200$/ {v=200; next}
    /10\.1\.1\.10[234]/ && v == 100 {print} /10\.1\.1\.[234][ ,:]/ && v == 200 {print}
    {v=0}' "$D/ul.txt")
[ -z "$wrong" ] || net_fail "a tenant's packet carried the other VNI: $wrong"

# 3. Learned flows carry the VNI: one per tenant and peer.
for h in 1 2 3; do
    t20=$(topo_ctl "$h" swofctl dump-flows br-tun table=20)
    n=$(echo "$t20" | grep -c 'priority=1,' || true)
    [ "$n" -eq 4 ] || net_fail "h$h learned $n flows, expected 2 tenants x 2 peers:
$t20"
    for p in 1 2 3; do
        [ "$h" -eq "$p" ] && continue
        for t in a b; do
            vni=$(printf '0x%x' "$([ $t = a ] && echo "$TOPO_VNI_a" || echo "$TOPO_VNI_b")")
            re="hard_timeout=300, .*priority=1,tun_id=$vni,dl_dst=${MAC[$p$t]} "
            re+="actions=load:$vni->NXM_NX_TUN_ID\[\],output:$(topo_tunnel_port "$h" "$p")$"
            echo "$t20" | grepq -E "$re" ||
                net_fail "h$h: no learned flow for tenant $t's ${MAC[$p$t]}:
  want $re
$t20"
        done
    done
done
echo "learned flows carry tun_id and load it back"
topo_ctl 1 swofctl dump-flows br-tun table=20 | grep 'priority=1,'

# 4. Isolation: tenant a on h1 asks for tenant b's address on h2, and tenant
# b on h3 for tenant a's on h2; nobody answers and h2's other-tenant VM
# never sees the requests.
net_tcpdump_start h2b eth0 "$D/h2b.pcap" arp
net_tcpdump_start h2a eth0 "$D/h2a.pcap" arp
H2A_PID=$NET_TCPDUMP_PID
if topo_tenant_ping 1 a "$(topo_tenant_ip 2 b)" 1; then
    net_fail "tenant a reached tenant b's $(topo_tenant_ip 2 b)"
fi
if topo_tenant_ping 3 b "$(topo_tenant_ip 2 a)" 1; then
    net_fail "tenant b reached tenant a's $(topo_tenant_ip 2 a)"
fi
net_tcpdump_stop
NET_TCPDUMP_PID=$H2A_PID
net_tcpdump_stop
tcpdump -r "$D/h2b.pcap" -nn 2>/dev/null >"$D/h2b.txt"
tcpdump -r "$D/h2a.pcap" -nn 2>/dev/null >"$D/h2a.txt"
if grep -q "tell $(topo_tenant_ip 1 a)" "$D/h2b.txt"; then
    net_fail "tenant b's VM saw tenant a's ARP: $(cat "$D/h2b.txt")"
fi
if grep -q "tell $(topo_tenant_ip 3 b)" "$D/h2a.txt"; then
    net_fail "tenant a's VM saw tenant b's ARP: $(cat "$D/h2a.txt")"
fi
# The requests did cross the overlay, inside their own tenant.
grep -q "who-has $(topo_tenant_ip 2 b) tell $(topo_tenant_ip 1 a)" "$D/h2a.txt" ||
    net_fail "tenant a's broadcast did not reach tenant a's VM on h2: $(cat "$D/h2a.txt")"
grep -q "who-has $(topo_tenant_ip 2 a) tell $(topo_tenant_ip 3 b)" "$D/h2b.txt" ||
    net_fail "tenant b's broadcast did not reach tenant b's VM on h2: $(cat "$D/h2b.txt")"
echo "isolation: no cross-tenant reachability, no cross-tenant broadcast"

# 6. The kernel forwards both tenants (system datapath only).
if [ "${SW_DATAPATH:-system}" = system ]; then
    for t in a b; do
        vni=$([ $t = a ] && echo "$TOPO_VNI_a" || echo "$TOPO_VNI_b")
        topo_tenant_ping 1 "$t" "$(topo_tenant_ip 2 "$t")" 10 ||
            net_fail "tenant $t: h1 cannot ping h2 for the cache check"
        line=$(topo_ctl 1 swofctl dump-dp-flows "br-$t" | grep icmp_type=8 |
            grep -F "set_tunnel(vni=$vni,dst=$(topo_underlay_ip 2)" | head -n 1)
        [ -n "$line" ] || net_fail "tenant $t: no cached entry setting VNI $vni:
$(topo_ctl 1 swofctl dump-dp-flows "br-$t")"
        pk=$(echo "$line" | sed -E 's/.*packets:([0-9]+).*/\1/')
        [ "$pk" -ge 5 ] || net_fail "tenant $t: the entry forwarded $pk packets: $line"
        back=$(topo_ctl 1 swofctl dump-dp-flows br-tun | grep icmp |
            grep -F "tun_id=$(printf '0x%x' "$vni")" | grep -F "redirect(vm$t)" | head -n 1)
        [ -n "$back" ] || net_fail "tenant $t: no cached entry from the tunnel to vm$t:
$(topo_ctl 1 swofctl dump-dp-flows br-tun)"
        echo "tenant $t: kernel entry with VNI $vni forwarded $pk packets"
    done
fi

echo "PASS body"
