#include "hmap.h"

#include <stdlib.h>

void hmap_init(struct hmap *map)
{
    map->buckets = NULL;
    map->mask = 0;
    map->n = 0;
}

void hmap_destroy(struct hmap *map)
{
    if (map) {
        free(map->buckets);
        hmap_init(map);
    }
}

void hmap_clear(struct hmap *map)
{
    hmap_destroy(map);
}

static void hmap_resize(struct hmap *map, size_t n_buckets)
{
    struct hmap_node **buckets = xcalloc(n_buckets, sizeof *buckets);
    size_t mask = n_buckets - 1;
    for (size_t i = 0; map->buckets && i <= map->mask; i++) {
        struct hmap_node *node = map->buckets[i];
        while (node) {
            struct hmap_node *next = node->next;
            struct hmap_node **b = &buckets[node->hash & mask];
            node->next = *b;
            *b = node;
            node = next;
        }
    }
    free(map->buckets);
    map->buckets = buckets;
    map->mask = mask;
}

void hmap_insert(struct hmap *map, struct hmap_node *node, uint32_t hash)
{
    if (!map->buckets) {
        hmap_resize(map, 8);
    } else if (map->n + 1 > 2 * (map->mask + 1)) {
        hmap_resize(map, 2 * (map->mask + 1));
    }
    node->hash = hash;
    struct hmap_node **b = &map->buckets[hash & map->mask];
    node->next = *b;
    *b = node;
    map->n++;
}

void hmap_remove(struct hmap *map, struct hmap_node *node)
{
    struct hmap_node **p = &map->buckets[node->hash & map->mask];
    while (*p != node) {
        p = &(*p)->next;
    }
    *p = node->next;
    map->n--;
    /* No shrinking here: a safe walk may be removing nodes, and a resize
     * under it would skip or repeat some (hmap_shrink() after it). */
}

void hmap_shrink(struct hmap *map)
{
    if (map->mask < 64 || map->n >= (map->mask + 1) / 8) {
        return;
    }
    size_t n_buckets = 8;
    while (n_buckets < map->n) {
        n_buckets *= 2;
    }
    hmap_resize(map, n_buckets);
}

struct hmap_node *hmap_first(const struct hmap *map)
{
    for (size_t i = 0; map->buckets && i <= map->mask; i++) {
        if (map->buckets[i]) {
            return map->buckets[i];
        }
    }
    return NULL;
}

struct hmap_node *hmap_next(const struct hmap *map,
                            const struct hmap_node *node)
{
    if (node->next) {
        return node->next;
    }
    for (size_t i = (node->hash & map->mask) + 1; i <= map->mask; i++) {
        if (map->buckets[i]) {
            return map->buckets[i];
        }
    }
    return NULL;
}
