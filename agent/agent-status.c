/* agent-status: `swagent status`, from the agent's state to JSON and
 * text, and the unix socket (RUNDIR/swagent.sock) it is asked on.  The
 * exchange is one line each way: the client sends {"method":"status"},
 * the agent answers with the status object and closes. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "ds.h"
#include "eth-addr.h"
#include "log.h"
#include "rpc.h"
#include "util.h"

#define STATUS_SOCKET "swagent.sock"

static const char *state_name(enum agent_state s)
{
    switch (s) {
    case AGENT_CONNECTING:
        return "connecting";
    case AGENT_WATCHING:
        return "watching";
    case AGENT_BACKOFF:
        return "backoff";
    }
    return "?";
}

static json_t *ip_json(uint32_t ip)
{
    char buf[16];
    return ip ? json_string(ipv4_to_str(ip, buf)) : json_null();
}

static json_t *endpoints_json(const struct agent *a)
{
    size_t n;
    const struct overlay_endpoint **eps =
        overlay_store_endpoints(&a->store, &n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char mac[ETH_ADDR_STRLEN];
        json_array_append_new(
            arr,
            json_pack("{s:i, s:s, s:o, s:o, s:o, s:o, s:b}", "vni",
                      (int)eps[i]->vni, "mac",
                      eth_addr_to_str(eps[i]->mac, mac), "ip",
                      ip_json(eps[i]->ip), "host",
                      eps[i]->host ? json_string(eps[i]->host) : json_null(),
                      "vtep", ip_json(eps[i]->vtep), "port",
                      eps[i]->port ? json_string(eps[i]->port) : json_null(),
                      "local", eps[i]->vtep == a->cfg.vtep));
    }
    free(eps);
    return arr;
}

static json_t *hosts_json(const struct agent *a)
{
    size_t n;
    const struct overlay_host **hs = overlay_store_hosts(&a->store, &n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *vnis = json_array();
        for (size_t j = 0; j < hs[i]->n_vnis; j++) {
            json_array_append_new(vnis, json_integer(hs[i]->vnis[j]));
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:o, s:o}", "name", hs[i]->name, "vtep",
                           ip_json(hs[i]->vtep), "vnis", vnis));
    }
    free(hs);
    return arr;
}

static json_t *locals_json(const struct agent *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->n_locals; i++) {
        const struct agent_local *l = &a->locals[i];
        char mac[ETH_ADDR_STRLEN];
        json_array_append_new(
            arr,
            json_pack("{s:s, s:i, s:s, s:o, s:i, s:b}", "port", l->port, "vni",
                      (int)l->vni, "mac", eth_addr_to_str(l->mac, mac), "ip",
                      ip_json(l->ip), "vlan", l->tag, "published",
                      l->mod_revision > 0 && !l->lost));
    }
    return arr;
}

json_t *agent_status_json(const struct agent *a)
{
    struct etcd_client_stats es;
    etcd_client_stats(a->etcd, &es);
    char lease[24];
    snprintf(lease, sizeof lease, "%" PRIx64, (uint64_t)a->lease);
    json_t *etcd = json_pack(
        "{s:s, s:i, s:s, s:b, s:o, s:I, s:s, s:{s:I, s:I, s:I, s:I, s:I, "
        "s:I, s:I}}",
        "endpoint", etcd_client_endpoint(a->etcd), "n_endpoints",
        (int)etcd_client_n_endpoints(a->etcd), "state", state_name(a->state),
        "healthy", a->state == AGENT_WATCHING, "last_error",
        a->last_error ? json_string(a->last_error) : json_null(), "revision",
        (json_int_t)a->revision, "lease", lease, "client", "calls",
        (json_int_t)es.n_calls, "failures", (json_int_t)es.n_failures,
        "failovers", (json_int_t)es.n_failovers, "bytes_sent",
        (json_int_t)es.bytes_sent, "bytes_received",
        (json_int_t)es.bytes_received, "watch_bytes_received",
        (json_int_t)es.watch_bytes_received, "watch_messages",
        (json_int_t)es.n_watch_messages);
    json_t *sw =
        json_pack("{s:b, s:o, s:i, s:i}", "connected", a->sw_fd >= 0, "error",
                  a->sw_error ? json_string(a->sw_error) : json_null(),
                  "patch_port", a->patch_port, "tunnel_port", a->tunnel_port);
    json_t *flows = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "last_apply_unix_ms",
        (json_int_t)a->stats.last_apply_unix_ms, "converged_unix_ms",
        (json_int_t)a->stats.converged_unix_ms, "installed",
        (json_int_t)a->n_flows, "unicast", (json_int_t)a->counts.n_unicast,
        "arp", (json_int_t)a->counts.n_arp, "flood_targets",
        (json_int_t)a->counts.n_flood_targets, "applies",
        (json_int_t)a->stats.n_flow_applies);
    const struct agent_stats *st = &a->stats;
    json_t *stats = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "puts",
        (json_int_t)st->n_puts, "deletes", (json_int_t)st->n_deletes, "txns",
        (json_int_t)st->n_txns, "resyncs", (json_int_t)st->n_resyncs,
        "watch_events", (json_int_t)st->n_watch_events, "leases",
        (json_int_t)st->n_leases, "keepalives", (json_int_t)st->n_keepalives,
        "switchd_connects", (json_int_t)st->n_switchd_connects);
    json_t *vnis = json_array();
    for (size_t i = 0; i < a->n_vnis; i++) {
        json_array_append_new(vnis, json_pack("{s:i, s:i}", "vni",
                                              (int)a->vnis[i].vni, "vlan",
                                              a->vnis[i].vlan));
    }
    char vtep[16];
    return json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o}",
        "host", a->cfg.host, "vtep", ipv4_to_str(a->cfg.vtep, vtep), "prefix",
        a->store.prefix, "etcd", etcd, "switchd", sw, "vnis", vnis,
        "local_endpoints", locals_json(a), "hosts", hosts_json(a), "endpoints",
        endpoints_json(a), "flows", flows, "stats", stats);
}

static const char *str_or(const json_t *j, const char *dflt)
{
    const char *s = json_string_value(j);
    return s ? s : dflt;
}

static void format_endpoints(const json_t *eps, struct ds *out)
{
    size_t i;
    json_t *e;
    ds_put_format(out, "endpoints (%zu):\n", json_array_size(eps));
    if (json_array_size(eps)) {
        ds_put_format(out, "  %-8s  %-17s  %-15s  %-12s  %-15s\n", "VNI",
                      "MAC", "IP", "HOST", "VTEP");
    }
    json_array_foreach((json_t *)eps, i, e)
    {
        ds_put_format(out, "  %-8lld  %-17s  %-15s  %-12s  %-15s%s\n",
                      (long long)json_integer_value(json_object_get(e, "vni")),
                      str_or(json_object_get(e, "mac"), "?"),
                      str_or(json_object_get(e, "ip"), "-"),
                      str_or(json_object_get(e, "host"), "(static)"),
                      str_or(json_object_get(e, "vtep"), "?"),
                      json_is_true(json_object_get(e, "local")) ? "  local"
                                                                : "");
    }
}

void agent_status_format(const json_t *s, struct ds *out)
{
    const json_t *etcd = json_object_get(s, "etcd");
    const json_t *sw = json_object_get(s, "switchd");
    const json_t *flows = json_object_get(s, "flows");
    ds_put_format(out, "host %s, vtep %s, prefix %s\n",
                  str_or(json_object_get(s, "host"), "?"),
                  str_or(json_object_get(s, "vtep"), "?"),
                  str_or(json_object_get(s, "prefix"), "?"));
    ds_put_format(
        out, "etcd: %s (%s), revision %lld, lease %s",
        str_or(json_object_get(etcd, "endpoint"), "?"),
        json_is_true(json_object_get(etcd, "healthy"))
            ? "healthy"
            : str_or(json_object_get(etcd, "state"), "?"),
        (long long)json_integer_value(json_object_get(etcd, "revision")),
        str_or(json_object_get(etcd, "lease"), "0"));
    const json_t *err = json_object_get(etcd, "last_error");
    if (json_is_string(err)) {
        ds_put_format(out, "; last error: %s", json_string_value(err));
    }
    ds_put_format(out, "\nswitchd: %s\n",
                  json_is_true(json_object_get(sw, "connected"))
                      ? "connected"
                      : str_or(json_object_get(sw, "error"), "not connected"));
    ds_put_format(
        out,
        "flows: %lld installed (%lld unicast, %lld ARP "
        "responders, %lld flood copies)\n",
        (long long)json_integer_value(json_object_get(flows, "installed")),
        (long long)json_integer_value(json_object_get(flows, "unicast")),
        (long long)json_integer_value(json_object_get(flows, "arp")),
        (long long)json_integer_value(
            json_object_get(flows, "flood_targets")));
    size_t i;
    json_t *h;
    const json_t *hosts = json_object_get(s, "hosts");
    ds_put_format(out, "hosts (%zu):\n", json_array_size(hosts));
    json_array_foreach((json_t *)hosts, i, h)
    {
        ds_put_format(out, "  %-12s  %-15s  vnis",
                      str_or(json_object_get(h, "name"), "?"),
                      str_or(json_object_get(h, "vtep"), "?"));
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(h, "vnis"), j, v)
        {
            ds_put_format(out, "%s%lld", j ? "," : " ",
                          (long long)json_integer_value(v));
        }
        ds_put_char(out, '\n');
    }
    format_endpoints(json_object_get(s, "endpoints"), out);
}

/* ---- The socket. ---- */

