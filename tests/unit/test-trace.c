/* Unit tests for trace (and monitor's formatting) on the article's br-tun.
 *
 * br-tun: patch-tun = 1, vxlan0 = 5 (remote 192.168.33.13), vxlan1 = 6
 * (remote .14), and the article's nine flows.  A port-info callback plays
 * the bridge layer's part (tunnel options).  The traces assert on exact
 * lines of the text rendering and on the keys of the JSON one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "monitor.h"
#include "ofproto.h"
#include "packet.h"
#include "trace.h"

#define ARP_REQUEST                                                    \
    "in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp," \
    "arp_op=1,arp_spa=10.1.1.2,arp_tpa=10.1.1.3,"                      \
    "arp_sha=52:54:00:0a:01:02"
#define ARP_REPLY                                                     \
    "in_port=5,tun_src=192.168.33.13,tun_dst=192.168.33.12,"          \
    "dl_src=2e:7a:a2:53:7b:31,dl_dst=52:54:00:0a:01:02,arp,arp_op=2," \
    "arp_spa=10.1.1.3,arp_tpa=10.1.1.2"
#define PING_REMOTE                                                     \
    "in_port=1,dl_src=52:54:00:0a:01:02,dl_dst=2e:7a:a2:53:7b:31,icmp," \
    "nw_src=10.1.1.2,nw_dst=10.1.1.3,nw_ttl=64,icmp_type=8"

static void add_flows(struct ofproto *p, const char *const *flows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct flow_mod fm;
        flow_mod_init(&fm, FM_ADD);
        char *err =
            flow_mod_parse(&fm, flows[i], FM_PARSE_ADD, ofproto_portmap(p));
        ck_assert_msg(!err, "flow %zu: %s", i, err ? err : "");
        ck_assert_int_eq(ofproto_flow_mods(p, &fm, 1, &err), 0);
        flow_mod_uninit(&fm);
    }
}

static struct ofproto *build_br_tun(void)
{
    char *err = NULL;
    struct ofproto *p = article_br_tun_create(&err);
    ck_assert_msg(p, "%s", err ? err : "");
    ck_assert_uint_eq(ofproto_n_flows(p), 9);
    return p;
}

/* The bridge layer's view of br-tun's ports: 5 and 6 are VXLAN tunnels
 * to .13 and .14, with key 0 or (aux != NULL) key=flow. */
static bool port_info(const struct ofproto *p, uint16_t port,
                      struct trace_port_info *info, void *aux)
{
    if (strcmp(ofproto_name(p), "br-tun") || (port != 5 && port != 6)) {
        return false;
    }
    snprintf(info->type, sizeof info->type, "vxlan");
    info->tunnel = true;
    info->cfg.key_flow = aux != NULL;
    info->cfg.remote_ip = port == 5 ? 0xc0a8210d : 0xc0a8210e;
    return true;
}

/* Traces 'flow_text' (or 'hex') and returns the text; '*jsonp' gets the
 * JSON rendering when not NULL. */
static char *run(struct ofproto *p, const char *flow_text, const char *hex,
                 bool generate, size_t max_events, bool key_flow,
                 json_t **jsonp)
{
    struct packet pkt;
    struct flow md;
    char *err =
        trace_parse_packet(flow_text, hex, ofproto_portmap(p), &pkt, &md);
    ck_assert_msg(!err, "%s", err ? err : "");
    struct trace_options opts = {
        .generate = generate,
        .max_events = max_events,
        .port_info = port_info,
        .port_info_aux = key_flow ? p : NULL,
    };
    struct trace *t = trace_run(p, &pkt, &md, &opts);
    struct ds ds = DS_EMPTY_INITIALIZER;
    trace_format(t, &ds);
    if (jsonp) {
        *jsonp = trace_to_json(t);
    }
    trace_destroy(t);
    packet_uninit(&pkt);
    return ds_steal_cstr(&ds);
}

