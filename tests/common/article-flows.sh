# shellcheck shell=bash
# The article's nine br-tun flows as text, for the shell tests and the
# examples (tests/net/topology.sh, tests/daemon/lib.sh).  The C tests
# share their copy in tests/common/article.c.

# article_flow_text [HARD_TIMEOUT]: the article's nine flows, one per
# line, in the article's order and spelling; a shorter learn
# hard_timeout lets a test watch learned flows expire.
article_flow_text() {
    local ht=${1:-300}
    cat <<FLOWS
table=0,priority=1,in_port=1 actions=resubmit(,1)
table=0,priority=1,in_port=5 actions=resubmit(,2)
table=0,priority=1,in_port=6 actions=resubmit(,2)
table=0,priority=0,actions=drop
table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)
table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,21)
table=21,priority=0,actions=output:5,output:6
table=2,priority=0,actions=learn(table=20,hard_timeout=$ht,priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), output:1
table=20,priority=0,actions=resubmit(,21)
FLOWS
}
