/* ofproto-save: a bridge's flow table as text that outlives the process,
 * and back (the format is described in ofproto.h). */
#include "ofproto.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier.h"
#include "clock.h"
#include "flowmod.h"
#include "ofproto-private.h"
#include "util.h"

#define SAVE_HEADER "switchd-flows 1"

struct save_ctx {
    struct ds *out;
    int64_t now;
};

static void save_rule(const struct rule *r, struct save_ctx *ctx)
{
    struct match m;
    struct flow_print fp;
    ofproto_rule_to_print(r, &m, &fp);
    ds_put_format(
        ctx->out,
        "%" PRId64 " %" PRId64 " %" PRId64 " %d %" PRIu64 " %" PRIu64,
        ctx->now - r->created, ctx->now - r->modified, ctx->now - r->used,
        (r->flags & RULE_F_MODIFIED) != 0, r->n_packets, r->n_bytes);
    /* Table 0 prints no "table=" and a zero cookie no "cookie=": both
     * parse back to the same. */
    flow_print_format(&fp, NULL, ctx->out);
    ds_put_char(ctx->out, '\n');
}

static void save_cls_rule(const struct cls_rule *cr, void *ctx_)
{
    save_rule(rule_from_cls(cr), ctx_);
}

void ofproto_save_flows(const struct ofproto *p, struct ds *out)
{
    struct save_ctx ctx = { out, clock_msec() };
    ds_put_cstr(out, SAVE_HEADER "\n");
    for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
        classifier_for_each(&p->tables[t], save_cls_rule, &ctx);
    }
}

/* What a saved line holds besides the flow itself. */
struct saved_state {
    int64_t age, since_modified, since_used;
    int modified;
    uint64_t n_packets, n_bytes;
};

/* Parses the numbers that open a saved line; '*flowp' gets the rest. */
static bool parse_state(const char *line, struct saved_state *st,
                        const char **flowp)
{
    int n = 0;
    if (sscanf(line,
               "%" SCNd64 " %" SCNd64 " %" SCNd64 " %d %" SCNu64 " %" SCNu64
               "%n",
               &st->age, &st->since_modified, &st->since_used, &st->modified,
               &st->n_packets, &st->n_bytes, &n)
            != 6
        || st->age < 0 || st->since_modified < 0 || st->since_used < 0
        || (st->modified != 0 && st->modified != 1)) {
        return false;
    }
    *flowp = line + n;
    return true;
}

/* Splits 'text' into the flow mods and states of its lines. */
static char *parse_saved(const char *text, struct flow_mod **fmsp,
                         struct saved_state **statesp, size_t *np)
{
    const char *nl = strchr(text, '\n');
    if (!nl || (size_t)(nl - text) != strlen(SAVE_HEADER)
        || strncmp(text, SAVE_HEADER, strlen(SAVE_HEADER))) {
        return xstrdup(
            "line 1: not a switchd flow file (expected \"" SAVE_HEADER "\")");
    }
    size_t n = 0, allocated = 0, lineno = 1;
    struct flow_mod *fms = NULL;
    struct saved_state *states = NULL;
    char *err = NULL;
    for (const char *line = nl + 1; *line && !err; line = nl + 1) {
        lineno++;
        nl = strchr(line, '\n');
        if (!nl) {
            err = xasprintf("line %zu: cut short (no newline)", lineno);
            break;
        }
        char *copy = xstrndup(line, (size_t)(nl - line));
        const char *flow;
        if (n >= allocated) {
            fms = x2nrealloc(fms, &allocated, n + 1, sizeof *fms);
            states = xrealloc(states, allocated * sizeof *states);
        }
        if (!parse_state(copy, &states[n], &flow)) {
            err = xasprintf("line %zu: bad ages or counters", lineno);
        } else {
            flow_mod_init(&fms[n], FM_ADD);
            char *perr = flow_mod_parse(&fms[n], flow, FM_PARSE_ADD, NULL);
            if (perr) {
                flow_mod_uninit(&fms[n]);
                err = xasprintf("line %zu: %s", lineno, perr);
                free(perr);
            } else {
                n++;
            }
        }
        free(copy);
    }
    if (err) {
        flow_mods_free(fms, n);
        free(states);
        return err;
    }
    *fmsp = fms;
    *statesp = states;
    *np = n;
    return NULL;
}

char *ofproto_restore_flows(struct ofproto *p, const char *text, size_t *np)
{
    /* Initialised for gcc -O2, which cannot see that parse_saved() sets
     * all three whenever it returns NULL. */
    struct flow_mod *fms = NULL;
    struct saved_state *states = NULL;
    size_t n = 0;
    *np = 0;
    char *err = parse_saved(text, &fms, &states, &n);
    if (err) {
        return err;
    }
    if (n && ofproto_flow_mods(p, fms, n, &err)) {
        flow_mods_free(fms, n);
        free(states);
        return err;
    }
    int64_t now = clock_msec();
    for (size_t i = 0; i < n; i++) {
        struct rule *r = rule_from_cls(classifier_find_exactly(
            &p->tables[fms[i].table_id], &fms[i].match, fms[i].priority));
        if (!r) {
            continue; /* A later line replaced it: same match twice. */
        }
        r->created = now - states[i].age;
        r->modified = now - states[i].since_modified;
        r->used = now - states[i].since_used;
        if (states[i].modified) {
            r->flags |= RULE_F_MODIFIED;
        }
        r->n_packets = states[i].n_packets;
        r->n_bytes = states[i].n_bytes;
    }
    /* Restored timeouts may be due sooner than the fresh flows the batch
     * made: a lower bound is all next_timeout promises, so look now. */
    p->next_timeout = now;
    flow_mods_free(fms, n);
    free(states);
    *np = n;
    return NULL;
}
