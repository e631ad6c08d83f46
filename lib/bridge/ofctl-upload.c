/* ofctl-upload: add/mod/del-flows whose text arrives in pieces.
 *
 * A flow file of 60 MiB took the daemon's loop for 16 s when it came as
 * one request: receiving, parsing and applying it all happened in one
 * callback, and the client could not send more than one message's worth.
 * Here each piece (about 64 KiB, a few hundred lines) is parsed and
 * checked when it arrives, and the commit checks the whole file against
 * the table and then applies it in slices of UPLOAD_SLICE_MSEC
 * (ofproto_batch), so the loop forwards packets between pieces and
 * between slices: a million flows held it for 1.07 s in one commit.
 * All-or-nothing still: a bad line anywhere installs nothing.  --bundle
 * commits in one step instead, for readers that must never see half a
 * file.
 *
 * What is held meanwhile is the parsed flow_mods (the text is not kept),
 * at most the bridge's flow limit of them per upload and
 * UPLOAD_MAX_PENDING for all uploads together, so clients cannot make the
 * daemon hold more than a full table's worth of parsed flows. */
#include "bridge-ofctl.h"
#include "bridge-private.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto.h"
#include "util.h"

/* Parsed flow_mods all uploads in progress may hold together. */
#define UPLOAD_MAX_PENDING ((size_t)OFPROTO_DEFAULT_FLOW_LIMIT)

/* How long one slice of a commit may hold the caller.  A ping's budget:
 * a few slices in a row stay well below what a user notices. */
#define UPLOAD_SLICE_MSEC 5

static size_t upload_pending;

struct bridge_flow_upload {
    struct bridges *bs;
    char *bridge;
    enum fm_command cmd;
    int of_version; /* See bridge_ofctl_of10_flags(). */
    struct flow_mod *fms;
    size_t n, allocated;
    size_t lineno;
    struct ds partial;           /* A line cut between two pieces. */
    bool multi_line;             /* Some piece held a newline. */
    bool bundle;                 /* Commit in one step (--bundle). */
    bool committing;             /* The commit has started... */
    struct ofproto_batch *batch; /* ...and runs in slices. */
    /* replace-flows: the adds make the table (in the cookie scope). */
    bool replace;
    uint64_t cookie, cookie_mask;
    struct ofproto_replace *rep;
    size_t n_added, n_deleted;
    bool done; /* The commit ended (commit_end()). */
};

char *bridge_flow_upload_start(struct bridges *bs, const char *name,
                               enum fm_command cmd, int of_version,
                               bool bundle, struct bridge_flow_upload **upp)
{
    char *err;
    *upp = NULL;
    if (!bridge_need(bs, name, &err)) {
        return err;
    }
    struct bridge_flow_upload *up = xzalloc(sizeof *up);
    up->bs = bs;
    up->bridge = xstrdup(name);
    up->cmd = cmd;
    up->of_version = of_version;
    up->bundle = bundle;
    ds_init(&up->partial);
    *upp = up;
    return NULL;
}

/* Parses the whole lines of 'text' against the bridge's current ports
 * and adds their flow_mods to the upload's. */
static char *upload_parse(struct bridge_flow_upload *up, const char *text)
{
    char *err;
    struct bridge *br = bridge_need(up->bs, up->bridge, &err);
    if (!br) {
        return err;
    }
    const struct flow_lines how = { .command = up->cmd,
                                    .mode = flow_mod_parse_mode(up->cmd),
                                    .ports = ofproto_portmap(br->ofproto),
                                    .first_line = up->lineno + 1 };
    struct flow_mod *fms;
    size_t n;
    err = flow_mods_parse_lines(text, &how, &fms, &n);
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++) {
        up->lineno++;
    }
    if (err) {
        return err;
    }
    if (!n) {
        return NULL; /* Comments and blank lines only. */
    }
    if (up->n + n > up->allocated) {
        up->fms =
            x2nrealloc(up->fms, &up->allocated, up->n + n, sizeof *up->fms);
    }
    memcpy(&up->fms[up->n], fms, n * sizeof *fms);
    free(fms);
    up->n += n;
    upload_pending += n;
    size_t limit = ofproto_get_flow_limit(br->ofproto);
    if (up->n > limit) {
        err = xasprintf("line %zu: more than %zu flows in one request (the "
                        "bridge's flow limit)",
                        up->lineno, limit);
    } else if (upload_pending > UPLOAD_MAX_PENDING) {
        err = xasprintf("line %zu: uploads in progress hold more than %zu "
                        "flows: try again when they are done",
                        up->lineno, UPLOAD_MAX_PENDING);
    }
    return err;
}

