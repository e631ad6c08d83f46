/* netdev-vxlan: the "vxlan" port type (RFC 7348).  A port is a tunnel
 * configuration (its options, read once into struct netdev_tunnel_config)
 * plus registrations on shared vxlan_sockets; all the packet work is in
 * vxlan.c (headers) and vxlan-socket.c (I/O, demux, group membership).
 *
 * A multicast port (remote_ip in 224.0.0.0/4) registers on two sockets
 * when it has a local_ip: the unicast one of (local_ip, dst_port), for
 * answers from VTEPs that learned us, and the group's own socket, for
 * floods.  The daemon polls one fd per port, so such a port hands it an
 * epoll fd watching both: readable when either is, and netdev_recv()
 * takes from whichever has datagrams.  The sockets themselves stay shared
 * and are polled by their other ports as before. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "netdev-provider.h"
#include "util.h"
#include "vxlan-socket.h"
#include "vxlan.h"

struct netdev_vxlan {
    struct netdev up;
    bool kernel_rx; /* NETDEV_F_KERNEL_RX: the socket only sends. */
    struct netdev_tunnel_config cfg;
    struct vxlan_socket *sock; /* (local_ip, dst_port): receives, sends. */

    /* Multicast ports only. */
    int mc_ifindex;                  /* The underlay interface. */
    struct vxlan_socket *group_sock; /* (group, dst_port), when local_ip. */
    struct vxlan_socket *joined;     /* Holds our membership, or NULL. */
    int poll_fd;                     /* epoll over both sockets, or -1. */
    bool rx_group_first;             /* Which socket recv tries first. */
};

static struct netdev_vxlan *netdev_vxlan_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_vxlan, up);
}

/* remote_ip and local_ip; NULL or an allocated error. */
static char *parse_addresses(const char *name,
                             const struct netdev_option *opts, size_t n,
                             struct netdev_tunnel_config *c)
{
    const char *remote = netdev_option_find(opts, n, "remote_ip");
    if (!remote) {
        return xasprintf("%s: vxlan port needs options:remote_ip", name);
    }
    if (!strcmp(remote, "flow")) {
        c->remote_flow = true;
    } else if (!netdev_parse_ipv4(remote, &c->remote_ip) || !c->remote_ip) {
        return xasprintf("%s: options:remote_ip: '%s' is not an IPv4 address "
                         "or 'flow'",
                         name, remote);
    }

    const char *local = netdev_option_find(opts, n, "local_ip");
    if (local && !netdev_parse_ipv4(local, &c->local_ip)) {
        return xasprintf("%s: options:local_ip: '%s' is not an IPv4 address",
                         name, local);
    }
    if (netdev_ip_is_multicast(c->local_ip)) {
        return xasprintf("%s: options:local_ip: '%s' is a multicast address, "
                         "not one of this host's",
                         name, local);
    }
    return NULL;
}

/* key, dst_port and ttl; NULL or an allocated error. */
static char *parse_numbers(const char *name, const struct netdev_option *opts,
                           size_t n, struct netdev_tunnel_config *c)
{
    /* No key means VNI 0, as in OVS. */
    const char *key = netdev_option_find(opts, n, "key");
    uint64_t val = 0;
    c->key_flow = key && !strcmp(key, "flow");
    if (key && !c->key_flow) {
        if (!str_to_u64(key, VXLAN_VNI_MAX, &val)) {
            return xasprintf("%s: options:key: '%s' is not 'flow' or a VNI "
                             "in 0..16777215",
                             name, key);
        }
        c->vni = (uint32_t)val;
    }

    const char *port = netdev_option_find(opts, n, "dst_port");
    c->dst_port = VXLAN_DST_PORT;
    if (port) {
        if (!str_to_u64(port, 65535, &val) || !val) {
            return xasprintf("%s: options:dst_port: '%s' is not a port in "
                             "1..65535",
                             name, port);
        }
        c->dst_port = (uint16_t)val;
    }

    /* Unset stays 0: the default depends on the destination
     * (netdev_tunnel_ttl()). */
    const char *ttl = netdev_option_find(opts, n, "ttl");
    if (ttl) {
        if (!str_to_u64(ttl, 255, &val) || !val) {
            return xasprintf("%s: options:ttl: '%s' is not in 1..255", name,
                             ttl);
        }
        c->ttl = (uint8_t)val;
    }
    return NULL;
}

