/* trace: recording a walk through the pipeline and rendering it.
 *
 * Events from ofproto_execute_trace() point into the running walk, so the
 * recorder copies what it needs (as text, already formatted) into steps
 * it owns.  Rendering is one function per step written against a tiny
 * printer that writes either text or JSON (the iproute2 way): a field
 * printed for people is the same field printed for scripts. */
#include "trace.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "fields.h"
#include "flowmod.h"
#include "match.h"
#include "printer.h"
#include "util.h"
#include "vxlan.h"

/* Longest frame --packet accepts (the biggest Ethernet jumbo we could
 * ever receive, and a bound on what a client can make us allocate). */
#define TRACE_MAX_PACKET 65535

/* Field changes recorded per action are bounded too: a flow has ~40
 * fields, so this is never reached in practice. */
#define TRACE_MAX_CHANGES 48

struct trace_change {
    const char *field; /* Static: the field table's name. */
    char *old_value;
    char *new_value;
};

/* One recorded event.  Strings are owned; NULL when not applicable. */
struct trace_step {
    enum xlate_event_type type;
    int depth;
    uint8_t table_id;
    char *bridge;

    /* XE_TABLE (rule NULL = miss) and XE_LEARN. */
    bool matched;
    int priority;
    uint64_t cookie;
    char *match;   /* Match without priority; "" for catch-all. */
    char *actions; /* The rule's actions, or the learned flow's. */
    char *learned; /* XE_LEARN: the flow as add-flow takes it. */

    /* XE_ACTION, XE_FIELDS, XE_SKIP with an action. */
    char *action;
    struct trace_change *changes;
    size_t n_changes;

    /* XE_OUTPUT, XE_PATCH, XE_SKIP with a port. */
    bool has_port;
    uint16_t port;
    char *port_name;
    char *peer;
    uint16_t peer_port;
    char *peer_port_name;

    /* XE_OUTPUT on a tunnel port. */
    bool has_tunnel;
    struct trace_port_info tunnel;
    uint64_t vni;
    uint32_t remote;

    char *reason; /* XE_SKIP, XE_LEARN, XE_CONTROLLER, XE_DROP. */
};

/* An output of the final result, with names and tunnel data copied. */
struct trace_output {
    char *bridge;
    uint16_t port;
    char *port_name;
    bool has_tunnel;
    struct trace_port_info tunnel;
    uint64_t vni;
    uint32_t remote;
    uint64_t tun_id;
};

struct trace {
    char *bridge;
    char *flow; /* The traced packet's key, in match syntax. */
    bool generate;
    size_t max_events;
    struct trace_step *steps;
    size_t n_steps, allocated;
    bool truncated;
    const struct trace_options *opts; /* Only during trace_run(). */

    struct xlate_result result;
    struct trace_output *outputs;
    size_t n_outputs;
};

/* ---- Parsing the packet description. ---- */

static bool is_sep(char c)
{
    return c == ',' || isspace((unsigned char)c);
}

char *trace_parse_flow(const char *text, const struct portmap *ports,
                       struct flow *flow)
{
    struct match m;
    match_init_catchall(&m);
    memset(flow, 0, sizeof *flow);

    const char *p = text;
    for (;;) {
        while (*p && is_sep(*p)) {
            p++;
        }
        if (!*p) {
            break;
        }
        size_t ofs = (size_t)(p - text);
        const char *end = p;
        while (*end && !is_sep(*end)) {
            end++;
        }
        char *piece = xstrndup(p, (size_t)(end - p));
        char *eq = strchr(piece, '=');
        char *value = NULL;
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        char *error = NULL;
        if (value && strchr(value, '/')) {
            error = xasprintf("a packet has exact values, not masks");
        } else {
            error = match_parse_piece(&m, piece, value, ports);
        }
        if (error) {
            if (eq) {
                *eq = '=';
            }
            char *msg = xasprintf("'%s' at offset %zu: %s", piece, ofs, error);
            free(error);
            free(piece);
            return msg;
        }
        free(piece);
        p = end;
    }

