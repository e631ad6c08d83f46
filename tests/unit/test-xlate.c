/* Unit tests for execution: resubmit (in_port replaced and restored, the
 * depth limit), output to the input port, FLOOD/ALL, field changes seen
 * by later lookups and committed to the bytes at output time, VLAN and
 * TTL actions, patch crossings and loops, NORMAL, controller, clone,
 * exit, the OpenFlow 1.1 action set, and the trace recorder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "ofproto.h"
#include "packet.h"

/* ---- Helpers. ---- */

static void add(struct ofproto *p, const char *text)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, text, FM_PARSE_ADD, ofproto_portmap(p));
    ck_assert_msg(!err, "parse '%s': %s", text, err ? err : "");
    ck_assert_int_eq(ofproto_flow_mods(p, &fm, 1, &err), 0);
    flow_mod_uninit(&fm);
}

static struct ofproto *bridge(const char *name, int n_ports)
{
    struct ofproto *p = ofproto_create(name);
    for (int port = 1; port <= n_ports; port++) {
        char pname[16];
        snprintf(pname, sizeof pname, "p%d", port);
        ofproto_port_add(p, (uint16_t)port, pname);
    }
    return p;
}

static const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A key for an IPv4/UDP frame from 'src' to 'dst'. */
static struct flow ip_flow(const uint8_t src[6], const uint8_t dst[6])
{
    struct flow f;
    memset(&f, 0, sizeof f);
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    f.dl_type = ETH_TYPE_IP;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_proto = IPPROTO_UDP_;
    f.nw_ttl = 64;
    f.tp_src = 1234;
    f.tp_dst = 5678;
    return f;
}

/* The frame 'f' describes, as a packet. */
static void compose(const struct flow *f, struct packet *pkt)
{
    uint8_t frame[256];
    size_t len = flow_compose(f, frame, sizeof frame);
    ck_assert_uint_gt(len, 0);
    packet_init(pkt, frame, len);
}

/* Composes 'f' into a frame and executes it with metadata from 'f'. */
static void run_flow(struct ofproto *p, const struct flow *f, bool effects,
                     struct xlate_result *res)
{
    struct packet pkt;
    compose(f, &pkt);
    ofproto_execute(p, &pkt, f, effects, res);
    xlate_result_own(res); /* Read after the input is gone. */
    packet_uninit(&pkt);
}

static void run(struct ofproto *p, uint16_t in_port, const uint8_t src[6],
                const uint8_t dst[6], struct xlate_result *res)
{
    struct flow f = ip_flow(src, dst);
    f.in_port = in_port;
    run_flow(p, &f, true, res);
}

static const char *outs(const struct xlate_result *res)
{
    static char buf[256];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < res->n_outputs && n < sizeof buf - 32; i++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%u", i ? "," : "",
                              res->outputs[i].port);
    }
    return res->n_outputs ? buf : "drop";
}

/* The key of output 'i' as the receiver would see it. */
static struct flow out_flow(const struct xlate_result *res, size_t i)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    ck_assert_uint_lt(i, res->n_outputs);
    const struct packet *p = &res->outputs[i].packet;
    flow_extract(packet_data(p), p->len, &f);
    return f;
}

/* Internet checksum over 'n' bytes (0 when the sum checks out). */
static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* ---- Tests. ---- */

