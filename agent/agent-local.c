/* agent-local: the agent's side of switchd.
 *
 * At (re)connection it creates what is missing, idempotently: both
 * bridges, the patch pair (patch-tun on the integration bridge, patch-int
 * on the tunnel bridge, as Neutron names them) and one vxlan port
 * (vxlan-sw: remote_ip=flow, key=flow, local_ip=VTEP).  Then, every
 * poll_ms, it reads the integration bridge's ports from the database:
 * each with external_ids:vni=N is a local endpoint (MAC from
 * external_ids:attached-mac or the interface's own, IP from
 * external_ids:ip).  Each endpoint's port gets tag=VLAN, the local VLAN of
 * its VNI, so NORMAL on br-int keeps VNIs apart and br-tun knows the VNI
 * of what comes over the patch.
 *
 * The flows are overlay_flows() of the mirror; they reach switchd as one
 * replace-flows scoped to the agent's cookie, and only when the text
 * changed.  A closed socket (switchd restarted) forgets what was applied,
 * so the next connection installs everything again. */
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "ds.h"
#include "log.h"
#include "rpc.h"
#include "util.h"

#define PATCH_ON_INT "patch-tun"
#define PATCH_ON_TUN "patch-int"
#define TUNNEL_PORT "vxlan-sw"
#define SWITCHD_TIMEOUT_SEC 5

static void sw_disconnect(struct agent *, const char *why);

/* One blocking call to switchd.  NULL and '*resultp', or a message (the
 * connection is dropped on transport errors). */
static char *sw_call(struct agent *a, const char *method, json_t *params,
                     json_t **resultp)
{
    char *err = NULL;
    *resultp = NULL;
    int error = rpc_client_call(a->sw_fd, method, params, resultp, &err);
    json_decref(params);
    if (error && error != EPROTO) {
        sw_disconnect(a, err);
    }
    return error ? (err ? err : xstrdup("switchd call failed")) : NULL;
}

static json_t *vsctl_params(const char *const *args, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_string(args[i]));
    }
    return json_pack("{s:o}", "args", a);
}

static char *vsctl(struct agent *a, json_t *params, json_t **resultp)
{
    return sw_call(a, "vsctl", params, resultp);
}

/* ---- Connection and setup. ---- */

static void sw_disconnect(struct agent *a, const char *why)
{
    if (a->sw_fd < 0) {
        return;
    }
    LOG(LOG_WARN, "lost switchd (%s); reconnecting", why);
    event_free(a->sw_event);
    a->sw_event = NULL;
    close(a->sw_fd);
    a->sw_fd = -1;
    free(a->applied);
    a->applied = NULL;
    json_decref(a->port_macs);
    a->port_macs = NULL;
    free(a->sw_error);
    a->sw_error = xstrdup(why);
}

/* The socket is readable only if switchd closed it (every reply is read
 * inside its call). */
static void sw_readable_cb(evutil_socket_t fd, short what, void *a_)
{
    struct agent *a = a_;
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        sw_disconnect(a, "switchd closed the connection");
    }
}

