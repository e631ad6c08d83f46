/* ofctl-flows: swofctl's requests on a bridge's flow tables: the flow
 * text parser shared with the offline parse-flows, add/mod/del-flows,
 * replace-flows, dump-flows (filtered, sorted, text or JSON) and
 * dump-aggregate. */
#include "bridge-ofctl.h"
#include "bridge-private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "ds.h"
#include "fields.h"
#include "match.h"
#include "ofproto.h"
#include "portmap.h"
#include "printer.h"
#include "util.h"

char *bridge_parse_flows(const char *text, enum fm_command cmd,
                         enum fm_parse_mode mode, const struct portmap *map,
                         struct flow_mod **fmsp, size_t *np)
{
    const struct flow_lines how = { .command = cmd,
                                    .mode = mode,
                                    .ports = map };
    return flow_mods_parse_lines(text, &how, fmsp, np);
}

/* Single-line requests report errors without the "line 1: " prefix. */
static char *strip_line_prefix(char *err, const char *text)
{
    if (err && !strchr(text, '\n') && str_starts_with(err, "line 1: ")) {
        char *s = xstrdup(err + strlen("line 1: "));
        free(err);
        return s;
    }
    return err;
}

char *bridge_ofctl_flow_mods(struct bridges *bs, const char *name,
                             enum fm_command cmd, const char *text,
                             json_t **resultp)
{
    return bridge_ofctl_flow_mods_flags(bs, name, cmd, text, 0, resultp);
}

/* ovs-ofctl sends reset_counts only in OpenFlow 1.2 and later (OXM), and
 * refuses a flow that has it when it may speak only 1.0, naming the
 * formats as it does; otherwise marks 1.0 adds. */
char *bridge_ofctl_of10_flags(struct flow_mod *fms, size_t n,
                              enum fm_command cmd, int of_version)
{
    for (size_t i = 0; i < n && of_version == 10; i++) {
        if (fms[i].flags & FM_F_RESET_COUNTS) {
            return xstrdup("none of the usable flow formats (OXM) is "
                           "among the allowed flow formats "
                           "(OpenFlow10,NXM)");
        }
    }
    /* An OpenFlow 1.0 add resets the counters of a flow it replaces (as
     * OVS takes a 1.0 add), and a 1.3 dump shows the flag. */
    for (size_t i = 0; i < n && cmd == FM_ADD && of_version == 10; i++) {
        fms[i].flags |= FM_F_RESET_COUNTS;
    }
    return NULL;
}

char *bridge_ofctl_flow_mods_flags(struct bridges *bs, const char *name,
                                   enum fm_command cmd, const char *text,
                                   int of_version, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    const struct portmap *map = ofproto_portmap(br->ofproto);
    struct flow_mod *fms;
    size_t n;
    err =
        bridge_parse_flows(text, cmd, flow_mod_parse_mode(cmd), map, &fms, &n);
    err = strip_line_prefix(err, text);
    if (!err) {
        err = bridge_ofctl_of10_flags(fms, n, cmd, of_version);
    }
    if (err) {
        flow_mods_free(fms, n);
        return err;
    }
    if (!n && (cmd == FM_DELETE || cmd == FM_DELETE_STRICT)) {
        /* "del-flows BR" with no match deletes everything. */
        fms = xzalloc(sizeof *fms);
        flow_mod_init(&fms[0], cmd);
        err = flow_mod_parse(&fms[0], "", FM_PARSE_DELETE, map);
        if (err) {
            flow_mods_free(fms, 1);
            return err;
        }
        n = 1;
    }
    if (n) {
        ofproto_flow_mods(br->ofproto, fms, n, &err);
    }
    flow_mods_free(fms, n);
    if (err) {
        return strip_line_prefix(err, text);
    }
    *resultp = json_pack("{s:I}", "n_flow_mods", (json_int_t)n);
    return NULL;
}

/* ---- replace-flows. ---- */