START_TEST(test_resubmit_in_port)
{
    struct ofproto *p = bridge("br0", 6);
    struct xlate_result res;
    xlate_result_init(&res);
    /* resubmit(3,1) looks up table 1 as if from port 3, then continues
     * in table 0 with in_port 1 again: output:1 is then skipped, and
     * in_port outputs to 1. */
    add(p, "in_port=1 actions=resubmit(3,1),output:1,output:2,in_port");
    add(p, "table=1,in_port=3 actions=output:4");
    add(p, "table=1,in_port=1 actions=output:5");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "4,2,1");
    ck_assert_ptr_eq(res.outputs[0].ofproto, p);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_depth_limit)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    char text[128];
    /* 64 nested resubmits are fine... */
    for (int t = 0; t < 64; t++) {
        snprintf(text, sizeof text, "table=%d actions=resubmit(,%d)", t,
                 t + 1);
        add(p, text);
    }
    add(p, "table=64 actions=output:2");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2");
    ck_assert(!res.depth_exceeded);
    /* ...65 are not, and nothing goes out, not even earlier outputs. */
    add(p, "table=0 actions=output:3,resubmit(,1)");
    add(p, "table=64 actions=resubmit(,65)");
    add(p, "table=65 actions=output:2");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert(res.depth_exceeded);
    ck_assert_ptr_nonnull(res.drop_reason);
    /* A loop ends the same way, and is counted. */
    add(p, "table=0 actions=resubmit(,0)");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert(res.depth_exceeded);
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_depth_exceeded, 2);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_flood_all)
{
    struct ofproto *p = bridge("br0", 5);
    struct xlate_result res;
    xlate_result_init(&res);
    ofproto_port_set_up(p, 4, false);
    add(p, "in_port=2 actions=flood");
    add(p, "in_port=3 actions=all");
    add(p, "in_port=1 actions=output:9,output:5");
    run(p, 2, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "1,3,5");
    run(p, 3, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "1,2,5");
    /* Output to a port that does not exist is dropped. */
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "5");
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_fields_seen_by_later_lookups)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "actions=load:0x5->NXM_NX_REG0[],set_field:0x64->tun_id,"
           "move:NXM_OF_ETH_SRC[0..7]->NXM_NX_REG1[8..15],resubmit(,1)");
    add(p, "table=1,reg0=5,tun_id=0x64,reg1=0x100 actions=output:2");
    add(p, "table=1,priority=0 actions=output:3");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2");
    ck_assert_uint_eq(res.outputs[0].tun_id, 0x64);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_commit_at_output)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "udp,in_port=1 actions=output:2,mod_dl_dst:02:00:00:00:00:03,"
           "mod_nw_dst:10.9.9.9,mod_tp_dst:80,dec_ttl,output:3,"
           "mod_vlan_vid:10,output:4");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2,3,4");
    struct flow f2 = out_flow(&res, 0), f3 = out_flow(&res, 1),
                f4 = out_flow(&res, 2);
    /* The first copy left before any change. */
    ck_assert(!memcmp(f2.dl_dst, MAC2, 6));
    ck_assert_uint_eq(f2.nw_dst, 0x0a010103);
    ck_assert_uint_eq(f2.nw_ttl, 64);
    ck_assert(!memcmp(f3.dl_dst, MAC3, 6));
    ck_assert_uint_eq(f3.nw_dst, 0x0a090909);
    ck_assert_uint_eq(f3.tp_dst, 80);
    ck_assert_uint_eq(f3.nw_ttl, 63);
    ck_assert_uint_eq(f3.vlan_tci, 0);
    ck_assert_uint_eq(f4.vlan_tci, VLAN_CFI | 10);
    ck_assert_uint_eq(f4.nw_dst, 0x0a090909);
    ck_assert_uint_eq(res.outputs[2].packet.len,
                      res.outputs[1].packet.len + 4);
    /* Checksums were kept valid: IPv4 header, then UDP with the
     * pseudo-header. */
    const uint8_t *ip = packet_data(&res.outputs[1].packet) + 14;
    ck_assert_uint_eq(csum(ip, 20), 0);
    size_t udp_len = (size_t)(ip[24] << 8 | ip[25]);
    ck_assert_uint_ge(udp_len, 8);
    ck_assert_uint_le(udp_len, 64);
    uint8_t pseudo[12 + 64 + 1] = { 0 };
    memcpy(pseudo, ip + 12, 8);
    pseudo[9] = IPPROTO_UDP_;
    pseudo[10] = ip[24];
    pseudo[11] = ip[25];
    memcpy(pseudo + 12, ip + 20, udp_len);
    ck_assert(ip[26] || ip[27]); /* flow_compose fills the checksum. */
    ck_assert_uint_eq(csum(pseudo, 12 + udp_len + (udp_len & 1)), 0);

    /* strip_vlan removes a tag. */
    add(p, "in_port=2 actions=strip_vlan,output:3");
    struct flow f = ip_flow(MAC1, MAC2);
    f.in_port = 2;
    f.vlan_tci = VLAN_CFI | 7;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "3");
    f3 = out_flow(&res, 0);
    ck_assert_uint_eq(f3.vlan_tci, 0);
    ck_assert_uint_eq(f3.dl_type, ETH_TYPE_IP);
    ck_assert_uint_eq(f3.nw_dst, 0x0a010103);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* An output of the bytes as they came shares them with the input (no
 * copy of a frame that may be 64 KB); one after a header change has its
 * own; xlate_result_own() copies the shared ones. */
