/* ofproto-dump: dump-flows, in one piece (ofproto_dump_flows) or
 * resumable (ofproto_dump_start/step), optionally sorted by keys in runs
 * that are merged as they are reported.  Apart from ofproto.c because a
 * dump only reads the tables: what ties it to the bridge is the list of
 * dumps in progress, for which ofproto.c keeps removed rules in the
 * graveyard (rule_release) and which ofproto_destroy() ends. */
#include "ofproto.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "match.h"
#include "ofproto-private.h"
#include "util.h"

/* A flow being dumped: its rule and, for a dump sorted by keys, where
 * its key values are (in the dump's 'vals') and which of them it has. */
struct dump_item {
    struct rule *rule;
    uint32_t vals; /* Index of its first value in 'vals'. */
    uint32_t has;  /* Bit k: it matches on key k's field. */
};

/* A streamed dump sorts a table a run of this many flows per step and
 * merges the runs as it reports them, so that a table of a million flows
 * never holds the caller for the whole sort. */
#define DUMP_RUN 1024

static int rule_cmp_priority(const void *a_, const void *b_)
{
    const struct rule *a = *(const struct rule *const *)a_;
    const struct rule *b = *(const struct rule *const *)b_;
    if (a->cr.priority != b->cr.priority) {
        return a->cr.priority > b->cr.priority ? -1 : 1;
    }
    /* Stable output for equal priorities: oldest first, then (added in
     * the same millisecond) by match, never by the classifier's hash
     * order, which moves whenever struct flow's layout does. */
    if (a->created != b->created) {
        return a->created < b->created ? -1 : 1;
    }
    int c;
    if (cls_rule_cmp_same_mask(&a->cr, &b->cr, &c)) {
        return c; /* Without building both matches: the common case. */
    }
    struct match ma, mb;
    struct flow_print fp;
    ofproto_rule_to_print(a, &ma, &fp);
    ofproto_rule_to_print(b, &mb, &fp);
    return memcmp(&ma, &mb, sizeof ma);
}

/* The rules of table 't' that 'filter' selects, in dump order if
 * 'sort'. */
static void dump_collect(const struct ofproto *p,
                         const struct flow_mod *filter, bool strict, size_t t,
                         bool sort, struct rule_vec *v)
{
    if (classifier_is_empty(&p->tables[t])
        || (filter && filter->table_id != FM_TABLE_ALL
            && filter->table_id != t)) {
        return;
    }
    if (filter) {
        struct flow_mod f = *filter;
        f.table_id = (uint8_t)t;
        rules_select(p, &f, strict, v);
    } else {
        classifier_for_each(&p->tables[t], collect_all, v);
    }
    if (sort && v->n > 1) {
        qsort(v->rules, v->n, sizeof *v->rules, rule_cmp_priority);
    }
}

static void dump_rule(const struct rule *r, int64_t now,
                      void (*cb)(const struct flow_print *, void *aux),
                      void *aux)
{
    struct match m;
    struct flow_print fp;
    ofproto_rule_to_print(r, &m, &fp);
    rule_stats_to_print(r, now, &fp);
    cb(&fp, aux);
}

void ofproto_dump_flows(const struct ofproto *p, const struct flow_mod *filter,
                        bool strict,
                        void (*cb)(const struct flow_print *, void *aux),
                        void *aux)
{
    int64_t now = clock_msec();
    for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
        struct rule_vec v = { NULL, 0, 0 };
        dump_collect(p, filter, strict, t, true, &v);
        for (size_t i = 0; i < v.n; i++) {
            dump_rule(v.rules[i], now, cb, aux);
        }
        free(v.rules);
    }
}

struct ofproto_dump *ofproto_dump_start(struct ofproto *p,
                                        const struct flow_mod *filter,
                                        bool strict)
{
    struct ofproto_dump *d = xzalloc(sizeof *d);
    d->p = p;
    if (filter) {
        d->filter = *filter;
        memset(&d->filter.ofpacts, 0, sizeof d->filter.ofpacts);
        d->have_filter = true;
    }
    d->strict = strict;
    d->next = p->dumps;
    p->dumps = d;
    return d;
}

void ofproto_dump_sort(struct ofproto_dump *d,
                       const struct ofproto_sort_key *keys, size_t n)
{
    if (n > OFPROTO_SORT_KEYS_MAX) {
        abort(); /* The caller checks (one bit per key in 'has'). */
    }
    free(d->keys);
    d->keys = n ? xmemdup(keys, n * sizeof *keys) : NULL;
    d->n_keys = n;
}

/* The order of a dump sorted by keys: by each key (flows without the
 * key's field after those with it, whichever the direction, as
 * ovs-ofctl sorts), then as an unsorted dump reports them. */