static char *sw_setup(struct agent *a)
{
    char vtep[16], local_ip[40];
    ipv4_to_str(a->cfg.vtep, vtep);
    snprintf(local_ip, sizeof local_ip, "options:local_ip=%s", vtep);
    char peer_int[64], peer_tun[64];
    snprintf(peer_int, sizeof peer_int, "options:peer=%s", PATCH_ON_TUN);
    snprintf(peer_tun, sizeof peer_tun, "options:peer=%s", PATCH_ON_INT);
    const char *args[] = {
        "--may-exist",
        "add-br",
        a->cfg.int_bridge,
        "--",
        "--may-exist",
        "add-br",
        a->cfg.tun_bridge,
        "--",
        "--may-exist",
        "add-port",
        a->cfg.int_bridge,
        PATCH_ON_INT,
        "--",
        "set",
        "interface",
        PATCH_ON_INT,
        "type=patch",
        peer_int,
        "--",
        "--may-exist",
        "add-port",
        a->cfg.tun_bridge,
        PATCH_ON_TUN,
        "--",
        "set",
        "interface",
        PATCH_ON_TUN,
        "type=patch",
        peer_tun,
        "--",
        "--may-exist",
        "add-port",
        a->cfg.tun_bridge,
        TUNNEL_PORT,
        "--",
        "set",
        "interface",
        TUNNEL_PORT,
        "type=vxlan",
        "options:remote_ip=flow",
        "options:key=flow",
        local_ip,
    };
    json_t *r;
    char *err = vsctl(a, vsctl_params(args, ARRAY_SIZE(args)), &r);
    json_decref(r);
    if (err) {
        return err;
    }
    const char *get[] = { "get", "interface", PATCH_ON_TUN, "ofport", "--",
                          "get", "interface", TUNNEL_PORT,  "ofport" };
    err = vsctl(a, vsctl_params(get, ARRAY_SIZE(get)), &r);
    if (err) {
        return err;
    }
    json_t *p0 =
        json_array_get(json_object_get(json_array_get(r, 0), "result"), 0);
    json_t *p1 =
        json_array_get(json_object_get(json_array_get(r, 1), "result"), 0);
    if (!json_is_integer(p0) || !json_is_integer(p1)) {
        json_decref(r);
        return xstrdup("switchd gave no port numbers for the patch and "
                       "tunnel ports");
    }
    a->patch_port = (uint16_t)json_integer_value(p0);
    a->tunnel_port = (uint16_t)json_integer_value(p1);
    json_decref(r);
    return NULL;
}

static void sw_connect(struct agent *a)
{
    char *err = NULL;
    if (rpc_client_connect(a->cfg.rundir, &a->sw_fd, &err)) {
        free(a->sw_error);
        a->sw_error = err;
        a->sw_fd = -1;
        return;
    }
    struct timeval tv = { SWITCHD_TIMEOUT_SEC, 0 };
    setsockopt(a->sw_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(a->sw_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    a->sw_event =
        event_new(a->base, a->sw_fd, EV_READ | EV_PERSIST, sw_readable_cb, a);
    event_add(a->sw_event, NULL);
    err = sw_setup(a);
    if (err) {
        LOG(LOG_WARN, "switchd setup failed: %s", err);
        sw_disconnect(a, err);
        free(err);
        return;
    }
    a->stats.n_switchd_connects++;
    free(a->sw_error);
    a->sw_error = NULL;
    LOG(LOG_INFO, "switchd ready: %s port %u, %s port %u", PATCH_ON_TUN,
        a->patch_port, TUNNEL_PORT, a->tunnel_port);
    agent_schedule_apply(a);
}

/* ---- VNIs and VLANs. ---- */

static bool vlan_used(const struct agent *a, uint16_t vlan)
{
    for (size_t i = 0; i < a->n_vnis; i++) {
        if (a->vnis[i].vlan == vlan) {
            return true;
        }
    }
    return false;
}

uint16_t agent_vlan_for_vni(struct agent *a, uint32_t vni)
{
    for (size_t i = 0; i < a->n_vnis; i++) {
        if (a->vnis[i].vni == vni) {
            return a->vnis[i].vlan;
        }
    }
    /* The VNI itself when it fits and is free (easy to read in dumps),
     * else the highest free VLAN. */
    uint16_t vlan = 0;
    if (vni >= 1 && vni <= 4094 && !vlan_used(a, (uint16_t)vni)) {
        vlan = (uint16_t)vni;
    }
    for (uint16_t v = 4094; !vlan && v >= 1; v--) {
        vlan = vlan_used(a, v) ? 0 : v;
    }
    a->vnis = xrealloc(a->vnis, (a->n_vnis + 1) * sizeof *a->vnis);
    a->vnis[a->n_vnis++] = (struct overlay_local_vni){ vni, vlan };
    return vlan;
}

/* Forgets VNIs no local endpoint uses.  Returns whether any went. */
static bool prune_vnis(struct agent *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n_vnis; i++) {
        bool used = false;
        for (size_t j = 0; j < a->n_locals && !used; j++) {
            used = a->locals[j].vni == a->vnis[i].vni;
        }
        if (used) {
            a->vnis[k++] = a->vnis[i];
        }
    }
    bool changed = k != a->n_vnis;
    a->n_vnis = k;
    return changed;
}

/* ---- Reading the local endpoints. ---- */

static const char *smap_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The MACs switchd reports for the integration bridge's ports. */
static json_t *port_addrs(struct agent *a)
{
    json_t *r;
    char *err = sw_call(a, "show",
                        json_pack("{s:s}", "bridge", a->cfg.int_bridge), &r);
    if (err) {
        free(err);
        return json_object();
    }
    json_t *addrs = json_object();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "ports"), i, p)
    {
        const char *name = smap_str(p, "name"), *addr = smap_str(p, "addr");
        if (name && addr) {
            json_object_set_new(addrs, name, json_string(addr));
        }
    }
    json_decref(r);
    return addrs;
}

