/* hmap: an intrusive hash map with chaining.
 *
 * The caller embeds a 'struct hmap_node' in its own struct and computes
 * the hash; the map never allocates per element and never compares keys,
 * so lookups are "walk the nodes with this hash and compare yourself".
 * The bucket array doubles when the map holds more than two elements per
 * bucket and halves when it is mostly empty. */
#ifndef SW_HMAP_H
#define SW_HMAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct hmap_node {
    uint32_t hash;
    struct hmap_node *next;
};

struct hmap {
    struct hmap_node **buckets;
    size_t mask; /* Number of buckets minus one (a power of two). */
    size_t n;    /* Number of nodes. */
};

#define HMAP_INITIALIZER \
    {                    \
        NULL, 0, 0       \
    }

void hmap_init(struct hmap *);
/* Frees the bucket array, not the nodes (they belong to the caller). */
void hmap_destroy(struct hmap *);
void hmap_insert(struct hmap *, struct hmap_node *, uint32_t hash);
/* Never resizes the map, so removing nodes during HMAP_FOR_EACH_SAFE
 * visits every node once; call hmap_shrink() after a walk that removed
 * many. */
void hmap_remove(struct hmap *, struct hmap_node *);
/* Gives back the buckets of a map that lost most of its nodes. */
void hmap_shrink(struct hmap *);
void hmap_clear(struct hmap *);
static inline size_t hmap_count(const struct hmap *map)
{
    return map->n;
}

/* First node with 'hash', or NULL; continue with hmap_next_with_hash(). */
static inline struct hmap_node *hmap_first_with_hash(const struct hmap *map,
                                                     uint32_t hash)
{
    if (!map->buckets) {
        return NULL;
    }
    struct hmap_node *node = map->buckets[hash & map->mask];
    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

static inline struct hmap_node *hmap_next_with_hash(const struct hmap_node *n)
{
    uint32_t hash = n->hash;
    struct hmap_node *node = n->next;
    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

/* Iteration in unspecified order.  The node returned is the position: the
 * loop body may remove the current node only with HMAP_FOR_EACH_SAFE. */
struct hmap_node *hmap_first(const struct hmap *);
struct hmap_node *hmap_next(const struct hmap *, const struct hmap_node *);

#define HMAP_FOR_EACH_WITH_HASH(NODE, MEMBER, HASH, MAP)                     \
    for (struct hmap_node *node__ = hmap_first_with_hash(MAP, HASH);         \
         node__                                                              \
         && ((NODE) = CONTAINER_OF(node__, __typeof__(*(NODE)), MEMBER), 1); \
         node__ = hmap_next_with_hash(node__))

#define HMAP_FOR_EACH(NODE, MEMBER, MAP)                                     \
    for (struct hmap_node *node__ = hmap_first(MAP);                         \
         node__                                                              \
         && ((NODE) = CONTAINER_OF(node__, __typeof__(*(NODE)), MEMBER), 1); \
         node__ = hmap_next(MAP, node__))

#define HMAP_FOR_EACH_SAFE(NODE, MEMBER, MAP)                               \
    for (struct hmap_node *node__ = hmap_first(MAP), *next__ = NULL;        \
         node__                                                             \
         && (next__ = hmap_next(MAP, node__),                               \
            (NODE) = CONTAINER_OF(node__, __typeof__(*(NODE)), MEMBER), 1); \
         node__ = next__)

#endif
