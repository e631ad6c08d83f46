/* Unit tests for saving and restoring a flow table (ofproto-save.c):
 * the text round trip keeps every flow's table, priority, cookie,
 * timeouts, importance, flags, match and actions; ages and counters come
 * back; the remaining idle and hard timeouts are those at the save, not
 * shortened by the time the daemon was down; bad files change nothing
 * and say which line; and the change sequence moves with adds, modifies
 * and removals but not with hits. */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

static void add(struct ofproto *p, const char *text)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, text, FM_PARSE_ADD, NULL);
    ck_assert_msg(!err, "parse '%s': %s", text, err ? err : "");
    ck_assert_int_eq(ofproto_flow_mods(p, &fm, 1, &err), 0);
    flow_mod_uninit(&fm);
}

static void dump_cb(const struct flow_print *fp_, void *ds_)
{
    struct flow_print fp = *fp_;
    fp.show_stats = false;
    flow_print_format(&fp, NULL, ds_);
    ds_put_char(ds_, '\n');
}

/* Every flow as dump-flows --no-stats prints it. */
static char *dump(const struct ofproto *p)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ofproto_dump_flows(p, NULL, false, dump_cb, &ds);
    return ds_steal_cstr(&ds);
}

struct stats {
    uint64_t n_packets;
    int64_t duration_msec, idle_age;
};

static void stats_cb(const struct flow_print *fp, void *st_)
{
    struct stats *st = st_;
    if (fp->table_id == 1) {
        st->n_packets = fp->n_packets;
        st->duration_msec = fp->duration_msec;
        st->idle_age = fp->idle_age;
    }
}

/* Runs one frame in on port 1. */
static void hit(struct ofproto *p)
{
    struct xlate_result res;
    struct flow md;
    uint8_t frame[60] = { 0 };
    struct packet pkt;
    xlate_result_init(&res);
    memset(&md, 0, sizeof md);
    md.in_port = 1;
    packet_init(&pkt, frame, sizeof frame);
    ofproto_execute(p, &pkt, &md, true, &res);
    packet_uninit(&pkt);
    xlate_result_uninit(&res);
}

static const char *const flows[] = {
    "priority=0 actions=resubmit(,1)",
    "table=1,priority=5,idle_timeout=60,in_port=1 actions=output:2",
    "table=20,priority=1,cookie=0x2a,hard_timeout=300,importance=7,"
    "send_flow_rem,dl_dst=52:54:00:00:00:01 "
    "actions=load:0x64->NXM_NX_TUN_ID[],output:5",
    "table=2,priority=0 actions=learn(table=20,hard_timeout=300,priority=1,"
    "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->"
    "NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1",
};

START_TEST(test_round_trip_and_timeouts)
{
    clock_fake_set(1000000);
    struct ofproto *p = ofproto_create("br0");
    for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
        add(p, flows[i]);
    }
    clock_fake_advance(40000);
    hit(p);
    hit(p);
    clock_fake_advance(10000);

    struct ds saved = DS_EMPTY_INITIALIZER;
    ofproto_save_flows(p, &saved);
    char *before = dump(p);

    /* The daemon is down for an hour: that time does not count. */
    clock_fake_advance(3600 * 1000);
    struct ofproto *q = ofproto_create("br0");
    size_t n;
    char *err = ofproto_restore_flows(q, ds_cstr(&saved), &n);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_uint_eq(n, ARRAY_SIZE(flows));
    char *after = dump(q);
    ck_assert_str_eq(after, before);

    struct stats st = { 0, 0, 0 };
    ofproto_dump_flows(q, NULL, false, stats_cb, &st);
    ck_assert_uint_eq(st.n_packets, 2);
    ck_assert_int_eq(st.duration_msec, 50000);
    ck_assert_int_eq(st.idle_age, 10);

    /* The idle flow was last hit 10 s before the save: 50 s left. */
    clock_fake_advance(49000);
    ofproto_run(q);
    ck_assert_uint_eq(ofproto_n_flows(q), ARRAY_SIZE(flows));
    clock_fake_advance(2000);
    ofproto_run(q);
    ck_assert_uint_eq(ofproto_n_flows(q), ARRAY_SIZE(flows) - 1);
    /* The hard flow was 50 s old at the save: 250 s left, 51 s gone. */
    clock_fake_advance(198000);
    ofproto_run(q);
    ck_assert_uint_eq(ofproto_n_flows(q), ARRAY_SIZE(flows) - 1);
    clock_fake_advance(2000);
    ofproto_run(q);
    ck_assert_uint_eq(ofproto_n_flows(q), ARRAY_SIZE(flows) - 2);

    free(before);
    free(after);
    ds_destroy(&saved);
    ofproto_destroy(p);
    ofproto_destroy(q);
    clock_fake_off();
}
END_TEST

START_TEST(test_bad_files_change_nothing)
{
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        { "", "line 1: not a switchd flow file" },
        { "switchd-flows 2\n", "line 1: not a switchd flow file" },
        { "switchd-flows 1\n0 0 0 0 0 0 priority=1 actions=drop\n"
          "1 2 x 0 0 0 priority=2 actions=drop\n",
          "line 3: bad ages or counters" },
        { "switchd-flows 1\n0 0 0 2 0 0 priority=1 actions=drop\n",
          "line 2: bad ages or counters" },
        { "switchd-flows 1\n-1 0 0 0 0 0 priority=1 actions=drop\n",
          "line 2: bad ages or counters" },
        { "switchd-flows 1\n0 0 0 0 18446744073709551616 0 priority=1 "
          "actions=drop\n",
          "line 2: bad ages or counters" },
        { "switchd-flows 1\n0 0 9223372036854775808 0 0 0 priority=1 "
          "actions=drop\n",
          "line 2: bad ages or counters" },
        { "switchd-flows 1\n0 0 0 0 0 0 priority=1 actions=drop\n"
          "0 0 0 0 0 0 priority=1 actions=frobnicate\n",
          "line 3: " },
        { "switchd-flows 1\n0 0 0 0 0 0 priority=1 actions=drop",
          "line 2: cut short (no newline)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ofproto *p = ofproto_create("br0");
        add(p, "priority=0 actions=NORMAL");
        size_t n = 99;
        char *err = ofproto_restore_flows(p, cases[i].text, &n);
        ck_assert_msg(err && strstr(err, cases[i].error),
                      "case %zu: got \"%s\"", i, err ? err : "(none)");
        ck_assert_uint_eq(n, 0);
        ck_assert_uint_eq(ofproto_n_flows(p), 1);
        free(err);
        ofproto_destroy(p);
    }
}
END_TEST

START_TEST(test_change_seq)
{
    clock_fake_set(0);
    struct ofproto *p = ofproto_create("br0");
    uint64_t seq = ofproto_change_seq(p);
    add(p, flows[0]);
    add(p, flows[1]);
    ck_assert_uint_ne(ofproto_change_seq(p), seq);
    seq = ofproto_change_seq(p);
    hit(p);
    char *d = dump(p);
    free(d);
    ofproto_run(p);
    ck_assert_uint_eq(ofproto_change_seq(p), seq);
    clock_fake_advance(61000);
    ofproto_run(p);
    ck_assert_uint_eq(ofproto_n_flows(p), 1);
    ck_assert_uint_ne(ofproto_change_seq(p), seq);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ofproto-save");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_round_trip_and_timeouts);
    tcase_add_test(tc, test_bad_files_change_nothing);
    tcase_add_test(tc, test_change_seq);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
