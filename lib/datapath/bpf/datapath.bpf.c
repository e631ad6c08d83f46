// SPDX-License-Identifier: GPL-2.0
/* The kernel fast path: TC (clsact, direct-action) programs that look a
 * packet's key up in the flow cache switchd fills and run the cached
 * action list.  Three attach points (dp-abi.h has the shared types):
 *
 *   tap_egress      TC egress of an internal (TAP) port: what the host
 *                   sends into the switch.  A miss continues into the TAP,
 *                   where switchd reads it as the netdev datapath does.
 *   port_ingress    TC ingress of a system port (veth, NIC).
 *   tunnel_ingress  TC ingress of switchd's kernel vxlan device
 *                   (collect_md), with the tunnel metadata in the key.
 *
 * An ingress miss is copied to switchd through a perf buffer (metadata,
 * then the packet) and dropped here: switchd runs the pipeline, sends
 * the packet itself and installs the entry.
 *
 * GPL because bpf_perf_event_output and the tunnel helpers are GPL-only
 * helpers; the program is built from this file by CMake. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "dp-abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, DP_MAX_ENTRIES);
    __type(key, struct dp_key);
    __type(value, struct dp_entry);
} dp_flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, DP_C_N);
    __type(key, __u32);
    __type(value, __u64);
} dp_counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} dp_misses SEC(".maps");

static __always_inline void count(__u32 which)
{
    __u64 *c = bpf_map_lookup_elem(&dp_counters, &which);
    if (c) {
        *c += 1;
    }
}

/* Builds the key of 'skb' (metadata already in '*k').  A tag the kernel
 * took out of the frame (always so at ingress) goes into the key as if
 * it were in the frame, which is where switchd sees it.  The headers the
 * parser reads must be in the linear part: pull them if they are not. */
static __always_inline int build_key(struct __sk_buff *skb, struct dp_key *k)
{
    if (skb->vlan_present) {
        if (skb->vlan_proto != bpf_htons(DP_ETH_VLAN)
            || (skb->vlan_tci & DP_VLAN_PRESENT)) {
            return 0; /* 802.1ad or DEI: not cacheable (dp-abi.h). */
        }
        k->vlan_tci = (__u16)(skb->vlan_tci | DP_VLAN_PRESENT);
    }
    /* The headers the parser reads: Ethernet, a tag, IPv6's 40 bytes
     * and TCP's first 20 (78), rounded up. */
    __u32 want = skb->len < 80 ? skb->len : 80;
    const __u8 *d = (const __u8 *)(long)skb->data;
    const __u8 *end = (const __u8 *)(long)skb->data_end;
    if (d + want > end) {
        bpf_skb_pull_data(skb, want);
        d = (const __u8 *)(long)skb->data;
        end = (const __u8 *)(long)skb->data_end;
    }
    if (d + 14 > end) {
        return 0;
    }
    /* A tag still in the data (a frame written to a TAP by a packet
     * socket) is one bpf_skb_vlan_pop() would not see unless the skb's
     * protocol says so: not cacheable then. */
    if (dp_get16(d + 12) == DP_ETH_VLAN
        && skb->protocol != bpf_htons(DP_ETH_VLAN)) {
        return 0;
    }
    return dp_parse(d, end, skb->len, k);
}

/* Where the IPv4 header starts: after the Ethernet header, and a tag
 * if one is in the data (a pushed tag is in the skb's metadata). */
static __always_inline __u32 l3_offset(struct __sk_buff *skb)
{
    __u8 type[2];
    if (bpf_skb_load_bytes(skb, 12, type, 2) < 0) {
        return 14;
    }
    return dp_get16(type) == DP_ETH_VLAN ? 18 : 14;
}

/* Where the L4 checksum of 'proto' sits from the L4 header (none: 0),
 * and the flags its update needs (UDP's zero means "none": keep it). */
