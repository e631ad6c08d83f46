/* learn: the learn(...) action: parse, print, check and execute.
 *
 * A learn action is a template for a flow: each spec says where one
 * piece of the new flow's match or actions comes from (a field of the
 * packet being processed, or a constant).  learn_execute() fills the
 * template in from a packet key; installing the result is the
 * pipeline's job.
 *
 * Prerequisites: the learned flow must be a valid flow on its own, so a
 * spec that matches or loads a field with prerequisites (nw_dst needs
 * ip) must come after constant specs that supply them
 * ("dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[]"), exactly as OVS
 * demands.  Fields read from the packet must in turn be meaningful for
 * the flow that holds the learn action (checked by learn_check()). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "actions-private.h"
#include "actions.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

/* Bound on specs per learn action: keeps the action far below the
 * 16-bit action length and any learned flow small. */
#define LEARN_MAX_SPECS 64

struct learn_state {
    const struct apctx *ctx;
    struct ofpact_learn *hdr; /* Header only: specs[] live below. */
    struct learn_spec specs[LEARN_MAX_SPECS];
    unsigned n_specs;
    /* The constant part of the learned match, to check prerequisites of
     * later specs against, in order, as OVS does. */
    struct match template;
};

static char *learn_num(const struct apctx *ctx, const struct ap_item *it,
                       uint64_t max, uint64_t *x)
{
    if (!it->value || it->sep != '=') {
        return ap_error(ctx, it->key,
                        "learn: %.*s needs a value "
                        "(%.*s=N)",
                        (int)it->key_len, it->key, (int)it->key_len, it->key);
    }
    if (!ap_parse_u64(it->value, it->value_len, max, x)) {
        return ap_error(ctx, it->value,
                        "learn: %.*s=%.*s: expected a "
                        "number from 0 to %" PRIu64,
                        (int)it->key_len, it->key, (int)it->value_len,
                        it->value, max);
    }
    return NULL;
}

static struct learn_spec *new_spec(struct learn_state *st,
                                   const struct ap_item *it, char **errp)
{
    if (st->n_specs >= LEARN_MAX_SPECS) {
        *errp = ap_error(st->ctx, it->key, "learn: more than %d specs",
                         LEARN_MAX_SPECS);
        return NULL;
    }
    struct learn_spec *spec = &st->specs[st->n_specs++];
    memset(spec, 0, sizeof *spec);
    return spec;
}

/* Checks the learned flow can carry 'field' given the constants so far. */
static char *check_learned_prereqs(struct learn_state *st, const char *at,
                                   const struct mf_field *field)
{
    char *err = ap_check_field_prereqs(field, &st->template);
    if (err) {
        return ap_wrap(st->ctx, at, err,
                       "learn: the learned flow cannot "
                       "use %s without its prerequisites (give them first "
                       "as constants, e.g. dl_type=0x800): ",
                       field->name);
    }
    return NULL;
}

/* Parses an immediate for subfield 'dst' from the slice: with the field's
 * own syntax when 'dst' is a whole field, else as a number. */
static char *parse_imm(struct learn_state *st, const char *s, size_t n,
                       const struct mf_subfield *dst, bool whole_syntax,
                       union mf_value *imm)
{
    if (whole_syntax) {
        union mf_value mask;
        char *copy = xstrndup(s, n);
        char *err =
            mf_parse_value(dst->field, copy, st->ctx->ports, imm, &mask);
        free(copy);
        if (err) {
            return ap_wrap(st->ctx, s, err, "learn: ");
        }
        if (!mf_value_is_all_ones(&mask, dst->field->n_bits)) {
            return ap_error(st->ctx, s,
                            "learn: %.*s: masks are not "
                            "allowed in learn",
                            (int)n, s);
        }
        return NULL;
    }
    if (!ap_parse_uint(s, n, imm)) {
        return ap_error(st->ctx, s,
                        "learn: %.*s: not a number or a "
                        "subfield",
                        (int)n, s);
    }
    if (!ap_fits(imm, dst->n_bits)) {
        return ap_error(st->ctx, s,
                        "learn: value %.*s does not fit into "
                        "%u bits",
                        (int)n, s, dst->n_bits);
    }
    return NULL;
}