char *bridge_ofctl_replace_flows(struct bridges *bs, const char *name,
                                 const char *text, uint64_t cookie,
                                 uint64_t cookie_mask, int of_version,
                                 json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct flow_mod *adds;
    size_t n_adds;
    err = bridge_parse_flows(text, FM_ADD, FM_PARSE_ADD,
                             ofproto_portmap(br->ofproto), &adds, &n_adds);
    /* ovs-ofctl sends the changed flows as adds: in 1.0 they reset the
     * counters of the flows they replace. */
    if (!err) {
        err = bridge_ofctl_of10_flags(adds, n_adds, FM_ADD, of_version);
    }
    if (err) {
        flow_mods_free(adds, n_adds);
        return err;
    }
    for (size_t i = 0; i < n_adds; i++) {
        if ((adds[i].cookie ^ cookie) & cookie_mask) {
            err = xasprintf("flow %zu: cookie 0x%" PRIx64 " is outside the "
                            "replaced scope 0x%" PRIx64 "/0x%" PRIx64,
                            i + 1, adds[i].cookie, cookie, cookie_mask);
            flow_mods_free(adds, n_adds);
            return err;
        }
    }
    size_t n_added, n_deleted;
    ofproto_replace_flows(br->ofproto, adds, n_adds, cookie, cookie_mask,
                          &n_added, &n_deleted, &err);
    flow_mods_free(adds, n_adds);
    if (err) {
        return err;
    }
    *resultp = json_pack("{s:I, s:I}", "added", (json_int_t)n_added, "deleted",
                         (json_int_t)n_deleted);
    return NULL;
}

/* ---- dump-flows, dump-aggregate. ---- */

/* Parses the MATCH of dump-flows and dump-aggregate (may include
 * table=N) into '*filter' for ofproto_dump_flows(); '*have_filter' false
 * (and '*filter' untouched) when 'match' is NULL or empty, meaning every
 * flow.  On success with a filter the caller uninits '*filter'. */
static char *dump_filter_parse(const char *match, bool strict,
                               const struct portmap *map,
                               struct flow_mod *filter, bool *have_filter)
{
    *have_filter = match && *match;
    if (!*have_filter) {
        return NULL;
    }
    flow_mod_init(filter, strict ? FM_DELETE_STRICT : FM_DELETE);
    char *err = flow_mod_parse(filter, match, FM_PARSE_DUMP, map);
    if (err) {
        flow_mod_uninit(filter);
        *have_filter = false;
    }
    return err;
}

/* ovs-ofctl prints the switch's reply as it came (header, ages) only
 * for a dump with statistics, without names and unsorted; otherwise it
 * prints the flows one by one, without either. */
static bool dump_is_plain(const struct bridge_dump_options *o)
{
    return o->stats && !o->names && !o->n_sort_keys;
}

/* The xid ovs-ofctl's reply shows: its request comes after the ones it
 * sends first, and a MATCH costs two more exchanges (the port and table
 * names it may need to parse it). */
static int dump_xid(int of_version, const char *match)
{
    int xid = of_version == 13 ? 2 : 4;
    return match && *match ? xid + 4 : xid;
}

/* The --sort keys of 'o' for ofproto_dump_sort(), or an error. */
static char *dump_sort_keys(const struct bridge_dump_options *o,
                            struct ofproto_sort_key **keysp)
{
    *keysp = NULL;
    if (o->n_sort_keys > OFPROTO_SORT_KEYS_MAX) {
        return xasprintf("at most %d --sort and --rsort keys",
                         OFPROTO_SORT_KEYS_MAX);
    }
    struct ofproto_sort_key *keys = xcalloc(o->n_sort_keys + 1, sizeof *keys);
    for (size_t k = 0; k < o->n_sort_keys; k++) {
        const char *key = o->sort_keys[k];
        keys[k].reverse = o->rsort[k];
        if (strcmp(key, "priority")) {
            keys[k].field = mf_from_name(key, strlen(key));
            if (!keys[k].field) {
                free(keys);
                return xasprintf("%s: unknown field for --sort", key);
            }
        }
    }
    *keysp = keys;
    return NULL;
}

