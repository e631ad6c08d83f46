/* smap: a small sorted string-to-string map, the type of the database's
 * key-value columns (a port's external_ids, a bridge's external_ids).
 *
 * Entries are kept sorted by key in one array, so a map prints, compares
 * and saves in one order without sorting; maps hold a handful of keys, so
 * insertion by memmove is the cheap choice. */
#ifndef SW_SMAP_H
#define SW_SMAP_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct smap_entry {
    char *key;
    char *value;
};

struct smap {
    struct smap_entry *entries; /* Sorted by key. */
    size_t n;
};

#define SMAP_INITIALIZER \
    {                    \
        NULL, 0          \
    }

void smap_init(struct smap *);
void smap_destroy(struct smap *);
void smap_clone(struct smap *dst, const struct smap *src);
/* Sets 'key' to 'value'; 'value' NULL removes 'key'. */
void smap_set(struct smap *, const char *key, const char *value);
const char *smap_get(const struct smap *, const char *key);
void smap_clear(struct smap *);

/* {"key": "value", ...}, a new reference. */
json_t *smap_to_json(const struct smap *);
/* Adds the members of 'obj' (a JSON object of strings) to 'map'.
 * Returns NULL or an allocated message naming 'what' and the key. */
char *smap_from_json(struct smap *, const json_t *obj, const char *what);

#endif
