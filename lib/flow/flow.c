/* flow: extracting a packet key from a frame, and the reverse.
 *
 * flow_extract() runs on every received packet: it reads headers with
 * explicit bounds checks at each step, so a truncated or hostile frame
 * only leaves deeper fields zero.  flow_compose() builds the frame a
 * flow describes (used by trace, tests and the benchmark). */
#include "flow.h"

#include <string.h>

#include "hash.h"
#include "match.h"
#include "util.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

static void put16(uint8_t *p, uint16_t x)
{
    p[0] = (uint8_t)(x >> 8);
    p[1] = (uint8_t)x;
}

static void put32(uint8_t *p, uint32_t x)
{
    put16(p, (uint16_t)(x >> 16));
    put16(p + 2, (uint16_t)x);
}

/* Frames whose type field is a length (802.3 + LLC) get this dl_type,
 * as in OVS. */
#define FLOW_DL_TYPE_NONE 0x05ff

/* Neighbor solicitation (135) and advertisement (136): the target, and
 * the source (in a solicitation) or target (in an advertisement)
 * link-layer address option, into arp_sha / arp_tha as OVS keeps them. */
static void extract_nd(const uint8_t *p, size_t n, struct flow *flow)
{
    uint8_t type = p[0];
    if ((type != 135 && type != 136) || n < 24) {
        return;
    }
    memcpy(flow->nd_target, p + 8, 16);
    for (size_t o = 24; o + 8 <= n;) {
        size_t len = (size_t)p[o + 1] * 8;
        if (!len || o + len > n) {
            break;
        }
        if (len == 8 && p[o] == 1 && type == 135) {
            memcpy(flow->arp_sha, p + o + 2, 6);
        } else if (len == 8 && p[o] == 2 && type == 136) {
            memcpy(flow->arp_tha, p + o + 2, 6);
        }
        o += len;
    }
}

static void extract_l4(const uint8_t *p, size_t n, struct flow *flow)
{
    switch (flow->nw_proto) {
    case IPPROTO_TCP_:
        if (n >= 20) {
            flow->tp_src = get16(p);
            flow->tp_dst = get16(p + 2);
            flow->tcp_flags = get16(p + 12) & 0x0fff;
        }
        break;
    case IPPROTO_UDP_:
        if (n >= 8) {
            flow->tp_src = get16(p);
            flow->tp_dst = get16(p + 2);
        }
        break;
    case IPPROTO_SCTP_:
        if (n >= 12) {
            flow->tp_src = get16(p);
            flow->tp_dst = get16(p + 2);
        }
        break;
    case IPPROTO_ICMP_:
        if (n >= 4 && flow->dl_type == ETH_TYPE_IP) {
            flow->tp_src = p[0];
            flow->tp_dst = p[1];
        }
        break;
    case IPPROTO_ICMPV6_:
        if (n >= 4 && flow->dl_type == ETH_TYPE_IPV6) {
            flow->tp_src = p[0];
            flow->tp_dst = p[1];
            extract_nd(p, n, flow);
        }
        break;
    default:
        break;
    }
}

static void extract_ipv4(const uint8_t *p, size_t n, struct flow *flow)
{
    if (n < 20 || p[0] >> 4 != 4) {
        return;
    }
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    size_t tot_len = get16(p + 2);
    if (ihl < 20 || ihl > n || tot_len < ihl) {
        return;
    }
    if (tot_len < n) {
        n = tot_len; /* Ethernet padding is not L4 payload. */
    }
    flow->nw_tos = p[1] & 0xfc;
    flow->nw_ecn = p[1] & 0x03;
    flow->nw_ttl = p[8];
    flow->nw_proto = p[9];
    flow->nw_src = get32(p + 12);
    flow->nw_dst = get32(p + 16);
    uint16_t frag = get16(p + 6);
    if (frag & 0x3fff) { /* More-fragments flag or an offset. */
        flow->nw_frag = FLOW_NW_FRAG_ANY;
        if (frag & 0x1fff) {
            flow->nw_frag |= FLOW_NW_FRAG_LATER;
            return; /* No L4 header in later fragments. */
        }
    }
    extract_l4(p + ihl, n - ihl, flow);
}

