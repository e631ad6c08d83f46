/* Unit tests for ofproto's tables: flow_mod (add, modify, delete, strict
 * and loose), priorities and overlapping masks, cookies, out_port, batch
 * atomicity, the flow limit, dumps and their statistics, idle and hard
 * timeouts on the fake clock, and delete_learned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "fields.h"
#include "flow.h"
#include "flowmod.h"
#include "match.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

#include "ofproto-test.h"

/* A TCP segment from 'in_port' to port 80 with 'tcp_flags'. */
static void run_tcp(struct ofproto *p, uint16_t in_port, uint16_t tcp_flags,
                    struct xlate_result *res)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    uint8_t src[6] = { 0x02, 0, 0, 0, 0, 1 }, dst[6] = { 0x02, 0, 0, 0, 0, 2 };
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    f.dl_type = ETH_TYPE_IP;
    f.nw_src = 0x0a000001;
    f.nw_dst = 0x0a000002;
    f.nw_proto = IPPROTO_TCP_;
    f.nw_ttl = 64;
    f.tp_src = 40000;
    f.tp_dst = 80;
    f.tcp_flags = tcp_flags;
    run_flow(p, in_port, &f, res);
}

/* "5,6" -- the output ports of 'res', or "drop". */
static const char *outs(const struct xlate_result *res)
{
    static char buf[256];
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < res->n_outputs; i++) {
        ds_put_format(&ds, "%s%u", i ? "," : "", res->outputs[i].port);
    }
    snprintf(buf, sizeof buf, "%s", res->n_outputs ? ds_cstr(&ds) : "drop");
    ds_destroy(&ds);
    return buf;
}

struct dumped {
    char text[256]; /* "table=T priority=P,MATCH actions=ACTS" */
    struct flow_print fp;
};

struct dump {
    struct dumped flows[64];
    int n;
};

static void dump_cb(const struct flow_print *fp, void *aux)
{
    struct dump *d = aux;
    ck_assert_int_lt(d->n, 64);
    struct dumped *x = &d->flows[d->n++];
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_format(&ds, "table=%u ", fp->table_id);
    match_format(fp->match, fp->priority, NULL, &ds);
    ds_put_cstr(&ds, " actions=");
    ofpacts_format(fp->ofpacts, fp->ofpacts_len, NULL, &ds);
    snprintf(x->text, sizeof x->text, "%s", ds_cstr(&ds));
    ds_destroy(&ds);
    x->fp = *fp;
    x->fp.match = NULL;
    x->fp.ofpacts = NULL;
}

static void dump_all(struct ofproto *p, struct dump *d)
{
    d->n = 0;
    ofproto_dump_flows(p, NULL, false, dump_cb, d);
}

/* ---- Tests. ---- */

