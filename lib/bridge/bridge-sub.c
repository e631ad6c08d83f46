/* bridge-sub: monitor and capture subscriptions (see bridge-sub.h). */
#include "bridge-sub.h"

#include <stdlib.h>
#include <string.h>

#include "bridge-private.h"
#include "datapath.h"
#include "ds.h"
#include "monitor.h"
#include "ofproto.h"
#include "portmap.h"
#include "printer.h"
#include "stream-keys.h"
#include "util.h"

/* A capture sees only what reaches switchd: while one runs, the kernel
 * fast path caches nothing, so that every packet does. */
static void captures_changed(struct bridges *bs)
{
    if (bs->dp) {
        dp_set_bypass(bs->dp, bs->n_captures > 0);
    }
}

enum sub_kind { SUB_MONITOR, SUB_CAPTURE };

struct bridge_sub {
    enum sub_kind kind;
    struct bridge_sub *next;  /* In the bridge's or the port's list. */
    struct bridge *bridge;    /* NULL once the bridge went away. */
    struct bridge_port *port; /* Capture: NULL once the port went away. */
    bridge_sub_notify_func *notify;
    void *aux;

    /* Monitor: a ring of lines, shared with the other monitors that
     * queued the same event rendered the same way. */
    struct monitor_watch watch;
    bool names;
    struct sub_line **lines;
    size_t head, n_lines, cap_lines;
    size_t bytes, max_bytes, max_lines;
    uint64_t n_lost;       /* Lines dropped, in all. */
    uint64_t lost_pending; /* Dropped since the last LOST line. */

    /* Capture. */
    struct capture_queue *queue;
    char *port_name;

    char *end_reason; /* Set when the subscription is ending. */
    bool end_sent;
};

/* ---- Lines (monitor). ---- */

/* One rendered line (JSON with its "text", and the newline), reference
 * counted: an event is rendered once per way of rendering it (port names
 * or numbers, actions or not) however many monitors queue it, so a flow
 * change costs the same with one monitor or ten. */
struct sub_line {
    unsigned refcnt;
    size_t len;
    char text[];
};

static uint64_t n_renders;

uint64_t bridge_sub_renders(void)
{
    return n_renders;
}

/* Takes 'text' (a '\n'-terminated line) and frees it. */
static struct sub_line *line_create(char *text)
{
    size_t len = strlen(text);
    struct sub_line *line = xmalloc(sizeof *line + len + 1);
    line->refcnt = 1;
    line->len = len;
    memcpy(line->text, text, len + 1);
    free(text);
    return line;
}

static void line_unref(struct sub_line *line)
{
    if (line && !--line->refcnt) {
        free(line);
    }
}

/* Queues a reference to 'line'. */
static void ring_put(struct bridge_sub *s, struct sub_line *line)
{
    if (s->n_lines == s->cap_lines) {
        size_t cap = s->cap_lines ? 2 * s->cap_lines : 64;
        struct sub_line **v = xcalloc(cap, sizeof *v);
        for (size_t i = 0; i < s->n_lines; i++) {
            v[i] = s->lines[(s->head + i) % s->cap_lines];
        }
        free(s->lines);
        s->lines = v;
        s->cap_lines = cap;
        s->head = 0;
    }
    line->refcnt++;
    s->lines[(s->head + s->n_lines) % s->cap_lines] = line;
    s->n_lines++;
    s->bytes += line->len;
}

/* Takes the oldest queued line; the caller unrefs it. */
static struct sub_line *ring_get(struct bridge_sub *s)
{
    if (!s->n_lines) {
        return NULL;
    }
    struct sub_line *line = s->lines[s->head];
    s->head = (s->head + 1) % s->cap_lines;
    s->n_lines--;
    s->bytes -= line->len;
    return line;
}

/* Consumes 'j' and returns it as one line with its newline. */
static char *json_line(json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    char *line = xasprintf("%s\n", text);
    free(text);
    return line;
}

