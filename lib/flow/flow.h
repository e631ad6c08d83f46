/* flow: the packet key.
 *
 * A 'struct flow' holds everything a match can look at: metadata the
 * switch attaches (in_port, tunnel, registers, metadata) and the header
 * fields of the frame.  Every member is in host byte order; MAC and IPv6
 * addresses are byte arrays in wire order.  Several fields share storage
 * as they do in OpenFlow: ARP's opcode is nw_proto, its SPA/TPA are
 * nw_src/nw_dst, and ICMP type/code are tp_src/tp_dst.
 *
 * Invariant: a flow is always fully zeroed before it is filled (padding
 * included), so flows and masks can be hashed and compared as arrays of
 * 64-bit words (FLOW_U64S of them).  The classifier relies on this. */
#ifndef SW_FLOW_H
#define SW_FLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"

#define FLOW_N_REGS 16

/* Ethernet types. */
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_IPV6 0x86dd

/* IP protocols. */
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

/* vlan_tci: bit 12 (the old CFI bit) means "a VLAN header is present",
 * as in OpenFlow 1.0 / OVS; the VID is bits 0-11, the PCP bits 13-15. */
#define VLAN_CFI 0x1000
#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13

/* nw_frag bits. */
#define FLOW_NW_FRAG_ANY 0x01   /* Some fragment of a datagram. */
#define FLOW_NW_FRAG_LATER 0x02 /* Not the first fragment. */
#define FLOW_NW_FRAG_MASK (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)

struct flow {
    /* Pipeline metadata, cleared when a packet crosses a patch port
     * (everything before FLOW_PATCH_KEEP_OFS). */
    uint64_t tun_id;   /* VNI for VXLAN (24 bits used). */
    uint64_t metadata; /* OpenFlow 1.1+ metadata. */
    uint32_t regs[FLOW_N_REGS];
    uint32_t tun_src; /* Outer IPv4 source of a received tunnel packet. */
    uint32_t tun_dst; /* Outer IPv4 destination. */

    /* Metadata a patch port keeps (the packet's mark, its new in_port). */
    uint32_t pkt_mark; /* The kernel's skb mark; 0 from a userspace port. */
    uint16_t in_port;  /* OpenFlow port number. */

    /* Headers: flow_extract() fills everything from FLOW_HEADERS_OFS on.
     * dl_dst starts a 64-bit word and shares it only with dl_type, so a
     * learned MAC flow is one word of the classifier (and of memory). */
    uint16_t vlan_tci;
    uint8_t dl_dst[6];
    uint16_t dl_type;
    uint8_t dl_src[6];
    uint16_t tcp_flags; /* Low 12 bits. */

    /* L3. */
    uint32_t nw_src; /* IPv4 source, or ARP SPA. */
    uint32_t nw_dst; /* IPv4 destination, or ARP TPA. */
    uint8_t ipv6_src[16];
    uint8_t ipv6_dst[16];
    uint8_t nd_target[16]; /* IPv6 neighbor discovery target. */
    uint32_t ipv6_label;   /* IPv6 flow label, low 20 bits. */
    uint8_t arp_sha[6];    /* ARP SHA, or ND's source link-layer address. */
    uint8_t arp_tha[6];    /* ARP THA, or ND's target link-layer address. */
    uint8_t nw_proto;      /* IP protocol, or the low 8 bits of the ARP op. */
    uint8_t nw_tos;        /* DSCP in the upper 6 bits, low 2 bits zero. */
    uint8_t nw_ecn;        /* ECN, low 2 bits. */
    uint8_t nw_ttl;        /* IPv4 TTL or IPv6 hop limit. */
    uint8_t nw_frag;       /* FLOW_NW_FRAG_* bits. */
    uint8_t pad1[3];

    /* L4. */
    uint16_t tp_src; /* TCP/UDP/SCTP source port, or ICMP type. */
    uint16_t tp_dst; /* TCP/UDP/SCTP destination port, or ICMP code. */
    uint8_t pad2[4];
};

/* Every member of struct flow that holds data, in order.  Code that must
 * treat each member (flow_format) expands this list, and the assertion
 * below fails to compile when a member is added to the struct but not
 * here. */
#define FLOW_MEMBERS(M) \
    M(tun_id)           \
    M(metadata)         \
    M(regs)             \
    M(tun_src)          \
    M(tun_dst)          \
    M(pkt_mark)         \
    M(in_port)          \
    M(vlan_tci)         \
    M(dl_dst)           \
    M(dl_type)          \
    M(dl_src)           \
    M(tcp_flags)        \
    M(nw_src)           \
    M(nw_dst)           \
    M(ipv6_src)         \
    M(ipv6_dst)         \
    M(nd_target)        \
    M(ipv6_label)       \
    M(arp_sha)          \
    M(arp_tha)          \
    M(nw_proto)         \
    M(nw_tos)           \
    M(nw_ecn)           \
    M(nw_ttl)           \
    M(nw_frag)          \
    M(tp_src)           \
    M(tp_dst)
#define FLOW_MEMBER_SIZE_(MEMBER) +sizeof(((struct flow *)0)->MEMBER)
_Static_assert(0 FLOW_MEMBERS(FLOW_MEMBER_SIZE_)
                       + sizeof(((struct flow *)0)->pad1)
                       + sizeof(((struct flow *)0)->pad2)
                   == sizeof(struct flow),
               "FLOW_MEMBERS must name every member of struct flow");

/* Where the metadata a patch port keeps starts, and where the headers
 * start: metadata is [0, FLOW_HEADERS_OFS). */
#define FLOW_PATCH_KEEP_OFS offsetof(struct flow, pkt_mark)
#define FLOW_HEADERS_OFS offsetof(struct flow, vlan_tci)
_Static_assert(offsetof(struct flow, tun_dst) + sizeof(uint32_t)
                   == FLOW_PATCH_KEEP_OFS,
               "patch-cleared metadata is contiguous");
_Static_assert(offsetof(struct flow, in_port) + sizeof(uint16_t)
                   == FLOW_HEADERS_OFS,
               "in_port is the last metadata member");

#define FLOW_U64S (sizeof(struct flow) / sizeof(uint64_t))
_Static_assert(sizeof(struct flow) % 8 == 0, "flow is whole words");
_Static_assert(sizeof(struct flow) == 200, "no hidden padding in flow");
_Static_assert(offsetof(struct flow, dl_dst) % 8 == 0,
               "dl_dst starts a word (see above)");

static inline const uint64_t *flow_u64(const struct flow *f)
{
    return (const uint64_t *)(const void *)f;
}

/* Fills every header field of 'flow' from 'len' bytes of Ethernet frame
 * and zeroes the header fields the frame lacks; leaves the metadata
 * (everything before FLOW_HEADERS_OFS) as the caller set it.  Never reads
 * past 'len': truncated headers leave the deeper fields zero. */
void flow_extract(const uint8_t *frame, size_t len, struct flow *flow);

/* Builds a frame for 'flow' into 'out' (whose size is 'out_size'),
 * with a payload padding it to at least 60 bytes, valid checksums, and
 * returns its length (0 if 'out_size' is too small).  For trace, tests
 * and benchmarks. */
size_t flow_compose(const struct flow *flow, uint8_t *out, size_t out_size);

/* Hash of all of 'flow'. */
uint32_t flow_hash(const struct flow *, uint32_t basis);

/* Appends "in_port=1,dl_src=...": every nonzero field of 'flow' in match
 * syntax (used by trace and monitor). */
void flow_format(const struct flow *, struct ds *);

#endif
