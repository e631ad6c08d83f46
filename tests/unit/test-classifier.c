/* Unit tests for the classifier: priorities, masks, replace, remove,
 * subtable bookkeeping, and a randomized comparison with a linear scan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "classifier.h"
#include "flow.h"
#include "match.h"
#include "util.h"

/* A caller's rule, as ofproto embeds one. */
struct trule {
    struct cls_rule cr;
    int id;
};

static struct trule *trule_of(const struct cls_rule *cr)
{
    return cr ? CONTAINER_OF(cr, struct trule, cr) : NULL;
}

/* Matches are mostly built byte by byte, which exercises masks no
 * parser would produce; test_parsed_matches goes through match text. */
static void m_clear(struct match *m)
{
    match_init_catchall(m);
}

static void m_set(struct match *m, size_t off, const void *value,
                  const void *mask, size_t len)
{
    uint8_t *f = (uint8_t *)&m->flow + off;
    uint8_t *w = (uint8_t *)&m->wc + off;
    const uint8_t *v = value, *k = mask;
    for (size_t i = 0; i < len; i++) {
        uint8_t mk = k ? k[i] : 0xff;
        w[i] = mk;
        f[i] = v[i] & mk;
    }
}

#define M_EXACT(M, FIELD, VAL)                                          \
    do {                                                                \
        __typeof__((M)->flow.FIELD) v__ = (VAL);                        \
        m_set(M, offsetof(struct flow, FIELD), &v__, NULL, sizeof v__); \
    } while (0)

static void m_dl_dst(struct match *m, const uint8_t mac[6],
                     const uint8_t *mask)
{
    m_set(m, offsetof(struct flow, dl_dst), mac, mask, 6);
}

static const uint8_t MAC_A[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t MAC_B[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x02 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST_BIT[6] = { 0x01, 0, 0, 0, 0, 0 };

static struct trule *new_rule(const struct match *m, int prio, int id)
{
    struct trule *r = xzalloc(sizeof *r);
    cls_rule_init(&r->cr, m, prio);
    r->id = id;
    return r;
}

static void free_rule(struct trule *r)
{
    if (r) {
        cls_rule_destroy(&r->cr);
        free(r);
    }
}

static int lookup_id(const struct classifier *cls, const struct flow *flow)
{
    const struct trule *r = trule_of(classifier_lookup(cls, flow));
    return r ? r->id : -1;
}

static struct flow flow_with(uint16_t in_port, const uint8_t dl_dst[6])
{
    struct flow f;
    memset(&f, 0, sizeof f);
    f.in_port = in_port;
    memcpy(f.dl_dst, dl_dst, 6);
    return f;
}

START_TEST(test_empty)
{
    struct classifier cls;
    classifier_init(&cls);
    struct flow f = flow_with(1, MAC_A);
    struct cls_prefetch pf[CLS_PREFETCH_SUBTABLES];
    ck_assert_uint_eq(
        classifier_prefetch_slots(&cls, &f, 1, 0, pf, ARRAY_SIZE(pf)), 0);
    ck_assert_ptr_null(classifier_lookup(&cls, &f));
    ck_assert(classifier_is_empty(&cls));
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    classifier_destroy(&cls);
    classifier_destroy(NULL);
}
END_TEST

START_TEST(test_priorities)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;

    m_clear(&m);
    struct trule *any = new_rule(&m, 0, 1);
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    struct trule *mac = new_rule(&m, 1, 2);
    m_clear(&m);
    M_EXACT(&m, in_port, 5);
    struct trule *port = new_rule(&m, 10, 3);

    ck_assert_ptr_null(classifier_replace(&cls, &mac->cr));
    ck_assert_ptr_null(classifier_replace(&cls, &any->cr));
    ck_assert_ptr_null(classifier_replace(&cls, &port->cr));
    ck_assert_uint_eq(classifier_count(&cls), 3);
    ck_assert_uint_eq(classifier_n_subtables(&cls), 3);

    struct flow f = flow_with(5, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 3);
    f = flow_with(1, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 2);
    f = flow_with(1, MAC_B);
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    f = flow_with(5, MAC_B);
    ck_assert_int_eq(lookup_id(&cls, &f), 3);

    ck_assert(cls_rule_is_catchall(&any->cr));
    ck_assert(!cls_rule_is_catchall(&mac->cr));
    ck_assert(cls_rule_matches_flow(&mac->cr, &f) == false);
    ck_assert(cls_rule_matches_flow(&port->cr, &f));

    classifier_remove(&cls, &port->cr);
    ck_assert(!cls_rule_is_inserted(&port->cr));
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    classifier_remove(&cls, &mac->cr);
    classifier_remove(&cls, &any->cr);
    ck_assert(classifier_is_empty(&cls));
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    ck_assert_ptr_null(classifier_lookup(&cls, &f));
    free_rule(any);
    free_rule(mac);
    free_rule(port);
    classifier_destroy(&cls);
}
END_TEST

/* Prefetch records cover only subtables of at least 'min_rules' rules,
 * at most CLS_PREFETCH_SUBTABLES of them, and never more than 'room'. */
START_TEST(test_prefetch_slots)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    struct trule *r[8];
    size_t n_r = 0;
    m_clear(&m);
    r[n_r++] = new_rule(&m, 0, 1); /* Catch-all: 1 rule. */
    for (int i = 0; i < 3; i++) {  /* dl_dst: 3 rules. */
        uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)i };
        m_clear(&m);
        m_dl_dst(&m, mac, NULL);
        r[n_r++] = new_rule(&m, 1, 10 + i);
    }
    for (int i = 0; i < 2; i++) { /* in_port: 2 rules. */
        m_clear(&m);
        M_EXACT(&m, in_port, (uint16_t)(i + 1));
        r[n_r++] = new_rule(&m, 5, 20 + i);
    }
    for (size_t i = 0; i < n_r; i++) {
        ck_assert_ptr_null(classifier_replace(&cls, &r[i]->cr));
    }
    struct flow f = flow_with(1, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 });
    struct cls_prefetch pf[CLS_PREFETCH_SUBTABLES];
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 0, pf, 4), 3);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 2, pf, 4), 2);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 3, pf, 4), 1);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 4, pf, 4), 0);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 0, pf, 2), 2);
    size_t n_pf = classifier_prefetch_slots(&cls, &f, 1, 0, pf, 4);
    classifier_prefetch_rules(pf, n_pf, 0, 0);
    /* A span may start before the cls_rule (struct rule asks for that);
     * a prefetch never faults. */
    classifier_prefetch_rules(pf, n_pf, -64, 300);
    ck_assert_int_eq(lookup_id(&cls, &f), 20);
    /* Two flows: records go subtable by subtable, flow by flow, and the
     * same flow hashes alike alone or in a batch. */
    struct flow two[2] = { f, flow_with(2, MAC_A) };
    struct cls_prefetch pf6[6];
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, &f, 1, 2, pf, 4), 2);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, two, 2, 2, pf6, 6), 4);
    ck_assert_uint_eq(pf6[0].hash, pf[0].hash);
    ck_assert_uint_eq(pf6[2].hash, pf[1].hash);
    ck_assert_ptr_eq(pf6[1].slots, pf[0].slots);
    ck_assert_uint_eq(classifier_prefetch_slots(&cls, two, 2, 0, pf6, 6), 6);
    classifier_prefetch_rules(pf6, 6, (ptrdiff_t)CLS_RULE_HOT, 64);
    for (size_t i = 0; i < n_r; i++) {
        classifier_remove(&cls, &r[i]->cr);
        free_rule(r[i]);
    }
    classifier_destroy(&cls);
}
END_TEST

