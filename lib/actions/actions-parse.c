/* actions-parse: action text ("output:5,resubmit(,1)") to a flat list.
 *
 * One row per keyword says how to parse it; the row's function appends
 * at most one action.  Instructions (clear_actions, write_actions,
 * write_metadata, goto_table) follow the OpenFlow 1.1 order and may not
 * be nested, as ovs-ofctl demands. */
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

/* One parsed item, with the context the row functions need. */
struct ap_row;
struct ap_arg {
    const struct ap_row *row;
    const struct apctx *ctx;
    const struct ap_item *item;
    struct buf *out;
    bool nested;
};

typedef char *ap_parse_fn(const struct ap_arg *);

/* Instruction ranks, in the order OpenFlow 1.1 requires. */
enum ap_rank {
    RANK_APPLY,
    RANK_CLEAR,
    RANK_WRITE_ACTIONS,
    RANK_WRITE_METADATA,
    RANK_GOTO,
};

static const char *const rank_names[] = {
    "apply_actions",  "clear_actions", "write_actions",
    "write_metadata", "goto_table",
};

struct ap_row {
    const char *name;
    ap_parse_fn *parse;
    enum ap_rank rank;
    enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL } arg;
};

/* Helpers. */

static const char *val_end(const struct ap_item *it)
{
    /* A bare key has a NULL value, and NULL + 0 is undefined. */
    return it->value_len ? it->value + it->value_len : it->value;
}

static char *val_dup(const struct ap_item *it)
{
    return xstrndup(it->value, it->value_len);
}

static char *bad_value(const struct ap_arg *a, const char *why)
{
    const struct ap_item *it = a->item;
    return ap_error(a->ctx, it->value, "%.*s: %.*s: %s", (int)it->key_len,
                    it->key, (int)it->value_len, it->value, why);
}

static char *parse_num(const struct ap_arg *a, uint64_t max, uint64_t *x,
                       const char *why)
{
    if (!ap_parse_u64(a->item->value, a->item->value_len, max, x)) {
        return bad_value(a, why);
    }
    return NULL;
}

/* Parses a value with the syntax of registry field 'id' (MAC, IPv4...)
 * without a mask. */
static char *parse_field_value(const struct ap_arg *a, enum mf_id id,
                               union mf_value *v)
{
    const struct mf_field *f = mf_from_id(id);
    union mf_value mask;
    char *s = val_dup(a->item);
    char *err = mf_parse_value(f, s, a->ctx->ports, v, &mask);
    free(s);
    if (err) {
        return ap_wrap(a->ctx, a->item->value, err,
                       "%.*s: ", (int)a->item->key_len, a->item->key);
    }
    if (!mf_value_is_all_ones(&mask, f->n_bits)) {
        return bad_value(a, "a mask is not allowed here");
    }
    return NULL;
}

static void put_output(struct buf *out, uint16_t port)
{
    size_t ofs = ap_put(out, OFPACT_OUTPUT, sizeof(struct ofpact_output));
    struct ofpact_output *o = ap_at(out, ofs);
    o->port = port;
}

static void put_controller(struct buf *out, uint16_t max_len, uint8_t reason)
{
    size_t ofs =
        ap_put(out, OFPACT_CONTROLLER, sizeof(struct ofpact_controller));
    struct ofpact_controller *c = ap_at(out, ofs);
    c->max_len = max_len;
    c->reason = reason;
}

/* Appends an output to 'port' (already parsed), turning the reserved
 * ports that are really other actions into those actions. */
static char *output_port(const struct ap_arg *a, const char *at, uint16_t port)
{
    if (port == OFPP_CONTROLLER) {
        put_controller(a->out, UINT16_MAX, 1);
    } else if (port == OFPP_NONE || port == OFPP_UNSET || port == OFPP_TABLE) {
        return ap_error(a->ctx, at, "output to port %s is not supported",
                        port_reserved_name(port) ? port_reserved_name(port)
                                                 : "NONE");
    } else {
        put_output(a->out, port);
    }
    return NULL;
}

/* Row functions. */

/* The smallest max_len OVS takes: an Ethernet header. */
#define OUTPUT_TRUNC_MIN 14