static __always_inline __u32 l4_csum(__u8 proto, __u64 *flags)
{
    *flags = 0;
    if (proto == 6) {
        return 16;
    }
    if (proto == 17) {
        *flags = BPF_F_MARK_MANGLED_0;
        return 6;
    }
    return 0;
}

/* One 16-bit word of the IPv4 header, 'old' to 'new' (network order). */
static __always_inline int ip_word(struct __sk_buff *skb, __u32 l3, __u32 ofs,
                                   __u16 old, __u16 new)
{
    if (old == new) {
        return 0;
    }
    if (bpf_l3_csum_replace(skb, l3 + 10, old, new, 2) < 0) {
        return -1;
    }
    return bpf_skb_store_bytes(skb, l3 + ofs, &new, 2, 0);
}

/* One IPv4 address, also in the TCP/UDP pseudo-header's checksum. */
static __always_inline int ip_addr(struct __sk_buff *skb, __u32 l3, __u32 ofs,
                                   __u32 l4c, __u64 l4f, __u32 old, __u32 new)
{
    if (old == new) {
        return 0;
    }
    if (bpf_l3_csum_replace(skb, l3 + 10, old, new, 4) < 0) {
        return -1;
    }
    if (l4c
        && bpf_l4_csum_replace(skb, l3 + 20 + l4c, old, new,
                               BPF_F_PSEUDO_HDR | l4f | 4)
               < 0) {
        return -1;
    }
    return bpf_skb_store_bytes(skb, l3 + ofs, &new, 4, 0);
}

/* SET_IPV4 on a cacheable frame (a 20-byte IPv4 header, dp-abi.h). */
static __always_inline int set_ipv4(struct __sk_buff *skb,
                                    const struct dp_action *a)
{
    __u32 l3 = l3_offset(skb);
    __u8 ip[20];
    if (bpf_skb_load_bytes(skb, l3, ip, 20) < 0) {
        return -1;
    }
    __u64 l4f;
    __u32 l4c = l4_csum(ip[9], &l4f);
    __u16 w0, w8, n0, n8;
    __builtin_memcpy(&w0, ip, 2);
    __builtin_memcpy(&w8, ip + 8, 2);
    __u8 b0[2] = { ip[0], a->nw_tos }, b8[2] = { a->nw_ttl, ip[9] };
    __builtin_memcpy(&n0, b0, 2);
    __builtin_memcpy(&n8, b8, 2);
    __u32 src, dst;
    __builtin_memcpy(&src, ip + 12, 4);
    __builtin_memcpy(&dst, ip + 16, 4);
    if (ip_word(skb, l3, 0, w0, n0) < 0 || ip_word(skb, l3, 8, w8, n8) < 0
        || ip_addr(skb, l3, 12, l4c, l4f, src, bpf_htonl(a->nw_src)) < 0
        || ip_addr(skb, l3, 16, l4c, l4f, dst, bpf_htonl(a->nw_dst)) < 0) {
        return -1;
    }
    return 0;
}

/* SET_IPV6 on a cacheable frame (a 40-byte header straight followed by
 * the L4 one, dp-abi.h).  The IPv6 header has no checksum; the addresses
 * are in the pseudo-header of TCP, UDP and ICMPv6. */
