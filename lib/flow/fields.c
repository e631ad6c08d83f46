/* fields: the field table, value access and subfield bit operations.
 *
 * Text parsing and printing of values lives in fields-text.c; this file
 * knows where each field is stored and how to move bits in and out. */
#include "fields.h"

#include <string.h>

#include "util.h"

#define F(MEMBER) \
    sizeof(((struct flow *)0)->MEMBER), offsetof(struct flow, MEMBER)
/* N registers from regs[FIRST], viewed as one wider field. */
#define REGS(FIRST, N) \
    (N) * sizeof(uint32_t), offsetof(struct flow, regs[FIRST])

/* One row per field, indexed by its id.  Columns: id, name, aliases,
 * NXM name, OXM name, width in bits, storage, format, prerequisite,
 * maskable, writable. */
#define ROW(ID, ...) [ID] = { ID, __VA_ARGS__ }
/* clang-format off */
static const struct mf_field mf_fields[MFF_N_IDS] = {
    ROW(MFF_TUN_ID, "tun_id", {"tunnel_id"}, "NXM_NX_TUN_ID",
        "OXM_OF_TUNNEL_ID", 64, F(tun_id), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_TUN_SRC, "tun_src", {NULL}, "NXM_NX_TUN_IPV4_SRC", NULL,
        32, F(tun_src), MFF_FMT_IPV4, MFP_NONE, true, true),
    ROW(MFF_TUN_DST, "tun_dst", {NULL}, "NXM_NX_TUN_IPV4_DST", NULL,
        32, F(tun_dst), MFF_FMT_IPV4, MFP_NONE, true, true),
    ROW(MFF_METADATA, "metadata", {NULL}, NULL, "OXM_OF_METADATA",
        64, F(metadata), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG0, "reg0", {NULL}, "NXM_NX_REG0", NULL,
        32, F(regs[0]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG1, "reg1", {NULL}, "NXM_NX_REG1", NULL,
        32, F(regs[1]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG2, "reg2", {NULL}, "NXM_NX_REG2", NULL,
        32, F(regs[2]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG3, "reg3", {NULL}, "NXM_NX_REG3", NULL,
        32, F(regs[3]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG4, "reg4", {NULL}, "NXM_NX_REG4", NULL,
        32, F(regs[4]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG5, "reg5", {NULL}, "NXM_NX_REG5", NULL,
        32, F(regs[5]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG6, "reg6", {NULL}, "NXM_NX_REG6", NULL,
        32, F(regs[6]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG7, "reg7", {NULL}, "NXM_NX_REG7", NULL,
        32, F(regs[7]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG8, "reg8", {NULL}, "NXM_NX_REG8", NULL,
        32, F(regs[8]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG9, "reg9", {NULL}, "NXM_NX_REG9", NULL,
        32, F(regs[9]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG10, "reg10", {NULL}, "NXM_NX_REG10", NULL,
        32, F(regs[10]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG11, "reg11", {NULL}, "NXM_NX_REG11", NULL,
        32, F(regs[11]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG12, "reg12", {NULL}, "NXM_NX_REG12", NULL,
        32, F(regs[12]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG13, "reg13", {NULL}, "NXM_NX_REG13", NULL,
        32, F(regs[13]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG14, "reg14", {NULL}, "NXM_NX_REG14", NULL,
        32, F(regs[14]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_REG15, "reg15", {NULL}, "NXM_NX_REG15", NULL,
        32, F(regs[15]), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG0, "xreg0", {NULL}, NULL, "OXM_OF_PKT_REG0",
        64, REGS(0, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG1, "xreg1", {NULL}, NULL, "OXM_OF_PKT_REG1",
        64, REGS(2, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG2, "xreg2", {NULL}, NULL, "OXM_OF_PKT_REG2",
        64, REGS(4, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG3, "xreg3", {NULL}, NULL, "OXM_OF_PKT_REG3",
        64, REGS(6, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG4, "xreg4", {NULL}, NULL, "OXM_OF_PKT_REG4",
        64, REGS(8, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG5, "xreg5", {NULL}, NULL, "OXM_OF_PKT_REG5",
        64, REGS(10, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG6, "xreg6", {NULL}, NULL, "OXM_OF_PKT_REG6",
        64, REGS(12, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XREG7, "xreg7", {NULL}, NULL, "OXM_OF_PKT_REG7",
        64, REGS(14, 2), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XXREG0, "xxreg0", {NULL}, "NXM_NX_XXREG0", NULL,
        128, REGS(0, 4), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XXREG1, "xxreg1", {NULL}, "NXM_NX_XXREG1", NULL,
        128, REGS(4, 4), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XXREG2, "xxreg2", {NULL}, "NXM_NX_XXREG2", NULL,
        128, REGS(8, 4), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_XXREG3, "xxreg3", {NULL}, "NXM_NX_XXREG3", NULL,
        128, REGS(12, 4), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_PKT_MARK, "pkt_mark", {NULL}, "NXM_NX_PKT_MARK", NULL,
        32, F(pkt_mark), MFF_FMT_HEX, MFP_NONE, true, true),
    ROW(MFF_IN_PORT, "in_port", {NULL}, "NXM_OF_IN_PORT", "OXM_OF_IN_PORT",
        16, F(in_port), MFF_FMT_PORT, MFP_NONE, false, true),
    ROW(MFF_DL_SRC, "dl_src", {"eth_src"}, "NXM_OF_ETH_SRC", "OXM_OF_ETH_SRC",
        48, F(dl_src), MFF_FMT_ETH, MFP_NONE, true, true),
    ROW(MFF_DL_DST, "dl_dst", {"eth_dst"}, "NXM_OF_ETH_DST", "OXM_OF_ETH_DST",
        48, F(dl_dst), MFF_FMT_ETH, MFP_NONE, true, true),
    ROW(MFF_DL_TYPE, "dl_type", {"eth_type"}, "NXM_OF_ETH_TYPE",
        "OXM_OF_ETH_TYPE", 16, F(dl_type), MFF_FMT_HEX, MFP_NONE, false, false),
    ROW(MFF_VLAN_TCI, "vlan_tci", {NULL}, "NXM_OF_VLAN_TCI", NULL,
        16, F(vlan_tci), MFF_FMT_HEX, MFP_VLAN, true, true),
    ROW(MFF_DL_VLAN, "dl_vlan", {NULL}, NULL, NULL,
        12, F(vlan_tci), MFF_FMT_DEC, MFP_VLAN, false, true),
    ROW(MFF_DL_VLAN_PCP, "dl_vlan_pcp", {"vlan_pcp"}, NULL, "OXM_OF_VLAN_PCP",
        3, F(vlan_tci), MFF_FMT_DEC, MFP_VLAN, false, true),
    ROW(MFF_VLAN_VID, "vlan_vid", {NULL}, NULL, "OXM_OF_VLAN_VID",
        13, F(vlan_tci), MFF_FMT_DEC, MFP_VLAN, true, true),
    ROW(MFF_NW_SRC, "nw_src", {"ip_src"}, "NXM_OF_IP_SRC", "OXM_OF_IPV4_SRC",
        32, F(nw_src), MFF_FMT_IPV4, MFP_IPV4_OR_ARP, true, true),
    ROW(MFF_NW_DST, "nw_dst", {"ip_dst"}, "NXM_OF_IP_DST", "OXM_OF_IPV4_DST",
        32, F(nw_dst), MFF_FMT_IPV4, MFP_IPV4_OR_ARP, true, true),
    ROW(MFF_IPV6_SRC, "ipv6_src", {NULL}, "NXM_NX_IPV6_SRC", "OXM_OF_IPV6_SRC",
        128, F(ipv6_src), MFF_FMT_IPV6, MFP_IPV6, true, true),
    ROW(MFF_IPV6_DST, "ipv6_dst", {NULL}, "NXM_NX_IPV6_DST", "OXM_OF_IPV6_DST",
        128, F(ipv6_dst), MFF_FMT_IPV6, MFP_IPV6, true, true),
    ROW(MFF_IPV6_LABEL, "ipv6_label", {NULL}, "NXM_NX_IPV6_LABEL", NULL,
        20, F(ipv6_label), MFF_FMT_HEX, MFP_IPV6, true, true),
    ROW(MFF_ND_TARGET, "nd_target", {NULL}, "NXM_NX_ND_TARGET",
        "OXM_OF_IPV6_ND_TARGET", 128, F(nd_target), MFF_FMT_IPV6, MFP_ND,
        true, false),
    ROW(MFF_ND_SLL, "nd_sll", {NULL}, "NXM_NX_ND_SLL", "OXM_OF_IPV6_ND_SLL",
        48, F(arp_sha), MFF_FMT_ETH, MFP_ND_SOLICIT, true, false),
    ROW(MFF_ND_TLL, "nd_tll", {NULL}, "NXM_NX_ND_TLL", "OXM_OF_IPV6_ND_TLL",
        48, F(arp_tha), MFF_FMT_ETH, MFP_ND_ADVERT, true, false),
    ROW(MFF_NW_PROTO, "nw_proto", {"ip_proto"}, "NXM_OF_IP_PROTO",
        "OXM_OF_IP_PROTO", 8, F(nw_proto), MFF_FMT_DEC, MFP_IP_OR_ARP, false,
        false),
    ROW(MFF_NW_TOS, "nw_tos", {NULL}, "NXM_OF_IP_TOS", NULL,
        8, F(nw_tos), MFF_FMT_DEC, MFP_IP_ANY, false, true),
    ROW(MFF_NW_ECN, "nw_ecn", {"ip_ecn"}, "NXM_NX_IP_ECN", "OXM_OF_IP_ECN",
        2, F(nw_ecn), MFF_FMT_DEC, MFP_IP_ANY, false, true),
    ROW(MFF_NW_TTL, "nw_ttl", {NULL}, "NXM_NX_IP_TTL", NULL,
        8, F(nw_ttl), MFF_FMT_DEC, MFP_IP_ANY, false, true),
    ROW(MFF_NW_FRAG, "nw_frag", {"ip_frag"}, "NXM_NX_IP_FRAG", NULL,
        2, F(nw_frag), MFF_FMT_FRAG, MFP_IP_ANY, true, false),
    ROW(MFF_ARP_OP, "arp_op", {NULL}, "NXM_OF_ARP_OP", "OXM_OF_ARP_OP",
        16, F(nw_proto), MFF_FMT_DEC, MFP_ARP, false, true),
    ROW(MFF_ARP_SPA, "arp_spa", {NULL}, "NXM_OF_ARP_SPA", "OXM_OF_ARP_SPA",
        32, F(nw_src), MFF_FMT_IPV4, MFP_ARP, true, true),
    ROW(MFF_ARP_TPA, "arp_tpa", {NULL}, "NXM_OF_ARP_TPA", "OXM_OF_ARP_TPA",
        32, F(nw_dst), MFF_FMT_IPV4, MFP_ARP, true, true),
    ROW(MFF_ARP_SHA, "arp_sha", {NULL}, "NXM_NX_ARP_SHA", "OXM_OF_ARP_SHA",
        48, F(arp_sha), MFF_FMT_ETH, MFP_ARP, true, true),
    ROW(MFF_ARP_THA, "arp_tha", {NULL}, "NXM_NX_ARP_THA", "OXM_OF_ARP_THA",
        48, F(arp_tha), MFF_FMT_ETH, MFP_ARP, true, true),
    ROW(MFF_TP_SRC, "tp_src", {"tcp_src", "udp_src", "sctp_src"},
        "NXM_OF_TCP_SRC", "OXM_OF_TCP_SRC", 16, F(tp_src), MFF_FMT_DEC, MFP_L4,
        true, true),
    ROW(MFF_TP_DST, "tp_dst", {"tcp_dst", "udp_dst", "sctp_dst"},
        "NXM_OF_TCP_DST", "OXM_OF_TCP_DST", 16, F(tp_dst), MFF_FMT_DEC, MFP_L4,
        true, true),
    ROW(MFF_ICMP_TYPE, "icmp_type", {"icmpv6_type"},
        "NXM_OF_ICMP_TYPE", "OXM_OF_ICMPV4_TYPE", 8, F(tp_src), MFF_FMT_DEC,
        MFP_ICMP_ANY, false, true),
    ROW(MFF_ICMP_CODE, "icmp_code", {"icmpv6_code"},
        "NXM_OF_ICMP_CODE", "OXM_OF_ICMPV4_CODE", 8, F(tp_dst), MFF_FMT_DEC,
        MFP_ICMP_ANY, false, true),
    ROW(MFF_TCP_FLAGS, "tcp_flags", {NULL}, "NXM_NX_TCP_FLAGS", NULL,
        12, F(tcp_flags), MFF_FMT_TCP_FLAGS, MFP_TCP, true, false),
    ROW(MFF_IP_DSCP, "ip_dscp", {NULL}, NULL, "OXM_OF_IP_DSCP",
        6, F(nw_tos), MFF_FMT_DEC, MFP_IP_ANY, false, true),
};
/* clang-format on */

/* Names OVS accepts that do not fit a row's alias slots: the per-protocol
 * NXM/OXM names of the shared L4 and ICMP fields. */
static const struct {
    const char *name;
    enum mf_id id;
} mf_extra_names[] = {
    { "NXM_OF_UDP_SRC", MFF_TP_SRC },
    { "NXM_OF_UDP_DST", MFF_TP_DST },
    { "OXM_OF_UDP_SRC", MFF_TP_SRC },
    { "OXM_OF_UDP_DST", MFF_TP_DST },
    { "OXM_OF_SCTP_SRC", MFF_TP_SRC },
    { "OXM_OF_SCTP_DST", MFF_TP_DST },
    { "NXM_NX_ICMPV6_TYPE", MFF_ICMP_TYPE },
    { "NXM_NX_ICMPV6_CODE", MFF_ICMP_CODE },
    { "OXM_OF_ICMPV6_TYPE", MFF_ICMP_TYPE },
    { "OXM_OF_ICMPV6_CODE", MFF_ICMP_CODE },
};

const struct mf_field *mf_from_id(enum mf_id id)
{
    if ((unsigned)id >= MFF_N_IDS) {
        return NULL;
    }
    return &mf_fields[id];
}

static bool name_eq(const char *want, const char *name, size_t len)
{
    return want && strlen(want) == len && !memcmp(want, name, len);
}

/* Matches 'name' against an NXM/OXM name, also with the "_W" suffix
 * OpenFlow uses for the masked variant. */
static bool xm_name_eq(const char *want, const char *name, size_t len)
{
    if (name_eq(want, name, len)) {
        return true;
    }
    return want && len > 2 && !memcmp(name + len - 2, "_W", 2)
           && name_eq(want, name, len - 2);
}

const struct mf_field *mf_from_name(const char *name, size_t len)
{
    for (size_t i = 0; i < MFF_N_IDS; i++) {
        const struct mf_field *mf = &mf_fields[i];
        if (name_eq(mf->name, name, len) || xm_name_eq(mf->nxm_name, name, len)
            || xm_name_eq(mf->oxm_name, name, len)) {
            return mf;
        }
        for (size_t j = 0; j < ARRAY_SIZE(mf->aliases) && mf->aliases[j];
             j++) {
            if (name_eq(mf->aliases[j], name, len)) {
                return mf;
            }
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(mf_extra_names); i++) {
        if (xm_name_eq(mf_extra_names[i].name, name, len)) {
            return &mf_fields[mf_extra_names[i].id];
        }
    }
    return NULL;
}

const struct mf_field *mf_from_field_name(const char *name, size_t len)
{
    for (size_t i = 0; i < MFF_N_IDS; i++) {
        const struct mf_field *mf = &mf_fields[i];
        if (name_eq(mf->name, name, len)) {
            return mf;
        }
        for (size_t j = 0; j < ARRAY_SIZE(mf->aliases) && mf->aliases[j];
             j++) {
            if (name_eq(mf->aliases[j], name, len)) {
                return mf;
            }
        }
    }
    return NULL;
}

bool mf_reg_view(const struct mf_field *mf, unsigned *first, unsigned *n)
{
    if (mf->id >= MFF_XREG0 && mf->id <= MFF_XREG7) {
        *first = 2 * (unsigned)(mf->id - MFF_XREG0);
        *n = 2;
        return true;
    }
    if (mf->id >= MFF_XXREG0 && mf->id <= MFF_XXREG3) {
        *first = 4 * (unsigned)(mf->id - MFF_XXREG0);
        *n = 4;
        return true;
    }
    return false;
}

/* Register views are big-endian concatenations of host-order registers,
 * the lowest-numbered one most significant (xreg0 = reg0:reg1). */
static void get_regs(const struct flow *flow, unsigned first, unsigned n,
                     union mf_value *value)
{
    memset(value, 0, sizeof *value);
    for (unsigned j = 0; j < n; j++) {
        uint32_t r = flow->regs[first + j];
        uint8_t *p = &value->b[16 - 4 * n + 4 * j];
        p[0] = (uint8_t)(r >> 24);
        p[1] = (uint8_t)(r >> 16);
        p[2] = (uint8_t)(r >> 8);
        p[3] = (uint8_t)r;
    }
}

static void set_regs(struct flow *flow, unsigned first, unsigned n,
                     const union mf_value *value)
{
    for (unsigned j = 0; j < n; j++) {
        const uint8_t *p = &value->b[16 - 4 * n + 4 * j];
        flow->regs[first + j] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
                                | (uint32_t)p[2] << 8 | p[3];
    }
}

const char *mf_subfield_name(const struct mf_field *mf)
{
    return mf->nxm_name   ? mf->nxm_name
           : mf->oxm_name ? mf->oxm_name
                          : mf->name;
}

/* Integer fields whose flow member is narrower than the field (arp_op
 * lives in the 8-bit nw_proto) or wider (ICMP type in the 16-bit tp_src)
 * hold this many meaningful bits. */
unsigned mf_value_bits(const struct mf_field *mf)
{
    if (mf->format == MFF_FMT_ETH || mf->format == MFF_FMT_IPV6
        || mf->id == MFF_DL_VLAN || mf->id == MFF_DL_VLAN_PCP
        || mf->id == MFF_IP_DSCP) {
        return mf->n_bits;
    }
    return SW_MIN(mf->n_bits, mf->n_bytes * 8);
}

static uint64_t read_uint(const void *p, unsigned n_bytes)
{
    switch (n_bytes) {
    case 1:
        return *(const uint8_t *)p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static void write_uint(void *p, unsigned n_bytes, uint64_t x)
{
    switch (n_bytes) {
    case 1:
        *(uint8_t *)p = (uint8_t)x;
        break;
    case 2: {
        uint16_t v = (uint16_t)x;
        memcpy(p, &v, 2);
        break;
    }
    case 4: {
        uint32_t v = (uint32_t)x;
        memcpy(p, &v, 4);
        break;
    }
    default:
        memcpy(p, &x, 8);
        break;
    }
}

static uint64_t low_mask(unsigned n_bits)
{
    return n_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << n_bits) - 1;
}

void mf_get_value(const struct mf_field *mf, const struct flow *flow,
                  union mf_value *value)
{
    const uint8_t *p = (const uint8_t *)flow + mf->offset;
    unsigned first, n;
    if (mf_reg_view(mf, &first, &n)) {
        get_regs(flow, first, n, value);
        return;
    }
    memset(value, 0, sizeof *value);
    if (mf->format == MFF_FMT_ETH || mf->format == MFF_FMT_IPV6) {
        memcpy(&value->b[16 - mf->n_bytes], p, mf->n_bytes);
        return;
    }
    uint64_t x = read_uint(p, mf->n_bytes);
    switch (mf->id) {
    case MFF_DL_VLAN:
        x &= VLAN_VID_MASK;
        break;
    case MFF_DL_VLAN_PCP:
        x = (x & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT;
        break;
    case MFF_IP_DSCP:
        x >>= 2;
        break;
    default:
        x &= low_mask(mf_value_bits(mf));
        break;
    }
    mf_value_from_u64(value, x);
}

void mf_set_value(const struct mf_field *mf, const union mf_value *value,
                  struct flow *flow)
{
    uint8_t *p = (uint8_t *)flow + mf->offset;
    unsigned first, n;
    if (mf_reg_view(mf, &first, &n)) {
        set_regs(flow, first, n, value);
        return;
    }
    if (mf->format == MFF_FMT_ETH || mf->format == MFF_FMT_IPV6) {
        memcpy(p, &value->b[16 - mf->n_bytes], mf->n_bytes);
        return;
    }
    uint64_t x = mf_value_to_u64(value);
    uint64_t old = read_uint(p, mf->n_bytes);
    switch (mf->id) {
    case MFF_DL_VLAN:
        /* Writing a VID makes the frame tagged, as mod_vlan_vid does. */
        x = (old & ~(uint64_t)VLAN_VID_MASK) | (x & VLAN_VID_MASK) | VLAN_CFI;
        break;
    case MFF_DL_VLAN_PCP:
        x = (old & ~(uint64_t)VLAN_PCP_MASK)
            | ((x << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI;
        break;
    case MFF_IP_DSCP:
        x = (old & 0x03) | ((x & 0x3f) << 2);
        break;
    default: {
        uint64_t m = low_mask(mf_value_bits(mf));
        x = (old & ~m) | (x & m);
        break;
    }
    }
    write_uint(p, mf->n_bytes, x);
}

static bool is_ip_any(uint16_t dl_type)
{
    return dl_type == ETH_TYPE_IP || dl_type == ETH_TYPE_IPV6;
}

static bool is_arp(uint16_t dl_type)
{
    return dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP;
}

bool mf_prereq_ok(enum mf_prereq prereq, uint16_t dl_type, uint8_t nw_proto)
{
    switch (prereq) {
    case MFP_NONE:
    case MFP_VLAN:
        return true;
    case MFP_IPV4:
        return dl_type == ETH_TYPE_IP;
    case MFP_IPV6:
        return dl_type == ETH_TYPE_IPV6;
    case MFP_IP_ANY:
        return is_ip_any(dl_type);
    case MFP_ARP:
        return is_arp(dl_type);
    case MFP_L4:
        return is_ip_any(dl_type)
               && (nw_proto == IPPROTO_TCP_ || nw_proto == IPPROTO_UDP_
                   || nw_proto == IPPROTO_SCTP_);
    case MFP_TCP:
        return is_ip_any(dl_type) && nw_proto == IPPROTO_TCP_;
    case MFP_ICMPV4:
        return dl_type == ETH_TYPE_IP && nw_proto == IPPROTO_ICMP_;
    case MFP_ICMP_ANY:
        return (dl_type == ETH_TYPE_IP && nw_proto == IPPROTO_ICMP_)
               || (dl_type == ETH_TYPE_IPV6 && nw_proto == IPPROTO_ICMPV6_);
    case MFP_IPV4_OR_ARP:
        return dl_type == ETH_TYPE_IP || is_arp(dl_type);
    case MFP_IP_OR_ARP:
        return is_ip_any(dl_type) || is_arp(dl_type);
    case MFP_ND:
    case MFP_ND_SOLICIT:
    case MFP_ND_ADVERT:
        /* The ICMPv6 type is checked by mf_nd_type_ok(). */
        return dl_type == ETH_TYPE_IPV6 && nw_proto == IPPROTO_ICMPV6_;
    }
    return false;
}

bool mf_nd_type_ok(enum mf_prereq prereq, uint8_t icmp_type)
{
    switch (prereq) {
    case MFP_ND:
        return icmp_type == 135 || icmp_type == 136;
    case MFP_ND_SOLICIT:
        return icmp_type == 135;
    case MFP_ND_ADVERT:
        return icmp_type == 136;
    default:
        return true;
    }
}

bool mf_are_prereqs_ok(const struct mf_field *mf, const struct flow *flow)
{
    return mf_prereq_ok(mf->prereq, flow->dl_type, flow->nw_proto)
           && mf_nd_type_ok(mf->prereq, (uint8_t)flow->tp_src);
}

/* Bit 'i' of a right-aligned value is bit i % 8 of byte 15 - i / 8. */
static bool get_bit(const union mf_value *v, unsigned i)
{
    return (v->b[15 - i / 8] >> (i % 8)) & 1;
}

static void put_bit(union mf_value *v, unsigned i, bool bit)
{
    uint8_t m = (uint8_t)(1u << (i % 8));
    if (bit) {
        v->b[15 - i / 8] |= m;
    } else {
        v->b[15 - i / 8] &= (uint8_t)~m;
    }
}

void mf_value_set_bits(union mf_value *dst, unsigned dst_ofs,
                       const union mf_value *src, unsigned src_ofs,
                       unsigned n_bits)
{
    if (dst_ofs % 8 == 0 && src_ofs % 8 == 0 && n_bits % 8 == 0) {
        /* Byte-aligned copies (whole fields, most registers) are the
         * common case in load/move/learn. */
        unsigned n = n_bits / 8;
        memmove(&dst->b[16 - dst_ofs / 8 - n], &src->b[16 - src_ofs / 8 - n],
                n);
        return;
    }
    union mf_value tmp = *src; /* src and dst may be the same value. */
    for (unsigned i = 0; i < n_bits; i++) {
        put_bit(dst, dst_ofs + i, get_bit(&tmp, src_ofs + i));
    }
}

bool mf_value_is_zero(const union mf_value *v)
{
    return !v->be64[0] && !v->be64[1];
}

bool mf_value_is_all_ones(const union mf_value *v, unsigned n_bits)
{
    for (unsigned i = 0; i < n_bits; i++) {
        if (!get_bit(v, i)) {
            return false;
        }
    }
    return true;
}

uint64_t mf_value_to_u64(const union mf_value *v)
{
    uint64_t x = 0;
    for (int i = 8; i < 16; i++) {
        x = (x << 8) | v->b[i];
    }
    return x;
}

void mf_value_from_u64(union mf_value *v, uint64_t x)
{
    memset(v, 0, sizeof *v);
    for (int i = 15; i >= 8; i--) {
        v->b[i] = (uint8_t)x;
        x >>= 8;
    }
}

void mf_read_subfield(const struct mf_subfield *sf, const struct flow *flow,
                      union mf_value *x)
{
    union mf_value v;
    mf_get_value(sf->field, flow, &v);
    memset(x, 0, sizeof *x);
    mf_value_set_bits(x, 0, &v, sf->ofs, sf->n_bits);
}

void mf_write_subfield(const struct mf_subfield *sf, const union mf_value *x,
                       struct flow *flow)
{
    union mf_value v;
    mf_get_value(sf->field, flow, &v);
    mf_value_set_bits(&v, sf->ofs, x, 0, sf->n_bits);
    mf_set_value(sf->field, &v, flow);
}