static char *lost_line(uint64_t n)
{
    char *text = xasprintf(" event=LOST n_lost=%llu (the monitor fell "
                           "behind)",
                           (unsigned long long)n);
    json_t *j =
        json_pack("{s:s, s:I, s:s}", STREAM_KEY_EVENT, STREAM_EVENT_LOST,
                  STREAM_KEY_N_LOST, (json_int_t)n, PR_KEY_TEXT, text);
    free(text);
    return json_line(j);
}

/* True if nothing more fits, whatever its size: checked before an event
 * is rendered, so a monitor that does not read costs a full queue's
 * event nothing but this test and a count. */
static bool monitor_full(const struct bridge_sub *s)
{
    return s->n_lines >= s->max_lines || s->bytes >= s->max_bytes;
}

static void monitor_lose(struct bridge_sub *s)
{
    s->n_lost++;
    s->lost_pending++;
}

/* Queues 'line' unless it does not fit, in which case it is counted as
 * lost.  A LOST line goes in first when lines were lost before this one,
 * so the reader sees the gap where it happened; it may exceed the bound
 * by one line.  Returns true if queued. */
static bool monitor_put(struct bridge_sub *s, struct sub_line *line)
{
    if (monitor_full(s) || s->bytes + line->len > s->max_bytes) {
        monitor_lose(s);
        return false;
    }
    if (s->lost_pending) {
        struct sub_line *lost = line_create(lost_line(s->lost_pending));
        ring_put(s, lost);
        line_unref(lost);
        s->lost_pending = 0;
    }
    ring_put(s, line);
    return true;
}

/* Adds the text rendering 'ds' (without its newline) to 'j' as "text". */
static void add_text(json_t *j, struct ds *ds)
{
    if (ds->length && ds->string[ds->length - 1] == '\n') {
        ds->string[--ds->length] = '\0';
    }
    json_object_set_new(j, PR_KEY_TEXT, json_string(ds_cstr(ds)));
}

/* An event being queued, with its renderings so far: one per
 * (port names, actions) choice, made when the first monitor that wants
 * it has room. */
struct event_lines {
    const struct monitor_event *ev;
    struct sub_line *lines[4];
};

static struct sub_line *render_flow_event(struct event_lines *el,
                                          const struct bridge_sub *s)
{
    size_t v = (s->names ? 2 : 0) | (s->watch.actions ? 1 : 0);
    if (!el->lines[v]) {
        const struct portmap *map =
            s->names && s->bridge ? ofproto_portmap(s->bridge->ofproto) : NULL;
        json_t *j = monitor_flow_event_to_json(el->ev, &s->watch, map);
        struct ds ds = DS_EMPTY_INITIALIZER;
        monitor_format_flow_event(el->ev, &s->watch, map, &ds);
        add_text(j, &ds);
        ds_destroy(&ds);
        el->lines[v] = line_create(json_line(j));
        n_renders++;
    }
    return el->lines[v];
}

static void event_lines_uninit(struct event_lines *el)
{
    for (size_t i = 0; i < ARRAY_SIZE(el->lines); i++) {
        line_unref(el->lines[i]);
    }
}

/* Queues 'el''s event for 's' if it wants it.  Returns true if queued. */
static bool monitor_queue_event(struct bridge_sub *s, struct event_lines *el)
{
    if (!monitor_watch_wants(&s->watch, el->ev)) {
        return false;
    }
    if (monitor_full(s)) {
        monitor_lose(s);
        return false;
    }
    return monitor_put(s, render_flow_event(el, s));
}

static enum monitor_event_type event_type(enum ofproto_flow_event e)
{
    switch (e) {
    case OFPROTO_FLOW_ADDED:
        return MONITOR_ADDED;
    case OFPROTO_FLOW_MODIFIED:
        return MONITOR_MODIFIED;
    case OFPROTO_FLOW_DELETED:
    default:
        return MONITOR_DELETED;
    }
}