static int item_cmp(const struct ofproto_dump *d, const struct dump_item *a,
                    const struct dump_item *b)
{
    for (size_t k = 0; k < d->n_keys; k++) {
        uint32_t bit = UINT32_C(1) << k;
        if ((a->has ^ b->has) & bit) {
            return a->has & bit ? -1 : 1;
        }
        if (!(a->has & bit)) {
            continue;
        }
        int c = memcmp(&d->vals[a->vals + k], &d->vals[b->vals + k],
                       sizeof *d->vals);
        if (c) {
            return d->keys[k].reverse ? -c : c;
        }
    }
    if (a->rule->table_id != b->rule->table_id) {
        return a->rule->table_id < b->rule->table_id ? -1 : 1;
    }
    return rule_cmp_priority(&a->rule, &b->rule);
}

/* qsort() has no context argument: the dump whose run is being sorted
 * (the loop is single-threaded and a sort does not nest). */
static const struct ofproto_dump *sorting;

static int item_qsort_cmp(const void *a, const void *b)
{
    return item_cmp(sorting, a, b);
}

/* Whether run 'a''s next item goes before run 'b''s. */
static bool run_less(const struct ofproto_dump *d, size_t a, size_t b)
{
    int c = item_cmp(d, &d->items[d->cur[a]], &d->items[d->cur[b]]);
    return c < 0 || (!c && a < b);
}

static void heap_sift_down(struct ofproto_dump *d, size_t i)
{
    for (;;) {
        size_t least = i, l = 2 * i + 1, r = l + 1;
        if (l < d->n_heap && run_less(d, d->heap[l], d->heap[least])) {
            least = l;
        }
        if (r < d->n_heap && run_less(d, d->heap[r], d->heap[least])) {
            least = r;
        }
        if (least == i) {
            return;
        }
        size_t t = d->heap[i];
        d->heap[i] = d->heap[least];
        d->heap[least] = t;
        i = least;
    }
}

static size_t run_end(const struct ofproto_dump *d, size_t run)
{
    size_t end = (run + 1) * DUMP_RUN;
    return end < d->n_items ? end : d->n_items;
}

/* Reads the sort keys of the items of one run, before it is sorted. */
static void run_read_keys(struct ofproto_dump *d, size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++) {
        struct dump_item *it = &d->items[i];
        struct match m;
        cls_rule_get_match(&it->rule->cr, &m);
        it->vals = (uint32_t)(i * d->n_keys);
        it->has = 0;
        for (size_t k = 0; k < d->n_keys; k++) {
            union mf_value *v = &d->vals[it->vals + k];
            memset(v, 0, sizeof *v);
            const struct mf_field *f = d->keys[k].field;
            if (!f) {
                /* Priority, big-endian so that memcmp() orders it. */
                uint16_t pri = (uint16_t)it->rule->cr.priority;
                v->b[0] = (uint8_t)(pri >> 8);
                v->b[1] = (uint8_t)pri;
                it->has |= UINT32_C(1) << k;
            } else if (match_has_field(&m, f)) {
                union mf_value mask;
                match_get_field(&m, f, v, &mask);
                it->has |= UINT32_C(1) << k;
            }
        }
    }
}

/* Rules a step gathers at most: the walk of a table's list is the one
 * thing a step does per rule, so a table of a million flows is gathered
 * in 250 steps instead of one that held an ASan build's loop for 0.75 s
 * on a loaded machine (20-35 ms in Release). */
#define DUMP_GATHER 4096

/* What a dump does next: gather rules (a table, or with sort keys every
 * table), sort them a run per step, report them merged. */
enum dump_phase { DUMP_GATHERING, DUMP_SORTING, DUMP_MERGING };

/* Whether the dump's filter selects 'r' (none: every rule). */
static bool dump_selects(const struct ofproto_dump *d, const struct rule *r)
{
    if (!d->have_filter) {
        return true;
    }
    struct match m;
    cls_rule_get_match(&r->cr, &m);
    struct flow_mod f = d->filter;
    f.table_id = r->table_id;
    return rule_selected(r, &m, &f, d->strict);
}

static void item_push(struct ofproto_dump *d, struct rule *r)
{
    if (d->n_items >= d->allocated) {
        d->items = x2nrealloc(d->items, &d->allocated, d->n_items + 1,
                              sizeof *d->items);
    }
    d->items[d->n_items++] = (struct dump_item){ r, 0, 0 };
}

/* Gathers up to DUMP_GATHER rules from the table being gathered, moving
 * on to the next table only if 'across' (a dump sorted by keys sees every
 * table before it sorts).  Returns true when gathering is over: the
 * table is complete (with 'across': every table). */
