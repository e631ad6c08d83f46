/* xlate-batch: executing a group of packets that arrived together
 * (ofproto_execute_batch).  Each packet runs through xlate.c's walk as
 * it would alone; what a batch adds is done before the walks: the keys
 * are extracted together, what the walks will read from large tables is
 * prefetched, and one clock reading serves them all.  It is apart from
 * xlate.c because none of it is part of a walk: it only prepares the
 * caches for the walks and calls them. */
#include "ofproto.h"

#include <stddef.h>

#include "clock.h"
#include "ofproto-private.h"
#include "util.h"
#include "xlate-private.h"

/* What a batch prefetches of a rule found in a big table, as (offset
 * from its cls_rule, bytes): for a lookup, the hot part and the inline
 * actions a learned flow usually has (64 bytes); for a learn refresh, the
 * warm part before them too (see struct rule). */
#define HIT_OFFSET ((ptrdiff_t)CLS_RULE_HOT)
#define HIT_BYTES (sizeof(struct rule) - RULE_HOT_OFFSET + 64)
#define REFRESH_OFFSET                          \
    ((ptrdiff_t)offsetof(struct rule, modified) \
     - (ptrdiff_t)offsetof(struct rule, cr))
#define REFRESH_BYTES \
    (sizeof(struct rule) - offsetof(struct rule, modified) + 64)

/* Subtables this large miss the caches; smaller ones are left alone. */
#define BIG_SUBTABLE (OFPROTO_BIG_TABLE / 2)

/* The learn a packet arriving on 'in_port' is likely to run, or NULL. */
static const struct ofpact_learn *learn_hint(const struct ofproto *p,
                                             uint16_t in_port)
{
    size_t h = in_port % OFPROTO_LEARN_HINTS;
    if (p->learn_hints[h].learn && p->learn_hints[h].gen == p->gen
        && p->learn_hints[h].in_port == in_port) {
        return p->learn_hints[h].learn;
    }
    return NULL;
}

/* Lists the large tables (where lookups miss the caches) in 'big'. */
static size_t big_tables(struct ofproto *p, uint8_t big[OFPROTO_N_TABLES])
{
    size_t n = 0;
    for (size_t w = 0; w < ARRAY_SIZE(p->big_tables); w++) {
        uint64_t bits = p->big_tables[w];
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            size_t t = w * 64 + b;
            if (classifier_count(&p->tables[t]) >= OFPROTO_BIG_TABLE / 2) {
                big[n++] = (uint8_t)t;
            } else {
                p->big_tables[w] &= ~(UINT64_C(1) << b);
            }
        }
    }
    return n;
}

/* Prefetches, for the 'n' keys in 'flows', what their walks will read
 * from large tables: the extracted key's own lookups and, where a learn
 * hint says the packet will learn into a large table, the flow that
 * learn refreshes.  Two passes, index slots then rules, so that every
 * load of a pass is in flight at once; each flow is hashed once, in the
 * first. */
static void prefetch_batch(struct ofproto *p, const struct flow *flows,
                           size_t n)
{
    uint8_t big[OFPROTO_N_TABLES];
    size_t n_big = big_tables(p, big);
    if (!n_big) {
        return;
    }
    /* Room for four records a packet (a learned flow and a big subtable
     * or two is the usual case); past that, the rest go without. */
    struct cls_prefetch pf[OFPROTO_BATCH_MAX * 4];
    size_t n_pf = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ofpact_learn *l = learn_hint(p, flows[i].in_port);
        const struct classifier *cls = l ? &p->tables[l->table_id] : NULL;
        if (cls && classifier_count(cls) >= BIG_SUBTABLE) {
            struct flow key;
            learn_key(l, &flows[i], &key);
            n_pf += classifier_prefetch_slots(
                cls, &key, 1, BIG_SUBTABLE, &pf[n_pf], ARRAY_SIZE(pf) - n_pf);
        }
    }
    size_t n_refresh = n_pf;
    for (size_t t = 0; t < n_big; t++) {
        n_pf += classifier_prefetch_slots(&p->tables[big[t]], flows, n,
                                          BIG_SUBTABLE, &pf[n_pf],
                                          ARRAY_SIZE(pf) - n_pf);
    }
    classifier_prefetch_rules(pf, n_refresh, REFRESH_OFFSET, REFRESH_BYTES);
    classifier_prefetch_rules(pf + n_refresh, n_pf - n_refresh, HIT_OFFSET,
                              HIT_BYTES);
}

void ofproto_execute_batch(struct ofproto *p,
                           const struct packet *const *packets,
                           const struct flow *md, size_t n,
                           struct xlate_result *results)
{
    struct flow flows[OFPROTO_BATCH_MAX];
    while (n) {
        size_t k = SW_MIN(n, (size_t)OFPROTO_BATCH_MAX);
        for (size_t i = 0; i < k; i++) {
            extract_key(packets[i], &md[i], &flows[i]);
        }
        prefetch_batch(p, flows, k);
        /* The packets of a group arrived together: one clock reading
         * serves them all. */
        int64_t now = clock_msec();
        for (size_t i = 0; i < k; i++) {
            struct xlate_ctx ctx;
            ctx_init(&ctx, p, packets[i], &flows[i], true, now, &results[i],
                     NULL, NULL);
            ctx_run(&ctx);
        }
        packets += k;
        md += k;
        results += k;
        n -= k;
    }
}