/* Builds the local endpoint for port record 'iface' (Interface columns)
 * and 'port' (Port columns), or returns false if it is not one. */
static bool local_from_records(const json_t *iface, const json_t *port,
                               const json_t *addrs, struct agent_local *l)
{
    const json_t *ids = json_object_get(iface, "external_ids");
    const json_t *pids = json_object_get(port, "external_ids");
    const char *name = smap_str(iface, "name");
    const char *vni =
        smap_str(ids, "vni") ? smap_str(ids, "vni") : smap_str(pids, "vni");
    uint64_t v;
    if (!name || !vni || !str_to_u64(vni, OVERLAY_VNI_MAX, &v) || !v) {
        if (name && vni) {
            LOG_RL(LOG_WARN,
                   "port %s: external_ids:vni=%s is not a VNI "
                   "from 1 to %u",
                   name, vni, OVERLAY_VNI_MAX);
        }
        return false;
    }
    const char *mac = smap_str(ids, "attached-mac");
    if (!mac) {
        mac = smap_str(pids, "attached-mac");
    }
    if (!mac) {
        mac = smap_str(addrs, name);
    }
    memset(l, 0, sizeof *l);
    if (!mac || !overlay_parse_mac(mac, l->mac)) {
        LOG_RL(LOG_WARN, "port %s: no usable MAC (%s)", name,
               mac ? mac : "none yet");
        return false;
    }
    const char *ip =
        smap_str(ids, "ip") ? smap_str(ids, "ip") : smap_str(pids, "ip");
    if (ip && !overlay_parse_ipv4(ip, &l->ip)) {
        LOG_RL(LOG_WARN,
               "port %s: external_ids:ip=%s is not an IPv4 "
               "address; publishing without it",
               name, ip);
        l->ip = 0;
    }
    json_t *tag = json_object_get(port, "tag");
    l->tag = json_is_integer(tag) ? (int)json_integer_value(tag) : -1;
    l->vni = (uint32_t)v;
    l->port = xstrdup(name);
    return true;
}

static json_t *find_named(const json_t *records, const char *name);

/* Keeps a->port_macs for the bridge's ports: names gone are forgotten (a
 * port made again may have another device), and switchd is asked (show)
 * only when an endpoint without attached-mac has no MAC known yet, so a
 * quiet host costs one vsctl call per poll. */
static void refresh_macs(struct agent *a, const json_t *names,
                         const json_t *ifaces)
{
    if (!a->port_macs) {
        a->port_macs = json_object();
    }
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(a->port_macs, tmp, key, value)
    {
        bool present = false;
        size_t i;
        json_t *n;
        json_array_foreach((json_t *)names, i, n)
        {
            present = present || !strcmp(json_string_value(n), key);
        }
        if (!present) {
            json_object_del(a->port_macs, key);
        }
    }
    size_t i;
    json_t *n;
    json_array_foreach((json_t *)names, i, n)
    {
        const char *pn = json_string_value(n);
        json_t *iface = pn ? find_named(ifaces, pn) : NULL;
        json_t *ids = json_object_get(iface, "external_ids");
        if (iface && smap_str(ids, "vni") && !smap_str(ids, "attached-mac")
            && !json_object_get(a->port_macs, pn)) {
            /* (A failing call may drop the connection, which clears
             * the cache: hold nothing across it.) */
            json_decref(a->port_macs);
            a->port_macs = NULL;
            json_t *macs = port_addrs(a);
            json_decref(a->port_macs);
            a->port_macs = macs;
            return;
        }
    }
}

