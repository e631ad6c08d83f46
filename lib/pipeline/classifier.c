/* classifier: tuple-space search.  See classifier.h for the design. */
#include "classifier.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

/* A mask, shared by a subtable and every rule created with it.  'idx'
 * lists the flow words the mask covers, in ascending order, so that
 * hashing and comparing touch only those words. */
struct cls_mask {
    unsigned int refcnt;
    uint32_t n;    /* Entries used in 'idx'. */
    uint32_t hash; /* Of 'words', for the subtable map. */
    uint8_t idx[FLOW_U64S];
    uint64_t words[FLOW_U64S]; /* The full mask. */
};

/* One slot of a subtable's index: a chain head and its hash.  Linear
 * probing keeps a probe sequence in one or two cache lines, and the
 * stored hash rejects other rules without dereferencing them. */
struct cls_slot {
    uint32_t hash;
    struct cls_rule *rule; /* NULL: empty. */
};

struct cls_index {
    struct cls_slot *slots; /* NULL while empty. */
    uint32_t mask;          /* Capacity minus one (a power of two). */
    uint32_t n;             /* Slots in use. */
};

struct cls_subtable {
    struct hmap_node node;  /* In classifier's 'subtables', by mask hash. */
    struct cls_index rules; /* Heads of 'next_same' chains. */
    struct cls_mask *mask;  /* Reference held. */
    size_t n_rules;         /* Including rules behind heads. */
    int max_priority;       /* Highest priority of any rule here. */
    size_t max_count;       /* Rules at 'max_priority'. */
};

/* The hash basis for masked flows; any constant will do. */
#define CLS_HASH_BASIS 0x5eed1e55u

/* ---- masks ---------------------------------------------------------- */

static void cls_mask_fill(struct cls_mask *mask, const struct flow *wc)
{
    const uint64_t *w = flow_u64(wc);
    uint32_t hash = 0;
    mask->refcnt = 1;
    mask->n = 0;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        mask->words[i] = w[i];
        if (w[i]) {
            /* Only nonzero words, with their position: cheaper than
             * hashing all of them, and as discriminating. */
            hash = hash_add64(hash_add(hash, (uint32_t)i), w[i]);
            mask->idx[mask->n++] = (uint8_t)i;
        }
    }
    mask->hash = hash_finish(hash, mask->n);
}

static struct cls_mask *cls_mask_create(const struct flow *wc)
{
    struct cls_mask *mask = xmalloc(sizeof *mask);
    cls_mask_fill(mask, wc);
    return mask;
}

static struct cls_mask *cls_mask_ref(struct cls_mask *mask)
{
    mask->refcnt++;
    return mask;
}

static void cls_mask_unref(struct cls_mask *mask)
{
    if (mask && --mask->refcnt == 0) {
        free(mask);
    }
}

static bool cls_mask_equal(const struct cls_mask *a, const struct cls_mask *b)
{
    return a == b
           || (a->hash == b->hash && a->n == b->n
               && !memcmp(a->words, b->words, sizeof a->words));
}

/* ---- rule values ---------------------------------------------------- */

static inline const uint64_t *rule_words(const struct cls_rule *rule)
{
    return rule->n_words <= CLS_INLINE_WORDS ? rule->v.inline_words
                                             : rule->v.words;
}

/* Hash of the rule's masked words: equal to cls_hash_flow() of any flow
 * the rule matches, which is what lets lookup find it. */
static uint32_t rule_hash(const struct cls_rule *rule)
{
    const uint64_t *v = rule_words(rule);
    uint32_t hash = CLS_HASH_BASIS;
    for (uint32_t i = 0; i < rule->n_words; i++) {
        hash = hash_add64(hash, v[i]);
    }
    return hash_finish(hash, rule->n_words);
}

static inline uint32_t cls_hash_flow(const struct cls_mask *mask,
                                     const uint64_t *flow)
{
    uint32_t hash = CLS_HASH_BASIS;
    for (uint32_t i = 0; i < mask->n; i++) {
        unsigned int k = mask->idx[i];
        hash = hash_add64(hash, flow[k] & mask->words[k]);
    }
    return hash_finish(hash, mask->n);
}

