/* Unit tests for resumable dumps (ofproto-dump.c): a step at a time
 * while the table changes, tables gathered in slices, sorted in runs
 * merged as reported, and sorted by keys as dump-flows --sort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "fields.h"
#include "ofproto-test.h"
#include "util.h"

static void count_cb(const struct flow_print *fp, void *n_)
{
    size_t *n = n_;
    (*n)++;
    ck_assert_int_ge(fp->priority, 0);
}

START_TEST(test_dump_steps)
{
    struct ofproto *p = bridge();
    for (int i = 0; i < 300; i++) {
        char text[96];
        snprintf(text, sizeof text,
                 "table=%d,priority=%d,in_port=1 "
                 "actions=output:2",
                 i % 3, i);
        add(p, text);
    }
    struct ofproto_dump *d = ofproto_dump_start(p, NULL, false);
    size_t n = 0, steps = 0;
    bool gone;
    /* The first steps may only collect and sort: no flow yet. */
    while (!n && steps++ < 10) {
        ck_assert(!ofproto_dump_step(d, 50, count_cb, &n, &gone));
    }
    ck_assert_uint_eq(n, 50);
    steps = 0;
    /* Table 0 is being dumped: remove every flow of it and replace those
     * of table 1; the dump goes on over what is left. */
    ck_assert_int_eq(mod(p, FM_DELETE, "table=0"), 0);
    for (int i = 1; i < 300; i += 3) {
        char text[96];
        snprintf(text, sizeof text,
                 "table=1,priority=%d,in_port=1 "
                 "actions=output:3",
                 i);
        add(p, text);
    }
    while (!ofproto_dump_step(d, 50, count_cb, &n, &gone) && steps < 100) {
        steps++;
    }
    ck_assert(!gone);
    ck_assert_uint_eq(n, 50 + 200);
    ofproto_dump_destroy(d);

    /* The bridge goes away in the middle of a dump. */
    d = ofproto_dump_start(p, NULL, false);
    n = 0;
    while (!n) {
        ck_assert(!ofproto_dump_step(d, 10, count_cb, &n, &gone));
    }
    ofproto_destroy(p);
    ck_assert(ofproto_dump_step(d, 10, count_cb, &n, &gone));
    ck_assert(gone);
    ck_assert_uint_eq(n, 10);
    ofproto_dump_destroy(d);
}
END_TEST

/* A table larger than one sort run (1,024 flows) is sorted a run per
 * step and merged: the steps report what the one-piece dump reports, in
 * its order, and no step reports and sorts at once. */
struct dump_line_aux {
    struct ds ds;
    size_t n;
};

/* A table gathered over several steps (more rules than one slice) while
 * rules go, the next one to gather among them, and others come: every
 * rule present throughout is reported once, none removed is. */
START_TEST(test_dump_gather_while_changing)
{
    struct ofproto *p = bridge();
    add_dsts(p, 3, 1, 10000);
    struct ofproto_dump *d = ofproto_dump_start(p, NULL, false);
    size_t n = 0;
    bool gone;
    ck_assert(!ofproto_dump_step(d, 100, count_cb, &n, &gone));
    ck_assert_uint_eq(n, 0); /* One slice gathered, no more. */
    /* The slice ended at rule 4,096: remove 4,000 to 5,999 (the next to
     * gather among them) and add 100. */
    for (int i = 4000; i < 6000; i++) {
        char text[96];
        snprintf(text, sizeof text, "table=3,priority=5,ip,nw_dst=10.1.%d.%d",
                 i >> 8, i & 255);
        ck_assert_int_eq(mod(p, FM_DELETE_STRICT, text), 0);
    }
    for (int i = 0; i < 100; i++) {
        char text[96];
        snprintf(text, sizeof text,
                 "table=3,priority=6,ip,nw_dst=10.2.0.%d "
                 "actions=drop",
                 i);
        add(p, text);
    }
    size_t steps = 0;
    while (!ofproto_dump_step(d, 100, count_cb, &n, &gone)) {
        ck_assert_uint_lt(++steps, 10000);
    }
    ck_assert(!gone);
    ck_assert_uint_eq(n, 10000 - 2000 + 100);
    ofproto_dump_destroy(d);
    ofproto_destroy(p);
}
END_TEST

struct sorted_seen {
    size_t n, without; /* Flows seen; of them, without nw_src. */
    uint32_t last_src; /* nw_src of the last flow with one. */
    int last_table, last_priority;
};

static void sorted_cb(const struct flow_print *fp, void *aux)
{
    struct sorted_seen *s = aux;
    const struct match *m = fp->match;
    if (m->wc.nw_src) {
        /* --rsort=nw_src: never an address above the last one, and
         * never one after a flow without. */
        ck_assert_uint_eq(s->without, 0);
        ck_assert(s->n == 0 || m->flow.nw_src <= s->last_src);
        if (s->n && m->flow.nw_src == s->last_src) {
            /* Ties in the unsorted order: table, then priority down. */
            ck_assert(fp->table_id > s->last_table
                      || (fp->table_id == s->last_table
                          && fp->priority <= s->last_priority));
        }
        s->last_src = m->flow.nw_src;
    } else {
        s->without++;
    }
    s->last_table = fp->table_id;
    s->last_priority = fp->priority;
    s->n++;
}