/* output(port=P,max_len=N), in either order: output at most N bytes. */
static char *parse_output_trunc(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *s = it->value;
    const char *port_at = NULL;
    uint16_t port = 0;
    uint64_t max_len = 0;
    bool have_len = false;
    struct ap_item sub;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(a->ctx, &s, val_end(it), &sub, &err))) {
        if (ap_slice_eq(sub.key, sub.key_len, "port") && sub.value) {
            char *name = xstrndup(sub.value, sub.value_len);
            bool ok = port_parse(name, a->ctx->ports, &port);
            free(name);
            if (!ok) {
                return ap_error(a->ctx, sub.value,
                                "output: port=%.*s: "
                                "unknown port",
                                (int)sub.value_len, sub.value);
            }
            port_at = sub.value;
        } else if (ap_slice_eq(sub.key, sub.key_len, "max_len") && sub.value) {
            if (!ap_parse_u64(sub.value, sub.value_len, UINT32_MAX,
                              &max_len)) {
                return ap_error(a->ctx, sub.value,
                                "output: max_len=%.*s: "
                                "expected a number from %d to %" PRIu32,
                                (int)sub.value_len, sub.value,
                                OUTPUT_TRUNC_MIN, UINT32_MAX);
            }
            if (max_len < OUTPUT_TRUNC_MIN) {
                return ap_error(a->ctx, sub.value,
                                "output: max_len %" PRIu64
                                " is less than the minimum value %d",
                                max_len, OUTPUT_TRUNC_MIN);
            }
            have_len = true;
        } else {
            return ap_error(a->ctx, sub.key,
                            "output: invalid key '%.*s' "
                            "(expected port= and max_len=)",
                            (int)sub.key_len, sub.key);
        }
    }
    if (r > 0) {
        return err;
    }
    if (!port_at || !have_len) {
        return ap_error(a->ctx, it->key,
                        "output(...) needs both port= and "
                        "max_len=");
    }
    switch (port) {
    case OFPP_NORMAL:
    case OFPP_FLOOD:
    case OFPP_ALL:
    case OFPP_CONTROLLER:
    case OFPP_TABLE:
    case OFPP_NONE:
    case OFPP_UNSET:
        return ap_error(a->ctx, port_at,
                        "output: cannot truncate output "
                        "to port %s",
                        port_reserved_name(port) ? port_reserved_name(port)
                                                 : "NONE");
    default:
        break;
    }
    size_t ofs = ap_put(a->out, OFPACT_OUTPUT, sizeof(struct ofpact_output));
    struct ofpact_output *o = ap_at(a->out, ofs);
    o->port = port;
    o->max_len = (uint32_t)max_len;
    return NULL;
}

/* True if the slice is a field or subfield rather than a port. */
static bool is_output_field(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (memchr(it->value, '[', it->value_len)) {
        return true;
    }
    char *s = val_dup(it);
    uint16_t port;
    bool field = !port_parse(s, a->ctx->ports, &port)
                 && mf_from_name(it->value, it->value_len);
    free(s);
    return field;
}

static char *parse_output(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep == '(') {
        return parse_output_trunc(a);
    }
    if (is_output_field(a)) {
        struct mf_subfield sf;
        char *err = ap_parse_subfield(a->ctx, it->value, it->value_len, &sf);
        if (err) {
            return err;
        }
        size_t ofs = ap_put(a->out, OFPACT_OUTPUT_REG,
                            sizeof(struct ofpact_output_reg));
        struct ofpact_output_reg *o = ap_at(a->out, ofs);
        o->src = sf;
        return NULL;
    }
    char *s = val_dup(it);
    uint16_t port;
    bool ok = port_parse(s, a->ctx->ports, &port);
    free(s);
    if (!ok) {
        return bad_value(a, "unknown port (expected a number 1-65279, a "
                            "port name, or a subfield such as "
                            "NXM_NX_REG0[0..15])");
    }
    return output_port(a, it->value, port);
}

static char *parse_reserved(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    char name[16];
    snprintf(name, sizeof name, "%.*s", (int)it->key_len, it->key);
    uint16_t port;
    if (!port_parse(name, NULL, &port)) {
        return ap_error(a->ctx, it->key, "%s: unknown reserved port", name);
    }
    return output_port(a, it->key, port);
}

static char *parse_controller(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint64_t x;
    if (!it->value) {
        put_controller(a->out, UINT16_MAX, 1);
        return NULL;
    }
    if (it->sep != '(') {
        char *err =
            parse_num(a, UINT16_MAX, &x, "invalid max_len (expected 0-65535)");
        if (!err) {
            put_controller(a->out, (uint16_t)x, 1);
        }
        return err;
    }
    uint16_t max_len = UINT16_MAX;
    uint8_t reason = 1;
    const char *s = it->value;
    struct ap_item sub;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(a->ctx, &s, val_end(it), &sub, &err))) {
        if (ap_slice_eq(sub.key, sub.key_len, "max_len") && sub.value) {
            if (!ap_parse_u64(sub.value, sub.value_len, UINT16_MAX, &x)) {
                return ap_error(a->ctx, sub.value,
                                "controller: max_len=%.*s:"
                                " expected 0-65535",
                                (int)sub.value_len, sub.value);
            }
            max_len = (uint16_t)x;
        } else if (ap_slice_eq(sub.key, sub.key_len, "reason") && sub.value) {
            if (!ofp_packet_in_reason_parse(sub.value, sub.value_len,
                                            &reason)) {
                return ap_error(a->ctx, sub.value,
                                "controller: reason=%.*s:"
                                " expected no_match, action or invalid_ttl",
                                (int)sub.value_len, sub.value);
            }
        } else if (ap_slice_eq(sub.key, sub.key_len, "id")
                   || ap_slice_eq(sub.key, sub.key_len, "userdata")
                   || ap_slice_eq(sub.key, sub.key_len, "pause")
                   || ap_slice_eq(sub.key, sub.key_len, "meter_id")) {
            return ap_error(a->ctx, sub.key,
                            "controller: option '%.*s' is "
                            "not supported",
                            (int)sub.key_len, sub.key);
        } else {
            return ap_error(a->ctx, sub.key,
                            "controller: unknown option "
                            "'%.*s' (expected reason= or max_len=)",
                            (int)sub.key_len, sub.key);
        }
    }
    if (r > 0) {
        return err;
    }
    put_controller(a->out, max_len, reason);
    return NULL;
}