struct dump_entry {
    json_t *json;              /* Structured form, or NULL if 'text_only'. */
    size_t text_ofs, text_len; /* The line in dump_ctx's 'text'. */
};

struct dump_ctx {
    const struct bridge_dump_options *opts;
    const struct portmap *map;
    struct dump_entry *entries;
    size_t n, allocated;
    struct ds ds;
    struct ds text; /* Every line, when 'text_only'. */
};

/* A flow as --format json shows it ('fp' already set for the view). */
static json_t *flow_json(const struct flow_print *fp,
                         const struct portmap *map, struct ds *scratch)
{
    char cookie[24];
    json_t *j = json_object();
    ds_clear(scratch);
    flow_print_format(fp, map, scratch);
    json_object_set_new(j, PR_KEY_TEXT, json_string(ds_cstr(scratch)));
    snprintf(cookie, sizeof cookie, "0x%llx", (unsigned long long)fp->cookie);
    json_object_set_new(j, "cookie", json_string(cookie));
    json_object_set_new(j, "table", json_integer(fp->table_id));
    json_object_set_new(j, "priority", json_integer(fp->priority));
    json_object_set_new(j, "duration",
                        json_real((double)fp->duration_msec / 1000.0));
    json_object_set_new(j, "n_packets",
                        json_integer((json_int_t)fp->n_packets));
    json_object_set_new(j, "n_bytes", json_integer((json_int_t)fp->n_bytes));
    json_object_set_new(j, "idle_timeout", json_integer(fp->idle_timeout));
    json_object_set_new(j, "hard_timeout", json_integer(fp->hard_timeout));
    json_object_set_new(j, "idle_age", json_integer(fp->idle_age));
    if (fp->hard_age >= 0) {
        json_object_set_new(j, "hard_age", json_integer(fp->hard_age));
    }
    ds_clear(scratch);
    match_format(fp->match, -1, map, scratch);
    json_object_set_new(j, "match", json_string(ds_cstr(scratch)));
    ds_clear(scratch);
    ofpacts_format(fp->ofpacts, fp->ofpacts_len, map, scratch);
    json_object_set_new(j, "actions", json_string(ds_cstr(scratch)));
    return j;
}

static void dump_flow_cb(const struct flow_print *fp_, void *ctx_)
{
    struct dump_ctx *ctx = ctx_;
    struct flow_print fp = *fp_;
    const struct portmap *map = ctx->opts->names ? ctx->map : NULL;

    if (ctx->n >= ctx->allocated) {
        ctx->entries = x2nrealloc(ctx->entries, &ctx->allocated, ctx->n + 1,
                                  sizeof *ctx->entries);
    }
    struct dump_entry *e = &ctx->entries[ctx->n++];

    fp.show_stats = ctx->opts->stats;
    fp.show_ages = dump_is_plain(ctx->opts) && ctx->opts->of_version != 13;
    fp.show_flags = ctx->opts->of_version == 13;
    e->json = NULL;
    if (ctx->opts->text_only) {
        /* Text rendering: only the line, kept in one shared buffer, so a
         * dump of 100,000 flows costs no per-flow allocation. */
        e->text_ofs = ctx->text.length;
        flow_print_format(&fp, map, &ctx->text);
        e->text_len = ctx->text.length - e->text_ofs;
    } else {
        e->json = flow_json(&fp, map, &ctx->ds);
    }
}

