/* actions-check: an action list against the match of its flow.
 *
 * Every field an action reads or writes must be meaningful for the
 * packets the flow matches (mod_nw_src needs ip); learn checks its own
 * specs (learn.c).  Apart from actions.c so that learn.c, which this
 * calls, and actions.c, which learn.c calls (ap_check_field_prereqs),
 * do not call each other. */
#include "actions.h"

#include <stdlib.h>
#include <string.h>

#include "actions-private.h"
#include "match.h"
#include "util.h"

/* The IP protocol 'match' pins down, or 0. */
static uint8_t proto_of(const struct match *match)
{
    uint16_t dl_type;
    uint8_t proto;
    match_get_proto(match, &dl_type, &proto);
    return proto;
}

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_UDP_    ? "udp"
           : proto == IPPROTO_SCTP_ ? "sctp"
                                    : "tcp";
}

static char *check_field(const char *what, const struct mf_field *field,
                         const struct match *match, const char *subject)
{
    char *err = ap_check_field_prereqs(field, match);
    if (err) {
        char *msg = xasprintf("%s %s is inconsistent with %s: %s", what,
                              field->name, subject, err);
        free(err);
        return msg;
    }
    return NULL;
}

static char *check_list(const struct ofpact *, size_t len,
                        const struct match *, const char *subject, bool vlan);

/* VLAN actions, with 'vlan' saying whether a tag is there at this point
 * of the list (the match's, or pushed by an earlier action). */
static char *check_vlan(const struct ofpact *a, const char *subject,
                        bool *vlan)
{
    switch ((enum ofpact_type)a->type) {
    case OFPACT_PUSH_VLAN:
        *vlan = true;
        break;
    case OFPACT_STRIP_VLAN:
        *vlan = false;
        break;
    case OFPACT_SET_VLAN_VID:
    case OFPACT_SET_VLAN_PCP:
        if (a->raw == OFPACT_RAW_SET_FIELD && !*vlan) {
            return xasprintf("set_field: writing %s is inconsistent with "
                             "%s: the packet has no VLAN tag there (match "
                             "one, e.g. dl_vlan=N, or push_vlan first; "
                             "mod_vlan_vid pushes one itself)",
                             a->type == OFPACT_SET_VLAN_VID ? "vlan_vid"
                                                            : "vlan_pcp",
                             subject);
        }
        *vlan = true;
        break;
    default:
        break;
    }
    return NULL;
}

char *ofpacts_check(const struct ofpact *ofpacts, size_t len,
                    const struct match *match, const char *subject)
{
    bool vlan =
        (match->wc.vlan_tci & VLAN_CFI) && (match->flow.vlan_tci & VLAN_CFI);
    return check_list(ofpacts, len, match, subject, vlan);
}

static char *check_list(const struct ofpact *ofpacts, size_t len,
                        const struct match *match, const char *subject,
                        bool vlan)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        const void *p = a;
        char *err = NULL;
        switch ((enum ofpact_type)a->type) {
        case OFPACT_OUTPUT_REG:
            err = check_field("output: reading",
                              ((const struct ofpact_output_reg *)p)->src.field,
                              match, subject);
            break;
        case OFPACT_SET_FIELD:
            err = check_field("writing",
                              ((const struct ofpact_set_field *)p)->field,
                              match, subject);
            break;
        case OFPACT_REG_MOVE: {
            const struct ofpact_reg_move *m = p;
            err = check_field("move: reading", m->src.field, match, subject);
            if (!err) {
                err =
                    check_field("move: writing", m->dst.field, match, subject);
            }
            break;
        }
        case OFPACT_SET_IPV4_SRC:
        case OFPACT_SET_IPV4_DST:
            err =
                check_field("writing", mf_from_id(MFF_NW_SRC), match, subject);
            break;
        case OFPACT_SET_IP_DSCP:
            err =
                check_field("writing", mf_from_id(MFF_NW_TOS), match, subject);
            break;
        case OFPACT_SET_L4_SRC_PORT:
        case OFPACT_SET_L4_DST_PORT:
            err =
                check_field("writing", mf_from_id(MFF_TP_SRC), match, subject);
            if (!err && a->raw && a->raw != proto_of(match)) {
                err =
                    xasprintf("set_field: writing %s ports is "
                              "inconsistent with %s: it is not %s",
                              proto_name(a->raw), subject, proto_name(a->raw));
            }
            break;
        case OFPACT_LEARN:
            err = learn_check(p, match, subject);
            break;
        case OFPACT_CLONE:
        case OFPACT_WRITE_ACTIONS: {
            size_t n;
            const struct ofpact *inner = ofpact_nest_actions(p, &n);
            err = check_list(inner, n, match, subject, vlan);
            break;
        }
        default:
            err = check_vlan(a, subject, &vlan);
            break;
        }
        if (err) {
            return err;
        }
    }
    return NULL;
}
