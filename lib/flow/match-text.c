/* match-text: "name=value" pieces in, ovs-ofctl's canonical text out, and
 * the prerequisite check, whose messages are text too (what to add). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "portmap.h"
#include "util.h"

/* Protocol shorthands, in the order the printer prefers them. */
static const struct {
    const char *name;
    uint16_t dl_type;
    uint8_t nw_proto; /* 0: the shorthand says nothing of nw_proto. */
} shorthands[] = {
    { "ip", ETH_TYPE_IP, 0 },
    { "ipv6", ETH_TYPE_IPV6, 0 },
    { "arp", ETH_TYPE_ARP, 0 },
    { "rarp", ETH_TYPE_RARP, 0 },
    { "icmp", ETH_TYPE_IP, IPPROTO_ICMP_ },
    { "tcp", ETH_TYPE_IP, IPPROTO_TCP_ },
    { "udp", ETH_TYPE_IP, IPPROTO_UDP_ },
    { "sctp", ETH_TYPE_IP, IPPROTO_SCTP_ },
    { "icmp6", ETH_TYPE_IPV6, IPPROTO_ICMPV6_ },
    { "tcp6", ETH_TYPE_IPV6, IPPROTO_TCP_ },
    { "udp6", ETH_TYPE_IPV6, IPPROTO_UDP_ },
    { "sctp6", ETH_TYPE_IPV6, IPPROTO_SCTP_ },
};

/* Refuses to overwrite what an earlier piece said differently: OVS lets
 * the last one win, which hides typos like "tcp,udp". */