static void extract_ipv6(const uint8_t *p, size_t n, struct flow *flow)
{
    if (n < 40 || p[0] >> 4 != 6) {
        return;
    }
    uint8_t tc = (uint8_t)(get16(p) >> 4);
    flow->nw_tos = tc & 0xfc;
    flow->nw_ecn = tc & 0x03;
    flow->nw_ttl = p[7];
    flow->ipv6_label = get32(p) & 0xfffff;
    memcpy(flow->ipv6_src, p + 8, 16);
    memcpy(flow->ipv6_dst, p + 24, 16);
    size_t payload = get16(p + 4);
    if (payload + 40 < n) {
        n = payload + 40;
    }
    uint8_t next = p[6];
    size_t ofs = 40;
    /* Skip the common extension headers, bounded so a loop of them in a
     * hostile frame cannot run long. */
    for (int i = 0; i < 8; i++) {
        if (next == 0 || next == 43 || next == 60) {
            if (ofs + 8 > n) {
                return;
            }
            next = p[ofs];
            ofs += ((size_t)p[ofs + 1] + 1) * 8;
        } else if (next == 44) {
            if (ofs + 8 > n) {
                return;
            }
            uint16_t off = get16(p + ofs + 2);
            next = p[ofs];
            ofs += 8;
            flow->nw_frag = FLOW_NW_FRAG_ANY;
            if (off & 0xfff8) {
                flow->nw_frag |= FLOW_NW_FRAG_LATER;
                flow->nw_proto = next;
                return;
            }
        } else {
            break;
        }
    }
    flow->nw_proto = next;
    if (ofs <= n) {
        extract_l4(p + ofs, n - ofs, flow);
    }
}

static void extract_arp(const uint8_t *p, size_t n, struct flow *flow)
{
    if (n < 28 || get16(p) != 1 || get16(p + 2) != ETH_TYPE_IP || p[4] != 6
        || p[5] != 4) {
        return;
    }
    uint16_t op = get16(p + 6);
    if (op <= 0xff) {
        flow->nw_proto = (uint8_t)op;
    }
    memcpy(flow->arp_sha, p + 8, 6);
    flow->nw_src = get32(p + 14);
    memcpy(flow->arp_tha, p + 18, 6);
    flow->nw_dst = get32(p + 24);
}

void flow_extract(const uint8_t *frame, size_t len, struct flow *flow)
{
    /* The metadata [0, FLOW_HEADERS_OFS) stays; the headers restart. */
    memset((uint8_t *)flow + FLOW_HEADERS_OFS, 0,
           sizeof *flow - FLOW_HEADERS_OFS);

    if (len < 14) {
        return;
    }
    memcpy(flow->dl_dst, frame, 6);
    memcpy(flow->dl_src, frame + 6, 6);
    uint16_t type = get16(frame + 12);
    size_t ofs = 14;
    if (type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD) {
        if (len < 18) {
            return;
        }
        flow->vlan_tci = get16(frame + 14) | VLAN_CFI;
        type = get16(frame + 16);
        ofs = 18;
    }
    if (type < 0x600) {
        flow->dl_type = FLOW_DL_TYPE_NONE;
        return;
    }
    flow->dl_type = type;
    const uint8_t *p = frame + ofs;
    size_t n = len - ofs;
    switch (type) {
    case ETH_TYPE_IP:
        extract_ipv4(p, n, flow);
        break;
    case ETH_TYPE_IPV6:
        extract_ipv6(p, n, flow);
        break;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        extract_arp(p, n, flow);
        break;
    default:
        break;
    }
}

/* Internet checksum over 'n' bytes, starting from partial sum 'sum'. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += get16(p + i);
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    return sum;
}

static uint16_t csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* CRC32c, for SCTP; bitwise, as composing is not on a fast path. */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82f63b78 & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