static inline bool rule_matches_words(const struct cls_rule *rule,
                                      const struct cls_mask *mask,
                                      const uint64_t *flow)
{
    const uint64_t *v = rule_words(rule);
    for (uint32_t i = 0; i < mask->n; i++) {
        unsigned int k = mask->idx[i];
        if ((flow[k] & mask->words[k]) != v[i]) {
            return false;
        }
    }
    return true;
}

static bool rule_values_equal(const struct cls_rule *a,
                              const struct cls_rule *b)
{
    return a->n_words == b->n_words
           && !memcmp(rule_words(a), rule_words(b),
                      a->n_words * sizeof(uint64_t));
}

void cls_rule_init(struct cls_rule *rule, const struct match *match,
                   int priority)
{
    struct cls_mask *mask = cls_mask_create(&match->wc);
    const uint64_t *f = flow_u64(&match->flow);
    uint64_t *v;

    memset(rule, 0, sizeof *rule);
    rule->mask = mask;
    rule->priority = priority;
    rule->n_words = mask->n;
    if (mask->n <= CLS_INLINE_WORDS) {
        v = rule->v.inline_words;
    } else {
        v = rule->v.words = xmalloc(mask->n * sizeof *v);
    }
    /* Mask again: a match's flow is supposed to be masked already, but a
     * stray bit would make the rule unreachable by lookup. */
    for (uint32_t i = 0; i < mask->n; i++) {
        unsigned int k = mask->idx[i];
        v[i] = f[k] & mask->words[k];
    }
}

void cls_rule_destroy(struct cls_rule *rule)
{
    if (!rule) {
        return;
    }
    if (rule->n_words > CLS_INLINE_WORDS) {
        free(rule->v.words);
    }
    cls_mask_unref(rule->mask);
    rule->mask = NULL;
    rule->n_words = 0;
}

void cls_rule_get_match(const struct cls_rule *rule, struct match *match)
{
    const struct cls_mask *mask = rule->mask;
    const uint64_t *v = rule_words(rule);
    uint64_t *f = (uint64_t *)(void *)&match->flow;

    memset(&match->flow, 0, sizeof match->flow);
    memcpy(&match->wc, mask->words, sizeof match->wc);
    for (uint32_t i = 0; i < mask->n; i++) {
        f[mask->idx[i]] = v[i];
    }
}

bool cls_rule_cmp_same_mask(const struct cls_rule *a, const struct cls_rule *b,
                            int *cmp)
{
    if (a->mask != b->mask) {
        return false;
    }
    /* Equal masks, and the flows are zero outside them: the first word
     * that differs, in the mask's ascending word order, decides. */
    const uint64_t *va = rule_words(a), *vb = rule_words(b);
    *cmp = 0;
    for (uint32_t i = 0; i < a->mask->n && !*cmp; i++) {
        *cmp = memcmp(&va[i], &vb[i], sizeof va[i]);
    }
    return true;
}

bool cls_rule_is_catchall(const struct cls_rule *rule)
{
    return rule->mask->n == 0;
}

bool cls_rule_equal(const struct cls_rule *a, const struct cls_rule *b)
{
    return a->priority == b->priority && cls_mask_equal(a->mask, b->mask)
           && rule_values_equal(a, b);
}

bool cls_rule_matches_flow(const struct cls_rule *rule,
                           const struct flow *flow)
{
    return rule_matches_words(rule, rule->mask, flow_u64(flow));
}

/* ---- the open-addressing index of chain heads ----------------------- */

static void index_init(struct cls_index *ix)
{
    ix->slots = NULL;
    ix->mask = 0;
    ix->n = 0;
}

static void index_destroy(struct cls_index *ix)
{
    if (ix->slots) {
        xhuge_free(ix->slots, ((size_t)ix->mask + 1) * sizeof *ix->slots);
    }
    index_init(ix);
}