START_TEST(test_unchanged_output_shares_input)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "ip,in_port=1 actions=output:2,output:3,mod_nw_tos:16,output:4");
    struct flow f = ip_flow(MAC1, MAC2);
    f.in_port = 1;
    struct packet pkt;
    compose(&f, &pkt);
    size_t len = pkt.len;
    uint8_t frame[256];
    memcpy(frame, packet_data(&pkt), len);
    ofproto_execute(p, &pkt, &f, true, &res);
    ck_assert_str_eq(outs(&res), "2,3,4");
    ck_assert(packet_is_view(&res.outputs[0].packet));
    ck_assert_ptr_eq(packet_data(&res.outputs[0].packet), packet_data(&pkt));
    ck_assert(packet_is_view(&res.outputs[1].packet));
    ck_assert(!packet_is_view(&res.outputs[2].packet));
    ck_assert_uint_eq(packet_data(&res.outputs[2].packet)[15], 16);
    ck_assert_uint_eq(packet_data(&pkt)[15], 0); /* The input is intact. */
    /* The slots are reused: a view left by one walk is replaced, not
     * freed, by the next (AddressSanitizer checks the difference). */
    xlate_result_clear(&res);
    ofproto_execute(p, &pkt, &f, true, &res);
    xlate_result_own(&res);
    packet_uninit(&pkt);
    for (size_t i = 0; i < res.n_outputs; i++) {
        ck_assert(!packet_is_view(&res.outputs[i].packet));
        ck_assert_uint_eq(res.outputs[i].packet.len, len);
    }
    ck_assert(!memcmp(packet_data(&res.outputs[0].packet), frame, len));
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

struct pin_log {
    int n;
    uint8_t reason;
    size_t len;
};

static void pin_cb(const struct ofproto_packet_in *pin, void *aux)
{
    struct pin_log *log = aux;
    log->n++;
    log->reason = pin->reason;
    log->len = pin->len;
}

START_TEST(test_controller_ttl_exit_clone)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    struct pin_log log = { 0 };
    ofproto_set_packet_in_cb(p, pin_cb, &log);
    add(p, "in_port=1 actions=controller,output:2");
    add(p, "in_port=2 actions=dec_ttl,output:3");
    add(p, "in_port=3 actions=resubmit(,1),output:4");
    add(p, "table=1 actions=output:1,exit,output:2");
    add(p, "in_port=4 actions=clone(mod_dl_dst:02:00:00:00:00:03,"
           "output:1),output:2");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2");
    ck_assert_int_eq(log.n, 1);
    ck_assert_uint_eq(log.reason, 1);
    ck_assert_uint_eq(log.len, 60);
    ck_assert_uint_eq(res.n_controller, 1);

    /* TTL 1: dec_ttl sends to the controller and stops the list. */
    struct flow f = ip_flow(MAC1, MAC2);
    f.in_port = 2;
    f.nw_ttl = 1;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_int_eq(log.n, 2);
    ck_assert_uint_eq(log.reason, 2);
    /* Without side effects the hook is not called. */
    run_flow(p, &f, false, &res);
    ck_assert_int_eq(log.n, 2);

    /* exit stops every level. */
    run(p, 3, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "1");

    /* clone's changes do not leak out. */
    run(p, 4, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "1,2");
    struct flow c = out_flow(&res, 0), o = out_flow(&res, 1);
    ck_assert(!memcmp(c.dl_dst, MAC3, 6));
    ck_assert(!memcmp(o.dl_dst, MAC2, 6));
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* The fields and actions added for OVS's full flow language, run on
 * real frames: pkt_mark, reg8-15 and the xreg views, the IPv6 flow
 * label written into the bytes, mod_nw_ttl, output(max_len), and
 * dec_ttl's controller ids. */
