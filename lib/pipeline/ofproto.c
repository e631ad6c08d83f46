/* ofproto: a bridge's tables, ports, statistics, timeouts and learning.
 * flow_mod lives in ofproto-flowmod.c, dumps in ofproto-dump.c, execution
 * in xlate.c. */
#include "ofproto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hash.h"
#include "log.h"
#include "ofproto-private.h"
#include "util.h"

/* ---- Retired action lists (see ofproto-private.h). ---- */

static struct ofpact **retired;
static size_t n_retired, allocated_retired;

static void retire_ofpacts(struct ofpact *ofpacts)
{
    if (!ofpacts) {
        return;
    }
    if (n_retired >= allocated_retired) {
        retired = x2nrealloc(retired, &allocated_retired, n_retired + 1,
                             sizeof *retired);
    }
    retired[n_retired++] = ofpacts;
}

void ofproto_free_retired(void)
{
    for (size_t i = 0; i < n_retired; i++) {
        free(retired[i]);
    }
    n_retired = 0;
    if (allocated_retired > 64) {
        free(retired);
        retired = NULL;
        allocated_retired = 0;
    }
}

/* ---- Rules. ---- */

static void learned_link(struct rule *learner, struct rule *r)
{
    r->learned_by = learner;
    r->sib_prev = NULL;
    r->sib_next = learner->children;
    if (learner->children) {
        learner->children->sib_prev = r;
    } else {
        learner->children_tail = r;
    }
    learner->children = r;
}

static void learned_unlink(struct rule *r)
{
    struct rule *learner = r->learned_by;
    if (!learner) {
        return;
    }
    if (r->sib_prev) {
        r->sib_prev->sib_next = r->sib_next;
    } else {
        learner->children = r->sib_next;
    }
    if (r->sib_next) {
        r->sib_next->sib_prev = r->sib_prev;
    } else {
        learner->children_tail = r->sib_prev;
    }
    r->sib_prev = r->sib_next = NULL;
    r->learned_by = NULL;
}

/* ---- Flows per (table, cookie), for learn(limit=N). ---- */

struct cookie_count {
    struct hmap_node node;
    uint64_t cookie;
    uint8_t table_id;
    size_t n;
};

static uint32_t cookie_hash(uint8_t table_id, uint64_t cookie)
{
    return hash_finish(hash_add64(table_id, cookie), 12);
}

static struct cookie_count *
cookie_count_find(const struct ofproto *p, uint8_t table_id, uint64_t cookie)
{
    struct cookie_count *cc;
    HMAP_FOR_EACH_WITH_HASH (cc, node, cookie_hash(table_id, cookie),
                             &p->cookie_counts) {
        if (cc->table_id == table_id && cc->cookie == cookie) {
            return cc;
        }
    }
    return NULL;
}

void cookie_count_add(struct ofproto *p, uint8_t table_id, uint64_t cookie,
                      int delta)
{
    struct cookie_count *cc = cookie_count_find(p, table_id, cookie);
    if (!cc) {
        cc = xzalloc(sizeof *cc);
        cc->cookie = cookie;
        cc->table_id = table_id;
        hmap_insert(&p->cookie_counts, &cc->node,
                    cookie_hash(table_id, cookie));
    }
    cc->n = delta > 0 ? cc->n + 1 : cc->n - 1;
    if (!cc->n) {
        hmap_remove(&p->cookie_counts, &cc->node);
        hmap_shrink(&p->cookie_counts);
        free(cc);
    }
}

static size_t cookie_count_get(const struct ofproto *p, uint8_t table_id,
                               uint64_t cookie)
{
    const struct cookie_count *cc = cookie_count_find(p, table_id, cookie);
    return cc ? cc->n : 0;
}

static bool rule_actions_inline(const struct rule *r)
{
    return r->ofpacts == (const void *)r->inline_ofpacts;
}

/* Gives 'r' a copy of 'ofpacts'.  The old list is freed, or retired when
 * 'retire' says an execution may still be reading it. */
void rule_replace_actions(struct ofproto *p, struct rule *r,
                          const struct ofpact *ofpacts, size_t len,
                          bool retire)
{
    p->gen++; /* Pointers into the old list may be remembered. */
    if (!rule_actions_inline(r)) {
        if (retire) {
            retire_ofpacts(r->ofpacts);
        } else {
            free(r->ofpacts);
        }
    }
    r->ofpacts = len ? xmemdup(ofpacts, len) : NULL;
    r->ofpacts_len = (uint32_t)len;
}

