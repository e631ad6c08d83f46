/* ofproto-replace: bringing a bridge's flow table in line with a list of
 * flows (replace-flows), the way wireguard's syncconf brings a device in
 * line with a file.
 *
 * The table and the list are compared by what identifies a flow (table,
 * priority, match) and by everything a user set on it (cookie, timeouts,
 * actions).  A flow present in both, identical, is left alone with its
 * counters and ages; a listed flow that differs from the table's only in
 * cookie, timeouts or actions replaces it as an add does (counters kept
 * unless it says reset_counts); every other selected flow is deleted and
 * every other listed flow added, all-or-nothing: in one
 * ofproto_flow_mods() call (ofproto_replace_flows(), --bundle), so
 * packets see either the old table or the new one, or in slices
 * (ofproto_replace_start/step) that compare a table of a million flows
 * and apply the difference without holding the caller (a batch of
 * ofproto-flowmod.c), packets meanwhile seeing part of the change. */
#include "ofproto.h"

#include <errno.h>
#include <stdlib.h>

#include "actions.h"
#include "buf.h"
#include "clock.h"
#include "hash.h"
#include "hmap.h"
#include "match.h"
#include "util.h"

/* A flow as a dump shows it, copied so that it outlives the callback. */
struct flow_copy {
    struct hmap_node node;
    struct match match;
    int priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout, hard_timeout;
    struct buf ofpacts;
    bool keep;     /* Not deleted: identical to an add, or replaced. */
    bool replaced; /* An add with its table, priority and match replaces
                    * it (keeping its counters unless the add says
                    * reset_counts, as an add does in OVS). */
};

struct collect_ctx {
    struct hmap flows;
    uint64_t cookie, cookie_mask;
    struct flow_copy **v; /* The same, in the order collected. */
    size_t n, allocated;
};

/* A buffer of actions, as the action list it holds (the buffer keeps
 * them aligned). */
static const struct ofpact *ofpacts_of(const struct buf *b)
{
    return (const struct ofpact *)(const void *)b->data;
}

static uint32_t flow_copy_hash(const struct match *m, int priority,
                               uint8_t table)
{
    return match_hash(m, hash_u32((uint32_t)priority, table));
}

static void collect_flow_cb(const struct flow_print *fp, void *ctx_)
{
    struct collect_ctx *ctx = ctx_;
    if ((fp->cookie & ctx->cookie_mask) != (ctx->cookie & ctx->cookie_mask)) {
        return;
    }
    struct flow_copy *fc = xzalloc(sizeof *fc);
    fc->match = *fp->match;
    fc->priority = fp->priority;
    fc->table_id = fp->table_id;
    fc->cookie = fp->cookie;
    fc->idle_timeout = fp->idle_timeout;
    fc->hard_timeout = fp->hard_timeout;
    buf_init(&fc->ofpacts);
    buf_put(&fc->ofpacts, fp->ofpacts, fp->ofpacts_len);
    hmap_insert(&ctx->flows, &fc->node,
                flow_copy_hash(&fc->match, fc->priority, fc->table_id));
    if (ctx->n >= ctx->allocated) {
        ctx->v =
            x2nrealloc(ctx->v, &ctx->allocated, ctx->n + 1, sizeof *ctx->v);
    }
    ctx->v[ctx->n++] = fc;
}

static bool flow_copy_same_flow(const struct flow_copy *fc,
                                const struct flow_mod *fm)
{
    return fc->priority == fm->priority && fc->table_id == fm->table_id
           && match_equal(&fc->match, &fm->match);
}

static bool flow_copy_equals_add(const struct flow_copy *fc,
                                 const struct flow_mod *fm)
{
    return flow_copy_same_flow(fc, fm) && fc->cookie == fm->cookie
           && fc->idle_timeout == fm->idle_timeout
           && fc->hard_timeout == fm->hard_timeout
           && ofpacts_equal(ofpacts_of(&fc->ofpacts), fc->ofpacts.size,
                            ofpacts_of(&fm->ofpacts), fm->ofpacts.size);
}

/* Marks the flows of 'old' that add 'fm' leaves alone; true if the add
 * is not needed. */
static bool mark_unchanged_one(struct hmap *old, const struct flow_mod *fm)
{
    bool skip = false;
    struct flow_copy *fc;
    uint32_t h = flow_copy_hash(&fm->match, fm->priority, fm->table_id);
    HMAP_FOR_EACH_WITH_HASH (fc, node, h, old) {
        if (flow_copy_equals_add(fc, fm)) {
            fc->keep = true;
            skip = true;
        } else if (flow_copy_same_flow(fc, fm)) {
            fc->keep = fc->replaced = true;
        }
    }
    return skip;
}

