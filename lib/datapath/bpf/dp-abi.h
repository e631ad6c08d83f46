/* dp-abi: what the kernel fast path (datapath.bpf.c) and switchd share:
 * the flow key, the cached action list, the per-entry statistics, the
 * miss record, and the header parser that builds the key.
 *
 * The parser is compiled twice, into the BPF object and into switchd,
 * so that the key a miss is installed under is the key the program
 * computes for the next packet of that flow.  It handles a strict subset
 * of what flow_extract() understands (Ethernet with at most one 802.1Q
 * tag whose DEI bit is clear; IPv4 without options or fragments, and
 * IPv6 without extension headers, carrying TCP, UDP, ICMP, ICMPv6 other
 * than neighbour discovery, or another protocol with no ports; ARP; any
 * other EtherType as L2 only)
 * and for that subset fills exactly the fields flow_extract() fills, so
 * two packets with one key are one flow to the pipeline.  Everything
 * else is "not cacheable" and always takes the slow path.
 *
 * Written for both compilers: fixed-width types from <linux/types.h>,
 * no libc, every read bounds-checked against 'end' with constant
 * offsets, as the BPF verifier wants. */
#ifndef SW_DP_ABI_H
#define SW_DP_ABI_H 1

#include <linux/types.h>

#define DP_MAX_ACTIONS 8
#define DP_MAX_ENTRIES 32768
/* Bytes of a missed packet copied to userspace; bigger ones are
 * dropped and counted (DP_C_MISS_TOO_BIG).  As big as one perf record
 * allows (its size is 16 bits: 65535 less the record header, the raw
 * size, struct dp_miss and alignment), because on a vxlan device the
 * kernel's GRO merges a TCP stream's segments into packets of up to
 * 64 KB: with a 9 KB limit a flow the cache cannot hold lost every one
 * of them and crawled at about 1 Mbit/s. */
#define DP_MISS_MAX_LEN 65480

/* Key: every field host order except the byte arrays (wire order). */
struct dp_key {
    __u32 ifindex; /* Device the packet came from. */
    __u32 tun_id;  /* Tunnel metadata, zero off a tunnel device. */
    __u32 tun_src;
    __u32 tun_dst;
    __u8 dl_dst[6];
    __u8 dl_src[6];
    __u16 dl_type;
    __u8 nw_proto;
    __u8 nw_tos; /* The whole TOS byte: DSCP and ECN. */
    __u8 nw_ttl;
    __u8 pad0;
    __u16 tcp_flags;
    __u32 nw_src;
    __u32 nw_dst;
    __u16 tp_src;
    __u16 tp_dst;
    __u8 arp_sha[6];
    __u8 arp_tha[6];
    __u16 vlan_tci; /* As flow_extract: tag | DP_VLAN_PRESENT, 0 none. */
    __u16 pad1;
    __u32 ipv6_label; /* Low 20 bits. */
    __u8 ipv6_src[16];
    __u8 ipv6_dst[16];
};

/* The bit of a key's vlan_tci that says "tagged" (the DEI bit's place,
 * as in struct flow: frames with DEI set are not cacheable, so it is
 * free). */
#define DP_VLAN_PRESENT 0x1000
#define DP_ETH_VLAN 0x8100
#define DP_ETH_QINQ 0x88a8

enum dp_action_type {
    DP_A_OUTPUT = 1, /* Redirect a copy (the last one: the packet). */
    DP_A_SET_TUNNEL, /* Tunnel key for the next OUTPUT to a vxlan dev. */
    DP_A_SET_ETH,    /* Rewrite the 12 bytes of Ethernet addresses. */
    DP_A_POP_VLAN,   /* Remove the outer tag (offloaded or in the data). */
    DP_A_PUSH_VLAN,  /* Push vlan_tpid, vlan_tci as the outer tag. */
    DP_A_SET_IPV4,   /* Rewrite the IPv4 TOS, TTL and addresses (and the
                      * checksums they are in). */
    DP_A_SET_L4,     /* Rewrite the TCP or UDP ports (and checksum). */
    DP_A_SET_IPV6,   /* Rewrite the IPv6 traffic class, flow label, hop
                      * limit and addresses (and the TCP, UDP or ICMPv6
                      * checksum the addresses are in). */
};

#define DP_AF_INGRESS 0x01 /* OUTPUT into the device's receive path. */
#define DP_AF_LAST 0x02    /* OUTPUT that ends the list. */