    char *error = match_check_prereqs(&m);
    if (error) {
        return error;
    }
    *flow = m.flow;
    return NULL;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses hex bytes into a new malloc'd buffer. */
static char *parse_hex(const char *hex, uint8_t **datap, size_t *lenp)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *data = xmalloc(cap);
    size_t n = 0;
    int hi = -1;
    size_t hi_ofs = 0;
    for (const char *p = hex; *p; p++) {
        if (isspace((unsigned char)*p) || *p == ':') {
            if (hi >= 0) {
                free(data);
                return xasprintf("packet: lone hex digit at offset %zu "
                                 "(bytes need two digits)",
                                 hi_ofs);
            }
            continue;
        }
        int d = hex_digit(*p);
        if (d < 0) {
            free(data);
            return xasprintf("packet: '%c' at offset %zu is not a hex digit",
                             *p, (size_t)(p - hex));
        }
        if (hi < 0) {
            hi = d;
            hi_ofs = (size_t)(p - hex);
        } else {
            if (n >= TRACE_MAX_PACKET) {
                free(data);
                return xasprintf("packet: longer than %d bytes",
                                 TRACE_MAX_PACKET);
            }
            data[n++] = (uint8_t)(hi << 4 | d);
            hi = -1;
        }
    }
    if (hi >= 0) {
        free(data);
        return xasprintf("packet: lone hex digit at offset %zu (bytes need "
                         "two digits)",
                         hi_ofs);
    }
    if (n < 14) {
        free(data);
        return xasprintf("packet: %zu bytes is shorter than an Ethernet "
                         "header (14)",
                         n);
    }
    *datap = data;
    *lenp = n;
    return NULL;
}

char *trace_parse_packet(const char *flow_text, const char *packet_hex,
                         const struct portmap *ports, struct packet *packet,
                         struct flow *md)
{
    struct flow flow;
    char *error = trace_parse_flow(flow_text ? flow_text : "", ports, &flow);
    if (error) {
        return error;
    }
    if (packet_hex) {
        uint8_t *data = NULL;
        size_t len = 0;
        error = parse_hex(packet_hex, &data, &len);
        if (error) {
            return error;
        }
        packet_init(packet, data, len);
        free(data);
    } else {
        uint8_t frame[256];
        size_t len = flow_compose(&flow, frame, sizeof frame);
        if (!len) {
            return xasprintf("cannot build a frame for this flow");
        }
        packet_init(packet, frame, len);
    }
    /* Metadata comes from the text either way; the header fields are
     * whatever the frame says once the pipeline extracts it. */
    memset(md, 0, sizeof *md);
    memcpy(md, &flow, FLOW_HEADERS_OFS); /* The metadata: see flow.h. */
    return NULL;
}

/* ---- Recording. ---- */

static char *port_name_dup(const struct ofproto *p, uint16_t port)
{
    const char *name = portmap_find_name(ofproto_portmap(p), port);
    if (!name) {
        name = port_reserved_name(port);
    }
    return name ? xstrdup(name) : NULL;
}

static char *format_match(const struct match *m)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_format(m, -1, NULL, &ds);
    char *s = ds_steal_cstr(&ds);
    return s ? s : xstrdup("");
}

static char *format_actions(const struct ofpact *a, size_t len)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ofpacts_format(a, len, NULL, &ds);
    char *s = xstrdup(ds_cstr(&ds));
    ds_destroy(&ds);
    return s;
}

/* Whether 'id' is the name to show for a changed flow member: members
 * shared by several fields (nw_src is also arp_spa) show under the one
 * that fits the packet, and virtual views (dl_vlan) never show. */