static enum monitor_reason event_reason(enum ofproto_flow_reason r)
{
    switch (r) {
    case OFPROTO_REASON_CLIENT:
        return MONITOR_REASON_CLIENT;
    case OFPROTO_REASON_LEARNED:
        return MONITOR_REASON_LEARNED;
    case OFPROTO_REASON_IDLE_TIMEOUT:
        return MONITOR_REASON_IDLE_TIMEOUT;
    case OFPROTO_REASON_HARD_TIMEOUT:
        return MONITOR_REASON_HARD_TIMEOUT;
    case OFPROTO_REASON_DELETE_LEARNED:
        return MONITOR_REASON_DELETE_LEARNED;
    case OFPROTO_REASON_EVICTED:
        return MONITOR_REASON_EVICTED;
    case OFPROTO_REASON_REPLACED:
        return MONITOR_REASON_REPLACED;
    }
    return MONITOR_REASON_REPLACED;
}

/* The pipeline's flow-monitor hook: runs in the middle of a flow_mod, a
 * learn or an expiry, so it only formats and queues. */
static void flow_changed_cb(const struct ofproto_flow_change *ch, void *br_)
{
    struct bridge *br = br_;
    struct monitor_event ev = {
        .type = event_type(ch->event),
        .reason = event_reason(ch->reason),
        .ofproto = ch->ofproto,
        .flow = ch->flow,
    };
    struct event_lines el = { .ev = &ev };
    for (struct bridge_sub *s = br->monitors; s; s = s->next) {
        if (monitor_queue_event(s, &el)) {
            s->notify(s->aux);
        }
    }
    event_lines_uninit(&el);
}

static void packet_in_cb(const struct ofproto_packet_in *pin, void *br_)
{
    struct bridge *br = br_;
    struct sub_line *line = NULL;
    for (struct bridge_sub *s = br->monitors; s; s = s->next) {
        if (monitor_full(s)) {
            monitor_lose(s);
            continue;
        }
        if (!line) {
            json_t *j =
                monitor_packet_in_to_json(pin, BRIDGE_MONITOR_PACKET_BYTES);
            struct ds ds = DS_EMPTY_INITIALIZER;
            monitor_format_packet_in(pin, &ds);
            add_text(j, &ds);
            ds_destroy(&ds);
            line = line_create(json_line(j));
            n_renders++;
        }
        if (monitor_put(s, line)) {
            s->notify(s->aux);
        }
    }
    line_unref(line);
}

static void set_hooks(struct bridge *br)
{
    bool on = br->monitors != NULL;
    ofproto_set_flow_monitor_cb(br->ofproto, on ? flow_changed_cb : NULL,
                                on ? br : NULL);
    ofproto_set_packet_in_cb(br->ofproto, on ? packet_in_cb : NULL,
                             on ? br : NULL);
}

struct initial_ctx {
    struct bridge_sub *sub;
    size_t n;
};

static void initial_flow_cb(const struct flow_print *fp, void *ctx_)
{
    struct initial_ctx *ctx = ctx_;
    struct flow_print copy = *fp;
    copy.show_stats = false;
    struct monitor_event ev = {
        .type = MONITOR_INITIAL,
        .reason = MONITOR_REASON_CLIENT,
        .ofproto = ctx->sub->bridge->ofproto,
        .flow = &copy,
    };
    struct event_lines el = { .ev = &ev };
    ctx->n += monitor_queue_event(ctx->sub, &el);
    event_lines_uninit(&el);
}

static struct bridge_sub *sub_create(enum sub_kind kind,
                                     bridge_sub_notify_func *notify, void *aux)
{
    struct bridge_sub *s = xzalloc(sizeof *s);
    s->kind = kind;
    s->notify = notify;
    s->aux = aux;
    return s;
}

/* The callbacks the live state makes into this file (defined at the
 * end); every subscription start installs them. */
static const struct bridge_sub_hooks sub_hooks;

char *bridge_monitor_start(struct bridges *bs, const char *name,
                           const struct bridge_monitor_options *opts,
                           bridge_sub_notify_func *notify, void *aux,
                           struct bridge_sub **subp, json_t **resultp)
{
    char *err;
    *subp = NULL;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct bridge_sub *s = sub_create(SUB_MONITOR, notify, aux);
    err = monitor_watch_parse(&s->watch, opts->watch,
                              ofproto_portmap(br->ofproto));
    if (err) {
        free(s);
        return err;
    }
    s->names = opts->names;
    s->max_lines =
        opts->max_lines ? opts->max_lines : BRIDGE_MONITOR_MAX_LINES;
    s->max_bytes =
        opts->max_bytes ? opts->max_bytes : BRIDGE_MONITOR_MAX_BYTES;
    s->bridge = br;