/* dev, and what a multicast port needs; NULL or an allocated error. */
static char *parse_underlay(const char *name, const struct netdev_option *opts,
                            size_t n, struct netdev_tunnel_config *c)
{
    const char *dev = netdev_option_find(opts, n, "dev");
    bool mc = netdev_tunnel_is_multicast(c);
    if (dev) {
        if (!mc) {
            return xasprintf("%s: options:dev: only a multicast remote_ip "
                             "(224.0.0.0/4) joins a group on an underlay "
                             "interface",
                             name);
        }
        if (!dev[0] || strlen(dev) >= sizeof c->dev || strchr(dev, '/')
            || strchr(dev, ' ')) {
            return xasprintf("%s: options:dev: '%s' is not an interface name "
                             "(1 to %zu characters, no '/' or space)",
                             name, dev, sizeof c->dev - 1);
        }
        snprintf(c->dev, sizeof c->dev, "%s", dev);
    }
    if (mc && !dev && !c->local_ip) {
        return xasprintf("%s: a multicast remote_ip needs options:local_ip or "
                         "options:dev to name the underlay interface that "
                         "joins the group",
                         name);
    }
    return NULL;
}

/* Reads the options into '*c' (zeroed first); NULL or an allocated
 * error. */
static char *vxlan_parse_options(const char *name,
                                 const struct netdev_option *opts, size_t n,
                                 struct netdev_tunnel_config *c)
{
    static const char *const known[] = { "remote_ip", "local_ip", "key",
                                         "dst_port",  "ttl",      "dev",
                                         NULL };
    memset(c, 0, sizeof *c);
    char *err = netdev_options_check_known(name, opts, n, known);
    if (!err) {
        err = parse_addresses(name, opts, n, c);
    }
    if (!err) {
        err = parse_numbers(name, opts, n, c);
    }
    if (!err) {
        err = parse_underlay(name, opts, n, c);
    }
    return err;
}

static char *vxlan_check_options(const char *name,
                                 const struct netdev_option *opts, size_t n)
{
    struct netdev_tunnel_config c;
    return vxlan_parse_options(name, opts, n, &c);
}

/* The interface a multicast port joins and floods on: options:dev, else
 * the one holding local_ip.  0 or an errno with a message in '*errp'. */
static int underlay_ifindex(const char *name,
                            const struct netdev_tunnel_config *c, int *ifindex,
                            char **errp)
{
    char ipbuf[16], groupbuf[16];
    if (c->dev[0]) {
        *ifindex = (int)if_nametoindex(c->dev);
        if (!*ifindex) {
            *errp = xasprintf("%s: options:dev: no interface named '%s'", name,
                              c->dev);
            return ENODEV;
        }
        return 0;
    }
    struct ifaddrs *list;
    if (getifaddrs(&list)) {
        int error = errno;
        *errp = xasprintf("%s: listing interfaces: %s", name, strerror(error));
        return error;
    }
    *ifindex = 0;
    for (struct ifaddrs *ifa = list; ifa && !*ifindex; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET) {
            struct sockaddr_in sin;
            memcpy(&sin, ifa->ifa_addr, sizeof sin);
            if (ntohl(sin.sin_addr.s_addr) == c->local_ip) {
                *ifindex = (int)if_nametoindex(ifa->ifa_name);
            }
        }
    }
    freeifaddrs(list);
    if (!*ifindex) {
        *errp = xasprintf("%s: options:local_ip: no interface holds %s to "
                          "join group %s on",
                          name, ipv4_to_str(c->local_ip, ipbuf),
                          ipv4_to_str(c->remote_ip, groupbuf));
        return EADDRNOTAVAIL;
    }
    return 0;
}

/* Takes a reference on the socket of ('ip', dst_port) and registers the
 * port on it.  0 or an errno with a message in '*errp'. */
