#include "packet-commit.h"

#include <stddef.h>
#include <string.h>

/* Byte access that never assumes alignment: frames start anywhere. */
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* Incremental Internet checksum update (RFC 1624, eqn. 3) of the 16-bit
 * checksum at 'csum' for a 16-bit word changing from 'old' to 'new'. */
static void csum_update16(uint8_t *csum, uint16_t old, uint16_t new)
{
    uint32_t sum = (uint16_t)~get16(csum);
    sum += (uint16_t)~old;
    sum += new;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    put16(csum, (uint16_t)~sum);
}

static void csum_update32(uint8_t *csum, uint32_t old, uint32_t new)
{
    csum_update16(csum, (uint16_t)(old >> 16), (uint16_t)(new >> 16));
    csum_update16(csum, (uint16_t)old, (uint16_t) new);
}

static uint16_t csum_full(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += get16(p + i);
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

bool packet_commit_needed(const struct flow *a, const struct flow *b)
{
    size_t ofs = offsetof(struct flow, dl_dst);
    return a->vlan_tci != b->vlan_tci
           || memcmp((const uint8_t *)a + ofs, (const uint8_t *)b + ofs,
                     sizeof *a - ofs);
}

/* Where the L4 checksum lives for 'proto' at 'l4' (NULL: none we fix).
 * A zero UDP checksum means "none" and must stay zero. */
static uint8_t *l4_csum(uint8_t *l4, size_t l4_len, uint8_t proto)
{
    if (proto == IPPROTO_TCP_ && l4_len >= 18) {
        return l4 + 16;
    }
    if (proto == IPPROTO_UDP_ && l4_len >= 8 && get16(l4 + 6)) {
        return l4 + 6;
    }
    return NULL;
}

static void commit_l4(uint8_t *l4, size_t l4_len, uint8_t proto,
                      const struct flow *old, const struct flow *new)
{
    if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_
        || proto == IPPROTO_SCTP_) {
        if (l4_len < 4) {
            return;
        }
        uint8_t *csum = l4_csum(l4, l4_len, proto);
        if (old->tp_src != new->tp_src) {
            if (csum) {
                csum_update16(csum, get16(l4), new->tp_src);
            }
            put16(l4, new->tp_src);
        }
        if (old->tp_dst != new->tp_dst) {
            if (csum) {
                csum_update16(csum, get16(l4 + 2), new->tp_dst);
            }
            put16(l4 + 2, new->tp_dst);
        }
    } else if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_) {
        if (l4_len < 4) {
            return;
        }
        uint16_t before = get16(l4);
        uint16_t after =
            (uint16_t)((new->tp_src & 0xff) << 8 | (new->tp_dst & 0xff));
        if (before != after) {
            csum_update16(l4 + 2, before, after);
            put16(l4, after);
        }
    }
}

static void commit_ipv4(uint8_t *ip, size_t len, const struct flow *old,
                        const struct flow *new)
{
    if (len < 20 || (ip[0] >> 4) != 4) {
        return;
    }
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    if (ihl < 20 || ihl > len) {
        return;
    }
    uint8_t proto = ip[9];
    bool later_frag = (get16(ip + 6) & 0x1fff) != 0;
    uint8_t *l4 = ip + ihl;
    size_t l4_len = len - ihl;
    uint8_t *csum = later_frag ? NULL : l4_csum(l4, l4_len, proto);

    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    bool changed = false;
    if (old->nw_src != new->nw_src && src != new->nw_src) {
        if (csum) {
            csum_update32(csum, src, new->nw_src);
        }
        put32(ip + 12, new->nw_src);
        changed = true;
    }
    if (old->nw_dst != new->nw_dst && dst != new->nw_dst) {
        if (csum) {
            csum_update32(csum, dst, new->nw_dst);
        }
        put32(ip + 16, new->nw_dst);
        changed = true;
    }
    if (old->nw_tos != new->nw_tos || old->nw_ecn != new->nw_ecn) {
        ip[1] = (uint8_t)((new->nw_tos & 0xfc) | (new->nw_ecn & 3));
        changed = true;
    }
    if (old->nw_ttl != new->nw_ttl) {
        ip[8] = new->nw_ttl;
        changed = true;
    }
    if (changed) {
        /* Recomputed rather than patched: the header is 20-60 bytes. */
        put16(ip + 10, 0);
        put16(ip + 10, csum_full(ip, ihl));
    }
    if (!later_frag) {
        commit_l4(l4, l4_len, proto, old, new);
    }
}