/* dump-flows --rsort=nw_src, streamed: every table collected, then
 * sorted a run per step and merged; ties and flows without the field in
 * ovs-ofctl's order; no step reports a flow before all are sorted. */
START_TEST(test_dump_steps_sorted_by_key)
{
    struct ofproto *p = bridge();
    for (int i = 0; i < 3000; i++) {
        char text[128];
        snprintf(text, sizeof text,
                 "table=%d,priority=%d,ip,nw_src=10.0.%d.%d actions=drop",
                 i % 5, i % 11, (i * 7 % 2000) >> 8, (i * 7 % 2000) & 255);
        add(p, text);
    }
    add(p, "table=0,priority=3,in_port=1 actions=drop"); /* No nw_src. */
    add(p, "table=4,priority=9,ip actions=drop");        /* Nor this. */
    const struct mf_field *f = mf_from_name("nw_src", strlen("nw_src"));
    ck_assert_ptr_nonnull(f);
    struct ofproto_sort_key key = { f, true };
    struct ofproto_dump *d = ofproto_dump_start(p, NULL, false);
    ofproto_dump_sort(d, &key, 1);
    struct sorted_seen seen = { 0, 0, 0, -1, 0 };
    bool gone;
    size_t quiet = 0, steps = 0;
    while (!ofproto_dump_step(d, 100, sorted_cb, &seen, &gone)) {
        quiet += seen.n == 0;
        ck_assert_uint_lt(++steps, 1000);
    }
    ck_assert(!gone);
    ck_assert_uint_eq(seen.n, 3002);
    ck_assert_uint_eq(seen.without, 2);
    /* The five tables gathered (3,002 rules: one slice) and three runs
     * of 1,024 sorted, a step each, before the first flow. */
    ck_assert_uint_ge(quiet, 1 + 3);
    ofproto_dump_destroy(d);
    ofproto_destroy(p);
}
END_TEST

static void line_cb(const struct flow_print *fp, void *aux_)
{
    struct dump_line_aux *aux = aux_;
    struct flow_print f = *fp;
    f.show_stats = false;
    flow_print_format(&f, NULL, &aux->ds);
    ds_put_char(&aux->ds, '\n');
    aux->n++;
}

START_TEST(test_dump_steps_sorted_runs)
{
    struct ofproto *p = bridge();
    size_t n = 10000;
    struct flow_mod *fms = xcalloc(n, sizeof *fms);
    for (size_t i = 0; i < n; i++) {
        char text[128];
        /* Few priorities, many flows of each, one mask: the runs' merge
         * decides most of the order by match. */
        snprintf(text, sizeof text,
                 "table=4,priority=%zu,ip,nw_dst=10.%zu.%zu.%zu "
                 "actions=drop",
                 (i * 7919) % 5, (i * 7919) % 251, i >> 8, i & 255);
        flow_mod_init(&fms[i], FM_ADD);
        char *err = flow_mod_parse(&fms[i], text, FM_PARSE_ADD, NULL);
        ck_assert_msg(!err, "%s", err);
    }
    char *err;
    ck_assert_int_eq(ofproto_flow_mods(p, fms, n, &err), 0);
    flow_mods_free(fms, n);

    struct dump_line_aux whole = { DS_EMPTY_INITIALIZER, 0 };
    ofproto_dump_flows(p, NULL, false, line_cb, &whole);
    struct dump_line_aux steps = { DS_EMPTY_INITIALIZER, 0 };
    struct ofproto_dump *d = ofproto_dump_start(p, NULL, false);
    bool gone, done = false;
    size_t empty_steps = 0;
    while (!done) {
        size_t before = steps.n;
        done = ofproto_dump_step(d, 64, line_cb, &steps, &gone);
        empty_steps += steps.n == before && !done;
    }
    ofproto_dump_destroy(d);
    ck_assert_uint_eq(whole.n, n);
    ck_assert_uint_eq(steps.n, n);
    ck_assert_str_eq(ds_cstr(&steps.ds), ds_cstr(&whole.ds));
    /* Collecting the table, then one step per run of 1,024 sorted. */
    ck_assert_uint_ge(empty_steps, 3);
    ds_destroy(&whole.ds);
    ds_destroy(&steps.ds);
    ofproto_destroy(p);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ofproto-dump");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_dump_steps);
    tcase_add_test(tc, test_dump_steps_sorted_runs);
    tcase_add_test(tc, test_dump_steps_sorted_by_key);
    tcase_add_test(tc, test_dump_gather_while_changing);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
