/* actions-parse: action text ("output:5,resubmit(,1)") to a flat list.
 *
 * One row per keyword says how to parse it; the row's function appends
 * at most one action.  Instructions (clear_actions, write_actions,
 * write_metadata, goto_table) follow the OpenFlow 1.1 order and may not
 * be nested, as ovs-ofctl demands.
 *
 * This file holds the keyword table, the dispatcher that enforces that
 * order and the nesting of clone()/write_actions(); the row functions
 * live in the actions-parse-*.c files, grouped by what they do, and the
 * argument helpers they share in actions-parse-args.c. */
#include "actions.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions-private.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

/* Nesting bound: clone(clone(...)) deeper than this is refused, which
 * bounds the recursion of parse, print and execute alike. */
#define AP_MAX_DEPTH 16

static const char *const rank_names[] = {
    "apply_actions",  "clear_actions", "write_actions",
    "write_metadata", "goto_table",
};

static char *parse_nest(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    bool clone = !strcmp(a->row->name, "clone");
    if (it->sep != '(') {
        return ap_error(a->ctx, it->key, "%.*s: expected %.*s(ACTIONS)",
                        (int)it->key_len, it->key, (int)it->key_len, it->key);
    }
    if (a->ctx->depth >= AP_MAX_DEPTH) {
        return ap_error(a->ctx, it->key, "%.*s: nested more than %d deep",
                        (int)it->key_len, it->key, AP_MAX_DEPTH);
    }
    size_t start = ap_put(a->out, clone ? OFPACT_CLONE : OFPACT_WRITE_ACTIONS,
                          sizeof(struct ofpact_nest));
    struct apctx inner = *a->ctx;
    inner.depth++;
    char *err =
        ofpacts_parse__(&inner, it->value, ap_val_end(it), a->out, true);
    if (err) {
        return err;
    }
    size_t len = a->out->size - start;
    if (len > UINT16_MAX - OFPACT_ALIGN) {
        return ap_error(a->ctx, it->key, "%.*s: nested actions too long",
                        (int)it->key_len, it->key);
    }
    struct ofpact *hdr = ap_at(a->out, start);
    hdr->len = (uint16_t)len;
    return NULL;
}