#define ASSERT_HAS(TEXT, NEEDLE) \
    ck_assert_msg(strstr(TEXT, NEEDLE), "missing <<%s>> in:\n%s", NEEDLE, TEXT)
#define ASSERT_LACKS(TEXT, NEEDLE)                                            \
    ck_assert_msg(!strstr(TEXT, NEEDLE), "unexpected <<%s>> in:\n%s", NEEDLE, \
                  TEXT)

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static size_t table_flows(struct ofproto *p, uint8_t table)
{
    struct ofproto_table_stats ts;
    ofproto_table_stats(p, table, &ts);
    return (size_t)ts.active;
}

START_TEST(test_broadcast)
{
    struct ofproto *p = build_br_tun();
    json_t *j;
    char *text = run(p, ARP_REQUEST, NULL, false, 0, false, &j);

    ASSERT_HAS(text, "Bridge: br-tun\n");
    ASSERT_HAS(text, "Flow: arp,in_port=1,dl_src=52:54:00:0a:01:02,"
                     "dl_dst=ff:ff:ff:ff:ff:ff");
    ASSERT_HAS(text, "\nbridge br-tun\ntable 0: priority=1,in_port=1\n"
                     "    resubmit(,1)\n"
                     "    table 1: priority=0,"
                     "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00\n"
                     "        resubmit(,21)\n"
                     "        table 21: priority=0\n"
                     "            output:5\n"
                     "             -> output to vxlan0 (port 5): "
                     "encapsulated as vxlan vni 0 remote "
                     "192.168.33.13:4789\n"
                     "            output:6\n"
                     "             -> output to vxlan1 (port 6): "
                     "encapsulated as vxlan vni 0 remote "
                     "192.168.33.14:4789\n");
    ASSERT_HAS(text, "Datapath actions: output:5 (vxlan0: vxlan vni 0 "
                     "remote 192.168.33.13:4789), output:6 (vxlan1: vxlan "
                     "vni 0 remote 192.168.33.14:4789)\n");
    ASSERT_HAS(text, "Side effects: none");
    ASSERT_LACKS(text, "table 20");

    /* JSON: the same steps and outputs, with keys. */
    ck_assert_str_eq(json_string_value(json_object_get(j, "bridge")),
                     "br-tun");
    ck_assert(json_is_false(json_object_get(j, "generate")));
    json_t *steps = json_object_get(j, "steps");
    ck_assert(json_is_array(steps));
    json_t *s0 = json_array_get(steps, 0);
    ck_assert_str_eq(json_string_value(json_object_get(s0, "type")), "table");
    ck_assert_int_eq(json_integer_value(json_object_get(s0, "table")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(s0, "priority")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(s0, "match")),
                     "in_port=1");
    ck_assert_str_eq(json_string_value(json_object_get(s0, "actions")),
                     "resubmit(,1)");
    json_t *outs = json_object_get(j, "outputs");
    ck_assert_uint_eq(json_array_size(outs), 2);
    json_t *o1 = json_array_get(outs, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(o1, "port")), 6);
    ck_assert_str_eq(json_string_value(json_object_get(o1, "port_name")),
                     "vxlan1");
    json_t *tnl = json_object_get(o1, "tunnel");
    ck_assert_str_eq(json_string_value(json_object_get(tnl, "remote_ip")),
                     "192.168.33.14");
    ck_assert_int_eq(json_integer_value(json_object_get(tnl, "vni")), 0);
    ck_assert(json_is_null(json_object_get(j, "drop_reason")));
    /* The text has one depth per table; so does the JSON. */
    int tables = 0;
    for (size_t i = 0; i < json_array_size(steps); i++) {
        json_t *s = json_array_get(steps, i);
        if (!strcmp(json_string_value(json_object_get(s, "type")), "table")) {
            ck_assert_int_eq(json_integer_value(json_object_get(s, "depth")),
                             tables);
            tables++;
        }
    }
    ck_assert_int_eq(tables, 3);

    json_decref(j);
    free(text);
    ofproto_destroy(p);
}
END_TEST