static char *parse_resubmit_table(const struct apctx *ctx, const char *s,
                                  size_t n, uint8_t *table)
{
    uint64_t x;
    if (!ap_parse_u64(s, n, UINT64_MAX, &x)) {
        return ap_error(ctx, s, "resubmit: table %.*s: not a number", (int)n,
                        s);
    }
    if (x > OFPTT_MAX) {
        return ap_error(ctx, s,
                        "resubmit: table=%.*s: table id out of "
                        "range (0-" OFPTT_MAX_STR ")",
                        (int)n, s);
    }
    *table = (uint8_t)x;
    return NULL;
}

static char *parse_resubmit_port(const struct apctx *ctx, const char *s,
                                 size_t n, uint16_t *port)
{
    char *copy = xstrndup(s, n);
    bool ok = port_parse(copy, ctx->ports, port);
    free(copy);
    if (!ok || *port == OFPP_NONE) {
        return ap_error(ctx, s, "resubmit: %.*s: unknown port", (int)n, s);
    }
    return NULL;
}

static char *parse_resubmit(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint16_t port = OFPP_IN_PORT;
    uint8_t table = 255;
    char *err;
    if (it->sep != '(') {
        err = parse_resubmit_port(a->ctx, it->value, it->value_len, &port);
    } else {
        const char *comma = memchr(it->value, ',', it->value_len);
        const char *e = val_end(it);
        const char *pe = comma ? comma : e;
        err = NULL;
        if (pe > it->value) {
            err = parse_resubmit_port(a->ctx, it->value,
                                      (size_t)(pe - it->value), &port);
        }
        if (!err && comma) {
            const char *t = comma + 1;
            const char *c2 = memchr(t, ',', (size_t)(e - t));
            if (c2) {
                return ap_error(a->ctx, c2 + 1,
                                "resubmit: %.*s: unknown "
                                "parameter (ct is not supported)",
                                (int)(e - c2 - 1), c2 + 1);
            }
            if (e > t) {
                err = parse_resubmit_table(a->ctx, t, (size_t)(e - t), &table);
            }
        }
        if (!err && port == OFPP_IN_PORT && table == 255) {
            return ap_error(a->ctx, it->key,
                            "resubmit: at least one of "
                            "in_port and table must be given");
        }
    }
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_RESUBMIT, sizeof(struct ofpact_resubmit));
    struct ofpact_resubmit *r = ap_at(a->out, ofs);
    r->in_port = port;
    r->table_id = table;
    return NULL;
}

static char *parse_learn(const struct ap_arg *a)
{
    if (a->item->sep != '(') {
        return ap_error(a->ctx, a->item->key, "learn: expected learn(...)");
    }
    return learn_parse__(a->ctx, a->item->value, val_end(a->item), a->out);
}

/* Splits "X->Y" of the item's value. */
static char *split_arrow(const struct ap_arg *a, const char **arrow)
{
    const struct ap_item *it = a->item;
    for (const char *p = it->value; p + 1 < val_end(it); p++) {
        if (p[0] == '-' && p[1] == '>') {
            *arrow = p;
            return NULL;
        }
    }
    return bad_value(a, "expected SOURCE->DESTINATION");
}

static void put_set_field__(struct buf *out, const struct mf_field *f,
                            const union mf_value *v, const union mf_value *m,
                            uint8_t raw)
{
    size_t ofs =
        ap_put(out, OFPACT_SET_FIELD, sizeof(struct ofpact_set_field));
    struct ofpact_set_field *sf = ap_at(out, ofs);
    sf->ofpact.raw = raw;
    sf->field = f;
    for (int i = 0; i < 16; i++) {
        sf->value.b[i] = v->b[i] & m->b[i];
    }
    sf->mask = *m;
}

/* Appends the write of 'v' under mask 'm' to 'f' as OVS encodes it for
 * OpenFlow 1.0 (and so prints it): one load per run of consecutive mask
 * bits, lowest first, each at most 64 bits wide (the width of a load's
 * value).  A mask with holes, or a write wider than 64 bits, becomes
 * several actions here already, so that what we print parses back to
 * the same list. */
/* The bits of the 128-bit mask (lo, hi) from bit 'i' up, at most 64 and
 * none at or above 'end', with bit i as bit 0. */
static uint64_t mask_bits_at(uint64_t lo, uint64_t hi, unsigned i,
                             unsigned end)
{
    uint64_t w;
    if (i >= 128) {
        return 0;
    } else if (i >= 64) {
        w = hi >> (i - 64);
    } else if (i == 0) {
        w = lo;
    } else {
        w = (lo >> i) | (hi << (64 - i));
    }
    unsigned n = end - i;
    return n >= 64 ? w : w & ((UINT64_C(1) << n) - 1);
}

