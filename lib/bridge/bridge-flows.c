/* bridge-flows: each bridge's flow table saved next to the database and
 * restored when the bridge is created, so that a restart neither forgets
 * the overlay nor floods it (bridge.h says when saves happen; the file
 * format is ofproto_save_flows()'s).
 *
 * A kill -9 loses at most what changed since the last save: the daemon
 * saves at most once per second after a change, and at a clean exit.
 * The file is replaced atomically, so a crash in the middle of a save
 * leaves the previous table, never half of one.
 *
 * The daemon writes in a forked child (bridges_save_begin() in the
 * parent, bridges_save_write() in the child, bridges_save_end() in the
 * parent when the child is done): the child writes a copy-on-write
 * snapshot of the tables while the parent goes on forwarding, so a table
 * of a million flows costs the loop a fork, not seconds. */
#include "bridge-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "ds.h"
#include "file-atomic.h"
#include "log.h"
#include "ofproto.h"
#include "util.h"

static char *flow_file(const struct bridge *br)
{
    return xasprintf("%s/%s", br->bridges->flow_dir, br->name);
}

char *bridges_set_flow_store(struct bridges *bs, const char *dir, bool restore)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        return xasprintf("%s: cannot create the flow directory (%s)", dir,
                         strerror(errno));
    }
    free(bs->flow_dir);
    bs->flow_dir = xstrdup(dir);
    bs->restore_flows = restore;
    return NULL;
}

bool bridge_restore_flows(struct bridge *br)
{
    struct bridges *bs = br->bridges;
    if (!bs->flow_dir || !bs->restore_flows || !br->save_flows) {
        return false;
    }
    char *path = flow_file(br);
    char *text;
    size_t len;
    int error = file_read_all(path, &text, &len);
    if (error) {
        if (error != ENOENT) {
            LOG(LOG_WARN, "%s: saved flows not restored: %s", path,
                strerror(error));
        }
        free(path);
        return false;
    }
    size_t n;
    char *err = ofproto_restore_flows(br->ofproto, text, &n);
    if (err) {
        LOG(LOG_WARN, "%s: saved flows not restored: %s", path, err);
        free(err);
    } else {
        LOG(LOG_INFO, "%s: restored %zu flows from %s", br->name, n, path);
    }
    free(text);
    free(path);
    return !err;
}

void bridge_forget_flows(struct bridge *br)
{
    struct bridges *bs = br->bridges;
    if (bs->flow_dir) {
        char *path = flow_file(br);
        unlink(path);
        free(path);
        if (bs->save_active) {
            bs->forgotten = xrealloc(
                bs->forgotten, (bs->n_forgotten + 1) * sizeof *bs->forgotten);
            bs->forgotten[bs->n_forgotten++] = xstrdup(br->name);
        }
    }
}

/* Whether 'br' is due for a save now. */
static bool save_due(const struct bridge *br, int64_t now, bool all)
{
    if (all) {
        return true;
    }
    if (now < br->save_after) {
        return false;
    }
    if (ofproto_batches_running(br->ofproto)) {
        /* A file is being applied in slices: its end is what to save.
         * Forking now would also make every page the slices write a
         * copy-on-write fault while the writer runs (0.45 s of stall in
         * an add-flows of a million flows). */
        return false;
    }
    if (ofproto_change_seq(br->ofproto) != br->saved_seq) {
        return true;
    }
    /* Nothing was added or removed, but learns refresh flows and packets
     * keep idle ones alive: what a later restart would restore drifts
     * from the truth, so refresh the file now and then. */
    return ofproto_next_timeout(br->ofproto) != INT64_MAX
           && now - br->saved_at >= BRIDGE_SAVE_REFRESH_MSEC;
}

bool bridges_save_begin(struct bridges *bs, bool all)
{
    if (!bs->flow_dir) {
        return false;
    }
    bool any = false;
    int64_t now = clock_msec();
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge *br = bs->v[i];
        br->save_pending = false;
        if (!br->save_flows) {
            /* Off: a stale file must not come back when it is on again,
             * and then the table is saved at once. */
            if (!br->flow_file_gone) {
                bridge_forget_flows(br);
                br->flow_file_gone = true;
            }
            br->saved_seq = UINT64_MAX;
            continue;
        }
        if (save_due(br, now, all)) {
            br->save_pending = true;
            br->pending_seq = ofproto_change_seq(br->ofproto);
            any = true;
        }
    }
    if (any) {
        bs->save_started = now;
        bs->save_active = true;
    }
    return any;
}

char *bridges_save_write(struct bridges *bs)
{
    struct ds errors = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge *br = bs->v[i];
        if (!br->save_pending) {
            continue;
        }
        int64_t start = clock_msec();
        struct ds ds = DS_EMPTY_INITIALIZER;
        ofproto_save_flows(br->ofproto, &ds);
        char *path = flow_file(br);
        char *err = file_write_atomic(path, ds.string ? ds.string : "",
                                      ds.length, 0600);
        free(path);
        ds_destroy(&ds);
        LOG(LOG_DBG, "%s: saved %zu flows in %lld ms", br->name,
            ofproto_n_flows(br->ofproto), (long long)(clock_msec() - start));
        if (err) {
            ds_put_format(&errors, "%s%s", errors.length ? "; " : "", err);
            free(err);
        }
    }
    return errors.length ? ds_steal_cstr(&errors)
                         : (ds_destroy(&errors), NULL);
}

void bridges_save_end(struct bridges *bs, bool ok)
{
    if (!bs->save_active) {
        return;
    }
    int64_t end = clock_msec();
    int64_t took = end - bs->save_started;
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge *br = bs->v[i];
        if (!br->save_pending) {
            continue;
        }
        br->save_pending = false;
        br->saved_at = end;
        br->save_after = end + BRIDGE_SAVE_BACKOFF * took;
        if (ok) {
            br->saved_seq = br->pending_seq;
            br->flow_file_gone = false;
        }
    }
    /* A bridge deleted while its table was being written: the writer
     * may have put its file back. */
    for (size_t i = 0; i < bs->n_forgotten; i++) {
        char *path = xasprintf("%s/%s", bs->flow_dir, bs->forgotten[i]);
        unlink(path);
        free(path);
        free(bs->forgotten[i]);
    }
    bs->n_forgotten = 0;
    bs->save_active = false;
}

char *bridges_save_flows(struct bridges *bs, bool all)
{
    if (!bridges_save_begin(bs, all)) {
        return NULL;
    }
    char *err = bridges_save_write(bs);
    bridges_save_end(bs, !err);
    return err;
}

void bridges_keep_devices(struct bridges *bs)
{
    bs->keep_devices = true;
}