/* The article's table 1: the multicast bit decides, whatever the rest. */
START_TEST(test_overlapping_masks)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    uint8_t zero[6] = { 0 };

    m_clear(&m);
    m_dl_dst(&m, zero, MCAST_BIT);
    struct trule *ucast = new_rule(&m, 1, 20);
    m_clear(&m);
    m_dl_dst(&m, MCAST_BIT, MCAST_BIT);
    struct trule *mcast = new_rule(&m, 1, 21);
    /* A more specific rule at a higher priority overrides for one MAC. */
    m_clear(&m);
    m_dl_dst(&m, MAC_BCAST, NULL);
    M_EXACT(&m, in_port, 1);
    struct trule *bcast1 = new_rule(&m, 2, 99);

    classifier_replace(&cls, &ucast->cr);
    classifier_replace(&cls, &mcast->cr);
    classifier_replace(&cls, &bcast1->cr);
    /* ucast and mcast share one mask: two subtables in all. */
    ck_assert_uint_eq(classifier_n_subtables(&cls), 2);
    ck_assert_ptr_eq(ucast->cr.mask, mcast->cr.mask);

    struct flow f = flow_with(1, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 20);
    f = flow_with(1, MAC_BCAST);
    ck_assert_int_eq(lookup_id(&cls, &f), 99);
    f = flow_with(2, MAC_BCAST);
    ck_assert_int_eq(lookup_id(&cls, &f), 21);
    uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    f = flow_with(1, mc);
    ck_assert_int_eq(lookup_id(&cls, &f), 21);

    classifier_remove(&cls, &ucast->cr);
    classifier_remove(&cls, &mcast->cr);
    classifier_remove(&cls, &bcast1->cr);
    free_rule(ucast);
    free_rule(mcast);
    free_rule(bcast1);
    classifier_destroy(&cls);
}
END_TEST