static void put_set_field(struct buf *out, const struct mf_field *f,
                          const union mf_value *v, const union mf_value *m,
                          uint8_t raw)
{
    /* Every load parses through here: find the runs a word at a time
     * (bits 0-63 are be64[1], 64-127 be64[0]). */
    uint64_t lo = be64toh(m->be64[1]), hi = be64toh(m->be64[0]);
    unsigned bits = f->n_bits < 128 ? f->n_bits : 128;
    unsigned i = 0;
    while (i < bits) {
        uint64_t w = mask_bits_at(lo, hi, i, bits);
        if (!w) {
            i += 64; /* No run starts in this window. */
            continue;
        }
        i += (unsigned)__builtin_ctzll(w);
        w = mask_bits_at(lo, hi, i, bits);
        unsigned n = ~w ? (unsigned)__builtin_ctzll(~w) : 64;
        union mf_value run;
        memset(&run, 0, sizeof run);
        ap_set_ones(&run, i, n);
        put_set_field__(out, f, v, &run, raw);
        i += n;
    }
}

static char *check_writable(const struct apctx *ctx, const char *at,
                            const struct mf_field *f)
{
    if (!f->writable) {
        return ap_error(ctx, at, "%s is read-only: it cannot be written",
                        f->name);
    }
    return NULL;
}

static char *parse_load(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *arrow = NULL;
    char *err = split_arrow(a, &arrow);
    if (err) {
        return err;
    }
    struct mf_subfield dst;
    err = ap_parse_subfield(a->ctx, arrow + 2,
                            (size_t)(val_end(it) - arrow - 2), &dst);
    if (err) {
        return err;
    }
    err = check_writable(a->ctx, arrow + 2, dst.field);
    if (err) {
        return err;
    }
    union mf_value v;
    size_t vlen = (size_t)(arrow - it->value);
    if (!ap_parse_uint(it->value, vlen, &v)) {
        return ap_error(a->ctx, it->value, "load: %.*s: not a number",
                        (int)vlen, it->value);
    }
    if (!ap_fits(&v, dst.n_bits)) {
        return ap_error(a->ctx, it->value,
                        "load: value %.*s does not fit "
                        "into %u bits",
                        (int)vlen, it->value, dst.n_bits);
    }
    union mf_value value, mask;
    memset(&value, 0, sizeof value);
    memset(&mask, 0, sizeof mask);
    mf_value_set_bits(&value, dst.ofs, &v, 0, dst.n_bits);
    ap_set_ones(&mask, dst.ofs, dst.n_bits);
    put_set_field(a->out, dst.field, &value, &mask, OFPACT_RAW_LOAD);
    return NULL;
}

