/* agent-etcd: the agent's etcd session.
 *
 * A session: keep (or grant) the lease; publish this host's record and
 * every local endpoint in one transaction; read the whole prefix; make
 * the mirror exactly that; withdraw what the store still holds of ours
 * but the host no longer has; watch from the next revision.  Any failure
 * (an etcd member dies, all of etcd goes away, the watch is cancelled or
 * compacted, the lease expired) ends the session and starts another
 * after a backoff, on the next endpoint.  The flows are never torn down
 * meanwhile: the next session's range read replaces the mirror, and
 * replace-flows leaves every flow that did not change alone. */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "etcd-json.h"
#include "log.h"
#include "util.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 3000

/* What a reply callback needs: the session it belongs to. */
struct agent_call {
    struct agent *agent;
    uint64_t epoch;
    char *key; /* For single-key calls. */
    int64_t mod_revision;
};

static void SW_PRINTF(2, 3)
    agent_set_error(struct agent *a, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    free(a->last_error);
    a->last_error = xvasprintf(fmt, args);
    va_end(args);
}

static struct agent_call *call_new(struct agent *a, const char *key)
{
    struct agent_call *c = xzalloc(sizeof *c);
    c->agent = a;
    c->epoch = a->epoch;
    c->key = key ? xstrdup(key) : NULL;
    return c;
}

/* Frees 'c' and says whether its session is still the current one. */
static bool call_done(struct agent_call *c, struct agent **ap)
{
    *ap = c->agent;
    bool current = c->epoch == c->agent->epoch;
    free(c->key);
    free(c);
    return current;
}

static void session_start(struct agent *);

static void retry_cb(evutil_socket_t fd, short what, void *a_)
{
    session_start(a_);
}

/* Ends the session: the flows stay, a new session starts later. */
static void session_fail(struct agent *a, const char *why)
{
    agent_set_error(a, "%s", why);
    LOG(LOG_WARN, "etcd session ended (%s); retrying in %d ms via %s", why,
        a->backoff_ms, etcd_client_endpoint(a->etcd));
    a->epoch++;
    if (a->watch) {
        etcd_watch_cancel(a->watch);
        a->watch = NULL;
    }
    a->state = AGENT_BACKOFF;
    struct timeval tv = { a->backoff_ms / 1000,
                          (a->backoff_ms % 1000) * 1000 };
    evtimer_add(a->retry_timer, &tv);
    a->backoff_ms = SW_MIN(a->backoff_ms * 2, BACKOFF_MAX_MS);
}

char *agent_endpoint_key(const struct agent *a, const struct agent_local *l)
{
    return overlay_endpoint_key(a->store.prefix, l->vni, l->mac);
}

static char *endpoint_value(const struct agent *a, const struct agent_local *l)
{
    return overlay_endpoint_value(a->cfg.host, a->cfg.vtep, l->ip, l->port);
}

static char *host_value(const struct agent *a)
{
    uint32_t *vnis = xcalloc(a->n_vnis + 1, sizeof *vnis);
    for (size_t i = 0; i < a->n_vnis; i++) {
        vnis[i] = a->vnis[i].vni;
    }
    char *v = overlay_host_value(a->cfg.vtep, vnis, a->n_vnis);
    free(vnis);
    return v;
}

/* ---- The watch. ---- */

/* A PUT of one of our own endpoint keys by another host: the MAC now
 * lives elsewhere (a VM moved), so we do not re-assert it while the old
 * port lingers here.  (A DELETE is not a loss: our lease may have expired
 * while etcd was away, and the next session puts the keys back.) */
static void note_own_key(struct agent *a, const struct etcd_event *ev)
{
    if (ev->type != ETCD_EVENT_PUT) {
        return;
    }
    for (size_t i = 0; i < a->n_locals; i++) {
        struct agent_local *l = &a->locals[i];
        if (l->lost) {
            continue;
        }
        const struct overlay_endpoint *ep =
            overlay_store_find_endpoint(&a->store, l->vni, l->mac);
        if (ep && !strcmp(ep->key, ev->kv.key)
            && (ep->vtep != a->cfg.vtep || !ep->host
                || strcmp(ep->host, a->cfg.host))) {
            LOG(LOG_INFO, "%s now belongs to %s; not re-asserting it", ep->key,
                ep->host ? ep->host : "a static endpoint");
            l->lost = true;
            l->mod_revision = 0;
        }
    }
}