static __always_inline int set_ipv6(struct __sk_buff *skb,
                                    const struct dp_action *a)
{
    __u32 l3 = l3_offset(skb);
    __u8 ip[40];
    if (bpf_skb_load_bytes(skb, l3, ip, 40) < 0) {
        return -1;
    }
    __u64 l4f = 0;
    __u32 l4c = ip[6] == 58 ? 2 : l4_csum(ip[6], &l4f);
    /* Nothing in the header makes up for a change as IPv4's checksum
     * does: a receive checksum over the packet (CHECKSUM_COMPLETE) must
     * follow each store (BPF_F_RECOMPUTE_CSUM), and for the addresses
     * also the L4 checksum's change, which the pseudo-header update
     * makes. */
    __u32 w0 = bpf_htonl(a->ipv6_word0);
    if (bpf_skb_store_bytes(skb, l3, &w0, 4, BPF_F_RECOMPUTE_CSUM) < 0
        || bpf_skb_store_bytes(skb, l3 + 7, &a->nw_ttl, 1,
                               BPF_F_RECOMPUTE_CSUM)
               < 0) {
        return -1;
    }
#pragma unroll
    for (int i = 0; i < 8; i++) {
        __u32 old, new;
        __builtin_memcpy(&old, ip + 8 + 4 * i, 4);
        __builtin_memcpy(&new,
                         (i < 4 ? a->ipv6_src : a->ipv6_dst) + 4 * (i % 4), 4);
        if (old == new) {
            continue;
        }
        if (l4c
            && bpf_l4_csum_replace(skb, l3 + 40 + l4c, old, new,
                                   BPF_F_PSEUDO_HDR | l4f | 4)
                   < 0) {
            return -1;
        }
        if (bpf_skb_store_bytes(skb, l3 + 8 + 4 * i, &new, 4,
                                BPF_F_RECOMPUTE_CSUM)
            < 0) {
            return -1;
        }
    }
    return 0;
}

/* SET_L4: the ports of a TCP or UDP frame, over IPv4 (a 20-byte header)
 * or IPv6 (a 40-byte one). */