static void index_place(struct cls_index *ix, uint32_t hash,
                        struct cls_rule *rule)
{
    uint32_t i = hash & ix->mask;
    while (ix->slots[i].rule) {
        i = (i + 1) & ix->mask;
    }
    ix->slots[i].hash = hash;
    ix->slots[i].rule = rule;
}

static void index_resize(struct cls_index *ix, uint32_t capacity)
{
    struct cls_slot *old = ix->slots;
    uint32_t old_capacity = old ? ix->mask + 1 : 0;
    /* Big indexes go on huge pages: a lookup in a million-rule table
     * probes a random slot, and on small pages that is a TLB miss. */
    ix->slots = xhuge_zalloc((size_t)capacity * sizeof *ix->slots);
    ix->mask = capacity - 1;
    for (uint32_t i = 0; i < old_capacity; i++) {
        if (old[i].rule) {
            index_place(ix, old[i].hash, old[i].rule);
        }
    }
    xhuge_free(old, (size_t)old_capacity * sizeof *old);
}

/* Keeps the load at most 3/4, so probe sequences stay short and always
 * end at an empty slot. */
static void index_insert(struct cls_index *ix, uint32_t hash,
                         struct cls_rule *rule)
{
    if (!ix->slots) {
        index_resize(ix, 8);
    } else if ((uint64_t)(ix->n + 1) * 4 > (uint64_t)(ix->mask + 1) * 3) {
        index_resize(ix, (ix->mask + 1) * 2);
    }
    index_place(ix, hash, rule);
    ix->n++;
}

/* The slot holding 'rule', which must be a head with 'hash'. */
static struct cls_slot *index_slot_of(const struct cls_index *ix,
                                      uint32_t hash,
                                      const struct cls_rule *rule)
{
    uint32_t i = hash & ix->mask;
    while (ix->slots[i].rule != rule) {
        if (!ix->slots[i].rule) {
            abort(); /* A head missing from its index: internal bug. */
        }
        i = (i + 1) & ix->mask;
    }
    return &ix->slots[i];
}

/* Empties 'slot' and shifts later members of its probe run back, so no
 * tombstones are needed; shrinks a mostly empty index. */
static void index_remove(struct cls_index *ix, struct cls_slot *slot)
{
    uint32_t i = (uint32_t)(slot - ix->slots);
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & ix->mask;
        if (!ix->slots[j].rule) {
            break;
        }
        uint32_t home = ix->slots[j].hash & ix->mask;
        /* The entry at 'j' may fill the hole at 'i' only if 'i' lies on
         * its probe path, from its home slot to 'j'. */
        if (((j - home) & ix->mask) >= ((j - i) & ix->mask)) {
            ix->slots[i] = ix->slots[j];
            i = j;
        }
    }
    ix->slots[i].rule = NULL;
    ix->slots[i].hash = 0;
    ix->n--;
    if (ix->mask >= 63 && ix->n < (ix->mask + 1) / 8) {
        index_resize(ix, (ix->mask + 1) / 2);
    }
}

/* ---- subtables ------------------------------------------------------ */

void classifier_init(struct classifier *cls)
{
    hmap_init(&cls->subtables);
    cls->by_priority = NULL;
    cls->n_subtables = 0;
    cls->allocated = 0;
    cls->n_rules = 0;
}

static void subtable_free(struct cls_subtable *st)
{
    index_destroy(&st->rules);
    cls_mask_unref(st->mask);
    free(st);
}

void classifier_destroy(struct classifier *cls)
{
    if (!cls) {
        return;
    }
    for (size_t i = 0; i < cls->n_subtables; i++) {
        /* Rules still inserted become uninserted, so that a later
         * classifier_remove() on one is a no-op, not a use after free. */
        struct cls_subtable *st = cls->by_priority[i];
        for (uint32_t k = 0; k <= st->rules.mask; k++) {
            struct cls_rule *r = st->rules.slots[k].rule;
            while (r) {
                struct cls_rule *next = r->next_same;
                r->next_same = NULL;
                r->subtable = NULL;
                r = next;
            }
        }
        subtable_free(st);
    }
    hmap_destroy(&cls->subtables);
    free(cls->by_priority);
    classifier_init(cls);
}