char *bridge_flow_upload_feed(struct bridge_flow_upload *up, const char *text,
                              size_t len)
{
    const char *last_nl = len ? memrchr(text, '\n', len) : NULL;
    if (!last_nl) {
        /* No line ends here: keep it for the next piece, within bounds. */
        ds_put_buffer(&up->partial, text, len);
        return up->partial.length > BRIDGE_FLOW_MAX_LINE
                   ? xasprintf("line %zu: longer than %u bytes",
                               up->lineno + 1, BRIDGE_FLOW_MAX_LINE)
                   : NULL;
    }
    up->multi_line = true;
    size_t whole = (size_t)(last_nl - text) + 1;
    ds_put_buffer(&up->partial, text, whole);
    char *err = upload_parse(up, ds_cstr(&up->partial));
    ds_clear(&up->partial);
    ds_put_buffer(&up->partial, text + whole, len - whole);
    if (!err && up->partial.length > BRIDGE_FLOW_MAX_LINE) {
        err = xasprintf("line %zu: longer than %u bytes", up->lineno + 1,
                        BRIDGE_FLOW_MAX_LINE);
    }
    return err;
}

/* The commit's first step: the last line, del-flows' "everything", the
 * OpenFlow 1.0 flags.  Returns the bridge, or NULL with '*errp' set. */
static struct bridge *commit_prepare(struct bridge_flow_upload *up,
                                     char **errp)
{
    char *err = NULL;
    if (up->partial.length) {
        err = upload_parse(up, ds_cstr(&up->partial));
        ds_clear(&up->partial);
    }
    struct bridge *br = err ? NULL : bridge_need(up->bs, up->bridge, &err);
    if (br && !up->n
        && (up->cmd == FM_DELETE || up->cmd == FM_DELETE_STRICT)) {
        /* "del-flows BR" with no match deletes everything. */
        up->fms = xzalloc(sizeof *up->fms);
        up->allocated = 1;
        flow_mod_init(&up->fms[0], up->cmd);
        err = flow_mod_parse(&up->fms[0], "", FM_PARSE_DELETE,
                             ofproto_portmap(br->ofproto));
        up->n = !err;
        upload_pending += up->n;
    }
    if (br && !err) {
        err = bridge_ofctl_of10_flags(up->fms, up->n, up->cmd, up->of_version);
    }
    *errp = err;
    return err ? NULL : br;
}

void bridge_flow_upload_set_replace(struct bridge_flow_upload *up,
                                    uint64_t cookie, uint64_t cookie_mask)
{
    up->replace = true;
    up->cookie = cookie;
    up->cookie_mask = cookie_mask;
}

/* replace-flows: every add must be in the scope it replaces. */
static char *replace_check_scope(const struct bridge_flow_upload *up)
{
    for (size_t i = 0; i < up->n; i++) {
        if ((up->fms[i].cookie ^ up->cookie) & up->cookie_mask) {
            return xasprintf("flow %zu: cookie 0x%" PRIx64 " is outside the "
                             "replaced scope 0x%" PRIx64 "/0x%" PRIx64,
                             i + 1, up->fms[i].cookie, up->cookie,
                             up->cookie_mask);
        }
    }
    return NULL;
}

