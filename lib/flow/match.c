/* match: a flow and a mask; comparison, field access and prerequisites.
 *
 * Text parsing and printing are in match-text.c. */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

void match_init_catchall(struct match *m)
{
    memset(m, 0, sizeof *m);
}

bool match_is_catchall(const struct match *m)
{
    const uint64_t *wc = flow_u64(&m->wc);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (wc[i]) {
            return false;
        }
    }
    return true;
}

bool match_equal(const struct match *a, const struct match *b)
{
    return !memcmp(a, b, sizeof *a);
}

uint32_t match_hash(const struct match *m, uint32_t basis)
{
    const uint64_t *f = flow_u64(&m->flow);
    const uint64_t *wc = flow_u64(&m->wc);
    uint32_t hash = basis;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        hash = hash_add64(hash, f[i]);
        hash = hash_add64(hash, wc[i]);
    }
    return hash_finish(hash, (uint32_t)(2 * sizeof(struct flow)));
}

/* Sets the low 'n_bits' of 'v'. */
static void all_ones(union mf_value *v, unsigned n_bits)
{
    memset(v, 0, sizeof *v);
    for (unsigned i = 0; i < n_bits; i++) {
        v->b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
    }
}

void match_set_field(struct match *match, const struct mf_field *mf,
                     const union mf_value *value, const union mf_value *mask)
{
    union mf_value v, m;
    if (mask) {
        m = *mask;
    } else {
        all_ones(&m, mf_value_bits(mf));
    }
    if (mf->id == MFF_NW_TOS) {
        /* The low two bits of nw_tos are the ECN, a separate field. */
        m.b[15] &= 0xfc;
    }
    for (int i = 0; i < 16; i++) {
        v.b[i] = value->b[i] & m.b[i];
    }
    if ((mf->id == MFF_DL_VLAN || mf->id == MFF_DL_VLAN_PCP) &&
        mf_value_is_zero(&m)) {
        /* Setting these virtual fields also sets the "tagged" bit; a zero
         * mask means "forget the field", which must not. */
        uint16_t bits = mf->id == MFF_DL_VLAN ? VLAN_VID_MASK : VLAN_PCP_MASK;
        match->flow.vlan_tci &= (uint16_t)~bits;
        match->wc.vlan_tci &= (uint16_t)~bits;
        return;
    }
    mf_set_value(mf, &v, &match->flow);
    mf_set_value(mf, &m, &match->wc);
}

void match_get_field(const struct match *match, const struct mf_field *mf,
                     union mf_value *value, union mf_value *mask)
{
    mf_get_value(mf, &match->flow, value);
    mf_get_value(mf, &match->wc, mask);
}

bool match_has_field(const struct match *match, const struct mf_field *mf)
{
    union mf_value mask;
    mf_get_value(mf, &match->wc, &mask);
    return !mf_value_is_zero(&mask);
}

bool match_matches_flow(const struct match *m, const struct flow *flow)
{
    const uint64_t *mf = flow_u64(&m->flow);
    const uint64_t *wc = flow_u64(&m->wc);
    const uint64_t *f = flow_u64(flow);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((f[i] ^ mf[i]) & wc[i]) {
            return false;
        }
    }
    return true;
}

bool match_is_subset_of(const struct match *a, const struct match *b)
{
    const uint64_t *af = flow_u64(&a->flow), *aw = flow_u64(&a->wc);
    const uint64_t *bf = flow_u64(&b->flow), *bw = flow_u64(&b->wc);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        /* b may only care about bits a also fixes, to the same values. */
        if ((bw[i] & ~aw[i]) || ((af[i] ^ bf[i]) & bw[i])) {
            return false;
        }
    }
    return true;
}

/* The Ethernet type and IP protocol a match pins down exactly (0 when
 * it leaves them open). */
void match_get_proto(const struct match *m, uint16_t *dl_type,
                     uint8_t *nw_proto)
{
    *dl_type = m->wc.dl_type == UINT16_MAX ? m->flow.dl_type : 0;
    *nw_proto = m->wc.nw_proto == UINT8_MAX ? m->flow.nw_proto : 0;
}

static const uint8_t candidate_protos[] = {
    IPPROTO_ICMP_, IPPROTO_TCP_, IPPROTO_UDP_, IPPROTO_ICMPV6_, IPPROTO_SCTP_,
};

bool match_prereq_contradicted(const struct match *m, enum mf_prereq prereq)
{
    if (m->wc.dl_type != UINT16_MAX) {
        return false; /* A later "ip," or "arp," may still satisfy it. */
    }
    uint16_t dl_type = m->flow.dl_type;
    if (m->wc.nw_proto == UINT8_MAX) {
        return !mf_prereq_ok(prereq, dl_type, m->flow.nw_proto);
    }
    if (mf_prereq_ok(prereq, dl_type, 0)) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(candidate_protos); i++) {
        if (mf_prereq_ok(prereq, dl_type, candidate_protos[i])) {
            return false;
        }
    }
    return true;
}

/* The first word of a prerequisite's text: what to add to a match. */
static char *prereq_suggestion(enum mf_prereq prereq)
{
    const char *text = mf_prereq_text(prereq);
    return xstrndup(text, strcspn(text, " ,"));
}