/* Learning: without --generate nothing changes, with it the flow the
 * trace showed is the flow table 20 gets. */
START_TEST(test_learn)
{
    bool key_flow = _i;
    struct ofproto *p = build_br_tun();
    char flow[512];
    snprintf(flow, sizeof flow, "%s%s", ARP_REPLY,
             key_flow ? ",tun_id=0x64" : "");
    const char *learned = key_flow
                              ? "table=20, hard_timeout=300, priority=1,"
                                "dl_dst=2e:7a:a2:53:7b:31 actions=load:0x64->"
                                "NXM_NX_TUN_ID[],output:5\n"
                              : "table=20, hard_timeout=300, priority=1,"
                                "dl_dst=2e:7a:a2:53:7b:31 actions=load:0->"
                                "NXM_NX_TUN_ID[],output:5\n";

    /* Dry run. */
    struct ofproto_table_stats before, after;
    ofproto_table_stats(p, 0, &before);
    json_t *j;
    char *text = run(p, flow, NULL, false, 0, key_flow, &j);
    ASSERT_HAS(text, "table 0: priority=1,in_port=5\n"
                     "    resubmit(,2)\n"
                     "    table 2: priority=0\n"
                     "        learn(table=20,");
    char want[512];
    snprintf(want, sizeof want,
             "         -> learn not installed (no side effects): %s", learned);
    ASSERT_HAS(text, want);
    ASSERT_HAS(text, "        output:1\n"
                     "         -> output to patch-tun (port 1)\n");
    ASSERT_HAS(text, "Datapath actions: output:1 (patch-tun)\n");
    ck_assert_uint_eq(ofproto_n_flows(p), 9);
    ck_assert_uint_eq(table_flows(p, 20), 1);
    ofproto_table_stats(p, 0, &after);
    ck_assert_uint_eq(after.lookups, before.lookups); /* No counters. */
    json_t *steps = json_object_get(j, "steps");
    bool saw_learn = false;
    for (size_t i = 0; i < json_array_size(steps); i++) {
        json_t *s = json_array_get(steps, i);
        if (!strcmp(json_string_value(json_object_get(s, "type")), "learn")) {
            saw_learn = true;
            ck_assert_int_eq(json_integer_value(json_object_get(s, "table")),
                             20);
            ck_assert_str_eq(json_string_value(json_object_get(s, "match")),
                             "dl_dst=2e:7a:a2:53:7b:31");
            ck_assert_str_eq(json_string_value(json_object_get(s, "result")),
                             "not installed (no side effects)");
        }
    }
    ck_assert(saw_learn);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "learned")), 0);
    json_decref(j);
    free(text);

    /* --generate: the learn happens, counters move. */
    text = run(p, flow, NULL, true, 0, key_flow, &j);
    snprintf(want, sizeof want, " -> learn added: %s", learned);
    ASSERT_HAS(text, want);
    ASSERT_HAS(text, "Side effects: 1 flow(s) learned or changed\n");
    ASSERT_LACKS(text, "Side effects: none");
    ck_assert_uint_eq(ofproto_n_flows(p), 10);
    ck_assert_uint_eq(table_flows(p, 20), 2);
    ofproto_table_stats(p, 0, &after);
    ck_assert_uint_eq(after.lookups, before.lookups + 1);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "learned")), 1);
    json_decref(j);
    free(text);

    /* Again: the identical flow is only refreshed. */
    text = run(p, flow, NULL, true, 0, key_flow, NULL);
    ASSERT_HAS(text, " -> learn refreshed: ");
    ck_assert_uint_eq(ofproto_n_flows(p), 10);
    free(text);

    /* Unicast to the learned MAC leaves only on 5, with the VNI. */
    text = run(p, PING_REMOTE, NULL, false, 0, key_flow, &j);
    ASSERT_HAS(text, "    table 1: priority=0,"
                     "dl_dst=00:00:00:00:00:00/01:00:00:00:00:00\n"
                     "        resubmit(,20)\n"
                     "        table 20: priority=1,"
                     "dl_dst=2e:7a:a2:53:7b:31\n");
    if (key_flow) {
        ASSERT_HAS(text, "            load:0x64->NXM_NX_TUN_ID[]\n"
                         "             -> tun_id: 0 -> 0x64\n");
        ASSERT_HAS(text, "Datapath actions: output:5 (vxlan0: vxlan vni "
                         "100 remote 192.168.33.13:4789)\n");
    } else {
        /* Loading 0 over 0 changes nothing, so no change line. */
        ASSERT_HAS(text, "            load:0->NXM_NX_TUN_ID[]\n"
                         "            output:5\n");
        ASSERT_HAS(text, "Datapath actions: output:5 (vxlan0: vxlan vni 0 "
                         "remote 192.168.33.13:4789)\n");
    }
    ASSERT_LACKS(text, "output:6");
    ASSERT_LACKS(text, "table 21");
    json_t *outs = json_object_get(j, "outputs");
    ck_assert_uint_eq(json_array_size(outs), 1);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(outs, 0), "tun_id")),
        key_flow ? 0x64 : 0);
    if (key_flow) {
        json_t *steps2 = json_object_get(j, "steps");
        bool saw_set = false;
        for (size_t i = 0; i < json_array_size(steps2); i++) {
            json_t *s = json_array_get(steps2, i);
            if (!strcmp(json_string_value(json_object_get(s, "type")),
                        "set")) {
                json_t *c = json_array_get(json_object_get(s, "changes"), 0);
                ck_assert_str_eq(
                    json_string_value(json_object_get(c, "field")), "tun_id");
                ck_assert_str_eq(json_string_value(json_object_get(c, "old")),
                                 "0");
                ck_assert_str_eq(json_string_value(json_object_get(c, "new")),
                                 "0x64");
                saw_set = true;
            }
        }
        ck_assert(saw_set);
    }
    json_decref(j);
    free(text);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_drop_unknown_port)
{
    struct ofproto *p = build_br_tun();
    json_t *j;
    char *text = run(p,
                     "in_port=9,dl_src=52:54:00:0a:01:09,"
                     "dl_dst=ff:ff:ff:ff:ff:ff",
                     NULL, false, 0, false, &j);
    ASSERT_HAS(text, "table 0: priority=0\n    drop\n\n");
    ASSERT_HAS(text, "Datapath actions: drop (no output action)\n");
    ck_assert_str_eq(json_string_value(json_object_get(j, "drop_reason")),
                     "no output action");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "outputs")), 0);
    json_decref(j);
    free(text);

    /* A table without any flow says so. */
    const char *const miss[] = {
        "table=0,priority=9,in_port=8 actions=resubmit(,7)",
    };
    add_flows(p, miss, 1);
    text = run(p, "in_port=8", NULL, false, 0, false, NULL);
    ASSERT_HAS(text, "    table 7: no match: the packet is dropped\n");
    ASSERT_HAS(text, "Datapath actions: drop (no matching flow (table "
                     "miss))\n");
    free(text);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_depth_limit)
{
    struct ofproto *p = build_br_tun();
    const char *const loop[] = {
        "table=0,priority=5,in_port=7 actions=output:5,resubmit(,3)",
        "table=3,priority=0 actions=resubmit(,3)",
    };
    add_flows(p, loop, 2);
    json_t *j;
    char *text = run(p, "in_port=7", NULL, false, 0, false, &j);
    /* Table 3 is looked up at depths 1..64; the 65th resubmit is
     * refused and the output made before it is cancelled. */
    ck_assert_int_eq(count_of(text, "table 3: priority=0\n"), 64);
    ASSERT_HAS(text, "Resubmit depth limit (64) exceeded");
    ASSERT_HAS(text, "Datapath actions: drop (resubmit depth exceeded)\n");
    ck_assert(json_is_true(json_object_get(j, "depth_exceeded")));
    ck_assert(json_is_false(json_object_get(j, "truncated")));
    json_decref(j);
    free(text);

    /* The trace size bound: recording stops, the verdict does not. */
    text = run(p, "in_port=7", NULL, false, 10, false, &j);
    ASSERT_HAS(text, "... trace truncated after 10 steps\n");
    ASSERT_HAS(text, "Datapath actions: drop (resubmit depth exceeded)\n");
    ck_assert(json_is_true(json_object_get(j, "truncated")));
    ck_assert_uint_eq(json_array_size(json_object_get(j, "steps")), 10);
    json_decref(j);
    free(text);
    ofproto_destroy(p);
}
END_TEST