struct rule *rule_create(const struct ofproto *p, const struct match *match,
                         int priority, uint8_t table_id,
                         const struct ofpact *acts, size_t len)
{
    size_t size = sizeof(struct rule) + ROUND_UP(len, 8);
    struct rule *r;
    if (classifier_count(&p->tables[table_id]) >= OFPROTO_BIG_TABLE
        && size <= SW_SLAB_MAX) {
        /* A big table is looked up at random: its rules go to the
         * huge-page slab, dense and covered by few TLB entries, with the
         * hot part (RULE_HOT_OFFSET onwards, what a batch prefetches)
         * starting a cache line so that it spans as few lines as it
         * can. */
        r = sw_slab_zalloc_hot(size, RULE_HOT_OFFSET);
        r->slab_size = (uint16_t)size;
    } else {
        r = xzalloc(size);
    }
    cls_rule_init(&r->cr, match, priority);
    r->table_id = table_id;
    r->created = r->modified = r->used = clock_msec();
    if (len) {
        memcpy(r->inline_ofpacts, acts, len);
    }
    r->ofpacts = (struct ofpact *)(void *)r->inline_ofpacts;
    r->ofpacts_len = (uint32_t)len;
    return r;
}

static void rule_free(struct rule *r)
{
    cls_rule_destroy(&r->cr);
    if (!rule_actions_inline(r)) {
        free(r->ofpacts);
    }
    if (r->slab_size) {
        sw_slab_free_hot(r, r->slab_size, RULE_HOT_OFFSET);
    } else {
        free(r);
    }
}

/* Frees 'r', already out of its table, or keeps it for later while a
 * dump may still hold a pointer to it. */
bool graveyard_needed(const struct ofproto *p)
{
    if (p->dumps) {
        return true;
    }
    for (const struct ofproto_batch *b = p->batches; b; b = b->next) {
        if (b->selected) {
            return true;
        }
    }
    return false;
}

void rule_release(struct ofproto *p, struct rule *r)
{
    if (!graveyard_needed(p)) {
        rule_free(r);
        return;
    }
    r->flags |= RULE_F_DOOMED;
    if (p->n_graveyard >= p->allocated_graveyard) {
        p->graveyard = x2nrealloc(p->graveyard, &p->allocated_graveyard,
                                  p->n_graveyard + 1, sizeof *p->graveyard);
    }
    p->graveyard[p->n_graveyard++] = r;
}

void graveyard_free(struct ofproto *p)
{
    for (size_t i = 0; i < p->n_graveyard; i++) {
        rule_free(p->graveyard[i]);
    }
    free(p->graveyard);
    p->graveyard = NULL;
    p->n_graveyard = p->allocated_graveyard = 0;
}

static void table_list_append(struct ofproto *p, struct rule *r)
{
    uint8_t t = r->table_id;
    r->tnext = NULL;
    r->tprev = p->ttail[t];
    if (r->tprev) {
        r->tprev->tnext = r;
    } else {
        p->thead[t] = r;
    }
    p->ttail[t] = r;
}

static void table_list_remove(struct ofproto *p, struct rule *r)
{
    for (struct ofproto_dump *d = p->dumps; d; d = d->next) {
        if (d->cursor == r) {
            d->cursor = r->tnext; /* A dump never walks a removed rule. */
        }
    }
    uint8_t t = r->table_id;
    if (r->tprev) {
        r->tprev->tnext = r->tnext;
    } else {
        p->thead[t] = r->tnext;
    }
    if (r->tnext) {
        r->tnext->tprev = r->tprev;
    } else {
        p->ttail[t] = r->tprev;
    }
    r->tprev = r->tnext = NULL;
}

/* Inserts new rule 'r' (replacing an identical one, which it returns with
 * its links moved to 'r'). */