static void watch_msg_cb(const json_t *msg, void *a_)
{
    struct agent *a = a_;
    struct etcd_watch_msg m;
    char *err = etcd_parse_watch(msg, &m);
    if (err) {
        session_fail(a, err);
        free(err);
        return;
    }
    if (m.canceled) {
        char *why =
            m.compact_revision
                ? xasprintf("watch: revision %" PRId64
                            " was compacted (oldest "
                            "%" PRId64 "): full resync",
                            a->revision + 1, m.compact_revision)
                : xasprintf("watch cancelled: %s",
                            m.cancel_reason ? m.cancel_reason : "no reason");
        etcd_watch_msg_uninit(&m);
        session_fail(a, why);
        free(why);
        return;
    }
    for (size_t i = 0; i < m.n_events; i++) {
        const struct etcd_event *ev = &m.events[i];
        a->stats.n_watch_events++;
        if (ev->type == ETCD_EVENT_PUT) {
            char *perr = overlay_store_put(&a->store, ev->kv.key, ev->kv.value,
                                           ev->kv.mod_revision);
            if (perr) {
                LOG_RL(LOG_WARN, "ignoring %s", perr);
                free(perr);
            }
            note_own_key(a, ev);
        } else {
            overlay_store_delete(&a->store, ev->kv.key);
        }
        if (ev->kv.mod_revision > a->revision) {
            a->revision = ev->kv.mod_revision;
        }
    }
    if (m.n_events) {
        a->hooks.store_changed(a);
    }
    etcd_watch_msg_uninit(&m);
}

static void watch_end_cb(const char *error, void *a_)
{
    struct agent *a = a_;
    char *why = xasprintf("watch ended: %s", error ? error : "closed");
    session_fail(a, why);
    free(why);
}

/* ---- Withdrawal of what is no longer ours. ---- */

static void delete_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    struct agent_call *c = c_;
    char *key = xstrdup(c->key ? c->key : "");
    bool current = call_done(c, &a);
    bool ok = false;
    int64_t rev;
    char *err = error ? xstrdup(error) : etcd_parse_txn(reply, &ok, &rev);
    if (err) {
        if (current) {
            session_fail(a, err);
        }
    } else if (!ok) {
        LOG(LOG_INFO, "%s: not withdrawn, another host owns it now", key);
    }
    free(err);
    free(key);
}

static void withdraw(struct agent *a, const char *key, int64_t mod_revision)
{
    struct agent_call *c = call_new(a, key);
    a->stats.n_deletes++;
    LOG(LOG_INFO, "withdrawing %s", key);
    etcd_client_call(a->etcd, "/v3/kv/txn",
                     etcd_delete_if_request(key, mod_revision), delete_reply,
                     c);
}

/* After a range read: keys at our VTEP under our host name that we no
 * longer have (removed while etcd was away) are withdrawn. */
static void withdraw_stale(struct agent *a)
{
    size_t n;
    const struct overlay_endpoint **eps =
        overlay_store_endpoints(&a->store, &n);
    for (size_t i = 0; i < n; i++) {
        const struct overlay_endpoint *ep = eps[i];
        if (!ep->host || strcmp(ep->host, a->cfg.host)
            || ep->vtep != a->cfg.vtep) {
            continue;
        }
        bool have = false;
        for (size_t j = 0; j < a->n_locals && !have; j++) {
            const struct agent_local *l = &a->locals[j];
            have = l->vni == ep->vni && !memcmp(l->mac, ep->mac, 6);
        }
        if (!have) {
            withdraw(a, ep->key, ep->mod_revision);
        }
    }
    free(eps);
}

/* ---- Session steps. ---- */

static void range_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    if (!call_done(c_, &a)) {
        return;
    }
    struct etcd_kv *kvs = NULL;
    size_t n = 0;
    int64_t rev;
    char *err =
        error ? xstrdup(error) : etcd_parse_range(reply, &rev, &kvs, &n);
    if (err) {
        session_fail(a, err);
        free(err);
        return;
    }
    overlay_store_clear(&a->store);
    for (size_t i = 0; i < n; i++) {
        char *perr = overlay_store_put(&a->store, kvs[i].key, kvs[i].value,
                                       kvs[i].mod_revision);
        if (perr) {
            LOG_RL(LOG_WARN, "ignoring %s", perr);
            free(perr);
        }
    }
    etcd_kvs_free(kvs, n);
    a->revision = rev;
    a->stats.n_resyncs++;
    withdraw_stale(a);
    a->hooks.store_changed(a);

    a->watch = etcd_watch_start(
        a->etcd, etcd_watch_prefix_request(a->store.prefix, rev + 1),
        watch_msg_cb, watch_end_cb, a);
    a->state = AGENT_WATCHING;
    a->backoff_ms = BACKOFF_MIN_MS;
    free(a->last_error);
    a->last_error = NULL;
    LOG(LOG_INFO,
        "in line with etcd at revision %" PRId64 " (%zu keys) via "
        "%s; watching",
        rev, n, etcd_client_endpoint(a->etcd));
}