static json_t *find_named(const json_t *records, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach((json_t *)records, i, r)
    {
        const char *n = smap_str(r, "name");
        if (n && !strcmp(n, name)) {
            return r;
        }
    }
    return NULL;
}

/* The integration bridge's endpoints now, or false on error. */
static bool read_locals(struct agent *a, struct agent_local **lsp, size_t *np)
{
    const char *args[] = { "list", "bridge", a->cfg.int_bridge,
                           "--",   "list",   "interface",
                           "--",   "list",   "port" };
    json_t *r;
    char *err = vsctl(a, vsctl_params(args, ARRAY_SIZE(args)), &r);
    if (err) {
        LOG_RL(LOG_WARN, "reading ports: %s", err);
        free(err);
        return false;
    }
    json_t *br =
        json_array_get(json_object_get(json_array_get(r, 0), "result"), 0);
    json_t *ifaces = json_object_get(json_array_get(r, 1), "result");
    json_t *ports = json_object_get(json_array_get(r, 2), "result");
    size_t i;
    json_t *name;
    refresh_macs(a, json_object_get(br, "ports"), ifaces);
    json_t *addrs = a->port_macs;
    struct agent_local *ls =
        xcalloc(json_array_size(json_object_get(br, "ports")) + 1, sizeof *ls);
    size_t n = 0;
    json_array_foreach(json_object_get(br, "ports"), i, name)
    {
        const char *pn = json_string_value(name);
        json_t *iface = pn ? find_named(ifaces, pn) : NULL;
        json_t *port = pn ? find_named(ports, pn) : NULL;
        if (iface && port && local_from_records(iface, port, addrs, &ls[n])) {
            n++;
        }
    }
    json_decref(r);
    *lsp = ls;
    *np = n;
    return true;
}

static void locals_free(struct agent_local *ls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ls[i].port);
    }
    free(ls);
}

static struct agent_local *find_local(struct agent_local *ls, size_t n,
                                      const struct agent_local *l)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ls[i].port, l->port) && ls[i].vni == l->vni
            && !memcmp(ls[i].mac, l->mac, 6) && ls[i].ip == l->ip) {
            return &ls[i];
        }
    }
    return NULL;
}

/* Gives each endpoint port the tag of its VNI's VLAN. */
static void set_tags(struct agent *a)
{
    for (size_t i = 0; i < a->n_locals; i++) {
        struct agent_local *l = &a->locals[i];
        uint16_t vlan = agent_vlan_for_vni(a, l->vni);
        if (l->tag == vlan) {
            continue;
        }
        char tag[16];
        snprintf(tag, sizeof tag, "tag=%u", vlan);
        const char *args[] = { "set", "port", l->port, tag };
        json_t *r;
        char *err = vsctl(a, vsctl_params(args, ARRAY_SIZE(args)), &r);
        json_decref(r);
        if (err) {
            LOG_RL(LOG_WARN, "%s: %s", l->port, err);
            free(err);
        } else {
            l->tag = vlan;
        }
    }
}

/* Brings 'a->locals' in line with the database, keeping what each
 * unchanged endpoint knows (its published revision). */
static void sync_locals(struct agent *a)
{
    struct agent_local *now;
    size_t n_now;
    if (!read_locals(a, &now, &n_now)) {
        return;
    }
    bool changed = n_now != a->n_locals;
    for (size_t i = 0; i < n_now; i++) {
        struct agent_local *old = find_local(a->locals, a->n_locals, &now[i]);
        if (old) {
            now[i].mod_revision = old->mod_revision;
            now[i].lost = old->lost;
        } else {
            changed = true;
        }
    }
    struct agent_local *gone = xcalloc(a->n_locals + 1, sizeof *gone);
    size_t n_gone = 0;
    for (size_t i = 0; i < a->n_locals; i++) {
        if (!find_local(now, n_now, &a->locals[i])) {
            gone[n_gone++] = a->locals[i];
            a->locals[i].port = NULL; /* Moved to 'gone'. */
        }
    }
    locals_free(a->locals, a->n_locals);
    a->locals = now;
    a->n_locals = n_now;
    size_t n_vnis = a->n_vnis;
    set_tags(a);
    if (prune_vnis(a) || n_vnis != a->n_vnis) {
        a->host_published = false;
        agent_schedule_apply(a);
    }
    if (changed || n_gone || !a->host_published) {
        a->hooks.locals_changed(a, gone, n_gone);
    }
    locals_free(gone, n_gone);
}