static bool change_field_applies(enum mf_id id, const struct flow *f)
{
    bool arp = f->dl_type == ETH_TYPE_ARP || f->dl_type == ETH_TYPE_RARP;
    bool icmp = mf_prereq_ok(MFP_ICMP_ANY, f->dl_type, f->nw_proto);
    switch (id) {
    case MFF_DL_VLAN:
    case MFF_DL_VLAN_PCP:
    case MFF_IP_DSCP:
        return false;
    case MFF_NW_SRC:
    case MFF_NW_DST:
    case MFF_NW_PROTO:
        return !arp;
    case MFF_ARP_OP:
    case MFF_ARP_SPA:
    case MFF_ARP_TPA:
        return arp;
    case MFF_TP_SRC:
    case MFF_TP_DST:
        return !icmp;
    case MFF_ICMP_TYPE:
    case MFF_ICMP_CODE:
        return icmp;
    default:
        return true;
    }
}

static void record_changes(struct trace_step *s, const struct flow *old,
                           const struct flow *new)
{
    s->changes = xcalloc(TRACE_MAX_CHANGES, sizeof *s->changes);
    for (int id = 0; id < MFF_N_IDS && s->n_changes < TRACE_MAX_CHANGES;
         id++) {
        const struct mf_field *mf = mf_from_id((enum mf_id)id);
        if (!change_field_applies(mf->id, new)) {
            continue;
        }
        union mf_value a, b;
        mf_get_value(mf, old, &a);
        mf_get_value(mf, new, &b);
        if (!memcmp(&a, &b, sizeof a)) {
            continue;
        }
        struct trace_change *c = &s->changes[s->n_changes++];
        struct ds ds = DS_EMPTY_INITIALIZER;
        c->field = mf->name;
        mf_format_value(mf, &a, NULL, NULL, &ds);
        c->old_value = xstrdup(ds_cstr(&ds));
        ds_clear(&ds);
        mf_format_value(mf, &b, NULL, NULL, &ds);
        c->new_value = xstrdup(ds_cstr(&ds));
        ds_destroy(&ds);
    }
}

/* Looks up the tunnel data for an output on 'port' of 'p' whose flow
 * carries 'tun_id' and 'tun_dst'.  Returns true for tunnel ports. */
static bool lookup_tunnel(const struct trace_options *opts,
                          const struct ofproto *p, uint16_t port,
                          uint64_t tun_id, uint32_t tun_dst,
                          struct trace_port_info *info, uint64_t *vni,
                          uint32_t *remote)
{
    memset(info, 0, sizeof *info);
    if (!opts->port_info
        || !opts->port_info(p, port, info, opts->port_info_aux)
        || !info->tunnel) {
        return false;
    }
    *vni = netdev_tunnel_vni(&info->cfg, tun_id);
    *remote = netdev_tunnel_dst(&info->cfg, tun_dst);
    if (!info->cfg.dst_port) {
        info->cfg.dst_port = VXLAN_DST_PORT;
    }
    return true;
}