/* Marks the flows of 'old' that an add of 'adds' leaves alone, and the
 * adds that are not needed ('skip'). */
static void mark_unchanged(struct hmap *old, const struct flow_mod *adds,
                           size_t n_adds, bool *skip)
{
    for (size_t i = 0; i < n_adds; i++) {
        skip[i] = mark_unchanged_one(old, &adds[i]);
    }
}

/* The strict delete of flow 'fc' into 'fm'. */
static void delete_of(const struct flow_copy *fc, struct flow_mod *fm)
{
    flow_mod_init(fm, FM_DELETE_STRICT);
    fm->match = fc->match;
    fm->priority = (uint16_t)fc->priority;
    fm->table_id = fc->table_id;
    fm->out_port = OFPP_ANY;
    fm->cookie_mask = 0;
}

static void free_flow_copies(struct collect_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        buf_uninit(&ctx->v[i]->ofpacts);
        free(ctx->v[i]);
    }
    hmap_destroy(&ctx->flows);
    free(ctx->v);
    ctx->v = NULL;
    ctx->n = ctx->allocated = 0;
}

int ofproto_replace_flows(struct ofproto *ofp, struct flow_mod *adds,
                          size_t n_adds, uint64_t cookie, uint64_t cookie_mask,
                          size_t *n_addedp, size_t *n_deletedp, char **errp)
{
    struct collect_ctx ctx = {
        HMAP_INITIALIZER, cookie, cookie_mask, NULL, 0, 0
    };
    ofproto_dump_flows(ofp, NULL, false, collect_flow_cb, &ctx);

    bool *skip = xcalloc(n_adds + 1, sizeof *skip);
    mark_unchanged(&ctx.flows, adds, n_adds, skip);

    struct flow_mod *mods =
        xcalloc(hmap_count(&ctx.flows) + n_adds + 1, sizeof *mods);
    size_t n_mods = 0, n_added = 0, n_deleted = 0;
    struct flow_copy *fc;
    HMAP_FOR_EACH (fc, node, &ctx.flows) {
        n_deleted += fc->replaced; /* The old version is gone all the same. */
        if (!fc->keep) {
            delete_of(fc, &mods[n_mods++]);
            n_deleted++;
        }
    }
    for (size_t i = 0; i < n_adds; i++) {
        if (!skip[i]) {
            /* Moves the add (and its actions) into 'mods'. */
            mods[n_mods++] = adds[i];
            buf_init(&adds[i].ofpacts);
            n_added++;
        }
    }
    *errp = NULL;
    int error = n_mods ? ofproto_flow_mods(ofp, mods, n_mods, errp) : 0;
    for (size_t i = 0; i < n_mods; i++) {
        flow_mod_uninit(&mods[i]);
    }
    free(mods);
    free(skip);
    free_flow_copies(&ctx);
    *n_addedp = error ? 0 : n_added;
    *n_deletedp = error ? 0 : n_deleted;
    return error;
}

/* ---- In slices. ---- */

/* What a replace in slices does next. */
enum replace_phase {
    REPLACE_COLLECT, /* Copy the table's flows, a dump step at a time. */
    REPLACE_MARK,    /* Compare the adds with them, a slice at a time. */
    REPLACE_BUILD,   /* Write the deletes and the needed adds. */
    REPLACE_APPLY,   /* Check and apply them (a batch). */
};

/* Flows a slice of the compare or the build handles. */
#define REPLACE_SLICE 4096

struct ofproto_replace {
    struct ofproto *p;
    struct flow_mod *adds;
    size_t n_adds;
    enum replace_phase phase;
    struct collect_ctx ctx;
    struct ofproto_dump *dump;
    bool *skip;
    size_t pos;
    struct flow_mod *mods; /* The deletes, then the adds (moved here). */
    size_t n_mods, n_added, n_deleted;
    struct ofproto_batch *batch;
};

struct ofproto_replace *ofproto_replace_start(struct ofproto *p,
                                              struct flow_mod *adds,
                                              size_t n_adds, uint64_t cookie,
                                              uint64_t cookie_mask)
{
    struct ofproto_replace *r = xzalloc(sizeof *r);
    r->p = p;
    r->adds = adds;
    r->n_adds = n_adds;
    r->ctx = (struct collect_ctx){
        HMAP_INITIALIZER, cookie, cookie_mask, NULL, 0, 0
    };
    hmap_init(&r->ctx.flows);
    r->dump = ofproto_dump_start(p, NULL, false);
    r->skip = xcalloc(n_adds + 1, sizeof *r->skip);
    return r;
}