START_TEST(test_same_match_priorities)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    struct trule *r1 = new_rule(&m, 1, 1);
    struct trule *r5 = new_rule(&m, 5, 5);
    struct trule *r3 = new_rule(&m, 3, 3);
    ck_assert_ptr_null(classifier_replace(&cls, &r1->cr));
    ck_assert_ptr_null(classifier_replace(&cls, &r5->cr));
    ck_assert_ptr_null(classifier_replace(&cls, &r3->cr));
    ck_assert_uint_eq(classifier_count(&cls), 3);
    ck_assert_uint_eq(classifier_n_subtables(&cls), 1);

    ck_assert_ptr_eq(classifier_find_exactly(&cls, &m, 1), &r1->cr);
    ck_assert_ptr_eq(classifier_find_exactly(&cls, &m, 3), &r3->cr);
    ck_assert_ptr_eq(classifier_find_exactly(&cls, &m, 5), &r5->cr);
    ck_assert_ptr_null(classifier_find_exactly(&cls, &m, 4));

    struct flow f = flow_with(1, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 5);
    /* Remove from the middle of the chain, then the head. */
    classifier_remove(&cls, &r3->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 5);
    classifier_remove(&cls, &r5->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    ck_assert_uint_eq(classifier_count(&cls), 1);
    /* Re-insert above and below. */
    classifier_replace(&cls, &r3->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 3);
    classifier_remove(&cls, &r1->cr);
    classifier_replace(&cls, &r1->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 3);
    classifier_remove(&cls, &r3->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    classifier_remove(&cls, &r1->cr);
    ck_assert(classifier_is_empty(&cls));
    free_rule(r1);
    free_rule(r3);
    free_rule(r5);
    classifier_destroy(&cls);
}
END_TEST

START_TEST(test_replace)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    M_EXACT(&m, tun_id, 0x64);
    M_EXACT(&m, nw_dst, 0x0a010102);
    struct trule *old = new_rule(&m, 7, 1);
    struct trule *lower = new_rule(&m, 6, 2);
    struct trule *neu = new_rule(&m, 7, 3);
    classifier_replace(&cls, &lower->cr);
    ck_assert_ptr_null(classifier_replace(&cls, &old->cr));
    ck_assert_ptr_eq(classifier_replace(&cls, &neu->cr), &old->cr);
    ck_assert(!cls_rule_is_inserted(&old->cr));
    ck_assert_uint_eq(classifier_count(&cls), 2);

    struct flow f = flow_with(1, MAC_A);
    f.tun_id = 0x64;
    f.nw_dst = 0x0a010102;
    ck_assert_int_eq(lookup_id(&cls, &f), 3);
    f.nw_dst++;
    ck_assert_int_eq(lookup_id(&cls, &f), -1);

    /* Replacing a rule that is behind the head of its chain. */
    struct trule *lower2 = new_rule(&m, 6, 4);
    ck_assert_ptr_eq(classifier_replace(&cls, &lower2->cr), &lower->cr);
    classifier_remove(&cls, &neu->cr);
    f.nw_dst--;
    ck_assert_int_eq(lookup_id(&cls, &f), 4);

    /* A removed rule still knows its match after its subtable is gone. */
    classifier_remove(&cls, &lower2->cr);
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    struct match back;
    cls_rule_get_match(&old->cr, &back);
    ck_assert_mem_eq(&back, &m, sizeof m);
    cls_rule_get_match(&lower2->cr, &back);
    ck_assert_mem_eq(&back, &m, sizeof m);
    ck_assert(cls_rule_equal(&old->cr, &neu->cr));
    ck_assert(!cls_rule_equal(&old->cr, &lower->cr));

    free_rule(old);
    free_rule(lower);
    free_rule(lower2);
    free_rule(neu);
    classifier_destroy(&cls);
}
END_TEST

/* Max priority must follow removals, or early termination goes wrong. */
START_TEST(test_max_priority_on_remove)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    struct trule *a10 = new_rule(&m, 10, 10);
    m_clear(&m);
    m_dl_dst(&m, MAC_B, NULL);
    struct trule *b2 = new_rule(&m, 2, 2);
    m_clear(&m);
    M_EXACT(&m, in_port, 1);
    struct trule *p5 = new_rule(&m, 5, 5);
    classifier_replace(&cls, &a10->cr);
    classifier_replace(&cls, &b2->cr);
    classifier_replace(&cls, &p5->cr);

    struct flow f = flow_with(1, MAC_B);
    ck_assert_int_eq(lookup_id(&cls, &f), 5);
    classifier_remove(&cls, &a10->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 5);
    f = flow_with(2, MAC_B);
    ck_assert_int_eq(lookup_id(&cls, &f), 2);
    /* Raise the dl_dst subtable above in_port's again. */
    m_clear(&m);
    m_dl_dst(&m, MAC_B, NULL);
    struct trule *b9 = new_rule(&m, 9, 9);
    classifier_replace(&cls, &b9->cr);
    f = flow_with(1, MAC_B);
    ck_assert_int_eq(lookup_id(&cls, &f), 9);
    classifier_remove(&cls, &b9->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 5);
    classifier_remove(&cls, &p5->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 2);
    ck_assert_uint_eq(classifier_n_subtables(&cls), 1);
    classifier_remove(&cls, &b2->cr);
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    free_rule(a10);
    free_rule(b2);
    free_rule(p5);
    free_rule(b9);
    classifier_destroy(&cls);
}
END_TEST

