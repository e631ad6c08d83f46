/* Unit tests for flow_mod batches applied in slices (ofproto-flowmod.c,
 * a large add-flows, del-flows or mod-flows) and replace-flows in slices
 * (ofproto-replace.c): checked whole first, the flow limit held, every
 * phase ending cleanly when the bridge goes away. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "ofproto-test.h"
#include "util.h"

/* 'n' flow_mods of 'cmd' parsed from "FMT" with %zu the index. */
static struct flow_mod *parse_n(struct ofproto *p, enum fm_command cmd,
                                const char *fmt, size_t n)
{
    struct flow_mod *fms = xcalloc(n, sizeof *fms);
    for (size_t i = 0; i < n; i++) {
        char text[256];
        snprintf(text, sizeof text, fmt, i & 0xff, i >> 8);
        flow_mod_init(&fms[i], cmd);
        char *err = flow_mod_parse(&fms[i], text, flow_mod_parse_mode(cmd),
                                   ofproto_portmap(p));
        ck_assert_msg(!err, "parse '%s': %s", text, err ? err : "");
        fms[i].command = cmd;
    }
    return fms;
}

static void free_n(struct flow_mod *fms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
}

#define MAC_FMT "dl_dst=02:00:00:00:%02zx:%02zx"

/* A batch in slices (a large add-flows): checked whole before anything
 * applies, so a bad last flow_mod installs nothing; applied a slice at a
 * time; holding the room its adds need, so that learning between slices
 * cannot take it; failing cleanly when the bridge goes away half way. */
START_TEST(test_batch_slices)
{
    clock_fake_set(1000); /* Steps of max_msec 0 stop every 64 mods. */
    struct ofproto *p = bridge();
    char *err;
    int errnum;

    /* 300 adds: some steps check, then some apply; nothing is visible
     * until the check is over. */
    size_t n = 300;
    struct flow_mod *fms = parse_n(
        p, FM_ADD, "table=2,priority=1," MAC_FMT " actions=output:2", n);
    struct ofproto_batch *b = ofproto_batch_start(p, fms, n);
    int steps = 0, checking = 0;
    while (!ofproto_batch_step(b, 0, &errnum, &err)) {
        steps++;
        checking += ofproto_n_flows(p) == 0;
        ck_assert_uint_le(ofproto_n_flows(p), n);
    }
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_int_ge(checking, 300 / 64);
    ck_assert_int_ge(steps, 2 * (300 / 64));
    ck_assert_uint_eq(ofproto_n_flows(p), n);
    ofproto_batch_destroy(b);
    free_n(fms, n);

    /* 200 adds and an overlapping check_overlap last: refused after
     * every slice of the check, with nothing applied. */
    n = 201;
    fms = parse_n(p, FM_ADD, "table=3,priority=1," MAC_FMT " actions=drop", n);
    flow_mod_uninit(&fms[200]);
    flow_mod_init(&fms[200], FM_ADD);
    ck_assert_ptr_null(flow_mod_parse(&fms[200],
                                      "table=2,priority=1,check_overlap "
                                      "actions=drop",
                                      FM_PARSE_ADD, ofproto_portmap(p)));
    b = ofproto_batch_start(p, fms, n);
    while (!ofproto_batch_step(b, 0, &errnum, &err)) {
        ck_assert_uint_eq(ofproto_n_flows(p), 300);
    }
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(errnum, EEXIST);
    ck_assert_msg(strstr(err, "flow_mod 200: check_overlap") != NULL, "%s",
                  err);
    free(err);
    ck_assert_uint_eq(ofproto_n_flows(p), 300);
    ofproto_batch_destroy(b);
    free_n(fms, n);

    /* The room: a learner, and a limit that fits exactly the batch's 100
     * adds.  Checked, the batch holds that room: a learn between its
     * slices fails instead of taking it, and every add lands. */
    struct xlate_result res;
    xlate_result_init(&res);
    add(p, "priority=1,ip actions=learn(table=1,dl_type=0x800,"
           "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],output:NXM_OF_IN_PORT[]),"
           "output:2");
    ofproto_set_flow_limit(p, 301 + 100);
    n = 100;
    fms = parse_n(p, FM_ADD, "table=4,priority=1," MAC_FMT " actions=drop", n);
    b = ofproto_batch_start(p, fms, n);
    ck_assert(!ofproto_batch_step(b, 1000, &errnum, &err)); /* Checked. */
    ck_assert_uint_eq(ofproto_n_flows(p), 301);
    run_ip(p, 3, IP(1, 1, 1, 1), 2, &res);
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_failed, 1);
    while (!ofproto_batch_step(b, 0, &errnum, &err)) {
        run_ip(p, 3, IP(1, 1, 1, 2), 2, &res); /* Still no room. */
    }
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_uint_eq(ofproto_n_flows(p), 401);
    ofproto_batch_destroy(b);
    free_n(fms, n);
    /* The room is given back with the last slice: a delete frees one,
     * and learning takes it. */
    ck_assert_int_eq(mod(p, FM_DELETE_STRICT,
                         "table=4,priority=1,dl_dst=02:00:00:00:00:00"),
                     0);
    run_ip(p, 3, IP(1, 1, 1, 3), 2, &res);
    ck_assert_uint_eq(ofproto_n_flows(p), 401);
    ofproto_get_stats(p, &st);
    ck_assert_uint_eq(st.n_learn_failed, 2); /* After the check, and between
                                              * the two slices of 64 and 36. */
    xlate_result_uninit(&res);

    /* The bridge goes away between two slices: the next one says so. */
    ofproto_set_flow_limit(p, 1000);
    n = 200;
    fms = parse_n(p, FM_ADD, "table=6,priority=1," MAC_FMT " actions=drop", n);
    b = ofproto_batch_start(p, fms, n);
    ck_assert(!ofproto_batch_step(b, 1000, &errnum, &err));
    ofproto_destroy(p);
    ck_assert(ofproto_batch_step(b, 0, &errnum, &err));
    ck_assert_int_eq(errnum, ENODEV);
    ck_assert_msg(strstr(err, "bridge was deleted") != NULL, "%s", err);
    free(err);
    ofproto_batch_destroy(b);
    free_n(fms, n);
    clock_fake_off();
}
END_TEST

