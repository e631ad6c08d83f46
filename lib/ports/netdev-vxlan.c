/* netdev-vxlan: the "vxlan" port type (RFC 7348).  A port is a set of
 * options plus a registration on a shared vxlan_socket; all the packet
 * work is in vxlan.c (headers) and vxlan-socket.c (I/O and demux). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netdev-provider.h"
#include "util.h"
#include "vxlan-socket.h"
#include "vxlan.h"

struct netdev_vxlan {
    struct netdev up;
    struct vxlan_socket *sock;
    struct vxlan_port_cfg cfg; /* remote_ip 0: remote_ip=flow. */
    uint32_t local_ip;
    uint16_t dst_port;
    uint8_t ttl;
};

static struct netdev_vxlan *netdev_vxlan_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_vxlan, up);
}

/* Parses the options into a config; NULL or an allocated error. */
static char *vxlan_parse_options(const char *name,
                                 const struct netdev_option *opts, size_t n,
                                 struct netdev_vxlan *v)
{
    static const char *const known[] = {"remote_ip", "local_ip", "key",
                                        "dst_port",  "ttl",      NULL};
    char *err = netdev_options_check_known(name, opts, n, known);
    if (err) {
        return err;
    }

    const char *remote = netdev_option_find(opts, n, "remote_ip");
    if (!remote) {
        return xasprintf("%s: vxlan port needs options:remote_ip", name);
    }
    if (!strcmp(remote, "flow")) {
        v->cfg.remote_ip = 0;
    } else if (!netdev_parse_ipv4(remote, &v->cfg.remote_ip) ||
               !v->cfg.remote_ip) {
        return xasprintf("%s: options:remote_ip: '%s' is not an IPv4 address "
                         "or 'flow'",
                         name, remote);
    }

    const char *local = netdev_option_find(opts, n, "local_ip");
    v->local_ip = 0;
    if (local && !netdev_parse_ipv4(local, &v->local_ip)) {
        return xasprintf("%s: options:local_ip: '%s' is not an IPv4 address",
                         name, local);
    }

    /* No key means VNI 0, as in OVS. */
    const char *key = netdev_option_find(opts, n, "key");
    uint64_t val = 0;
    v->cfg.key_flow = key && !strcmp(key, "flow");
    v->cfg.vni = 0;
    if (key && !v->cfg.key_flow) {
        if (!str_to_u64(key, VXLAN_VNI_MAX, &val)) {
            return xasprintf("%s: options:key: '%s' is not 'flow' or a VNI "
                             "in 0..16777215",
                             name, key);
        }
        v->cfg.vni = (uint32_t)val;
    }

    const char *port = netdev_option_find(opts, n, "dst_port");
    v->dst_port = VXLAN_DST_PORT;
    if (port) {
        if (!str_to_u64(port, 65535, &val) || !val) {
            return xasprintf("%s: options:dst_port: '%s' is not a port in "
                             "1..65535",
                             name, port);
        }
        v->dst_port = (uint16_t)val;
    }

    const char *ttl = netdev_option_find(opts, n, "ttl");
    v->ttl = 64;
    if (ttl) {
        if (!str_to_u64(ttl, 255, &val) || !val) {
            return xasprintf("%s: options:ttl: '%s' is not in 1..255", name,
                             ttl);
        }
        v->ttl = (uint8_t)val;
    }
    return NULL;
}

static char *vxlan_check_options(const char *name,
                                 const struct netdev_option *opts, size_t n)
{
    struct netdev_vxlan v;
    memset(&v, 0, sizeof v);
    return vxlan_parse_options(name, opts, n, &v);
}