/* br-int (tap0 = 2, patch-int = 1, NORMAL) patched to br-tun: a broadcast
 * from tap0 crosses into br-tun and leaves on both tunnels. */
START_TEST(test_patch)
{
    struct ofproto *tun = build_br_tun();
    struct ofproto *in = ofproto_create("br-int");
    ofproto_port_add(in, 1, "patch-int");
    ofproto_port_add(in, 2, "tap0");
    ofproto_port_set_patch(in, 1, tun, 1);
    ofproto_port_set_patch(tun, 1, in, 1);
    const char *const normal[] = { "priority=0 actions=NORMAL" };
    add_flows(in, normal, 1);

    char *text = run(in,
                     "in_port=tap0,dl_src=52:54:00:0a:01:02,"
                     "dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1",
                     NULL, false, 0, false, NULL);
    ASSERT_HAS(text, "bridge br-int\ntable 0: priority=0\n    NORMAL\n"
                     "     -> patch patch-int (port 1) into bridge br-tun "
                     "at patch-tun (port 1)\n"
                     "        bridge br-tun\n"
                     "        table 0: priority=1,in_port=1\n");
    ASSERT_HAS(text, "Datapath actions: output:br-tun:5 (vxlan0: vxlan vni "
                     "0 remote 192.168.33.13:4789), output:br-tun:6");
    free(text);
    ofproto_destroy(in);
    ofproto_destroy(tun);
}
END_TEST

