/* actions-format: an action list as ovs-ofctl prints it.
 *
 * The goal is byte-for-byte agreement with "ovs-ofctl dump-flows" (its
 * default OpenFlow 1.0 view) for every action both share, and OVS's
 * OpenFlow 1.1+ spelling for the instructions, which OpenFlow 1.0
 * cannot show.  Whatever is printed parses back to the same list. */
#include "actions.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "actions-private.h"
#include "match.h"
#include "eth-addr.h"
#include "portmap.h"
#include "util.h"

/* How to print: names for ports, and for the OpenFlow 1.3 view the
 * match (what it guarantees) and whether a VLAN tag is there by now. */
struct fmt_ctx {
    const struct portmap *ports;
    bool of13;
    const struct match *match; /* NULL: guarantees nothing. */
    bool vlan;                 /* A tag is present at this point. */
};

static void format_list(const struct ofpact *, size_t len, struct fmt_ctx *,
                        struct ds *);

static void format_output(const struct ofpact_output *o,
                          const struct portmap *ports, struct ds *ds)
{
    const char *reserved = port_reserved_name(o->port);
    if (o->max_len) {
        ds_put_cstr(ds, "output(port=");
        port_format(o->port, ports, ds);
        ds_put_format(ds, ",max_len=%" PRIu32 ")", o->max_len);
    } else if (o->port >= OFPP_MAX && reserved) {
        ds_put_cstr(ds, reserved);
    } else {
        ds_put_cstr(ds, "output:");
        port_format(o->port, ports, ds);
    }
}

static void format_controller(const struct ofpact_controller *c, struct ds *ds)
{
    if (c->reason == OFPR_ACTION) {
        ds_put_format(ds, "CONTROLLER:%u", c->max_len);
        return;
    }
    const char *reason = ofp_packet_in_reason_name(c->reason);
    ds_put_format(ds, "controller(reason=%s", reason ? reason : "action");
    if (c->max_len != UINT16_MAX) {
        ds_put_format(ds, ",max_len=%u", c->max_len);
    }
    ds_put_char(ds, ')');
}

static void format_resubmit(const struct ofpact_resubmit *r,
                            const struct portmap *ports, struct ds *ds)
{
    if (r->in_port != OFPP_IN_PORT && r->table_id == 255) {
        ds_put_cstr(ds, "resubmit:");
        port_format(r->in_port, ports, ds);
        return;
    }
    ds_put_cstr(ds, "resubmit(");
    if (r->in_port != OFPP_IN_PORT) {
        port_format(r->in_port, ports, ds);
    }
    ds_put_char(ds, ',');
    if (r->table_id != 255) {
        ds_put_format(ds, "%u", r->table_id);
    }
    ds_put_char(ds, ')');
}

static void format_set_field(const struct ofpact_set_field *sf,
                             const struct portmap *ports, struct ds *ds)
{
    unsigned n = sf->field->n_bits;
    unsigned lo = 0, hi;
    while (lo < n && !ap_bit(&sf->mask, lo)) {
        lo++;
    }
    hi = lo;
    while (hi < n && ap_bit(&sf->mask, hi)) {
        hi++;
    }
    bool contiguous = lo < n && ap_fits(&sf->mask, hi);
    if (contiguous) {
        /* OVS shows every contiguous write in its NXM "load" form. */
        struct mf_subfield dst = { sf->field, lo, hi - lo };
        union mf_value v;
        ap_extract(&sf->value, lo, hi - lo, &v);
        ds_put_cstr(ds, "load:");
        ap_format_hex(&v, ds);
        ds_put_cstr(ds, "->");
        mf_format_subfield(&dst, ds);
    } else {
        ds_put_cstr(ds, "set_field:");
        mf_format_value(sf->field, &sf->value, &sf->mask, ports, ds);
        ds_put_format(ds, "->%s", sf->field->name);
    }
}

static void format_mac(const char *name, const uint8_t mac[6], struct ds *ds)
{
    ds_put_format(ds, "%s:", name);
    eth_addr_format(mac, ds);
}

static void format_nest(const char *name, const struct ofpact_nest *nest,
                        struct fmt_ctx *c, struct ds *ds)
{
    size_t len;
    const struct ofpact *inner = ofpact_nest_actions(nest, &len);
    ds_put_format(ds, "%s(", name);
    struct fmt_ctx inner_ctx = *c; /* A nested list's pushes stay inside. */
    format_list(inner, len, &inner_ctx, ds);
    ds_put_char(ds, ')');
}