struct rule *rule_insert(struct ofproto *p, struct rule *r)
{
    struct cls_rule *old_cr =
        classifier_replace(&p->tables[r->table_id], &r->cr);
    struct rule *old = rule_from_cls(old_cr);
    if (old) {
        table_list_remove(p, old);
    }
    table_list_append(p, r);
    cookie_count_add(p, r->table_id, r->cookie, 1);
    if (old) {
        cookie_count_add(p, old->table_id, old->cookie, -1);
        expire_unfile(p, old);
        /* The new flow takes the old one's place for delete_learned: its
         * learner and the flows it learned stay tied to it. */
        struct rule *learner = old->learned_by;
        bool del = old->flags & RULE_F_DEL_LEARNED;
        learned_unlink(old);
        if (learner) {
            learned_link(learner, r);
            if (del) {
                r->flags |= RULE_F_DEL_LEARNED;
            }
        }
        while (old->children) {
            struct rule *c = old->children;
            learned_unlink(c);
            learned_link(r, c);
        }
    } else {
        p->n_flows++;
    }
    uint8_t t = r->table_id;
    if (classifier_count(&p->tables[t]) >= OFPROTO_BIG_TABLE) {
        p->big_tables[t / 64] |= UINT64_C(1) << (t % 64);
    }
    expire_file(p, r);
    return old;
}

/* Removes every rule in 'v', and with them the flows they learned with
 * delete_learned (which are appended to 'v' as they are found, so a rule
 * selected twice is never freed twice).  Each removal is reported with
 * 'reason', or with the rule's own 'remove_reason' when 'reason' is
 * negative (timeouts differ per rule); flows that go with their learner
 * are reported as DELETE_LEARNED.  Frees the vector's array. */
void rules_remove(struct ofproto *p, struct rule_vec *v, int reason)
{
    for (size_t i = 0; i < v->n; i++) {
        v->rules[i]->flags |= RULE_F_DOOMED;
        if (reason >= 0) {
            v->rules[i]->remove_reason = (uint8_t)reason;
        }
    }
    if (v->n) {
        p->gen++;
    }
    for (size_t i = 0; i < v->n; i++) {
        struct rule *r = v->rules[i];
        while (r->children) {
            struct rule *c = r->children;
            learned_unlink(c);
            if ((c->flags & RULE_F_DEL_LEARNED)
                && !(c->flags & RULE_F_DOOMED)) {
                c->flags |= RULE_F_DOOMED;
                c->remove_reason = OFPROTO_REASON_DELETE_LEARNED;
                rule_vec_push(v, c);
            }
        }
        learned_unlink(r);
        expire_unfile(p, r);
        classifier_remove(&p->tables[r->table_id], &r->cr);
        table_list_remove(p, r);
        cookie_count_add(p, r->table_id, r->cookie, -1);
        p->n_flows--;
        ofproto_report(p, r, OFPROTO_FLOW_DELETED, r->remove_reason);
        rule_release(p, r);
    }
    free(v->rules);
    v->rules = NULL;
    v->n = v->allocated = 0;
}

/* ---- Bridges and ports. ---- */

struct ofproto *ofproto_create(const char *name)
{
    struct ofproto *p = xzalloc(sizeof *p);
    p->name = xstrdup(name);
    for (size_t i = 0; i < OFPROTO_N_TABLES; i++) {
        classifier_init(&p->tables[i]);
    }
    portmap_init(&p->portmap);
    p->ml = mac_learning_create(MAC_DEFAULT_IDLE_SEC, MAC_DEFAULT_MAX_ENTRIES);
    p->flow_limit = OFPROTO_DEFAULT_FLOW_LIMIT;
    p->next_timeout = INT64_MAX;
    hmap_init(&p->cookie_counts);
    buf_init(&p->learn_ofpacts);
    return p;
}

void collect_all(const struct cls_rule *cr, void *v_)
{
    rule_vec_push(v_, rule_from_cls(cr));
}