static void read_all(struct agent *a)
{
    char *range_prefix = xasprintf("%s/", a->store.prefix);
    etcd_client_call(a->etcd, "/v3/kv/range",
                     etcd_range_prefix_request(range_prefix), range_reply,
                     call_new(a, NULL));
    free(range_prefix);
}

static void publish_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    if (!call_done(c_, &a)) {
        return;
    }
    bool ok;
    int64_t rev;
    char *err = error ? xstrdup(error) : etcd_parse_txn(reply, &ok, &rev);
    if (err) {
        session_fail(a, err);
        free(err);
        return;
    }
    for (size_t i = 0; i < a->n_locals; i++) {
        if (!a->locals[i].lost) {
            a->locals[i].mod_revision = rev;
        }
    }
    a->host_published = true;
    read_all(a);
}

/* One transaction: the host record and every local endpoint we still
 * claim, all bound to the lease. */
static void publish_all(struct agent *a)
{
    json_t *ops = json_array();
    char *key = overlay_host_key(a->store.prefix, a->cfg.host);
    char *value = host_value(a);
    json_array_append_new(ops,
                          json_pack("{s:o}", "request_put",
                                    etcd_put_request(key, value, a->lease)));
    free(key);
    free(value);
    for (size_t i = 0; i < a->n_locals; i++) {
        const struct agent_local *l = &a->locals[i];
        if (l->lost) {
            continue;
        }
        key = agent_endpoint_key(a, l);
        value = endpoint_value(a, l);
        json_array_append_new(
            ops, json_pack("{s:o}", "request_put",
                           etcd_put_request(key, value, a->lease)));
        free(key);
        free(value);
    }
    a->stats.n_txns++;
    a->stats.n_puts += json_array_size(ops);
    etcd_client_call(a->etcd, "/v3/kv/txn", json_pack("{s:o}", "success", ops),
                     publish_reply, call_new(a, NULL));
}

static void grant_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    if (!call_done(c_, &a)) {
        return;
    }
    int64_t id, ttl;
    char *err =
        error ? xstrdup(error) : etcd_parse_lease_grant(reply, &id, &ttl);
    if (err) {
        session_fail(a, err);
        free(err);
        return;
    }
    a->lease = id;
    a->stats.n_leases++;
    LOG(LOG_INFO, "lease %" PRIx64 " granted for %" PRId64 " s", (uint64_t)id,
        ttl);
    publish_all(a);
}

static void grant(struct agent *a)
{
    etcd_client_call(a->etcd, "/v3/lease/grant",
                     etcd_lease_grant_request(a->cfg.ttl), grant_reply,
                     call_new(a, NULL));
}

/* At session start with a lease from before: keep it if it lives. */
static void revive_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    if (!call_done(c_, &a)) {
        return;
    }
    int64_t ttl = 0;
    char *err = error ? xstrdup(error) : etcd_parse_keepalive(reply, &ttl);
    if (err) {
        session_fail(a, err);
        free(err);
    } else if (ttl <= 0) {
        LOG(LOG_INFO, "lease %" PRIx64 " expired; granting a new one",
            (uint64_t)a->lease);
        a->lease = 0;
        grant(a);
    } else {
        publish_all(a);
    }
}

static void session_start(struct agent *a)
{
    a->epoch++;
    a->state = AGENT_CONNECTING;
    if (a->lease) {
        etcd_client_call(a->etcd, "/v3/lease/keepalive",
                         etcd_lease_keepalive_request(a->lease), revive_reply,
                         call_new(a, NULL));
    } else {
        grant(a);
    }
}

/* ---- Keepalive. ---- */

static void keepalive_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent *a;
    bool current = call_done(c_, &a);
    a->keepalive_pending = false;
    if (!current) {
        return;
    }
    int64_t ttl = 0;
    char *err = error ? xstrdup(error) : etcd_parse_keepalive(reply, &ttl);
    if (!err && ttl <= 0) {
        err = xasprintf("lease %" PRIx64 " expired", (uint64_t)a->lease);
        a->lease = 0;
    }
    if (err) {
        session_fail(a, err);
        free(err);
    }
}

