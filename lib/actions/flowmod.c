/* flowmod: flow text to 'struct flow_mod', and dump-flows lines.
 *
 * The grammar is ovs-ofctl's: keywords, match pieces and "actions=" are
 * separated by commas or white space, and everything after "actions="
 * is the action list.  Where ovs-ofctl quietly guesses (table=255 turned
 * into table 0, an unclosed parenthesis) we refuse and say why; every
 * message names the token and its 1-based character position. */
#include "flowmod.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "actions-private.h"
#include "actions.h"
#include "portmap.h"
#include "util.h"

void flow_mod_init(struct flow_mod *fm, enum fm_command command)
{
    memset(fm, 0, sizeof *fm);
    fm->command = command;
    match_init_catchall(&fm->match);
    fm->priority = OFP_DEFAULT_PRIORITY;
    fm->table_id = command == FM_ADD ? 0 : FM_TABLE_ALL;
    fm->out_port = OFPP_ANY;
    buf_init(&fm->ofpacts);
}

void flow_mod_uninit(struct flow_mod *fm)
{
    if (fm) {
        buf_uninit(&fm->ofpacts);
    }
}

/* Finds typographic quotes, which arrive when a command is copied from a
 * web page or word processor: the shell passes them through verbatim and
 * the flow then fails on what looks like a normal quote. */
