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
    __u32 want = skb->len < 68 ? skb->len : 68;
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