static void format_one(const struct ofpact *a, struct fmt_ctx *c,
                       struct ds *ds)
{
    const struct portmap *ports = c->ports;
    const void *p = a;
    char ip[16];
    switch ((enum ofpact_type)a->type) {
    case OFPACT_OUTPUT:
        format_output(p, ports, ds);
        break;
    case OFPACT_OUTPUT_REG:
        ds_put_cstr(ds, "output:");
        mf_format_subfield(&((const struct ofpact_output_reg *)p)->src, ds);
        break;
    case OFPACT_CONTROLLER:
        format_controller(p, ds);
        break;
    case OFPACT_RESUBMIT:
        format_resubmit(p, ports, ds);
        break;
    case OFPACT_LEARN:
        learn_format(p, ports, ds);
        break;
    case OFPACT_SET_FIELD:
        format_set_field(p, ports, ds);
        break;
    case OFPACT_REG_MOVE: {
        const struct ofpact_reg_move *m = p;
        ds_put_cstr(ds, "move:");
        mf_format_subfield(&m->src, ds);
        ds_put_cstr(ds, "->");
        mf_format_subfield(&m->dst, ds);
        break;
    }
    case OFPACT_SET_TUNNEL: {
        const struct ofpact_tunnel *t = p;
        ds_put_format(ds, "%s:%#" PRIx64,
                      a->raw ? "set_tunnel64" : "set_tunnel", t->tun_id);
        break;
    }
    case OFPACT_SET_ETH_SRC:
        format_mac("mod_dl_src", ((const struct ofpact_mac *)p)->mac, ds);
        break;
    case OFPACT_SET_ETH_DST:
        format_mac("mod_dl_dst", ((const struct ofpact_mac *)p)->mac, ds);
        break;
    case OFPACT_SET_VLAN_VID:
        ds_put_format(ds, "mod_vlan_vid:%u",
                      ((const struct ofpact_vlan_vid *)p)->vid);
        break;
    case OFPACT_SET_VLAN_PCP:
        ds_put_format(ds, "mod_vlan_pcp:%u",
                      ((const struct ofpact_vlan_pcp *)p)->pcp);
        break;
    case OFPACT_STRIP_VLAN:
        ds_put_cstr(ds, "strip_vlan");
        break;
    case OFPACT_PUSH_VLAN:
        ds_put_format(ds, "push_vlan:%#x",
                      ((const struct ofpact_push_vlan *)p)->ethertype);
        break;
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        ds_put_format(ds, "%s:%s",
                      a->type == OFPACT_SET_IPV4_SRC ? "mod_nw_src"
                                                     : "mod_nw_dst",
                      ipv4_to_str(((const struct ofpact_ipv4 *)p)->ipv4, ip));
        break;
    case OFPACT_SET_IP_DSCP:
        ds_put_format(ds, "mod_nw_tos:%u",
                      ((const struct ofpact_dscp *)p)->dscp);
        break;
    case OFPACT_SET_L4_SRC_PORT:
    case OFPACT_SET_L4_DST_PORT:
        ds_put_format(ds, "%s:%u",
                      a->type == OFPACT_SET_L4_SRC_PORT ? "mod_tp_src"
                                                        : "mod_tp_dst",
                      ((const struct ofpact_l4_port *)p)->port);
        break;
    case OFPACT_DEC_TTL: {
        const struct ofpact_dec_ttl *d = p;
        ds_put_cstr(ds, "dec_ttl");
        for (size_t i = 0; i < d->n_ids; i++) {
            ds_put_format(ds, "%c%u", i ? ',' : '(', d->ids[i]);
        }
        if (d->n_ids) {
            ds_put_char(ds, ')');
        }
        break;
    }
    case OFPACT_FIN_TIMEOUT: {
        /* As OVS: only the timeouts given, "fin_timeout()" for none. */
        const struct ofpact_fin_timeout *f = p;
        ds_put_cstr(ds, "fin_timeout(");
        if (f->fin_idle_timeout) {
            ds_put_format(ds, "idle_timeout=%u", f->fin_idle_timeout);
        }
        if (f->fin_hard_timeout) {
            ds_put_format(ds, "%shard_timeout=%u",
                          f->fin_idle_timeout ? "," : "", f->fin_hard_timeout);
        }
        ds_put_char(ds, ')');
        break;
    }
    case OFPACT_NOTE: {
        const struct ofpact_note *n = p;
        ds_put_cstr(ds, "note:");
        for (size_t i = 0; i < n->length; i++) {
            ds_put_format(ds, "%s%02x", i ? "." : "", n->data[i]);
        }
        break;
    }
    case OFPACT_EXIT:
        ds_put_cstr(ds, "exit");
        break;
    case OFPACT_CLONE:
        format_nest("clone", p, c, ds);
        break;
    case OFPACT_CLEAR_ACTIONS:
        ds_put_cstr(ds, "clear_actions");
        break;
    case OFPACT_WRITE_ACTIONS:
        format_nest("write_actions", p, c, ds);
        break;
    case OFPACT_WRITE_METADATA: {
        const struct ofpact_metadata *md = p;
        ds_put_format(ds, "write_metadata:%#" PRIx64, md->metadata);
        if (md->mask != UINT64_MAX) {
            ds_put_format(ds, "/%#" PRIx64, md->mask);
        }
        break;
    }
    case OFPACT_GOTO_TABLE:
        ds_put_format(ds, "goto_table:%u",
                      ((const struct ofpact_goto_table *)p)->table_id);
        break;
    case N_OFPACTS:
        /* No default: -Wswitch names an action OFPACTS gained but this
         * printer did not. */
        ds_put_format(ds, "<unknown action %u>", a->type);
        break;
    }
}