static void record_cb(const struct xlate_event *ev, void *t_)
{
    struct trace *t = t_;
    if (t->n_steps >= t->max_events) {
        t->truncated = true;
        return;
    }
    if (t->n_steps >= t->allocated) {
        t->steps = x2nrealloc(t->steps, &t->allocated, t->n_steps + 1,
                              sizeof *t->steps);
    }
    struct trace_step *s = &t->steps[t->n_steps++];
    memset(s, 0, sizeof *s);
    s->type = ev->type;
    s->depth = ev->depth;
    s->table_id = ev->table_id;
    s->bridge = xstrdup(ofproto_name(ev->ofproto));
    if (ev->reason) {
        s->reason = xstrdup(ev->reason);
    }

    switch (ev->type) {
    case XE_TABLE:
        if (ev->rule) {
            s->matched = true;
            s->priority = ev->rule->priority;
            s->cookie = ev->rule->cookie;
            s->match = format_match(ev->rule->match);
            s->actions =
                format_actions(ev->rule->ofpacts, ev->rule->ofpacts_len);
        }
        break;
    case XE_LEARN: {
        struct flow_print fp = *ev->rule;
        fp.show_stats = false;
        fp.show_flags = fp.show_importance = true;
        struct ds ds = DS_EMPTY_INITIALIZER;
        flow_print_format(&fp, NULL, &ds);
        /* flow_print_format() leads with a space for dump-flows. */
        const char *text = ds_cstr(&ds);
        s->learned = xstrdup(text + (*text == ' '));
        ds_destroy(&ds);
        s->table_id = ev->rule->table_id;
        s->priority = ev->rule->priority;
        s->cookie = ev->rule->cookie;
        s->match = format_match(ev->rule->match);
        s->actions = format_actions(ev->rule->ofpacts, ev->rule->ofpacts_len);
        break;
    }
    case XE_ACTION:
    case XE_FIELDS:
    case XE_SKIP:
        if (ev->action) {
            s->action = format_actions(ev->action, ev->action->len);
        }
        if (ev->type == XE_FIELDS) {
            record_changes(s, ev->old_flow, ev->flow);
        }
        if (ev->type == XE_SKIP && !ev->action) {
            s->has_port = true;
            s->port = ev->port;
            s->port_name = port_name_dup(ev->ofproto, ev->port);
        }
        break;
    case XE_OUTPUT:
        s->has_port = true;
        s->port = ev->port;
        s->port_name = port_name_dup(ev->ofproto, ev->port);
        s->has_tunnel =
            lookup_tunnel(t->opts, ev->ofproto, ev->port, ev->flow->tun_id,
                          ev->flow->tun_dst, &s->tunnel, &s->vni, &s->remote);
        break;
    case XE_PATCH:
        s->has_port = true;
        s->port = ev->port;
        s->port_name = port_name_dup(ev->ofproto, ev->port);
        s->peer = xstrdup(ofproto_name(ev->peer));
        s->peer_port = ev->peer_port;
        s->peer_port_name = port_name_dup(ev->peer, ev->peer_port);
        break;
    case XE_CONTROLLER:
    case XE_DROP:
        break;
    }
}

struct trace *trace_run(struct ofproto *p, const struct packet *packet,
                        const struct flow *md,
                        const struct trace_options *opts)
{
    static const struct trace_options defaults;
    if (!opts) {
        opts = &defaults;
    }
    struct trace *t = xzalloc(sizeof *t);
    t->bridge = xstrdup(ofproto_name(p));
    t->generate = opts->generate;
    t->max_events =
        opts->max_events ? opts->max_events : TRACE_DEFAULT_MAX_EVENTS;
    t->opts = opts;

    /* The key exactly as the pipeline will see it first. */
    struct flow key = *md;
    flow_extract(packet_data(packet), packet->len, &key);
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&key, &ds);
    t->flow = xstrdup(ds_cstr(&ds));
    ds_destroy(&ds);

    xlate_result_init(&t->result);
    ofproto_execute_trace(p, packet, md, opts->generate, &t->result, record_cb,
                          t);

    t->n_outputs = t->result.n_outputs;
    t->outputs = xcalloc(t->n_outputs ? t->n_outputs : 1, sizeof *t->outputs);
    for (size_t i = 0; i < t->n_outputs; i++) {
        const struct xlate_output *xo = &t->result.outputs[i];
        struct trace_output *o = &t->outputs[i];
        o->bridge = xstrdup(ofproto_name(xo->ofproto));
        o->port = xo->port;
        o->port_name = port_name_dup(xo->ofproto, xo->port);
        o->tun_id = xo->tun_id;
        o->has_tunnel =
            lookup_tunnel(opts, xo->ofproto, xo->port, xo->tun_id, xo->tun_dst,
                          &o->tunnel, &o->vni, &o->remote);
    }
    t->opts = NULL;
    return t;
}

