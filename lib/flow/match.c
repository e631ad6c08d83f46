/* match: a flow and a mask; comparison, field access and prerequisites.
 *
 * Text parsing and printing, and the prerequisite check (its messages
 * are text), are in match-text.c: this file only computes. */
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
    if ((mf->id == MFF_DL_VLAN || mf->id == MFF_DL_VLAN_PCP)
        && mf_value_is_zero(&m)) {
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

static bool all_or_nothing(const uint8_t *p, size_t n)
{
    bool ones = p[0] == 0xff;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != (ones ? 0xff : 0)) {
            return false;
        }
    }
    return true;
}

static bool cidr32(uint32_t mask)
{
    uint32_t inv = ~mask;
    return !(inv & (inv + 1));
}

/* The VLAN forms OpenFlow 1.0 has: none, "no VLAN", or an exact VID
 * and/or PCP on a tagged frame. */
static bool vlan_is_of10(uint16_t tci, uint16_t wc)
{
    if (!wc || wc == UINT16_MAX) {
        return true;
    }
    if ((wc & VLAN_CFI) && !(tci & VLAN_CFI)) {
        return true;
    }
    uint16_t vid = wc & VLAN_VID_MASK, pcp = wc & VLAN_PCP_MASK;
    return (wc & VLAN_CFI) && (!vid || vid == VLAN_VID_MASK)
           && (!pcp || pcp == VLAN_PCP_MASK);
}

bool match_is_of10(const struct match *m)
{
    const struct flow *w = &m->wc;
    static const uint8_t zero[16];
    if (w->tun_id || w->metadata || w->tun_src || w->tun_dst || w->pkt_mark
        || memcmp(w->regs, zero, sizeof zero)
        || memcmp(w->regs + 4, zero, sizeof zero)
        || memcmp(w->regs + 8, zero, sizeof zero)
        || memcmp(w->regs + 12, zero, sizeof zero)
        || memcmp(w->ipv6_src, zero, 16) || memcmp(w->ipv6_dst, zero, 16)
        || memcmp(w->nd_target, zero, 16) || w->ipv6_label
        || memcmp(w->arp_sha, zero, 6) || memcmp(w->arp_tha, zero, 6)
        || w->nw_ecn || w->nw_ttl || w->nw_frag || w->tcp_flags) {
        return false;
    }
    if (!all_or_nothing(w->dl_src, 6) || !all_or_nothing(w->dl_dst, 6)
        || !cidr32(w->nw_src) || !cidr32(w->nw_dst)
        || !vlan_is_of10(m->flow.vlan_tci, w->vlan_tci)) {
        return false;
    }
    uint16_t dl_type = w->dl_type == UINT16_MAX ? m->flow.dl_type : 0;
    if (dl_type == ETH_TYPE_IPV6 && (w->nw_proto || w->tp_src || w->tp_dst)) {
        return false; /* OpenFlow 1.0 has no IPv6 L3/L4 fields. */
    }
    bool icmp = w->nw_proto == UINT8_MAX
                && mf_prereq_ok(MFP_ICMP_ANY, dl_type, m->flow.nw_proto);
    uint16_t full = icmp ? 0xff : UINT16_MAX;
    return (!w->tp_src || w->tp_src == full)
           && (!w->tp_dst || w->tp_dst == full);
}

void match_normalize_vlan(struct match *m, enum match_encoding enc)
{
    if (!(m->wc.vlan_tci & VLAN_CFI) || (m->flow.vlan_tci & VLAN_CFI)) {
        return;
    }
    if (enc == MATCH_OF10) {
        m->flow.vlan_tci = 0;
        m->wc.vlan_tci = UINT16_MAX;
    } else if (enc == MATCH_OXM) {
        m->wc.vlan_tci &= VLAN_CFI | VLAN_VID_MASK;
        m->flow.vlan_tci &= m->wc.vlan_tci;
    }
}
