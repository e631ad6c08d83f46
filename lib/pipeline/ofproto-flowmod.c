/* ofproto-flowmod: flow_mod, in one go (ofproto_flow_mods) or in slices
 * (ofproto_batch).
 *
 * flow_mod follows what ovs-ofctl does by default (OpenFlow 1.0 with
 * Nicira extensions):
 *   - add replaces a flow with the same match and priority; the new flow
 *     starts afresh (counters and duration reset), as OpenFlow 1.0 says.
 *   - modify / modify --strict replace the actions of the selected flows
 *     and keep their counters and duration (reset_counts clears them);
 *     hard_age restarts.  When nothing is selected and no cookie mask was
 *     given the flow is added, which is OpenFlow 1.0 behaviour.  The
 *     cookie changes only when a nonzero cookie is given without a mask
 *     (our flow_mod cannot tell "cookie=0" from no cookie).
 *   - delete / delete --strict remove the selected flows.
 *   - check_overlap refuses an add whose match overlaps another flow of
 *     the same priority in its table (EEXIST).
 *   - loose selection: the flow's match is at least as specific as the
 *     flow_mod's, any priority; strict: same match and same priority;
 *     both filtered by table (FM_TABLE_ALL = all), cookie/cookie_mask and
 *     out_port.
 * A learn is a modify --strict that keeps the flow's counters and
 * duration and never changes anything when the learned actions are
 * identical but the hard_age.
 *
 * Either way a batch is checked whole before anything changes: what
 * could make a flow_mod fail (a bad table, a missing prerequisite, a
 * goto backwards, check_overlap, the flow limit) is found first, so that
 * applying never fails half way and a rejected file installs nothing. */
#include "ofproto.h"

#include <errno.h>
#include <stdlib.h>

#include "clock.h"
#include "match.h"
#include "ofproto-private.h"
#include "util.h"

bool rule_selected(const struct rule *r, const struct match *match,
                   const struct flow_mod *fm, bool strict)
{
    if (fm->table_id != FM_TABLE_ALL && fm->table_id != r->table_id) {
        return false;
    }
    if ((r->cookie ^ fm->cookie) & fm->cookie_mask) {
        return false;
    }
    if (strict) {
        if (r->cr.priority != fm->priority
            || !match_equal(match, &fm->match)) {
            return false;
        }
    } else if (!match_is_subset_of(match, &fm->match)) {
        return false;
    }
    if (fm->out_port != OFPP_ANY
        && !ofpacts_output_to_port(r->ofpacts, r->ofpacts_len, fm->out_port)) {
        return false;
    }
    return true;
}

struct select_aux {
    const struct flow_mod *fm;
    bool strict;
    struct rule_vec *v;
};

static void select_cb(const struct cls_rule *cr, void *aux_)
{
    struct select_aux *aux = aux_;
    struct rule *r = rule_from_cls(cr);
    struct match m;
    cls_rule_get_match(cr, &m);
    if (rule_selected(r, &m, aux->fm, aux->strict)) {
        rule_vec_push(aux->v, r);
    }
}

void rules_select(const struct ofproto *p, const struct flow_mod *fm,
                  bool strict, struct rule_vec *v)
{
    if (!strict && !fm->cookie_mask && fm->out_port == OFPP_ANY
        && match_is_catchall(&fm->match)) {
        /* Everything (in one table or all): no match to build per rule,
         * which was most of selecting a million flows. */
        for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
            if (fm->table_id == FM_TABLE_ALL || fm->table_id == t) {
                classifier_for_each(&p->tables[t], collect_all, v);
            }
        }
        return;
    }
    size_t lo = 0, hi = OFPROTO_N_TABLES;
    if (fm->table_id != FM_TABLE_ALL) {
        lo = fm->table_id;
        hi = lo + 1;
    }
    for (size_t t = lo; t < hi; t++) {
        if (strict) {
            /* One candidate per table: no need to walk the table. */
            struct rule *r = rule_from_cls(classifier_find_exactly(
                &p->tables[t], &fm->match, fm->priority));
            if (r) {
                struct match m;
                cls_rule_get_match(&r->cr, &m);
                if (rule_selected(r, &m, fm, true)) {
                    rule_vec_push(v, r);
                }
            }
        } else {
            struct select_aux aux = { fm, strict, v };
            classifier_for_each(&p->tables[t], select_cb, &aux);
        }
    }
}

struct overlap_aux {
    const struct flow_mod *fm;
    bool found;
};

/* Two matches overlap when some packet satisfies both: wherever both
 * masks care, the values agree. */
