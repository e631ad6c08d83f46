/* smap: sorted string maps for key-value columns. */
#include "smap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void smap_init(struct smap *m)
{
    m->entries = NULL;
    m->n = 0;
}

void smap_clear(struct smap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->entries[i].key);
        free(m->entries[i].value);
    }
    free(m->entries);
    smap_init(m);
}

void smap_destroy(struct smap *m)
{
    smap_clear(m);
}

void smap_clone(struct smap *dst, const struct smap *src)
{
    dst->n = src->n;
    dst->entries = xcalloc(src->n + 1, sizeof *dst->entries);
    for (size_t i = 0; i < src->n; i++) {
        dst->entries[i].key = xstrdup(src->entries[i].key);
        dst->entries[i].value = xstrdup(src->entries[i].value);
    }
}

void smap_set(struct smap *m, const char *key, const char *value)
{
    size_t i;
    for (i = 0; i < m->n; i++) {
        int cmp = strcmp(m->entries[i].key, key);
        if (!cmp) {
            free(m->entries[i].value);
            if (value) {
                m->entries[i].value = xstrdup(value);
            } else {
                free(m->entries[i].key);
                memmove(&m->entries[i], &m->entries[i + 1],
                        (m->n - i - 1) * sizeof *m->entries);
                m->n--;
            }
            return;
        }
        if (cmp > 0) {
            break;
        }
    }
    if (!value) {
        return;
    }
    m->entries = xrealloc(m->entries, (m->n + 1) * sizeof *m->entries);
    memmove(&m->entries[i + 1], &m->entries[i],
            (m->n - i) * sizeof *m->entries);
    m->entries[i].key = xstrdup(key);
    m->entries[i].value = xstrdup(value);
    m->n++;
}

const char *smap_get(const struct smap *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->entries[i].key, key)) {
            return m->entries[i].value;
        }
    }
    return NULL;
}

json_t *smap_to_json(const struct smap *m)
{
    json_t *o = json_object();
    for (size_t i = 0; i < m->n; i++) {
        json_object_set_new(o, m->entries[i].key,
                            json_string(m->entries[i].value));
    }
    return o;
}

char *smap_from_json(struct smap *m, const json_t *obj, const char *what)
{
    if (!obj) {
        return NULL;
    }
    if (!json_is_object(obj)) {
        return xasprintf("%s is not an object", what);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        if (!json_is_string(value)) {
            return xasprintf("%s:%s is not a string", what, key);
        }
        smap_set(m, key, json_string_value(value));
    }
    return NULL;
}