void trace_destroy(struct trace *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_steps; i++) {
        struct trace_step *s = &t->steps[i];
        free(s->bridge);
        free(s->match);
        free(s->actions);
        free(s->learned);
        free(s->action);
        for (size_t j = 0; j < s->n_changes; j++) {
            free(s->changes[j].old_value);
            free(s->changes[j].new_value);
        }
        free(s->changes);
        free(s->port_name);
        free(s->peer);
        free(s->peer_port_name);
        free(s->reason);
    }
    free(t->steps);
    for (size_t i = 0; i < t->n_outputs; i++) {
        free(t->outputs[i].bridge);
        free(t->outputs[i].port_name);
    }
    free(t->outputs);
    xlate_result_uninit(&t->result);
    free(t->bridge);
    free(t->flow);
    free(t);
}

const struct xlate_result *trace_result(const struct trace *t)
{
    return &t->result;
}

size_t trace_n_steps(const struct trace *t)
{
    return t->n_steps;
}

bool trace_truncated(const struct trace *t)
{
    return t->truncated;
}

/* ---- One printer, two renderings. ---- */

static void pr_indent(struct printer *pr, int depth)
{
    pr_text(pr, "%*s", depth * 4, "");
}

static void pr_port(struct printer *pr, uint16_t port, const char *name)
{
    if (name) {
        pr_str(pr, "port_name", "%s ", name);
        pr_uint(pr, "port", "(port %" PRIu64 ")", port);
    } else {
        pr_uint(pr, "port", "port %" PRIu64, port);
    }
}

static void pr_tunnel(struct printer *pr, const struct trace_port_info *info,
                      uint64_t vni, uint32_t remote)
{
    json_t *prev = pr_open(pr, "tunnel");
    pr_str(pr, "type", "%s", info->type[0] ? info->type : "vxlan");
    pr_uint(pr, "vni", " vni %" PRIu64, vni);
    if (info->cfg.local_ip) {
        pr_ip(pr, "local_ip", " %s", info->cfg.local_ip);
        pr_ip(pr, "remote_ip", " -> %s", remote);
    } else {
        pr_ip(pr, "remote_ip", " remote %s", remote);
    }
    pr_uint(pr, "dst_port", ":%" PRIu64, info->cfg.dst_port);
    pr_close(pr, prev);
}

static const char *step_type_name(enum xlate_event_type type)
{
    switch (type) {
    case XE_TABLE:
        return "table";
    case XE_ACTION:
        return "action";
    case XE_FIELDS:
        return "set";
    case XE_SKIP:
        return "skip";
    case XE_OUTPUT:
        return "output";
    case XE_PATCH:
        return "patch";
    case XE_LEARN:
        return "learn";
    case XE_CONTROLLER:
        return "controller";
    case XE_DROP:
        return "drop";
    }
    return "?";
}

/* Notes about an action sit one column right of it, after "->". */
static void pr_note(struct printer *pr, int depth)
{
    pr_indent(pr, depth);
    pr_text(pr, " -> ");
}