static void count_cb(const struct cls_rule *cr, void *aux)
{
    int *sum = aux;
    sum[0]++;
    sum[1] += trule_of(cr)->id;
}

/* Three subtables whose order must follow an insertion that raises the
 * last one's maximum: a stale order would stop the lookup too early. */
START_TEST(test_order_follows_insert)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    m_clear(&m);
    M_EXACT(&m, in_port, 1);
    struct trule *a = new_rule(&m, 3, 1);
    m_clear(&m);
    M_EXACT(&m, tun_id, 7);
    struct trule *b = new_rule(&m, 2, 2);
    m_clear(&m);
    m_dl_dst(&m, MAC_B, NULL);
    struct trule *c1 = new_rule(&m, 1, 3);
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    struct trule *c9 = new_rule(&m, 9, 4);
    classifier_replace(&cls, &a->cr);
    classifier_replace(&cls, &b->cr);
    classifier_replace(&cls, &c1->cr);
    classifier_replace(&cls, &c9->cr);
    struct flow f = flow_with(1, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 4);
    f.tun_id = 7;
    ck_assert_int_eq(lookup_id(&cls, &f), 4);
    classifier_remove(&cls, &c9->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    classifier_remove(&cls, &a->cr);
    ck_assert_int_eq(lookup_id(&cls, &f), 2);
    classifier_remove(&cls, &b->cr);
    classifier_remove(&cls, &c1->cr);
    free_rule(a);
    free_rule(b);
    free_rule(c1);
    free_rule(c9);
    classifier_destroy(&cls);
}
END_TEST

START_TEST(test_for_each_and_cleanup)
{
    struct classifier cls;
    classifier_init(&cls);
    struct trule *rules[30];
    struct match m;
    int expect = 0;
    for (int i = 0; i < 30; i++) {
        m_clear(&m);
        switch (i % 3) {
        case 0:
            M_EXACT(&m, in_port, (uint16_t)(i / 3));
            break;
        case 1:
            M_EXACT(&m, tun_id, (uint64_t)(i / 3));
            break;
        default:
            /* Same match, priorities differ: all chained. */
            M_EXACT(&m, nw_proto, 6);
            break;
        }
        rules[i] = new_rule(&m, i, i);
        classifier_replace(&cls, &rules[i]->cr);
        expect += i;
    }
    ck_assert_uint_eq(classifier_n_subtables(&cls), 3);
    int sum[2] = { 0, 0 };
    classifier_for_each(&cls, count_cb, sum);
    ck_assert_int_eq(sum[0], 30);
    ck_assert_int_eq(sum[1], expect);

    /* Emptying one mask frees its subtable; the others stay. */
    for (int i = 1; i < 30; i += 3) {
        classifier_remove(&cls, &rules[i]->cr);
    }
    ck_assert_uint_eq(classifier_n_subtables(&cls), 2);
    ck_assert_uint_eq(classifier_count(&cls), 20);
    for (int i = 0; i < 30; i++) {
        classifier_remove(&cls, &rules[i]->cr); /* No-op if not in. */
    }
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    ck_assert(classifier_is_empty(&cls));
    for (int i = 0; i < 30; i++) {
        free_rule(rules[i]);
    }
    classifier_destroy(&cls);
}
END_TEST

/* Destroying a classifier that still holds rules leaves them usable. */
START_TEST(test_destroy_nonempty)
{
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    m_clear(&m);
    m_dl_dst(&m, MAC_A, NULL);
    struct trule *a = new_rule(&m, 1, 1);
    struct trule *b = new_rule(&m, 2, 2);
    classifier_replace(&cls, &a->cr);
    classifier_replace(&cls, &b->cr);
    classifier_destroy(&cls);
    ck_assert(!cls_rule_is_inserted(&a->cr));
    ck_assert(!cls_rule_is_inserted(&b->cr));
    ck_assert(classifier_is_empty(&cls));
    classifier_remove(&cls, &a->cr); /* No-op. */
    struct match back;
    cls_rule_get_match(&a->cr, &back);
    ck_assert_mem_eq(&back, &m, sizeof m);
    free_rule(a);
    free_rule(b);
}
END_TEST

