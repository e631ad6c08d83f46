/* swbench classifier: lookup rate in a table of N exact-MAC rules plus a
 * catch-all, the shape of the article's table 20 after learning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "classifier.h"
#include "util.h"

#define BENCH_MAX_BATCH 256

struct bench_rule {
    struct cls_rule cr;
    uint32_t id;
};

/* MAC number 'i' as a locally administered unicast address. */
static void mac_of(uint32_t i, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = (uint8_t)(i >> 24);
    mac[3] = (uint8_t)(i >> 16);
    mac[4] = (uint8_t)(i >> 8);
    mac[5] = (uint8_t)i;
}

int bench_classifier(int argc, char *argv[])
{
    uint64_t n_rules = 100000, n_lookups = 10000000, batch = 1;
    struct bench_opt opts[] = {
        { "rules", &n_rules, 100000000 },
        { "lookups", &n_lookups, UINT64_MAX },
        { "batch", &batch, BENCH_MAX_BATCH },
    };
    if (bench_parse_opts(argc, argv, opts, ARRAY_SIZE(opts))) {
        return -1;
    }

    struct classifier cls;
    classifier_init(&cls);
    struct match m;
    memset(&m, 0, sizeof m);
    struct bench_rule *catchall = xzalloc(sizeof *catchall);
    cls_rule_init(&catchall->cr, &m, 0);
    classifier_replace(&cls, &catchall->cr);

    size_t heap0 = bench_heap_bytes();
    uint64_t t0 = bench_now_ns();
    struct bench_rule **rules = xcalloc(n_rules ? n_rules : 1, sizeof *rules);
    memset(m.wc.dl_dst, 0xff, 6);
    for (uint32_t i = 0; i < n_rules; i++) {
        mac_of(i, m.flow.dl_dst);
        rules[i] = xzalloc(sizeof *rules[i]);
        rules[i]->id = i;
        cls_rule_init(&rules[i]->cr, &m, 1);
        classifier_replace(&cls, &rules[i]->cr);
    }
    uint64_t t1 = bench_now_ns();
    /* Measured, not computed: rule structs, values, hash buckets and the
     * allocator's own overhead, minus the pointer array kept for
     * teardown. */
    size_t heap1 = bench_heap_bytes();
    double grown =
        (double)heap1 - (double)heap0 - (double)(n_rules * sizeof *rules);
    /* 0 when the allocator does not report (ASan builds). */
    double bytes_per_rule = n_rules && grown > 0 ? grown / (double)n_rules : 0;

    /* Lookups: 7 in 8 hit a random learned MAC, the rest miss to the
     * catch-all, addresses spread over the whole table (cache misses
     * included, as with real traffic). */
    /* With --batch B > 1 the lookups go in groups of B with the two
     * prefetch passes first, as a batching datapath would do them. */
    static struct flow flows[BENCH_MAX_BATCH];
    static struct cls_prefetch pf[BENCH_MAX_BATCH * CLS_PREFETCH_SUBTABLES];
    if (batch == 0) {
        batch = 1;
    }
    for (size_t b = 0; b < batch; b++) {
        memset(&flows[b], 0, sizeof flows[b]);
        flows[b].in_port = 1;
        flows[b].dl_type = ETH_TYPE_IP;
    }
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    uint64_t hits = 0;
    uint64_t t2 = bench_now_ns();
    for (uint64_t k = 0; k < n_lookups; k += batch) {
        for (size_t b = 0; b < batch; b++) {
            uint64_t r = bench_random(&rng);
            uint32_t i = n_rules ? (uint32_t)((r >> 8) % n_rules) : 0;
            if ((r & 7) == 0) {
                i = (uint32_t)n_rules + (uint32_t)(r >> 40);
            }
            mac_of(i, flows[b].dl_dst);
        }
        if (batch > 1) {
            size_t n_pf = classifier_prefetch_slots(&cls, flows, batch, 0, pf,
                                                    ARRAY_SIZE(pf));
            classifier_prefetch_rules(pf, n_pf, (ptrdiff_t)CLS_RULE_HOT,
                                      sizeof(struct cls_rule) - CLS_RULE_HOT);
        }
        for (size_t b = 0; b < batch; b++) {
            hits += classifier_lookup(&cls, &flows[b])->priority;
        }
    }
    n_lookups = (n_lookups + batch - 1) / batch * batch;
    uint64_t t3 = bench_now_ns();

    double secs = (double)(t3 - t2) / 1e9;
    printf("bench=classifier rules=%llu batch=%llu subtables=%zu "
           "lookups=%llu "
           "hits=%llu lookups_per_s=%.0f ns_per_lookup=%.1f "
           "inserts_per_s=%.0f bytes_per_rule=%.1f sizeof_cls_rule=%zu\n",
           (unsigned long long)n_rules, (unsigned long long)batch,
           classifier_n_subtables(&cls), (unsigned long long)n_lookups,
           (unsigned long long)hits, (double)n_lookups / secs,
           (double)(t3 - t2) / (double)n_lookups,
           n_rules ? (double)n_rules / ((double)(t1 - t0) / 1e9) : 0,
           bytes_per_rule, sizeof(struct cls_rule));

    for (uint32_t i = 0; i < n_rules; i++) {
        classifier_remove(&cls, &rules[i]->cr);
        cls_rule_destroy(&rules[i]->cr);
        free(rules[i]);
    }
    classifier_remove(&cls, &catchall->cr);
    cls_rule_destroy(&catchall->cr);
    free(catchall);
    free(rules);
    classifier_destroy(&cls);
    return 0;
}
