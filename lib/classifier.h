/* classifier: one flow table's lookup structure (tuple-space search).
 *
 * Rules are grouped into subtables by mask: one hash table per distinct
 * mask, keyed by the masked flow.  Lookup visits subtables in order of
 * the highest priority they hold and stops as soon as no later subtable
 * can beat the best rule found, so its cost depends on the number of
 * distinct masks, not on the number of rules sharing a mask.
 *
 * A rule stores only the flow words its mask covers (a "miniflow"), so a
 * learned flow that matches one MAC costs a few dozen bytes here.
 *
 * The classifier does not own rules: callers embed a 'struct cls_rule' in
 * their own rule and keep it alive while it is inserted. */
#ifndef SW_CLASSIFIER_H
#define SW_CLASSIFIER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "match.h"

struct cls_subtable;

struct cls_rule {
    struct hmap_node node;         /* In the subtable, by masked hash. */
    struct cls_rule *next_same;    /* Same match, lower priority. */
    struct cls_subtable *subtable; /* NULL while not inserted. */
    uint64_t *values;              /* Masked flow words (owned). */
    uint64_t *mask;                /* Full-size mask (owned until
                                    * inserted, then shared). */
    int priority;
};

struct classifier {
    struct hmap subtables;             /* By mask hash. */
    struct cls_subtable **by_priority; /* Sorted by max priority, desc. */
    size_t n_subtables, allocated;
    size_t n_rules;
};

void classifier_init(struct classifier *);
/* The classifier must be empty. */
void classifier_destroy(struct classifier *);

/* Prepares 'rule' for 'match' at 'priority' (copies what it needs). */
void cls_rule_init(struct cls_rule *, const struct match *, int priority);
/* The rule must not be in a classifier. */
void cls_rule_destroy(struct cls_rule *);
void cls_rule_get_match(const struct cls_rule *, struct match *);
bool cls_rule_is_catchall(const struct cls_rule *);

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

/* Iteration over every rule, in no particular order.  'cb' must not
 * modify the classifier; collect first, then remove. */
void classifier_for_each(const struct classifier *,
                         void (*cb)(const struct cls_rule *, void *aux),
                         void *aux);

#endif