void ofproto_destroy(struct ofproto *p)
{
    if (!p) {
        return;
    }
    p->flow_monitor_cb = NULL; /* A bridge going away reports nothing. */
    for (size_t i = 0; i < OFPROTO_N_TABLES; i++) {
        struct rule_vec v = { NULL, 0, 0 };
        classifier_for_each(&p->tables[i], collect_all, &v);
        rules_remove(p, &v, OFPROTO_REASON_CLIENT);
        classifier_destroy(&p->tables[i]);
    }
    /* Every rule is gone, and with it every count. */
    hmap_destroy(&p->cookie_counts);
    /* Dumps in progress end with their next step. */
    for (struct ofproto_dump *d = p->dumps; d; d = d->next) {
        d->p = NULL;
    }
    p->dumps = NULL;
    /* And batches with theirs (ofproto_batch_step() fails). */
    for (struct ofproto_batch *b = p->batches; b; b = b->next) {
        p->n_reserved -= b->reserved;
        b->reserved = 0;
        b->p = NULL;
    }
    p->batches = NULL;
    graveyard_free(p);
    portmap_destroy(&p->portmap);
    for (size_t i = 0; i < p->n_ports; i++) {
        free(p->ports[i].trunks);
    }
    free(p->ports);
    expire_destroy(p);
    mac_learning_destroy(p->ml);
    buf_uninit(&p->learn_ofpacts);
    free(p->name);
    free(p);
}

const char *ofproto_name(const struct ofproto *p)
{
    return p->name;
}

static size_t port_index(const struct ofproto *p, uint16_t port, bool *found)
{
    size_t lo = 0, hi = p->n_ports;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->ports[mid].port < port) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = lo < p->n_ports && p->ports[lo].port == port;
    return lo;
}

const struct ofport *ofproto_find_port(const struct ofproto *p, uint16_t port)
{
    bool found;
    size_t i = port_index(p, port, &found);
    return found ? &p->ports[i] : NULL;
}

static void portmap_rebuild(struct ofproto *p, uint16_t skip,
                            const char *add_name, uint16_t add_port)
{
    /* portmap has no delete: rebuild it without 'skip'. */
    struct portmap old = p->portmap;
    portmap_init(&p->portmap);
    for (size_t i = 0; i < old.n; i++) {
        if (old.entries[i].port != skip) {
            portmap_add(&p->portmap, old.entries[i].name, old.entries[i].port);
        }
    }
    if (add_name) {
        portmap_add(&p->portmap, add_name, add_port);
    }
    portmap_destroy(&old);
}

void ofproto_port_add(struct ofproto *p, uint16_t port, const char *name)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (!found) {
        if (p->n_ports >= p->allocated_ports) {
            p->ports = x2nrealloc(p->ports, &p->allocated_ports,
                                  p->n_ports + 1, sizeof *p->ports);
        }
        memmove(&p->ports[i + 1], &p->ports[i],
                (p->n_ports - i) * sizeof *p->ports);
        p->n_ports++;
    } else {
        free(p->ports[i].trunks);
    }
    p->ports[i] = (struct ofport){ .port = port, .up = true, .tag = -1 };
    p->version++;
    portmap_rebuild(p, port, name, port);
}

void ofproto_port_del(struct ofproto *p, uint16_t port)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (found) {
        free(p->ports[i].trunks);
        memmove(&p->ports[i], &p->ports[i + 1],
                (p->n_ports - i - 1) * sizeof *p->ports);
        p->n_ports--;
        portmap_rebuild(p, port, NULL, 0);
        mac_learning_flush_port(p->ml, port);
        p->version++;
    }
}

void ofproto_port_set_patch(struct ofproto *p, uint16_t port,
                            struct ofproto *peer, uint16_t peer_port)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (found) {
        p->ports[i].peer = peer;
        p->ports[i].peer_port = peer ? peer_port : 0;
        p->version++;
    }
}

void ofproto_port_set_vlan(struct ofproto *p, uint16_t port, int tag,
                           const uint16_t *trunks, size_t n)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (!found) {
        return;
    }
    struct ofport *op = &p->ports[i];
    bool same = op->tag == tag && op->n_trunks == n
                && (!n || !memcmp(op->trunks, trunks, n * sizeof *trunks));
    if (same) {
        return;
    }
    free(op->trunks);
    op->tag = tag;
    op->n_trunks = n;
    op->trunks = n ? xmemdup(trunks, n * sizeof *trunks) : NULL;
    /* What NORMAL learned on the old VLANs of the port is stale. */
    mac_learning_flush_port(p->ml, port);
    p->version++;
}

void ofproto_port_set_up(struct ofproto *p, uint16_t port, bool up)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (found && p->ports[i].up != up) {
        p->ports[i].up = up;
        p->version++;
    }
}

