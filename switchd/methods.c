/* The socket methods: one table row per method.  Handlers only unpack
 * JSON parameters and call lib/ (vsctl_run, bridge_ofctl_*). */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "bridge-ofctl.h"
#include "bridge-sub.h"
#include "capture.h"
#include "config.h"
#include "log.h"
#include "methods.h"
#include "printer.h"
#include "util.h"
#include "vsctl.h"

struct method {
    const char *name;
    char *(*handler)(struct switchd *, json_t *params, struct switchd_call *,
                     json_t **resultp);
    const char *help;
};

/* Fetches a required string parameter. */
static const char *param_str(json_t *params, const char *key, char **errp)
{
    json_t *v = json_object_get(params, key);
    if (!json_is_string(v)) {
        *errp = xasprintf("missing string parameter \"%s\"", key);
        return NULL;
    }
    return json_string_value(v);
}

static const char *param_opt_str(json_t *params, const char *key)
{
    json_t *v = json_object_get(params, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool param_bool(json_t *params, const char *key, bool dflt)
{
    json_t *v = json_object_get(params, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static const char *status_iface_error(void *sw_, const char *iface)
{
    struct switchd *sw = sw_;
    return bridges_iface_error(sw->bridges, iface);
}

static bool status_iface_open_failed(void *sw_, const char *iface)
{
    struct switchd *sw = sw_;
    return bridges_iface_open_failed(sw->bridges, iface);
}

static bool status_iface_state(void *sw_, const char *iface, bool *admin_up,
                               bool *link_up)
{
    struct switchd *sw = sw_;
    return bridges_iface_state(sw->bridges, iface, admin_up, link_up);
}

/* After a commit: the ports this transaction added that could not be set
 * up, as one more result entry (vsctl_add_setup_error()) that swctl
 * reports as ovs-vsctl does ("Error detected while setting up ..."). */
static void add_setup_errors(struct switchd *sw, const struct config *old,
                             json_t *results)
{
    for (size_t b = 0; b < sw->cfg->n_bridges; b++) {
        const struct config_bridge *br = sw->cfg->bridges[b];
        for (size_t i = 0; i < br->n_ports; i++) {
            const char *name = br->ports[i]->name;
            const char *err = bridges_iface_error(sw->bridges, name);
            if (err && bridges_iface_open_failed(sw->bridges, name)
                && !config_find_port(old, name, NULL)) {
                vsctl_add_setup_error(results, name, err);
            }
        }
    }
}

static char *m_vsctl(struct switchd *sw, json_t *params,
                     struct switchd_call *call, json_t **resultp)
{
    json_t *args = json_object_get(params, "args");
    if (!json_is_array(args)) {
        return xstrdup("missing array parameter \"args\"");
    }
    size_t n = json_array_size(args);
    char **argv = xcalloc(n + 1, sizeof *argv);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(args, i);
        if (!json_is_string(a)) {
            free(argv);
            return xasprintf("argument %zu is not a string", i + 1);
        }
        argv[i] = (char *)json_string_value(a);
    }

    /* The transaction runs on a clone; the daemon's config changes only
     * once the clone validated and reached the disk. */
    struct config *clone = config_clone(sw->cfg);
    struct db_status st = { status_iface_error, status_iface_open_failed,
                            status_iface_state, sw };
    bool changed;
    /* "text": swctl's text; "bare": as --bare. */
    struct vsctl_view view = { param_bool(params, PR_KEY_TEXT, false),
                               param_bool(params, VSCTL_PARAM_BARE, false) };
    char *err = vsctl_run(clone, (int)n, argv, &st, &view, resultp, &changed);
    free(argv);
    if (!err && changed) {
        char *serr = config_save(sw->db_path, clone);
        if (serr) {
            err = xasprintf("cannot save the database: %s", serr);
            free(serr);
            json_decref(*resultp);
            *resultp = NULL;
        }
    }
    if (err || !changed) {
        config_destroy(clone);
        return err;
    }
    struct config *old = config_clone(sw->cfg);
    switchd_commit(sw, clone);
    add_setup_errors(sw, old, *resultp);
    config_destroy(old);
    LOG(LOG_INFO, "configuration changed and saved to %s", sw->db_path);
    return NULL;
}

/* The rendering a read command asks for: "text" true for ovs-ofctl's
 * text, "protocol" "OpenFlow10" (default) or "OpenFlow13" for whose. */
static char *param_view(json_t *params, struct ofctl_view *view)
{
    view->text = param_bool(params, PR_KEY_TEXT, false);
    const char *proto = param_opt_str(params, "protocol");
    if (!proto || !strcmp(proto, "OpenFlow10")) {
        view->of_version = 10;
    } else if (!strcmp(proto, "OpenFlow13")) {
        view->of_version = 13;
    } else {
        return xasprintf("protocol \"%s\": switchd speaks OpenFlow10 and "
                         "OpenFlow13",
                         proto);
    }
    return NULL;
}

/* The bridge and view of a read command. */
static const char *read_params(json_t *params, struct ofctl_view *view,
                               char **errp)
{
    const char *br = param_str(params, "bridge", errp);
    if (br) {
        *errp = param_view(params, view);
    }
    return *errp ? NULL : br;
}

static char *m_show(struct switchd *sw, json_t *params,
                    struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    struct ofctl_view view;
    const char *br = read_params(params, &view, &err);
    return br ? bridge_ofctl_show(sw->bridges, br, &view, false, resultp)
              : err;
}

static char *m_dump_ports_desc(struct switchd *sw, json_t *params,
                               struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    struct ofctl_view view;
    const char *br = read_params(params, &view, &err);
    return br ? bridge_ofctl_show(sw->bridges, br, &view, true, resultp) : err;
}

static char *m_mod_port(struct switchd *sw, json_t *params,
                        struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    const char *port = br ? param_str(params, "port", &err) : NULL;
    const char *action = port ? param_str(params, "action", &err) : NULL;
    struct ofctl_view view;
    if (action) {
        err = param_view(params, &view);
    }
    return action && !err ? bridge_ofctl_mod_port(sw->bridges, br, port,
                                                  action, &view, resultp)
                          : err;
}

static char *m_fdb_flush(struct switchd *sw, json_t *params,
                         struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    return br ? bridge_ofctl_fdb_flush(sw->bridges, br, resultp) : err;
}

/* An add/mod/del-flows upload (see struct switchd_job). */
struct upload_job {
    struct switchd *sw;
    struct bridge_flow_upload *up;
    json_t *result;
};

static char *upload_feed(void *job_, const char *text, size_t len)
{
    struct upload_job *job = job_;
    return bridge_flow_upload_feed(job->up, text, len);
}

/* A slice of the commit (all-or-nothing: see bridge_flow_upload_step()). */
static bool upload_step(void *job_, size_t max_bytes, struct ds *out,
                        char **errp)
{
    struct upload_job *job = job_;
    bridges_credit(job->sw->bridges);
    bool done = bridge_flow_upload_step(job->up, &job->result, errp);
    switchd_flows_changed(job->sw);
    /* As switchd_dispatch() does before a reply, and after each slice:
     * the fast path forwards by the flows the table holds now. */
    bridges_sync(job->sw->bridges);
    return done;
}

static json_t *upload_finish(void *job_)
{
    struct upload_job *job = job_;
    return json_incref(job->result);
}

static void upload_destroy(void *job_)
{
    struct upload_job *job = job_;
    bridge_flow_upload_destroy(job->up);
    json_decref(job->result);
    free(job);
}

/* Turns started upload 'up' into the request's job.  With 'upload' its
 * flows come in pieces after the reply {"upload": true}; without, they
 * are 'text' (fed now), and the reply is deferred to the commit's end.
 * Either way the commit is checked whole, then applied in slices (a
 * del-flows of a million flows held the loop for 0.76 s in one piece,
 * a replace-flows 11.8 s).  Destroys 'up' on error. */
static char *upload_job_start(struct switchd *sw,
                              struct bridge_flow_upload *up, bool upload,
                              const char *text, struct switchd_call *call,
                              json_t **resultp)
{
    if (!upload && text && *text) {
        char *err = bridge_flow_upload_feed(up, text, strlen(text));
        if (err) {
            bridge_flow_upload_destroy(up);
            return err;
        }
    }
    struct upload_job *job = xzalloc(sizeof *job);
    job->sw = sw;
    job->up = up;
    call->job = (struct switchd_job){ .step = upload_step,
                                      .finish = upload_finish,
                                      .destroy = upload_destroy,
                                      .feed = upload ? upload_feed : NULL,
                                      .state = job,
                                      .deferred = !upload };
    if (upload) {
        *resultp = json_pack("{s:b}", "upload", true);
    }
    return NULL;
}

static char *flow_mods(struct switchd *sw, json_t *params,
                       struct switchd_call *call, json_t **resultp,
                       enum fm_command cmd, enum fm_command strict_cmd,
                       const char *key)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    if (!br) {
        return err;
    }
    const char *text = param_opt_str(params, key);
    if (param_bool(params, "strict", false)) {
        cmd = strict_cmd;
    }
    struct ofctl_view view;
    err = param_view(params, &view);
    if (err) {
        return err;
    }
    bool upload = param_bool(params, "upload", false);
    if (upload && text) {
        return xasprintf("an upload's flows come in pieces, not in \"%s\"",
                         key);
    }
    struct bridge_flow_upload *up;
    err = bridge_flow_upload_start(sw->bridges, br, cmd, view.of_version,
                                   param_bool(params, "bundle", false), &up);
    return err ? err : upload_job_start(sw, up, upload, text, call, resultp);
}

static char *m_add_flows(struct switchd *sw, json_t *params,
                         struct switchd_call *call, json_t **resultp)
{
    return flow_mods(sw, params, call, resultp, FM_ADD, FM_ADD, "flows");
}

static char *m_mod_flows(struct switchd *sw, json_t *params,
                         struct switchd_call *call, json_t **resultp)
{
    return flow_mods(sw, params, call, resultp, FM_MODIFY, FM_MODIFY_STRICT,
                     "flows");
}

static char *m_del_flows(struct switchd *sw, json_t *params,
                         struct switchd_call *call, json_t **resultp)
{
    return flow_mods(sw, params, call, resultp, FM_DELETE, FM_DELETE_STRICT,
                     "match");
}

/* "cookie": "VALUE[/MASK]" (ovs-ofctl's cookie syntax; MASK -1 or absent
 * is all ones).  Absent: no scope (mask 0). */
static char *param_cookie(json_t *params, uint64_t *cookie, uint64_t *mask)
{
    const char *s = param_opt_str(params, "cookie");
    *cookie = *mask = 0;
    if (!s) {
        return json_object_get(params, "cookie")
                   ? xstrdup("parameter \"cookie\" must be a string")
                   : NULL;
    }
    const char *slash = strchr(s, '/');
    char *value = slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
    bool ok = str_to_u64(value, UINT64_MAX, cookie);
    *mask = UINT64_MAX;
    if (ok && slash && strcmp(slash + 1, "-1")) {
        ok = str_to_u64(slash + 1, UINT64_MAX, mask) && *mask;
    }
    free(value);
    return ok ? NULL
              : xasprintf("parameter \"cookie\": \"%s\" is not COOKIE[/MASK] "
                          "(numbers, decimal or 0x hex; MASK nonzero)",
                          s);
}

static char *m_replace_flows(struct switchd *sw, json_t *params,
                             struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    if (!br) {
        return err;
    }
    bool upload = param_bool(params, "upload", false);
    const char *text = param_opt_str(params, "flows");
    if (upload && text) {
        return xstrdup("an upload's flows come in pieces, not in \"flows\"");
    }
    if (!upload && !text) {
        param_str(params, "flows", &err); /* Names what is missing. */
        return err;
    }
    uint64_t cookie, mask;
    err = param_cookie(params, &cookie, &mask);
    struct ofctl_view view;
    if (!err) {
        err = param_view(params, &view);
    }
    if (err) {
        return err;
    }
    /* swofctl names its protocol; a caller that does not (swagent) gets
     * neither 1.0's refusals nor its implicit reset_counts. */
    int of_version = param_opt_str(params, "protocol") ? view.of_version : 0;
    struct bridge_flow_upload *up;
    err = bridge_flow_upload_start(sw->bridges, br, FM_ADD, of_version,
                                   param_bool(params, "bundle", false), &up);
    if (err) {
        return err;
    }
    bridge_flow_upload_set_replace(up, cookie, mask);
    return upload_job_start(sw, up, upload, text, call, resultp);
}

/* dump-flows in pieces: about 'max_bytes' of text per step. */
static bool flow_stream_step(void *st, size_t max_bytes, struct ds *out,
                             char **errp)
{
    size_t start = out->length;
    while (out->length - start < max_bytes) {
        /* A flow line is about 150 bytes: 64 flows keep a step short
         * and the check for the byte budget frequent. */
        size_t before = out->length;
        if (bridge_flow_stream_step(st, 64, out, errp) || *errp) {
            return true;
        }
        if (out->length == before) {
            /* It sorted part of a table instead: the loop runs before
             * the next part. */
            break;
        }
    }
    return false;
}

static json_t *flow_stream_finish(void *st)
{
    return json_pack("{s:I}", "n_flows",
                     (json_int_t)bridge_flow_stream_n_flows(st));
}

static void flow_stream_destroy(void *st)
{
    bridge_flow_stream_destroy(st);
}

static char *dump_flows_stream(struct switchd *sw, const char *br,
                               const struct bridge_dump_options *opts,
                               struct switchd_call *call, json_t **resultp)
{
    struct bridge_flow_stream *st;
    char *err = bridge_ofctl_dump_flows_stream(sw->bridges, br, opts, &st);
    if (err) {
        return err;
    }
    call->job = (struct switchd_job){ .step = flow_stream_step,
                                      .finish = flow_stream_finish,
                                      .destroy = flow_stream_destroy,
                                      .state = st };
    *resultp = json_pack("{s:b}", "stream", true);
    return NULL;
}

static char *m_dump_flows(struct switchd *sw, json_t *params,
                          struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    if (!br) {
        return err;
    }
    struct ofctl_view view;
    err = param_view(params, &view);
    if (err) {
        return err;
    }
    struct bridge_dump_options opts = {
        .of_version = view.of_version,
        .match = param_opt_str(params, "match"),
        .strict = param_bool(params, "strict", false),
        .stats = param_bool(params, "stats", true),
        .names = param_bool(params, "names", false),
        .text_only = param_bool(params, "text_only", false),
    };
    json_t *sort = json_object_get(params, "sort");
    size_t n = json_array_size(sort);
    const char **keys = xcalloc(n + 1, sizeof *keys);
    bool *rsort = xcalloc(n + 1, sizeof *rsort);
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_array_get(sort, i);
        const char *field = param_opt_str(k, "field");
        keys[i] = field ? field : "priority";
        rsort[i] = param_bool(k, "reverse", false);
    }
    opts.sort_keys = keys;
    opts.rsort = rsort;
    opts.n_sort_keys = n;
    if (param_bool(params, "stream", false)) {
        /* The text, or without text_only a flow per line in JSON. */
        err = dump_flows_stream(sw, br, &opts, call, resultp);
    } else {
        err = bridge_ofctl_dump_flows(sw->bridges, br, &opts, resultp);
    }
    free(keys);
    free(rsort);
    return err;
}

static char *m_dump_aggregate(struct switchd *sw, json_t *params,
                              struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    struct ofctl_view view;
    const char *br = read_params(params, &view, &err);
    return br ? bridge_ofctl_dump_aggregate(
               sw->bridges, br, param_opt_str(params, "match"),
               param_bool(params, "strict", false), &view, resultp)
              : err;
}

static char *m_packet_out(struct switchd *sw, json_t *params,
                          struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    const char *in_port = br ? param_str(params, "in_port", &err) : NULL;
    const char *actions = in_port ? param_str(params, "actions", &err) : NULL;
    if (!actions) {
        return err;
    }
    json_t *packets = json_object_get(params, "packets");
    if (!json_is_array(packets)) {
        return xstrdup("missing array parameter \"packets\"");
    }
    size_t n = json_array_size(packets);
    const char **hex = xcalloc(n + 1, sizeof *hex);
    for (size_t i = 0; i < n; i++) {
        hex[i] = json_string_value(json_array_get(packets, i));
        if (!hex[i]) {
            free(hex);
            return xasprintf("packet %zu is not a string", i + 1);
        }
    }
    err = bridge_ofctl_packet_out(sw->bridges, br, in_port, actions, hex, n,
                                  resultp);
    free(hex);
    /* A learn action may have added a flow with a timeout. */
    switchd_flows_changed(sw);
    return err;
}

static char *m_dump_ports(struct switchd *sw, json_t *params,
                          struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    struct ofctl_view view;
    const char *br = read_params(params, &view, &err);
    return br ? bridge_ofctl_dump_ports(
               sw->bridges, br, param_opt_str(params, "port"), &view, resultp)
              : err;
}

/* A read method whose whole request is the bridge and the view. */
static char *read_call(struct switchd *sw, json_t *params,
                       char *(*fn)(struct bridges *, const char *br,
                                   const struct ofctl_view *, json_t **),
                       json_t **resultp)
{
    char *err = NULL;
    struct ofctl_view view;
    const char *br = read_params(params, &view, &err);
    return br ? fn(sw->bridges, br, &view, resultp) : err;
}

static char *m_dump_tables(struct switchd *sw, json_t *params,
                           struct switchd_call *call, json_t **resultp)
{
    return read_call(sw, params, bridge_ofctl_dump_tables, resultp);
}

static char *m_stats(struct switchd *sw, json_t *params,
                     struct switchd_call *call, json_t **resultp)
{
    return read_call(sw, params, bridge_ofctl_stats, resultp);
}

static char *m_fdb_show(struct switchd *sw, json_t *params,
                        struct switchd_call *call, json_t **resultp)
{
    return read_call(sw, params, bridge_ofctl_fdb_show, resultp);
}

static char *m_dump_dp_flows(struct switchd *sw, json_t *params,
                             struct switchd_call *call, json_t **resultp)
{
    return read_call(sw, params, bridge_ofctl_dump_dp_flows, resultp);
}

static char *m_trace(struct switchd *sw, json_t *params,
                     struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    if (!br) {
        return err;
    }
    bool generate = param_bool(params, "generate", false);
    err =
        bridge_ofctl_trace(sw->bridges, br, param_opt_str(params, "flow"),
                           param_opt_str(params, "packet"), generate, resultp);
    if (generate) {
        /* A learned flow may carry a timeout. */
        switchd_flows_changed(sw);
    }
    return err;
}

static char *m_monitor(struct switchd *sw, json_t *params,
                       struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    if (!br) {
        return err;
    }
    struct bridge_monitor_options opts = {
        .watch = param_opt_str(params, "watch"),
        .names = param_bool(params, "names", false),
    };
    return bridge_monitor_start(sw->bridges, br, &opts, call->notify,
                                call->notify_aux, &call->sub, resultp);
}

/* A non-negative integer parameter, 'dflt' when absent. */
static bool param_uint(json_t *params, const char *key, uint64_t max,
                       uint64_t dflt, uint64_t *value, char **errp)
{
    json_t *v = json_object_get(params, key);
    *value = dflt;
    if (!v) {
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0
        || (uint64_t)json_integer_value(v) > max) {
        *errp = xasprintf("parameter \"%s\" must be an integer from 0 to "
                          "%llu",
                          key, (unsigned long long)max);
        return false;
    }
    *value = (uint64_t)json_integer_value(v);
    return true;
}

static char *m_capture(struct switchd *sw, json_t *params,
                       struct switchd_call *call, json_t **resultp)
{
    char *err = NULL;
    const char *br = param_str(params, "bridge", &err);
    const char *port = br ? param_str(params, "port", &err) : NULL;
    uint64_t count, snaplen;
    if (!port || !param_uint(params, "count", UINT32_MAX, 0, &count, &err)
        || !param_uint(params, "snaplen", CAPTURE_DEFAULT_SNAPLEN, 0, &snaplen,
                       &err)) {
        return err;
    }
    struct capture_queue_config cfg = {
        .snaplen = (uint32_t)snaplen,
        .count = count,
    };
    return bridge_capture_start(sw->bridges, br, port, &cfg, call->notify,
                                call->notify_aux, &call->sub, resultp);
}

static char *m_version(struct switchd *sw, json_t *params,
                       struct switchd_call *call, json_t **resultp)
{
    *resultp = json_pack("{s:s}", "version", SW_VERSION);
    return NULL;
}

static char *m_exit(struct switchd *sw, json_t *params,
                    struct switchd_call *call, json_t **resultp)
{
    /* The loop ends after this reply is flushed. */
    sw->exit_requested = 1;
    *resultp = json_object();
    return NULL;
}

static char *m_list_methods(struct switchd *, json_t *, struct switchd_call *,
                            json_t **);

static const struct method methods[] = {
    { "vsctl", m_vsctl,
      "{args: [...]}: run swctl commands as one transaction" },
    { "show", m_show,
      "{bridge, text, protocol}: ports, numbers and addresses (text: "
      "ovs-ofctl's rendering for protocol OpenFlow10 or OpenFlow13)" },
    { "dump-ports-desc", m_dump_ports_desc,
      "{bridge, text, protocol}: the ports' descriptions" },
    { "mod-port", m_mod_port,
      "{bridge, port, action}: bring a port's device up or down" },
    { "fdb-flush", m_fdb_flush, "{bridge}: empty NORMAL's MAC table" },
    { "add-flows", m_add_flows, "{bridge, flows}: add flows, one per line" },
    { "mod-flows", m_mod_flows,
      "{bridge, flows, strict}: modify the actions of matching flows" },
    { "del-flows", m_del_flows,
      "{bridge, match, strict}: delete matching flows (all without match)" },
    { "replace-flows", m_replace_flows,
      "{bridge, flows, cookie}: make the flow table (or the flows of "
      "cookie VALUE[/MASK]) exactly 'flows'" },
    { "dump-flows", m_dump_flows,
      "{bridge, match, strict, stats, names, text_only, protocol, "
      "sort: [{field, reverse}], stream}" },
    { "dump-aggregate", m_dump_aggregate,
      "{bridge, match, strict, text, protocol}: packet, byte and flow "
      "counts of matching flows" },
    { "packet-out", m_packet_out,
      "{bridge, in_port, actions, packets: [hex...]}: run actions on "
      "packets and send the outputs" },
    { "dump-ports", m_dump_ports,
      "{bridge, port, text, protocol}: port counters" },
    { "dump-tables", m_dump_tables,
      "{bridge, text, protocol}: table counters" },
    { "stats", m_stats,
      "{bridge, text}: flow limit, evictions, refused learns and adds, "
      "vxlan socket drops" },
    { "fdb-show", m_fdb_show, "{bridge, text}: NORMAL's MAC table" },
    { "dump-dp-flows", m_dump_dp_flows,
      "{bridge}: the kernel fast path's cache entries" },
    { "trace", m_trace,
      "{bridge, flow, packet, generate}: follow one packet through the "
      "pipeline" },
    { "monitor", m_monitor,
      "{bridge, watch, names}: stream flow changes and packet-ins" },
    { "capture", m_capture,
      "{bridge, port, count, snaplen}: stream the port's frames" },
    { "version", m_version, "{}: the daemon's version" },
    { "list-methods", m_list_methods, "{}: this list" },
    { "exit", m_exit, "{}: stop the daemon" },
};

static char *m_list_methods(struct switchd *sw, json_t *params,
                            struct switchd_call *call, json_t **resultp)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
        json_array_append_new(a,
                              json_pack("{s:s, s:s}", "name", methods[i].name,
                                        "help", methods[i].help));
    }
    *resultp = a;
    return NULL;
}

char *switchd_dispatch(struct switchd *sw, const char *method, json_t *params,
                       struct switchd_call *call, json_t **resultp)
{
    *resultp = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
        if (!strcmp(methods[i].name, method)) {
            bridges_credit(sw->bridges);
            char *err = methods[i].handler(sw, params, call, resultp);
            /* A request may have changed flows or ports: the fast path
             * must not forward by the old ones once we reply. */
            bridges_sync(sw->bridges);
            if (err) {
                json_decref(*resultp);
                *resultp = NULL;
            }
            return err;
        }
    }
    return xasprintf("unknown method \"%s\"", method);
}