static char *check_conflict(const struct match *m, const struct mf_field *mf,
                            const union mf_value *value,
                            const union mf_value *mask, const char *name,
                            const char *value_text)
{
    union mf_value ov, om, nv;
    match_get_field(m, mf, &ov, &om);
    if (mf_value_is_zero(&om)) {
        return NULL;
    }
    struct match tmp = *m;
    match_set_field(&tmp, mf, value, mask);
    match_get_field(&tmp, mf, &nv, &om);
    if (!memcmp(&nv, &ov, sizeof nv) && match_equal(&tmp, m)) {
        return NULL;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_get_field(m, mf, &ov, &om);
    /* The piece as given: "name=value", or a shorthand's name. */
    ds_put_cstr(&ds, name);
    if (value_text) {
        ds_put_format(&ds, "=%s", value_text);
    }
    ds_put_format(&ds, " conflicts with %s=", mf->name);
    mf_format_value(mf, &ov, &om, NULL, &ds);
    ds_put_cstr(&ds, " given earlier");
    return ds_steal_cstr(&ds);
}

static char *parse_shorthand(struct match *m, size_t i)
{
    const struct mf_field *dl_type = mf_from_id(MFF_DL_TYPE);
    const struct mf_field *nw_proto = mf_from_id(MFF_NW_PROTO);
    union mf_value v;
    mf_value_from_u64(&v, shorthands[i].dl_type);
    char *error =
        check_conflict(m, dl_type, &v, NULL, shorthands[i].name, NULL);
    if (error) {
        return error;
    }
    match_set_field(m, dl_type, &v, NULL);
    if (shorthands[i].nw_proto) {
        mf_value_from_u64(&v, shorthands[i].nw_proto);
        error =
            check_conflict(m, nw_proto, &v, NULL, shorthands[i].name, NULL);
        if (error) {
            return error;
        }
        match_set_field(m, nw_proto, &v, NULL);
    }
    return NULL;
}

char *match_parse_piece(struct match *m, const char *name, const char *value,
                        const struct portmap *ports)
{
    for (size_t i = 0; i < ARRAY_SIZE(shorthands); i++) {
        if (!strcmp(name, shorthands[i].name)) {
            if (value) {
                return xasprintf("%s=%s: '%s' is a protocol shorthand and "
                                 "takes no value",
                                 name, value, name);
            }
            return parse_shorthand(m, i);
        }
    }

    const struct mf_field *mf = mf_from_field_name(name, strlen(name));
    if (!mf) {
        return xasprintf("unknown field '%s'", name);
    }
    if (!value) {
        return xasprintf("%s: missing value (expected %s=VALUE)", name, name);
    }

    union mf_value v, mask;
    char *error;
    uint64_t x;
    if (mf->id == MFF_DL_VLAN && str_to_u64(value, UINT16_MAX, &x)
        && x == 0xffff) {
        /* OpenFlow 1.0's OFP_VLAN_NONE: only frames without a tag. */
        mf = mf_from_id(MFF_VLAN_TCI);
        mf_value_from_u64(&v, 0);
        mf_value_from_u64(&mask, 0xffff);
    } else {
        error = mf_parse_value(mf, value, ports, &v, &mask);
        if (error) {
            return error;
        }
    }

    error = check_conflict(m, mf, &v, &mask, name, value);
    if (error) {
        return error;
    }
    match_set_field(m, mf, &v, &mask);

    /* Say at once when an earlier "ip," rules a field out; a missing
     * prerequisite waits for match_check_prereqs(), as it may follow. */
    if (mf->prereq != MFP_NONE && mf->prereq != MFP_VLAN
        && match_prereq_contradicted(m, mf->prereq)) {
        return match_prereq_error(m, mf, mf->prereq);
    }
    return NULL;
}

static void put_field(const struct match *m, enum mf_id id, const char *name,
                      const struct portmap *ports, struct ds *ds)
{
    const struct mf_field *mf = mf_from_id(id);
    union mf_value v, mask;
    match_get_field(m, mf, &v, &mask);
    if (mf_value_is_zero(&mask)) {
        return;
    }
    ds_put_format(ds, "%s=", name ? name : mf->name);
    mf_format_value(mf, &v, &mask, ports, ds);
    ds_put_char(ds, ',');
}

/* VLAN fields print as dl_vlan/dl_vlan_pcp when the match is exactly
 * what those say (tag present, whole VID/PCP), else as vlan_tci. */
static void put_vlan(const struct match *m, struct ds *ds)
{
    uint16_t tci = m->flow.vlan_tci, wc = m->wc.vlan_tci;
    if (!wc) {
        return;
    }
    uint16_t vid_mask = wc & VLAN_VID_MASK, pcp_mask = wc & VLAN_PCP_MASK;
    if ((wc & VLAN_CFI) && (tci & VLAN_CFI)
        && (!vid_mask || vid_mask == VLAN_VID_MASK)
        && (!pcp_mask || pcp_mask == VLAN_PCP_MASK)
        && (vid_mask || pcp_mask)) {
        if (vid_mask) {
            ds_put_format(ds, "dl_vlan=%u,", tci & VLAN_VID_MASK);
        }
        if (pcp_mask) {
            ds_put_format(ds, "dl_vlan_pcp=%u,", tci >> VLAN_PCP_SHIFT);
        }
    } else {
        put_field(m, MFF_VLAN_TCI, NULL, NULL, ds);
    }
}

void match_format(const struct match *m, int priority,
                  const struct portmap *ports, struct ds *ds)
{
    size_t start = ds->length;
    uint16_t dl_type;
    uint8_t nw_proto;
    match_get_proto(m, &dl_type, &nw_proto);
    bool skip_type = false, skip_proto = false;

    if (priority >= 0 && priority != OFP_DEFAULT_PRIORITY) {
        ds_put_format(ds, "priority=%d,", priority);
    }
    put_field(m, MFF_PKT_MARK, NULL, NULL, ds); /* Before the shorthand. */
    if (dl_type) {
        size_t best = ARRAY_SIZE(shorthands);
        for (size_t i = 0; i < ARRAY_SIZE(shorthands); i++) {
            if (shorthands[i].dl_type != dl_type) {
                continue;
            }
            if (shorthands[i].nw_proto && shorthands[i].nw_proto == nw_proto
                && m->wc.nw_proto == UINT8_MAX) {
                best = i;
                skip_proto = true;
                break;
            }
            if (!shorthands[i].nw_proto && best == ARRAY_SIZE(shorthands)) {
                best = i;
            }
        }
        if (best < ARRAY_SIZE(shorthands)) {
            ds_put_format(ds, "%s,", shorthands[best].name);
            skip_type = true;
        }
    }

    for (int i = 0; i < FLOW_N_REGS; i++) {
        put_field(m, MFF_REG0 + i, NULL, NULL, ds);
    }
    put_field(m, MFF_TUN_ID, NULL, NULL, ds);
    put_field(m, MFF_TUN_SRC, NULL, NULL, ds);
    put_field(m, MFF_TUN_DST, NULL, NULL, ds);
    put_field(m, MFF_METADATA, NULL, NULL, ds);
    put_field(m, MFF_IN_PORT, NULL, ports, ds);
    put_vlan(m, ds);
    put_field(m, MFF_DL_SRC, NULL, NULL, ds);
    put_field(m, MFF_DL_DST, NULL, NULL, ds);
    if (!skip_type) {
        put_field(m, MFF_DL_TYPE, NULL, NULL, ds);
    }

    bool arp = dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP;
    put_field(m, MFF_IPV6_SRC, NULL, NULL, ds);
    put_field(m, MFF_IPV6_DST, NULL, NULL, ds);
    put_field(m, MFF_IPV6_LABEL, NULL, NULL, ds);
    put_field(m, arp ? MFF_ARP_SPA : MFF_NW_SRC, NULL, NULL, ds);
    put_field(m, arp ? MFF_ARP_TPA : MFF_NW_DST, NULL, NULL, ds);
    if (!skip_proto) {
        put_field(m, arp ? MFF_ARP_OP : MFF_NW_PROTO, NULL, NULL, ds);
    }
    bool nd = mf_prereq_ok(MFP_ND, dl_type, nw_proto);
    if (!nd) {
        put_field(m, MFF_ARP_SHA, NULL, NULL, ds);
        put_field(m, MFF_ARP_THA, NULL, NULL, ds);
    }
    put_field(m, MFF_NW_TOS, NULL, NULL, ds);
    put_field(m, MFF_NW_ECN, NULL, NULL, ds);
    put_field(m, MFF_NW_TTL, NULL, NULL, ds);
    put_field(m, MFF_NW_FRAG, NULL, NULL, ds);
    if (mf_prereq_ok(MFP_ICMP_ANY, dl_type, nw_proto)
        && !(m->wc.tp_src & 0xff00) && !(m->wc.tp_dst & 0xff00)) {
        put_field(m, MFF_ICMP_TYPE, NULL, NULL, ds);
        put_field(m, MFF_ICMP_CODE, NULL, NULL, ds);
    } else {
        put_field(m, MFF_TP_SRC, NULL, NULL, ds);
        put_field(m, MFF_TP_DST, NULL, NULL, ds);
    }
    if (nd) {
        put_field(m, MFF_ND_TARGET, NULL, NULL, ds);
        put_field(m, MFF_ND_SLL, NULL, NULL, ds);
        put_field(m, MFF_ND_TLL, NULL, NULL, ds);
    }
    put_field(m, MFF_TCP_FLAGS, NULL, NULL, ds);

    if (ds->length > start) {
        ds_chomp(ds, ',');
    }
}

/* ---- Prerequisites: which field lacks what, in words. ---- */

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
    return (m->wc.tp_src & 0xff) == 0xff
           && mf_nd_type_ok(prereq, (uint8_t)m->flow.tp_src)
           && !(m->flow.tp_dst & 0xff);
}