START_TEST(test_new_fields_and_actions)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    struct pin_log log = { 0 };
    ofproto_set_packet_in_cb(p, pin_cb, &log);
    add(p, "in_port=1 actions=set_field:5->pkt_mark,load:0x1234->xreg7,"
           "resubmit(,1)");
    add(p, "table=1,pkt_mark=5,reg14=0,reg15=0x1234 actions=output:3,"
           "output(port=4,max_len=20)");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "3,4");
    ck_assert_uint_eq(res.outputs[0].packet.len, 60);
    ck_assert_uint_eq(res.outputs[1].packet.len, 20);

    add(p, "ipv6,in_port=2,ipv6_label=0x12345 actions="
           "set_field:0xabcde->ipv6_label,mod_nw_ttl:9,output:3");
    struct flow f = ip_flow(MAC1, MAC2);
    f.dl_type = ETH_TYPE_IPV6;
    f.ipv6_src[15] = 1;
    f.ipv6_dst[15] = 2;
    f.ipv6_label = 0x12345;
    f.nw_tos = 0x28;
    f.in_port = 2;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "3");
    struct flow o = out_flow(&res, 0);
    ck_assert_uint_eq(o.ipv6_label, 0xabcde);
    ck_assert_uint_eq(o.nw_ttl, 9);
    ck_assert_uint_eq(o.nw_tos, 0x28); /* The traffic class stays. */

    /* An expired TTL reaches our controller (id 0) only when 0 is one
     * of dec_ttl's ids. */
    add(p, "ip,in_port=3 actions=dec_ttl(1,2),output:1");
    add(p, "ip,in_port=4 actions=dec_ttl(2,0),output:1");
    f = ip_flow(MAC1, MAC2);
    f.nw_ttl = 1;
    f.in_port = 3;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_int_eq(log.n, 0);
    f.in_port = 4;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_int_eq(log.n, 1);
    ck_assert_uint_eq(log.reason, 2);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_action_set)
{
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "actions=write_actions(output:2),write_metadata:0x5/0xff,"
           "goto_table:1");
    add(p, "table=1,metadata=0x5 actions=output:4,write_actions(output:3,"
           "mod_dl_dst:02:00:00:00:00:03)");
    add(p, "table=1,priority=0 actions=clear_actions");
    run(p, 1, MAC1, MAC2, &res);
    /* Apply-actions first (4), then the action set: output:3 replaced
     * output:2, and the set's mod_dl_dst runs before it. */
    ck_assert_str_eq(outs(&res), "4,3");
    struct flow f4 = out_flow(&res, 0), f3 = out_flow(&res, 1);
    ck_assert(!memcmp(f4.dl_dst, MAC2, 6));
    ck_assert(!memcmp(f3.dl_dst, MAC3, 6));
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* br-int and br-tun with 3 ports each, br-int's port 3 patched to
 * br-tun's port 1. */
static void patch_pair(struct ofproto **a, struct ofproto **b)
{
    *a = bridge("br-int", 3);
    *b = bridge("br-tun", 3);
    ofproto_port_set_patch(*a, 3, *b, 1);
    ofproto_port_set_patch(*b, 1, *a, 3);
}