static char *width_error(struct learn_state *st, const char *at,
                         const struct mf_subfield *src,
                         const struct mf_subfield *dst)
{
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    mf_format_subfield(src, &a);
    mf_format_subfield(dst, &b);
    char *err = ap_error(st->ctx, at,
                         "learn: bit widths of %s (%u) and "
                         "%s (%u) differ",
                         ds_cstr(&a), src->n_bits, ds_cstr(&b), dst->n_bits);
    ds_destroy(&a);
    ds_destroy(&b);
    return err;
}

/* True if the slice names a field source ("NXM_OF_ETH_SRC[]", "eth_src")
 * rather than a constant: OVS reads a field name there first. */
static bool is_field_source(const char *s, size_t n)
{
    return memchr(s, '[', n) || mf_from_name(s, n);
}

/* field=value, field[]=src[], or a bare field[]. */
static char *parse_match_spec(struct learn_state *st, const struct ap_item *it)
{
    const struct apctx *ctx = st->ctx;
    if (it->sep == ':' || it->sep == '(') {
        return ap_error(ctx, it->key, "learn: unknown keyword '%.*s'",
                        (int)it->key_len, it->key);
    }
    bool bracket = memchr(it->key, '[', it->key_len) != NULL;
    if (!bracket && !mf_from_name(it->key, it->key_len)) {
        return ap_error(ctx, it->key,
                        "learn: unknown keyword or field "
                        "'%.*s'",
                        (int)it->key_len, it->key);
    }
    char *err = NULL;
    struct learn_spec *spec = new_spec(st, it, &err);
    if (!spec) {
        return err;
    }
    err = ap_parse_subfield(ctx, it->key, it->key_len, &spec->dst);
    if (err) {
        return err;
    }
    spec->dst_type = LEARN_DST_MATCH;
    spec->n_bits = spec->dst.n_bits;
    err = check_learned_prereqs(st, it->key, spec->dst.field);
    if (err) {
        return err;
    }
    if (!it->value) {
        spec->src_type = LEARN_SRC_FIELD;
        spec->src = spec->dst;
        return NULL;
    }
    if (is_field_source(it->value, it->value_len)) {
        spec->src_type = LEARN_SRC_FIELD;
        err = ap_parse_subfield(ctx, it->value, it->value_len, &spec->src);
        if (!err && spec->src.n_bits != spec->dst.n_bits) {
            err = width_error(st, it->key, &spec->dst, &spec->src);
        }
        return err;
    }
    spec->src_type = LEARN_SRC_IMMEDIATE;
    err = parse_imm(st, it->value, it->value_len, &spec->dst, !bracket,
                    &spec->src_imm);
    if (!err) {
        /* Constants become part of the learned match, and satisfy the
         * prerequisites of the specs that follow. */
        union mf_value v, m;
        match_get_field(&st->template, spec->dst.field, &v, &m);
        mf_value_set_bits(&v, spec->dst.ofs, &spec->src_imm, 0, spec->n_bits);
        ap_set_ones(&m, spec->dst.ofs, spec->n_bits);
        match_set_field(&st->template, spec->dst.field, &v, &m);
    }
    return err;
}

/* load:SRC->DST */
static char *parse_load_spec(struct learn_state *st, const struct ap_item *it)
{
    const struct apctx *ctx = st->ctx;
    if (it->sep != ':' || !it->value_len) {
        return ap_error(ctx, it->key,
                        "learn: load needs "
                        "load:SOURCE->DESTINATION[]");
    }
    const char *end = it->value + it->value_len;
    const char *arrow = NULL;
    for (const char *p = it->value; p + 1 < end; p++) {
        if (p[0] == '-' && p[1] == '>') {
            arrow = p;
            break;
        }
    }
    if (it->sep != ':' || !arrow) {
        return ap_error(ctx, it->key,
                        "learn: load needs "
                        "load:SOURCE->DESTINATION[]");
    }
    char *err = NULL;
    struct learn_spec *spec = new_spec(st, it, &err);
    if (!spec) {
        return err;
    }
    spec->dst_type = LEARN_DST_LOAD;
    err = ap_parse_subfield(ctx, arrow + 2, (size_t)(end - arrow - 2),
                            &spec->dst);
    if (err) {
        return err;
    }
    spec->n_bits = spec->dst.n_bits;
    if (!spec->dst.field->writable) {
        return ap_error(ctx, arrow + 2,
                        "learn: %s is read-only: it "
                        "cannot be loaded",
                        spec->dst.field->name);
    }
    err = check_learned_prereqs(st, arrow + 2, spec->dst.field);
    if (err) {
        return err;
    }
    size_t n = (size_t)(arrow - it->value);
    if (is_field_source(it->value, n)) {
        spec->src_type = LEARN_SRC_FIELD;
        err = ap_parse_subfield(ctx, it->value, n, &spec->src);
        if (!err && spec->src.n_bits != spec->dst.n_bits) {
            err = width_error(st, it->value, &spec->src, &spec->dst);
        }
        return err;
    }
    spec->src_type = LEARN_SRC_IMMEDIATE;
    return parse_imm(st, it->value, n, &spec->dst, false, &spec->src_imm);
}