/* A learned flow must stay small: see docs/performance.md. */
START_TEST(test_rule_is_compact)
{
    ck_assert_uint_le(sizeof(struct cls_rule), 48);
    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    struct trule *r[3];
    for (int i = 0; i < 3; i++) {
        uint8_t mac[6] = { 0, 0, 0, 0, 0, (uint8_t)i };
        m_clear(&m);
        m_dl_dst(&m, mac, NULL);
        r[i] = new_rule(&m, 1, i);
        /* dl_dst lives in one flow word: stored inline. */
        ck_assert_uint_eq(r[i]->cr.n_words, 1);
        classifier_replace(&cls, &r[i]->cr);
    }
    ck_assert_ptr_eq(r[0]->cr.mask, r[2]->cr.mask);
    for (int i = 0; i < 3; i++) {
        classifier_remove(&cls, &r[i]->cr);
        free_rule(r[i]);
    }
    classifier_destroy(&cls);
}
END_TEST

/* The article's table 1 and table 20, from match text. */
START_TEST(test_parsed_matches)
{
    static const struct {
        const char *name, *value;
        int priority;
    } pieces[] = {
        { "dl_dst", "00:00:00:00:00:00/01:00:00:00:00:00", 1 },
        { "dl_dst", "01:00:00:00:00:00/01:00:00:00:00:00", 1 },
        { "dl_dst", "ee:2c:09:42:0e:46", 2 },
        { "in_port", "5", 3 },
    };
    struct classifier cls;
    classifier_init(&cls);
    struct trule *r[ARRAY_SIZE(pieces)];
    for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
        struct match m;
        match_init_catchall(&m);
        char *err =
            match_parse_piece(&m, pieces[i].name, pieces[i].value, NULL);
        ck_assert_msg(err == NULL, "%s", err);
        r[i] = new_rule(&m, pieces[i].priority, (int)i);
        classifier_replace(&cls, &r[i]->cr);
        struct match back;
        cls_rule_get_match(&r[i]->cr, &back);
        ck_assert(match_equal(&back, &m));
        ck_assert_ptr_eq(classifier_find_exactly(&cls, &m, pieces[i].priority),
                         &r[i]->cr);
    }
    ck_assert_uint_eq(classifier_n_subtables(&cls), 3);
    const uint8_t learned[6] = { 0xee, 0x2c, 0x09, 0x42, 0x0e, 0x46 };
    struct flow f = flow_with(1, learned);
    ck_assert_int_eq(lookup_id(&cls, &f), 2);
    f = flow_with(1, MAC_A);
    ck_assert_int_eq(lookup_id(&cls, &f), 0);
    f = flow_with(1, MAC_BCAST);
    ck_assert_int_eq(lookup_id(&cls, &f), 1);
    f = flow_with(5, MAC_BCAST);
    ck_assert_int_eq(lookup_id(&cls, &f), 3);
    for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
        classifier_remove(&cls, &r[i]->cr);
        free_rule(r[i]);
    }
    classifier_destroy(&cls);
}
END_TEST

/* ---- randomized comparison with a linear scan ------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Field values come from small domains so that rules and packets meet. */
static void random_flow(struct flow *f)
{
    memset(f, 0, sizeof *f);
    f->in_port = (uint16_t)(1 + rnd(4));
    f->tun_id = rnd(4);
    f->regs[0] = rnd(4);
    f->dl_type = rnd(2) ? ETH_TYPE_IP : ETH_TYPE_ARP;
    uint8_t dst[6] = { (uint8_t)(rnd(4) == 0), 0, 0, 0, 0, (uint8_t)rnd(16) };
    uint8_t src[6] = { 0, 0, 0, 0, 1, (uint8_t)rnd(16) };
    memcpy(f->dl_dst, dst, 6);
    memcpy(f->dl_src, src, 6);
    f->nw_dst = 0x0a000000u | (rnd(4) << 8) | rnd(8);
    f->nw_proto = rnd(2) ? 6 : 17;
    f->tp_dst = (uint16_t[]){ 22, 80, 443 }[rnd(3)];
    f->ipv6_src[15] = (uint8_t)rnd(3);
}

/* A random match: a random field set (some wider than two words) with
 * values taken from a random flow, some fields under partial masks. */