START_TEST(test_patch)
{
    struct ofproto *a, *b;
    patch_pair(&a, &b);
    struct xlate_result res;
    xlate_result_init(&res);
    add(a, "in_port=1 actions=set_tunnel:0x7,load:0x9->NXM_NX_REG2[],"
           "output:3,output:2");
    /* In the peer: in_port is the peer port, metadata is cleared. */
    add(b, "in_port=1,tun_id=0,reg2=0 actions=output:2");
    add(b, "priority=0 actions=drop");
    run(a, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2,2");
    ck_assert_ptr_eq(res.outputs[0].ofproto, b);
    ck_assert_uint_eq(res.outputs[0].tun_id, 0);
    /* Back in br-int the flow is restored. */
    ck_assert_ptr_eq(res.outputs[1].ofproto, a);
    ck_assert_uint_eq(res.outputs[1].tun_id, 7);
    struct ofproto_table_stats ts;
    ofproto_table_stats(b, 0, &ts);
    ck_assert_uint_eq(ts.lookups, 1);

    /* A patch loop ends at the depth limit instead of hanging. */
    add(b, "priority=40000,in_port=1 actions=output:in_port");
    add(a, "priority=40000,in_port=3 actions=output:in_port");
    run(a, 1, MAC1, MAC2, &res);
    ck_assert(res.depth_exceeded);
    ck_assert_str_eq(outs(&res), "drop");
    xlate_result_uninit(&res);
    ofproto_destroy(a);
    ofproto_destroy(b);
}
END_TEST

/* Patch crossings are reported with both ends and the bytes as they were
 * at the crossing (after header changes), in walk order, including the
 * way back; the buffer is reused from packet to packet; a walk that hits
 * the depth limit reports none; batches report them per packet. */
START_TEST(test_patch_crossings)
{
    struct ofproto *a, *b;
    patch_pair(&a, &b);
    struct xlate_result res;
    xlate_result_init(&res);
    add(a, "in_port=1 actions=mod_vlan_vid:5,output:3");
    add(a, "in_port=3 actions=output:2");
    add(b, "in_port=1 actions=output:2,output:in_port");
    add(b, "priority=0 actions=drop");

    struct flow f = ip_flow(MAC1, MAC2);
    f.in_port = 1;
    uint8_t frame[256];
    size_t len = flow_compose(&f, frame, sizeof frame);
    run(a, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2,2");
    ck_assert_uint_eq(res.n_crossings, 2);
    const struct xlate_crossing *c = &res.crossings[0];
    ck_assert_ptr_eq(c->from, a);
    ck_assert_ptr_eq(c->to, b);
    ck_assert_uint_eq(c->port, 3);
    ck_assert_uint_eq(c->peer_port, 1);
    ck_assert_uint_eq(c->bytes, len + 4); /* The VLAN tag went along. */
    c = &res.crossings[1];
    ck_assert_ptr_eq(c->from, b);
    ck_assert_ptr_eq(c->to, a);
    ck_assert_uint_eq(c->port, 1);
    ck_assert_uint_eq(c->peer_port, 3);
    ck_assert_uint_eq(c->bytes, len + 4);

    /* The next packet reuses the array and starts from zero. */
    const struct xlate_crossing *array = res.crossings;
    run(a, 2, MAC1, MAC2, &res); /* No flow for in_port 2: no crossing. */
    ck_assert_uint_eq(res.n_crossings, 0);
    run(a, 1, MAC1, MAC2, &res);
    ck_assert_uint_eq(res.n_crossings, 2);
    ck_assert_ptr_eq(res.crossings, array);

    /* Without side effects (trace) the crossings are still reported. */
    run_flow(a, &f, false, &res);
    ck_assert_uint_eq(res.n_crossings, 2);

    /* Copies only when asked (a capture runs): the frame as it crossed,
     * tag included; the copies are freed by the next clear (ASan checks
     * that nothing leaks). */
    ck_assert(!res.crossings[0].copied);
    res.copy_crossings = true;
    run(a, 1, MAC1, MAC2, &res);
    ck_assert(res.copy_crossings);
    ck_assert_uint_eq(res.n_crossings, 2);
    for (size_t i = 0; i < 2; i++) {
        c = &res.crossings[i];
        ck_assert(c->copied);
        ck_assert_uint_eq(c->packet.len, c->bytes);
        const uint8_t *d = packet_data(&c->packet);
        ck_assert_uint_eq(d[12], 0x81); /* 802.1Q TPID. */
        ck_assert_uint_eq(d[13], 0x00);
        ck_assert_uint_eq(d[15], 5); /* VID 5. */
        ck_assert_mem_eq(d, frame, 12);
    }
    run(a, 1, MAC1, MAC2, &res); /* Copies of the last run are freed. */
    ck_assert(res.crossings[1].copied);
    res.copy_crossings = false;
    run(a, 1, MAC1, MAC2, &res);
    ck_assert(!res.crossings[0].copied && !res.crossings[1].copied);

    /* Batches: packet i's crossings are in results[i]. */
    struct packet pkts[2];
    struct flow md[2];
    memset(md, 0, sizeof md);
    md[0].in_port = 1;
    md[1].in_port = 2;
    packet_init(&pkts[0], frame, len);
    packet_init(&pkts[1], frame, len);
    const struct packet *ptrs[2] = { &pkts[0], &pkts[1] };
    struct xlate_result results[2];
    xlate_result_init(&results[0]);
    xlate_result_init(&results[1]);
    ofproto_execute_batch(a, ptrs, md, 2, results);
    ck_assert_uint_eq(results[0].n_crossings, 2);
    ck_assert_uint_eq(results[0].crossings[0].bytes, len + 4);
    ck_assert_uint_eq(results[1].n_crossings, 0);
    xlate_result_uninit(&results[0]);
    xlate_result_uninit(&results[1]);
    packet_uninit(&pkts[0]);
    packet_uninit(&pkts[1]);

    /* A patch loop: dropped as a whole, so no crossing is reported
     * (and the copies made on the way are freed). */
    add(a, "priority=40000,in_port=3 actions=output:in_port");
    res.copy_crossings = true;
    run(a, 1, MAC1, MAC2, &res);
    ck_assert(res.depth_exceeded);
    ck_assert_uint_eq(res.n_crossings, 0);
    xlate_result_uninit(&res);
    ck_assert_ptr_null(res.crossings);
    ofproto_destroy(a);
    ofproto_destroy(b);
}
END_TEST

struct fdb_aux {
    int n;
    uint16_t port;
};

static void fdb_cb(uint16_t port, uint16_t vlan, const uint8_t mac[6],
                   int64_t age, void *aux_)
{
    struct fdb_aux *aux = aux_;
    if (!memcmp(mac, MAC1, 6)) {
        aux->port = port;
    }
    aux->n++;
}

/* NORMAL with access and trunk ports (Port tag and trunks): ports 1 and
 * 2 are access ports of VLAN 10, 3 of VLAN 20, 4 a trunk of every VLAN,
 * 5 a trunk of VLAN 20 only. */
static uint16_t out_vid(const struct xlate_result *res, size_t i)
{
    struct flow f = out_flow(res, i);
    return (f.vlan_tci & VLAN_CFI) ? (f.vlan_tci & VLAN_VID_MASK) : 0xffff;
}

START_TEST(test_normal_vlans)
{
    clock_fake_set(0);
    struct ofproto *p = bridge("br0", 5);
    static const uint16_t only20[] = { 20 };
    ofproto_port_set_vlan(p, 1, 10, NULL, 0);
    ofproto_port_set_vlan(p, 2, 10, NULL, 0);
    ofproto_port_set_vlan(p, 3, 20, NULL, 0);
    ofproto_port_set_vlan(p, 5, -1, only20, 1);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "actions=normal");

    /* A broadcast from an access port stays in its VLAN: untagged to the
     * other access port, tagged 10 to the trunk, nothing to VLAN 20. */
    run(p, 1, MAC1, BCAST, &res);
    ck_assert_str_eq(outs(&res), "2,4");
    ck_assert_uint_eq(out_vid(&res, 0), 0xffff);
    ck_assert_uint_eq(out_vid(&res, 1), 10);

    /* Tagged 20 from the trunk: untagged to port 3, tagged to 5. */
    struct flow f = ip_flow(MAC2, BCAST);
    f.in_port = 4;
    f.vlan_tci = VLAN_CFI | 20;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "3,5");
    ck_assert_uint_eq(out_vid(&res, 0), 0xffff);
    ck_assert_uint_eq(out_vid(&res, 1), 20);

    /* MAC1 was learned on VLAN 10 only: from the trunk in VLAN 10 it is
     * port 1, untagged; in VLAN 20 it is unknown and floods there. */
    f = ip_flow(MAC2, MAC1);
    f.in_port = 4;
    f.vlan_tci = VLAN_CFI | 10;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "1");
    ck_assert_uint_eq(out_vid(&res, 0), 0xffff);
    f.vlan_tci = VLAN_CFI | 20;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "3,5");

    /* A tagged frame on an access port, and a VLAN a trunk does not
     * carry, are dropped. */
    f = ip_flow(MAC3, BCAST);
    f.in_port = 1;
    f.vlan_tci = VLAN_CFI | 10;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    f.in_port = 5;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    /* Untagged on trunk 5 is VLAN 0, which it does not carry either. */
    f.vlan_tci = 0;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "drop");

    /* Port 1 made a trunk again: untagged traffic from trunk 4 is VLAN 0
     * and reaches port 1 only (2 and 3 are access ports of other VLANs, 5
     * does not carry VLAN 0). */
    ofproto_port_set_vlan(p, 1, -1, NULL, 0);
    run(p, 4, MAC3, BCAST, &res);
    ck_assert_str_eq(outs(&res), "1");
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_normal)
{
    clock_fake_set(0);
    struct ofproto *p = bridge("br0", 4);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "actions=normal");
    /* Unknown destination: flood; the source is learned. */
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2,3,4");
    /* Reply to MAC1 goes only to port 1; MAC2 is learned on 2. */
    run(p, 2, MAC2, MAC1, &res);
    ck_assert_str_eq(outs(&res), "1");
    run(p, 1, MAC1, MAC2, &res);
    ck_assert_str_eq(outs(&res), "2");
    /* Broadcast floods. */
    run(p, 1, MAC1, BCAST, &res);
    ck_assert_str_eq(outs(&res), "2,3,4");
    /* Destination on the input port: nothing. */
    run(p, 2, MAC3, MAC2, &res);
    ck_assert_str_eq(outs(&res), "drop");
    /* A trace learns nothing. */
    uint8_t mac4[6] = { 0x02, 0, 0, 0, 0, 4 };
    struct flow f = ip_flow(mac4, MAC1);
    f.in_port = 4;
    run_flow(p, &f, false, &res);
    ck_assert_str_eq(outs(&res), "1");
    run(p, 1, MAC1, mac4, &res);
    ck_assert_str_eq(outs(&res), "2,3,4");
    /* VLANs learn separately. */
    f = ip_flow(MAC2, MAC1);
    f.in_port = 3;
    f.vlan_tci = VLAN_CFI | 5;
    run_flow(p, &f, true, &res);
    ck_assert_str_eq(outs(&res), "1,2,4");

    struct fdb_aux aux = { 0, 0 };
    ofproto_fdb_dump(p, fdb_cb, &aux);
    ck_assert_int_eq(aux.n, 4); /* MAC1, MAC2, MAC3 on vlan 0; MAC2 v5. */
    ck_assert_uint_eq(aux.port, 1);
    /* Moves follow the latest sighting. */
    run(p, 3, MAC1, BCAST, &res);
    run(p, 2, MAC2, MAC1, &res);
    ck_assert_str_eq(outs(&res), "3");
    /* Entries age out after 300 s. */
    clock_fake_advance(300 * 1000);
    ofproto_run(p);
    run(p, 2, MAC2, MAC1, &res);
    ck_assert_str_eq(outs(&res), "1,3,4");
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

