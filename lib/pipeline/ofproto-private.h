/* ofproto-private: what ofproto.c (tables, stats), its companions
 * ofproto-flowmod.c (flow_mod), ofproto-dump.c (dumps),
 * ofproto-expire.c (timeouts) and ofproto-save.c, and xlate.c
 * (execution) share.  Nothing outside lib/pipeline includes this
 * header.
 *
 * A rule is one allocation plus one for its actions.  It embeds its
 * cls_rule, so the classifier's lookup result is turned back into the
 * rule with CONTAINER_OF and no extra indirection.  Rules with a timeout
 * are filed by when they may expire (ofproto-expire.c); a learned rule
 * sits on its
 * learner's 'children' list so delete_learned and learner removal are
 * O(children). */
#ifndef SW_OFPROTO_PRIVATE_H
#define SW_OFPROTO_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "buf.h"
#include "classifier.h"
#include "hmap.h"
#include "mac-learning.h"
#include "ofproto.h"
#include "util.h"

/* rule->flags: the low bits are FM_F_* as given in the flow_mod. */
#define RULE_F_MODIFIED 0x40    /* Modified since creation (hard_age). */
#define RULE_F_DEL_LEARNED 0x80 /* Delete me when my learner goes. */
#define RULE_F_DOOMED 0x100     /* Being removed by the current batch. */
#define RULE_F_IN_WHEEL 0x200   /* Filed in a slot of the expiry wheel. */

struct rule {
    /* Cold: flow_mod, dumps, timeouts and learning bookkeeping. */
    uint64_t cookie;
    int64_t created;                  /* clock_msec(). */
    struct rule *children;            /* Rules I learned (head). */
    struct rule *children_tail;       /* ...and the eviction end. */
    struct rule *sib_prev, *sib_next; /* In learned_by->children. */
    struct rule **exp_pprev;          /* Filed for expiry (NULL: not), */
    struct rule *exp_next;            /* ...in a list of ofproto-expire.c. */
    struct rule *tprev, *tnext;       /* In its table's list (oldest
                                       * first), which a dump walks a
                                       * slice at a time. */

    /* Warm: what a learn refresh touches besides the hot part ('modified'
     * written, 'learned_by' and 'flags' read and written), right before
     * it, so that a refresh reads one run of bytes too. */
    int64_t modified;        /* clock_msec(). */
    struct rule *learned_by; /* Learner, or NULL (a refresh checks it). */
    uint16_t idle_timeout, hard_timeout, importance;
    uint16_t flags;
    uint8_t table_id;
    uint8_t remove_reason; /* enum ofproto_flow_reason, while removed. */
    uint16_t slab_size;    /* Size given to sw_slab_zalloc(), or 0 when
                            * from malloc. */

    /* Hot: what a lookup and a hit read, from the end of 'cr'
     * (CLS_RULE_HOT: its values and priority) to the first inline
     * actions: 128 bytes for a learned MAC flow, two cache lines when the
     * slab aligns RULE_HOT_OFFSET to a line, however large the table. */
    struct cls_rule cr;
    uint64_t n_packets, n_bytes;
    int64_t used;           /* clock_msec(). */
    struct ofpact *ofpacts; /* 'inline_ofpacts', or a heap copy after a
                             * modify changed them. */
    uint32_t ofpacts_len;
    uint64_t inline_ofpacts[]; /* The actions given at creation. */
};

/* Where the hot part starts, from the start of a rule. */
#define RULE_HOT_OFFSET (offsetof(struct rule, cr) + CLS_RULE_HOT)
/* It fills one cache line, and the inline actions start the next. */
_Static_assert(sizeof(struct rule) - RULE_HOT_OFFSET == 64,
               "a hit reads one line of struct rule before its actions");

static inline struct rule *rule_from_cls(const struct cls_rule *cr)
{
    return cr ? CONTAINER_OF(cr, struct rule, cr) : NULL;
}

/* See struct ofproto's 'big_tables' and 'learn_hints'. */
#define OFPROTO_BIG_TABLE 4096
#define OFPROTO_LEARN_HINTS 16