static void overlap_cb(const struct cls_rule *cr, void *aux_)
{
    struct overlap_aux *aux = aux_;
    if (aux->found || cr->priority != aux->fm->priority) {
        return;
    }
    struct match m;
    cls_rule_get_match(cr, &m);
    if (match_equal(&m, &aux->fm->match)) {
        return; /* Identical: the add replaces it. */
    }
    const uint64_t *af = flow_u64(&m.flow), *aw = flow_u64(&m.wc);
    const uint64_t *bf = flow_u64(&aux->fm->match.flow);
    const uint64_t *bw = flow_u64(&aux->fm->match.wc);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((af[i] ^ bf[i]) & aw[i] & bw[i]) {
            return;
        }
    }
    aux->found = true;
}

/* True if add or modify 'fm' would only change existing flows. */
static bool flow_mod_adds_nothing(const struct ofproto *p,
                                  const struct flow_mod *fm)
{
    if (fm->command == FM_ADD) {
        return classifier_find_exactly(&p->tables[fm->table_id], &fm->match,
                                       fm->priority)
               != NULL;
    }
    if (fm->cookie_mask) {
        return true; /* A modify with a cookie filter never adds. */
    }
    struct rule_vec v = { NULL, 0, 0 };
    rules_select(p, fm, fm->command == FM_MODIFY_STRICT, &v);
    free(v.rules);
    return v.n > 0;
}

/* Checks everything that could make 'fm' fail, so that applying a
 * validated batch cannot fail half way.  '*new_flows' counts the flows
 * the batch may add, '*freed' the flows its strict deletes remove (a
 * replace-flows that swaps a table's flows for as many others fits the
 * limit it fits in). */
static char *flow_mod_validate(const struct ofproto *p,
                               const struct flow_mod *fm, size_t idx,
                               size_t *new_flows, size_t *freed, int *errnum)
{
    *errnum = EINVAL;
    if (fm->command == FM_ADD && fm->table_id == FM_TABLE_ALL) {
        return xasprintf("flow_mod %zu: add needs one table, not all", idx);
    }
    if (fm->table_id != FM_TABLE_ALL && fm->table_id >= OFPROTO_N_TABLES) {
        return xasprintf("flow_mod %zu: table %u out of range", idx,
                         fm->table_id);
    }
    char *err = match_check_prereqs(&fm->match);
    if (err) {
        char *msg = xasprintf("flow_mod %zu: %s", idx, err);
        free(err);
        return msg;
    }
    if (fm->command == FM_ADD || fm->command == FM_MODIFY
        || fm->command == FM_MODIFY_STRICT) {
        uint8_t table = fm->table_id == FM_TABLE_ALL ? 0 : fm->table_id;
        const struct ofpact *a;
        const struct ofpact *acts =
            (const struct ofpact *)(const void *)fm->ofpacts.data;
        OFPACT_FOR_EACH (a, acts, fm->ofpacts.size) {
            if (a->type == OFPACT_GOTO_TABLE) {
                const struct ofpact_goto_table *g =
                    (const struct ofpact_goto_table *)(const void *)a;
                if (g->table_id <= table || g->table_id >= OFPROTO_N_TABLES) {
                    return xasprintf("flow_mod %zu: goto_table:%u must "
                                     "go to a later table than %u",
                                     idx, g->table_id, table);
                }
            }
        }
    }
    if (fm->command == FM_ADD && fm->flags & FM_F_CHECK_OVERLAP) {
        struct overlap_aux aux = { fm, false };
        classifier_for_each(&p->tables[fm->table_id], overlap_cb, &aux);
        if (aux.found) {
            *errnum = EEXIST;
            return xasprintf("flow_mod %zu: check_overlap: the flow overlaps "
                             "another flow of priority %u in table %u",
                             idx, fm->priority, fm->table_id);
        }
    }
    if (fm->command == FM_DELETE_STRICT && fm->table_id != FM_TABLE_ALL
        && classifier_find_exactly(&p->tables[fm->table_id], &fm->match,
                                   fm->priority)) {
        (*freed)++;
    }
    if (fm->command != FM_DELETE && fm->command != FM_DELETE_STRICT) {
        /* An add that replaces a flow adds nothing: one lookup tells
         * (counting it as new until near the limit refused files that
         * fit, the replaced flows having been counted already).  A
         * modify may add a flow; only near the limit is it worth the
         * selection that tells whether it does. */
        size_t held = p->n_flows + p->n_reserved;
        size_t limit = p->flow_limit + *freed;
        if (fm->command == FM_ADD) {
            *new_flows += !flow_mod_adds_nothing(p, fm);
        } else {
            (*new_flows)++;
            if (held + *new_flows > limit && flow_mod_adds_nothing(p, fm)) {
                (*new_flows)--;
            }
        }
        if (held + *new_flows > limit) {
            *errnum = ENOSPC;
            ((struct ofproto *)p)->stats.n_add_refused++;
            return xasprintf("flow_mod %zu: the bridge is at its limit of "
                             "%zu flows",
                             idx, p->flow_limit);
        }
    }
    return NULL;
}