/* A loose delete or modify of many flows, applied a slice at a time:
 * flows removed by something else between slices are skipped (no
 * use-after-free under ASan), flows added after the selection stay, a
 * modify of nothing still adds. */
START_TEST(test_batch_slices_loose)
{
    clock_fake_set(1000); /* max_msec 0: a slice of 256 selected flows. */
    struct ofproto *p = bridge();
    add_dsts(p, 7, 1, 2000);
    /* del-flows table=7, applied in slices. */
    struct flow_mod *fm = parse_n(p, FM_DELETE, "table=7", 1);
    struct ofproto_batch *b = ofproto_batch_start(p, fm, 1);
    char *err;
    int errnum;
    ck_assert(!ofproto_batch_step(b, 0, &errnum, &err)); /* Checked. */
    ck_assert(!ofproto_batch_step(b, 0, &errnum, &err)); /* One slice. */
    ck_assert_uint_eq(ofproto_n_flows(p), 2000 - 256);
    /* Meanwhile: the last flow goes by another delete (selected, not yet
     * reached), and a new one comes. */
    ck_assert_int_eq(
        mod(p, FM_DELETE_STRICT, "table=7,priority=5,ip,nw_dst=10.1.7.207"),
        0);
    add(p, "table=7,priority=9,ip,nw_dst=10.9.9.9 actions=drop");
    int steps = 0;
    while (!ofproto_batch_step(b, 0, &errnum, &err)) {
        ck_assert_int_lt(++steps, 100);
    }
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_int_ge(steps, 5);
    ck_assert_uint_eq(ofproto_n_flows(p), 1); /* The newcomer. */
    ofproto_batch_destroy(b);
    free_n(fm, 1);

    /* mod-flows of everything in table 8 (nothing there): adds. */
    fm = parse_n(p, FM_MODIFY, "table=8,ip actions=output:3", 1);
    b = ofproto_batch_start(p, fm, 1);
    while (!ofproto_batch_step(b, 0, &errnum, &err)) {
        continue;
    }
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ofproto_n_flows(p), 2);
    ofproto_batch_destroy(b);
    free_n(fm, 1);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

struct count_ctx {
    const char *what;
    size_t n;
};