char *bridge_ofctl_dump_flows(struct bridges *bs, const char *name,
                              const struct bridge_dump_options *opts,
                              json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    const struct portmap *map = ofproto_portmap(br->ofproto);
    struct ofproto_sort_key *keys;
    err = dump_sort_keys(opts, &keys);
    if (err) {
        return err;
    }
    struct flow_mod filter;
    bool have_filter;
    err = dump_filter_parse(opts->match, opts->strict, map, &filter,
                            &have_filter);
    if (err) {
        free(keys);
        return err;
    }

    struct dump_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opts = opts;
    ctx.map = map;
    ds_init(&ctx.ds);
    ds_init(&ctx.text);
    /* The order, sorted or not, is the streamed dump's, in one go. */
    struct ofproto_dump *d = ofproto_dump_start(
        br->ofproto, have_filter ? &filter : NULL, opts->strict);
    ofproto_dump_sort(d, keys, opts->n_sort_keys);
    bool gone;
    while (!ofproto_dump_step(d, SIZE_MAX, dump_flow_cb, &ctx, &gone)) {
        continue;
    }
    ofproto_dump_destroy(d);
    json_t *flows = opts->text_only ? NULL : json_array();
    struct ds lines = DS_EMPTY_INITIALIZER;
    if (opts->text_only) {
        ds_reserve(&lines, ctx.text.length + ctx.n + 64);
        if (dump_is_plain(opts)) {
            ds_put_format(&lines,
                          opts->of_version == 13
                              ? "OFPST_FLOW reply (OF1.3) (xid=0x%x):\n"
                              : "NXST_FLOW reply (xid=0x%x):\n",
                          dump_xid(opts->of_version, opts->match));
        }
    }
    for (size_t i = 0; i < ctx.n; i++) {
        struct dump_entry *e = &ctx.entries[i];
        if (opts->text_only) {
            ds_put_buffer(&lines, ctx.text.string + e->text_ofs, e->text_len);
            ds_put_char(&lines, '\n');
        } else {
            json_array_append_new(flows, e->json);
        }
    }
    free(ctx.entries);
    ds_destroy(&ctx.ds);
    ds_destroy(&ctx.text);
    free(keys);
    if (have_filter) {
        flow_mod_uninit(&filter);
    }
    if (opts->text_only) {
        *resultp = json_pack("{s:s%, s:I}", PR_KEY_TEXT,
                             lines.string ? lines.string : "", lines.length,
                             "n_flows", (json_int_t)ctx.n);
        ds_destroy(&lines);
    } else {
        *resultp = json_pack("{s:o}", "flows", flows);
    }
    return NULL;
}

struct bridge_flow_stream {
    struct bridges *bs;
    char *bridge;
    bool stats, names, plain, header_sent;
    bool json; /* Lines of JSON, a flow each, instead of the text. */
    struct ds scratch;
    int of_version;
    int xid; /* The header's (dump_xid()). */
    struct ofproto_dump *dump;
    size_t n_flows;
};

char *bridge_ofctl_dump_flows_stream(struct bridges *bs, const char *name,
                                     const struct bridge_dump_options *opts,
                                     struct bridge_flow_stream **streamp)
{
    char *err;
    *streamp = NULL;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct ofproto_sort_key *keys;
    err = dump_sort_keys(opts, &keys);
    if (err) {
        return err;
    }
    struct flow_mod filter;
    bool have_filter;
    err =
        dump_filter_parse(opts->match, opts->strict,
                          ofproto_portmap(br->ofproto), &filter, &have_filter);
    if (err) {
        free(keys);
        return err;
    }
    struct bridge_flow_stream *st = xzalloc(sizeof *st);
    st->bs = bs;
    st->bridge = xstrdup(name);
    st->stats = opts->stats;
    st->names = opts->names;
    st->plain = dump_is_plain(opts);
    st->json = !opts->text_only;
    ds_init(&st->scratch);
    st->of_version = opts->of_version;
    st->xid = dump_xid(opts->of_version, opts->match);
    st->dump = ofproto_dump_start(br->ofproto, have_filter ? &filter : NULL,
                                  opts->strict);
    ofproto_dump_sort(st->dump, keys, opts->n_sort_keys);
    free(keys);
    if (have_filter) {
        flow_mod_uninit(&filter);
    }
    *streamp = st;
    return NULL;
}

