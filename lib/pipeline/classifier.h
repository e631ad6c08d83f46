/* classifier: one flow table's lookup structure (tuple-space search).
 *
 * Rules are grouped into subtables by mask: one hash table per distinct
 * mask, keyed by the masked flow.  Lookup visits subtables in order of
 * the highest priority they hold and stops as soon as no later subtable
 * can beat the best rule found, so its cost depends on the number of
 * distinct masks, not on the number of rules sharing a mask.
 *
 * A rule stores only the flow words its mask covers (a "miniflow"), so a
 * learned flow that matches one MAC costs a few dozen bytes here.  Up to
 * CLS_INLINE_WORDS words live inside the rule itself; wider matches get
 * one allocation.  The mask is a reference-counted object shared by every
 * rule of a subtable, so a rule keeps its match (cls_rule_get_match) after
 * removal even if its subtable has gone.
 *
 * Rules with the same match and different priorities are chained through
 * 'next_same' in descending priority behind one hash-table entry; a rule
 * with the same match and the same priority replaces the old one.
 *
 * Each subtable indexes its chain heads in an open-addressing table whose
 * slots carry the hash next to the rule pointer, so a probe skips
 * non-matching rules without touching them: with a large table a hit
 * costs one cache miss for the slot and one for the rule.
 *
 * The classifier does not own rules: callers embed a 'struct cls_rule' in
 * their own rule and keep it alive while it is inserted.  Nothing here is
 * thread-safe; one thread owns a classifier. */
#ifndef SW_CLASSIFIER_H
#define SW_CLASSIFIER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "match.h"

struct cls_subtable;
struct cls_mask;
struct cls_slot;

#define CLS_INLINE_WORDS 2

/* Members are private to classifier.c except 'priority' (read-only).
 * What a lookup reads (n_words, priority, values) comes last, from
 * CLS_RULE_HOT on, so that a struct embedding a cls_rule can put what it
 * reads after a hit right behind it (struct rule does): a hit then reads
 * one run of bytes. */
struct cls_rule {
    struct cls_rule *next_same;    /* Same match, lower priority. */
    struct cls_subtable *subtable; /* NULL while not inserted. */
    struct cls_mask *mask;         /* Shared, reference counted. */
    uint32_t n_words;              /* Words the mask covers. */
    int priority;
    union {
        uint64_t inline_words[CLS_INLINE_WORDS]; /* n_words <= 2. */
        uint64_t *words;                         /* Else, owned. */
    } v;
};
#define CLS_RULE_HOT offsetof(struct cls_rule, n_words)

struct classifier {
    struct hmap subtables;             /* By mask hash. */
    struct cls_subtable **by_priority; /* Sorted by max priority, desc. */
    size_t n_subtables, allocated;
    size_t n_rules;
};

void classifier_init(struct classifier *);
/* The classifier should be empty; rules still inserted are forgotten
 * (not freed: they belong to the caller). */
void classifier_destroy(struct classifier *);

/* Prepares 'rule' for 'match' at 'priority' (copies what it needs). */
void cls_rule_init(struct cls_rule *, const struct match *, int priority);
/* The rule must not be in a classifier. */
void cls_rule_destroy(struct cls_rule *);
void cls_rule_get_match(const struct cls_rule *, struct match *);
bool cls_rule_is_catchall(const struct cls_rule *);
/* If 'a' and 'b' share a mask, sets '*cmp' to how memcmp() would order
 * their matches (cls_rule_get_match()) and returns true, without
 * building them: dumps sort a million flows of one mask this way.
 * Returns false for different masks. */
bool cls_rule_cmp_same_mask(const struct cls_rule *a, const struct cls_rule *b,
                            int *cmp);
/* Same match (mask and values) and same priority? */
bool cls_rule_equal(const struct cls_rule *, const struct cls_rule *);
/* Does 'flow' satisfy the rule's match?  Cheap: only covered words. */
bool cls_rule_matches_flow(const struct cls_rule *, const struct flow *);
static inline bool cls_rule_is_inserted(const struct cls_rule *rule)
{
    return rule->subtable != NULL;
}

/* Inserts 'rule'.  If a rule with the same match and priority is present
 * it is replaced and returned (the caller disposes of it); else NULL. */
struct cls_rule *classifier_replace(struct classifier *, struct cls_rule *);
void classifier_remove(struct classifier *, struct cls_rule *);
/* The rule with exactly this match and priority, or NULL. */
struct cls_rule *classifier_find_exactly(const struct classifier *,
                                         const struct match *, int priority);
/* The highest-priority rule matching 'flow', or NULL.  Among equal
 * priorities the choice is unspecified (OpenFlow leaves it undefined). */
const struct cls_rule *classifier_lookup(const struct classifier *,
                                         const struct flow *);
static inline size_t classifier_count(const struct classifier *cls)
{
    return cls->n_rules;
}
static inline bool classifier_is_empty(const struct classifier *cls)
{
    return cls->n_rules == 0;
}
/* Hints for batched lookups (they never change results).  With a table
 * too large for the caches, a lookup waits for two memory loads: the
 * index slot, then the rule.  A caller holding a batch of packets calls
 * classifier_prefetch_slots() for the flows, keeping the records it
 * fills, then classifier_prefetch_rules() on all the records, then
 * classifier_lookup() for each flow, so that the loads of different
 * packets overlap instead of queueing.  The records carry each flow's
 * hash from the first pass to the second, so a flow is hashed once for
 * both; they are valid until the classifier next changes.
 *
 * Of the first CLS_PREFETCH_SUBTABLES subtables in priority order, only
 * those holding at least 'min_rules' rules are prefetched: a small
 * subtable is in the caches anyway, and hashing for it is wasted work. */
#define CLS_PREFETCH_SUBTABLES 4
struct cls_prefetch {
    const struct cls_slot *slots; /* The subtable's index... */
    uint32_t mask;                /* ...its size minus one... */
    uint32_t hash;                /* ...and the flow's hash there. */
};
/* Prefetches the index slots that the lookups of the 'n_flows' flows in
 * 'flows' will read in 'cls' and records them in 'out' (room for 'room':
 * past that, the rest go without); returns how many it recorded, at most
 * CLS_PREFETCH_SUBTABLES per flow. */
size_t classifier_prefetch_slots(const struct classifier *,
                                 const struct flow *flows, size_t n_flows,
                                 size_t min_rules, struct cls_prefetch *out,
                                 size_t room);
/* Prefetches, for each cls_rule behind the 'n' recorded slots, the
 * 'bytes' bytes (at least one line) that start 'offset' bytes from it
 * (negative: before it).  Callers whose rules embed the cls_rule ask for
 * the span a hit reads; plain cls_rules want CLS_RULE_HOT and
 * sizeof(struct cls_rule) - CLS_RULE_HOT. */
void classifier_prefetch_rules(const struct cls_prefetch *, size_t n,
                               ptrdiff_t offset, size_t bytes);

/* Number of distinct masks (for tests and statistics). */
static inline size_t classifier_n_subtables(const struct classifier *cls)
{
    return cls->n_subtables;
}

/* Iteration over every rule, in no particular order.  'cb' must not
 * modify the classifier; collect first, then remove. */
void classifier_for_each(const struct classifier *,
                         void (*cb)(const struct cls_rule *, void *aux),
                         void *aux);

#endif