static size_t l4_header_len(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_TCP_:
        return 20;
    case IPPROTO_UDP_:
    case IPPROTO_ICMP_:
    case IPPROTO_ICMPV6_:
        return 8;
    case IPPROTO_SCTP_:
        return 12;
    default:
        return 0;
    }
}

/* Writes the L4 header for 'flow' at 'p' ('n' bytes including payload,
 * already zeroed) and its checksum given pseudo-header sum 'pseudo'. */
static void compose_l4(const struct flow *flow, uint8_t *p, size_t n,
                       uint32_t pseudo)
{
    switch (flow->nw_proto) {
    case IPPROTO_TCP_:
        put16(p, flow->tp_src);
        put16(p + 2, flow->tp_dst);
        put16(p + 12, (uint16_t)(5 << 12 | (flow->tcp_flags & 0x0fff)));
        put16(p + 14, 65535);
        put16(p + 16, csum_finish(csum_add(pseudo, p, n)));
        break;
    case IPPROTO_UDP_: {
        put16(p, flow->tp_src);
        put16(p + 2, flow->tp_dst);
        put16(p + 4, (uint16_t)n);
        uint16_t c = csum_finish(csum_add(pseudo, p, n));
        put16(p + 6, c ? c : 0xffff);
        break;
    }
    case IPPROTO_SCTP_: {
        put16(p, flow->tp_src);
        put16(p + 2, flow->tp_dst);
        uint32_t crc = crc32c(p, n);
        /* SCTP stores its CRC32c little-endian. */
        p[8] = (uint8_t)crc;
        p[9] = (uint8_t)(crc >> 8);
        p[10] = (uint8_t)(crc >> 16);
        p[11] = (uint8_t)(crc >> 24);
        break;
    }
    case IPPROTO_ICMP_:
    case IPPROTO_ICMPV6_:
        p[0] = (uint8_t)flow->tp_src;
        p[1] = (uint8_t)flow->tp_dst;
        put16(p + 2, csum_finish(csum_add(pseudo, p, n)));
        break;
    default:
        break;
    }
}

size_t flow_compose(const struct flow *flow, uint8_t *out, size_t out_size)
{
    size_t l2 = flow->vlan_tci & VLAN_CFI ? 18 : 14;
    size_t l3 = 0, l4 = 0;
    bool later = flow->nw_frag & FLOW_NW_FRAG_LATER;
    bool arp = flow->dl_type == ETH_TYPE_ARP || flow->dl_type == ETH_TYPE_RARP;
    if (flow->dl_type == ETH_TYPE_IP) {
        l3 = 20;
    } else if (flow->dl_type == ETH_TYPE_IPV6) {
        l3 = 40;
    } else if (arp) {
        l3 = 28;
    }
    if ((flow->dl_type == ETH_TYPE_IP || flow->dl_type == ETH_TYPE_IPV6)
        && !later) {
        l4 = l4_header_len(flow->nw_proto);
    }
    if (flow->dl_type == ETH_TYPE_IPV6 && flow->nw_frag) {
        l3 += 8; /* Fragment extension header. */
    }
    size_t total = SW_MAX(l2 + l3 + l4, (size_t)60);
    if (out_size < total) {
        return 0;
    }
    memset(out, 0, total);

    memcpy(out, flow->dl_dst, 6);
    memcpy(out + 6, flow->dl_src, 6);
    if (flow->vlan_tci & VLAN_CFI) {
        put16(out + 12, ETH_TYPE_VLAN);
        put16(out + 14, flow->vlan_tci & (uint16_t)~VLAN_CFI);
    }
    put16(out + l2 - 2, flow->dl_type);

    uint8_t *p = out + l2;
    size_t dgram = total - l2; /* L3 header, L4 and payload. */
    if (flow->dl_type == ETH_TYPE_IP) {
        p[0] = 0x45;
        p[1] = (uint8_t)(flow->nw_tos | (flow->nw_ecn & 3));
        put16(p + 2, (uint16_t)dgram);
        if (flow->nw_frag & FLOW_NW_FRAG_ANY) {
            put16(p + 6, later ? 100 : 0x2000); /* Offset, or MF. */
        }
        p[8] = flow->nw_ttl;
        p[9] = flow->nw_proto;
        put32(p + 12, flow->nw_src);
        put32(p + 16, flow->nw_dst);
        put16(p + 10, csum_finish(csum_add(0, p, 20)));
        if (l4) {
            size_t n = dgram - 20;
            uint32_t pseudo =
                csum_add(0, p + 12, 8) + flow->nw_proto + (uint32_t)n;
            if (flow->nw_proto == IPPROTO_ICMP_) {
                pseudo = 0; /* ICMPv4 has no pseudo-header. */
            }
            compose_l4(flow, p + 20, n, pseudo);
        }
    } else if (flow->dl_type == ETH_TYPE_IPV6) {
        uint32_t tc = (uint32_t)(flow->nw_tos | (flow->nw_ecn & 3));
        put32(p, 6u << 28 | tc << 20 | (flow->ipv6_label & 0xfffff));
        put16(p + 4, (uint16_t)(dgram - 40));
        p[7] = flow->nw_ttl;
        memcpy(p + 8, flow->ipv6_src, 16);
        memcpy(p + 24, flow->ipv6_dst, 16);
        size_t ofs = 40;
        if (flow->nw_frag) {
            p[6] = 44;
            p[40] = flow->nw_proto;
            put16(p + 42, later ? 100 << 3 : 1); /* Offset, or M. */
            ofs = 48;
        } else {
            p[6] = flow->nw_proto;
        }
        if (l4) {
            size_t n = dgram - ofs;
            uint32_t pseudo =
                csum_add(0, p + 8, 32) + flow->nw_proto + (uint32_t)n;
            compose_l4(flow, p + ofs, n, pseudo);
        }
    } else if (arp) {
        put16(p, 1);
        put16(p + 2, ETH_TYPE_IP);
        p[4] = 6;
        p[5] = 4;
        put16(p + 6, flow->nw_proto);
        memcpy(p + 8, flow->arp_sha, 6);
        put32(p + 14, flow->nw_src);
        memcpy(p + 18, flow->arp_tha, 6);
        put32(p + 24, flow->nw_dst);
    }
    return total;
}

