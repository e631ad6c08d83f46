/* actions-format: an action list as ovs-ofctl prints it.
 *
 * The goal is byte-for-byte agreement with "ovs-ofctl dump-flows" (its
 * default OpenFlow 1.0 view) for every action both share, and OVS's
 * OpenFlow 1.1+ spelling for the instructions, which OpenFlow 1.0
 * cannot show.  Whatever is printed parses back to the same list. */
#include "actions.h"

#include <inttypes.h>
#include <string.h>

#include "actions-private.h"
#include "eth-addr.h"
#include "portmap.h"
#include "util.h"

static void format_list(const struct ofpact *, size_t len,
                        const struct portmap *, struct ds *);

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

static void format_controller(const struct ofpact_controller *c,
                              struct ds *ds)
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
        struct mf_subfield dst = {sf->field, lo, hi - lo};
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

static void format_mac(const char *name, const uint8_t mac[6],
                       struct ds *ds)
{
    ds_put_format(ds, "%s:", name);
    eth_addr_format(mac, ds);
}

static void format_nest(const char *name, const struct ofpact_nest *nest,
                        const struct portmap *ports, struct ds *ds)
{
    size_t len;
    const struct ofpact *inner = ofpact_nest_actions(nest, &len);
    ds_put_format(ds, "%s(", name);
    format_list(inner, len, ports, ds);
    ds_put_char(ds, ')');
}

static void format_one(const struct ofpact *a, const struct portmap *ports,
                       struct ds *ds)
{
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
                      ipv4_to_str(((const struct ofpact_ipv4 *)p)->ipv4,
                                  ip));
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
        format_nest("clone", p, ports, ds);
        break;
    case OFPACT_CLEAR_ACTIONS:
        ds_put_cstr(ds, "clear_actions");
        break;
    case OFPACT_WRITE_ACTIONS:
        format_nest("write_actions", p, ports, ds);
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
    default:
        ds_put_format(ds, "<unknown action %u>", a->type);
        break;
    }
}

static void format_list(const struct ofpact *ofpacts, size_t len,
                        const struct portmap *ports, struct ds *ds)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        if (a != ofpacts) {
            ds_put_char(ds, ',');
        }
        format_one(a, ports, ds);
    }
}

void ofpacts_format(const struct ofpact *ofpacts, size_t len,
                    const struct portmap *ports, struct ds *ds)
{
    if (!len) {
        ds_put_cstr(ds, "drop");
    } else {
        format_list(ofpacts, len, ports, ds);
    }
}