struct stream_ctx {
    struct bridge_flow_stream *st;
    const struct portmap *map;
    struct ds *out;
    size_t n;
};

static void stream_flow_cb(const struct flow_print *fp_, void *ctx_)
{
    struct stream_ctx *ctx = ctx_;
    struct flow_print fp = *fp_;
    fp.show_stats = ctx->st->stats;
    fp.show_ages = ctx->st->plain && ctx->st->of_version != 13;
    fp.show_flags = ctx->st->of_version == 13;
    if (ctx->st->json) {
        json_t *j = flow_json(&fp, ctx->map, &ctx->st->scratch);
        char *line = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
        ds_put_cstr(ctx->out, line);
        free(line);
        json_decref(j);
    } else {
        flow_print_format(&fp, ctx->map, ctx->out);
    }
    ds_put_char(ctx->out, '\n');
    ctx->n++;
}

bool bridge_flow_stream_step(struct bridge_flow_stream *st, size_t max_flows,
                             struct ds *out, char **errp)
{
    *errp = NULL;
    if (!st->header_sent) {
        st->header_sent = true;
        if (st->plain && !st->json) {
            ds_put_format(out,
                          st->of_version == 13
                              ? "OFPST_FLOW reply (OF1.3) (xid=0x%x):\n"
                              : "NXST_FLOW reply (xid=0x%x):\n",
                          st->xid);
        }
    }
    struct bridge *br = bridge_lookup(st->bs, st->bridge);
    struct stream_ctx ctx = {
        st, st->names && br ? ofproto_portmap(br->ofproto) : NULL, out, 0
    };
    bool gone;
    bool done =
        ofproto_dump_step(st->dump, max_flows, stream_flow_cb, &ctx, &gone);
    st->n_flows += ctx.n;
    if (gone) {
        *errp = xasprintf("bridge %s was removed during the dump", st->bridge);
    }
    return done;
}

size_t bridge_flow_stream_n_flows(const struct bridge_flow_stream *st)
{
    return st->n_flows;
}

void bridge_flow_stream_destroy(struct bridge_flow_stream *st)
{
    if (st) {
        ofproto_dump_destroy(st->dump);
        ds_destroy(&st->scratch);
        free(st->bridge);
        free(st);
    }
}

struct aggregate {
    uint64_t n_packets, n_bytes, n_flows;
};

static void aggregate_flow_cb(const struct flow_print *fp, void *agg_)
{
    struct aggregate *agg = agg_;
    agg->n_packets += fp->n_packets;
    agg->n_bytes += fp->n_bytes;
    agg->n_flows++;
}

char *bridge_ofctl_dump_aggregate(struct bridges *bs, const char *name,
                                  const char *match, bool strict,
                                  const struct ofctl_view *view,
                                  json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct flow_mod filter;
    bool have_filter;
    err = dump_filter_parse(match, strict, ofproto_portmap(br->ofproto),
                            &filter, &have_filter);
    if (err) {
        return err;
    }
    struct aggregate agg = { 0, 0, 0 };
    ofproto_dump_flows(br->ofproto, have_filter ? &filter : NULL, strict,
                       aggregate_flow_cb, &agg);
    if (have_filter) {
        flow_mod_uninit(&filter);
    }
    struct printer pr;
    pr_reply_begin(&pr, view->text);
    pr_text(&pr,
            view->of_version == 13
                ? "OFPST_AGGREGATE reply (OF1.3) (xid=0x%x):"
                : "NXST_AGGREGATE reply (xid=0x%x):",
            dump_xid(view->of_version, match));
    pr_uint(&pr, "packet_count", " packet_count=%" PRIu64, agg.n_packets);
    pr_uint(&pr, "byte_count", " byte_count=%" PRIu64, agg.n_bytes);
    pr_uint(&pr, "flow_count", " flow_count=%" PRIu64 "\n", agg.n_flows);
    *resultp = pr_reply_end(&pr);
    return NULL;
}