START_TEST(test_parse)
{
    struct flow f;
    struct portmap map;
    portmap_init(&map);
    portmap_add(&map, "vxlan0", 5);

    char *err = trace_parse_flow("in_port=vxlan0,tun_id=0x64,ip,"
                                 "nw_src=10.1.1.2 nw_ttl=64",
                                 &map, &f);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_uint_eq(f.in_port, 5);
    ck_assert_uint_eq(f.tun_id, 0x64);
    ck_assert_uint_eq(f.dl_type, ETH_TYPE_IP);
    ck_assert_uint_eq(f.nw_src, 0x0a010102);
    ck_assert_uint_eq(f.nw_ttl, 64);
    ck_assert_uint_eq(f.nw_dst, 0); /* Unset fields are zero. */

    err = trace_parse_flow("in_port=1,dl_dst=zz", &map, &f);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "'dl_dst=zz' at offset 10"), "%s", err);
    free(err);
    err = trace_parse_flow("ip,nw_src=10.0.0.0/8", &map, &f);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "not masks"), "%s", err);
    free(err);
    err = trace_parse_flow("arp_spa=10.1.1.2", &map, &f);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "arp"), "%s", err);
    free(err);
    err = trace_parse_flow("in_port=nosuch", &map, &f);
    ck_assert_ptr_nonnull(err);
    free(err);

    struct packet pkt;
    struct flow md;
    err =
        trace_parse_packet("in_port=1", "ffffffffffff 0a0b", NULL, &pkt, &md);
    ck_assert_msg(err && strstr(err, "shorter than an Ethernet"), "%s",
                  err ? err : "");
    free(err);
    err = trace_parse_packet("in_port=1", "ffffffffffff0", NULL, &pkt, &md);
    ck_assert_msg(err && strstr(err, "lone hex digit at offset 12"), "%s",
                  err ? err : "");
    free(err);
    err = trace_parse_packet("in_port=1", "ffffffffffffxx", NULL, &pkt, &md);
    ck_assert_msg(err && strstr(err, "'x' at offset 12"), "%s",
                  err ? err : "");
    free(err);
    portmap_destroy(&map);
}
END_TEST