struct ofport {
    uint16_t port;
    bool up;
    uint32_t config;      /* enum ofport_config bits (mod-port). */
    struct ofproto *peer; /* Patch peer bridge, or NULL. */
    uint16_t peer_port;
    /* NORMAL's view of the port: an access port of VLAN 'tag', or (tag
     * -1) a trunk carrying the VLANs in 'trunks' (all if n_trunks is 0).
     * 'trunks' is owned here. */
    int tag;
    uint16_t *trunks;
    size_t n_trunks;
};

struct ofproto {
    char *name;
    struct classifier tables[OFPROTO_N_TABLES];
    /* Each table's rules as a list, oldest first: a dump gathers a table
     * from it a slice at a time (the classifier's slots move on every
     * insert and removal; the list only loses what is removed, and a
     * dump whose next rule goes is moved past it). */
    struct rule *thead[OFPROTO_N_TABLES], *ttail[OFPROTO_N_TABLES];
    struct ofproto_table_stats tstats[OFPROTO_N_TABLES]; /* 'active' is
                                                          * read live. */
    struct portmap portmap;
    struct ofport *ports; /* Sorted by port number. */
    size_t n_ports, allocated_ports;
    struct mac_learning *ml;

    size_t n_flows, flow_limit;
    int64_t next_timeout; /* Lower bound on the next expiry. */
    struct ofproto_stats stats;

    /* Rules with a timeout, filed by a lower bound of their expiry
     * (ofproto-expire.c): EXP_SLOTS lists (NULL until the first such
     * rule), the next of which to drain is slot 'exp_base', and the
     * rules due within two slots.  Expiry runs in slices (ofproto_run):
     * 'exp_pass' while the due flows did not all fit in one. */
    struct rule **exp_wheel;
    int64_t exp_base;
    size_t exp_n_wheel;
    struct rule *exp_near;
    bool exp_pass;
    size_t exp_removed; /* Since the last memory trim. */

    /* Resumable dumps in progress (ofproto_dump_start).  While there is
     * one, removed rules are not freed but kept in 'graveyard' (marked
     * RULE_F_DOOMED, out of every table), so that a dump that resumes
     * never reads freed memory; they are freed when the last dump
     * ends. */
    struct ofproto_dump *dumps;
    struct rule **graveyard;
    size_t n_graveyard, allocated_graveyard;

    /* Batches being applied in slices (ofproto-flowmod.c), and the room
     * they hold below 'flow_limit' for the flows they are still to add:
     * learning and other flow_mods count it as taken. */
    struct ofproto_batch *batches;
    size_t n_reserved;

    /* Flows per (table, cookie), for learn(limit=N). */
    struct hmap cookie_counts;

    /* The learning summary (ofproto_log_summary). */
    struct ofproto_stats logged;
    int64_t logged_msec;

    void (*packet_in_cb)(const struct ofproto_packet_in *, void *aux);
    void *packet_in_aux;

    /* Scratch reused per packet so execution does not allocate. */
    struct buf learn_ofpacts;

    /* Flow monitor hook (ofproto_set_flow_monitor_cb). */
    void (*flow_monitor_cb)(const struct ofproto_flow_change *, void *aux);
    void *flow_monitor_aux;

    /* Bumped whenever a rule is freed or its action list replaced, so a
     * remembered pointer to a rule or to its actions (the learn hints
     * below) is trusted only while the generation it was taken in
     * lasts.  Adding flows and refreshing learned ones leave it alone. */
    uint64_t gen;

    /* Bumped by every change that can change what a walk does: a flow
     * added, modified or removed (by anyone, learn included, but not a
     * learn that only refreshes), a port added, removed, re-patched or
     * brought up or down, and NORMAL's MAC table learning, moving or
     * forgetting a MAC.  A cache of walk results (lib/datapath) trusts
     * an entry only while this is unchanged (ofproto_version()). */
    uint64_t version;

    /* Tables that held at least OFPROTO_BIG_TABLE rules when last seen
     * (a bit per table): the ones a batch prefetches for.  Set on
     * insert; a stale bit only costs a useless prefetch and is cleared
     * when the batch sees the table has shrunk. */
    uint64_t big_tables[4];

