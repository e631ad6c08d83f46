/* Helpers the ofproto unit tests share (test-ofproto*.c): a bridge with
 * eight ports, a flow_mod from text, a UDP packet through the pipeline.
 * static inline so that each test program takes what it uses. */
#ifndef SW_OFPROTO_TEST_H
#define SW_OFPROTO_TEST_H 1

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "flowmod.h"
#include "ofproto.h"
#include "packet.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* Applies one flow_mod given as text; returns the errno. */
static inline int mod(struct ofproto *p, enum fm_command cmd, const char *text)
{
    struct flow_mod fm;
    flow_mod_init(&fm, cmd);
    char *err = flow_mod_parse(&fm, text, flow_mod_parse_mode(cmd),
                               ofproto_portmap(p));
    ck_assert_msg(!err, "parse '%s': %s", text, err ? err : "");
    fm.command = cmd;
    int error = ofproto_flow_mods(p, &fm, 1, &err);
    free(err);
    flow_mod_uninit(&fm);
    return error;
}

static inline void add(struct ofproto *p, const char *text)
{
    ck_assert_int_eq(mod(p, FM_ADD, text), 0);
}

/* 'n' flows "table=T,priority=5,ip,nw_dst=10.NET.(i>>8).(i&255)
 * actions=drop" for i from 0: a table of distinct, cheap flows. */
static inline void add_dsts(struct ofproto *p, int table, int net, int n)
{
    for (int i = 0; i < n; i++) {
        char text[96];
        snprintf(text, sizeof text,
                 "table=%d,priority=5,ip,nw_dst=10.%d.%d.%d actions=drop",
                 table, net, i >> 8, i & 255);
        add(p, text);
    }
}

static inline struct ofproto *bridge(void)
{
    struct ofproto *p = ofproto_create("br0");
    for (uint16_t port = 1; port <= 8; port++) {
        char name[16];
        snprintf(name, sizeof name, "p%u", port);
        ofproto_port_add(p, port, name);
    }
    return p;
}

/* Runs the frame 'f' describes (flow_compose()) in from 'in_port',
 * with side effects. */
static inline void run_flow(struct ofproto *p, uint16_t in_port,
                            const struct flow *f, struct xlate_result *res)
{
    uint8_t frame[256];
    size_t len = flow_compose(f, frame, sizeof frame);
    ck_assert_uint_gt(len, 0);
    struct packet pkt;
    packet_init(&pkt, frame, len);
    struct flow md;
    memset(&md, 0, sizeof md);
    md.in_port = in_port;
    ofproto_execute(p, &pkt, &md, true, res);
    xlate_result_own(res); /* The tests read the outputs after. */
    packet_uninit(&pkt);
}

/* An Ethernet/IPv4/UDP frame from 'in_port'. */
static inline void run_ip(struct ofproto *p, uint16_t in_port, uint32_t nw_src,
                          uint32_t nw_dst, struct xlate_result *res)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    uint8_t src[6] = { 0x02, 0, 0, 0, 0, 1 }, dst[6] = { 0x02, 0, 0, 0, 0, 2 };
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    f.dl_type = ETH_TYPE_IP;
    f.nw_src = nw_src;
    f.nw_dst = nw_dst;
    f.nw_proto = IPPROTO_UDP_;
    f.nw_ttl = 64;
    f.tp_src = 1000;
    f.tp_dst = 2000;
    run_flow(p, in_port, &f, res);
}

#endif