START_TEST(test_priorities_and_masks)
{
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=0 actions=output:1");
    add(p, "priority=10,ip,nw_dst=10.0.0.0/8 actions=output:2");
    add(p, "priority=20,ip,nw_dst=10.1.0.0/16 actions=output:3");
    add(p, "priority=15,ip,nw_src=192.168.0.1 actions=output:4");
    add(p, "priority=30,udp,tp_dst=2000,nw_dst=10.1.2.3 actions=output:5");
    ck_assert_uint_eq(ofproto_n_flows(p), 5);

    run_ip(p, 7, IP(1, 1, 1, 1), IP(11, 0, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "1");
    run_ip(p, 7, IP(1, 1, 1, 1), IP(10, 2, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "2");
    run_ip(p, 7, IP(1, 1, 1, 1), IP(10, 1, 9, 9), &res);
    ck_assert_str_eq(outs(&res), "3");
    /* nw_src match at 15 beats /8 at 10 but not /16 at 20. */
    run_ip(p, 7, IP(192, 168, 0, 1), IP(10, 2, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "4");
    run_ip(p, 7, IP(192, 168, 0, 1), IP(10, 1, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "3");
    run_ip(p, 7, IP(192, 168, 0, 1), IP(10, 1, 2, 3), &res);
    ck_assert_str_eq(outs(&res), "5");

    struct ofproto_table_stats ts;
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.active, 5);
    ck_assert_uint_eq(ts.lookups, 6);
    ck_assert_uint_eq(ts.matched, 6);
    ofproto_table_stats(p, 1, &ts);
    ck_assert_uint_eq(ts.active, 0);
    ck_assert_uint_eq(ts.lookups, 0);

    /* Without the catch-all a miss drops and counts a lookup only. */
    ck_assert_int_eq(mod(p, FM_DELETE_STRICT, "priority=0"), 0);
    run_ip(p, 7, IP(1, 1, 1, 1), IP(11, 0, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_ptr_nonnull(res.drop_reason);
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.lookups, 7);
    ck_assert_uint_eq(ts.matched, 6);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_add_replaces_and_resets)
{
    clock_fake_set(1000000);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=5,in_port=1 actions=output:2");
    run_ip(p, 1, 1, 2, &res);
    run_ip(p, 1, 1, 2, &res);
    clock_fake_advance(5000);
    struct dump d;
    dump_all(p, &d);
    ck_assert_int_eq(d.n, 1);
    ck_assert_uint_eq(d.flows[0].fp.n_packets, 2);
    ck_assert_int_eq(d.flows[0].fp.duration_msec, 5000);
    ck_assert_int_eq(d.flows[0].fp.hard_age, -1);

    /* Same match and priority, without reset_counts (an OpenFlow 1.3
     * add): replaced, counters kept, as in OVS. */
    add(p, "priority=5,in_port=1 actions=output:7");
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    dump_all(p, &d);
    ck_assert_uint_eq(d.flows[0].fp.n_packets, 2);

    /* With reset_counts (as every OpenFlow 1.0 add, ovs-ofctl's default,
     * carries it): counters and duration reset. */
    add(p, "reset_counts,priority=5,in_port=1 actions=output:3");
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    dump_all(p, &d);
    ck_assert_int_eq(d.n, 1);
    ck_assert_str_eq(d.flows[0].text,
                     "table=0 priority=5,in_port=1 actions=output:3");
    ck_assert_uint_eq(d.flows[0].fp.n_packets, 0);
    ck_assert_int_eq(d.flows[0].fp.duration_msec, 0);
    run_ip(p, 1, 1, 2, &res);
    ck_assert_str_eq(outs(&res), "3");

    /* Same match, other priority: a second flow. */
    add(p, "priority=6,in_port=1 actions=output:4");
    ck_assert_uint_eq(ofproto_n_flows(p), 2);
    run_ip(p, 1, 1, 2, &res);
    ck_assert_str_eq(outs(&res), "4");
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

START_TEST(test_modify_loose_strict)
{
    clock_fake_set(0);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=10,ip,nw_dst=10.0.0.1 actions=output:1");
    add(p, "priority=20,ip,nw_dst=10.0.0.1,nw_src=1.1.1.1 "
           "actions=output:2");
    add(p, "priority=30,arp actions=output:3");
    run_ip(p, 8, IP(1, 1, 1, 1), IP(10, 0, 0, 1), &res);
    run_ip(p, 8, IP(1, 1, 1, 1), IP(10, 0, 0, 1), &res);
    clock_fake_advance(3000);

    /* Loose: every flow at least as specific, any priority. */
    ck_assert_int_eq(mod(p, FM_MODIFY, "ip,nw_dst=10.0.0.1 actions=output:5"),
                     0);
    clock_fake_advance(2000);
    struct dump d;
    dump_all(p, &d);
    ck_assert_int_eq(d.n, 3);
    ck_assert_str_eq(d.flows[0].text, "table=0 priority=30,arp "
                                      "actions=output:3");
    ck_assert_str_eq(d.flows[1].text,
                     "table=0 priority=20,ip,nw_src=1.1.1.1,nw_dst=10.0.0.1 "
                     "actions=output:5");
    ck_assert_str_eq(d.flows[2].text, "table=0 priority=10,ip,nw_dst=10.0.0.1 "
                                      "actions=output:5");
    /* Counters and duration kept, hard_age counts from the modify. */
    ck_assert_uint_eq(d.flows[1].fp.n_packets, 2);
    ck_assert_int_eq(d.flows[1].fp.duration_msec, 5000);
    ck_assert_int_eq(d.flows[1].fp.hard_age, 2);
    ck_assert_int_eq(d.flows[0].fp.hard_age, -1);

    /* Strict: only the exact match and priority. */
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                         "priority=10,ip,nw_dst=10.0.0.1 actions=output:6"),
                     0);
    dump_all(p, &d);
    ck_assert_str_eq(d.flows[1].text,
                     "table=0 priority=20,ip,nw_src=1.1.1.1,nw_dst=10.0.0.1 "
                     "actions=output:5");
    ck_assert_str_eq(d.flows[2].text, "table=0 priority=10,ip,nw_dst=10.0.0.1 "
                                      "actions=output:6");

    /* Strict with a priority nothing has: OpenFlow 1.0 adds it. */
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                         "priority=11,ip,nw_dst=10.0.0.1 actions=output:7"),
                     0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    /* ...unless a cookie mask makes it a filter. */
    ck_assert_int_eq(
        mod(p, FM_MODIFY, "cookie=0x5/-1,ip,nw_dst=10.9.9.9 actions=output:7"),
        0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

START_TEST(test_delete_filters)
{
    struct ofproto *p = bridge();
    add(p, "table=0,priority=10,ip,nw_dst=10.0.0.1 actions=output:1");
    add(p, "table=0,priority=20,ip,nw_dst=10.0.0.1,nw_src=1.1.1.1 "
           "actions=output:2");
    add(p, "table=1,priority=10,ip,nw_dst=10.0.0.1 actions=output:2");
    add(p, "table=1,cookie=0x12,priority=5,arp actions=output:3");
    add(p, "table=2,cookie=0x34,priority=5,arp actions=output:3,output:4");
    ck_assert_uint_eq(ofproto_n_flows(p), 5);

    /* Strict needs the priority too. */
    ck_assert_int_eq(
        mod(p, FM_DELETE_STRICT, "table=0,priority=11,ip,nw_dst=10.0.0.1"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 5);
    ck_assert_int_eq(
        mod(p, FM_DELETE_STRICT, "table=0,priority=10,ip,nw_dst=10.0.0.1"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);

    /* out_port filter, all tables. */
    ck_assert_int_eq(mod(p, FM_DELETE, "out_port=4"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 3);

    /* Cookie filter. */
    ck_assert_int_eq(mod(p, FM_DELETE, "cookie=0x10/0xf0"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 2);

    /* Loose, one table: the more specific flow in table 0 is not in
     * table 1. */
    ck_assert_int_eq(mod(p, FM_DELETE, "table=1,ip"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    struct dump d;
    dump_all(p, &d);
    ck_assert_str_eq(d.flows[0].text,
                     "table=0 priority=20,ip,nw_src=1.1.1.1,nw_dst=10.0.0.1 "
                     "actions=output:2");
    /* A loose match less specific than the flow selects it. */
    ck_assert_int_eq(mod(p, FM_DELETE, "ip,nw_dst=10.0.0.0/8"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 0);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_batch_all_or_nothing)
{
    struct ofproto *p = bridge();
    add(p, "priority=1 actions=output:1");
    struct flow_mod fms[3];
    const char *texts[3] = { "priority=2,in_port=1 actions=output:2",
                             "table=3,priority=3 actions=output:3",
                             "table=1,priority=4 actions=goto_table:2" };
    for (int i = 0; i < 3; i++) {
        flow_mod_init(&fms[i], FM_ADD);
        char *err = flow_mod_parse(&fms[i], texts[i], FM_PARSE_ADD, NULL);
        ck_assert_msg(!err, "%s", err ? err : "");
    }
    /* The parser refuses a backward goto_table; the pipeline must too,
     * for a flow_mod built some other way. */
    fms[2].table_id = 3;
    char *err = NULL;
    /* goto_table to an earlier table is invalid: nothing is applied. */
    ck_assert_int_eq(ofproto_flow_mods(p, fms, 3, &err), EINVAL);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "flow_mod 2"), "%s", err);
    free(err);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    /* The good two alone go in together. */
    ck_assert_int_eq(ofproto_flow_mods(p, fms, 2, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ofproto_n_flows(p), 3);
    for (int i = 0; i < 3; i++) {
        flow_mod_uninit(&fms[i]);
    }

    /* The flow limit also refuses a whole batch. */
    ofproto_set_flow_limit(p, 4);
    flow_mod_init(&fms[0], FM_ADD);
    flow_mod_init(&fms[1], FM_ADD);
    ck_assert_ptr_null(flow_mod_parse(&fms[0], "priority=7 actions=drop",
                                      FM_PARSE_ADD, NULL));
    ck_assert_ptr_null(flow_mod_parse(&fms[1], "priority=8 actions=drop",
                                      FM_PARSE_ADD, NULL));
    ck_assert_int_eq(ofproto_flow_mods(p, fms, 2, &err), ENOSPC);
    free(err);
    ck_assert_uint_eq(ofproto_n_flows(p), 3);
    ck_assert_int_eq(ofproto_flow_mods(p, fms, 1, &err), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    /* Replacing or modifying an existing flow at the limit is fine... */
    ck_assert_int_eq(ofproto_flow_mods(p, fms, 1, &err), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT, "priority=7 actions=output:1"),
                     0);
    ck_assert_int_eq(mod(p, FM_MODIFY, "in_port=1 actions=output:3"), 0);
    /* ...a modify that would add is not. */
    ck_assert_int_eq(mod(p, FM_MODIFY, "in_port=9 actions=output:3"), ENOSPC);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    flow_mod_uninit(&fms[0]);
    flow_mod_uninit(&fms[1]);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_check_overlap)
{
    struct ofproto *p = bridge();
    add(p, "priority=5,ip,nw_dst=10.0.0.0/8 actions=output:1");
    /* Same priority, overlapping: refused. */
    ck_assert_int_eq(mod(p, FM_ADD,
                         "check_overlap,priority=5,ip,"
                         "nw_src=1.1.1.1 actions=output:2"),
                     EEXIST);
    /* Disjoint, other priority, or identical (a replacement): fine. */
    ck_assert_int_eq(mod(p, FM_ADD,
                         "check_overlap,priority=5,ip,"
                         "nw_dst=11.0.0.0/8 actions=output:2"),
                     0);
    ck_assert_int_eq(mod(p, FM_ADD,
                         "check_overlap,priority=6,ip,"
                         "nw_src=1.1.1.1 actions=output:2"),
                     0);
    ck_assert_int_eq(mod(p, FM_ADD,
                         "check_overlap,priority=5,ip,"
                         "nw_dst=10.0.0.0/8 actions=output:3"),
                     0);
    /* Without the flag overlaps are allowed. */
    ck_assert_int_eq(mod(p, FM_ADD,
                         "priority=5,ip,nw_src=1.1.1.1 "
                         "actions=output:2"),
                     0);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_dump_order_and_filter)
{
    struct ofproto *p = bridge();
    add(p, "table=2,priority=5 actions=drop");
    add(p, "table=0,priority=1 actions=resubmit(,2)");
    add(p, "table=0,priority=100,in_port=3 actions=output:4");
    add(p, "table=0,priority=50,in_port=2 actions=output:4");
    struct dump d;
    dump_all(p, &d);
    ck_assert_int_eq(d.n, 4);
    ck_assert_str_eq(d.flows[0].text,
                     "table=0 priority=100,in_port=3 actions=output:4");
    ck_assert_str_eq(d.flows[1].text,
                     "table=0 priority=50,in_port=2 actions=output:4");
    ck_assert_str_eq(d.flows[2].text,
                     "table=0 priority=1 actions=resubmit(,2)");
    ck_assert_str_eq(d.flows[3].text, "table=2 priority=5 actions=drop");

    struct flow_mod f;
    flow_mod_init(&f, FM_DELETE);
    ck_assert_ptr_null(
        flow_mod_parse(&f, "table=0,in_port=2", FM_PARSE_DUMP, NULL));
    d.n = 0;
    ofproto_dump_flows(p, &f, false, dump_cb, &d);
    ck_assert_int_eq(d.n, 1);
    ck_assert_str_eq(d.flows[0].text,
                     "table=0 priority=50,in_port=2 actions=output:4");
    flow_mod_uninit(&f);
    flow_mod_init(&f, FM_DELETE);
    ck_assert_ptr_null(flow_mod_parse(&f, "out_port=4", FM_PARSE_DUMP, NULL));
    d.n = 0;
    ofproto_dump_flows(p, &f, false, dump_cb, &d);
    ck_assert_int_eq(d.n, 2);
    flow_mod_uninit(&f);
    ofproto_destroy(p);
}
END_TEST

START_TEST(test_timeouts)
{
    clock_fake_set(10000);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,in_port=1,idle_timeout=10 actions=output:2");
    add(p, "priority=1,in_port=2,hard_timeout=30 actions=output:3");
    add(p, "priority=1,in_port=3,idle_timeout=5,hard_timeout=8 "
           "actions=output:4");
    add(p, "priority=1,in_port=4 actions=output:5");
    ck_assert_int_eq(ofproto_next_timeout(p), 10000 + 5000);

    clock_fake_advance(4000);
    run_ip(p, 1, 1, 2, &res); /* Keeps the idle flow alive. */
    run_ip(p, 3, 1, 2, &res);
    clock_fake_advance(4000); /* t = +8 s: in_port=3 hits its hard. */
    ck_assert_uint_eq(ofproto_run(p), 1);
    ck_assert_uint_eq(ofproto_n_flows(p), 3);
    clock_fake_advance(5999); /* +13.999 s: idle flow used at +4 s. */
    ck_assert_uint_eq(ofproto_run(p), 0);
    clock_fake_advance(1);
    ck_assert_uint_eq(ofproto_run(p), 1);
    run_ip(p, 1, 1, 2, &res);
    ck_assert_str_eq(outs(&res), "drop");
    clock_fake_advance(16000); /* +30 s. */
    ck_assert_uint_eq(ofproto_run(p), 1);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    ck_assert_int_eq(ofproto_next_timeout(p) > clock_msec() + 1000000, 1);
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_expired, 3);

    /* A modify restarts a hard timeout (it counts from modification). */
    add(p, "priority=1,in_port=5,hard_timeout=10 actions=output:1");
    clock_fake_advance(9000);
    ck_assert_int_eq(
        mod(p, FM_MODIFY_STRICT, "priority=1,in_port=5 actions=output:2"), 0);
    clock_fake_advance(9000);
    ck_assert_uint_eq(ofproto_run(p), 0);
    clock_fake_advance(1000);
    ck_assert_uint_eq(ofproto_run(p), 1);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

/* Timeouts past the expiry wheel's horizon (131 s), expiries postponed
 * by hits and by a modify after the flow was filed, on a clock that
 * starts before 0 (slots are floor divisions): each flow goes in the
 * very second it is due, not before (ofproto-expire.c). */
START_TEST(test_expiry_wheel)
{
    clock_fake_set(-7);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,in_port=1,hard_timeout=300 actions=output:2");
    add(p, "priority=1,in_port=2,idle_timeout=200 actions=output:3");
    add(p, "priority=1,in_port=3,hard_timeout=250 actions=output:4");
    add(p, "priority=1,in_port=4 actions=output:5");
    for (int sec = 1; sec <= 700; sec++) {
        clock_fake_advance(1000);
        if (sec <= 400 && sec % 50 == 0) {
            run_ip(p, 2, 1, 2, &res); /* Idle restarts: gone at 600. */
        }
        if (sec == 200) {
            /* Hard restarts: gone at 450. */
            ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                                 "priority=1,in_port=3 actions=output:6"),
                             0);
        }
        int runs = 0;
        do {
            ofproto_run(p);
        } while (ofproto_next_timeout(p) == 0 && ++runs < 10);
        size_t want = sec < 300 ? 4 : sec < 450 ? 3 : sec < 600 ? 2 : 1;
        ck_assert_msg(ofproto_n_flows(p) == want, "at %d s: %zu flows", sec,
                      ofproto_n_flows(p));
        ck_assert_int_gt(ofproto_next_timeout(p), clock_msec());
    }
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_expired, 3);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

START_TEST(test_counters_and_ages)
{
    clock_fake_set(0);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1 actions=resubmit(,1)");
    add(p, "table=1,priority=1 actions=output:2");
    for (int i = 0; i < 3; i++) {
        run_ip(p, 1, 1, 2, &res);
        clock_fake_advance(2000);
    }
    clock_fake_advance(1500);
    struct dump d;
    dump_all(p, &d);
    ck_assert_int_eq(d.n, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(d.flows[i].fp.n_packets, 3);
        ck_assert_uint_eq(d.flows[i].fp.n_bytes, 3 * 60);
        ck_assert_int_eq(d.flows[i].fp.duration_msec, 7500);
        ck_assert_int_eq(d.flows[i].fp.idle_age, 3);
        ck_assert(d.flows[i].fp.show_stats);
    }
    /* Trace-style execution credits nothing. */
    struct flow md;
    memset(&md, 0, sizeof md);
    md.in_port = 1;
    uint8_t frame[60] = { 0 };
    struct packet pkt;
    packet_init(&pkt, frame, sizeof frame);
    ofproto_execute(p, &pkt, &md, false, &res);
    ck_assert_str_eq(outs(&res), "2");
    packet_uninit(&pkt);
    dump_all(p, &d);
    ck_assert_uint_eq(d.flows[0].fp.n_packets, 3);
    struct ofproto_table_stats ts;
    ofproto_table_stats(p, 1, &ts);
    ck_assert_uint_eq(ts.lookups, 3);
    /* reset_counts on modify clears the counters. */
    ck_assert_int_eq(mod(p, FM_MODIFY,
                         "reset_counts table=1 "
                         "actions=output:3"),
                     0);
    dump_all(p, &d);
    ck_assert_uint_eq(d.flows[1].fp.n_packets, 0);
    ck_assert_uint_eq(d.flows[0].fp.n_packets, 3);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

START_TEST(test_delete_learned)
{
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,ip,in_port=1 actions=learn(table=5,delete_learned,"
           "priority=9,dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[]),output:2");
    add(p, "priority=1,ip,in_port=3 actions=learn(table=6,"
           "dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[])");
    run_ip(p, 1, IP(1, 1, 1, 1), 2, &res);
    ck_assert_uint_eq(res.n_learned, 1);
    run_ip(p, 1, IP(1, 1, 1, 2), 2, &res);
    run_ip(p, 1, IP(1, 1, 1, 2), 2, &res); /* Refresh: no new flow. */
    ck_assert_uint_eq(res.n_learned, 0);
    run_ip(p, 3, IP(1, 1, 1, 3), 2, &res);
    ck_assert_uint_eq(ofproto_n_flows(p), 5);
    struct ofproto_table_stats ts;
    ofproto_table_stats(p, 5, &ts);
    ck_assert_uint_eq(ts.active, 2);

    /* Deleting the first learner takes its learned flows along... */
    ck_assert_int_eq(mod(p, FM_DELETE_STRICT, "priority=1,ip,in_port=1"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 2);
    ofproto_table_stats(p, 5, &ts);
    ck_assert_uint_eq(ts.active, 0);
    /* ...the second has no delete_learned: its flow stays. */
    ck_assert_int_eq(mod(p, FM_DELETE_STRICT, "priority=1,ip,in_port=3"), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    ofproto_table_stats(p, 6, &ts);
    ck_assert_uint_eq(ts.active, 1);

    /* Deleting learner and learned flows in one go frees each once. */
    add(p, "priority=1,ip,in_port=1 actions=learn(table=5,delete_learned,"
           "priority=9,dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[])");
    run_ip(p, 1, IP(1, 1, 1, 1), 2, &res);
    run_ip(p, 1, IP(1, 1, 1, 7), 2, &res);
    ck_assert_uint_eq(ofproto_n_flows(p), 4);
    ck_assert_int_eq(mod(p, FM_DELETE, ""), 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 0);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* Issue 16: at the flow limit a learn evicts what the same learner
 * learned least recently used, so a flood of new sources recycles its own
 * flows while a source that keeps talking stays learned.  Client adds
 * are refused and counted. */
START_TEST(test_learn_flow_limit)
{
    clock_fake_set(1000);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,ip actions=learn(table=1,dl_type=0x800,"
           "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],output:NXM_OF_IN_PORT[]),"
           "output:2");
    ofproto_set_flow_limit(p, 4); /* The learner and three learned. */
    ck_assert_uint_eq(ofproto_get_flow_limit(p), 4);
    run_ip(p, 1, IP(10, 0, 0, 1), 2, &res); /* The legitimate one. */
    for (uint32_t i = 0; i < 50; i++) {
        clock_fake_advance(10);
        /* The flood: a new source each time... */
        run_ip(p, 3, IP(1, 1, 1, 1) + i, 2, &res);
        ck_assert_str_eq(outs(&res), "2");
        /* ...while 10.0.0.1 keeps talking. */
        run_ip(p, 1, IP(10, 0, 0, 1), 2, &res);
        ck_assert_uint_le(ofproto_n_flows(p), 4);
    }
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_failed, 0);
    ck_assert_uint_eq(st.n_evicted, 48);
    /* 10.0.0.1 is still learned: a packet to it is unicast to port 1. */
    struct dump d = { .n = 0 };
    ofproto_dump_flows(p, NULL, false, dump_cb, &d);
    bool found = false;
    for (int i = 0; i < d.n; i++) {
        found |= strstr(d.flows[i].text, "nw_dst=10.0.0.1 ") != NULL;
    }
    ck_assert_msg(found, "the talking source was evicted");

    /* A client add at the limit is refused, all or nothing, and counted. */
    ck_assert_int_eq(mod(p, FM_ADD, "priority=5,in_port=7 actions=drop"),
                     ENOSPC);
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_add_refused, 1);

    /* A learner with nothing to evict fails and counts. */
    ck_assert_int_eq(mod(p, FM_DELETE, "table=1"), 0);
    ofproto_set_flow_limit(p, 1);
    run_ip(p, 3, IP(2, 2, 2, 2), 2, &res);
    ck_assert_str_eq(outs(&res), "2");
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_failed, 1);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

/* learn(limit=N): at most N flows with the learn's cookie in its table;
 * then learning stops (refreshes go on), as ovs-actions(7) says. */
START_TEST(test_learn_limit)
{
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,ip actions=learn(table=1,cookie=0x7,limit=3,"
           "dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[]),output:2");
    /* Another flow with that cookie in table 1 counts too. */
    add(p, "table=1,cookie=0x7,priority=9,ip,nw_dst=9.9.9.9 actions=drop");
    for (uint32_t i = 0; i < 5; i++) {
        run_ip(p, 1, IP(1, 1, 1, 1) + i, 2, &res);
    }
    ck_assert_uint_eq(ofproto_n_flows(p), 1 + 3);
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_limited, 3);
    /* A refresh of a learned one is no new flow: not refused. */
    run_ip(p, 1, IP(1, 1, 1, 1), 2, &res);
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_limited, 3);
    /* Room again once one goes; a changed cookie moves the count. */
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                         "table=1,cookie=0x8,"
                         "priority=9,ip,nw_dst=9.9.9.9 actions=drop"),
                     0);
    run_ip(p, 1, IP(1, 1, 1, 9), 2, &res);
    ck_assert_uint_eq(ofproto_n_flows(p), 1 + 4);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* Issue 16: expiring many flows at once runs in slices with the loop
 * free in between, and ends with every flow gone and the right next
 * timeout. */
/* Issue 16: a dump in steps sees flows as they are when reached, never
 * a flow removed before it was reached, and never reads freed memory
 * (ASan) although flows are removed, replaced and the bridge destroyed
 * between steps. */
START_TEST(test_expiry_slices)
{
    clock_fake_set(5000);
    struct ofproto *p = bridge();
    size_t n = 3 * OFPROTO_EXPIRE_SLICE + 5;
    struct flow_mod *fms = xcalloc(n, sizeof *fms);
    for (size_t i = 0; i < n; i++) {
        char text[128];
        snprintf(text, sizeof text,
                 "table=3,priority=1,ip,nw_src=%u.%u.%u.1,"
                 "idle_timeout=%u actions=drop",
                 (unsigned)(i >> 16) & 255, (unsigned)(i >> 8) & 255,
                 (unsigned)i & 255, i == n - 1 ? 100 : 10);
        flow_mod_init(&fms[i], FM_ADD);
        char *err = flow_mod_parse(&fms[i], text, FM_PARSE_ADD, NULL);
        ck_assert_msg(!err, "%s", err ? err : "");
    }
    char *err;
    ck_assert_int_eq(ofproto_flow_mods(p, fms, n, &err), 0);
    size_t huge_full = sw_huge_bytes();
    clock_fake_advance(10000);
    size_t runs = 0, removed = 0, r;
    do {
        r = ofproto_run(p);
        ck_assert_uint_le(r, OFPROTO_EXPIRE_SLICE);
        removed += r;
        runs++;
        /* Between slices the caller is told to come back at once. */
        if (removed < n - 1) {
            ck_assert_int_eq(ofproto_next_timeout(p), 0);
        }
    } while (ofproto_next_timeout(p) == 0 && runs < 100);
    ck_assert_uint_eq(removed, n - 1);
    ck_assert_uint_ge(runs, 4);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    ck_assert_int_eq(ofproto_next_timeout(p), 5000 + 100000);
    /* The pass removed more than a slice: the slab chunks left empty
     * went back to the system (sw_trim_memory(), issue 16), all but the
     * one still holding the remaining flow. */
    ck_assert_uint_le(sw_huge_bytes() + 2 * SW_HUGE_PAGE, huge_full);
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

/* A table past OFPROTO_BIG_TABLE flows takes its new rules from the
 * huge-page slab (lib/util.c): adds, replacing adds, modifies (actions
 * moved off the rule), learns, deletes and destroy must all work on them
 * as on heap rules, and ASan checks that none is used after its free. */
START_TEST(test_big_table_slab_rules)
{
    enum { N = 6000 }; /* Outputs avoid port 1, the packets' in_port. */
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    char text[160];
    size_t huge0 = sw_huge_bytes();
    for (uint32_t i = 0; i < N; i++) {
        snprintf(text, sizeof text,
                 "priority=1,ip,nw_dst=10.0.%u.%u actions=output:%u", i >> 8,
                 i & 0xff, i % 7 + 2);
        add(p, text);
    }
    ck_assert_uint_eq(ofproto_n_flows(p), N);
    ck_assert_uint_gt(sw_huge_bytes(), huge0); /* The slab is in use. */
    char want[8];
    for (uint32_t i = 0; i < N; i += 7) {
        run_ip(p, 1, IP(1, 1, 1, 1), IP(10, 0, i >> 8, i & 0xff), &res);
        snprintf(want, sizeof want, "%u", i % 7 + 2);
        ck_assert_str_eq(outs(&res), want);
    }
    /* Replace (the old rule is freed), modify (actions leave the rule). */
    add(p, "priority=1,ip,nw_dst=10.0.23.0 actions=output:5,output:6");
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                         "priority=1,ip,nw_dst=10.0.23.1 actions=output:7,"
                         "output:8"),
                     0);
    run_ip(p, 1, IP(1, 1, 1, 1), IP(10, 0, 23, 0), &res);
    ck_assert_str_eq(outs(&res), "5,6");
    run_ip(p, 1, IP(1, 1, 1, 1), IP(10, 0, 23, 1), &res);
    ck_assert_str_eq(outs(&res), "7,8");
    ck_assert_uint_eq(ofproto_n_flows(p), N);
    /* A learn into the big table. */
    add(p, "priority=2,ip,nw_src=9.9.9.9 actions=learn(table=0,priority=3,"
           "dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[]),output:2");
    run_ip(p, 4, IP(9, 9, 9, 9), IP(10, 0, 0, 1), &res);
    ck_assert_str_eq(outs(&res), "2");
    ck_assert_uint_eq(ofproto_n_flows(p), N + 2);
    run_ip(p, 1, IP(1, 1, 1, 1), IP(9, 9, 9, 9), &res);
    ck_assert_str_eq(outs(&res), "4");
    /* Delete every fourth flow; the rest still forward, the deleted drop.
     * The table stays big, so re-adding takes rules from the slab. */
    for (uint32_t i = 0; i < N; i += 4) {
        snprintf(text, sizeof text, "priority=1,ip,nw_dst=10.0.%u.%u", i >> 8,
                 i & 0xff);
        ck_assert_int_eq(mod(p, FM_DELETE_STRICT, text), 0);
    }
    ck_assert_uint_eq(ofproto_n_flows(p), N - N / 4 + 2);
    for (uint32_t i = 0; i < 200; i++) {
        run_ip(p, 1, IP(1, 1, 1, 1), IP(10, 0, i >> 8, i & 0xff), &res);
        snprintf(want, sizeof want, "%u", i % 7 + 2);
        ck_assert_str_eq(outs(&res), i % 4 ? want : "drop");
    }
    /* Re-adding takes the freed slab objects back (under ASan this
     * checks they were poisoned and unpoisoned consistently). */
    for (uint32_t i = 0; i < N; i += 4) {
        snprintf(text, sizeof text,
                 "priority=1,ip,nw_dst=10.0.%u.%u actions=output:%u", i >> 8,
                 i & 0xff, (i + 1) % 7 + 2);
        add(p, text);
    }
    ck_assert_uint_eq(ofproto_n_flows(p), N + 2);
    for (uint32_t i = 0; i < 200; i += 4) {
        run_ip(p, 1, IP(1, 1, 1, 1), IP(10, 0, i >> 8, i & 0xff), &res);
        snprintf(want, sizeof want, "%u", (i + 1) % 7 + 2);
        ck_assert_str_eq(outs(&res), want);
    }
    xlate_result_uninit(&res);
    ofproto_destroy(p);
}
END_TEST

/* ---- Flow monitor hook. ---- */

struct mon_log {
    int n;
    char ev[32][200]; /* "EVENT/REASON table=T priority=P,... actions=..." */
    bool stats[32];
};

static void mon_cb(const struct ofproto_flow_change *c, void *aux)
{
    static const char *const events[] = { "ADDED", "MODIFIED", "DELETED" };
    static const char *const reasons[] = {
        "client",       "learned",        "idle_timeout",
        "hard_timeout", "delete_learned", "replaced",
    };
    struct mon_log *log = aux;
    ck_assert_int_lt(log->n, 32);
    ck_assert_ptr_nonnull(c->ofproto);
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_format(&ds, "%s/%s table=%u ", events[c->event], reasons[c->reason],
                  c->flow->table_id);
    match_format(c->flow->match, c->flow->priority, NULL, &ds);
    ds_put_cstr(&ds, " actions=");
    ofpacts_format(c->flow->ofpacts, c->flow->ofpacts_len, NULL, &ds);
    snprintf(log->ev[log->n], sizeof log->ev[log->n], "%s", ds_cstr(&ds));
    log->stats[log->n] = c->flow->show_stats;
    log->n++;
    ds_destroy(&ds);
}

/* A frame from 'src' on 'in_port' into the MAC-learning bridge. */
static void run_mac(struct ofproto *p, uint16_t in_port, uint8_t src,
                    struct xlate_result *res)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    uint8_t s[6] = { 0x02, 0, 0, 0, 0, src },
            d[6] = { 0x02, 0, 0, 0, 0, 0xee };
    memcpy(f.dl_src, s, 6);
    memcpy(f.dl_dst, d, 6);
    f.dl_type = 0x88b5;
    run_flow(p, in_port, &f, res);
}

START_TEST(test_monitor_learn)
{
    clock_fake_set(1000);
    struct ofproto *p = bridge();
    struct mon_log log = { 0 };
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1 actions=learn(table=20,hard_timeout=300,priority=1,"
           "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])");
    ofproto_set_flow_monitor_cb(p, mon_cb, &log);

    /* Learned once: ADDED/learned, without statistics. */
    run_mac(p, 5, 0x31, &res);
    ck_assert_int_eq(log.n, 1);
    ck_assert_str_eq(log.ev[0],
                     "ADDED/learned table=20 "
                     "priority=1,dl_dst=02:00:00:00:00:31 actions=output:5");
    ck_assert(!log.stats[0]);
    /* Refreshing an identical flow says nothing, however often. */
    for (int i = 0; i < 5; i++) {
        clock_fake_advance(1000);
        run_mac(p, 5, 0x31, &res);
    }
    ck_assert_int_eq(log.n, 1);
    /* The MAC moves: MODIFIED/learned, with the new actions. */
    run_mac(p, 6, 0x31, &res);
    ck_assert_int_eq(log.n, 2);
    ck_assert_str_eq(log.ev[1],
                     "MODIFIED/learned table=20 "
                     "priority=1,dl_dst=02:00:00:00:00:31 actions=output:6");
    ck_assert(log.stats[1]);
    run_mac(p, 6, 0x31, &res);
    ck_assert_int_eq(log.n, 2);
    /* A second MAC, then 300 s: both expire by hard_timeout. */
    run_mac(p, 7, 0x32, &res);
    ck_assert_int_eq(log.n, 3);
    clock_fake_advance(300000);
    ck_assert_uint_eq(ofproto_run(p), 2);
    ck_assert_int_eq(log.n, 5);
    int found = 0;
    for (int i = 3; i < 5; i++) {
        found += !strcmp(log.ev[i], "DELETED/hard_timeout table=20 "
                                    "priority=1,dl_dst=02:00:00:00:00:31 "
                                    "actions=output:6");
        found += !strcmp(log.ev[i], "DELETED/hard_timeout table=20 "
                                    "priority=1,dl_dst=02:00:00:00:00:32 "
                                    "actions=output:7");
    }
    ck_assert_int_eq(found, 2);

    /* del-flows: DELETED/client for each flow removed. */
    run_mac(p, 5, 0x33, &res);
    ck_assert_int_eq(log.n, 6);
    ck_assert_int_eq(mod(p, FM_DELETE, "table=20"), 0);
    ck_assert_int_eq(log.n, 7);
    ck_assert_str_eq(log.ev[6],
                     "DELETED/client table=20 "
                     "priority=1,dl_dst=02:00:00:00:00:33 actions=output:5");
    ck_assert(log.stats[6]);
    /* Turned off: nothing more is reported. */
    ofproto_set_flow_monitor_cb(p, NULL, NULL);
    run_mac(p, 5, 0x34, &res);
    ck_assert_int_eq(log.n, 7);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

START_TEST(test_monitor_client)
{
    clock_fake_set(0);
    struct ofproto *p = bridge();
    struct mon_log log = { 0 };
    struct xlate_result res;
    xlate_result_init(&res);
    ofproto_set_flow_monitor_cb(p, mon_cb, &log);

    add(p, "priority=5,in_port=1 actions=output:2");
    ck_assert_int_eq(log.n, 1);
    ck_assert_str_eq(log.ev[0], "ADDED/client table=0 priority=5,in_port=1 "
                                "actions=output:2");
    /* Same match and priority: one MODIFIED/replaced, as OVS reports. */
    add(p, "priority=5,in_port=1 actions=output:3");
    ck_assert_int_eq(log.n, 2);
    ck_assert_str_eq(log.ev[1], "MODIFIED/replaced table=0 "
                                "priority=5,in_port=1 actions=output:3");
    ck_assert_int_eq(mod(p, FM_MODIFY, "in_port=1 actions=output:4"), 0);
    ck_assert_int_eq(log.n, 3);
    ck_assert_str_eq(log.ev[2], "MODIFIED/client table=0 "
                                "priority=5,in_port=1 actions=output:4");
    /* A modify that selects nothing adds. */
    ck_assert_int_eq(mod(p, FM_MODIFY_STRICT,
                         "priority=7,in_port=2 "
                         "actions=output:1"),
                     0);
    ck_assert_int_eq(log.n, 4);
    ck_assert_str_eq(log.ev[3], "ADDED/client table=0 priority=7,in_port=2 "
                                "actions=output:1");
    /* A failing batch reports nothing. */
    ofproto_set_flow_limit(p, 2);
    ck_assert_int_eq(mod(p, FM_ADD, "priority=1,in_port=3 actions=drop"),
                     ENOSPC);
    ck_assert_int_eq(log.n, 4);
    ofproto_set_flow_limit(p, 100);

    /* delete_learned: the learner's deletion takes its flow along. */
    add(p, "priority=1,ip,in_port=3 actions=learn(table=5,delete_learned,"
           "priority=9,dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
           "output:NXM_OF_IN_PORT[])");
    run_ip(p, 3, IP(1, 1, 1, 1), 2, &res);
    ck_assert_int_eq(log.n, 6);
    ck_assert_str_eq(log.ev[5],
                     "ADDED/learned table=5 "
                     "priority=9,ip,nw_dst=1.1.1.1 actions=output:3");
    ck_assert_int_eq(mod(p, FM_DELETE_STRICT, "priority=1,ip,in_port=3"), 0);
    ck_assert_int_eq(log.n, 8);
    ck_assert_str_eq(log.ev[6],
                     "DELETED/client table=0 "
                     "priority=1,ip,in_port=3 actions=learn(table=5,"
                     "priority=9,delete_learned,eth_type=0x800,"
                     "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
                     "output:NXM_OF_IN_PORT[])");
    ck_assert_str_eq(log.ev[7],
                     "DELETED/delete_learned table=5 "
                     "priority=9,ip,nw_dst=1.1.1.1 actions=output:3");

    /* Idle timeouts say so. */
    add(p, "priority=1,in_port=4,idle_timeout=10 actions=output:1");
    ck_assert_int_eq(log.n, 9);
    clock_fake_advance(10000);
    ck_assert_uint_eq(ofproto_run(p), 1);
    ck_assert_int_eq(log.n, 10);
    ck_assert_str_eq(log.ev[9], "DELETED/idle_timeout table=0 "
                                "priority=1,in_port=4 actions=output:1");
    /* Destroying the bridge reports nothing. */
    ofproto_destroy(p);
    ck_assert_int_eq(log.n, 10);
    xlate_result_uninit(&res);
    clock_fake_off();
}
END_TEST

/* A learn with fin_idle_timeout/fin_hard_timeout puts fin_timeout(...)
 * first in the flow it adds, as OVS does, and a TCP FIN or RST through
 * that flow shortens its timeouts; other segments leave them. */
static const struct flow_print *learned_fp(struct ofproto *p, struct dump *d)
{
    dump_all(p, d);
    for (int i = 0; i < d->n; i++) {
        if (d->flows[i].fp.table_id == 1 && d->flows[i].fp.priority == 5) {
            return &d->flows[i].fp;
        }
    }
    ck_abort_msg("no learned flow");
    return NULL;
}

START_TEST(test_fin_timeout)
{
    clock_fake_set(1000000);
    struct ofproto *p = bridge();
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "table=0,priority=1,tcp,in_port=1 actions=learn(table=1,"
           "idle_timeout=60,fin_idle_timeout=5,fin_hard_timeout=7,"
           "priority=5,NXM_OF_ETH_SRC[],"
           "output:NXM_OF_IN_PORT[]),"
           "resubmit(,1)");
    add(p, "table=1,priority=0 actions=output:2");
    run_tcp(p, 1, 0x010 /* ACK */, &res);
    struct dump d;
    dump_all(p, &d);
    int learned = -1;
    for (int i = 0; i < d.n; i++) {
        if (d.flows[i].fp.table_id == 1 && d.flows[i].fp.priority == 5) {
            learned = i;
        }
    }
    ck_assert_int_ge(learned, 0);
    ck_assert_str_eq(d.flows[learned].text,
                     "table=1 priority=5,dl_src=02:00:00:00:00:01 "
                     "actions=fin_timeout(idle_timeout=5,hard_timeout=7),"
                     "output:1");
    ck_assert_uint_eq(d.flows[learned].fp.idle_timeout, 60);
    ck_assert_uint_eq(d.flows[learned].fp.hard_timeout, 0);

    /* Traffic through the learned flow: a plain segment, then a FIN. */
    add(p, "table=0,priority=2,tcp,in_port=3 actions=resubmit(,1)");
    run_tcp(p, 3, 0x010, &res);
    ck_assert_str_eq(outs(&res), "1");
    ck_assert_uint_eq(learned_fp(p, &d)->idle_timeout, 60);
    run_tcp(p, 3, 0x011 /* FIN|ACK */, &res);
    ck_assert_uint_eq(learned_fp(p, &d)->idle_timeout, 5);
    ck_assert_uint_eq(learned_fp(p, &d)->hard_timeout, 7);
    /* And it expires on them: idle after 5 s. */
    clock_fake_advance(5000);
    ck_assert_uint_eq(ofproto_run(p), 1);
    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ofproto");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fin_timeout);
    tcase_add_test(tc, test_priorities_and_masks);
    tcase_add_test(tc, test_add_replaces_and_resets);
    tcase_add_test(tc, test_modify_loose_strict);
    tcase_add_test(tc, test_delete_filters);
    tcase_add_test(tc, test_batch_all_or_nothing);
    tcase_add_test(tc, test_check_overlap);
    tcase_add_test(tc, test_dump_order_and_filter);
    tcase_add_test(tc, test_timeouts);
    tcase_add_test(tc, test_counters_and_ages);
    tcase_add_test(tc, test_delete_learned);
    tcase_add_test(tc, test_learn_flow_limit);
    tcase_add_test(tc, test_big_table_slab_rules);
    tcase_add_test(tc, test_monitor_learn);
    tcase_add_test(tc, test_monitor_client);
    tcase_add_test(tc, test_learn_limit);
    tcase_add_test(tc, test_expiry_slices);
    tcase_add_test(tc, test_expiry_wheel);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
