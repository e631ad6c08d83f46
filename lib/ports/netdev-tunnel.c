/* netdev-tunnel: the rules every tunnel port follows once its options are
 * read (struct netdev_tunnel_config): where a frame goes, with which VNI
 * and which TTL.  The port's sender, trace and capture all ask here, so
 * they can never disagree about a packet. */
#include "netdev.h"

bool netdev_ip_is_multicast(uint32_t ip)
{
    return (ip & 0xf0000000u) == 0xe0000000u;
}

bool netdev_tunnel_is_multicast(const struct netdev_tunnel_config *cfg)
{
    return !cfg->remote_flow && netdev_ip_is_multicast(cfg->remote_ip);
}

bool netdev_vxlan_demux_candidate(int pass, uint32_t remote_ip, uint32_t src,
                                  uint32_t dst)
{
    switch (pass) {
    case 0:
        return remote_ip == src;
    case 1:
        return netdev_ip_is_multicast(remote_ip)
               && (remote_ip == dst || !netdev_ip_is_multicast(dst));
    default:
        return remote_ip == 0;
    }
}

uint32_t netdev_tunnel_dst(const struct netdev_tunnel_config *cfg,
                           uint32_t tun_dst)
{
    if (cfg->remote_flow) {
        return tun_dst;
    }
    /* A multicast port floods to its group until the pipeline knows
     * better: a learned flow loads the VTEP into tun_dst, as OVS does for
     * remote_ip=flow. */
    if (netdev_tunnel_is_multicast(cfg) && tun_dst) {
        return tun_dst;
    }
    return cfg->remote_ip;
}

uint32_t netdev_tunnel_vni(const struct netdev_tunnel_config *cfg,
                           uint64_t tun_id)
{
    return cfg->key_flow ? (uint32_t)(tun_id & 0xffffff) : cfg->vni;
}

uint8_t netdev_tunnel_ttl(const struct netdev_tunnel_config *cfg, uint32_t dst)
{
    if (cfg->ttl) {
        return cfg->ttl;
    }
    return netdev_ip_is_multicast(dst) ? NETDEV_TUNNEL_TTL_GROUP
                                       : NETDEV_TUNNEL_TTL_UNICAST;
}