static __always_inline int set_l4(struct __sk_buff *skb,
                                  const struct dp_action *a)
{
    __u32 l3 = l3_offset(skb);
    __u8 ver;
    if (bpf_skb_load_bytes(skb, l3, &ver, 1) < 0) {
        return -1;
    }
    __u32 l4 = ver >> 4 == 6 ? l3 + 40 : l3 + 20;
    __u8 proto;
    if (bpf_skb_load_bytes(skb, ver >> 4 == 6 ? l3 + 6 : l3 + 9, &proto, 1)
        < 0) {
        return -1;
    }
    __u64 l4f;
    __u32 l4c = l4_csum(proto, &l4f);
    __u16 ports[2];
    if (!l4c || bpf_skb_load_bytes(skb, l4, ports, 4) < 0) {
        return -1;
    }
    __u16 want[2] = { bpf_htons(a->tp_src), bpf_htons(a->tp_dst) };
    for (int i = 0; i < 2; i++) {
        if (ports[i] == want[i]) {
            continue;
        }
        if (bpf_l4_csum_replace(skb, l4 + l4c, ports[i], want[i], l4f | 2) < 0
            || bpf_skb_store_bytes(skb, l4 + 2 * i, &want[i], 2, 0) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Runs an entry's actions; returns the TC verdict. */
static __always_inline int execute(struct __sk_buff *skb, struct dp_entry *e)
{
    __sync_fetch_and_add(&e->packets, 1);
    __sync_fetch_and_add(&e->bytes, skb->len);
    e->used_ns = bpf_ktime_get_ns();

    __u32 n = e->n_actions;
    for (__u32 i = 0; i < DP_MAX_ACTIONS; i++) {
        if (i >= n) {
            break;
        }
        struct dp_action *a = &e->actions[i];
        if (a->type == DP_A_SET_TUNNEL) {
            struct bpf_tunnel_key tk;
            __builtin_memset(&tk, 0, sizeof tk);
            tk.tunnel_id = a->vni;
            tk.remote_ipv4 = a->remote;
            tk.local_ipv4 = a->local;
            tk.tunnel_ttl = a->ttl;
            if (bpf_skb_set_tunnel_key(skb, &tk, sizeof tk, 0) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_SET_ETH) {
            if (bpf_skb_store_bytes(skb, 0, a->eth, 12, 0) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_SET_IPV4) {
            if (set_ipv4(skb, a) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_SET_IPV6) {
            if (set_ipv6(skb, a) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_SET_L4) {
            if (set_l4(skb, a) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_POP_VLAN) {
            if (bpf_skb_vlan_pop(skb) < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_PUSH_VLAN) {
            if (bpf_skb_vlan_push(skb, bpf_htons(a->vlan_tpid), a->vlan_tci)
                < 0) {
                return TC_ACT_SHOT;
            }
        } else if (a->type == DP_A_OUTPUT) {
            __u64 flags = (a->flags & DP_AF_INGRESS) ? BPF_F_INGRESS : 0;
            if (a->flags & DP_AF_LAST) {
                return bpf_redirect(a->ifindex, flags);
            }
            bpf_clone_redirect(skb, a->ifindex, flags);
        }
    }
    return TC_ACT_SHOT;
}

/* Looks 'k' up and runs what it finds: 1 and '*verdict', or 0 on a
 * miss. */
static __always_inline int lookup(struct __sk_buff *skb, struct dp_key *k,
                                  int *verdict)
{
    struct dp_entry *e = bpf_map_lookup_elem(&dp_flows, k);
    if (!e) {
        count(DP_C_MISS);
        return 0;
    }
    count(DP_C_HIT);
    *verdict = execute(skb, e);
    return 1;
}

/* Hands an ingress miss to switchd and drops it here. */
static __always_inline int upcall(struct __sk_buff *skb,
                                  const struct dp_key *k)
{
    struct dp_miss m;
    __builtin_memset(&m, 0, sizeof m);
    m.ifindex = k->ifindex;
    m.tun_id = k->tun_id;
    m.tun_src = k->tun_src;
    m.tun_dst = k->tun_dst;
    m.len = skb->len;
    if (skb->vlan_present) {
        m.vlan_tpid = bpf_ntohs((__u16)skb->vlan_proto);
        m.vlan_tci = (__u16)skb->vlan_tci;
    }
    if (skb->len > DP_MISS_MAX_LEN) {
        count(DP_C_MISS_TOO_BIG);
        return TC_ACT_SHOT;
    }
    m.caplen = skb->len;
    __u64 flags = BPF_F_CURRENT_CPU | ((__u64)skb->len << 32);
    if (bpf_perf_event_output(skb, &dp_misses, flags, &m, sizeof m) < 0) {
        count(DP_C_MISS_LOST);
    }
    return TC_ACT_SHOT;
}

SEC("tc")
int tap_egress(struct __sk_buff *skb)
{
    struct dp_key k;
    __builtin_memset(&k, 0, sizeof k);
    k.ifindex = skb->ifindex;
    if (!build_key(skb, &k)) {
        count(DP_C_UNCACHEABLE);
        return TC_ACT_OK;
    }
    int verdict;
    return lookup(skb, &k, &verdict) ? verdict : TC_ACT_OK;
}

SEC("tc")
int port_ingress(struct __sk_buff *skb)
{
    struct dp_key k;
    __builtin_memset(&k, 0, sizeof k);
    k.ifindex = skb->ifindex;
    int verdict;
    if (!build_key(skb, &k)) {
        count(DP_C_UNCACHEABLE);
    } else if (lookup(skb, &k, &verdict)) {
        return verdict;
    }
    return upcall(skb, &k);
}

SEC("tc")
int tunnel_ingress(struct __sk_buff *skb)
{
    struct dp_key k;
    __builtin_memset(&k, 0, sizeof k);
    k.ifindex = skb->ifindex;
    struct bpf_tunnel_key tk;
    __builtin_memset(&tk, 0, sizeof tk);
    if (bpf_skb_get_tunnel_key(skb, &tk, sizeof tk, 0) < 0) {
        return TC_ACT_SHOT;
    }
    k.tun_id = tk.tunnel_id;
    k.tun_src = tk.remote_ipv4;
    k.tun_dst = tk.local_ipv4;
    int verdict;
    if (!build_key(skb, &k)) {
        count(DP_C_UNCACHEABLE);
    } else if (lookup(skb, &k, &verdict)) {
        return verdict;
    }
    return upcall(skb, &k);
}
