#include "mac-learning.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hash.h"
#include "hmap.h"
#include "util.h"

struct mac_entry {
    struct hmap_node node;  /* In 'table', by (vlan, mac). */
    struct mac_entry *prev; /* LRU list, oldest at the head. */
    struct mac_entry *next;
    int64_t seen_msec; /* Last sighting. */
    uint8_t mac[6];
    uint16_t vlan;
    uint16_t port;
};

struct mac_learning {
    struct hmap table;
    struct mac_entry *head, *tail; /* Oldest, newest. */
    int64_t idle_msec;
    size_t max_entries;
    uint64_t n_evicted;
};

static uint32_t mac_hash(const uint8_t mac[6], uint16_t vlan)
{
    uint64_t key = 0;
    memcpy(&key, mac, 6);
    key |= (uint64_t)vlan << 48;
    return hash_finish(hash_add64(0, key), 8);
}

static void lru_unlink(struct mac_learning *ml, struct mac_entry *e)
{
    if (e->prev) {
        e->prev->next = e->next;
    } else {
        ml->head = e->next;
    }
    if (e->next) {
        e->next->prev = e->prev;
    } else {
        ml->tail = e->prev;
    }
    e->prev = e->next = NULL;
}

static void lru_append(struct mac_learning *ml, struct mac_entry *e)
{
    e->prev = ml->tail;
    e->next = NULL;
    if (ml->tail) {
        ml->tail->next = e;
    } else {
        ml->head = e;
    }
    ml->tail = e;
}

static void entry_remove(struct mac_learning *ml, struct mac_entry *e)
{
    lru_unlink(ml, e);
    hmap_remove(&ml->table, &e->node);
    hmap_shrink(&ml->table); /* Walks here follow the LRU list. */
    free(e);
}

struct mac_learning *mac_learning_create(unsigned idle_sec, size_t max_entries)
{
    struct mac_learning *ml = xzalloc(sizeof *ml);
    hmap_init(&ml->table);
    mac_learning_set_idle_time(ml, idle_sec);
    mac_learning_set_max_entries(ml, max_entries);
    return ml;
}

void mac_learning_destroy(struct mac_learning *ml)
{
    if (ml) {
        mac_learning_flush(ml);
        hmap_destroy(&ml->table);
        free(ml);
    }
}

void mac_learning_set_idle_time(struct mac_learning *ml, unsigned idle_sec)
{
    ml->idle_msec =
        (int64_t)(idle_sec ? idle_sec : MAC_DEFAULT_IDLE_SEC) * 1000;
}

void mac_learning_set_max_entries(struct mac_learning *ml, size_t max)
{
    ml->max_entries = max ? max : MAC_DEFAULT_MAX_ENTRIES;
    while (hmap_count(&ml->table) > ml->max_entries) {
        entry_remove(ml, ml->head);
        ml->n_evicted++;
    }
}

static struct mac_entry *entry_find(const struct mac_learning *ml,
                                    const uint8_t mac[6], uint16_t vlan)
{
    struct mac_entry *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, mac_hash(mac, vlan), &ml->table) {
        if (e->vlan == vlan && !memcmp(e->mac, mac, 6)) {
            return e;
        }
    }
    return NULL;
}

bool mac_learning_learn(struct mac_learning *ml, const uint8_t mac[6],
                        uint16_t vlan, uint16_t port)
{
    if (mac[0] & 1) {
        return false;
    }
    int64_t now = clock_msec();
    struct mac_entry *e = entry_find(ml, mac, vlan);
    bool changed = false;
    if (!e) {
        if (hmap_count(&ml->table) >= ml->max_entries) {
            entry_remove(ml, ml->head);
            ml->n_evicted++;
        }
        e = xzalloc(sizeof *e);
        memcpy(e->mac, mac, 6);
        e->vlan = vlan;
        e->port = port;
        hmap_insert(&ml->table, &e->node, mac_hash(mac, vlan));
        changed = true;
    } else {
        lru_unlink(ml, e);
        if (e->port != port) {
            e->port = port;
            changed = true;
        }
    }
    e->seen_msec = now;
    lru_append(ml, e);
    return changed;
}

bool mac_learning_lookup(const struct mac_learning *ml, const uint8_t mac[6],
                         uint16_t vlan, uint16_t *port)
{
    const struct mac_entry *e = entry_find(ml, mac, vlan);
    /* An entry past its age counts as gone even before mac_learning_run()
     * removes it, so forwarding does not depend on when run() is called. */
    if (!e || clock_msec() >= e->seen_msec + ml->idle_msec) {
        return false;
    }
    *port = e->port;
    return true;
}

size_t mac_learning_run(struct mac_learning *ml)
{
    int64_t now = clock_msec();
    size_t n = 0;
    while (ml->head && now >= ml->head->seen_msec + ml->idle_msec) {
        entry_remove(ml, ml->head);
        n++;
    }
    return n;
}

int64_t mac_learning_next_expiry(const struct mac_learning *ml)
{
    return ml->head ? ml->head->seen_msec + ml->idle_msec : INT64_MAX;
}

void mac_learning_flush_port(struct mac_learning *ml, uint16_t port)
{
    struct mac_entry *e = ml->head;
    while (e) {
        struct mac_entry *next = e->next;
        if (e->port == port) {
            entry_remove(ml, e);
        }
        e = next;
    }
}

void mac_learning_flush(struct mac_learning *ml)
{
    while (ml->head) {
        entry_remove(ml, ml->head);
    }
}

size_t mac_learning_count(const struct mac_learning *ml)
{
    return hmap_count(&ml->table);
}

uint64_t mac_learning_n_evicted(const struct mac_learning *ml)
{
    return ml->n_evicted;
}

void mac_learning_for_each(const struct mac_learning *ml,
                           void (*cb)(uint16_t port, uint16_t vlan,
                                      const uint8_t mac[6], int64_t age_sec,
                                      void *aux),
                           void *aux)
{
    int64_t now = clock_msec();
    for (const struct mac_entry *e = ml->head; e; e = e->next) {
        cb(e->port, e->vlan, e->mac, (now - e->seen_msec) / 1000, aux);
    }
}