    struct initial_ctx ctx = { s, 0 };
    bs->sub_hooks = &sub_hooks;
    if (s->watch.initial) {
        ofproto_dump_flows(br->ofproto, NULL, false, initial_flow_cb, &ctx);
    }
    s->next = br->monitors;
    br->monitors = s;
    set_hooks(br);
    *subp = s;
    *resultp = json_pack("{s:s, s:I}", "bridge", br->name, "n_initial",
                         (json_int_t)ctx.n);
    return NULL;
}

/* ---- Capture. ---- */

char *bridge_capture_start(struct bridges *bs, const char *name,
                           const char *port_name,
                           const struct capture_queue_config *cfg,
                           bridge_sub_notify_func *notify, void *aux,
                           struct bridge_sub **subp, json_t **resultp)
{
    char *err;
    *subp = NULL;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    uint16_t number;
    struct bridge_port *p = bridge_port_lookup(br, port_name);
    if (!p && port_parse(port_name, ofproto_portmap(br->ofproto), &number)) {
        p = bridge_port_lookup_number(br, number);
    }
    if (!p) {
        return xasprintf("%s: no such port on bridge %s", port_name, name);
    }
    struct bridge_sub *s = sub_create(SUB_CAPTURE, notify, aux);
    s->queue = capture_queue_create(cfg);
    s->bridge = br;
    s->port = p;
    s->port_name = xstrdup(p->name);
    s->next = p->captures;
    p->captures = s;
    bs->n_captures++;
    captures_changed(bs);
    bs->sub_hooks = &sub_hooks;
    *subp = s;
    *resultp =
        json_pack("{s:s, s:s, s:i, s:b, s:i}", "bridge", br->name,
                  CAPTURE_KEY_PORT, p->name, "port_no", p->ofport,
                  CAPTURE_KEY_TUNNEL, p->info.tunnel, CAPTURE_KEY_SNAPLEN,
                  cfg->snaplen ? (int)cfg->snaplen : CAPTURE_DEFAULT_SNAPLEN);
    return NULL;
}

static void bridge_sub_capture(struct bridge_port *p, enum capture_dir dir,
                               const struct packet *pkt,
                               const struct netdev_tunnel *t)
{
    static const struct netdev_tunnel none;
    if (!t) {
        t = &none;
    }
    struct capture_tunnel tnl;
    const struct trace_port_info *info = &p->info;
    if (info->tunnel) {
        memset(&tnl, 0, sizeof tnl);
        tnl.dst_port = info->cfg.dst_port;
        if (dir == CAPTURE_RX) {
            /* As it arrived: from the peer to us, with its VNI. */
            tnl.vni = (uint32_t)t->tun_id;
            tnl.src_ip = t->tun_src;
            tnl.dst_ip = t->tun_dst;
            tnl.src_port = t->udp_src;
        } else {
            /* As our sender builds it (netdev-vxlan). */
            tnl.vni = netdev_tunnel_vni(&info->cfg, t->tun_id);
            tnl.src_ip = info->cfg.local_ip;
            tnl.dst_ip = netdev_tunnel_dst(&info->cfg, t->tun_dst);
        }
    }
    for (struct bridge_sub *s = p->captures; s; s = s->next) {
        capture_queue_put(s->queue, dir, packet_data(pkt), pkt->len,
                          info->tunnel ? &tnl : NULL, 0);
        s->notify(s->aux);
    }
}

/* ---- Ending. ---- */

static void sub_end(struct bridge_sub *s, char *reason)
{
    if (!s->end_reason) {
        s->end_reason = reason;
    } else {
        free(reason);
    }
}