char *match_prereq_error(const struct match *m, const struct mf_field *mf,
                         enum mf_prereq prereq)
{
    union mf_value value, mask;
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_get_field(m, mf, &value, &mask);
    ds_put_format(&ds, "%s=", mf->name);
    mf_format_value(mf, &value, &mask, NULL, &ds);
    ds_put_format(&ds, " requires %s", mf_prereq_text(prereq));
    if (m->wc.dl_type != UINT16_MAX) {
        char *s = prereq_suggestion(prereq);
        ds_put_format(&ds, " (add '%s,' before it)", s);
        free(s);
    } else {
        struct match proto;
        match_init_catchall(&proto);
        proto.flow.dl_type = m->flow.dl_type;
        proto.wc.dl_type = UINT16_MAX;
        if (m->wc.nw_proto == UINT8_MAX) {
            proto.flow.nw_proto = m->flow.nw_proto;
            proto.wc.nw_proto = UINT8_MAX;
        }
        ds_put_cstr(&ds, ", but the match says '");
        match_format(&proto, -1, NULL, &ds);
        ds_put_cstr(&ds, "'");
    }
    return ds_steal_cstr(&ds);
}

/* For the neighbor discovery fields: the match pins the ICMPv6 type to
 * what the field needs (true for every other prerequisite). */
static bool nd_type_matched(const struct match *m, enum mf_prereq prereq)
{
    if (mf_nd_type_ok(prereq, 0)) {
        return true; /* Not an ND prerequisite. */
    }
    /* The code must be 0 (or left open, which reads as 0 here). */
    return (m->wc.tp_src & 0xff) == 0xff &&
           mf_nd_type_ok(prereq, (uint8_t)m->flow.tp_src) &&
           !(m->flow.tp_dst & 0xff);
}

char *match_check_prereqs(const struct match *m)
{
    uint16_t dl_type;
    uint8_t nw_proto;
    match_get_proto(m, &dl_type, &nw_proto);
    bool arp = dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP;
    bool icmp = mf_prereq_ok(MFP_ICMP_ANY, dl_type, nw_proto);
    bool icmp6 = mf_prereq_ok(MFP_ND, dl_type, nw_proto);

    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        enum mf_prereq prereq = mf->prereq;
        switch (id) {
        case MFF_DL_VLAN:
        case MFF_DL_VLAN_PCP:
        case MFF_VLAN_VID:
        case MFF_IP_DSCP:
        case MFF_ARP_OP:
        case MFF_ARP_SPA:
        case MFF_ARP_TPA:
            /* Views of storage checked under another field's name. */
            continue;
        case MFF_NW_SRC:
        case MFF_NW_DST:
            if (arp) {
                continue;
            }
            break;
        case MFF_ARP_SHA:
        case MFF_ARP_THA:
            if (icmp6) {
                continue; /* nd_sll / nd_tll. */
            }
            break;
        case MFF_ND_SLL:
        case MFF_ND_TLL:
            if (!icmp6) {
                continue; /* arp_sha / arp_tha. */
            }
            break;
        case MFF_TP_SRC:
        case MFF_TP_DST:
        case MFF_ICMP_TYPE:
        case MFF_ICMP_CODE:
            continue; /* Checked below. */
        default:
            break;
        }
        if (match_has_field(m, mf) &&
            (!mf_prereq_ok(prereq, dl_type, nw_proto) ||
             !nd_type_matched(m, prereq))) {
            return match_prereq_error(m, mf, prereq);
        }
    }

    /* A later fragment carries no L4 header: OVS's switch refuses an L4
     * match on it (OFPBMC_BAD_PREREQ), and so do we, at once. */
    if ((m->wc.nw_frag & FLOW_NW_FRAG_LATER) &&
        (m->flow.nw_frag & FLOW_NW_FRAG_LATER) && !icmp &&
        (m->wc.tp_src || m->wc.tp_dst || m->wc.tcp_flags)) {
        const struct mf_field *mf = mf_from_id(
            m->wc.tcp_flags ? MFF_TCP_FLAGS
                            : m->wc.tp_src ? MFF_TP_SRC : MFF_TP_DST);
        union mf_value value, mask;
        struct ds ds = DS_EMPTY_INITIALIZER;
        match_get_field(m, mf, &value, &mask);
        ds_put_format(&ds, "%s=", mf->name);
        mf_format_value(mf, &value, &mask, NULL, &ds);
        ds_put_cstr(&ds, " cannot match a later fragment (nw_frag=later "
                         "has no L4 header)");
        return ds_steal_cstr(&ds);
    }

    /* ICMP type/code live in tp_src/tp_dst with an 8-bit mask, so the
     * mask tells which the user meant: a wider one means the ports. */
    for (int i = 0; i < 2; i++) {
        uint16_t wc = i ? m->wc.tp_dst : m->wc.tp_src;
        bool narrow = !(wc & 0xff00);
        const struct mf_field *mf;
        if (!wc || (icmp && narrow) ||
            (!icmp && mf_prereq_ok(MFP_L4, dl_type, nw_proto))) {
            continue;
        }
        if (narrow) {
            mf = mf_from_id(i ? MFF_ICMP_CODE : MFF_ICMP_TYPE);
        } else {
            mf = mf_from_id(i ? MFF_TP_DST : MFF_TP_SRC);
        }
        return match_prereq_error(m, mf, mf->prereq);
    }
    return NULL;
}