    /* Learn hints for batches: the learn action that the last packet
     * received on a port ran (in this bridge, not behind a patch port),
     * valid while 'gen' is unchanged.  A batch uses it to prefetch the
     * flow a packet's learn will refresh.  Only a hint: a wrong one
     * wastes a prefetch, nothing else. */
    struct {
        const struct ofpact_learn *learn;
        uint64_t gen;
        uint16_t in_port;
    } learn_hints[OFPROTO_LEARN_HINTS];
    /* Bumped by every flow added, modified or removed (ofproto_report),
     * never by a learn that only refreshes a flow or by a packet. */
    uint64_t change_seq;
};

/* A growable list of rules (to remove). */
struct rule_vec {
    struct rule **rules;
    size_t n, allocated;
};
static inline void rule_vec_push(struct rule_vec *v, struct rule *r)
{
    if (v->n >= v->allocated) {
        v->rules =
            x2nrealloc(v->rules, &v->allocated, v->n + 1, sizeof *v->rules);
    }
    v->rules[v->n++] = r;
}

/* Rules (ofproto.c), for ofproto-flowmod.c. */
void cookie_count_add(struct ofproto *, uint8_t table_id, uint64_t cookie,
                      int delta);
/* Gives 'r' a copy of 'ofpacts'.  The old list is freed, or retired when
 * 'retire' says an execution may still be reading it. */
void rule_replace_actions(struct ofproto *, struct rule *,
                          const struct ofpact *, size_t len, bool retire);
struct rule *rule_create(const struct ofproto *, const struct match *,
                         int priority, uint8_t table_id, const struct ofpact *,
                         size_t len);
/* Inserts new rule 'r' (replacing an identical one, which it returns with
 * its links moved to 'r'). */
struct rule *rule_insert(struct ofproto *, struct rule *);
/* Frees 'r', already out of its table, or keeps it for later while a
 * dump may still hold a pointer to it. */
void rule_release(struct ofproto *, struct rule *);
/* Removes every rule in 'v' and the flows they learned with
 * delete_learned (see ofproto.c); frees the vector's array. */
void rules_remove(struct ofproto *, struct rule_vec *, int reason);

/* Frees the rules kept for dumps in progress (see struct ofproto's
 * 'graveyard'), when the last one ends. */
void graveyard_free(struct ofproto *);
/* Fills the statistics of 'fp' (a flow_print of 'r') as of 'now': what a
 * dump and a monitor's modify or delete event show. */
void rule_stats_to_print(const struct rule *, int64_t now,
                         struct flow_print *);
/* Whether a removed rule must go to the graveyard: a dump runs, or a
 * batch holds the rules a delete or modify selected. */
bool graveyard_needed(const struct ofproto *);
/* classifier_for_each() callback: appends the rule to rule_vec 'v_'. */
void collect_all(const struct cls_rule *, void *v_);

/* flow_mod (ofproto-flowmod.c).  Does 'r' (whose match is 'match') pass
 * the selection of 'fm'? */
bool rule_selected(const struct rule *, const struct match *,
                   const struct flow_mod *, bool strict);
/* Appends the rules 'fm' selects to 'v', table by table. */
void rules_select(const struct ofproto *, const struct flow_mod *, bool strict,
                  struct rule_vec *);
/* A batch being applied in slices (ofproto-flowmod.c).  Defined here,
 * as struct ofproto_dump below, because ofproto_destroy() ends the
 * batches of a bridge that goes away and ofproto.c calls nothing in the
 * files that build on it. */
struct ofproto_batch {
    struct ofproto *p;          /* NULL once the bridge went away. */
    struct ofproto_batch *next; /* In p->batches. */
    const struct flow_mod *fms;
    size_t n;
    size_t pos;       /* The next flow_mod to check, then to apply. */
    bool checked;     /* All checked: now applying. */
    size_t new_flows; /* Counted by the check... */
    size_t freed;     /* ...and the flows its strict deletes remove. */
    size_t reserved;  /* What this batch holds of p->n_reserved. */
    bool finished;    /* A step returned true. */
    /* A loose delete or modify being applied: the rules it selected
     * (kept from being freed, while a batch runs, by the graveyard) and
     * the next of them to delete or modify. */
    bool selected;
    struct rule_vec sel;
    size_t sel_pos;
};

/* A dump in progress (ofproto-dump.c).  Defined here because
 * ofproto_destroy() ends the dumps of a bridge that goes away ('p' NULL)
 * and ofproto.c calls nothing in ofproto-dump.c, which builds on it. */