struct trace_log {
    struct ds ds;
};

static void trace_cb(const struct xlate_event *ev, void *aux)
{
    struct trace_log *log = aux;
    static const char *const names[] = {
        "table", "action", "fields",     "skip", "output",
        "patch", "learn",  "controller", "drop",
    };
    ds_put_format(&log->ds, "%s", names[ev->type]);
    switch (ev->type) {
    case XE_TABLE:
        ds_put_format(&log->ds, "%u:%s", ev->table_id,
                      ev->rule ? "hit" : "miss");
        break;
    case XE_OUTPUT:
    case XE_PATCH:
        ds_put_format(&log->ds, ":%u", ev->port);
        break;
    case XE_LEARN:
    case XE_DROP:
    case XE_SKIP:
        ds_put_format(&log->ds, ":%s", ev->reason);
        break;
    default:
        break;
    }
    ds_put_char(&log->ds, ' ');
}

START_TEST(test_trace_events)
{
    struct ofproto *p = bridge("br0", 3);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "in_port=1 actions=mod_dl_dst:02:00:00:00:00:03,resubmit(,1),"
           "output:1");
    add(p, "table=1 actions=learn(table=2,NXM_OF_ETH_DST[]="
           "NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:2");
    struct trace_log log = { DS_EMPTY_INITIALIZER };
    struct flow f = ip_flow(MAC1, MAC2);
    f.in_port = 1;
    struct packet pkt;
    compose(&f, &pkt);
    ofproto_execute_trace(p, &pkt, &f, false, &res, trace_cb, &log);
    ck_assert_str_eq(ds_cstr(&log.ds),
                     "table0:hit action fields action table1:hit action "
                     "learn:not installed (no side effects) action output:2 "
                     "action skip:skipped output to the input port ");
    ck_assert_uint_eq(ofproto_n_flows(p), 2);
    /* The same walk with side effects learns. */
    ds_clear(&log.ds);
    ofproto_execute_trace(p, &pkt, &f, true, &res, trace_cb, &log);
    ck_assert(strstr(ds_cstr(&log.ds), "learn:added"));
    ck_assert_uint_eq(ofproto_n_flows(p), 3);
    /* A miss reports the drop. */
    ds_clear(&log.ds);
    f.in_port = 2;
    ofproto_execute_trace(p, &pkt, &f, false, &res, trace_cb, &log);
    ck_assert(str_starts_with(ds_cstr(&log.ds), "table0:miss drop:"));
    packet_uninit(&pkt);
    ds_destroy(&log.ds);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* ---- Packet-out: ofproto_execute_actions(). ---- */