static void status_accept_cb(evutil_socket_t lfd, short what, void *a_)
{
    struct agent *a = a_;
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
        return;
    }
    /* One short exchange with a local client, bounded by a timeout. */
    struct timeval tv = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
        json_t *st = agent_status_json(a);
        char *line = rpc_encode_reply(json_null(), st);
        size_t len = strlen(line), off = 0;
        while (off < len) {
            ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);
            if (w <= 0) {
                break;
            }
            off += (size_t)w;
        }
        free(line);
        json_decref(st);
    }
    close(fd);
}

char *agent_status_listen(struct agent *a)
{
    char *path = rpc_rundir_file(a->cfg.rundir, STATUS_SOCKET);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sun.sun_path) {
        char *err = xasprintf("%s: path too long", path);
        free(path);
        return err;
    }
    strcpy(sun.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0
        || listen(fd, 16) < 0) {
        char *err = xasprintf("%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        free(path);
        return err;
    }
    free(path);
    a->status_fd = fd;
    a->status_listener_ev =
        event_new(a->base, fd, EV_READ | EV_PERSIST, status_accept_cb, a);
    event_add(a->status_listener_ev, NULL);
    return NULL;
}

void agent_status_close(struct agent *a)
{
    if (a->status_listener_ev) {
        event_free(a->status_listener_ev);
        close(a->status_fd);
        char *path = rpc_rundir_file(a->cfg.rundir, STATUS_SOCKET);
        unlink(path);
        free(path);
    }
}

char *agent_status_query(const char *rundir, json_t **statusp)
{
    *statusp = NULL;
    char *path = rpc_rundir_file(rundir, STATUS_SOCKET);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
        char *err =
            xasprintf("%s: %s (is swagent running?)", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        free(path);
        return err;
    }
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char *req = "{\"method\":\"status\"}\n";
    char *err = NULL;
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
        err = xasprintf("%s: %s", path, strerror(errno));
    }
    struct rpc_reader r;
    rpc_reader_init(&r, RPC_MAX_MSG);
    char *line = NULL;
    while (!err) {
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            err = xasprintf("%s: %s", path,
                            n ? strerror(errno) : "closed without a reply");
            break;
        }
        rpc_reader_feed(&r, buf, (size_t)n);
        if (rpc_reader_next(&r, &line) == 0) {
            break;
        }
    }
    rpc_reader_uninit(&r);
    close(fd);
    if (!err) {
        json_t *msg = json_loads(line, 0, NULL);
        json_t *result = json_object_get(msg, "result");
        if (json_is_object(result)) {
            *statusp = json_incref(result);
        } else {
            err = xasprintf("%s: malformed reply", path);
        }
        json_decref(msg);
    }
    free(line);
    free(path);
    return err;
}