uint32_t flow_hash(const struct flow *flow, uint32_t basis)
{
    const uint64_t *w = flow_u64(flow);
    uint32_t hash = basis;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        hash = hash_add64(hash, w[i]);
    }
    return hash_finish(hash, (uint32_t)sizeof *flow);
}

/* Marks a flow member exact in 'wc' if it is nonzero in 'flow'. */
#define EXACT_IF_SET(MEMBER)                                     \
    do {                                                         \
        static const uint8_t zero_[sizeof flow->MEMBER];         \
        if (memcmp(&flow->MEMBER, zero_, sizeof flow->MEMBER)) { \
            memset(&m.wc.MEMBER, 0xff, sizeof m.wc.MEMBER);      \
        }                                                        \
    } while (0)
#define EXACT_IF_SET_(MEMBER) EXACT_IF_SET(MEMBER);

void flow_format(const struct flow *flow, struct ds *ds)
{
    struct match m;
    match_init_catchall(&m);
    m.flow = *flow;
    FLOW_MEMBERS(EXACT_IF_SET_);
    for (int i = 0; i < FLOW_N_REGS; i++) {
        /* Each register is its own field. */
        m.wc.regs[i] = flow->regs[i] ? UINT32_MAX : 0;
    }
    if (flow->nw_frag) {
        m.wc.nw_frag = FLOW_NW_FRAG_MASK;
    }
    if (mf_prereq_ok(MFP_ICMP_ANY, flow->dl_type, flow->nw_proto)) {
        /* ICMP type and code are 8 bits wide within tp_src/tp_dst. */
        m.wc.tp_src &= 0xff;
        m.wc.tp_dst &= 0xff;
    }
    /* The match invariant: no value bits outside the mask. */
    uint64_t *f = (uint64_t *)(void *)&m.flow;
    const uint64_t *w = flow_u64(&m.wc);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        f[i] &= w[i];
    }
    match_format(&m, -1, NULL, ds);
}