static int random_match(struct match *m)
{
    struct flow f;
    random_flow(&f);
    m_clear(m);
    uint32_t pick = rnd(12);
    /* Priority ranges overlap but differ per mask, so that subtables'
     * maximum priorities differ and their order matters. */
    int priority = (int)(pick * 3 + rnd(8));
    if (pick == 0) {
        return priority; /* Catch-all. */
    }
    uint32_t bits =
        (uint32_t[]){ 0x001, 0x002, 0x004, 0x003, 0x018, 0x020,
                      0x041, 0x080, 0x0c1, 0x1ff, 0x100, 0x206 }[pick - 1];
    if (bits & 0x001) {
        M_EXACT(m, in_port, f.in_port);
    }
    if (bits & 0x002) {
        m_dl_dst(m, f.dl_dst, NULL);
    }
    if (bits & 0x004) {
        m_dl_dst(m, f.dl_dst, MCAST_BIT);
    }
    if (bits & 0x008) {
        M_EXACT(m, dl_type, f.dl_type);
    }
    if (bits & 0x010) {
        uint32_t mask = rnd(2) ? 0xffffff00u : 0xffffffffu;
        m_set(m, offsetof(struct flow, nw_dst), &f.nw_dst, &mask, 4);
    }
    if (bits & 0x020) {
        M_EXACT(m, tun_id, f.tun_id);
    }
    if (bits & 0x040) {
        M_EXACT(m, regs[0], f.regs[0]);
    }
    if (bits & 0x080) {
        M_EXACT(m, nw_proto, f.nw_proto);
        M_EXACT(m, tp_dst, f.tp_dst);
    }
    if (bits & 0x100) {
        m_set(m, offsetof(struct flow, ipv6_src), f.ipv6_src, NULL, 16);
        m_set(m, offsetof(struct flow, dl_src), f.dl_src, NULL, 6);
    }
    if (bits & 0x200) {
        M_EXACT(m, tun_id, f.tun_id);
        M_EXACT(m, tp_dst, f.tp_dst);
    }
    return priority;
}

static int ref_disagreements;

/* The definition of a match, byte by byte, cross-checked with the
 * match module's own (slow) test. */
static bool ref_matches(const struct match *m, const struct flow *f)
{
    const uint8_t *fv = (const uint8_t *)f;
    const uint8_t *mv = (const uint8_t *)&m->flow;
    const uint8_t *wv = (const uint8_t *)&m->wc;
    bool ok = true;
    for (size_t i = 0; i < sizeof *f && ok; i++) {
        ok = (fv[i] & wv[i]) == mv[i];
    }
    /* Not ck_assert: it costs a system call per use in a hot loop. */
    if (ok != match_matches_flow(m, f)) {
        ref_disagreements++;
    }
    return ok;
}

struct ref_rule {
    struct trule *r;
    struct match m;
    bool in;
};

static void check_lookups(const struct classifier *cls,
                          const struct ref_rule *ref, size_t n, int n_flows)
{
    ref_disagreements = 0;
    for (int k = 0; k < n_flows; k++) {
        struct flow f;
        random_flow(&f);
        int best = -1;
        for (size_t i = 0; i < n; i++) {
            if (ref[i].in && ref[i].r->cr.priority > best
                && ref_matches(&ref[i].m, &f)) {
                best = ref[i].r->cr.priority;
            }
        }
        /* Prefetching is a hint: every other lookup goes through it, and
         * the results must not differ. */
        if (k & 1) {
            struct cls_prefetch pf[CLS_PREFETCH_SUBTABLES];
            size_t n_pf =
                classifier_prefetch_slots(cls, &f, 1, 0, pf, ARRAY_SIZE(pf));
            ck_assert_uint_eq(n_pf, SW_MIN(classifier_n_subtables(cls),
                                           (size_t)CLS_PREFETCH_SUBTABLES));
            classifier_prefetch_rules(pf, n_pf, (ptrdiff_t)CLS_RULE_HOT, 200);
        }
        const struct cls_rule *got = classifier_lookup(cls, &f);
        bool genuine = !got
                       || (ref[trule_of(got)->id].in
                           && ref_matches(&ref[trule_of(got)->id].m, &f));
        if ((best < 0) == (got == NULL) && genuine
            && (!got || got->priority == best)) {
            continue; /* The common case, checked without ck_assert. */
        }
        if (best < 0) {
            ck_assert_ptr_null(got);
        } else {
            /* Ties are unspecified: compare priorities, and check that
             * what came back really matches. */
            ck_assert_ptr_nonnull(got);
            ck_assert_int_eq(got->priority, best);
            ck_assert(ref[trule_of(got)->id].in);
            ck_assert(ref_matches(&ref[trule_of(got)->id].m, &f));
        }
    }
    ck_assert_int_eq(ref_disagreements, 0);
}