/* output:SRC[] */
static char *parse_output_spec(struct learn_state *st,
                               const struct ap_item *it)
{
    if (it->sep != ':') {
        return ap_error(st->ctx, it->key,
                        "learn: output needs "
                        "output:FIELD[]");
    }
    char *err = NULL;
    struct learn_spec *spec = new_spec(st, it, &err);
    if (!spec) {
        return err;
    }
    spec->dst_type = LEARN_DST_OUTPUT;
    spec->src_type = LEARN_SRC_FIELD;
    err = ap_parse_subfield(st->ctx, it->value, it->value_len, &spec->src);
    spec->n_bits = spec->src.n_bits;
    return err;
}

static char *parse_item(struct learn_state *st, const struct ap_item *it)
{
    const struct apctx *ctx = st->ctx;
    struct ofpact_learn *h = st->hdr;
    uint64_t x;
    char *err;
    static const struct {
        const char *name;
        size_t offset;
    } timeouts[] = {
        { "idle_timeout", offsetof(struct ofpact_learn, idle_timeout) },
        { "hard_timeout", offsetof(struct ofpact_learn, hard_timeout) },
        { "fin_idle_timeout",
          offsetof(struct ofpact_learn, fin_idle_timeout) },
        { "fin_hard_timeout",
          offsetof(struct ofpact_learn, fin_hard_timeout) },
        { "priority", offsetof(struct ofpact_learn, priority) },
    };
    for (size_t i = 0; i < ARRAY_SIZE(timeouts); i++) {
        if (ap_slice_eq(it->key, it->key_len, timeouts[i].name)) {
            err = learn_num(ctx, it, UINT16_MAX, &x);
            if (!err) {
                uint16_t v = (uint16_t)x;
                memcpy((uint8_t *)h + timeouts[i].offset, &v, sizeof v);
            }
            return err;
        }
    }
    if (ap_slice_eq(it->key, it->key_len, "table")) {
        err = learn_num(ctx, it, UINT64_MAX, &x);
        if (!err && x > OFPTT_MAX) {
            err = ap_error(ctx, it->value,
                           "learn: table=%.*s: table id "
                           "out of range (0-" OFPTT_MAX_STR ")",
                           (int)it->value_len, it->value);
        }
        if (!err) {
            h->table_id = (uint8_t)x;
        }
        return err;
    } else if (ap_slice_eq(it->key, it->key_len, "cookie")) {
        err = learn_num(ctx, it, UINT64_MAX, &x);
        if (!err) {
            h->cookie = x;
        }
        return err;
    } else if (ap_slice_eq(it->key, it->key_len, "send_flow_rem")
               || ap_slice_eq(it->key, it->key_len, "delete_learned")) {
        if (it->sep) {
            return ap_error(ctx, it->key, "learn: %.*s takes no value",
                            (int)it->key_len, it->key);
        }
        h->flags |=
            it->key[0] == 's' ? LEARN_F_SEND_FLOW_REM : LEARN_F_DELETE_LEARNED;
        return NULL;
    } else if (ap_slice_eq(it->key, it->key_len, "limit")) {
        err = learn_num(ctx, it, UINT32_MAX, &x);
        if (!err) {
            h->limit = (uint32_t)x;
        }
        return err;
    } else if (ap_slice_eq(it->key, it->key_len, "result_dst")) {
        return ap_error(ctx, it->key, "learn: %.*s is not supported",
                        (int)it->key_len, it->key);
    } else if (ap_slice_eq(it->key, it->key_len, "load")) {
        return parse_load_spec(st, it);
    } else if (ap_slice_eq(it->key, it->key_len, "output")) {
        return parse_output_spec(st, it);
    }
    return parse_match_spec(st, it);
}