void ofproto_port_mod_config(struct ofproto *p, uint16_t port, uint32_t config,
                             uint32_t mask)
{
    bool found;
    size_t i = port_index(p, port, &found);
    if (!found) {
        return;
    }
    uint32_t new_config = (p->ports[i].config & ~mask) | (config & mask);
    if (p->ports[i].config != new_config) {
        p->ports[i].config = new_config;
        p->version++; /* Cached walks may flood to it or read from it. */
    }
}

uint32_t ofproto_port_get_config(const struct ofproto *p, uint16_t port)
{
    bool found;
    size_t i = port_index(p, port, &found);
    return found ? p->ports[i].config : 0;
}

uint64_t ofproto_version(const struct ofproto *p)
{
    return p->version;
}

const struct portmap *ofproto_portmap(const struct ofproto *p)
{
    return &p->portmap;
}

void ofproto_set_flow_limit(struct ofproto *p, size_t limit)
{
    p->flow_limit = limit;
}

size_t ofproto_get_flow_limit(const struct ofproto *p)
{
    return p->flow_limit;
}

void ofproto_log_summary(struct ofproto *p)
{
    const struct ofproto_stats *now = &p->stats, *was = &p->logged;
    uint64_t evicted = now->n_evicted - was->n_evicted;
    uint64_t failed = now->n_learn_failed - was->n_learn_failed;
    uint64_t limited = now->n_learn_limited - was->n_learn_limited;
    uint64_t refused = now->n_add_refused - was->n_add_refused;
    if (!(evicted | failed | limited | refused)) {
        return;
    }
    int64_t msec = clock_msec();
    if (p->logged_msec && msec - p->logged_msec < OFPROTO_SUMMARY_MSEC) {
        return;
    }
    LOG(LOG_WARN,
        "%s: %zu flows, limit %zu; since the last report: %llu learned "
        "flows evicted, %llu learns failed (nothing to evict), %llu "
        "learns refused by learn(limit), %llu flow adds refused",
        p->name, p->n_flows, p->flow_limit, (unsigned long long)evicted,
        (unsigned long long)failed, (unsigned long long)limited,
        (unsigned long long)refused);
    p->logged = *now;
    p->logged_msec = msec ? msec : 1;
}

void ofproto_get_stats(const struct ofproto *p, struct ofproto_stats *s)
{
    *s = p->stats;
}

void ofproto_fdb_dump(const struct ofproto *p,
                      void (*cb)(uint16_t port, uint16_t vlan,
                                 const uint8_t mac[6], int64_t age_sec,
                                 void *aux),
                      void *aux)
{
    mac_learning_for_each(p->ml, cb, aux);
}

void ofproto_fdb_flush(struct ofproto *p)
{
    mac_learning_flush(p->ml);
    p->version++;
}

void ofproto_set_mac_aging(struct ofproto *p, unsigned idle_sec,
                           size_t max_entries)
{
    if (idle_sec) {
        mac_learning_set_idle_time(p->ml, idle_sec);
    }
    if (max_entries) {
        mac_learning_set_max_entries(p->ml, max_entries);
    }
}

void ofproto_set_packet_in_cb(struct ofproto *p,
                              void (*cb)(const struct ofproto_packet_in *,
                                         void *aux),
                              void *aux)
{
    p->packet_in_cb = cb;
    p->packet_in_aux = aux;
}

void ofproto_set_flow_monitor_cb(struct ofproto *p,
                                 void (*cb)(const struct ofproto_flow_change *,
                                            void *aux),
                                 void *aux)
{
    p->flow_monitor_cb = cb;
    p->flow_monitor_aux = aux;
}

void rule_stats_to_print(const struct rule *r, int64_t now,
                         struct flow_print *fp)
{
    fp->show_stats = true;
    fp->duration_msec = now - r->created;
    fp->n_packets = r->n_packets;
    fp->n_bytes = r->n_bytes;
    fp->idle_age = (now - r->used) / 1000;
    fp->hard_age =
        (r->flags & RULE_F_MODIFIED) ? (now - r->modified) / 1000 : -1;
}