static struct cls_subtable *find_subtable(const struct classifier *cls,
                                          const struct cls_mask *mask)
{
    struct cls_subtable *st;
    HMAP_FOR_EACH_WITH_HASH (st, node, mask->hash, &cls->subtables) {
        if (cls_mask_equal(st->mask, mask)) {
            return st;
        }
    }
    return NULL;
}

static size_t subtable_position(const struct classifier *cls,
                                const struct cls_subtable *st)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        if (cls->by_priority[i] == st) {
            return i;
        }
    }
    abort(); /* The subtable is always listed: an internal bug. */
}

/* Moves the subtable at 'pos' to where its max_priority now belongs,
 * keeping 'by_priority' sorted in descending order. */
static void resort_subtable(struct classifier *cls, size_t pos)
{
    struct cls_subtable **a = cls->by_priority;
    struct cls_subtable *st = a[pos];
    while (pos > 0 && a[pos - 1]->max_priority < st->max_priority) {
        a[pos] = a[pos - 1];
        pos--;
    }
    while (pos + 1 < cls->n_subtables
           && a[pos + 1]->max_priority > st->max_priority) {
        a[pos] = a[pos + 1];
        pos++;
    }
    a[pos] = st;
}

static struct cls_subtable *
create_subtable(struct classifier *cls, struct cls_mask *mask, int priority)
{
    struct cls_subtable *st = xzalloc(sizeof *st);
    index_init(&st->rules);
    st->mask = cls_mask_ref(mask);
    st->max_priority = priority;
    st->max_count = 0;
    hmap_insert(&cls->subtables, &st->node, mask->hash);
    if (cls->n_subtables >= cls->allocated) {
        cls->by_priority =
            x2nrealloc(cls->by_priority, &cls->allocated, cls->n_subtables + 1,
                       sizeof *cls->by_priority);
    }
    cls->by_priority[cls->n_subtables++] = st;
    resort_subtable(cls, cls->n_subtables - 1);
    return st;
}

static void destroy_subtable(struct classifier *cls, struct cls_subtable *st)
{
    size_t pos = subtable_position(cls, st);
    memmove(&cls->by_priority[pos], &cls->by_priority[pos + 1],
            (cls->n_subtables - pos - 1) * sizeof *cls->by_priority);
    cls->n_subtables--;
    hmap_remove(&cls->subtables, &st->node);
    hmap_shrink(&cls->subtables);
    subtable_free(st);
}

static void subtable_note_insert(struct classifier *cls,
                                 struct cls_subtable *st, int priority)
{
    st->n_rules++;
    if (st->max_count == 0 || priority > st->max_priority) {
        st->max_priority = priority;
        st->max_count = 1;
        resort_subtable(cls, subtable_position(cls, st));
    } else if (priority == st->max_priority) {
        st->max_count++;
    }
}

/* After removing a rule at 'priority' from non-empty 'st': if it was the
 * last at the maximum, find the new maximum.  The scan is linear, but it
 * happens only when the top priority level of a subtable empties. */
static void subtable_note_remove(struct classifier *cls,
                                 struct cls_subtable *st, int priority)
{
    st->n_rules--;
    if (priority != st->max_priority || --st->max_count > 0) {
        return;
    }
    bool first = true;
    for (uint32_t i = 0; i <= st->rules.mask; i++) {
        /* Chains are in descending priority: stop at the first rule
         * below the best level seen so far. */
        for (const struct cls_rule *r = st->rules.slots[i].rule; r;
             r = r->next_same) {
            if (first || r->priority > st->max_priority) {
                st->max_priority = r->priority;
                st->max_count = 1;
                first = false;
            } else if (r->priority == st->max_priority) {
                st->max_count++;
            } else {
                break;
            }
        }
    }
    resort_subtable(cls, subtable_position(cls, st));
}