static char *check_characters(const struct apctx *ctx, const char *text)
{
    for (const char *p = text; *p; p++) {
        const unsigned char *u = (const unsigned char *)p;
        if (u[0] == 0xe2 && u[1] == 0x80
            && (u[2] == 0x98 || u[2] == 0x99 || u[2] == 0x9c
                || u[2] == 0x9d)) {
            return xasprintf("typographic quote '%.3s' at position %zu: "
                             "use a plain ASCII quote (\") in the shell",
                             p, ap_position(ctx->origin, p));
        }
        if (u[0] >= 0x80) {
            return ap_error(ctx, p, "non-ASCII character in flow text");
        }
        if (u[0] < 0x20 && !strchr("\t\r\n", *p)) {
            return ap_error(ctx, p,
                            "control character 0x%02x in flow "
                            "text",
                            u[0]);
        }
    }
    return NULL;
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Keywords that are not match fields.  'seen' bits catch repeats. */
enum fm_kw {
    KW_TABLE,
    KW_PRIORITY,
    KW_COOKIE,
    KW_IDLE_TIMEOUT,
    KW_HARD_TIMEOUT,
    KW_IMPORTANCE,
    KW_OUT_PORT,
    KW_FLAG,
    KW_STAT, /* dump-flows output, ignored so dumps can be fed back. */
};

static const struct {
    const char *name;
    enum fm_kw kw;
    uint32_t flag;
} keywords[] = {
    { "table", KW_TABLE, 0 },
    { "priority", KW_PRIORITY, 0 },
    { "cookie", KW_COOKIE, 0 },
    { "idle_timeout", KW_IDLE_TIMEOUT, 0 },
    { "hard_timeout", KW_HARD_TIMEOUT, 0 },
    { "importance", KW_IMPORTANCE, 0 },
    { "out_port", KW_OUT_PORT, 0 },
    { "send_flow_rem", KW_FLAG, FM_F_SEND_FLOW_REM },
    { "check_overlap", KW_FLAG, FM_F_CHECK_OVERLAP },
    { "reset_counts", KW_FLAG, FM_F_RESET_COUNTS },
    { "no_packet_counts", KW_FLAG, FM_F_NO_PACKET_COUNTS },
    { "no_byte_counts", KW_FLAG, FM_F_NO_BYTE_COUNTS },
    { "duration", KW_STAT, 0 },
    { "n_packets", KW_STAT, 0 },
    { "n_bytes", KW_STAT, 0 },
    { "idle_age", KW_STAT, 0 },
    { "hard_age", KW_STAT, 0 },
};

static const char *mode_name(enum fm_parse_mode mode)
{
    switch (mode) {
    case FM_PARSE_ADD:
        return "adding";
    case FM_PARSE_MODIFY:
        return "modifying";
    case FM_PARSE_DELETE:
        return "deleting";
    case FM_PARSE_DUMP:
        return "dumping";
    }
    return "?";
}

static char *kw_num(const struct apctx *ctx, const struct ap_item *it,
                    uint64_t max, uint64_t *x)
{
    if (!it->value || it->sep != '=' || !it->value_len) {
        return ap_error(ctx, it->key, "%.*s needs a value (%.*s=N)",
                        (int)it->key_len, it->key, (int)it->key_len, it->key);
    }
    if (!ap_parse_u64(it->value, it->value_len, max, x)) {
        return ap_error(ctx, it->value,
                        "%.*s=%.*s: expected a number from "
                        "0 to %" PRIu64,
                        (int)it->key_len, it->key, (int)it->value_len,
                        it->value, max);
    }
    return NULL;
}

static char *parse_cookie(struct flow_mod *fm, const struct apctx *ctx,
                          const struct ap_item *it, enum fm_parse_mode mode)
{
    if (!it->value || it->sep != '=') {
        return ap_error(ctx, it->key, "cookie needs a value (cookie=C)");
    }
    const char *slash = memchr(it->value, '/', it->value_len);
    size_t vlen = slash ? (size_t)(slash - it->value) : it->value_len;
    uint64_t c, m = 0;
    if (!ap_parse_u64(it->value, vlen, UINT64_MAX, &c)) {
        return ap_error(ctx, it->value, "cookie=%.*s: not a 64-bit number",
                        (int)it->value_len, it->value);
    }
    if (slash) {
        const char *ms = slash + 1;
        size_t mlen = it->value_len - vlen - 1;
        if (ap_slice_eq(ms, mlen, "-1")) {
            m = UINT64_MAX;
        } else if (!ap_parse_u64(ms, mlen, UINT64_MAX, &m)) {
            return ap_error(ctx, ms,
                            "cookie=%.*s: mask is not a 64-bit "
                            "number",
                            (int)it->value_len, it->value);
        }
        if (mode == FM_PARSE_ADD) {
            return ap_error(ctx, slash,
                            "cookie=%.*s: a cookie mask is only "
                            "allowed when modifying, deleting or dumping",
                            (int)it->value_len, it->value);
        }
    } else if (mode == FM_PARSE_DELETE || mode == FM_PARSE_DUMP) {
        return ap_error(ctx, it->value,
                        "cookie=%.*s: %s by cookie needs a "
                        "mask (cookie=%.*s/-1 for an exact cookie)",
                        (int)it->value_len, it->value, mode_name(mode),
                        (int)it->value_len, it->value);
    }
    fm->cookie = c & (slash ? m : UINT64_MAX);
    fm->cookie_mask = m;
    return NULL;
}

static char *parse_keyword(struct flow_mod *fm, const struct apctx *ctx,
                           const struct ap_item *it, size_t k,
                           enum fm_parse_mode mode)
{
    uint64_t x;
    char *err = NULL;
    bool filter = mode == FM_PARSE_DELETE || mode == FM_PARSE_DUMP;
    switch (keywords[k].kw) {
    case KW_TABLE:
        err = kw_num(ctx, it, UINT64_MAX, &x);
        if (!err && x > OFPTT_MAX) {
            err = ap_error(ctx, it->key,
                           "table=%.*s: table id out of range "
                           "(0-" OFPTT_MAX_STR ")",
                           (int)it->value_len, it->value);
        }
        if (!err) {
            fm->table_id = (uint8_t)x;
        }
        return err;
    case KW_PRIORITY:
        /* As ovs-ofctl: a filter without --strict matches every priority,
         * so a priority there would be silently ignored (del-flows
         * "table=3,priority=1" emptying table 3).  Refuse it instead. */
        if (filter && fm->command != FM_DELETE_STRICT) {
            return ap_error(ctx, it->key,
                            "priority is only allowed with "
                            "--strict when %s flows (without --strict, "
                            "flows of every priority match)",
                            mode_name(mode));
        }
        err = kw_num(ctx, it, UINT16_MAX, &x);
        if (!err) {
            fm->priority = (uint16_t)x;
        }
        return err;
    case KW_COOKIE:
        return parse_cookie(fm, ctx, it, mode);
    case KW_IDLE_TIMEOUT:
    case KW_HARD_TIMEOUT:
    case KW_IMPORTANCE:
        if (filter) {
            return ap_error(ctx, it->key, "%s is not allowed when %s flows",
                            keywords[k].name, mode_name(mode));
        }
        err = kw_num(ctx, it, UINT16_MAX, &x);
        if (!err) {
            uint16_t *dst =
                keywords[k].kw == KW_IDLE_TIMEOUT   ? &fm->idle_timeout
                : keywords[k].kw == KW_HARD_TIMEOUT ? &fm->hard_timeout
                                                    : &fm->importance;
            *dst = (uint16_t)x;
        }
        return err;
    case KW_OUT_PORT: {
        if (!filter) {
            return ap_error(ctx, it->key,
                            "out_port is only allowed when "
                            "deleting or dumping flows");
        }
        if (!it->value || it->sep != '=') {
            return ap_error(ctx, it->key, "out_port needs a port");
        }
        char *s = xstrndup(it->value, it->value_len);
        uint16_t port;
        bool ok = port_parse(s, ctx->ports, &port);
        free(s);
        if (!ok) {
            return ap_error(ctx, it->value, "out_port=%.*s: unknown port",
                            (int)it->value_len, it->value);
        }
        fm->out_port = port;
        return NULL;
    }
    case KW_FLAG:
        if (it->sep) {
            return ap_error(ctx, it->key, "%s takes no value",
                            keywords[k].name);
        }
        if (filter) {
            return ap_error(ctx, it->key, "%s is not allowed when %s flows",
                            keywords[k].name, mode_name(mode));
        }
        fm->flags |= keywords[k].flag;
        return NULL;
    case KW_STAT:
        return NULL;
    }
    return NULL;
}

static char *parse_match_item(struct flow_mod *fm, const struct apctx *ctx,
                              const struct ap_item *it)
{
    if (it->sep == ':' || it->sep == '(') {
        return ap_error(ctx, it->key,
                        "%.*s%c: expected a match field "
                        "(name=value), a keyword, or actions=",
                        (int)it->key_len, it->key, it->sep);
    }
    if (it->sep == '=' && !it->value_len) {
        return ap_error(ctx, it->key, "%.*s=: missing value", (int)it->key_len,
                        it->key);
    }
    char *name = xstrndup(it->key, it->key_len);
    char *value = it->value ? xstrndup(it->value, it->value_len) : NULL;
    char *err = match_parse_piece(&fm->match, name, value, ctx->ports);
    free(name);
    free(value);
    if (err) {
        return ap_wrap(ctx, it->key, err, "%s", "");
    }
    return NULL;
}

/* goto_table may only go forward (OpenFlow 1.1's rule, which keeps a
 * pipeline free of loops): a flow in table T jumps to a table after T. */
static char *check_goto_table(const struct flow_mod *fm,
                              const struct apctx *ctx, const char *at)
{
    const struct ofpact *a;
    if (fm->table_id == FM_TABLE_ALL) {
        return NULL;
    }
    OFPACT_FOR_EACH (a, (const struct ofpact *)fm->ofpacts.data,
                     fm->ofpacts.size) {
        if (a->type == OFPACT_GOTO_TABLE) {
            const struct ofpact_goto_table *g = (const void *)a;
            if (g->table_id <= fm->table_id) {
                return ap_error(ctx, at,
                                "goto_table:%u: a flow in table "
                                "%u may only go to a later table",
                                g->table_id, fm->table_id);
            }
        }
    }
    return NULL;
}

static char *parse__(struct flow_mod *fm, const char *text,
                     enum fm_parse_mode mode, const struct portmap *ports)
{
    struct apctx ctx = { text, ports, 0 };
    char *err = check_characters(&ctx, text);
    if (err) {
        return err;
    }
    const char *s = text;
    const char *end = text + strlen(text);
    const char *actions = NULL;
    uint32_t seen = 0;
    for (;;) {
        while (s < end && is_sep(*s)) {
            s++;
        }
        if (s >= end) {
            break;
        }
        if (!strncmp(s, "actions=", 8)) {
            actions = s;
            break;
        }
        struct ap_item it;
        int r = ap_next_item(&ctx, &s, end, &it, &err);
        if (r) {
            return r > 0 ? err : NULL;
        }
        size_t k;
        for (k = 0; k < ARRAY_SIZE(keywords); k++) {
            if (ap_slice_eq(it.key, it.key_len, keywords[k].name)) {
                break;
            }
        }
        if (k < ARRAY_SIZE(keywords)) {
            if (seen & (1u << k)) {
                return ap_error(&ctx, it.key, "%s given twice",
                                keywords[k].name);
            }
            seen |= 1u << k;
            err = parse_keyword(fm, &ctx, &it, k, mode);
        } else if (ap_slice_eq(it.key, it.key_len, "actions")
                   || ap_slice_eq(it.key, it.key_len, "action")) {
            err = ap_error(&ctx, it.key, "%.*s%c: write actions=ACTIONS",
                           (int)it.key_len, it.key, it.sep ? it.sep : ' ');
        } else {
            err = parse_match_item(fm, &ctx, &it);
        }
        if (err) {
            return err;
        }
    }

    err = match_check_prereqs(&fm->match);
    if (err) {
        return err;
    }

    if (!actions) {
        match_normalize_vlan(
            &fm->match, match_is_of10(&fm->match) ? MATCH_OF10 : MATCH_NXM);
        if (mode == FM_PARSE_ADD) {
            return xasprintf("must specify an action (actions=..., at the "
                             "end)");
        }
        return NULL;
    }
    if (mode == FM_PARSE_DELETE || mode == FM_PARSE_DUMP) {
        return ap_error(&ctx, actions,
                        "actions are not allowed when %s "
                        "flows",
                        mode_name(mode));
    }
    fm->has_actions = true;
    err = ofpacts_parse__(&ctx, actions + 8, end, &fm->ofpacts, false);
    if (!err) {
        char *cerr =
            ofpacts_check((const struct ofpact *)fm->ofpacts.data,
                          fm->ofpacts.size, &fm->match, "the flow's match");
        if (cerr) {
            err = ap_wrap(&ctx, actions, cerr, "%s", "");
        }
    }
    if (!err) {
        err = check_goto_table(fm, &ctx, actions);
    }
    if (!err) {
        const struct ofpact *acts = (const void *)fm->ofpacts.data;
        match_normalize_vlan(
            &fm->match, ofpacts_need_of13(acts, fm->ofpacts.size) ? MATCH_OXM
                        : match_is_of10(&fm->match)               ? MATCH_OF10
                                                                  : MATCH_NXM);
    }
    return err;
}

enum fm_parse_mode flow_mod_parse_mode(enum fm_command cmd)
{
    switch (cmd) {
    case FM_ADD:
        return FM_PARSE_ADD;
    case FM_MODIFY:
    case FM_MODIFY_STRICT:
        return FM_PARSE_MODIFY;
    case FM_DELETE:
    case FM_DELETE_STRICT:
    default:
        return FM_PARSE_DELETE;
    }
}

char *flow_mod_parse(struct flow_mod *fm, const char *text,
                     enum fm_parse_mode mode, const struct portmap *ports)
{
    char *err = parse__(fm, text, mode, ports);
    if (err) {
        enum fm_command command = fm->command;
        flow_mod_uninit(fm);
        flow_mod_init(fm, command);
    }
    return err;
}

static enum fm_command mode_command(enum fm_parse_mode mode)
{
    switch (mode) {
    case FM_PARSE_ADD:
        return FM_ADD;
    case FM_PARSE_MODIFY:
        return FM_MODIFY;
    case FM_PARSE_DELETE:
    case FM_PARSE_DUMP:
        return FM_DELETE;
    }
    return FM_ADD;
}

void flow_mods_free(struct flow_mod *fms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
}

/* Trims 'line' at both ends; blank lines and '#' comments have no flow,
 * as ovs-ofctl reads a flow file. */
static char *trim_line(void *aux, size_t index, char *line, const char **flowp)
{
    line += strspn(line, " \t\r");
    size_t len = strlen(line);
    while (len && strchr(" \t\r", line[len - 1])) {
        line[--len] = '\0';
    }
    *flowp = *line && *line != '#' ? line : NULL;
    return NULL;
}

char *flow_mods_parse_lines(const char *text, const struct flow_lines *how,
                            struct flow_mod **fmsp, size_t *np)
{
    struct flow_mod *fms = NULL;
    size_t n = 0, allocated = 0;
    size_t lineno = how->first_line ? how->first_line - 1 : 0;
    char *err = NULL;
    *fmsp = NULL;
    *np = 0;
    for (const char *p = text; *p && !err;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        p += len + (nl ? 1 : 0);
        lineno++;

        const char *flow = NULL;
        char *lerr = NULL;
        if (!nl && how->need_newline) {
            lerr = xstrdup("cut short (no newline)");
        } else {
            lerr =
                (how->line ? how->line : trim_line)(how->aux, n, line, &flow);
        }
        if (!lerr && flow) {
            if (n >= allocated) {
                fms = x2nrealloc(fms, &allocated, n + 1, sizeof *fms);
            }
            flow_mod_init(&fms[n], how->command);
            lerr = flow_mod_parse(&fms[n], flow, how->mode, how->ports);
            if (lerr) {
                flow_mod_uninit(&fms[n]);
            } else {
                n++;
            }
        }
        if (lerr) {
            err = xasprintf("line %zu: %s", lineno, lerr);
            free(lerr);
        }
        free(line);
    }
    if (err) {
        flow_mods_free(fms, n);
        return err;
    }
    *fmsp = fms;
    *np = n;
    return NULL;
}

char *flow_mods_parse_text(const char *text, enum fm_parse_mode mode,
                           const struct portmap *ports, struct flow_mod **fmsp,
                           size_t *n_fmsp)
{
    const struct flow_lines how = { .command = mode_command(mode),
                                    .mode = mode,
                                    .ports = ports };
    return flow_mods_parse_lines(text, &how, fmsp, n_fmsp);
}

void flow_print_format(const struct flow_print *fp,
                       const struct portmap *ports, struct ds *ds)
{
    ds_put_char(ds, ' ');
    if (fp->show_stats || fp->cookie) {
        ds_put_format(ds, "cookie=0x%" PRIx64 ", ", fp->cookie);
    }
    if (fp->show_stats) {
        ds_put_cstr(ds, "duration=");
        ds_put_duration(ds, fp->duration_msec);
        ds_put_cstr(ds, ", ");
    }
    if (fp->show_stats || fp->table_id) {
        ds_put_format(ds, "table=%u, ", fp->table_id);
    }
    if (fp->show_stats) {
        ds_put_format(ds, "n_packets=%" PRIu64 ", n_bytes=%" PRIu64 ", ",
                      fp->n_packets, fp->n_bytes);
    }
    if (fp->idle_timeout) {
        ds_put_format(ds, "idle_timeout=%u, ", fp->idle_timeout);
    }
    if (fp->hard_timeout) {
        ds_put_format(ds, "hard_timeout=%u, ", fp->hard_timeout);
    }
    /* Flags print as bare words followed by a space, as OVS does. */
    /* A flow only OpenFlow 1.1+ can carry is shown as a 1.3 reply shows
     * it (see ofpacts_format_flow()), flags included. */
    bool flags =
        fp->show_flags || ofpacts_need_of13(fp->ofpacts, fp->ofpacts_len);
    for (size_t k = 0; k < ARRAY_SIZE(keywords) && flags; k++) {
        if (keywords[k].kw == KW_FLAG && fp->flags & keywords[k].flag) {
            ds_put_format(ds, "%s ", keywords[k].name);
        }
    }
    if (fp->importance && fp->show_importance) {
        ds_put_format(ds, "importance=%u, ", fp->importance);
    }
    bool ages = fp->show_stats && fp->show_ages;
    if (ages && fp->idle_age >= 0) {
        ds_put_format(ds, "idle_age=%" PRId64 ", ", fp->idle_age);
    }
    /* ovs-ofctl leaves out a hard_age that says no more than the
     * duration (a flow never modified since it was added). */
    int64_t duration_sec =
        (fp->duration_msec < 0 ? 0 : fp->duration_msec) / 1000;
    if (ages && fp->hard_age >= 0 && fp->hard_age != duration_sec) {
        ds_put_format(ds, "hard_age=%" PRId64 ", ", fp->hard_age);
    }
    match_format(fp->match, fp->priority, ports, ds);
    if (ds_last(ds) != ' ') {
        ds_put_char(ds, ' ');
    }
    ds_put_cstr(ds, "actions=");
    ofpacts_format_flow(fp->ofpacts, fp->ofpacts_len, fp->match, ports, ds);
}

void flow_mod_format(const struct flow_mod *fm, const struct portmap *map,
                     bool as_parsed, struct ds *ds)
{
    struct flow_print fp = {
        .match = &fm->match,
        .priority = fm->priority,
        .table_id = fm->table_id,
        .cookie = fm->cookie,
        .idle_timeout = fm->idle_timeout,
        .hard_timeout = fm->hard_timeout,
        .importance = fm->importance,
        .flags = fm->flags,
        .ofpacts = (const struct ofpact *)(const void *)fm->ofpacts.data,
        .ofpacts_len = fm->ofpacts.size,
        .show_stats = false,
        .hard_age = -1,
        .show_flags = as_parsed,
        .show_importance = as_parsed,
    };
    flow_print_format(&fp, map, ds);
}