static char *parse_set_field(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *arrow = NULL;
    char *err = split_arrow(a, &arrow);
    if (err) {
        return err;
    }
    const char *name = arrow + 2;
    size_t n = (size_t)(val_end(it) - name);
    const struct mf_field *f = n ? mf_from_field_name(name, n) : NULL;
    if (!f) {
        return ap_error(a->ctx, name, "set_field: %.*s: unknown field", (int)n,
                        name);
    }
    err = check_writable(a->ctx, name, f);
    if (err) {
        return err;
    }
    union mf_value v, m;
    char *s = xstrndup(it->value, (size_t)(arrow - it->value));
    err = mf_parse_value(f, s, a->ctx->ports, &v, &m);
    free(s);
    if (err) {
        return ap_wrap(a->ctx, it->value, err, "set_field: ");
    }
    if (mf_value_is_zero(&m)) {
        return ap_error(a->ctx, it->value,
                        "set_field: an all-zero mask "
                        "writes nothing");
    }
    /* A whole-field write of a field with its own OpenFlow 1.0 action is
     * that action, which is how ovs-ofctl shows it. */
    if (mf_value_is_all_ones(&m, f->n_bits)) {
        enum ofpact_type t = N_OFPACTS;
        switch (f->id) {
        case MFF_DL_SRC:
        case MFF_DL_DST: {
            t = f->id == MFF_DL_SRC ? OFPACT_SET_ETH_SRC : OFPACT_SET_ETH_DST;
            size_t ofs = ap_put(a->out, t, sizeof(struct ofpact_mac));
            struct ofpact_mac *mac = ap_at(a->out, ofs);
            memcpy(mac->mac, &v.b[10], 6);
            return NULL;
        }
        case MFF_NW_SRC:
        case MFF_NW_DST: {
            t = f->id == MFF_NW_SRC ? OFPACT_SET_IPV4_SRC
                                    : OFPACT_SET_IPV4_DST;
            size_t ofs = ap_put(a->out, t, sizeof(struct ofpact_ipv4));
            struct ofpact_ipv4 *ip = ap_at(a->out, ofs);
            ip->ipv4 = (uint32_t)mf_value_to_u64(&v);
            return NULL;
        }
        case MFF_VLAN_VID:
        case MFF_DL_VLAN: {
            size_t ofs = ap_put(a->out, OFPACT_SET_VLAN_VID,
                                sizeof(struct ofpact_vlan_vid));
            struct ofpact_vlan_vid *vid = ap_at(a->out, ofs);
            vid->vid = (uint16_t)(mf_value_to_u64(&v) & VLAN_VID_MASK);
            vid->push_if_absent = true;
            vid->ofpact.raw = OFPACT_RAW_SET_FIELD; /* Needs a tag. */
            return NULL;
        }
        case MFF_VLAN_TCI: {
            /* The whole TCI: no tag is strip_vlan, a tag is its VID and
             * PCP, as OVS carries it in OpenFlow 1.0. */
            uint64_t tci = mf_value_to_u64(&v);
            if (!(tci & VLAN_CFI)) {
                ap_put(a->out, OFPACT_STRIP_VLAN, sizeof(struct ofpact_null));
                return NULL;
            }
            size_t ofs = ap_put(a->out, OFPACT_SET_VLAN_VID,
                                sizeof(struct ofpact_vlan_vid));
            struct ofpact_vlan_vid *vid = ap_at(a->out, ofs);
            vid->vid = (uint16_t)(tci & VLAN_VID_MASK);
            vid->push_if_absent = true;
            ofs = ap_put(a->out, OFPACT_SET_VLAN_PCP,
                         sizeof(struct ofpact_vlan_pcp));
            struct ofpact_vlan_pcp *pcp = ap_at(a->out, ofs);
            pcp->pcp = (uint8_t)(tci >> VLAN_PCP_SHIFT);
            pcp->push_if_absent = true;
            return NULL;
        }
        case MFF_DL_VLAN_PCP: {
            size_t ofs = ap_put(a->out, OFPACT_SET_VLAN_PCP,
                                sizeof(struct ofpact_vlan_pcp));
            struct ofpact_vlan_pcp *pcp = ap_at(a->out, ofs);
            pcp->pcp = (uint8_t)mf_value_to_u64(&v);
            pcp->push_if_absent = true;
            pcp->ofpact.raw = OFPACT_RAW_SET_FIELD; /* Needs a tag. */
            return NULL;
        }
        case MFF_NW_TOS:
        case MFF_IP_DSCP: {
            size_t ofs =
                ap_put(a->out, OFPACT_SET_IP_DSCP, sizeof(struct ofpact_dscp));
            struct ofpact_dscp *d = ap_at(a->out, ofs);
            uint64_t x = mf_value_to_u64(&v);
            d->dscp = (uint8_t)(f->id == MFF_IP_DSCP ? x << 2 : x);
            d->ofpact.raw = f->id == MFF_NW_TOS ? OFPACT_RAW_SF_NW_TOS
                                                : OFPACT_RAW_MOD_NW_TOS;
            return NULL;
        }
        case MFF_TP_SRC:
        case MFF_TP_DST: {
            t = f->id == MFF_TP_SRC ? OFPACT_SET_L4_SRC_PORT
                                    : OFPACT_SET_L4_DST_PORT;
            size_t ofs = ap_put(a->out, t, sizeof(struct ofpact_l4_port));
            struct ofpact_l4_port *p = ap_at(a->out, ofs);
            p->port = (uint16_t)mf_value_to_u64(&v);
            /* set_field names the protocol (tp_src is TCP's, as in
             * OVS); ofpacts_check() holds the match to it. */
            p->ofpact.raw = name[0] == 'u'   ? IPPROTO_UDP_
                            : name[0] == 's' ? IPPROTO_SCTP_
                                             : IPPROTO_TCP_;
            return NULL;
        }
        default:
            break;
        }
    }
    put_set_field(a->out, f, &v, &m, OFPACT_RAW_SET_FIELD);
    return NULL;
}

static char *parse_move(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *arrow = NULL;
    char *err = split_arrow(a, &arrow);
    if (err) {
        return err;
    }
    struct mf_subfield src, dst;
    err = ap_parse_subfield(a->ctx, it->value, (size_t)(arrow - it->value),
                            &src);
    if (!err) {
        err = ap_parse_subfield(a->ctx, arrow + 2,
                                (size_t)(val_end(it) - arrow - 2), &dst);
    }
    if (!err) {
        err = check_writable(a->ctx, arrow + 2, dst.field);
    }
    if (!err && src.n_bits != dst.n_bits) {
        err = ap_error(a->ctx, it->value,
                       "move: source is %u bits wide "
                       "but destination is %u bits wide",
                       src.n_bits, dst.n_bits);
    }
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_REG_MOVE, sizeof(struct ofpact_reg_move));
    struct ofpact_reg_move *m = ap_at(a->out, ofs);
    m->src = src;
    m->dst = dst;
    return NULL;
}

static char *parse_set_tunnel(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, UINT64_MAX, &x, "not a tunnel id");
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_SET_TUNNEL, sizeof(struct ofpact_tunnel));
    struct ofpact_tunnel *t = ap_at(a->out, ofs);
    t->tun_id = x;
    /* The 32-bit form cannot carry a wider id: OVS switches to the
     * 64-bit form, and so do we. */
    t->ofpact.raw = !strcmp(a->row->name, "set_tunnel64") || x > UINT32_MAX;
    return NULL;
}

