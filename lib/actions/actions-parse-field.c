/* actions-parse-field: the row functions of the actions that write
 * header fields: load, set_field, move, set_tunnel and the OpenFlow 1.0
 * mod_* shorthands.  They are separate because they share the subfield
 * and masked-write machinery (one load per run of mask bits, as OVS
 * encodes and prints them), which nothing else in the parser needs. */
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

/* Splits "X->Y" of the item's value. */
static char *split_arrow(const struct ap_arg *a, const char **arrow)
{
    const struct ap_item *it = a->item;
    for (const char *p = it->value; p + 1 < ap_val_end(it); p++) {
        if (p[0] == '-' && p[1] == '>') {
            *arrow = p;
            return NULL;
        }
    }
    return ap_bad_value(a, "expected SOURCE->DESTINATION");
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

char *ap_parse_load(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *arrow = NULL;
    char *err = split_arrow(a, &arrow);
    if (err) {
        return err;
    }
    struct mf_subfield dst;
    err = ap_parse_subfield(a->ctx, arrow + 2,
                            (size_t)(ap_val_end(it) - arrow - 2), &dst);
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

char *ap_parse_set_field(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *arrow = NULL;
    char *err = split_arrow(a, &arrow);
    if (err) {
        return err;
    }
    const char *name = arrow + 2;
    size_t n = (size_t)(ap_val_end(it) - name);
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

char *ap_parse_move(const struct ap_arg *a)
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
                                (size_t)(ap_val_end(it) - arrow - 2), &dst);
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

char *ap_parse_set_tunnel(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, UINT64_MAX, &x, "not a tunnel id");
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

char *ap_parse_mac(const struct ap_arg *a)
{
    union mf_value v;
    char *err = ap_parse_field_value(a, MFF_DL_SRC, &v);
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

char *ap_parse_ipv4(const struct ap_arg *a)
{
    union mf_value v;
    char *err = ap_parse_field_value(a, MFF_NW_SRC, &v);
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

char *ap_parse_vlan_vid(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, 4095, &x, "not a valid VLAN VID (0-4095)");
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

char *ap_parse_vlan_pcp(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, 7, &x, "not a valid VLAN PCP (0-7)");
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

char *ap_parse_push_vlan(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, UINT16_MAX, &x, "not a number");
    if (err) {
        return err;
    }
    if (x != ETH_TYPE_VLAN && x != ETH_TYPE_VLAN_8021AD) {
        return ap_bad_value(a, "not a valid VLAN ethertype (expected 0x8100 "
                               "or 0x88a8)");
    }
    size_t ofs =
        ap_put(a->out, OFPACT_PUSH_VLAN, sizeof(struct ofpact_push_vlan));
    struct ofpact_push_vlan *p = ap_at(a->out, ofs);
    p->ethertype = (uint16_t)x;
    return NULL;
}

char *ap_parse_nw_tos(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, 255, &x, "not a valid TOS (0-255)");
    if (err) {
        return err;
    }
    if (x & 3) {
        return ap_bad_value(a, "not a valid TOS: the low 2 bits (ECN) must be "
                               "zero");
    }
    size_t ofs =
        ap_put(a->out, OFPACT_SET_IP_DSCP, sizeof(struct ofpact_dscp));
    struct ofpact_dscp *d = ap_at(a->out, ofs);
    d->dscp = (uint8_t)x;
    return NULL;
}

char *ap_parse_tp_port(const struct ap_arg *a)
{
    uint64_t x;
    char *err = ap_parse_num(a, UINT16_MAX, &x, "not a valid port (0-65535)");
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

/* mod_nw_ttl:TTL and mod_nw_ecn:ECN write those fields: set_field on the
 * field, which is how OVS carries them in OpenFlow 1.0 (and prints them:
 * load:0x40->NXM_NX_IP_TTL[]). */
char *ap_parse_mod_nw(const struct ap_arg *a)
{
    bool ttl = !strcmp(a->row->name, "mod_nw_ttl");
    uint64_t x;
    char *err = ap_parse_num(a, ttl ? 255 : 3, &x,
                             ttl ? "not a valid TTL (0-255)"
                                 : "not a valid ECN (0-3)");
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