/* --packet HEX traces the same as the flow it was built from. */
START_TEST(test_hex_packet)
{
    struct ofproto *p = build_br_tun();
    struct flow f;
    char *err = trace_parse_flow(ARP_REQUEST, NULL, &f);
    ck_assert_msg(!err, "%s", err ? err : "");
    uint8_t frame[128];
    size_t len = flow_compose(&f, frame, sizeof frame);
    ck_assert_uint_ge(len, 60);
    struct ds hex = DS_EMPTY_INITIALIZER;
    ds_put_hex(&hex, frame, len);

    char *a = run(p, ARP_REQUEST, NULL, false, 0, false, NULL);
    char *b = run(p, "in_port=1", ds_cstr(&hex), false, 0, false, NULL);
    ck_assert_str_eq(a, b);
    ASSERT_HAS(b, "Datapath actions: output:5 (vxlan0");
    /* Metadata still comes from the flow text. */
    char *c = run(p, "in_port=9", ds_cstr(&hex), false, 0, false, NULL);
    ASSERT_HAS(c, "Datapath actions: drop");
    free(a);
    free(b);
    free(c);
    ds_destroy(&hex);
    ofproto_destroy(p);
}
END_TEST

/* ---- monitor ---- */

struct pins {
    struct ds text;
    json_t *json;
    int n;
};

static void pin_cb(const struct ofproto_packet_in *pin, void *aux)
{
    struct pins *pins = aux;
    pins->n++;
    monitor_format_packet_in(pin, &pins->text);
    json_decref(pins->json);
    pins->json = monitor_packet_in_to_json(pin, 64);
}