static void keepalive_cb(evutil_socket_t fd, short what, void *a_)
{
    struct agent *a = a_;
    if (a->state == AGENT_WATCHING && a->lease && !a->keepalive_pending) {
        a->keepalive_pending = true;
        a->stats.n_keepalives++;
        etcd_client_call(a->etcd, "/v3/lease/keepalive",
                         etcd_lease_keepalive_request(a->lease),
                         keepalive_reply, call_new(a, NULL));
    }
    /* A watch on an endpoint the client has left (a call failed there)
     * moves too: the member may be gone without the stream noticing. */
    if (a->state == AGENT_WATCHING && a->watch
        && strcmp(etcd_watch_endpoint(a->watch),
                  etcd_client_endpoint(a->etcd))) {
        session_fail(a, "the etcd endpoint changed");
    }
}

/* ---- Publishing local changes. ---- */

static void put_reply(const json_t *reply, const char *error, void *c_)
{
    struct agent_call *c = c_;
    struct agent *a = c->agent;
    char *key = xstrdup(c->key);
    bool current = call_done(c, &a);
    int64_t rev;
    char *err = error ? xstrdup(error) : etcd_parse_header(reply, &rev);
    if (err) {
        if (current) {
            session_fail(a, err);
        }
        free(err);
        free(key);
        return;
    }
    for (size_t i = 0; i < a->n_locals; i++) {
        char *k = agent_endpoint_key(a, &a->locals[i]);
        if (!strcmp(k, key)) {
            a->locals[i].mod_revision = rev;
        }
        free(k);
    }
    free(key);
}

static void put_key(struct agent *a, const char *key, const char *value)
{
    a->stats.n_puts++;
    etcd_client_call(a->etcd, "/v3/kv/put",
                     etcd_put_request(key, value, a->lease), put_reply,
                     call_new(a, key));
}

void agent_etcd_publish_changes(struct agent *a, struct agent_local *gone,
                                size_t n_gone)
{
    if (a->state != AGENT_WATCHING) {
        /* The next session publishes everything and withdraws the
         * stale keys after its range read. */
        return;
    }
    for (size_t i = 0; i < n_gone; i++) {
        if (gone[i].mod_revision && !gone[i].lost) {
            char *key = agent_endpoint_key(a, &gone[i]);
            withdraw(a, key, gone[i].mod_revision);
            free(key);
        }
    }
    for (size_t i = 0; i < a->n_locals; i++) {
        struct agent_local *l = &a->locals[i];
        if (!l->mod_revision && !l->lost) {
            char *key = agent_endpoint_key(a, l);
            char *value = endpoint_value(a, l);
            /* Marked as sent so the next poll does not send it again;
             * the reply puts the real revision in. */
            l->mod_revision = -1;
            put_key(a, key, value);
            free(key);
            free(value);
        }
    }
    if (!a->host_published) {
        char *key = overlay_host_key(a->store.prefix, a->cfg.host);
        char *value = host_value(a);
        put_key(a, key, value);
        a->host_published = true;
        free(key);
        free(value);
    }
}

/* ---- Start and stop. ---- */

void agent_etcd_start(struct agent *a)
{
    a->backoff_ms = BACKOFF_MIN_MS;
    a->retry_timer = evtimer_new(a->base, retry_cb, a);
    a->keepalive_timer = event_new(a->base, -1, EV_PERSIST, keepalive_cb, a);
    int period_ms = SW_MAX(a->cfg.ttl * 1000 / 3, 300);
    struct timeval tv = { period_ms / 1000, (period_ms % 1000) * 1000 };
    event_add(a->keepalive_timer, &tv);
    session_start(a);
}

static void revoke_done(const json_t *reply, const char *error, void *base_)
{
    event_base_loopbreak(base_);
}

void agent_etcd_stop(struct agent *a)
{
    a->epoch++;
    if (a->watch) {
        etcd_watch_cancel(a->watch);
        a->watch = NULL;
    }
    /* A clean stop withdraws at once instead of at lease expiry: revoke
     * the lease, waiting at most the client's timeout. */
    if (a->lease) {
        etcd_client_call(a->etcd, "/v3/lease/revoke",
                         etcd_lease_keepalive_request(a->lease), revoke_done,
                         a->base);
        event_base_dispatch(a->base);
        a->lease = 0;
    }
    event_free(a->retry_timer);
    event_free(a->keepalive_timer);
}