static bool gather_step(struct ofproto_dump *d, bool across)
{
    const struct ofproto *p = d->p;
    size_t n = 0;
    for (;;) {
        if (!d->in_table) {
            while (d->table < OFPROTO_N_TABLES
                   && (!p->thead[d->table]
                       || (d->have_filter && d->filter.table_id != FM_TABLE_ALL
                           && d->filter.table_id != d->table))) {
                d->table++;
            }
            if (d->table >= OFPROTO_N_TABLES) {
                return true;
            }
            if (d->have_filter && d->strict) {
                /* At most one rule: a lookup, not a walk. */
                struct rule_vec v = { NULL, 0, 0 };
                dump_collect(p, &d->filter, true, d->table++, false, &v);
                for (size_t i = 0; i < v.n; i++) {
                    item_push(d, v.rules[i]);
                }
                free(v.rules);
                if (!across) {
                    return true;
                }
                continue;
            }
            d->cursor = p->thead[d->table++];
            d->in_table = true;
        }
        while (d->cursor && n < DUMP_GATHER) {
            struct rule *r = d->cursor;
            d->cursor = r->tnext;
            if (dump_selects(d, r)) {
                item_push(d, r);
            }
            n++;
        }
        if (d->cursor) {
            return false;
        }
        d->in_table = false;
        if (!across) {
            return true;
        }
        if (n >= DUMP_GATHER) {
            return false;
        }
    }
}

/* One bounded piece of work on what is being dumped: gathers a slice of
 * rules, or sorts one run of them (and, after the last, builds the heap
 * that merges the runs), or moves past what was reported.  Returns false
 * once every table was gathered and reported. */
static bool dump_prepare(struct ofproto_dump *d)
{
    switch ((enum dump_phase)d->phase) {
    case DUMP_GATHERING:
        if (!gather_step(d, d->n_keys > 0)) {
            return true;
        }
        if (!d->n_items) {
            /* An empty table (or, sorted, nothing at all). */
            return !d->n_keys && (d->in_table || d->table < OFPROTO_N_TABLES);
        }
        if (d->n_keys) {
            d->vals = xmalloc(d->n_items * d->n_keys * sizeof *d->vals);
        }
        d->n_sorted = 0;
        d->phase = DUMP_SORTING;
        return true;
    case DUMP_SORTING: {
        size_t n = d->n_items - d->n_sorted;
        n = n < DUMP_RUN ? n : DUMP_RUN;
        if (d->n_keys) {
            run_read_keys(d, d->n_sorted, n);
        }
        sorting = d;
        qsort(d->items + d->n_sorted, n, sizeof *d->items, item_qsort_cmp);
        sorting = NULL;
        d->n_sorted += n;
        if (d->n_sorted == d->n_items) {
            d->n_runs = (d->n_items + DUMP_RUN - 1) / DUMP_RUN;
            d->cur = xrealloc(d->cur, d->n_runs * sizeof *d->cur);
            d->heap = xrealloc(d->heap, d->n_runs * sizeof *d->heap);
            for (size_t r = 0; r < d->n_runs; r++) {
                d->cur[r] = r * DUMP_RUN;
                d->heap[r] = r;
            }
            d->n_heap = d->n_runs;
            for (size_t i = d->n_heap / 2; i-- > 0;) {
                heap_sift_down(d, i);
            }
            d->phase = DUMP_MERGING;
        }
        return true;
    }
    case DUMP_MERGING:
    default:
        /* Everything gathered was reported: the next table, if any. */
        d->n_items = d->n_sorted = d->n_heap = 0;
        d->phase = DUMP_GATHERING;
        return !d->n_keys && (d->in_table || d->table < OFPROTO_N_TABLES);
    }
}

/* The next item of the merged runs, or NULL. */
static const struct rule *dump_pop(struct ofproto_dump *d)
{
    if (d->phase != DUMP_MERGING || !d->n_heap) {
        return NULL;
    }
    size_t run = d->heap[0];
    const struct rule *r = d->items[d->cur[run]++].rule;
    if (d->cur[run] >= run_end(d, run)) {
        d->heap[0] = d->heap[--d->n_heap];
    }
    heap_sift_down(d, 0);
    return r;
}

bool ofproto_dump_step(struct ofproto_dump *d, size_t max,
                       void (*cb)(const struct flow_print *, void *aux),
                       void *aux, bool *gone)
{
    *gone = !d->p;
    if (!d->p) {
        return true;
    }
    int64_t now = clock_msec();
    size_t n = 0;
    while (n < max) {
        const struct rule *r = dump_pop(d);
        if (!r) {
            /* One piece of preparation per step: collecting a table or
             * sorting a run may be all the work a step does. */
            return !dump_prepare(d);
        }
        if (!(r->flags & RULE_F_DOOMED)) {
            dump_rule(r, now, cb, aux);
            n++;
        }
    }
    return false;
}

void ofproto_dump_destroy(struct ofproto_dump *d)
{
    if (!d) {
        return;
    }
    struct ofproto *p = d->p;
    if (p) {
        for (struct ofproto_dump **pp = &p->dumps; *pp; pp = &(*pp)->next) {
            if (*pp == d) {
                *pp = d->next;
                break;
            }
        }
        if (!graveyard_needed(p)) {
            graveyard_free(p);
        }
    }
    free(d->items);
    free(d->keys);
    free(d->vals);
    free(d->cur);
    free(d->heap);
    free(d);
}

bool ofproto_dump_gone(const struct ofproto_dump *d)
{
    return !d->p;
}
