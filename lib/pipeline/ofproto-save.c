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

/* Reads one decimal number up to 'max' after optional spaces at '*sp',
 * moving '*sp' past it. */
static bool parse_number(const char **sp, uint64_t max, uint64_t *value)
{
    const char *s = *sp;
    while (*s == ' ') {
        s++;
    }
    uint64_t v = 0;
    const char *start = s;
    for (; *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (d > max || v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    if (s == start) {
        return false;
    }
    *value = v;
    *sp = s;
    return true;
}

/* Parses the numbers that open a saved line; '*flowp' gets the rest.
 * By hand: sscanf() was an eighth of restoring a million flows. */
static bool parse_state(const char *line, struct saved_state *st,
                        const char **flowp)
{
    static const uint64_t max[6] = { INT64_MAX, INT64_MAX,  INT64_MAX,
                                     1,         UINT64_MAX, UINT64_MAX };
    uint64_t v[6];
    for (size_t i = 0; i < 6; i++) {
        if (!parse_number(&line, max[i], &v[i])) {
            return false;
        }
    }
    st->age = (int64_t)v[0];
    st->since_modified = (int64_t)v[1];
    st->since_used = (int64_t)v[2];
    st->modified = (int)v[3];
    st->n_packets = v[4];
    st->n_bytes = v[5];
    *flowp = line;
    return true;
}

/* The states of the lines read so far. */
struct saved_states {
    struct saved_state *v;
    size_t allocated;
};

/* A saved line: its state into the states, the rest is the flow. */
static char *saved_line(void *states_, size_t index, char *line,
                        const char **flowp)
{
    struct saved_states *states = states_;
    if (index >= states->allocated) {
        states->v = x2nrealloc(states->v, &states->allocated, index + 1,
                               sizeof *states->v);
    }
    if (!parse_state(line, &states->v[index], flowp)) {
        return xstrdup("bad ages or counters");
    }
    return NULL;
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
    struct saved_states states = { NULL, 0 };
    const struct flow_lines how = { .command = FM_ADD,
                                    .mode = FM_PARSE_ADD,
                                    .first_line = 2,
                                    .need_newline = true,
                                    .line = saved_line,
                                    .aux = &states };
    char *err = flow_mods_parse_lines(nl + 1, &how, fmsp, np);
    if (err) {
        free(states.v);
        return err;
    }
    *statesp = states.v;
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
        /* Due sooner than the fresh flow the batch made. */
        expire_refile(p, r);
    }
    flow_mods_free(fms, n);
    free(states);
    *np = n;
    return NULL;
}