START_TEST(test_random_vs_linear)
{
    /* Big runs for volume, small ones where each subtable holds few
     * rules so that maxima and subtable order keep changing. */
    const int N = _i < 3 ? 10000 : 40;
    const int n_flows = _i < 3 ? 300 : 200;
    rng_state = 0x2545f4914f6cdd1dULL + (uint64_t)_i;
    struct ref_rule *ref = xcalloc(N, sizeof *ref);
    struct classifier cls;
    classifier_init(&cls);
    size_t live = 0;

    for (int i = 0; i < N; i++) {
        int priority = random_match(&ref[i].m);
        ref[i].r = new_rule(&ref[i].m, priority, i);
        struct cls_rule *old = classifier_replace(&cls, &ref[i].r->cr);
        ref[i].in = true;
        live++;
        if (old) {
            ref[trule_of(old)->id].in = false;
            live--;
        }
    }
    ck_assert_uint_eq(classifier_count(&cls), live);
    check_lookups(&cls, ref, N, n_flows);

    /* Remove most rules at the top of each priority range, so that
     * subtable maxima drop and the subtable order changes. */
    for (int i = 0; i < N; i++) {
        if (ref[i].in && ref[i].r->cr.priority % 3 != 0 && rnd(8)) {
            classifier_remove(&cls, &ref[i].r->cr);
            ref[i].in = false;
            live--;
        }
    }
    ck_assert_uint_eq(classifier_count(&cls), live);
    check_lookups(&cls, ref, N, n_flows);

    /* Remove about half, check, then put most back (each re-insertion
     * may replace a duplicate inserted meanwhile). */
    for (int i = 0; i < N; i++) {
        if (ref[i].in && rnd(2)) {
            classifier_remove(&cls, &ref[i].r->cr);
            ref[i].in = false;
            live--;
        }
    }
    ck_assert_uint_eq(classifier_count(&cls), live);
    check_lookups(&cls, ref, N, n_flows);
    for (int i = 0; i < N; i++) {
        if (!ref[i].in && rnd(4)) {
            struct cls_rule *old = classifier_replace(&cls, &ref[i].r->cr);
            ref[i].in = true;
            live++;
            if (old) {
                ref[trule_of(old)->id].in = false;
                live--;
            }
        }
    }
    ck_assert_uint_eq(classifier_count(&cls), live);
    check_lookups(&cls, ref, N, n_flows);

    /* find_exactly agrees with the reference for every rule in. */
    for (int i = 0; i < N; i += 7) {
        struct cls_rule *cr =
            classifier_find_exactly(&cls, &ref[i].m, ref[i].r->cr.priority);
        if (ref[i].in) {
            ck_assert_ptr_eq(cr, &ref[i].r->cr);
        } else {
            ck_assert(cr == NULL || cr != &ref[i].r->cr);
        }
    }

    int sum[2] = { 0, 0 };
    classifier_for_each(&cls, count_cb, sum);
    ck_assert_uint_eq((size_t)sum[0], live);

    for (int i = 0; i < N; i++) {
        if (ref[i].in) {
            classifier_remove(&cls, &ref[i].r->cr);
        }
        free_rule(ref[i].r);
    }
    ck_assert(classifier_is_empty(&cls));
    ck_assert_uint_eq(classifier_n_subtables(&cls), 0);
    classifier_destroy(&cls);
    free(ref);
}
END_TEST

/* ---- huge-page memory (lib/util.c) under a big index ---- */

START_TEST(test_huge_zalloc)
{
    size_t before = sw_huge_bytes();
    /* Small requests come from calloc and are not counted. */
    uint8_t *small = xhuge_zalloc(4096);
    ck_assert_uint_eq(sw_huge_bytes(), before);
    ck_assert_uint_eq(small[4095], 0);
    xhuge_free(small, 4096);

    size_t size = SW_HUGE_PAGE + 100; /* Rounded up to two huge pages. */
    uint8_t *p = xhuge_zalloc(size);
    ck_assert_uint_eq((uintptr_t)p % SW_HUGE_PAGE, 0);
    ck_assert_uint_eq(sw_huge_bytes(), before + 2 * SW_HUGE_PAGE);
    for (size_t i = 0; i < size; i += 4093) {
        ck_assert_uint_eq(p[i], 0);
    }
    memset(p, 0xa5, size);
    xhuge_free(p, size);
    ck_assert_uint_eq(sw_huge_bytes(), before);
}
END_TEST

