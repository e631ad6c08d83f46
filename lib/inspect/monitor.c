/* monitor: formatting flow-change and packet-in events, and watch specs.
 *
 * As in trace.c, each event is written once against a printer that
 * produces either the text line or the JSON object. */
#include "monitor.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "match.h"
#include "printer.h"
#include "stream-keys.h"
#include "util.h"

const char *monitor_event_name(enum monitor_event_type type)
{
    switch (type) {
    case MONITOR_ADDED:
        return "ADDED";
    case MONITOR_MODIFIED:
        return "MODIFIED";
    case MONITOR_DELETED:
        return "DELETED";
    case MONITOR_INITIAL:
        return "INITIAL";
    }
    return "?";
}

const char *monitor_reason_name(enum monitor_reason reason)
{
    switch (reason) {
    case MONITOR_REASON_CLIENT:
        return "client";
    case MONITOR_REASON_LEARNED:
        return "learned";
    case MONITOR_REASON_IDLE_TIMEOUT:
        return "idle_timeout";
    case MONITOR_REASON_HARD_TIMEOUT:
        return "hard_timeout";
    case MONITOR_REASON_REPLACED:
        return "replaced";
    case MONITOR_REASON_DELETE_LEARNED:
        return "delete_learned";
    case MONITOR_REASON_EVICTED:
        return "evicted";
    }
    return "?";
}

static void render_flow_event(struct printer *pr,
                              const struct monitor_event *ev,
                              const struct monitor_watch *w,
                              const struct portmap *ports)
{
    const struct flow_print *fp = ev->flow;
    pr_str(pr, STREAM_KEY_EVENT, " event=%s", monitor_event_name(ev->type));
    if (ev->type != MONITOR_INITIAL) {
        pr_str(pr, STREAM_KEY_REASON, " reason=%s",
               monitor_reason_name(ev->reason));
    }
    pr_str(pr, "bridge", " bridge=%s", ofproto_name(ev->ofproto));
    pr_uint(pr, "table", " table=%" PRIu64, fp->table_id);
    pr_hex64(pr, "cookie", " cookie=%s", fp->cookie);
    if (fp->idle_timeout || !pr->ds) {
        pr_uint(pr, "idle_timeout", " idle_timeout=%" PRIu64,
                fp->idle_timeout);
    }
    if (fp->hard_timeout || !pr->ds) {
        pr_uint(pr, "hard_timeout", " hard_timeout=%" PRIu64,
                fp->hard_timeout);
    }
    struct ds m = DS_EMPTY_INITIALIZER;
    match_format(fp->match, -1, ports, &m);
    if (pr->ds) {
        /* The dump-flows spelling: priority first, then the match. */
        ds_put_format(pr->ds, " priority=%d", fp->priority);
        if (m.length) {
            ds_put_format(pr->ds, ",%s", ds_cstr(&m));
        }
    } else {
        pr_uint(pr, "priority", "", (uint64_t)fp->priority);
        pr_str(pr, "match", "", ds_cstr(&m));
    }
    ds_destroy(&m);
    if (!w || w->actions) {
        struct ds a = DS_EMPTY_INITIALIZER;
        ofpacts_format(fp->ofpacts, fp->ofpacts_len, ports, &a);
        pr_str(pr, "actions", " actions=%s", ds_cstr(&a));
        ds_destroy(&a);
    }
    if (pr->ds) {
        ds_put_char(pr->ds, '\n');
    }
}

void monitor_format_flow_event(const struct monitor_event *ev,
                               const struct monitor_watch *w,
                               const struct portmap *ports, struct ds *ds)
{
    struct printer pr = { ds, NULL };
    render_flow_event(&pr, ev, w, ports);
}

json_t *monitor_flow_event_to_json(const struct monitor_event *ev,
                                   const struct monitor_watch *w,
                                   const struct portmap *ports)
{
    struct printer pr = { NULL, json_object() };
    render_flow_event(&pr, ev, w, ports);
    return pr.obj;
}

static const char *packet_in_reason(uint8_t reason)
{
    const char *name = ofp_packet_in_reason_name(reason);
    return name ? name : "?";
}

static void render_packet_in(struct printer *pr,
                             const struct ofproto_packet_in *pin,
                             size_t max_bytes)
{
    pr_str(pr, STREAM_KEY_EVENT, " event=%s", "PACKET_IN");
    pr_str(pr, "bridge", " bridge=%s", ofproto_name(pin->ofproto));
    pr_uint(pr, "table", " table=%" PRIu64, pin->table_id);
    pr_hex64(pr, "cookie", " cookie=%s", pin->cookie);
    pr_str(pr, STREAM_KEY_REASON, " reason=%s", packet_in_reason(pin->reason));
    pr_uint(pr, "total_len", " total_len=%" PRIu64, pin->len);
    struct ds f = DS_EMPTY_INITIALIZER;
    flow_format(pin->flow, &f);
    pr_str(pr, "flow", " %s", ds_cstr(&f));
    ds_destroy(&f);
    if (pr->ds) {
        ds_put_char(pr->ds, '\n');
    } else {
        size_t n = pin->len;
        if (pin->max_len && n > pin->max_len) {
            n = pin->max_len;
        }
        if (max_bytes && n > max_bytes) {
            n = max_bytes;
        }
        struct ds hex = DS_EMPTY_INITIALIZER;
        ds_put_hex(&hex, pin->packet, n);
        pr_str(pr, "packet", "", ds_cstr(&hex));
        ds_destroy(&hex);
    }
}