static char *parse_mac(const struct ap_arg *a)
{
    union mf_value v;
    char *err = parse_field_value(a, MFF_DL_SRC, &v);
    if (err) {
        return err;
    }
    bool src = !strcmp(a->row->name, "mod_dl_src");
    size_t ofs = ap_put(a->out, src ? OFPACT_SET_ETH_SRC : OFPACT_SET_ETH_DST,
                        sizeof(struct ofpact_mac));
    struct ofpact_mac *m = ap_at(a->out, ofs);
    memcpy(m->mac, &v.b[10], 6);
    return NULL;
}

static char *parse_ipv4(const struct ap_arg *a)
{
    union mf_value v;
    char *err = parse_field_value(a, MFF_NW_SRC, &v);
    if (err) {
        return err;
    }
    bool src = !strcmp(a->row->name, "mod_nw_src");
    size_t ofs =
        ap_put(a->out, src ? OFPACT_SET_IPV4_SRC : OFPACT_SET_IPV4_DST,
               sizeof(struct ofpact_ipv4));
    struct ofpact_ipv4 *ip = ap_at(a->out, ofs);
    ip->ipv4 = (uint32_t)mf_value_to_u64(&v);
    return NULL;
}

static char *parse_vlan_vid(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, 4095, &x, "not a valid VLAN VID (0-4095)");
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_SET_VLAN_VID, sizeof(struct ofpact_vlan_vid));
    struct ofpact_vlan_vid *v = ap_at(a->out, ofs);
    v->vid = (uint16_t)x;
    v->push_if_absent = true;
    return NULL;
}

static char *parse_vlan_pcp(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, 7, &x, "not a valid VLAN PCP (0-7)");
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_SET_VLAN_PCP, sizeof(struct ofpact_vlan_pcp));
    struct ofpact_vlan_pcp *v = ap_at(a->out, ofs);
    v->pcp = (uint8_t)x;
    v->push_if_absent = true;
    return NULL;
}

static char *parse_push_vlan(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, UINT16_MAX, &x, "not a number");
    if (err) {
        return err;
    }
    if (x != ETH_TYPE_VLAN && x != ETH_TYPE_VLAN_8021AD) {
        return bad_value(a, "not a valid VLAN ethertype (expected 0x8100 "
                            "or 0x88a8)");
    }
    size_t ofs =
        ap_put(a->out, OFPACT_PUSH_VLAN, sizeof(struct ofpact_push_vlan));
    struct ofpact_push_vlan *p = ap_at(a->out, ofs);
    p->ethertype = (uint16_t)x;
    return NULL;
}

static char *parse_nw_tos(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, 255, &x, "not a valid TOS (0-255)");
    if (err) {
        return err;
    }
    if (x & 3) {
        return bad_value(a, "not a valid TOS: the low 2 bits (ECN) must be "
                            "zero");
    }
    size_t ofs =
        ap_put(a->out, OFPACT_SET_IP_DSCP, sizeof(struct ofpact_dscp));
    struct ofpact_dscp *d = ap_at(a->out, ofs);
    d->dscp = (uint8_t)x;
    return NULL;
}

static char *parse_tp_port(const struct ap_arg *a)
{
    uint64_t x;
    char *err = parse_num(a, UINT16_MAX, &x, "not a valid port (0-65535)");
    if (err) {
        return err;
    }
    bool src = !strcmp(a->row->name, "mod_tp_src");
    size_t ofs =
        ap_put(a->out, src ? OFPACT_SET_L4_SRC_PORT : OFPACT_SET_L4_DST_PORT,
               sizeof(struct ofpact_l4_port));
    struct ofpact_l4_port *p = ap_at(a->out, ofs);
    p->port = (uint16_t)x;
    return NULL;
}

static char *parse_null(const struct ap_arg *a)
{
    static const struct {
        const char *name;
        enum ofpact_type type;
    } nulls[] = {
        { "strip_vlan", OFPACT_STRIP_VLAN },
        { "pop_vlan", OFPACT_STRIP_VLAN },
        { "exit", OFPACT_EXIT },
        { "clear_actions", OFPACT_CLEAR_ACTIONS },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nulls); i++) {
        if (!strcmp(a->row->name, nulls[i].name)) {
            ap_put(a->out, nulls[i].type, sizeof(struct ofpact_null));
            return NULL;
        }
    }
    return ap_error(a->ctx, a->item->key, "internal: no null action");
}

/* dec_ttl or dec_ttl(ID ...): decimal controller ids, comma or space
 * separated. */