struct dp_action {
    __u8 type;
    __u8 flags;
    __u8 ttl; /* SET_TUNNEL. */
    __u8 pad;
    __u32 ifindex; /* OUTPUT. */
    __u32 vni;     /* SET_TUNNEL, host order like the key. */
    __u32 remote;
    __u32 local;     /* 0: the kernel picks the route's source. */
    __u8 eth[12];    /* SET_ETH: dl_dst then dl_src. */
    __u16 vlan_tpid; /* PUSH_VLAN, host order. */
    __u16 vlan_tci;
    __u32 nw_src; /* SET_IPV4, host order like the key. */
    __u32 nw_dst;
    __u8 nw_tos;
    __u8 nw_ttl;
    __u16 tp_src; /* SET_L4, host order. */
    __u16 tp_dst;
    __u16 pad2;
    /* SET_IPV6: the header's first word (version, traffic class, flow
     * label; host order), the hop limit in nw_ttl, the addresses. */
    __u32 ipv6_word0;
    __u8 ipv6_src[16];
    __u8 ipv6_dst[16];
};

/* A cache entry.  No action at all means drop. */
struct dp_entry {
    __u64 packets;
    __u64 bytes;
    __u64 used_ns; /* bpf_ktime_get_ns() of the last hit. */
    __u32 n_actions;
    __u32 pad;
    struct dp_action actions[DP_MAX_ACTIONS];
};

/* What a miss on an ingress hook sends to userspace, followed by the
 * packet (caplen bytes of it). */
struct dp_miss {
    __u32 ifindex;
    __u32 tun_id;
    __u32 tun_src;
    __u32 tun_dst;
    __u32 len; /* skb->len */
    __u32 caplen;
    /* A tag the kernel took out of the frame (skb->vlan_tci): userspace
     * puts it back after the Ethernet addresses.  0: none. */
    __u16 vlan_tpid; /* Host order. */
    __u16 vlan_tci;
};

/* Counters (a per-CPU array indexed by these). */
enum dp_counter {
    DP_C_HIT,
    DP_C_MISS,         /* Looked up, not found. */
    DP_C_UNCACHEABLE,  /* Not parsed: always slow path. */
    DP_C_MISS_TOO_BIG, /* Ingress miss over DP_MISS_MAX_LEN: dropped. */
    DP_C_MISS_LOST,    /* perf output failed: dropped. */
    DP_C_N
};

/* Fills '*k' (zeroed by the caller, metadata set) from 'len' bytes of
 * frame at 'd'..'end' ('end' may stop short of 'len': only the linear
 * part is readable; what the parser needs must be in it).  Returns 1 if
 * the packet is cacheable, 0 if not. */
static inline __u16 dp_get16(const __u8 *p)
{
    return (__u16)((__u16)p[0] << 8 | p[1]);
}

static inline __u32 dp_get32(const __u8 *p)
{
    return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8
           | (__u32)p[3];
}

/* The L4 fields flow_extract() reads for IP protocol k->nw_proto, from
 * the header at 'l4' ('l4n' bytes of the IP packet are left): TCP's
 * and UDP's ports, TCP's flags, and the ICMP type and code in the ports
 * when the protocol is 'icmp' (1 under IPv4, 58 under IPv6).  Returns 0
 * (not cacheable) for a truncated header or SCTP, whose ports
 * flow_extract reads and we do not; 1 otherwise (other protocols have
 * no ports). */
static inline int dp_parse_l4(const __u8 *l4, const __u8 *end, __u32 l4n,
                              __u8 icmp, struct dp_key *k)
{
    switch (k->nw_proto) {
    case 6:
        if (l4 + 20 > end || l4n < 20) {
            return 0;
        }
        k->tp_src = dp_get16(l4);
        k->tp_dst = dp_get16(l4 + 2);
        k->tcp_flags = dp_get16(l4 + 12) & 0x0fff;
        return 1;
    case 17:
        if (l4 + 8 > end || l4n < 8) {
            return 0;
        }
        k->tp_src = dp_get16(l4);
        k->tp_dst = dp_get16(l4 + 2);
        return 1;
    case 132:
        return 0;
    default:
        if (k->nw_proto != icmp) {
            return 1;
        }
        if (l4 + 4 > end || l4n < 4) {
            return 0;
        }
        k->tp_src = l4[0];
        k->tp_dst = l4[1];
        return 1;
    }
}