START_TEST(test_slab)
{
    enum { N = 20000 }; /* 232-byte objects: more than one chunk. */
    uint8_t **objs = xcalloc(N, sizeof *objs);
    size_t before = sw_huge_bytes();
    for (size_t i = 0; i < N; i++) {
        objs[i] = sw_slab_zalloc(232);
        ck_assert_uint_eq((uintptr_t)objs[i] % 16, 0);
        ck_assert_uint_eq(objs[i][0] | objs[i][231], 0);
        memset(objs[i], (int)(i & 0xff) | 1, 232);
    }
    /* Dense: 240 bytes apiece (232 rounded to 16), whole chunks mapped. */
    size_t mapped = sw_huge_bytes() - before;
    ck_assert_uint_ge(mapped, (size_t)N * 240);
    ck_assert_uint_le(mapped, (size_t)N * 240 + 2 * SW_HUGE_PAGE);
    ck_assert_uint_eq(mapped % SW_HUGE_PAGE, 0);
    for (size_t i = 0; i < N; i++) { /* Nothing overlapped. */
        ck_assert_uint_eq(objs[i][0], (i & 0xff) | 1);
        ck_assert_uint_eq(objs[i][231], (i & 0xff) | 1);
    }
    /* Freed objects are reused, zeroed, before new memory is cut. */
    sw_slab_free(objs[7], 232);
    sw_slab_free(objs[9], 232);
    uint8_t *a = sw_slab_zalloc(225); /* Same class: 240. */
    uint8_t *b = sw_slab_zalloc(240);
    ck_assert_ptr_eq(a, objs[9]);
    ck_assert_ptr_eq(b, objs[7]);
    ck_assert_uint_eq(a[0] | a[224] | b[0] | b[239], 0);
    ck_assert_uint_eq(sw_huge_bytes() - before, mapped);
    objs[9] = a;
    objs[7] = b;
    /* Another class does not take them. */
    sw_slab_free(objs[3], 232);
    uint8_t *c = sw_slab_zalloc(64);
    ck_assert_ptr_ne(c, objs[3]);
    sw_slab_free(c, 64);
    objs[3] = sw_slab_zalloc(232);
    /* Above SW_SLAB_MAX: plain heap. */
    uint8_t *big = sw_slab_zalloc(SW_SLAB_MAX + 1);
    ck_assert_uint_eq(big[SW_SLAB_MAX], 0);
    sw_slab_free(big, SW_SLAB_MAX + 1);
    for (size_t i = 0; i < N; i++) {
        sw_slab_free(objs[i], 232);
    }
    free(objs);
}
END_TEST

/* 200,000 exact rules: the index grows past SW_HUGE_MIN onto huge pages
 * (and is moved between huge mappings as it doubles); every rule must
 * still be found, and removal must leave the classifier empty. */
START_TEST(test_big_exact_table)
{
    enum { N = 200000 };
    struct classifier cls;
    classifier_init(&cls);
    struct trule **rules = xcalloc(N, sizeof *rules);
    size_t before = sw_huge_bytes();
    struct match m;
    for (int i = 0; i < N; i++) {
        uint8_t mac[6] = { 0x02,
                           0,
                           (uint8_t)(i >> 24),
                           (uint8_t)(i >> 16),
                           (uint8_t)(i >> 8),
                           (uint8_t)i };
        m_clear(&m);
        m_dl_dst(&m, mac, NULL);
        rules[i] = new_rule(&m, 1, i);
        ck_assert_ptr_null(classifier_replace(&cls, &rules[i]->cr));
    }
    ck_assert_uint_eq(classifier_count(&cls), N);
    /* 200,000 rules at load <= 3/4 need 2^18 16-byte slots: 4 MiB. */
    ck_assert_uint_ge(sw_huge_bytes() - before, 2 * SW_HUGE_PAGE);
    struct flow f;
    memset(&f, 0, sizeof f);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        uint8_t mac[6] = { 0x02,
                           0,
                           (uint8_t)(i >> 24),
                           (uint8_t)(i >> 16),
                           (uint8_t)(i >> 8),
                           (uint8_t)i };
        memcpy(f.dl_dst, mac, 6);
        wrong += lookup_id(&cls, &f) != i;
    }
    ck_assert_int_eq(wrong, 0);
    f.dl_dst[1] = 1; /* Not learned. */
    ck_assert_int_eq(lookup_id(&cls, &f), -1);
    for (int i = 0; i < N; i++) {
        classifier_remove(&cls, &rules[i]->cr);
        free_rule(rules[i]);
    }
    ck_assert_uint_eq(classifier_count(&cls), 0);
    classifier_destroy(&cls);
    ck_assert_uint_eq(sw_huge_bytes(), before);
    free(rules);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("classifier");
    TCase *tc = tcase_create("classifier");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_priorities);
    tcase_add_test(tc, test_prefetch_slots);
    tcase_add_test(tc, test_overlapping_masks);
    tcase_add_test(tc, test_same_match_priorities);
    tcase_add_test(tc, test_replace);
    tcase_add_test(tc, test_max_priority_on_remove);
    tcase_add_test(tc, test_order_follows_insert);
    tcase_add_test(tc, test_for_each_and_cleanup);
    tcase_add_test(tc, test_destroy_nonempty);
    tcase_add_test(tc, test_rule_is_compact);
    tcase_add_test(tc, test_parsed_matches);
    tcase_add_test(tc, test_huge_zalloc);
    tcase_add_test(tc, test_slab);
    tcase_add_test(tc, test_big_exact_table);
    tcase_add_loop_test(tc, test_random_vs_linear, 0, 40);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