static int attach_socket(struct netdev_vxlan *v, uint32_t ip,
                         struct vxlan_socket **sockp, char **errp)
{
    char *sockerr = NULL;
    int error =
        vxlan_socket_ref(ip, v->cfg.dst_port, !v->kernel_rx, sockp, &sockerr);
    if (error) {
        *errp = xasprintf("%s: %s", v->up.name, sockerr);
        free(sockerr);
        return error;
    }
    struct vxlan_port_cfg pc = {
        .remote_ip = v->cfg.remote_ip,
        .key_flow = v->cfg.key_flow,
        .vni = v->cfg.vni,
    };
    error = vxlan_socket_add_port(*sockp, &v->up, &pc);
    if (error) {
        *errp = netdev_tunnel_is_multicast(&v->cfg)
                    ? xasprintf("%s: another multicast vxlan port on this "
                                "socket already has this key",
                                v->up.name)
                    : xasprintf("%s: another vxlan port already has this "
                                "remote_ip and key",
                                v->up.name);
    }
    return error;
}

/* An epoll fd readable when either of a multicast port's sockets is. */
static int make_poll_fd(struct netdev_vxlan *v, char **errp)
{
    v->poll_fd = epoll_create1(EPOLL_CLOEXEC);
    int error = v->poll_fd < 0 ? errno : 0;
    const struct vxlan_socket *socks[] = { v->sock, v->group_sock };
    for (size_t i = 0; !error && i < ARRAY_SIZE(socks); i++) {
        struct epoll_event ev = { .events = EPOLLIN };
        ev.data.fd = vxlan_socket_fd(socks[i]);
        if (epoll_ctl(v->poll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) {
            error = errno;
        }
    }
    if (error) {
        *errp = xasprintf("%s: epoll: %s", v->up.name, strerror(error));
    }
    return error;
}

/* Sockets, registrations and the group membership.  On error, what was
 * done stays recorded in 'v' for detach() to undo. */
static int attach(struct netdev_vxlan *v, char **errp)
{
    const struct netdev_tunnel_config *c = &v->cfg;
    bool mc = netdev_tunnel_is_multicast(c);
    int error = mc ? underlay_ifindex(v->up.name, c, &v->mc_ifindex, errp) : 0;
    if (!error) {
        error = attach_socket(v, c->local_ip, &v->sock, errp);
    }
    if (error || !mc) {
        return error;
    }
    /* A wildcard socket receives the group itself once it joins; one
     * bound to local_ip never does, so the group gets its own.  On the
     * fast path (kernel_rx) nothing of ours receives: the membership,
     * taken on the sending socket, makes the interface accept the
     * group, and the kernel's vxlan device (bound to the wildcard, and
     * open to every group joined on the host) decapsulates it. */
    struct vxlan_socket *rx = v->sock;
    if (c->local_ip && !v->kernel_rx) {
        error = attach_socket(v, c->remote_ip, &v->group_sock, errp);
        rx = v->group_sock;
    }
    if (!error) {
        char *joinerr = NULL;
        error = vxlan_socket_join(rx, c->remote_ip, v->mc_ifindex, &joinerr);
        if (error) {
            *errp = xasprintf("%s: %s", v->up.name, joinerr);
            free(joinerr);
        } else {
            v->joined = rx;
        }
    }
    if (!error && v->group_sock) {
        error = make_poll_fd(v, errp);
    }
    return error;
}

static void detach(struct netdev_vxlan *v)
{
    if (v->poll_fd >= 0) {
        close(v->poll_fd);
    }
    if (v->joined) {
        vxlan_socket_leave(v->joined, v->cfg.remote_ip, v->mc_ifindex);
    }
    if (v->group_sock) {
        vxlan_socket_remove_port(v->group_sock, &v->up);
        vxlan_socket_unref(v->group_sock);
    }
    if (v->sock) {
        vxlan_socket_remove_port(v->sock, &v->up);
        vxlan_socket_unref(v->sock);
    }
}

static int vxlan_open(const char *name, const struct netdev_option *opts,
                      size_t n, unsigned flags, struct netdev **devp,
                      char **errp)
{
    struct netdev_vxlan *v = xzalloc(sizeof *v);
    netdev_init_(&v->up, &netdev_vxlan_class, name);
    v->poll_fd = -1;
    v->kernel_rx = flags & NETDEV_F_KERNEL_RX;
    *errp = vxlan_parse_options(name, opts, n, &v->cfg);
    int error = *errp ? EINVAL : attach(v, errp);
    if (error) {
        detach(v);
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
    detach(v);
    netdev_uninit_(dev);
    free(v);
}

static int vxlan_get_fd(const struct netdev *dev)
{
    const struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    return v->poll_fd >= 0 ? v->poll_fd : vxlan_socket_fd(v->sock);
}

static int vxlan_recv(struct netdev *dev, struct packet *pkt,
                      struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    if (!v->group_sock) {
        return vxlan_socket_recv(v->sock, pkt, tnl, rxdevp);
    }
    /* Take turns, so a flood on one socket cannot starve the other. */
    struct vxlan_socket *first = v->rx_group_first ? v->group_sock : v->sock;
    struct vxlan_socket *second = v->rx_group_first ? v->sock : v->group_sock;
    v->rx_group_first = !v->rx_group_first;
    int error = vxlan_socket_recv(first, pkt, tnl, rxdevp);
    return error == EAGAIN ? vxlan_socket_recv(second, pkt, tnl, rxdevp)
                           : error;
}

/* Where a frame with the flow's tunnel metadata 'tnl' goes; false if
 * nowhere (remote_ip=flow and the flow set no tun_dst). */
static bool vxlan_dest_for(const struct netdev_vxlan *v,
                           const struct netdev_tunnel *tnl,
                           struct vxlan_dest *d)
{
    d->src_ip = v->cfg.local_ip;
    d->dst_ip = netdev_tunnel_dst(&v->cfg, tnl->tun_dst);
    d->vni = netdev_tunnel_vni(&v->cfg, tnl->tun_id);
    d->ttl = netdev_tunnel_ttl(&v->cfg, d->dst_ip);
    d->mc_ifindex = v->mc_ifindex;
    return d->dst_ip != 0;
}

static bool vxlan_rx_pending(const struct netdev *dev)
{
    const struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    return vxlan_socket_rx_pending(v->sock)
           || (v->group_sock && vxlan_socket_rx_pending(v->group_sock));
}

static int vxlan_send(struct netdev *dev, const struct packet *pkt,
                      const struct netdev_tunnel *tnl)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    struct vxlan_dest d;
    if (!vxlan_dest_for(v, tnl, &d)) {
        return EDESTADDRREQ;
    }
    return vxlan_socket_send(v->sock, &d, packet_data(pkt), pkt->len);
}

static int vxlan_send_batch(struct netdev *dev, const struct frame_ref *frames,
                            size_t n, const struct netdev_tunnel *tnl,
                            size_t *n_sent)
{
    struct netdev_vxlan *v = netdev_vxlan_cast(dev);
    struct vxlan_dest d;
    *n_sent = 0;
    if (!vxlan_dest_for(v, tnl, &d)) {
        return EDESTADDRREQ;
    }
    return vxlan_socket_send_batch(v->sock, &d, frames, n, n_sent);
}

static void vxlan_format(const struct netdev *dev, struct ds *ds)
{
    const struct netdev_tunnel_config *c = &netdev_vxlan_cast(dev)->cfg;
    char buf[16];
    ds_put_format(ds, "remote_ip=%s",
                  c->remote_flow ? "flow" : ipv4_to_str(c->remote_ip, buf));
    if (c->local_ip) {
        ds_put_format(ds, ", local_ip=%s", ipv4_to_str(c->local_ip, buf));
    }
    if (c->dev[0]) {
        ds_put_format(ds, ", dev=%s", c->dev);
    }
    if (c->key_flow) {
        ds_put_cstr(ds, ", key=flow");
    } else {
        ds_put_format(ds, ", key=%u", c->vni);
    }
    ds_put_format(ds, ", dst_port=%u", c->dst_port);
    if (c->ttl) {
        ds_put_format(ds, ", ttl=%u", c->ttl);
    }
}

static char *vxlan_get_tunnel_config(const char *name,
                                     const struct netdev_option *opts,
                                     size_t n, struct netdev_tunnel_config *c)
{
    return vxlan_parse_options(name, opts, n, c);
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

bool netdev_vxlan_get_group_socket_stats(
    const struct netdev *dev, struct netdev_vxlan_socket_stats *stats)
{
    const struct netdev_vxlan *v =
        dev->class == &netdev_vxlan_class ? netdev_vxlan_cast(dev) : NULL;
    if (!v || !v->group_sock) {
        memset(stats, 0, sizeof *stats);
        return false;
    }
    vxlan_socket_get_stats(v->group_sock, stats);
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
    .get_tunnel_config = vxlan_get_tunnel_config,
};