/* ---- The OpenFlow 1.3 view. ---- */

/* The name OVS gives 'f' in set_field, where it differs from ours. */
static const char *of13_name(const struct mf_field *f, const struct fmt_ctx *c)
{
    uint16_t dl_type = 0;
    uint8_t proto = 0;
    if (c->match) {
        match_get_proto(c->match, &dl_type, &proto);
    }
    const char *l4 = proto == IPPROTO_UDP_    ? "udp"
                     : proto == IPPROTO_SCTP_ ? "sctp"
                                              : "tcp";
    static char buf[16];
    switch (f->id) {
    case MFF_DL_SRC:
        return "eth_src";
    case MFF_DL_DST:
        return "eth_dst";
    case MFF_NW_SRC:
        return "ip_src";
    case MFF_NW_DST:
        return "ip_dst";
    case MFF_DL_VLAN_PCP:
        return "vlan_pcp";
    case MFF_TP_SRC:
    case MFF_TP_DST:
        snprintf(buf, sizeof buf, "%s_%s", l4,
                 f->id == MFF_TP_SRC ? "src" : "dst");
        return buf;
    default:
        return f->name;
    }
}

/* "set_field:VALUE->NAME" for the whole of 'f'. */
static void put_set_field13(const struct mf_field *f, const union mf_value *v,
                            const struct fmt_ctx *c, struct ds *ds)
{
    ds_put_cstr(ds, "set_field:");
    if (f->format == MFF_FMT_HEX) {
        ds_put_format(ds, "%#" PRIx64, mf_value_to_u64(v));
    } else {
        mf_format_value(f, v, NULL, c->ports, ds);
    }
    ds_put_format(ds, "->%s", of13_name(f, c));
}

static void put_field_u64(enum mf_id id, uint64_t x, const struct fmt_ctx *c,
                          struct ds *ds)
{
    union mf_value v;
    mf_value_from_u64(&v, x);
    put_set_field13(mf_from_id(id), &v, c, ds);
}

static void put_field_bytes(enum mf_id id, const uint8_t *p, size_t n,
                            const struct fmt_ctx *c, struct ds *ds)
{
    union mf_value v;
    memset(&v, 0, sizeof v);
    memcpy(&v.b[16 - n], p, n);
    put_set_field13(mf_from_id(id), &v, c, ds);
}

/* A VLAN action that needs a tag pushes one first in OpenFlow 1.3 unless
 * the match, or an earlier action, guarantees it. */
static void need_vlan(struct fmt_ctx *c, struct ds *ds)
{
    if (!c->vlan) {
        ds_put_cstr(ds, "push_vlan:0x8100,");
        c->vlan = true;
    }
}

/* A set_field spelled as such, split at parse time into 64-bit pieces
 * (see actions-parse.c): prints as one when the pieces that follow
 * cover the whole field.  Returns the last action it printed, or NULL
 * to print '*a' as a load. */
static const struct ofpact *set_field13(const struct ofpact *a,
                                        const struct ofpact *end,
                                        const struct fmt_ctx *c, struct ds *ds)
{
    const struct ofpact_set_field *sf = (const void *)a;
    if (a->raw == OFPACT_RAW_MOD_NW_TTL) {
        ds_put_format(ds, "mod_nw_ttl:%" PRIu64, mf_value_to_u64(&sf->value));
        return a;
    }
    if (a->raw != OFPACT_RAW_SET_FIELD) {
        return NULL;
    }
    union mf_value value = sf->value, mask = sf->mask;
    const struct ofpact *last = a;
    for (const struct ofpact *b = ofpact_next(a); b < end;
         b = ofpact_next(b)) {
        const struct ofpact_set_field *bf = (const void *)b;
        if (mf_value_is_all_ones(&mask, sf->field->n_bits)
            || b->type != OFPACT_SET_FIELD || b->raw != OFPACT_RAW_SET_FIELD
            || bf->field != sf->field) {
            break;
        }
        for (int i = 0; i < 16; i++) {
            value.b[i] |= bf->value.b[i];
            mask.b[i] |= bf->mask.b[i];
        }
        last = b;
    }
    if (!mf_value_is_all_ones(&mask, sf->field->n_bits)) {
        return NULL;
    }
    put_set_field13(sf->field, &value, c, ds);
    return last;
}