void ofproto_report(struct ofproto *p, const struct rule *r,
                    enum ofproto_flow_event event,
                    enum ofproto_flow_reason reason)
{
    /* Every add, modify and removal passes here: what the flow saver
     * watches (ofproto_change_seq()). */
    p->change_seq++;
    p->version++; /* And what a cache of walks watches. */
    if (!p->flow_monitor_cb) {
        return;
    }
    struct match m;
    struct flow_print fp;
    ofproto_rule_to_print(r, &m, &fp);
    if (event != OFPROTO_FLOW_ADDED) {
        rule_stats_to_print(r, clock_msec(), &fp);
    }
    struct ofproto_flow_change change = {
        .ofproto = p,
        .event = event,
        .reason = reason,
        .flow = &fp,
    };
    p->flow_monitor_cb(&change, p->flow_monitor_aux);
}

size_t ofproto_n_flows(const struct ofproto *p)
{
    return p->n_flows;
}

void ofproto_table_stats(const struct ofproto *p, uint8_t table,
                         struct ofproto_table_stats *s)
{
    if (table >= OFPROTO_N_TABLES) {
        memset(s, 0, sizeof *s);
        return;
    }
    *s = p->tstats[table];
    s->active = classifier_count(&p->tables[table]);
}

/* ---- Rules as dumps and trace show them. ---- */

void ofproto_rule_to_print(const struct rule *r, struct match *match,
                           struct flow_print *fp)
{
    cls_rule_get_match(&r->cr, match);
    memset(fp, 0, sizeof *fp);
    fp->match = match;
    fp->priority = r->cr.priority;
    fp->table_id = r->table_id;
    fp->cookie = r->cookie;
    fp->idle_timeout = r->idle_timeout;
    fp->hard_timeout = r->hard_timeout;
    fp->importance = r->importance;
    fp->flags = r->flags & 0x3f;
    fp->ofpacts = r->ofpacts;
    fp->ofpacts_len = r->ofpacts_len;
    fp->hard_age = -1;
}

/* ---- Timeouts. ---- */

size_t ofproto_run(struct ofproto *p)
{
    int64_t now = clock_msec();
    if (mac_learning_run(p->ml)) {
        p->version++;
    }
    ofproto_log_summary(p);
    if (!p->exp_pass && now < p->next_timeout) {
        return 0;
    }
    struct rule_vec v = { NULL, 0, 0 };
    p->exp_pass = !expire_collect(p, now, &v);
    size_t n_before = p->n_flows;
    rules_remove(p, &v, -1);
    size_t n = n_before - p->n_flows;
    p->stats.n_expired += n;
    p->exp_removed += n;
    if (!p->exp_pass && p->exp_removed >= OFPROTO_EXPIRE_SLICE) {
        p->exp_removed = 0;
        sw_trim_memory();
    }
    return n;
}

uint64_t ofproto_change_seq(const struct ofproto *p)
{
    return p->change_seq;
}

int64_t ofproto_next_timeout(const struct ofproto *p)
{
    if (p->exp_pass) {
        return 0; /* Long past: the pass goes on at once. */
    }
    return SW_MIN(p->next_timeout, mac_learning_next_expiry(p->ml));
}

static void reduce_timeout(uint16_t *t, uint16_t to)
{
    if (to && (!*t || *t > to)) {
        *t = to;
    }
}

void ofproto_rule_reduce_timeouts(struct ofproto *p, struct rule *r,
                                  uint16_t idle, uint16_t hard)
{
    reduce_timeout(&r->idle_timeout, idle);
    reduce_timeout(&r->hard_timeout, hard);
    /* Due sooner: filed again (which also tells the flow timer). */
    expire_refile(p, r);
}

/* ---- Learning. ---- */

/* When a flow was last of use: hit by a packet or refreshed by a learn. */
static int64_t rule_last_active(const struct rule *r)
{
    return SW_MAX(r->used, r->modified);
}

/* Makes room for one flow that 'learner' learns into 'table' by evicting
 * one it learned there before (see ofproto_set_flow_limit()).  Returns
 * false if it has none. */