/* Runs the actions of flow text 'text' ("actions=...") on an IPv4 frame
 * from MAC1 to 'dst' arriving on 'in_port'. */
static void run_actions(struct ofproto *p, uint16_t in_port,
                        const uint8_t dst[6], const char *text, bool effects,
                        struct xlate_result *res)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, text, FM_PARSE_ADD, ofproto_portmap(p));
    ck_assert_msg(!err, "parse '%s': %s", text, err ? err : "");
    struct flow f = ip_flow(MAC1, dst);
    f.in_port = in_port;
    uint8_t frame[256];
    size_t len = flow_compose(&f, frame, sizeof frame);
    struct packet pkt;
    packet_init(&pkt, frame, len);
    ofproto_execute_actions(
        p, &pkt, &f, (const struct ofpact *)(const void *)fm.ofpacts.data,
        fm.ofpacts.size, effects, res);
    packet_uninit(&pkt);
    flow_mod_uninit(&fm);
}

static void count_fdb_cb(uint16_t port, uint16_t vlan, const uint8_t mac[6],
                         int64_t age_sec, void *n_)
{
    (*(size_t *)n_)++;
}

START_TEST(test_execute_actions)
{
    struct ofproto *p = bridge("br0", 3);
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "in_port=1 actions=output:3");
    add(p, "table=1 actions=output:2");

    /* The list runs instead of table 0: no lookup, no counters. */
    run_actions(p, 1, MAC2, "actions=output:2", true, &res);
    ck_assert_str_eq(outs(&res), "2");
    struct ofproto_table_stats ts;
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.lookups, 0);

    /* Output to the input port needs in_port, as in a flow. */
    run_actions(p, 1, MAC2, "actions=output:1", true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    run_actions(p, 1, MAC2, "actions=in_port,output:in_port", true, &res);
    ck_assert_str_eq(outs(&res), "1,1");

    /* resubmit(,0) runs the tables as a received packet would, with
     * their counters; without side effects nothing is counted. */
    run_actions(p, 1, MAC2, "actions=resubmit(,0),resubmit(,1)", true, &res);
    ck_assert_str_eq(outs(&res), "3,2");
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.lookups, 1);
    ck_assert_uint_eq(ts.matched, 1);
    run_actions(p, 1, MAC2, "actions=resubmit(,0)", false, &res);
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.lookups, 1);

    /* An empty list drops; a resubmit into an empty table misses. */
    run_actions(p, 1, MAC2, "actions=drop", true, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_str_eq(res.drop_reason, "no output action");
    run_actions(p, 1, MAC2, "actions=resubmit(,7)", true, &res);
    ck_assert_str_eq(res.drop_reason, "no matching flow (table miss)");
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_execute_actions_from_no_port)
{
    struct ofproto *p = bridge("br0", 3);
    struct xlate_result res;
    xlate_result_init(&res);

    /* From "none" or "controller", FLOOD and NORMAL reach every port
     * (the packet came from none of them) and NORMAL learns nothing. */
    run_actions(p, OFPP_NONE, BCAST, "actions=flood", true, &res);
    ck_assert_str_eq(outs(&res), "1,2,3");
    run_actions(p, OFPP_CONTROLLER, MAC2, "actions=normal", true, &res);
    ck_assert_str_eq(outs(&res), "1,2,3");
    run_actions(p, OFPP_NONE, MAC2, "actions=normal", true, &res);
    ck_assert_str_eq(outs(&res), "1,2,3");
    size_t n = 0;
    ofproto_fdb_dump(p, count_fdb_cb, &n);
    ck_assert_uint_eq(n, 0);
    /* output:in_port has no port to go to. */
    run_actions(p, OFPP_NONE, MAC2, "actions=in_port", true, &res);
    ck_assert_str_eq(outs(&res), "drop");

    /* From a real port NORMAL learns as usual. */
    run_actions(p, 2, MAC2, "actions=normal", true, &res);
    ck_assert_str_eq(outs(&res), "1,3");
    ofproto_fdb_dump(p, count_fdb_cb, &n);
    ck_assert_uint_eq(n, 1);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("xlate");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_resubmit_in_port);
    tcase_add_test(tc, test_new_fields_and_actions);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_flood_all);
    tcase_add_test(tc, test_fields_seen_by_later_lookups);
    tcase_add_test(tc, test_commit_at_output);
    tcase_add_test(tc, test_unchanged_output_shares_input);
    tcase_add_test(tc, test_controller_ttl_exit_clone);
    tcase_add_test(tc, test_action_set);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_patch_crossings);
    tcase_add_test(tc, test_normal);
    tcase_add_test(tc, test_normal_vlans);
    tcase_add_test(tc, test_trace_events);
    tcase_add_test(tc, test_execute_actions);
    tcase_add_test(tc, test_execute_actions_from_no_port);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