static void flow_mod_add(struct ofproto *p, const struct flow_mod *fm)
{
    uint8_t table = fm->table_id == FM_TABLE_ALL ? 0 : fm->table_id;
    struct rule *r =
        rule_create(p, &fm->match, fm->priority, table,
                    (const struct ofpact *)(const void *)fm->ofpacts.data,
                    fm->ofpacts.size);
    r->cookie = fm->cookie;
    r->idle_timeout = fm->idle_timeout;
    r->hard_timeout = fm->hard_timeout;
    r->importance = fm->importance;
    r->flags = (uint16_t)(fm->flags & 0x3f);
    struct rule *old = rule_insert(p, r);
    if (old) {
        p->gen++;
        if (!(fm->flags & FM_F_RESET_COUNTS)) {
            /* As OVS: an add that replaces a flow keeps its counters and
             * last use (idle_age), its duration starting again, unless it
             * says reset_counts (every OpenFlow 1.0 add does, see
             * bridge_ofctl_flow_mods_flags()). */
            r->n_packets = old->n_packets;
            r->n_bytes = old->n_bytes;
            r->used = old->used;
        }
        rule_release(p, old);
        ofproto_report(p, r, OFPROTO_FLOW_MODIFIED, OFPROTO_REASON_REPLACED);
    } else {
        ofproto_report(p, r, OFPROTO_FLOW_ADDED, OFPROTO_REASON_CLIENT);
    }
}

static void rule_modify(struct ofproto *p, struct rule *r,
                        const struct flow_mod *fm)
{
    if (!ofpacts_equal(r->ofpacts, r->ofpacts_len,
                       (const struct ofpact *)(const void *)fm->ofpacts.data,
                       fm->ofpacts.size)) {
        rule_replace_actions(
            p, r, (const struct ofpact *)(const void *)fm->ofpacts.data,
            fm->ofpacts.size, false);
    }
    if (fm->cookie && !fm->cookie_mask && fm->cookie != r->cookie) {
        cookie_count_add(p, r->table_id, r->cookie, -1);
        cookie_count_add(p, r->table_id, fm->cookie, 1);
        r->cookie = fm->cookie;
    }
    if (fm->flags & FM_F_RESET_COUNTS) {
        r->n_packets = r->n_bytes = 0;
    }
    r->modified = clock_msec();
    r->flags |= RULE_F_MODIFIED;
    ofproto_report(p, r, OFPROTO_FLOW_MODIFIED, OFPROTO_REASON_CLIENT);
}

static void flow_mod_apply(struct ofproto *p, const struct flow_mod *fm)
{
    struct rule_vec v = { NULL, 0, 0 };
    switch (fm->command) {
    case FM_ADD:
        flow_mod_add(p, fm);
        break;
    case FM_MODIFY:
    case FM_MODIFY_STRICT:
        rules_select(p, fm, fm->command == FM_MODIFY_STRICT, &v);
        for (size_t i = 0; i < v.n; i++) {
            rule_modify(p, v.rules[i], fm);
        }
        if (!v.n && !fm->cookie_mask) {
            flow_mod_add(p, fm);
        }
        free(v.rules);
        break;
    case FM_DELETE:
    case FM_DELETE_STRICT:
        rules_select(p, fm, fm->command == FM_DELETE_STRICT, &v);
        rules_remove(p, &v, OFPROTO_REASON_CLIENT);
        break;
    }
}

int ofproto_flow_mods(struct ofproto *p, const struct flow_mod *fms, size_t n,
                      char **errp)
{
    size_t new_flows = 0, freed = 0;
    *errp = NULL;
    for (size_t i = 0; i < n; i++) {
        int errnum;
        char *err =
            flow_mod_validate(p, &fms[i], i, &new_flows, &freed, &errnum);
        if (err) {
            *errp = err;
            return errnum;
        }
    }
    for (size_t i = 0; i < n; i++) {
        flow_mod_apply(p, &fms[i]);
    }
    return 0;
}

/* ---- Batches applied in slices. ---- */

struct ofproto_batch *ofproto_batch_start(struct ofproto *p,
                                          const struct flow_mod *fms, size_t n)
{
    struct ofproto_batch *b = xzalloc(sizeof *b);
    b->p = p;
    b->fms = fms;
    b->n = n;
    b->next = p->batches;
    p->batches = b;
    return b;
}

static void batch_unreserve(struct ofproto_batch *b, size_t n)
{
    n = SW_MIN(n, b->reserved);
    b->reserved -= n;
    if (b->p) {
        b->p->n_reserved -= n;
    }
}

/* How many flow_mods to run between two looks at the clock. */
#define BATCH_CLOCK_EVERY 64

