#include "vxlan.h"

#include <string.h>

#include "hash.h"

#define ETH_HLEN_ 14

void vxlan_header_put(uint8_t hdr[VXLAN_HLEN], uint32_t vni)
{
    vni &= VXLAN_VNI_MAX;
    hdr[0] = VXLAN_FLAG_I;
    hdr[1] = hdr[2] = hdr[3] = 0;
    hdr[4] = (uint8_t)(vni >> 16);
    hdr[5] = (uint8_t)(vni >> 8);
    hdr[6] = (uint8_t)vni;
    hdr[7] = 0;
}

enum vxlan_parse_error vxlan_header_parse(const uint8_t *data, size_t len,
                                          uint32_t *vni)
{
    if (len < VXLAN_HLEN + ETH_HLEN_) {
        return VXLAN_ERR_SHORT;
    }
    if (!(data[0] & VXLAN_FLAG_I)) {
        return VXLAN_ERR_NO_I;
    }
    *vni = ((uint32_t)data[4] << 16) | ((uint32_t)data[5] << 8) | data[6];
    return VXLAN_OK;
}

const char *vxlan_parse_error_str(enum vxlan_parse_error e)
{
    switch (e) {
    case VXLAN_OK:
        return "ok";
    case VXLAN_ERR_SHORT:
        return "truncated VXLAN packet";
    case VXLAN_ERR_NO_I:
        return "VXLAN I flag not set";
    }
    return "unknown VXLAN error";
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16)
           | ((uint32_t)p[2] << 8) | p[3];
}

uint32_t vxlan_inner_hash(const uint8_t *frame, size_t len)
{
    uint32_t hash = 0;
    if (len < ETH_HLEN_) {
        return hash_bytes(frame, len, 0);
    }
    hash = hash_bytes(frame, 12, 0);
    size_t ofs = 12;
    uint16_t type = get_be16(frame + ofs);
    /* Skip up to two VLAN tags (802.1Q inside 802.1ad). */
    for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
        if (len < ofs + 6) {
            return hash_finish(hash, type);
        }
        ofs += 4;
        type = get_be16(frame + ofs);
    }
    ofs += 2;
    hash = hash_add(hash, type);
    if (type != 0x0800 || len < ofs + 20) {
        return hash_finish(hash, 0);
    }
    const uint8_t *ip = frame + ofs;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    uint8_t proto = ip[9];
    hash = hash_add(hash, get_be32(ip + 12));
    hash = hash_add(hash, get_be32(ip + 16));
    hash = hash_add(hash, proto);
    bool fragment = (get_be16(ip + 6) & 0x3fff) != 0;
    if (!fragment && ihl >= 20 && len >= ofs + ihl + 4
        && (proto == 6 || proto == 17 || proto == 132)) {
        hash = hash_add(hash, get_be32(ip + ihl));
    }
    return hash_finish(hash, 0);
}

uint16_t vxlan_src_port(uint32_t hash)
{
    uint32_t range = VXLAN_SRC_PORT_MAX - VXLAN_SRC_PORT_MIN + 1;
    /* Multiply-shift rather than modulo: uses the hash's high bits, which
     * murmur-style finishing mixes best, and avoids a division. */
    return (uint16_t)(VXLAN_SRC_PORT_MIN
                      + (uint32_t)(((uint64_t)hash * range) >> 32));
}

size_t vxlan_gro_count(size_t len, size_t gso_size)
{
    if (!gso_size || len <= gso_size) {
        return 1;
    }
    return (len + gso_size - 1) / gso_size;
}

bool vxlan_fits_mtu(size_t inner_len, unsigned underlay_mtu)
{
    return inner_len + VXLAN_IP_UDP_VXLAN_HLEN <= underlay_mtu;
}

uint16_t vxlan_ip_csum(const void *data_, size_t n)
{
    const uint8_t *data = data_;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += get_be16(data + i);
    }
    if (n & 1) {
        sum += (uint32_t)data[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

void vxlan_put_ip_udp(uint8_t *out, uint32_t src_ip, uint32_t dst_ip,
                      uint16_t src_port, uint16_t dst_port, size_t payload_len,
                      uint8_t ttl, uint8_t tos)
{
    uint8_t *ip = out;
    size_t udp_len = VXLAN_UDP_HLEN + payload_len;
    ip[0] = 0x45;
    ip[1] = tos;
    put_be16(ip + 2, (uint16_t)(VXLAN_IP_HLEN + udp_len));
    put_be16(ip + 4, 0);      /* ID: DF is set, so it identifies nothing. */
    put_be16(ip + 6, 0x4000); /* DF. */
    ip[8] = ttl;
    ip[9] = 17;
    put_be16(ip + 10, 0);
    put_be32(ip + 12, src_ip);
    put_be32(ip + 16, dst_ip);
    put_be16(ip + 10, vxlan_ip_csum(ip, VXLAN_IP_HLEN));

    uint8_t *udp = out + VXLAN_IP_HLEN;
    put_be16(udp, src_port);
    put_be16(udp + 2, dst_port);
    put_be16(udp + 4, (uint16_t)udp_len);
    put_be16(udp + 6, 0);
}
