/* fields: the one table describing every matchable and writable field.
 *
 * Match parsing and printing, masks, prerequisites, subfield ranges
 * (NXM_NX_REG0[0..15]), load, move, set_field, learn and every printer are
 * driven from this table: adding a field is adding a row (plus the flow
 * member it lives in).
 *
 * Values are exchanged as 'union mf_value': 16 bytes, big-endian and
 * right-aligned, so bit 0 of any field is the low bit of b[15] and an
 * Ethernet address occupies b[10..15].  Subfield bit ranges use the same
 * representation, which makes load/move/learn uniform across widths. */
#ifndef SW_FIELDS_H
#define SW_FIELDS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "flow.h"

enum mf_id {
    MFF_TUN_ID,
    MFF_TUN_SRC,
    MFF_TUN_DST,
    MFF_METADATA,
    MFF_REG0,
    MFF_REG1,
    MFF_REG2,
    MFF_REG3,
    MFF_REG4,
    MFF_REG5,
    MFF_REG6,
    MFF_REG7,
    MFF_REG8,
    MFF_REG9,
    MFF_REG10,
    MFF_REG11,
    MFF_REG12,
    MFF_REG13,
    MFF_REG14,
    MFF_REG15,
    MFF_XREG0, /* Virtual: 64 bits over regs[0] (high) and regs[1]. */
    MFF_XREG1,
    MFF_XREG2,
    MFF_XREG3,
    MFF_XREG4,
    MFF_XREG5,
    MFF_XREG6,
    MFF_XREG7,
    MFF_XXREG0, /* Virtual: 128 bits over regs[0..3], regs[0] highest. */
    MFF_XXREG1,
    MFF_XXREG2,
    MFF_XXREG3,
    MFF_PKT_MARK,
    MFF_IN_PORT,
    MFF_DL_SRC,
    MFF_DL_DST,
    MFF_DL_TYPE,
    MFF_VLAN_TCI,
    MFF_DL_VLAN,     /* Virtual: VID bits of vlan_tci (OF1.0 semantics). */
    MFF_DL_VLAN_PCP, /* Virtual: PCP bits of vlan_tci. */
    MFF_VLAN_VID,    /* Virtual: OpenFlow 1.2's VID with the "present"
                      * bit 0x1000 (vlan_tci's CFI bit). */
    MFF_NW_SRC,
    MFF_NW_DST,
    MFF_IPV6_SRC,
    MFF_IPV6_DST,
    MFF_IPV6_LABEL,
    MFF_ND_TARGET,
    MFF_ND_SLL, /* Virtual: arp_sha's storage in a solicitation. */
    MFF_ND_TLL, /* Virtual: arp_tha's storage in an advertisement. */
    MFF_NW_PROTO,
    MFF_NW_TOS,
    MFF_NW_ECN,
    MFF_NW_TTL,
    MFF_NW_FRAG,
    MFF_ARP_OP,
    MFF_ARP_SPA,
    MFF_ARP_TPA,
    MFF_ARP_SHA,
    MFF_ARP_THA,
    MFF_TP_SRC,
    MFF_TP_DST,
    MFF_ICMP_TYPE,
    MFF_ICMP_CODE,
    MFF_TCP_FLAGS,
    MFF_IP_DSCP, /* Virtual: nw_tos >> 2 (prints as nw_tos). */
    MFF_N_IDS
};

_Static_assert(MFF_REG0 + FLOW_N_REGS - 1 == MFF_REG15,
               "register ids are consecutive, one per flow register");

/* How a value prints and parses. */
enum mf_format {
    MFF_FMT_DEC,       /* Decimal, e.g. nw_proto=6. */
    MFF_FMT_HEX,       /* 0x-prefixed hex, e.g. tun_id=0x64, reg0=0x5. */
    MFF_FMT_ETH,       /* aa:bb:cc:dd:ee:ff */
    MFF_FMT_IPV4,      /* 10.1.1.2, masks as /N when CIDR-shaped. */
    MFF_FMT_IPV6,      /* RFC 5952 text. */
    MFF_FMT_PORT,      /* OpenFlow port: number or name. */
    MFF_FMT_FRAG,      /* no, yes, first, later, not_later. */
    MFF_FMT_TCP_FLAGS, /* +syn-ack or 0x012/0xfff. */
};

/* What the match must already say for a field to be meaningful. */
enum mf_prereq {
    MFP_NONE,
    MFP_VLAN,        /* None, but OVS orders it with vlan fields. */
    MFP_IPV4,        /* dl_type=0x0800 */
    MFP_IPV6,        /* dl_type=0x86dd */
    MFP_IP_ANY,      /* IPv4 or IPv6 */
    MFP_ARP,         /* dl_type=0x0806 or 0x8035 */
    MFP_L4,          /* IP(v4|v6) and nw_proto TCP, UDP or SCTP */
    MFP_TCP,         /* IP(v4|v6) and nw_proto=6 */
    MFP_ICMPV4,      /* dl_type=0x0800, nw_proto=1 */
    MFP_ICMP_ANY,    /* ICMPv4 or ICMPv6 */
    MFP_IPV4_OR_ARP, /* nw_src/nw_dst: IPv4, or ARP/RARP (SPA/TPA). */
    MFP_IP_OR_ARP,   /* nw_proto: IPv4/IPv6, or ARP/RARP (opcode). */
    MFP_ND,          /* icmp6 with icmp_type 135 or 136. */
    MFP_ND_SOLICIT,  /* icmp6,icmp_type=135. */
    MFP_ND_ADVERT,   /* icmp6,icmp_type=136. */
};