/* Fields the prerequisite walk never looks at under their own name:
 * views of storage checked under another field's name (dl_vlan is
 * vlan_tci, arp_op is nw_proto...) and the L4 ports and ICMP codes,
 * which match_check_prereqs() checks after the walk by their masks. */
static bool is_view(enum mf_id id)
{
    switch (id) {
    case MFF_DL_VLAN:
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_VID:
    case MFF_IP_DSCP:
    case MFF_ARP_OP:
    case MFF_ARP_SPA:
    case MFF_ARP_TPA:
    case MFF_TP_SRC:
    case MFF_TP_DST:
    case MFF_ICMP_TYPE:
    case MFF_ICMP_CODE:
        return true;
    default:
        return false;
    }
}

/* The walk over every field: the first one the match uses whose
 * prerequisite it does not meet, as an error, or NULL. */
static char *unmet_field_error(const struct match *m, uint16_t dl_type,
                               uint8_t nw_proto)
{
    bool arp = dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP;
    bool icmp6 = mf_prereq_ok(MFP_ND, dl_type, nw_proto);
    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        enum mf_prereq prereq = mf->prereq;
        if (is_view(id)) {
            continue;
        }
        switch (id) {
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
        default:
            break;
        }
        /* The cheap test first: most fields' prerequisites hold (or
         * they have none), and only then does it matter whether the
         * match uses the field. */
        if ((!mf_prereq_ok(prereq, dl_type, nw_proto)
             || !nd_type_matched(m, prereq))
            && match_has_field(m, mf)) {
            return match_prereq_error(m, mf, prereq);
        }
    }

    return NULL;
}

