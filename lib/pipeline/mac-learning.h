/* mac-learning: one bridge's MAC table for the NORMAL action.
 *
 * Maps (VLAN, Ethernet address) to the OpenFlow port the address was last
 * seen on.  Entries age out 'idle_sec' seconds after they were last seen
 * (300 s by default, as in OVS and the Linux bridge) and the table holds
 * at most 'max_entries': learning a new address into a full table evicts
 * the entry seen longest ago, so a flood of random source addresses can
 * cost CPU but never unbounded memory.
 *
 * Entries are kept on a list in order of last sighting (oldest first),
 * which makes both ageing and eviction O(1) per entry removed.  Time is
 * clock_msec(); tests drive it with the fake clock. */
#ifndef SW_MAC_LEARNING_H
#define SW_MAC_LEARNING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_DEFAULT_IDLE_SEC 300
#define MAC_DEFAULT_MAX_ENTRIES 8192

struct mac_learning;

struct mac_learning *mac_learning_create(unsigned idle_sec,
                                         size_t max_entries);
void mac_learning_destroy(struct mac_learning *);

/* 0 selects the default. */
void mac_learning_set_idle_time(struct mac_learning *, unsigned idle_sec);
void mac_learning_set_max_entries(struct mac_learning *, size_t max);

/* Records that 'mac' on 'vlan' (a VID, 0 for untagged) was seen on
 * 'port'.  Multicast sources are never learned.  Returns true if the
 * table changed (new entry or a move to another port). */
bool mac_learning_learn(struct mac_learning *, const uint8_t mac[6],
                        uint16_t vlan, uint16_t port);
/* The port 'mac' on 'vlan' was last seen on, or false if unknown (or
 * aged out). */
bool mac_learning_lookup(const struct mac_learning *, const uint8_t mac[6],
                         uint16_t vlan, uint16_t *port);

/* Removes aged-out entries; returns how many. */
size_t mac_learning_run(struct mac_learning *);
/* clock_msec() when the oldest entry ages out, or INT64_MAX. */
int64_t mac_learning_next_expiry(const struct mac_learning *);
/* Forgets every entry on 'port' (it went away), or everything. */
void mac_learning_flush_port(struct mac_learning *, uint16_t port);
void mac_learning_flush(struct mac_learning *);
size_t mac_learning_count(const struct mac_learning *);
/* Entries evicted because the table was full. */
uint64_t mac_learning_n_evicted(const struct mac_learning *);

/* Calls 'cb' for each entry, oldest sighting first; 'age_sec' is the
 * time since the last sighting. */
void mac_learning_for_each(const struct mac_learning *,
                           void (*cb)(uint16_t port, uint16_t vlan,
                                      const uint8_t mac[6], int64_t age_sec,
                                      void *aux),
                           void *aux);

#endif