/* The head of the chain with 'rule''s values in 'st', or NULL. */
static struct cls_rule *find_head(const struct cls_subtable *st,
                                  const struct cls_rule *rule, uint32_t hash)
{
    const struct cls_index *ix = &st->rules;
    if (!ix->slots) {
        return NULL;
    }
    for (uint32_t i = hash & ix->mask; ix->slots[i].rule;
         i = (i + 1) & ix->mask) {
        if (ix->slots[i].hash == hash
            && rule_values_equal(ix->slots[i].rule, rule)) {
            return ix->slots[i].rule;
        }
    }
    return NULL;
}

/* ---- insertion, removal, lookup ------------------------------------- */

struct cls_rule *classifier_replace(struct classifier *cls,
                                    struct cls_rule *rule)
{
    struct cls_subtable *st = find_subtable(cls, rule->mask);
    if (!st) {
        st = create_subtable(cls, rule->mask, rule->priority);
    } else if (st->mask != rule->mask) {
        /* Share the subtable's copy so that a learned flow costs no mask
         * of its own. */
        cls_mask_unref(rule->mask);
        rule->mask = cls_mask_ref(st->mask);
    }
    rule->subtable = st;

    uint32_t hash = rule_hash(rule);
    struct cls_rule *head = find_head(st, rule, hash);
    if (!head) {
        rule->next_same = NULL;
        index_insert(&st->rules, hash, rule);
        subtable_note_insert(cls, st, rule->priority);
        cls->n_rules++;
        return NULL;
    }

    /* Walk the chain, kept in descending priority, to the insertion
     * point; 'prev' is NULL while at the head. */
    struct cls_rule *prev = NULL, *cur = head;
    while (cur && cur->priority > rule->priority) {
        prev = cur;
        cur = cur->next_same;
    }
    struct cls_rule *old = NULL;
    if (cur && cur->priority == rule->priority) {
        old = cur;
        rule->next_same = cur->next_same;
        old->next_same = NULL;
        old->subtable = NULL;
    } else {
        rule->next_same = cur;
        subtable_note_insert(cls, st, rule->priority);
        cls->n_rules++;
    }
    if (prev) {
        prev->next_same = rule;
    } else {
        /* 'rule' becomes the head: it takes the old head's slot. */
        index_slot_of(&st->rules, hash, head)->rule = rule;
    }
    return old;
}

void classifier_remove(struct classifier *cls, struct cls_rule *rule)
{
    struct cls_subtable *st = rule->subtable;
    if (!st) {
        return;
    }
    uint32_t hash = rule_hash(rule);
    struct cls_rule *head = find_head(st, rule, hash);
    if (head == rule) {
        struct cls_slot *slot = index_slot_of(&st->rules, hash, rule);
        if (rule->next_same) {
            slot->rule = rule->next_same;
        } else {
            index_remove(&st->rules, slot);
        }
    } else {
        struct cls_rule *prev = head;
        while (prev && prev->next_same != rule) {
            prev = prev->next_same;
        }
        if (!prev) {
            abort(); /* Not in its own subtable: an internal bug. */
        }
        prev->next_same = rule->next_same;
    }
    rule->next_same = NULL;
    rule->subtable = NULL;
    cls->n_rules--;
    if (st->n_rules == 1) {
        destroy_subtable(cls, st);
    } else {
        subtable_note_remove(cls, st, rule->priority);
    }
}