/* Prints '*ap' as OVS's OpenFlow 1.3 rendering when it differs from the
 * 1.0 one; returns false to leave it to format_one().  May consume more
 * than one action (advancing '*ap'). */
static bool format_of13(const struct ofpact **ap, const struct ofpact *end,
                        struct fmt_ctx *c, struct ds *ds)
{
    const struct ofpact *a = *ap;
    const void *p = a;
    switch ((enum ofpact_type)a->type) {
    case OFPACT_SET_FIELD: {
        const struct ofpact *last = set_field13(a, end, c, ds);
        if (last) {
            *ap = last;
        }
        return last != NULL;
    }
    case OFPACT_SET_TUNNEL:
        put_field_u64(MFF_TUN_ID, ((const struct ofpact_tunnel *)p)->tun_id, c,
                      ds);
        return true;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
        put_field_bytes(a->type == OFPACT_SET_ETH_SRC ? MFF_DL_SRC
                                                      : MFF_DL_DST,
                        ((const struct ofpact_mac *)p)->mac, 6, c, ds);
        return true;
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        put_field_u64(a->type == OFPACT_SET_IPV4_SRC ? MFF_NW_SRC : MFF_NW_DST,
                      ((const struct ofpact_ipv4 *)p)->ipv4, c, ds);
        return true;
    case OFPACT_SET_IP_DSCP: {
        uint8_t tos = ((const struct ofpact_dscp *)p)->dscp;
        if (a->raw == OFPACT_RAW_SF_NW_TOS) {
            put_field_u64(MFF_NW_TOS, tos, c, ds);
        } else {
            put_field_u64(MFF_IP_DSCP, tos >> 2, c, ds);
        }
        return true;
    }
    case OFPACT_SET_L4_SRC_PORT:
    case OFPACT_SET_L4_DST_PORT:
        put_field_u64(a->type == OFPACT_SET_L4_SRC_PORT ? MFF_TP_SRC
                                                        : MFF_TP_DST,
                      ((const struct ofpact_l4_port *)p)->port, c, ds);
        return true;
    case OFPACT_SET_VLAN_VID:
        need_vlan(c, ds);
        put_field_u64(MFF_VLAN_VID,
                      VLAN_CFI | ((const struct ofpact_vlan_vid *)p)->vid, c,
                      ds);
        return true;
    case OFPACT_SET_VLAN_PCP:
        need_vlan(c, ds);
        put_field_u64(MFF_DL_VLAN_PCP,
                      ((const struct ofpact_vlan_pcp *)p)->pcp, c, ds);
        return true;
    case OFPACT_STRIP_VLAN:
        ds_put_cstr(ds, "pop_vlan");
        c->vlan = false;
        return true;
    case OFPACT_PUSH_VLAN:
        c->vlan = true;
        return false;
    default:
        return false;
    }
}

static void format_list(const struct ofpact *ofpacts, size_t len,
                        struct fmt_ctx *c, struct ds *ds)
{
    const struct ofpact *a;
    const struct ofpact *end = ofpact_end(ofpacts, len);
    for (a = ofpacts; a < end; a = ofpact_next(a)) {
        if (a != ofpacts) {
            ds_put_char(ds, ',');
        }
        if (!c->of13 || !format_of13(&a, end, c, ds)) {
            format_one(a, c, ds);
        }
    }
}

void ofpacts_format(const struct ofpact *ofpacts, size_t len,
                    const struct portmap *ports, struct ds *ds)
{
    struct fmt_ctx c = { ports, false, NULL, false };
    if (!len) {
        ds_put_cstr(ds, "drop");
    } else {
        format_list(ofpacts, len, &c, ds);
    }
}

void ofpacts_format_flow(const struct ofpact *ofpacts, size_t len,
                         const struct match *match,
                         const struct portmap *ports, struct ds *ds)
{
    struct fmt_ctx c = { ports, ofpacts_need_of13(ofpacts, len), match,
                         false };
    /* A tag is guaranteed when the match requires one. */
    c.vlan = match && (match->wc.vlan_tci & VLAN_CFI)
             && (match->flow.vlan_tci & VLAN_CFI);
    if (!len) {
        ds_put_cstr(ds, "drop");
    } else {
        format_list(ofpacts, len, &c, ds);
    }
}