START_TEST(test_monitor_packet_in)
{
    struct ofproto *p = build_br_tun();
    const char *const ctl[] = {
        "table=0,priority=9,in_port=4 actions=resubmit(,30)",
        "table=30,priority=0,cookie=0x1234 actions=controller",
    };
    add_flows(p, ctl, 2);
    struct pins pins = { DS_EMPTY_INITIALIZER, NULL, 0 };
    ofproto_set_packet_in_cb(p, pin_cb, &pins);

    /* Trace without --generate reaches the controller but sends nothing. */
    char *text = run(p,
                     "in_port=4,dl_src=52:54:00:0a:01:02,"
                     "dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1",
                     NULL, false, 0, false, NULL);
    ASSERT_HAS(text, "        CONTROLLER:65535\n"
                     "         -> sent to the controller from table 30 "
                     "(reason=action)\n");
    ck_assert_int_eq(pins.n, 0);
    free(text);

    text = run(p,
               "in_port=4,dl_src=52:54:00:0a:01:02,"
               "dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1",
               NULL, true, 0, false, NULL);
    free(text);
    ck_assert_int_eq(pins.n, 1);
    ASSERT_HAS(ds_cstr(&pins.text),
               " event=PACKET_IN bridge=br-tun table=30 cookie=0x1234 "
               "reason=action total_len=60 arp,in_port=4,"
               "dl_src=52:54:00:0a:01:02,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1"
               "\n");
    ck_assert_str_eq(json_string_value(json_object_get(pins.json, "event")),
                     "PACKET_IN");
    ck_assert_int_eq(json_integer_value(json_object_get(pins.json, "table")),
                     30);
    ck_assert_str_eq(json_string_value(json_object_get(pins.json, "reason")),
                     "action");
    const char *hex = json_string_value(json_object_get(pins.json, "packet"));
    ck_assert_ptr_nonnull(hex);
    ck_assert_uint_eq(strlen(hex), 120); /* 60 bytes, under the 64 cap. */
    ck_assert(!strncmp(hex, "ffffffffffff5254000a0102", 24));
    json_decref(pins.json);
    ds_destroy(&pins.text);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_monitor_flow_events)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm,
                               "table=20,hard_timeout=300,priority=1,"
                               "dl_dst=2e:7a:a2:53:7b:31 actions=load:0->"
                               "NXM_NX_TUN_ID[],output:5",
                               FM_PARSE_ADD, NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    struct flow_print fp = {
        .match = &fm.match,
        .priority = fm.priority,
        .table_id = fm.table_id,
        .hard_timeout = fm.hard_timeout,
        .ofpacts = (const struct ofpact *)(const void *)fm.ofpacts.data,
        .ofpacts_len = fm.ofpacts.size,
        .hard_age = -1,
    };
    struct ofproto *p = ofproto_create("br-tun");
    struct monitor_event ev = {
        .type = MONITOR_ADDED,
        .reason = MONITOR_REASON_LEARNED,
        .ofproto = p,
        .flow = &fp,
    };
    struct ds ds = DS_EMPTY_INITIALIZER;
    monitor_format_flow_event(&ev, NULL, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " event=ADDED reason=learned bridge=br-tun table=20 "
                     "cookie=0x0 hard_timeout=300 priority=1,"
                     "dl_dst=2e:7a:a2:53:7b:31 actions=load:0->"
                     "NXM_NX_TUN_ID[],output:5\n");
    json_t *j = monitor_flow_event_to_json(&ev, NULL, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(j, "event")), "ADDED");
    ck_assert_str_eq(json_string_value(json_object_get(j, "reason")),
                     "learned");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "table")), 20);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "hard_timeout")),
                     300);
    ck_assert_str_eq(json_string_value(json_object_get(j, "match")),
                     "dl_dst=2e:7a:a2:53:7b:31");
    json_decref(j);

    ds_clear(&ds);
    ev.type = MONITOR_DELETED;
    ev.reason = MONITOR_REASON_HARD_TIMEOUT;
    monitor_format_flow_event(&ev, NULL, NULL, &ds);
    ck_assert(str_starts_with(ds_cstr(&ds),
                              " event=DELETED reason=hard_timeout "
                              "bridge=br-tun table=20 "));

    /* watch: filters. */
    struct monitor_watch w;
    err = monitor_watch_parse(&w, "watch:table=20,!delete", NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert(!monitor_watch_wants(&w, &ev)); /* Deletes excluded. */
    ev.type = MONITOR_ADDED;
    ck_assert(monitor_watch_wants(&w, &ev));
    monitor_watch_uninit(&w);
    err = monitor_watch_parse(&w, "watch:table=21", NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert(!monitor_watch_wants(&w, &ev));
    monitor_watch_uninit(&w);
    err = monitor_watch_parse(&w, "watch:dl_dst=2e:7a:a2:53:7b:31", NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert(monitor_watch_wants(&w, &ev));
    monitor_watch_uninit(&w);
    err = monitor_watch_parse(&w, "watch:dl_dst=2e:7a:a2:53:7b:32", NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert(!monitor_watch_wants(&w, &ev));
    monitor_watch_uninit(&w);
    err = monitor_watch_parse(&w, "watch:out_port=6", NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert(!monitor_watch_wants(&w, &ev));
    monitor_watch_uninit(&w);
    err = monitor_watch_parse(&w, "watch:!bogus", NULL);
    ck_assert_msg(err && strstr(err, "!bogus"), "%s", err ? err : "");
    free(err);
    err = monitor_watch_parse(&w, "table=20", NULL);
    ck_assert_msg(err && strstr(err, "watch:"), "%s", err ? err : "");
    free(err);

    ds_destroy(&ds);
    flow_mod_uninit(&fm);
    ofproto_destroy(p);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, test_broadcast);
    /* _i = 0: key 0 (the article); 1: key=flow with tun_id 0x64. */
    tcase_add_loop_test(tc, test_learn, 0, 2);
    tcase_add_test(tc, test_drop_unknown_port);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_hex_packet);
    suite_add_tcase(s, tc);
    tc = tcase_create("monitor");
    tcase_add_test(tc, test_monitor_packet_in);
    tcase_add_test(tc, test_monitor_flow_events);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