static void poll_cb(evutil_socket_t fd, short what, void *a_)
{
    struct agent *a = a_;
    if (a->sw_fd < 0) {
        sw_connect(a);
    }
    if (a->sw_fd >= 0) {
        sync_locals(a);
    }
}

/* ---- Flows. ---- */

static void apply_cb(evutil_socket_t fd, short what, void *a_)
{
    struct agent *a = a_;
    if (a->sw_fd < 0 || a->state == AGENT_CONNECTING
        || (!a->stats.n_resyncs)) {
        /* Nothing to apply before the first range read: an empty mirror
         * would only remove flows a previous agent left in place. */
        return;
    }
    struct overlay_params p = {
        .vtep = a->cfg.vtep,
        .patch_port = a->patch_port,
        .tunnel_port = a->tunnel_port,
        .cookie = AGENT_COOKIE,
        .flood_unknown = a->cfg.flood_unknown,
        .vnis = a->vnis,
        .n_vnis = a->n_vnis,
    };
    struct ds text = DS_EMPTY_INITIALIZER;
    overlay_flows(&a->store, &p, &text, &a->counts);
    if (a->applied && !strcmp(a->applied, ds_cstr(&text))) {
        ds_destroy(&text);
        return;
    }
    char cookie[48];
    snprintf(cookie, sizeof cookie, "0x%" PRIx64 "/0x%" PRIx64,
             (uint64_t)AGENT_COOKIE, (uint64_t)AGENT_COOKIE_MASK);
    json_t *r;
    char *err =
        sw_call(a, "replace-flows",
                json_pack("{s:s, s:s, s:s}", "bridge", a->cfg.tun_bridge,
                          "flows", ds_cstr(&text), "cookie", cookie),
                &r);
    if (err) {
        a->stats.n_flow_apply_errors++;
        LOG_RL(LOG_WARN, "replace-flows on %s: %s", a->cfg.tun_bridge, err);
        free(err);
        ds_destroy(&text);
        return;
    }
    LOG(LOG_DBG, "flows: %" PRId64 " added, %" PRId64 " deleted",
        (int64_t)json_integer_value(json_object_get(r, "added")),
        (int64_t)json_integer_value(json_object_get(r, "deleted")));
    json_decref(r);
    free(a->applied);
    a->applied = ds_steal_cstr(&text);
    a->n_flows = a->counts.n_flows;
    a->stats.n_flow_applies++;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    a->stats.last_apply_unix_ms =
        (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!a->stats.converged_unix_ms && a->state == AGENT_WATCHING) {
        a->stats.converged_unix_ms = a->stats.last_apply_unix_ms;
    }
}

void agent_schedule_apply(struct agent *a)
{
    event_active(a->apply_event, EV_TIMEOUT, 0);
}

void agent_local_start(struct agent *a)
{
    a->sw_fd = -1;
    a->apply_event = event_new(a->base, -1, 0, apply_cb, a);
    a->poll_timer = event_new(a->base, -1, EV_PERSIST, poll_cb, a);
    struct timeval tv = { a->cfg.poll_ms / 1000,
                          (a->cfg.poll_ms % 1000) * 1000 };
    event_add(a->poll_timer, &tv);
    poll_cb(-1, 0, a);
}

void agent_local_stop(struct agent *a)
{
    event_free(a->poll_timer);
    event_free(a->apply_event);
    if (a->sw_fd >= 0) {
        event_free(a->sw_event);
        close(a->sw_fd);
        a->sw_fd = -1;
    }
    locals_free(a->locals, a->n_locals);
    a->locals = NULL;
    a->n_locals = 0;
    free(a->vnis);
    free(a->applied);
    free(a->sw_error);
    json_decref(a->port_macs);
}