/* One slice of building 'mods': deletes for the flows no add keeps, then
 * the adds that are needed.  True when built. */
static bool replace_build(struct ofproto_replace *r, int64_t deadline)
{
    if (!r->mods) {
        r->mods = xcalloc(r->ctx.n + r->n_adds + 1, sizeof *r->mods);
        r->pos = 0;
    }
    size_t total = r->ctx.n + r->n_adds;
    while (r->pos < total) {
        size_t end = SW_MIN(total, r->pos + REPLACE_SLICE);
        for (; r->pos < end; r->pos++) {
            if (r->pos < r->ctx.n) {
                const struct flow_copy *fc = r->ctx.v[r->pos];
                r->n_deleted += fc->replaced;
                if (!fc->keep) {
                    delete_of(fc, &r->mods[r->n_mods++]);
                    r->n_deleted++;
                }
            } else if (!r->skip[r->pos - r->ctx.n]) {
                struct flow_mod *add = &r->adds[r->pos - r->ctx.n];
                r->mods[r->n_mods++] = *add;
                buf_init(&add->ofpacts);
                r->n_added++;
            }
        }
        if (clock_msec() >= deadline) {
            return r->pos >= total;
        }
    }
    return true;
}

bool ofproto_replace_step(struct ofproto_replace *r, int max_msec, int *errnum,
                          char **errp)
{
    *errp = NULL;
    *errnum = 0;
    int64_t deadline = clock_msec() + max_msec;
    switch (r->phase) {
    case REPLACE_COLLECT: {
        bool gone = false;
        while (clock_msec() < deadline || max_msec <= 0) {
            bool done = ofproto_dump_step(r->dump, REPLACE_SLICE,
                                          collect_flow_cb, &r->ctx, &gone);
            if (gone) {
                break;
            }
            if (done) {
                /* The finished dump stays until the batch starts: it is
                 * what tells if the bridge goes away meanwhile. */
                r->phase = REPLACE_MARK;
                r->pos = 0;
                break;
            }
            if (max_msec <= 0) {
                break;
            }
        }
        if (!gone) {
            return false;
        }
        break;
    }
    case REPLACE_MARK:
        if (ofproto_dump_gone(r->dump)) {
            break;
        }
        while (r->pos < r->n_adds) {
            size_t end = SW_MIN(r->n_adds, r->pos + REPLACE_SLICE);
            for (; r->pos < end; r->pos++) {
                r->skip[r->pos] =
                    mark_unchanged_one(&r->ctx.flows, &r->adds[r->pos]);
            }
            if (clock_msec() >= deadline) {
                return false;
            }
        }
        r->phase = REPLACE_BUILD;
        return false;
    case REPLACE_BUILD:
        if (ofproto_dump_gone(r->dump)) {
            break;
        }
        if (replace_build(r, deadline)) {
            ofproto_dump_destroy(r->dump);
            r->dump = NULL;
            r->phase = REPLACE_APPLY;
            r->batch = ofproto_batch_start(r->p, r->mods, r->n_mods);
        }
        return false;
    case REPLACE_APPLY:
    default:
        if (!ofproto_batch_step(r->batch, max_msec, errnum, errp)) {
            return false;
        }
        if (*errp) {
            r->n_added = r->n_deleted = 0;
        }
        return true;
    }
    /* The bridge went away between two steps. */
    *errnum = ENODEV;
    *errp = xstrdup("the bridge was deleted while its flows were being "
                    "replaced");
    r->n_added = r->n_deleted = 0;
    return true;
}

void ofproto_replace_counts(const struct ofproto_replace *r, size_t *n_added,
                            size_t *n_deleted)
{
    *n_added = r->n_added;
    *n_deleted = r->n_deleted;
}

void ofproto_replace_destroy(struct ofproto_replace *r)
{
    if (!r) {
        return;
    }
    ofproto_batch_destroy(r->batch);
    ofproto_dump_destroy(r->dump);
    for (size_t i = 0; i < r->n_mods; i++) {
        flow_mod_uninit(&r->mods[i]);
    }
    free(r->mods);
    free(r->skip);
    free_flow_copies(&r->ctx);
    free(r);
}