static int vxlan_open(const char *name, const struct netdev_option *opts,
                      size_t n, struct netdev **devp, char **errp)
{
    struct netdev_vxlan *v = xzalloc(sizeof *v);
    netdev_init_(&v->up, &netdev_vxlan_class, name);
    *errp = vxlan_parse_options(name, opts, n, v);
    int error = *errp ? EINVAL : 0;
    if (!error) {
        char *sockerr = NULL;
        error = vxlan_socket_ref(v->local_ip, v->dst_port, &v->sock, &sockerr);
        if (error) {
            *errp = xasprintf("%s: %s", name, sockerr);
            free(sockerr);
        }
    }
    if (!error) {
        error = vxlan_socket_add_port(v->sock, &v->up, &v->cfg);
        if (error) {
            *errp = xasprintf("%s: another vxlan port already has this "
                              "remote_ip and key",
                              name);
            vxlan_socket_unref(v->sock);
        }
    }
    if (error) {
        netdev_uninit_(&v->up);
        free(v);
        return error;
    }
    v->up.mtu = NETDEV_INTERNAL_MTU;
    /* The underlay carries 1500-byte IP packets: 50 bytes of VXLAN leave
     * room for an inner Ethernet frame of the MTU plus 14, VLAN tags
     * included. */
    v->up.tx_max_frame = NETDEV_INTERNAL_MTU + 14;
    *devp = &v->up;
    return 0;
}

static void vxlan_close(struct netdev *dev)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    vxlan_socket_remove_port(v->sock, dev);
    vxlan_socket_unref(v->sock);
    netdev_uninit_(dev);
    free(v);
}

static int vxlan_get_fd(const struct netdev *dev)
{
    return vxlan_socket_fd(netdev_vxlan_cast(dev)->sock);
}

static int vxlan_recv(struct netdev *dev, struct packet *pkt,
                      struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    return vxlan_socket_recv(netdev_vxlan_cast(dev)->sock, pkt, tnl, rxdevp);
}

static bool vxlan_rx_pending(const struct netdev *dev)
{
    return vxlan_socket_rx_pending(netdev_vxlan_cast(dev)->sock);
}

static int vxlan_send(struct netdev *dev, const struct packet *pkt,
                      const struct netdev_tunnel *tnl)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    uint32_t dst = v->cfg.remote_ip ? v->cfg.remote_ip : tnl->tun_dst;
    if (!dst) {
        /* remote_ip=flow and the flow set no tun_dst: nowhere to go. */
        return EDESTADDRREQ;
    }
    uint32_t vni = v->cfg.key_flow ? (uint32_t)tnl->tun_id : v->cfg.vni;
    return vxlan_socket_send(v->sock, v->local_ip, dst, vni, v->ttl,
                             packet_data(pkt), pkt->len);
}

static int vxlan_send_batch(struct netdev *dev, const uint8_t *const *frames,
                            const size_t *lens, size_t n,
                            const struct netdev_tunnel *tnl, size_t *n_sent)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    uint32_t dst = v->cfg.remote_ip ? v->cfg.remote_ip : tnl->tun_dst;
    *n_sent = 0;
    if (!dst) {
        return EDESTADDRREQ;
    }
    uint32_t vni = v->cfg.key_flow ? (uint32_t)tnl->tun_id : v->cfg.vni;
    return vxlan_socket_send_batch(v->sock, v->local_ip, dst, vni, v->ttl,
                                   frames, lens, n, n_sent);
}

static void vxlan_format(const struct netdev *dev, struct ds *ds)
{
    const struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    char buf[16];
    ds_put_format(ds, "remote_ip=%s",
                  v->cfg.remote_ip ? ipv4_to_str(v->cfg.remote_ip, buf)
                                   : "flow");
    if (v->local_ip) {
        ds_put_format(ds, ", local_ip=%s", ipv4_to_str(v->local_ip, buf));
    }
    if (v->cfg.key_flow) {
        ds_put_cstr(ds, ", key=flow");
    } else {
        ds_put_format(ds, ", key=%u", v->cfg.vni);
    }
    ds_put_format(ds, ", dst_port=%u", v->dst_port);
}

bool netdev_vxlan_get_socket_stats(const struct netdev *dev,
                                   struct netdev_vxlan_socket_stats *stats)
{
    if (dev->class != &netdev_vxlan_class) {
        memset(stats, 0, sizeof *stats);
        return false;
    }
    vxlan_socket_get_stats(netdev_vxlan_cast(dev)->sock, stats);
    return true;
}

const struct netdev_class netdev_vxlan_class = {
    .type = "vxlan",
    .check_options = vxlan_check_options,
    .open = vxlan_open,
    .close = vxlan_close,
    .get_fd = vxlan_get_fd,
    .recv = vxlan_recv,
    .rx_pending = vxlan_rx_pending,
    .send = vxlan_send,
    .send_batch = vxlan_send_batch,
    .format = vxlan_format,
};