static void render_step(struct printer *pr, const struct trace_step *s,
                        const char **last_bridge)
{
    pr_str(pr, "type", "", step_type_name(s->type));
    pr_uint(pr, "depth", "", (uint64_t)s->depth);
    pr_str(pr, "bridge", "", s->bridge);

    switch (s->type) {
    case XE_TABLE:
        if (!*last_bridge || strcmp(*last_bridge, s->bridge)) {
            pr_indent(pr, s->depth);
            pr_text(pr, "bridge %s\n", s->bridge);
        }
        *last_bridge = s->bridge;
        pr_indent(pr, s->depth);
        pr_uint(pr, "table", "table %" PRIu64 ": ", s->table_id);
        if (!s->matched) {
            pr_str(pr, "result", "%s: the packet is dropped\n", "no match");
            break;
        }
        pr_str(pr, "result", "", "match");
        pr_uint(pr, "priority", "priority=%" PRIu64, (uint64_t)s->priority);
        if (s->match[0]) {
            pr_text(pr, ",");
        }
        pr_str(pr, "match", "%s", s->match);
        if (s->cookie) {
            pr_text(pr, ", ");
        }
        if (s->cookie || !pr->ds) {
            char cookie[32];
            snprintf(cookie, sizeof cookie, "0x%" PRIx64, s->cookie);
            pr_str(pr, "cookie", "cookie=%s", cookie);
        }
        pr_str(pr, "actions", "", s->actions);
        pr_text(pr, "\n");
        if (!strcmp(s->actions, "drop")) {
            /* An empty action list runs no action, so no event says so;
             * a newcomer still wants to see why nothing happened. */
            pr_indent(pr, s->depth + 1);
            pr_text(pr, "drop\n");
        }
        break;

    case XE_ACTION:
        pr_indent(pr, s->depth);
        pr_str(pr, "action", "%s\n", s->action ? s->action : "?");
        break;

    case XE_FIELDS: {
        pr_str(pr, "action", "", s->action ? s->action : "?");
        json_t *changes = pr->obj ? json_array() : NULL;
        for (size_t i = 0; i < s->n_changes; i++) {
            const struct trace_change *c = &s->changes[i];
            struct printer sub = { pr->ds, changes ? json_object() : NULL };
            pr_note(&sub, s->depth);
            pr_str(&sub, "field", "%s: ", c->field);
            pr_str(&sub, "old", "%s -> ", c->old_value);
            pr_str(&sub, "new", "%s\n", c->new_value);
            if (changes) {
                json_array_append_new(changes, sub.obj);
            }
        }
        if (changes) {
            json_object_set_new(pr->obj, "changes", changes);
        }
        break;
    }

    case XE_SKIP:
        pr_note(pr, s->depth);
        pr_text(pr, "skipped");
        if (s->action) {
            pr_str(pr, "action", " %s", s->action);
        } else if (s->has_port) {
            pr_text(pr, " output to ");
            pr_port(pr, s->port, s->port_name);
        }
        pr_str(pr, "reason", ": %s\n", s->reason ? s->reason : "");
        break;

    case XE_OUTPUT:
        pr_note(pr, s->depth);
        pr_text(pr, "output to ");
        pr_port(pr, s->port, s->port_name);
        if (s->has_tunnel) {
            pr_text(pr, ": encapsulated as ");
            pr_tunnel(pr, &s->tunnel, s->vni, s->remote);
        }
        pr_text(pr, "\n");
        break;

    case XE_PATCH:
        pr_note(pr, s->depth);
        pr_text(pr, "patch ");
        pr_port(pr, s->port, s->port_name);
        pr_str(pr, "peer", " into bridge %s", s->peer);
        if (s->peer_port_name) {
            pr_str(pr, "peer_port_name", " at %s", s->peer_port_name);
            pr_uint(pr, "peer_port", " (port %" PRIu64 ")\n", s->peer_port);
        } else {
            pr_uint(pr, "peer_port", " at port %" PRIu64 "\n", s->peer_port);
        }
        break;

    case XE_LEARN:
        pr_note(pr, s->depth);
        pr_str(pr, "result", "learn %s: ", s->reason ? s->reason : "");
        pr_str(pr, "flow", "%s\n", s->learned);
        pr_uint(pr, "table", "", s->table_id);
        pr_uint(pr, "priority", "", (uint64_t)s->priority);
        pr_str(pr, "match", "", s->match);
        pr_str(pr, "actions", "", s->actions);
        break;

    case XE_CONTROLLER:
        pr_note(pr, s->depth);
        pr_uint(pr, "table", "sent to the controller from table %" PRIu64,
                s->table_id);
        pr_str(pr, "reason", " (reason=%s)\n", s->reason ? s->reason : "");
        break;

    case XE_DROP:
        /* Said once, in the summary. */
        pr_str(pr, "reason", "", s->reason ? s->reason : "");
        break;
    }
}