char *learn_parse__(const struct apctx *ctx, const char *s, const char *end,
                    struct buf *out)
{
    struct learn_state *st = xzalloc(sizeof *st);
    st->ctx = ctx;
    st->hdr = xzalloc(sizeof *st->hdr);
    st->hdr->table_id = 1;
    st->hdr->priority = OFP_DEFAULT_PRIORITY;
    match_init_catchall(&st->template);

    struct ap_item it;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(ctx, &s, end, &it, &err))) {
        err = parse_item(st, &it);
        if (err) {
            break;
        }
    }
    if (!err) {
        size_t size = sizeof(struct ofpact_learn)
                      + st->n_specs * sizeof(struct learn_spec);
        size_t ofs = ap_put(out, OFPACT_LEARN, size);
        struct ofpact_learn *l = ap_at(out, ofs);
        struct ofpact hdr = l->ofpact;
        *l = *st->hdr;
        l->ofpact = hdr;
        l->n_specs = st->n_specs;
        memcpy(l->specs, st->specs, st->n_specs * sizeof *st->specs);
    }
    free(st->hdr);
    free(st);
    return err;
}

/* learn prints constants under OVS's own field names ("eth_type=0x800"),
 * which for these fields differ from the OpenFlow 1.0 names a match
 * prints; every one of them is also an accepted alias. */
static const char *learn_field_name(const struct mf_field *f)
{
    switch (f->id) {
    case MFF_DL_SRC:
        return "eth_src";
    case MFF_DL_DST:
        return "eth_dst";
    case MFF_DL_TYPE:
        return "eth_type";
    case MFF_NW_SRC:
        return "ip_src";
    case MFF_NW_DST:
        return "ip_dst";
    case MFF_TP_SRC:
        return "tcp_src";
    case MFF_TP_DST:
        return "tcp_dst";
    default:
        return f->name;
    }
}

void learn_format(const struct ofpact_learn *l, const struct portmap *ports,
                  struct ds *ds)
{
    ds_put_format(ds, "learn(table=%u", l->table_id);
    if (l->idle_timeout) {
        ds_put_format(ds, ",idle_timeout=%u", l->idle_timeout);
    }
    if (l->hard_timeout) {
        ds_put_format(ds, ",hard_timeout=%u", l->hard_timeout);
    }
    if (l->fin_idle_timeout) {
        ds_put_format(ds, ",fin_idle_timeout=%u", l->fin_idle_timeout);
    }
    if (l->fin_hard_timeout) {
        ds_put_format(ds, ",fin_hard_timeout=%u", l->fin_hard_timeout);
    }
    if (l->priority != OFP_DEFAULT_PRIORITY) {
        ds_put_format(ds, ",priority=%u", l->priority);
    }
    if (l->flags & LEARN_F_SEND_FLOW_REM) {
        ds_put_cstr(ds, ",send_flow_rem");
    }
    if (l->flags & LEARN_F_DELETE_LEARNED) {
        ds_put_cstr(ds, ",delete_learned");
    }
    if (l->cookie) {
        ds_put_format(ds, ",cookie=%#" PRIx64, l->cookie);
    }
    if (l->limit) {
        ds_put_format(ds, ",limit=%" PRIu32, l->limit);
    }
    for (unsigned i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        ds_put_char(ds, ',');
        switch (sp->dst_type) {
        case LEARN_DST_MATCH:
            if (sp->src_type == LEARN_SRC_IMMEDIATE) {
                if (sp->dst.n_bits == sp->dst.field->n_bits) {
                    const struct mf_field *f = sp->dst.field;
                    ds_put_format(ds, "%s=", learn_field_name(f));
                    if (f->format == MFF_FMT_HEX) {
                        ap_format_hex(&sp->src_imm, ds);
                    } else {
                        mf_format_value(f, &sp->src_imm, NULL, ports, ds);
                    }
                } else {
                    mf_format_subfield(&sp->dst, ds);
                    ds_put_char(ds, '=');
                    ap_format_hex(&sp->src_imm, ds);
                }
            } else {
                mf_format_subfield(&sp->dst, ds);
                if (sp->src.field != sp->dst.field
                    || sp->src.ofs != sp->dst.ofs) {
                    ds_put_char(ds, '=');
                    mf_format_subfield(&sp->src, ds);
                }
            }
            break;
        case LEARN_DST_LOAD:
            ds_put_cstr(ds, "load:");
            if (sp->src_type == LEARN_SRC_IMMEDIATE) {
                ap_format_hex(&sp->src_imm, ds);
            } else {
                mf_format_subfield(&sp->src, ds);
            }
            ds_put_cstr(ds, "->");
            mf_format_subfield(&sp->dst, ds);
            break;
        case LEARN_DST_OUTPUT:
            ds_put_cstr(ds, "output:");
            mf_format_subfield(&sp->src, ds);
            break;
        }
    }
    ds_put_char(ds, ')');
}

