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
 * every other listed flow added, in one all-or-nothing ofproto_flow_mods()
 * call, so packets see either the old table or the new one. */
#include "ofproto.h"

#include <stdlib.h>

#include "actions.h"
#include "buf.h"
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

/* Marks the flows of 'old' that an add of 'adds' leaves alone, and the
 * adds that are not needed ('skip'). */
static void mark_unchanged(struct hmap *old, const struct flow_mod *adds,
                           size_t n_adds, bool *skip)
{
    for (size_t i = 0; i < n_adds; i++) {
        const struct flow_mod *fm = &adds[i];
        struct flow_copy *fc;
        uint32_t h = flow_copy_hash(&fm->match, fm->priority, fm->table_id);
        HMAP_FOR_EACH_WITH_HASH (fc, node, h, old) {
            if (flow_copy_equals_add(fc, fm)) {
                fc->keep = true;
                skip[i] = true;
            } else if (flow_copy_same_flow(fc, fm)) {
                fc->keep = fc->replaced = true;
            }
        }
    }
}

static void free_flow_copies(struct hmap *old)
{
    struct flow_copy *fc;
    HMAP_FOR_EACH_SAFE (fc, node, old) {
        hmap_remove(old, &fc->node);
        buf_uninit(&fc->ofpacts);
        free(fc);
    }
    hmap_destroy(old);
}

int ofproto_replace_flows(struct ofproto *ofp, struct flow_mod *adds,
                          size_t n_adds, uint64_t cookie, uint64_t cookie_mask,
                          size_t *n_addedp, size_t *n_deletedp, char **errp)
{
    struct collect_ctx ctx = { HMAP_INITIALIZER, cookie, cookie_mask };
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
            struct flow_mod *fm = &mods[n_mods++];
            flow_mod_init(fm, FM_DELETE_STRICT);
            fm->match = fc->match;
            fm->priority = (uint16_t)fc->priority;
            fm->table_id = fc->table_id;
            fm->out_port = OFPP_ANY;
            fm->cookie_mask = 0;
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
    free_flow_copies(&ctx.flows);
    *n_addedp = error ? 0 : n_added;
    *n_deletedp = error ? 0 : n_deleted;
    return error;
}