void monitor_format_packet_in(const struct ofproto_packet_in *pin,
                              struct ds *ds)
{
    struct printer pr = { ds, NULL };
    render_packet_in(&pr, pin, 0);
}

json_t *monitor_packet_in_to_json(const struct ofproto_packet_in *pin,
                                  size_t max_bytes)
{
    struct printer pr = { NULL, json_object() };
    render_packet_in(&pr, pin, max_bytes);
    return pr.obj;
}

/* ---- watch: ---- */

/* The flag a "!name" spec clears, or NULL for "!own", which OVS uses
 * to hide a connection's own changes: accepted, as every client here is
 * someone else's. */
static bool *watch_flag(struct monitor_watch *w, const char *tok, bool *ok)
{
    static const char *const names[] = { "!initial", "!add",     "!delete",
                                         "!modify",  "!actions", "!own" };
    bool *flags[] = { &w->initial, &w->add,     &w->del,
                      &w->modify,  &w->actions, NULL };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(tok, names[i])) {
            *ok = true;
            return flags[i];
        }
    }
    *ok = false;
    return NULL;
}

char *monitor_watch_parse(struct monitor_watch *w, const char *text,
                          const struct portmap *ports)
{
    memset(w, 0, sizeof *w);
    w->initial = w->add = w->del = w->modify = w->actions = true;
    flow_mod_init(&w->filter, FM_DELETE);
    if (!text || !*text) {
        return NULL;
    }
    if (!str_starts_with(text, "watch:")) {
        flow_mod_uninit(&w->filter);
        return xasprintf("'%s': a monitor filter starts with 'watch:'", text);
    }

    /* The '!' flags are ours; everything else is a dump filter. */
    const char *specs = text + strlen("watch:");
    struct ds rest = DS_EMPTY_INITIALIZER;
    char *copy = xstrdup(specs);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        if (tok[0] != '!') {
            ds_put_format(&rest, "%s%s", rest.length ? "," : "", tok);
            continue;
        }
        bool ok;
        bool *flag = watch_flag(w, tok, &ok);
        if (!ok) {
            char *msg = xasprintf("'%s' at offset %zu: unknown watch flag "
                                  "(expected !initial, !add, !delete, "
                                  "!modify, !actions or !own)",
                                  tok, (size_t)(tok - copy) + 6);
            free(copy);
            ds_destroy(&rest);
            flow_mod_uninit(&w->filter);
            return msg;
        }
        if (flag) {
            *flag = false;
        }
    }
    free(copy);
    char *error = rest.length ? flow_mod_parse(&w->filter, ds_cstr(&rest),
                                               FM_PARSE_DUMP, ports)
                              : NULL;
    ds_destroy(&rest);
    if (error) {
        flow_mod_uninit(&w->filter);
        char *msg = xasprintf("watch: %s", error);
        free(error);
        return msg;
    }
    return NULL;
}

void monitor_watch_uninit(struct monitor_watch *w)
{
    if (w) {
        flow_mod_uninit(&w->filter);
    }
}

bool monitor_watch_wants(const struct monitor_watch *w,
                         const struct monitor_event *ev)
{
    switch (ev->type) {
    case MONITOR_ADDED:
        if (!w->add) {
            return false;
        }
        break;
    case MONITOR_MODIFIED:
        if (!w->modify) {
            return false;
        }
        break;
    case MONITOR_DELETED:
        if (!w->del) {
            return false;
        }
        break;
    case MONITOR_INITIAL:
        if (!w->initial) {
            return false;
        }
        break;
    }
    const struct flow_mod *f = &w->filter;
    const struct flow_print *fp = ev->flow;
    if (f->table_id != FM_TABLE_ALL && f->table_id != fp->table_id) {
        return false;
    }
    if (f->cookie_mask
        && (fp->cookie & f->cookie_mask) != (f->cookie & f->cookie_mask)) {
        return false;
    }
    if (f->out_port != OFPP_ANY
        && !ofpacts_output_to_port(fp->ofpacts, fp->ofpacts_len,
                                   f->out_port)) {
        return false;
    }
    return match_is_subset_of(fp->match, &f->match);
}