static const struct ap_row rows[] = {
    { "output", ap_parse_output, RANK_APPLY, ARG_REQUIRED },
    { "in_port", ap_parse_reserved, RANK_APPLY, ARG_NONE },
    { "normal", ap_parse_reserved, RANK_APPLY, ARG_NONE },
    { "flood", ap_parse_reserved, RANK_APPLY, ARG_NONE },
    { "all", ap_parse_reserved, RANK_APPLY, ARG_NONE },
    { "local", ap_parse_reserved, RANK_APPLY, ARG_NONE },
    { "controller", ap_parse_controller, RANK_APPLY, ARG_OPTIONAL },
    { "resubmit", ap_parse_resubmit, RANK_APPLY, ARG_REQUIRED },
    { "learn", ap_parse_learn, RANK_APPLY, ARG_REQUIRED },
    { "load", ap_parse_load, RANK_APPLY, ARG_REQUIRED },
    { "set_field", ap_parse_set_field, RANK_APPLY, ARG_REQUIRED },
    { "move", ap_parse_move, RANK_APPLY, ARG_REQUIRED },
    { "set_tunnel", ap_parse_set_tunnel, RANK_APPLY, ARG_REQUIRED },
    { "set_tunnel64", ap_parse_set_tunnel, RANK_APPLY, ARG_REQUIRED },
    { "mod_dl_src", ap_parse_mac, RANK_APPLY, ARG_REQUIRED },
    { "mod_dl_dst", ap_parse_mac, RANK_APPLY, ARG_REQUIRED },
    { "mod_vlan_vid", ap_parse_vlan_vid, RANK_APPLY, ARG_REQUIRED },
    { "mod_vlan_pcp", ap_parse_vlan_pcp, RANK_APPLY, ARG_REQUIRED },
    { "strip_vlan", ap_parse_null, RANK_APPLY, ARG_NONE },
    { "pop_vlan", ap_parse_null, RANK_APPLY, ARG_NONE },
    { "push_vlan", ap_parse_push_vlan, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_src", ap_parse_ipv4, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_dst", ap_parse_ipv4, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_tos", ap_parse_nw_tos, RANK_APPLY, ARG_REQUIRED },
    { "mod_tp_src", ap_parse_tp_port, RANK_APPLY, ARG_REQUIRED },
    { "mod_tp_dst", ap_parse_tp_port, RANK_APPLY, ARG_REQUIRED },
    { "dec_ttl", ap_parse_dec_ttl, RANK_APPLY, ARG_OPTIONAL },
    { "mod_nw_ttl", ap_parse_mod_nw, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_ecn", ap_parse_mod_nw, RANK_APPLY, ARG_REQUIRED },
    { "note", ap_parse_note, RANK_APPLY, ARG_OPTIONAL },
    { "fin_timeout", ap_parse_fin_timeout, RANK_APPLY, ARG_REQUIRED },
    { "exit", ap_parse_null, RANK_APPLY, ARG_NONE },
    { "clone", parse_nest, RANK_APPLY, ARG_REQUIRED },
    { "clear_actions", ap_parse_null, RANK_CLEAR, ARG_NONE },
    { "write_actions", parse_nest, RANK_WRITE_ACTIONS, ARG_REQUIRED },
    { "write_metadata", ap_parse_write_metadata, RANK_WRITE_METADATA,
      ARG_REQUIRED },
    { "goto_table", ap_parse_goto_table, RANK_GOTO, ARG_REQUIRED },
};

/* Actions OVS has and we deliberately do not carry out: refusing them by
 * name tells people it is a limitation, not a typo. */
static const char *const unsupported[] = {
    "enqueue",      "bundle",
    "bundle_load",  "multipath",
    "autopath",     "ct",
    "ct_clear",     "nat",
    "set_queue",    "pop_queue",
    "sample",       "conjunction",
    "group",        "meter",
    "push_mpls",    "pop_mpls",
    "dec_mpls_ttl", "set_mpls_label",
    "set_mpls_tc",  "set_mpls_ttl",
    "output_trunc", "check_pkt_larger",
    "encap",        "decap",
    "stack_push",   "stack_pop",
    "dec_nsh_ttl",  "set_field_ttl",
    "mod_vlan_tci", "strip_vlan_all",
    "debug_recirc", "debug_slow",
    "delete_field",
};

/* Action names are case-insensitive, as in OVS, so that the reserved
 * ports it prints in capitals ("CONTROLLER:65535") parse back. */
static const struct ap_row *find_row(const char *key, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        if (strlen(rows[i].name) == n && !strncasecmp(key, rows[i].name, n)) {
            return &rows[i];
        }
    }
    return NULL;
}

static char *parse_one(const struct apctx *ctx, const struct ap_item *it,
                       struct buf *out, bool nested, enum ap_rank *rank,
                       unsigned *seen)
{
    const struct ap_row *row = find_row(it->key, it->key_len);
    struct ap_arg a = { row, ctx, it, out, nested };
    if (!row) {
        for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++) {
            if (ap_slice_eq(it->key, it->key_len, unsupported[i])) {
                return ap_error(ctx, it->key, "action '%s' is not supported",
                                unsupported[i]);
            }
        }
        /* A bare port number or name is an output, as in OVS. */
        uint16_t port;
        char *name = xstrndup(it->key, it->key_len);
        bool is_port = !it->sep && port_parse(name, ctx->ports, &port);
        free(name);
        if (is_port) {
            return ap_output_port(&a, it->key, port);
        }
        return ap_error(ctx, it->key, "unknown action '%.*s'",
                        (int)it->key_len, it->key);
    }
    if (row->arg == ARG_NONE && it->sep) {
        return ap_error(ctx, it->key, "%s takes no argument", row->name);
    }
    if (row->arg == ARG_REQUIRED
        && (!it->value || (!it->value_len && it->sep != '('))) {
        return ap_error(ctx, it->key, "%s needs an argument", row->name);
    }
    if (row->rank != RANK_APPLY) {
        if (nested) {
            return ap_error(ctx, it->key,
                            "%s instruction not allowed "
                            "inside clone() or write_actions()",
                            row->name);
        }
        if (*seen & (1u << row->rank)) {
            return ap_error(ctx, it->key,
                            "instruction %s may be given "
                            "only once",
                            row->name);
        }
        if (row->rank < *rank) {
            return ap_error(ctx, it->key,
                            "invalid instruction ordering: "
                            "%s must appear before %s",
                            row->name, rank_names[*rank]);
        }
        *seen |= 1u << row->rank;
        *rank = row->rank;
    } else if (*rank != RANK_APPLY) {
        return ap_error(ctx, it->key,
                        "invalid instruction ordering: "
                        "apply_actions (here %s) must appear before %s",
                        row->name, rank_names[*rank]);
    }
    return row->parse(&a);
}

char *ofpacts_parse__(const struct apctx *ctx, const char *s, const char *end,
                      struct buf *out, bool nested)
{
    size_t start = out->size;
    enum ap_rank rank = RANK_APPLY;
    unsigned seen = 0;
    const char *drop = NULL;
    size_t n_items = 0;
    struct ap_item it;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(ctx, &s, end, &it, &err))) {
        n_items++;
        if (it.key_len == 4 && !strncasecmp(it.key, "drop", 4)) {
            if (it.sep) {
                err = ap_error(ctx, it.key, "drop takes no argument");
                break;
            }
            drop = it.key;
            continue;
        }
        err = parse_one(ctx, &it, out, nested, &rank, &seen);
        if (err) {
            break;
        }
    }
    if (!err && drop && n_items > 1) {
        err = ap_error(ctx, drop,
                       "\"drop\" must not be accompanied by any "
                       "other action or instruction");
    }
    if (err) {
        out->size = start;
    }
    return err;
}

char *ofpacts_parse(const char *s, const struct portmap *ports,
                    struct buf *out)
{
    struct apctx ctx = { s, ports, 0 };
    return ofpacts_parse__(&ctx, s, s + strlen(s), out, false);
}