/* The commit's last step, failed ('err') or not. */
static bool commit_end(struct bridge_flow_upload *up, char *err,
                       json_t **resultp, char **errp)
{
    up->done = true;
    if (err && !up->multi_line && str_starts_with(err, "line 1: ")) {
        /* A single flow's error reads as add-flow's does. */
        char *s = xstrdup(err + strlen("line 1: "));
        free(err);
        err = s;
    }
    if (err) {
        /* Nothing said. */
    } else if (up->replace) {
        *resultp = json_pack("{s:I, s:I}", "added", (json_int_t)up->n_added,
                             "deleted", (json_int_t)up->n_deleted);
    } else {
        *resultp = json_pack("{s:I}", "n_flow_mods", (json_int_t)up->n);
    }
    *errp = err;
    return true;
}

/* replace-flows' commit: in one go with --bundle, else in slices. */
static bool replace_step(struct bridge_flow_upload *up, struct bridge *br,
                         json_t **resultp, char **errp)
{
    char *err = NULL;
    int errnum;
    if (!up->rep) {
        err = replace_check_scope(up);
        if (!err && up->bundle) {
            ofproto_replace_flows(br->ofproto, up->fms, up->n, up->cookie,
                                  up->cookie_mask, &up->n_added,
                                  &up->n_deleted, &err);
        }
        if (err || up->bundle) {
            return commit_end(up, err, resultp, errp);
        }
        up->rep = ofproto_replace_start(br->ofproto, up->fms, up->n,
                                        up->cookie, up->cookie_mask);
    }
    if (!ofproto_replace_step(up->rep, UPLOAD_SLICE_MSEC, &errnum, &err)) {
        return false;
    }
    ofproto_replace_counts(up->rep, &up->n_added, &up->n_deleted);
    return commit_end(up, err, resultp, errp);
}

bool bridge_flow_upload_step(struct bridge_flow_upload *up, json_t **resultp,
                             char **errp)
{
    char *err = NULL;
    *errp = NULL;
    if (up->rep) {
        return replace_step(up, NULL, resultp, errp);
    }
    if (!up->committing) {
        up->committing = true;
        struct bridge *br = commit_prepare(up, &err);
        if (br && up->replace) {
            return replace_step(up, br, resultp, errp);
        }
        if (!br || !up->n) {
            return commit_end(up, err, resultp, errp);
        }
        if (up->bundle) {
            ofproto_flow_mods(br->ofproto, up->fms, up->n, &err);
            return commit_end(up, err, resultp, errp);
        }
        up->batch = ofproto_batch_start(br->ofproto, up->fms, up->n);
    }
    int errnum;
    if (!ofproto_batch_step(up->batch, UPLOAD_SLICE_MSEC, &errnum, &err)) {
        return false;
    }
    return commit_end(up, err, resultp, errp);
}

void bridge_flow_upload_destroy(struct bridge_flow_upload *up)
{
    if (!up) {
        return;
    }
    /* A client that left during the commit: it finishes here, in one
     * go, rather than leave part of a checked file applied.  Both read
     * the flow_mods, which go after them. */
    char *err = NULL;
    int errnum;
    if (up->rep && !up->done) {
        while (!ofproto_replace_step(up->rep, INT_MAX, &errnum, &err)) {
            continue;
        }
    } else if (up->batch && !up->done) {
        while (!ofproto_batch_step(up->batch, INT_MAX, &errnum, &err)) {
            continue;
        }
    }
    free(err);
    ofproto_replace_destroy(up->rep);
    ofproto_batch_destroy(up->batch);
    for (size_t i = 0; i < up->n; i++) {
        flow_mod_uninit(&up->fms[i]);
    }
    upload_pending -= up->n;
    free(up->fms);
    ds_destroy(&up->partial);
    free(up->bridge);
    free(up);
}