static char *parse_dec_ttl(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep && it->sep != '(') {
        return ap_error(a->ctx, it->key,
                        "dec_ttl takes no argument (for "
                        "controller ids: dec_ttl(ID,...))");
    }
    size_t ofs = ap_put(a->out, OFPACT_DEC_TTL, sizeof(struct ofpact_dec_ttl));
    if (it->sep != '(') {
        return NULL;
    }
    uint16_t ids[DEC_TTL_MAX_IDS];
    size_t n = 0;
    const char *p = it->value, *end = val_end(it);
    while (p < end) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        size_t len = strspn(p, "0123456789");
        if (len > (size_t)(end - p)) {
            len = (size_t)(end - p);
        }
        const char *next = p + len;
        uint64_t x;
        if (!len || (next < end && *next != ',' && *next != ' ')
            || !ap_parse_u64(p, len, UINT16_MAX, &x)) {
            size_t bad = strcspn(p, ", )");
            return ap_error(a->ctx, p,
                            "dec_ttl: %.*s: not a controller "
                            "id (expected a decimal number 0-65535)",
                            (int)SW_MIN(bad, (size_t)(end - p)), p);
        }
        if (n == DEC_TTL_MAX_IDS) {
            return ap_error(a->ctx, p,
                            "dec_ttl: more than %d controller "
                            "ids",
                            DEC_TTL_MAX_IDS);
        }
        ids[n++] = (uint16_t)x;
        p = next;
    }
    struct ofpact_dec_ttl *d = ap_at(a->out, ofs);
    d->n_ids = (uint16_t)n;
    memcpy(d->ids, ids, n * sizeof ids[0]);
    return NULL;
}

/* fin_timeout(idle_timeout=S,hard_timeout=S), either or both. */
static char *parse_fin_timeout(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep != '(') {
        return ap_error(a->ctx, it->key,
                        "fin_timeout needs "
                        "(idle_timeout=S,hard_timeout=S)");
    }
    uint16_t idle = 0, hard = 0;
    const char *p = it->value, *end = val_end(it);
    while (p < end) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        size_t len = 0;
        while (p + len < end && p[len] != ',' && p[len] != ' ') {
            len++;
        }
        const char *eq = memchr(p, '=', len);
        uint64_t x;
        uint16_t *dst = NULL;
        if (eq && ap_slice_eq(p, (size_t)(eq - p), "idle_timeout")) {
            dst = &idle;
        } else if (eq && ap_slice_eq(p, (size_t)(eq - p), "hard_timeout")) {
            dst = &hard;
        }
        if (!dst) {
            return ap_error(a->ctx, p,
                            "fin_timeout: %.*s: expected "
                            "idle_timeout=S or hard_timeout=S",
                            (int)len, p);
        }
        if (!ap_parse_u64(eq + 1, (size_t)(p + len - eq - 1), UINT16_MAX,
                          &x)) {
            return ap_error(a->ctx, eq + 1,
                            "fin_timeout: %.*s: expected "
                            "seconds (0-65535)",
                            (int)len, p);
        }
        *dst = (uint16_t)x;
        p += len;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_FIN_TIMEOUT, sizeof(struct ofpact_fin_timeout));
    struct ofpact_fin_timeout *f = ap_at(a->out, ofs);
    f->fin_idle_timeout = idle;
    f->fin_hard_timeout = hard;
    return NULL;
}

/* mod_nw_ttl:TTL and mod_nw_ecn:ECN write those fields: set_field on the
 * field, which is how OVS carries them in OpenFlow 1.0 (and prints them:
 * load:0x40->NXM_NX_IP_TTL[]). */
static char *parse_mod_nw(const struct ap_arg *a)
{
    bool ttl = !strcmp(a->row->name, "mod_nw_ttl");
    uint64_t x;
    char *err =
        parse_num(a, ttl ? 255 : 3, &x,
                  ttl ? "not a valid TTL (0-255)" : "not a valid ECN (0-3)");
    if (err) {
        return err;
    }
    const struct mf_field *f = mf_from_id(ttl ? MFF_NW_TTL : MFF_NW_ECN);
    union mf_value v, m;
    mf_value_from_u64(&v, x);
    memset(&m, 0, sizeof m);
    ap_set_ones(&m, 0, f->n_bits);
    put_set_field(a->out, f, &v, &m,
                  ttl ? OFPACT_RAW_MOD_NW_TTL : OFPACT_RAW_SET_FIELD);
    return NULL;
}

static char *parse_note(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint8_t bytes[4096];
    size_t n = 0;
    const char *p = it->value;
    while (p < val_end(it)) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (p + 1 >= val_end(it) || ap_hex_digit(p[0]) < 0
            || ap_hex_digit(p[1]) < 0) {
            return ap_error(a->ctx, p,
                            "note: bad hex digit (expected hex "
                            "byte pairs such as 01.02.0a)");
        }
        if (n >= sizeof bytes - 8) {
            return ap_error(a->ctx, p, "note: too long");
        }
        bytes[n++] = (uint8_t)(ap_hex_digit(p[0]) << 4 | ap_hex_digit(p[1]));
        p += 2;
    }
    /* OpenFlow carries a note in an action padded to 8 bytes after its
     * 10-byte header; OVS shows the padding as zero bytes, and so does
     * our printer once the note is stored padded the same way. */
    size_t padded = ROUND_UP(n + 10, 8) - 10;
    memset(bytes + n, 0, padded - n);
    size_t ofs =
        ap_put(a->out, OFPACT_NOTE, sizeof(struct ofpact_note) + padded);
    struct ofpact_note *note = ap_at(a->out, ofs);
    note->length = (uint16_t)padded;
    memcpy(note->data, bytes, padded);
    return NULL;
}