static void commit_ipv6(uint8_t *ip, size_t len, const struct flow *old,
                        const struct flow *new)
{
    if (len < 40 || (ip[0] >> 4) != 6) {
        return;
    }
    uint8_t proto = ip[6];
    uint8_t *l4 = ip + 40;
    size_t l4_len = len - 40;
    uint8_t *csum = l4_csum(l4, l4_len, proto);
    if (proto == IPPROTO_ICMPV6_ && l4_len >= 4) {
        csum = l4 + 2;
    }
    for (int i = 0; i < 2; i++) {
        const uint8_t *want = i ? new->ipv6_dst : new->ipv6_src;
        const uint8_t *was = i ? old->ipv6_dst : old->ipv6_src;
        uint8_t *at = ip + 8 + 16 * i;
        if (memcmp(want, was, 16) && memcmp(want, at, 16)) {
            for (int w = 0; csum && w < 16; w += 2) {
                csum_update16(csum, get16(at + w), get16(want + w));
            }
            memcpy(at, want, 16);
        }
    }
    if (old->ipv6_label != new->ipv6_label) {
        /* The flow label is the low 20 bits of the first word (no
         * checksum covers it). */
        put32(ip, (get32(ip) & 0xfff00000u) | (new->ipv6_label & 0xfffff));
    }
    if (old->nw_tos != new->nw_tos || old->nw_ecn != new->nw_ecn) {
        uint8_t tc = (uint8_t)((new->nw_tos & 0xfc) | (new->nw_ecn & 3));
        ip[0] = (uint8_t)(0x60 | tc >> 4);
        ip[1] = (uint8_t)((ip[1] & 0x0f) | (tc & 0x0f) << 4);
    }
    if (old->nw_ttl != new->nw_ttl) {
        ip[7] = new->nw_ttl;
    }
    commit_l4(l4, l4_len, proto, old, new);
}

static void commit_arp(uint8_t *arp, size_t len, const struct flow *old,
                       const struct flow *new)
{
    /* Ethernet/IPv4 ARP only: that is all flow_extract() decodes. */
    if (len < 28 || get16(arp) != 1 || get16(arp + 2) != ETH_TYPE_IP
        || arp[4] != 6 || arp[5] != 4) {
        return;
    }
    if (old->nw_proto != new->nw_proto) {
        put16(arp + 6, new->nw_proto);
    }
    if (memcmp(old->arp_sha, new->arp_sha, 6)) {
        memcpy(arp + 8, new->arp_sha, 6);
    }
    if (old->nw_src != new->nw_src) {
        put32(arp + 14, new->nw_src);
    }
    if (memcmp(old->arp_tha, new->arp_tha, 6)) {
        memcpy(arp + 18, new->arp_tha, 6);
    }
    if (old->nw_dst != new->nw_dst) {
        put32(arp + 24, new->nw_dst);
    }
}

void packet_commit(struct packet *pkt, const struct flow *old,
                   const struct flow *new, uint16_t vlan_tpid)
{
    if (pkt->len < 14) {
        return;
    }
    uint8_t *eth = packet_data(pkt);
    memcpy(eth, new->dl_dst, 6);
    memcpy(eth + 6, new->dl_src, 6);

    bool was_tagged = old->vlan_tci & VLAN_CFI;
    bool tagged = new->vlan_tci &VLAN_CFI;
    uint16_t tci = new->vlan_tci &(uint16_t)~VLAN_CFI;
    if (!was_tagged && tagged) {
        uint8_t *tag = packet_insert(pkt, 12, 4);
        put16(tag, vlan_tpid ? vlan_tpid : ETH_TYPE_VLAN);
        put16(tag + 2, tci);
    } else if (was_tagged && !tagged) {
        if (pkt->len >= 18) {
            packet_remove(pkt, 12, 4);
        }
    } else if (tagged && old->vlan_tci != new->vlan_tci && pkt->len >= 18) {
        put16(packet_data(pkt) + 14, tci);
    }

    /* Find L3 from the bytes themselves (after the tag edits above). */
    uint8_t *data = packet_data(pkt);
    size_t ofs = 12;
    uint16_t type = get16(data + ofs);
    for (int i = 0;
         i < 2 && (type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD);
         i++) {
        if (pkt->len < ofs + 6) {
            return;
        }
        ofs += 4;
        type = get16(data + ofs);
    }
    ofs += 2;
    if (ofs > pkt->len) {
        return;
    }
    uint8_t *l3 = data + ofs;
    size_t l3_len = pkt->len - ofs;
    if (type == ETH_TYPE_IP) {
        commit_ipv4(l3, l3_len, old, new);
    } else if (type == ETH_TYPE_IPV6) {
        commit_ipv6(l3, l3_len, old, new);
    } else if (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP) {
        commit_arp(l3, l3_len, old, new);
    }
}