static void render_output(struct printer *pr, const struct trace *t,
                          const struct trace_output *o)
{
    pr_str(pr, "bridge", "", o->bridge);
    if (strcmp(o->bridge, t->bridge)) {
        pr_text(pr, "%s:", o->bridge);
    }
    pr_uint(pr, "port", "%" PRIu64, o->port);
    pr_uint(pr, "tun_id", "", o->tun_id);
    if (o->port_name || o->has_tunnel) {
        pr_text(pr, " (");
        if (o->port_name) {
            pr_str(pr, "port_name", "%s", o->port_name);
        }
        if (o->has_tunnel) {
            pr_text(pr, o->port_name ? ": " : "");
            pr_tunnel(pr, &o->tunnel, o->vni, o->remote);
        }
        pr_text(pr, ")");
    }
}

/* The whole trace through one printer. */
static void render(struct printer *pr, const struct trace *t)
{
    pr_str(pr, "bridge", "Bridge: %s\n", t->bridge);
    pr_str(pr, "flow", "Flow: %s\n", t->flow);
    if (pr->obj) {
        json_object_set_new(pr->obj, "generate", json_boolean(t->generate));
    }
    pr_text(pr, "\n");

    const char *last_bridge = NULL;
    json_t *steps = pr->obj ? json_array() : NULL;
    for (size_t i = 0; i < t->n_steps; i++) {
        struct printer sub = { pr->ds, steps ? json_object() : NULL };
        render_step(&sub, &t->steps[i], &last_bridge);
        if (steps) {
            json_array_append_new(steps, sub.obj);
        }
    }
    if (steps) {
        json_object_set_new(pr->obj, "steps", steps);
        json_object_set_new(pr->obj, "truncated", json_boolean(t->truncated));
    }
    if (t->truncated) {
        pr_text(pr, "... trace truncated after %zu steps\n", t->max_events);
    }

    pr_text(pr, "\n");
    if (t->result.depth_exceeded) {
        pr_text(pr,
                "Resubmit depth limit (%d) exceeded: every output is "
                "cancelled.\n",
                OFPROTO_MAX_RESUBMIT_DEPTH);
    }
    if (pr->obj) {
        json_object_set_new(pr->obj, "depth_exceeded",
                            json_boolean(t->result.depth_exceeded));
        json_object_set_new(pr->obj, "learned",
                            json_integer(t->result.n_learned));
        json_object_set_new(pr->obj, "controller",
                            json_integer(t->result.n_controller));
    }
    pr_text(pr, "Datapath actions: ");
    json_t *outs = pr->obj ? json_array() : NULL;
    for (size_t i = 0; i < t->n_outputs; i++) {
        struct printer sub = { pr->ds, outs ? json_object() : NULL };
        pr_text(pr, i ? ", output:" : "output:");
        render_output(&sub, t, &t->outputs[i]);
        if (outs) {
            json_array_append_new(outs, sub.obj);
        }
    }
    if (outs) {
        json_object_set_new(pr->obj, "outputs", outs);
    }
    if (!t->n_outputs) {
        const char *why =
            t->result.drop_reason ? t->result.drop_reason : "no output action";
        pr_str(pr, "drop_reason", "drop (%s)", why);
    } else if (pr->obj) {
        json_object_set_new(pr->obj, "drop_reason", json_null());
    }
    pr_text(pr, "\n");
    if (!t->generate) {
        pr_text(pr, "Side effects: none (no learning, no counters; "
                    "--generate applies them)\n");
    } else if (t->result.n_learned) {
        pr_text(pr, "Side effects: %u flow(s) learned or changed\n",
                t->result.n_learned);
    }
}

void trace_format(const struct trace *t, struct ds *ds)
{
    struct printer pr = { ds, NULL };
    render(&pr, t);
}

json_t *trace_to_json(const struct trace *t)
{
    struct printer pr = { NULL, json_object() };
    render(&pr, t);
    return pr.obj;
}