struct dump_item;
struct ofproto_dump {
    struct ofproto *p; /* NULL once the bridge went away. */
    struct ofproto_dump *next;
    struct flow_mod filter; /* Its 'ofpacts' unused (empty). */
    bool have_filter, strict;
    /* --sort: every table is collected before the sort, whose order is
     * the keys', then the dump's own (table, priority, age, match). */
    struct ofproto_sort_key *keys;
    size_t n_keys;
    union mf_value *vals;    /* n_keys per item, filled a run at a time. */
    size_t table;            /* The next table to collect. */
    bool in_table;           /* Gathering table 'table' - 1... */
    struct rule *cursor;     /* ...from this rule on (NULL: done). */
    int phase;               /* enum dump_phase (ofproto-dump.c). */
    struct dump_item *items; /* The table(s) being dumped, in runs of
                              * DUMP_RUN: */
    size_t n_items, allocated;
    size_t n_sorted; /* Items in sorted runs so far. */
    size_t *cur;     /* Per run, its next item to report... */
    size_t *heap;    /* ...and the runs by that item, least first. */
    size_t n_heap, n_runs;
};

/* Timeouts (ofproto-expire.c).  When 'r' expires if nothing refreshes
 * it, or INT64_MAX. */
bool rule_has_timeout(const struct rule *);
int64_t rule_expiry(const struct rule *);
/* Files a rule with a timeout for expiry (nothing without one), takes
 * one off, and files one again after its expiry moved EARLIER (its
 * timeouts were reduced, its times restored): a later expiry (a hit, a
 * learn refresh, a modify) needs nothing. */
void expire_file(struct ofproto *, struct rule *);
void expire_unfile(struct ofproto *, struct rule *);
void expire_refile(struct ofproto *, struct rule *);
/* Takes the rules due at 'now' off their lists into 'due' (each with its
 * remove_reason), at most OFPROTO_EXPIRE_SLICE of them after looking at
 * at most OFPROTO_EXPIRE_SCAN; returns false if more may be due, else
 * sets 'next_timeout'. */
bool expire_collect(struct ofproto *, int64_t now, struct rule_vec *due);
void expire_destroy(struct ofproto *);

/* ofproto.c services for xlate.c. */
const struct ofport *ofproto_find_port(const struct ofproto *, uint16_t);
/* What installing a learned flow did. */
enum learn_result {
    LEARN_ADDED,      /* A new flow. */
    LEARN_MODIFIED,   /* An existing flow got new actions. */
    LEARN_REFRESHED,  /* An existing flow, same actions: timeouts only. */
    LEARN_LIMITED,    /* learn(limit=N) reached: nothing installed. */
    LEARN_TABLE_FULL, /* Flow limit reached, nothing to evict. */
    LEARN_BAD_TABLE,  /* The learn names a table that does not exist. */
};
/* The result as trace shows it ("added", "table full"...). */
const char *learn_result_name(enum learn_result);

/* fin_timeout: gives 'r' the shorter of its own timeouts and 'idle' and
 * 'hard' (seconds; 0 leaves that one as it is). */
void ofproto_rule_reduce_timeouts(struct ofproto *, struct rule *r,
                                  uint16_t idle, uint16_t hard);

/* Installs the flow built by a learn action of 'learner' (may be NULL).
 * 'now' is the execution's clock_msec(). */
enum learn_result ofproto_learn_install(struct ofproto *, struct rule *learner,
                                        const struct ofpact_learn *,
                                        const struct match *,
                                        const struct ofpact *, size_t len,
                                        int64_t now);
/* A learn may replace the actions of a rule that the walk is still
 * reading (a rule learning into its own table), so action lists replaced
 * by learns during an execution are retired, not freed, until the
 * outermost execution ends and calls this.  Executions are
 * single-threaded, so the retired list is one per process. */
void ofproto_free_retired(void);
/* Reports a flow change to the monitor hook, if any. */
void ofproto_report(struct ofproto *, const struct rule *,
                    enum ofproto_flow_event, enum ofproto_flow_reason);
/* Fills 'fp' (without stats) and 'match' for trace events. */
void ofproto_rule_to_print(const struct rule *, struct match *,
                           struct flow_print *);

#endif