/* How many selected rules a loose delete or modify handles between two
 * looks at the clock. */
#define BATCH_SEL_SLICE 256

/* Whether 'fm' may select any number of flows (a loose delete or
 * modify), which the batch then handles a slice at a time. */
static bool selects_many(const struct flow_mod *fm)
{
    return fm->command == FM_DELETE || fm->command == FM_MODIFY;
}

/* Applies loose delete or modify 'fm' until 'deadline': selects its
 * flows once, then deletes or modifies them a slice at a time, skipping
 * those something else removed meanwhile (the graveyard keeps them while
 * a batch runs).  Flows added after the selection are left alone, as if
 * they had come after the flow_mod.  "del-flows" of a million flows held
 * the loop for 0.76 s in one piece.  Returns true when 'fm' is done. */
static bool apply_selected(struct ofproto_batch *b, const struct flow_mod *fm,
                           int64_t deadline)
{
    struct ofproto *p = b->p;
    if (!b->selected) {
        rules_select(p, fm, false, &b->sel);
        b->selected = true;
        b->sel_pos = 0;
    }
    while (b->sel_pos < b->sel.n) {
        size_t end = SW_MIN(b->sel.n, b->sel_pos + BATCH_SEL_SLICE);
        struct rule_vec v = { NULL, 0, 0 };
        for (; b->sel_pos < end; b->sel_pos++) {
            struct rule *r = b->sel.rules[b->sel_pos];
            if (r->flags & RULE_F_DOOMED) {
                continue;
            }
            if (fm->command == FM_DELETE) {
                rule_vec_push(&v, r);
            } else {
                rule_modify(p, r, fm);
            }
        }
        rules_remove(p, &v, OFPROTO_REASON_CLIENT); /* Frees v's array. */
        if (b->sel_pos < b->sel.n && clock_msec() >= deadline) {
            return false;
        }
    }
    if (fm->command == FM_MODIFY && !b->sel.n && !fm->cookie_mask) {
        flow_mod_add(p, fm); /* OpenFlow 1.0: a modify of nothing adds. */
    }
    free(b->sel.rules);
    b->sel = (struct rule_vec){ NULL, 0, 0 };
    b->selected = false;
    if (!graveyard_needed(p)) {
        graveyard_free(p);
    }
    return true;
}

bool ofproto_batch_step(struct ofproto_batch *b, int max_msec, int *errnum,
                        char **errp)
{
    struct ofproto *p = b->p;
    *errp = NULL;
    *errnum = 0;
    if (!p) {
        *errnum = ENODEV;
        *errp = xstrdup("the bridge was deleted while its flows were "
                        "being applied");
        b->finished = true;
        return true;
    }
    int64_t deadline = clock_msec() + max_msec;
    for (size_t k = 1; b->pos < b->n; k++) {
        if (!b->checked) {
            char *err = flow_mod_validate(p, &b->fms[b->pos], b->pos,
                                          &b->new_flows, &b->freed, errnum);
            if (err) {
                *errp = err;
                b->finished = true;
                return true;
            }
        } else {
            const struct flow_mod *fm = &b->fms[b->pos];
            if (!selects_many(fm)) {
                flow_mod_apply(p, fm);
            } else if (!apply_selected(b, fm, deadline)) {
                return false; /* The rest of 'fm' in the next slice. */
            }
            if (fm->command != FM_DELETE && fm->command != FM_DELETE_STRICT) {
                batch_unreserve(b, 1);
            }
        }
        b->pos++;
        if (k % BATCH_CLOCK_EVERY == 0 && clock_msec() >= deadline) {
            return false;
        }
    }
    if (!b->checked) {
        /* Checked whole: hold the room its adds need, so that learning
         * between slices cannot take it, and start applying. */
        b->checked = true;
        b->pos = 0;
        b->reserved = b->new_flows > b->freed ? b->new_flows - b->freed : 0;
        p->n_reserved += b->reserved;
        return false;
    }
    batch_unreserve(b, b->reserved);
    b->finished = true;
    return true;
}

void ofproto_batch_destroy(struct ofproto_batch *b)
{
    if (!b) {
        return;
    }
    batch_unreserve(b, b->reserved);
    struct ofproto *p = b->p;
    if (p) {
        for (struct ofproto_batch **pp = &p->batches; *pp; pp = &(*pp)->next) {
            if (*pp == b) {
                *pp = b->next;
                break;
            }
        }
    }
    free(b->sel.rules);
    b->selected = false;
    if (p && !graveyard_needed(p)) {
        graveyard_free(p);
    }
    free(b);
}

bool ofproto_batches_running(const struct ofproto *p)
{
    for (const struct ofproto_batch *b = p->batches; b; b = b->next) {
        if (!b->finished) {
            return true;
        }
    }
    return false;
}