struct mf_field {
    enum mf_id id;
    const char *name;       /* Canonical name, as printed ("dl_dst"). */
    const char *aliases[4]; /* Other accepted names ("eth_dst"), NULL end. */
    const char *nxm_name;   /* "NXM_OF_ETH_DST", or NULL. */
    const char *oxm_name;   /* "OXM_OF_ETH_DST", or NULL. */
    unsigned n_bits;        /* Width. */
    unsigned n_bytes;       /* Bytes of storage in struct flow (virtual
                             * fields: of the field they view). */
    size_t offset;          /* offsetof(struct flow, member). */
    enum mf_format format;
    enum mf_prereq prereq;
    bool maskable; /* Arbitrary masks allowed in a match. */
    bool writable; /* load/move/set_field may write it. */
};

union mf_value {
    uint8_t b[16];
    uint64_t be64[2]; /* Big-endian words, for bulk bit operations. */
};

const struct mf_field *mf_from_id(enum mf_id);
/* Looks up any accepted name: canonical, alias, NXM or OXM (with or
 * without the "_W" suffix), case-sensitive for NXM/OXM like OVS.  'len'
 * bytes of 'name' are compared (it need not be NUL-terminated).  This is
 * what a subfield accepts (load, move, output, learn). */
const struct mf_field *mf_from_name(const char *name, size_t len);
/* Only the canonical name and its aliases ("eth_src", "dl_src"): what a
 * match ("dl_src=...") and set_field accept, as in OVS, which refuses
 * NXM/OXM names there. */
const struct mf_field *mf_from_field_name(const char *name, size_t len);
/* For a register view (xreg, xxreg): the first register and how many;
 * false for any other field. */
bool mf_reg_view(const struct mf_field *, unsigned *first, unsigned *n);
/* The name used for the field in subfield syntax (NXM name, else OXM
 * name, else canonical name), as OVS prints it. */
const char *mf_subfield_name(const struct mf_field *);

/* Reads / writes a field of 'flow' as a right-aligned big-endian value.
 * mf_set_value() only touches the field's bits. */
void mf_get_value(const struct mf_field *, const struct flow *,
                  union mf_value *);
void mf_set_value(const struct mf_field *, const union mf_value *,
                  struct flow *);
/* True if the prerequisites of 'field' are met by 'flow' (a packet). */
bool mf_are_prereqs_ok(const struct mf_field *, const struct flow *);
/* The same test on a bare Ethernet type and IP protocol. */
bool mf_prereq_ok(enum mf_prereq, uint16_t dl_type, uint8_t nw_proto);
/* The part of a neighbor discovery prerequisite the two above leave out:
 * the ICMPv6 type (true for every other prerequisite). */
bool mf_nd_type_ok(enum mf_prereq, uint8_t icmp_type);
/* What a prerequisite asks for, as a user would type it ("ip or arp"). */
const char *mf_prereq_text(enum mf_prereq);

/* Meaningful bits of a field's value: n_bits, except where the flow
 * member is narrower (arp_op lives in the 8-bit nw_proto: 8) or where a
 * value wider than its storage would be truncated.  Parsers refuse
 * values above this width; masks are all-ones over it. */
unsigned mf_value_bits(const struct mf_field *);

/* Parses a value (and optional "/mask") for 'field' from 's'.  'mask' is
 * set to all-ones over the field's width when no mask is given.  Returns
 * NULL or an allocated error that names the field and why (caller
 * frees).  'ports' resolves port names for MFF_FMT_PORT (may be NULL). */
struct portmap;
char *mf_parse_value(const struct mf_field *, const char *s,
                     const struct portmap *ports, union mf_value *value,
                     union mf_value *mask);
/* Appends 'value' (with '/mask' unless 'mask' is NULL or all-ones) as
 * the field's format prints it. */
void mf_format_value(const struct mf_field *, const union mf_value *value,
                     const union mf_value *mask, const struct portmap *,
                     struct ds *);

/* A bit range of a field: NXM_NX_REG0[0..15], NXM_OF_ETH_SRC[]. */
struct mf_subfield {
    const struct mf_field *field;
    unsigned ofs;    /* First bit, 0 = least significant. */
    unsigned n_bits; /* Width. */
};

/* Parses a subfield at '*s' ("NXM_NX_REG0[0..15]", "reg0[8]",
 * "NXM_OF_ETH_SRC[]", "eth_src[]"; any field name accepted) and advances
 * '*s' past it.  Checks the range fits the field.  Returns NULL or an
 * allocated error. */
char *mf_parse_subfield(struct mf_subfield *, const char **s);
/* Appends "NXM_NX_REG0[0..15]" or "NXM_OF_ETH_SRC[]" (full width). */
void mf_format_subfield(const struct mf_subfield *, struct ds *);

/* Bit operations on right-aligned values. */
void mf_value_set_bits(union mf_value *dst, unsigned dst_ofs,
                       const union mf_value *src, unsigned src_ofs,
                       unsigned n_bits);
bool mf_value_is_zero(const union mf_value *);
bool mf_value_is_all_ones(const union mf_value *, unsigned n_bits);
uint64_t mf_value_to_u64(const union mf_value *); /* Low 64 bits. */
void mf_value_from_u64(union mf_value *, uint64_t);

/* Reads subfield 'sf' of 'flow' into the low bits of '*x' (rest zero). */
void mf_read_subfield(const struct mf_subfield *, const struct flow *,
                      union mf_value *x);
/* Writes the low sf->n_bits of 'x' into subfield 'sf' of 'flow'. */
void mf_write_subfield(const struct mf_subfield *, const union mf_value *x,
                       struct flow *);

#endif