struct cls_rule *classifier_find_exactly(const struct classifier *cls,
                                         const struct match *match,
                                         int priority)
{
    /* Called per packet by learn, so the probe lives on the stack. */
    struct cls_mask mask;
    cls_mask_fill(&mask, &match->wc);
    struct cls_subtable *st = find_subtable(cls, &mask);
    if (!st) {
        return NULL;
    }
    struct cls_rule probe;
    const uint64_t *f = flow_u64(&match->flow);
    uint64_t words[FLOW_U64S];
    probe.n_words = mask.n;
    for (uint32_t i = 0; i < mask.n; i++) {
        unsigned int k = mask.idx[i];
        words[i] = f[k] & mask.words[k];
    }
    if (mask.n <= CLS_INLINE_WORDS) {
        memcpy(probe.v.inline_words, words, mask.n * sizeof *words);
    } else {
        probe.v.words = words;
    }
    struct cls_rule *r = find_head(st, &probe, rule_hash(&probe));
    while (r && r->priority > priority) {
        r = r->next_same;
    }
    return r && r->priority == priority ? r : NULL;
}

const struct cls_rule *classifier_lookup(const struct classifier *cls,
                                         const struct flow *flow)
{
    const uint64_t *f = flow_u64(flow);
    const struct cls_rule *best = NULL;

    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct cls_subtable *st = cls->by_priority[i];
        if (best && best->priority >= st->max_priority) {
            break;
        }
        uint32_t hash = cls_hash_flow(st->mask, f);
        const struct cls_index *ix = &st->rules;
        for (uint32_t k = hash & ix->mask; ix->slots[k].rule;
             k = (k + 1) & ix->mask) {
            const struct cls_rule *head = ix->slots[k].rule;
            if (ix->slots[k].hash == hash
                && rule_matches_words(head, st->mask, f)) {
                /* The head is its chain's best; a matching flow matches
                 * exactly one chain per subtable. */
                if (!best || head->priority > best->priority) {
                    best = head;
                }
                break;
            }
        }
    }
    return best;
}

size_t classifier_prefetch_slots(const struct classifier *cls,
                                 const struct flow *flows, size_t n_flows,
                                 size_t min_rules, struct cls_prefetch *out,
                                 size_t room)
{
    size_t n = 0;
    size_t n_st = SW_MIN(cls->n_subtables, (size_t)CLS_PREFETCH_SUBTABLES);
    for (size_t i = 0; i < n_st; i++) {
        const struct cls_subtable *st = cls->by_priority[i];
        if (st->n_rules < min_rules) {
            continue;
        }
        const struct cls_slot *slots = st->rules.slots;
        uint32_t mask = st->rules.mask;
        for (size_t j = 0; j < n_flows && n < room; j++) {
            uint32_t hash = cls_hash_flow(st->mask, flow_u64(&flows[j]));
            __builtin_prefetch(&slots[hash & mask]);
            out[n++] = (struct cls_prefetch){ slots, mask, hash };
        }
    }
    return n;
}

void classifier_prefetch_rules(const struct cls_prefetch *pfs, size_t n,
                               ptrdiff_t offset, size_t bytes)
{
    for (size_t i = 0; i < n; i++) {
        const struct cls_prefetch *pf = &pfs[i];
        /* A hash match is only probably the rule: checking the values
         * would wait for the very load being prefetched. */
        for (uint32_t k = pf->hash & pf->mask; pf->slots[k].rule;
             k = (k + 1) & pf->mask) {
            if (pf->slots[k].hash == pf->hash) {
                /* Integer arithmetic: the span may start before the
                 * cls_rule, in the struct that embeds it. */
                uintptr_t start =
                    (uintptr_t)pf->slots[k].rule + (uintptr_t)offset;
                /* Every cache line the span touches, the last included. */
                uintptr_t line = start & ~(uintptr_t)63;
                uintptr_t end = start + (bytes ? bytes - 1 : 0);
                for (; line <= end; line += 64) {
                    __builtin_prefetch((const void *)line);
                }
                break;
            }
        }
    }
}

void classifier_for_each(const struct classifier *cls,
                         void (*cb)(const struct cls_rule *, void *aux),
                         void *aux)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct cls_index *ix = &cls->by_priority[i]->rules;
        for (uint32_t k = 0; k <= ix->mask; k++) {
            for (const struct cls_rule *r = ix->slots[k].rule; r;
                 r = r->next_same) {
                cb(r, aux);
            }
        }
    }
}
