#!/bin/bash
# One reply, two renderings: every read command takes --format json and
# prints a JSON document that scripts parse (checked with python3).
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
article_bridges
swofctl add-flow br-tun "table=20,priority=5,dl_dst=00:11:22:33:44:55,actions=output:vxlan1"

j() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

swctl --format json list-br | j 'assert d[0]["command"]=="list-br" and d[0]["result"]==["br-int","br-tun"], d'
swctl --format json list-ports br-tun | j 'assert d[0]["result"]==["patch-tun","vxlan0","vxlan1"], d'
swctl --format json show | j '
b = {x["name"]: x for x in d[0]["result"]["bridges"]}
p = {x["name"]: x for x in b["br-tun"]["ports"]}
assert p["vxlan0"]["type"] == "vxlan" and p["vxlan0"]["ofport"] == 5, p
assert p["vxlan0"]["options"] == {"remote_ip": "192.168.33.13"}, p
assert p["br-tun"]["ofport"] == 65534 and p["patch-tun"]["error"] is None, p'
swctl --format json get interface vxlan1 ofport options:remote_ip | j 'assert d[0]["result"]==[6,"192.168.33.14"], d'
swctl --format json list interface patch-int | j 'assert d[0]["result"][0]["options"]=={"peer":"patch-tun"}, d'
# Text and JSON agree.
[ "$(swctl get interface vxlan1 ofport)" = 6 ] || fail "text get"

swofctl --format json show br-tun | j '
assert [p["port"] for p in d["ports"]] == [1, 5, 6, 65534], d
assert d["ports"][3]["name"] == "br-tun" and len(d["dpid"]) == 16, d'
swofctl --format json dump-flows br-tun table=20 | j '
f = d["flows"][0]
assert f["table"] == 20 and f["priority"] == 5 and f["cookie"] == "0x0", f
assert f["match"] == "dl_dst=00:11:22:33:44:55" and f["actions"] == "output:6", f
assert f["n_packets"] == 0 and "duration" in f and f["text"].startswith(" cookie=0x0"), f'
swofctl --format json dump-flows --names br-tun table=20 | j 'assert d["flows"][0]["actions"]=="output:vxlan1", d'
swofctl --format json dump-ports br-tun | j '
assert [p["port"] for p in d["ports"]] == [65534, 1, 5, 6], d
assert all("rx_packets" in p and "tx_bytes" in p for p in d["ports"]), d'
swofctl --format json dump-ports br-tun vxlan0 | j 'assert [p["name"] for p in d["ports"]]==["vxlan0"], d'
swofctl --format json dump-tables br-tun | j '
t = {x["table"]: x for x in d["tables"]}
assert t[0]["active"] == 1 and t[20]["active"] == 1, t'
echo PASS