static void bridge_sub_port_gone(struct bridge_port *p)
{
    while (p->captures) {
        struct bridge_sub *s = p->captures;
        p->captures = s->next;
        p->bridge->bridges->n_captures--;
        captures_changed(p->bridge->bridges);
        s->next = NULL;
        s->port = NULL;
        s->bridge = NULL;
        sub_end(s, xasprintf("port %s was removed", p->name));
        s->notify(s->aux);
    }
}

static void bridge_sub_bridge_gone(struct bridge *br)
{
    while (br->monitors) {
        struct bridge_sub *s = br->monitors;
        br->monitors = s->next;
        s->next = NULL;
        s->bridge = NULL;
        sub_end(s, xasprintf("bridge %s was removed", br->name));
        s->notify(s->aux);
    }
    set_hooks(br);
}

static char *end_line(struct bridge_sub *s)
{
    json_t *j = json_pack("{s:s, s:s}", STREAM_KEY_EVENT, STREAM_EVENT_END,
                          STREAM_KEY_REASON, s->end_reason);
    if (s->kind == SUB_CAPTURE) {
        struct capture_stats st;
        capture_queue_get_stats(s->queue, &st);
        json_object_set_new(j, "seen", json_integer((json_int_t)st.seen));
        json_object_set_new(j, "queued", json_integer((json_int_t)st.queued));
        json_object_set_new(j, "dropped",
                            json_integer((json_int_t)st.dropped));
    } else {
        json_object_set_new(j, STREAM_KEY_N_LOST,
                            json_integer((json_int_t)s->n_lost));
    }
    return json_line(j);
}

char *bridge_sub_next(struct bridge_sub *s)
{
    if (s->end_sent) {
        return NULL;
    }
    if (s->kind == SUB_MONITOR) {
        struct sub_line *shared = ring_get(s);
        if (shared) {
            /* The copy is this reader's; the shared line goes with the
             * last reader that took it. */
            char *copy = xmemdup(shared->text, shared->len + 1);
            line_unref(shared);
            return copy;
        }
        if (s->lost_pending) {
            char *line = lost_line(s->lost_pending);
            s->lost_pending = 0;
            return line;
        }
    } else {
        struct capture_record rec;
        if (capture_queue_get(s->queue, &rec)) {
            char *line = json_line(capture_record_to_json(&rec));
            capture_record_uninit(&rec);
            return line;
        }
        if (capture_queue_done(s->queue)) {
            sub_end(s, xstrdup(STREAM_END_COUNT_REACHED));
        }
    }
    if (s->end_reason) {
        s->end_sent = true;
        return end_line(s);
    }
    return NULL;
}

bool bridge_sub_finished(const struct bridge_sub *s)
{
    return s->end_sent;
}

uint64_t bridge_sub_dropped(const struct bridge_sub *s)
{
    if (s->kind == SUB_MONITOR) {
        return s->n_lost;
    }
    struct capture_stats st;
    capture_queue_get_stats(s->queue, &st);
    return st.dropped;
}

/* Unlinks 's' from 'list'. */
static void list_remove(struct bridge_sub **list, struct bridge_sub *s)
{
    for (struct bridge_sub **pp = list; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            return;
        }
    }
}

void bridge_sub_destroy(struct bridge_sub *s)
{
    if (!s) {
        return;
    }
    if (s->kind == SUB_MONITOR) {
        if (s->bridge) {
            list_remove(&s->bridge->monitors, s);
            set_hooks(s->bridge);
        }
        monitor_watch_uninit(&s->watch);
        struct sub_line *line;
        while ((line = ring_get(s)) != NULL) {
            line_unref(line);
        }
        free(s->lines);
    } else {
        if (s->port) {
            list_remove(&s->port->captures, s);
            s->port->bridge->bridges->n_captures--;
            captures_changed(s->port->bridge->bridges);
        }
        capture_queue_destroy(s->queue);
        free(s->port_name);
    }
    free(s->end_reason);
    free(s);
}

static const struct bridge_sub_hooks sub_hooks = {
    .capture = bridge_sub_capture,
    .port_gone = bridge_sub_port_gone,
    .bridge_gone = bridge_sub_bridge_gone,
};