static char *parse_u8_table(const struct ap_arg *a, uint8_t *table)
{
    uint64_t x;
    char *err = parse_num(a, UINT64_MAX, &x, "not a table number");
    if (!err && x > OFPTT_MAX) {
        err = bad_value(a, "table id out of range (0-" OFPTT_MAX_STR ")");
    }
    if (!err) {
        *table = (uint8_t)x;
    }
    return err;
}

static char *parse_goto_table(const struct ap_arg *a)
{
    uint8_t table;
    char *err = parse_u8_table(a, &table);
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_GOTO_TABLE, sizeof(struct ofpact_goto_table));
    struct ofpact_goto_table *g = ap_at(a->out, ofs);
    g->table_id = table;
    return NULL;
}

static char *parse_write_metadata(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *slash = memchr(it->value, '/', it->value_len);
    size_t vlen = slash ? (size_t)(slash - it->value) : it->value_len;
    uint64_t v, m = UINT64_MAX;
    if (!ap_parse_u64(it->value, vlen, UINT64_MAX, &v)) {
        return ap_error(a->ctx, it->value,
                        "write_metadata: %.*s: not a "
                        "64-bit number",
                        (int)vlen, it->value);
    }
    if (slash
        && !ap_parse_u64(slash + 1, (size_t)(val_end(it) - slash - 1),
                         UINT64_MAX, &m)) {
        return ap_error(a->ctx, slash + 1,
                        "write_metadata: mask %.*s: not "
                        "a 64-bit number",
                        (int)(val_end(it) - slash - 1), slash + 1);
    }
    size_t ofs =
        ap_put(a->out, OFPACT_WRITE_METADATA, sizeof(struct ofpact_metadata));
    struct ofpact_metadata *md = ap_at(a->out, ofs);
    md->metadata = v; /* As written: OVS prints it so; xlate masks. */
    md->mask = m;
    return NULL;
}

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
    char *err = ofpacts_parse__(&inner, it->value, val_end(it), a->out, true);
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
    { "output", parse_output, RANK_APPLY, ARG_REQUIRED },
    { "in_port", parse_reserved, RANK_APPLY, ARG_NONE },
    { "normal", parse_reserved, RANK_APPLY, ARG_NONE },
    { "flood", parse_reserved, RANK_APPLY, ARG_NONE },
    { "all", parse_reserved, RANK_APPLY, ARG_NONE },
    { "local", parse_reserved, RANK_APPLY, ARG_NONE },
    { "controller", parse_controller, RANK_APPLY, ARG_OPTIONAL },
    { "resubmit", parse_resubmit, RANK_APPLY, ARG_REQUIRED },
    { "learn", parse_learn, RANK_APPLY, ARG_REQUIRED },
    { "load", parse_load, RANK_APPLY, ARG_REQUIRED },
    { "set_field", parse_set_field, RANK_APPLY, ARG_REQUIRED },
    { "move", parse_move, RANK_APPLY, ARG_REQUIRED },
    { "set_tunnel", parse_set_tunnel, RANK_APPLY, ARG_REQUIRED },
    { "set_tunnel64", parse_set_tunnel, RANK_APPLY, ARG_REQUIRED },
    { "mod_dl_src", parse_mac, RANK_APPLY, ARG_REQUIRED },
    { "mod_dl_dst", parse_mac, RANK_APPLY, ARG_REQUIRED },
    { "mod_vlan_vid", parse_vlan_vid, RANK_APPLY, ARG_REQUIRED },
    { "mod_vlan_pcp", parse_vlan_pcp, RANK_APPLY, ARG_REQUIRED },
    { "strip_vlan", parse_null, RANK_APPLY, ARG_NONE },
    { "pop_vlan", parse_null, RANK_APPLY, ARG_NONE },
    { "push_vlan", parse_push_vlan, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_src", parse_ipv4, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_dst", parse_ipv4, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_tos", parse_nw_tos, RANK_APPLY, ARG_REQUIRED },
    { "mod_tp_src", parse_tp_port, RANK_APPLY, ARG_REQUIRED },
    { "mod_tp_dst", parse_tp_port, RANK_APPLY, ARG_REQUIRED },
    { "dec_ttl", parse_dec_ttl, RANK_APPLY, ARG_OPTIONAL },
    { "mod_nw_ttl", parse_mod_nw, RANK_APPLY, ARG_REQUIRED },
    { "mod_nw_ecn", parse_mod_nw, RANK_APPLY, ARG_REQUIRED },
    { "note", parse_note, RANK_APPLY, ARG_OPTIONAL },
    { "fin_timeout", parse_fin_timeout, RANK_APPLY, ARG_REQUIRED },
    { "exit", parse_null, RANK_APPLY, ARG_NONE },
    { "clone", parse_nest, RANK_APPLY, ARG_REQUIRED },
    { "clear_actions", parse_null, RANK_CLEAR, ARG_NONE },
    { "write_actions", parse_nest, RANK_WRITE_ACTIONS, ARG_REQUIRED },
    { "write_metadata", parse_write_metadata, RANK_WRITE_METADATA,
      ARG_REQUIRED },
    { "goto_table", parse_goto_table, RANK_GOTO, ARG_REQUIRED },
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
            return output_port(&a, it->key, port);
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