static bool evict_for_learn(struct ofproto *p, struct rule *learner,
                            uint8_t table)
{
    if (!learner) {
        return false;
    }
    struct rule *seen[OFPROTO_EVICT_SCAN];
    size_t n_seen = 0, steps = 0;
    struct rule *victim = NULL;
    for (struct rule *r = learner->children_tail;
         r && n_seen < OFPROTO_EVICT_SCAN && steps < 4 * OFPROTO_EVICT_SCAN;
         r = r->sib_prev, steps++) {
        if (r->table_id != table || r->flags & RULE_F_DOOMED) {
            continue;
        }
        if (rule_last_active(r) == r->created) {
            /* Never hit nor refreshed since it was learned, as every
             * flow of a flood of new source MACs: it goes at once, and
             * a storm costs one look per eviction instead of
             * OFPROTO_EVICT_SCAN looks and as many moves. */
            victim = r;
            break;
        }
        seen[n_seen++] = r;
        if (!victim || rule_last_active(r) < rule_last_active(victim)) {
            victim = r;
        }
    }
    if (!victim) {
        return false;
    }
    /* The others get a second chance: to the front of the queue. */
    for (size_t i = 0; i < n_seen; i++) {
        if (seen[i] != victim) {
            learned_unlink(seen[i]);
            learned_link(learner, seen[i]);
        }
    }
    struct rule_vec v = { NULL, 0, 0 };
    rule_vec_push(&v, victim);
    rules_remove(p, &v, OFPROTO_REASON_EVICTED);
    p->stats.n_evicted++;
    return true;
}

enum learn_result ofproto_learn_install(struct ofproto *p,
                                        struct rule *learner,
                                        const struct ofpact_learn *learn,
                                        const struct match *match,
                                        const struct ofpact *acts, size_t len,
                                        int64_t now)
{
    uint8_t table = learn->table_id;
    if (table >= OFPROTO_N_TABLES) {
        return LEARN_BAD_TABLE;
    }
    struct rule *r = rule_from_cls(
        classifier_find_exactly(&p->tables[table], match, learn->priority));
    if (r) {
        enum learn_result what = LEARN_REFRESHED;
        bool changed = !ofpacts_equal(r->ofpacts, r->ofpacts_len, acts, len);
        if (changed) {
            rule_replace_actions(p, r, acts, len, true);
            what = LEARN_MODIFIED;
        }
        r->modified = now;
        r->flags |= RULE_F_MODIFIED;
        if (learner && r->learned_by != learner) {
            learned_unlink(r);
            learned_link(learner, r);
            if (learn->flags & LEARN_F_DELETE_LEARNED) {
                r->flags |= RULE_F_DEL_LEARNED;
            }
        }
        if (changed) {
            /* A refresh with the same actions is not reported: see
             * ofproto_set_flow_monitor_cb(). */
            ofproto_report(p, r, OFPROTO_FLOW_MODIFIED,
                           OFPROTO_REASON_LEARNED);
        }
        return what;
    }
    if (learn->limit
        && cookie_count_get(p, table, learn->cookie) >= learn->limit) {
        p->stats.n_learn_limited++;
        ofproto_log_summary(p);
        return LEARN_LIMITED;
    }
    if (p->n_flows + p->n_reserved >= p->flow_limit
        && !evict_for_learn(p, learner, table)) {
        p->stats.n_learn_failed++;
        ofproto_log_summary(p);
        return LEARN_TABLE_FULL;
    }
    r = rule_create(p, match, learn->priority, table, acts, len);
    r->created = r->modified = r->used = now;
    r->cookie = learn->cookie;
    r->idle_timeout = learn->idle_timeout;
    r->hard_timeout = learn->hard_timeout;
    if (learn->flags & LEARN_F_SEND_FLOW_REM) {
        r->flags |= FM_F_SEND_FLOW_REM;
    }
    if (learner) {
        learned_link(learner, r);
        if (learn->flags & LEARN_F_DELETE_LEARNED) {
            r->flags |= RULE_F_DEL_LEARNED;
        }
    }
    rule_insert(p, r);
    ofproto_report(p, r, OFPROTO_FLOW_ADDED, OFPROTO_REASON_LEARNED);
    return LEARN_ADDED;
}

const char *learn_result_name(enum learn_result r)
{
    switch (r) {
    case LEARN_ADDED:
        return "added";
    case LEARN_MODIFIED:
        return "modified";
    case LEARN_REFRESHED:
        return "refreshed";
    case LEARN_LIMITED:
        return "learn limit reached";
    case LEARN_TABLE_FULL:
        return "table full";
    case LEARN_BAD_TABLE:
        return "bad table";
    }
    return "?";
}