char *learn_check(const struct ofpact_learn *l, const struct match *match,
                  const char *subject)
{
    for (unsigned i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        if (sp->src_type != LEARN_SRC_FIELD) {
            continue;
        }
        char *err = ap_check_field_prereqs(sp->src.field, match);
        if (err) {
            char *msg = xasprintf("learn: reading %s is inconsistent with "
                                  "%s: %s",
                                  sp->src.field->name, subject, err);
            free(err);
            return msg;
        }
    }
    return NULL;
}

void learn_execute(const struct ofpact_learn *l, const struct flow *flow,
                   struct match *match, struct buf *actions)
{
    match_init_catchall(match);
    if (l->fin_idle_timeout || l->fin_hard_timeout) {
        /* As OVS: the learned flow shortens its own timeouts when its
         * connection closes. */
        size_t ofs = ap_put(actions, OFPACT_FIN_TIMEOUT,
                            sizeof(struct ofpact_fin_timeout));
        struct ofpact_fin_timeout *f = ap_at(actions, ofs);
        f->fin_idle_timeout = l->fin_idle_timeout;
        f->fin_hard_timeout = l->fin_hard_timeout;
    }
    for (unsigned i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        union mf_value x;
        if (sp->src_type == LEARN_SRC_FIELD) {
            mf_read_subfield(&sp->src, flow, &x);
        } else {
            x = sp->src_imm;
        }

        switch (sp->dst_type) {
        case LEARN_DST_MATCH: {
            union mf_value v, m;
            match_get_field(match, sp->dst.field, &v, &m);
            mf_value_set_bits(&v, sp->dst.ofs, &x, 0, sp->n_bits);
            ap_set_ones(&m, sp->dst.ofs, sp->n_bits);
            match_set_field(match, sp->dst.field, &v, &m);
            break;
        }
        case LEARN_DST_LOAD: {
            /* A learned load is a masked set_field over the subfield, so
             * it prints as "load:V->DST[...]" like the original. */
            size_t ofs = ap_put(actions, OFPACT_SET_FIELD,
                                sizeof(struct ofpact_set_field));
            struct ofpact_set_field *sf = ap_at(actions, ofs);
            sf->field = sp->dst.field;
            mf_value_set_bits(&sf->value, sp->dst.ofs, &x, 0, sp->n_bits);
            ap_set_ones(&sf->mask, sp->dst.ofs, sp->n_bits);
            break;
        }
        case LEARN_DST_OUTPUT: {
            /* A source wider than a port number (output:reg0[], which
             * OVS accepts) that holds no valid port learns no output. */
            uint64_t port = mf_value_to_u64(&x);
            if (port && port <= UINT16_MAX) {
                size_t ofs = ap_put(actions, OFPACT_OUTPUT,
                                    sizeof(struct ofpact_output));
                struct ofpact_output *o = ap_at(actions, ofs);
                o->port = (uint16_t)port;
            }
            break;
        }
        }
    }
}

void learn_key(const struct ofpact_learn *l, const struct flow *flow,
               struct flow *key)
{
    memset(key, 0, sizeof *key);
    for (unsigned i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        if (sp->dst_type != LEARN_DST_MATCH) {
            continue;
        }
        union mf_value x;
        if (sp->src_type == LEARN_SRC_FIELD) {
            mf_read_subfield(&sp->src, flow, &x);
        } else {
            x = sp->src_imm;
        }
        struct mf_subfield dst = sp->dst;
        dst.n_bits = sp->n_bits;
        mf_write_subfield(&dst, &x, key);
    }
}