/* Per prerequisite, the words of struct flow (and their bits) that the
 * fields with that prerequisite live in, so that one pass of ANDs over
 * the match's wildcards tells whether any of them is used.  Views that
 * unmet_field_error() skips are left out; fields it skips only in some
 * matches are in, which can only send a match to the walk, never let
 * one past it. */
#define MFP_N (MFP_ND_ADVERT + 1)
struct prereq_words {
    size_t n;
    uint8_t word[FLOW_U64S];
    uint64_t bits[FLOW_U64S];
};

/* Built on first use (switchd and its tools are single-threaded). */
static const struct prereq_words *prereq_words(void)
{
    static struct prereq_words words[MFP_N];
    static bool built;
    if (built) {
        return words;
    }
    struct flow storage[MFP_N];
    memset(storage, 0, sizeof storage);
    union mf_value ones;
    memset(&ones, 0xff, sizeof ones);
    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        if (!is_view(id)) {
            mf_set_value(mf, &ones, &storage[mf->prereq]);
        }
    }
    for (int p = 0; p < MFP_N; p++) {
        const uint64_t *u = flow_u64(&storage[p]);
        for (size_t i = 0; i < FLOW_U64S; i++) {
            if (u[i]) {
                words[p].word[words[p].n] = (uint8_t)i;
                words[p].bits[words[p].n++] = u[i];
            }
        }
    }
    built = true;
    return words;
}

/* True if the match uses a field of prerequisite 'p'. */
static bool uses_prereq(const struct match *m, const struct prereq_words *w)
{
    const uint64_t *wc = flow_u64(&m->wc);
    for (size_t i = 0; i < w->n; i++) {
        if (wc[w->word[i]] & w->bits[i]) {
            return true;
        }
    }
    return false;
}

char *match_check_prereqs(const struct match *m)
{
    uint16_t dl_type;
    uint8_t nw_proto;
    match_get_proto(m, &dl_type, &nw_proto);
    bool icmp = mf_prereq_ok(MFP_ICMP_ANY, dl_type, nw_proto);

    /* Runs on every flow add: walk the field table only when the match
     * uses a field of an unmet prerequisite (that is, to say which). */
    const struct prereq_words *words = prereq_words();
    for (int p = 0; p < MFP_N; p++) {
        if (uses_prereq(m, &words[p])
            && (!mf_prereq_ok(p, dl_type, nw_proto)
                || !nd_type_matched(m, p))) {
            char *error = unmet_field_error(m, dl_type, nw_proto);
            if (error) {
                return error;
            }
            break;
        }
    }

    /* A later fragment carries no L4 header: OVS's switch refuses an L4
     * match on it (OFPBMC_BAD_PREREQ), and so do we, at once. */
    if ((m->wc.nw_frag & FLOW_NW_FRAG_LATER)
        && (m->flow.nw_frag & FLOW_NW_FRAG_LATER) && !icmp
        && (m->wc.tp_src || m->wc.tp_dst || m->wc.tcp_flags)) {
        const struct mf_field *mf = mf_from_id(m->wc.tcp_flags ? MFF_TCP_FLAGS
                                               : m->wc.tp_src  ? MFF_TP_SRC
                                                               : MFF_TP_DST);
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
        if (!wc || (icmp && narrow)
            || (!icmp && mf_prereq_ok(MFP_L4, dl_type, nw_proto))) {
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