static inline int dp_parse_ipv4(const __u8 *d, const __u8 *end, __u32 len,
                                struct dp_key *k)
{
    const __u8 *ip = d + 14;
    if (ip + 20 > end || len < 34 || ip[0] != 0x45) {
        return 0; /* Truncated, not v4, or with options. */
    }
    __u32 tot_len = dp_get16(ip + 2);
    __u32 n = len - 14;
    if (tot_len < 20) {
        return 0;
    }
    if (tot_len < n) {
        n = tot_len; /* Ethernet padding is not payload. */
    }
    if (dp_get16(ip + 6) & 0x3fff) {
        return 0; /* A fragment. */
    }
    k->nw_tos = ip[1];
    k->nw_ttl = ip[8];
    k->nw_proto = ip[9];
    k->nw_src = dp_get32(ip + 12);
    k->nw_dst = dp_get32(ip + 16);
    return dp_parse_l4(ip + 20, end, n - 20, 1, k);
}

/* IPv6 as extract_ipv6() reads it, for a fixed 40-byte header followed
 * by the L4 header: any extension header (a fragment among them) is not
 * cacheable, and neither is neighbour discovery (whose target and link
 * addresses flow_extract() reads and the key has no room for). */
static inline int dp_parse_ipv6(const __u8 *d, const __u8 *end, __u32 len,
                                struct dp_key *k)
{
    const __u8 *ip = d + 14;
    if (ip + 40 > end || len < 54 || ip[0] >> 4 != 6) {
        return 0;
    }
    __u32 n = len - 14;
    __u32 payload = dp_get16(ip + 4);
    if (payload + 40 < n) {
        n = payload + 40; /* Ethernet padding is not payload. */
    }
    k->nw_tos = (__u8)(dp_get16(ip) >> 4);
    k->nw_ttl = ip[7];
    k->nw_proto = ip[6];
    k->ipv6_label = dp_get32(ip) & 0xfffff;
    for (int i = 0; i < 16; i++) {
        k->ipv6_src[i] = ip[8 + i];
        k->ipv6_dst[i] = ip[24 + i];
    }
    switch (k->nw_proto) {
    case 0:  /* Hop-by-hop options. */
    case 43: /* Routing. */
    case 44: /* Fragment. */
    case 60: /* Destination options. */
        return 0;
    }
    if (!dp_parse_l4(ip + 40, end, n - 40, 58, k)) {
        return 0;
    }
    /* Neighbour solicitation and advertisement. */
    return k->nw_proto != 58 || (k->tp_src != 135 && k->tp_src != 136);
}

static inline int dp_parse_arp(const __u8 *d, const __u8 *end, __u32 len,
                               struct dp_key *k)
{
    const __u8 *a = d + 14;
    if (a + 28 > end || len < 42) {
        return 0;
    }
    if (dp_get16(a) != 1 || dp_get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4
        || dp_get16(a + 6) > 0xff) {
        return 0; /* flow_extract would leave fields out: slow path. */
    }
    k->nw_proto = a[7];
    for (int i = 0; i < 6; i++) {
        k->arp_sha[i] = a[8 + i];
        k->arp_tha[i] = a[18 + i];
    }
    k->nw_src = dp_get32(a + 14);
    k->nw_dst = dp_get32(a + 24);
    return 1;
}

/* One 802.1Q tag in the frame becomes the key's vlan_tci, and the rest
 * is parsed as if the tag were not there ('d' moved by 4: the L3 parsers
 * only read from d + 14).  A second tag (in the frame, or after one the
 * kernel took out and the caller put in the key), an 802.1ad tag and a
 * set DEI bit are not cacheable. */
static inline int dp_parse(const __u8 *d, const __u8 *end, __u32 len,
                           struct dp_key *k)
{
    if (d + 14 > end || len < 14) {
        return 0;
    }
    for (int i = 0; i < 6; i++) {
        k->dl_dst[i] = d[i];
        k->dl_src[i] = d[6 + i];
    }
    __u16 type = dp_get16(d + 12);
    if (type == DP_ETH_VLAN) {
        if (k->vlan_tci || d + 18 > end || len < 18) {
            return 0;
        }
        __u16 tci = dp_get16(d + 14);
        if (tci & DP_VLAN_PRESENT) {
            return 0;
        }
        k->vlan_tci = tci | DP_VLAN_PRESENT;
        type = dp_get16(d + 16);
        d += 4;
        len -= 4;
    }
    k->dl_type = type;
    switch (type) {
    case 0x0800:
        return dp_parse_ipv4(d, end, len, k);
    case 0x0806:
    case 0x8035:
        return dp_parse_arp(d, end, len, k);
    case 0x86dd:
        return dp_parse_ipv6(d, end, len, k);
    case DP_ETH_VLAN:
    case DP_ETH_QINQ:
        return 0; /* Stacked or 802.1ad tags: not yet. */
    default:
        return type >= 0x600;
    }
}

#endif