static void count_what_cb(const struct flow_print *fp, void *ctx_)
{
    struct count_ctx *ctx = ctx_;
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_print_format(fp, NULL, &ds);
    ds_put_char(&ds, ' ');
    ctx->n += strstr(ds_cstr(&ds), ctx->what) != NULL;
    ds_destroy(&ds);
}

/* How many of the bridge's flows print with 'what' in them. */
static size_t count_table(struct ofproto *p, const char *what)
{
    struct count_ctx ctx = { what, 0 };
    ofproto_dump_flows(p, NULL, false, count_what_cb, &ctx);
    return ctx.n;
}

/* replace-flows in slices: the same table as in one go, a slice at a
 * time (no flow of the new list before the table was compared), and a
 * swap of a table for as many other flows fits the limit it fits in
 * (the strict deletes are counted against the adds). */
START_TEST(test_replace_slices)
{
    clock_fake_set(1000);
    struct ofproto *p = bridge();
    /* 3,000 flows: 1,000 stay as they are, 1,000 change actions, 1,000
     * go; the list brings 1,000 new ones. */
    add_dsts(p, 2, 1, 3000);
    ofproto_set_flow_limit(p, 3000);
    size_t n = 3000;
    struct flow_mod *adds = xcalloc(n, sizeof *adds);
    for (size_t i = 0; i < n; i++) {
        size_t k = i < 2000 ? i : i + 1000; /* 3,000..3,999: new. */
        char text[96];
        snprintf(text, sizeof text,
                 "table=2,priority=5,ip,nw_dst=10.1.%zu.%zu actions=%s",
                 k >> 8, k & 255, i < 1000 ? "drop" : "output:2");
        flow_mod_init(&adds[i], FM_ADD);
        ck_assert_ptr_null(
            flow_mod_parse(&adds[i], text, FM_PARSE_ADD, ofproto_portmap(p)));
    }
    struct ofproto_replace *r = ofproto_replace_start(p, adds, n, 0, 0);
    char *err;
    int errnum;
    int steps = 0, untouched = 0;
    while (!ofproto_replace_step(r, 0, &errnum, &err)) {
        ck_assert_int_lt(++steps, 10000);
        /* Copying and comparing leave the table alone; then the 1,000
         * deletes go first, so it never holds fewer than 2,000. */
        untouched +=
            ofproto_n_flows(p) == 3000 && count_table(p, "output:2") == 0;
        ck_assert_uint_ge(ofproto_n_flows(p), 2000);
    }
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_int_ge(untouched, 3);
    ck_assert_int_gt(steps, untouched);
    size_t added, deleted;
    ofproto_replace_counts(r, &added, &deleted);
    ck_assert_uint_eq(added, 2000);   /* 1,000 changed, 1,000 new. */
    ck_assert_uint_eq(deleted, 2000); /* 1,000 gone, 1,000 replaced. */
    ck_assert_uint_eq(ofproto_n_flows(p), 3000);
    ck_assert_uint_eq(count_table(p, "output:2"), 2000);
    ck_assert_uint_eq(count_table(p, "nw_dst=10.1.7.208 "), 0);  /* 2000 */
    ck_assert_uint_eq(count_table(p, "nw_dst=10.1.11.184 "), 1); /* 3000 */
    ck_assert_uint_eq(count_table(p, "nw_dst=10.1.15.159 "), 1); /* 3999 */
    ofproto_replace_destroy(r);

    /* The bridge goes away between two steps, in each phase: the next
     * step says so. */
    for (int after = 1; after <= 12; after++) {
        struct ofproto *p2 = bridge();
        add_dsts(p2, 2, 2, 300);
        r = ofproto_replace_start(p2, adds, 300, 0, 0);
        bool done = false;
        for (int k = 0; k < after && !done; k++) {
            done = ofproto_replace_step(r, 0, &errnum, &err);
            free(err);
        }
        ofproto_destroy(p2);
        if (!done) {
            ck_assert(ofproto_replace_step(r, 0, &errnum, &err));
            ck_assert_int_eq(errnum, ENODEV);
            free(err);
        }
        ofproto_replace_destroy(r);
    }
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&adds[i]);
    }
    free(adds);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ofproto-batch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_batch_slices);
    tcase_add_test(tc, test_batch_slices_loose);
    tcase_add_test(tc, test_replace_slices);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
