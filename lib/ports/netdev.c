/* netdev: class table dispatch and the accounting common to every class. */
#include "netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "eth-addr.h"
#include "hash.h"
#include "netdev-provider.h"
#include "tso.h"
#include "util.h"
#include "vxlan-socket.h"

static const struct netdev_class *const netdev_classes[] = {
    &netdev_tap_class,
    &netdev_system_class,
    &netdev_vxlan_class,
    &netdev_patch_class,
};

static const struct netdev_class *netdev_class_find(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(netdev_classes); i++) {
        if (!strcmp(netdev_classes[i]->type, type)) {
            return netdev_classes[i];
        }
    }
    return NULL;
}

bool netdev_type_exists(const char *type)
{
    return type && netdev_class_find(type) != NULL;
}

bool netdev_type_is_patch(const char *type)
{
    return type && netdev_class_find(type) == &netdev_patch_class;
}

bool netdev_type_is_tunnel(const char *type)
{
    const struct netdev_class *class = type ? netdev_class_find(type) : NULL;
    return class && class->get_tunnel_config;
}

char *netdev_get_tunnel_config(const char *type, const char *name,
                               const struct netdev_option *opts, size_t n,
                               struct netdev_tunnel_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char *err = netdev_check_options(type, name, opts, n);
    if (!err && !netdev_type_is_tunnel(type)) {
        err = xasprintf("%s: type '%s' is not a tunnel", name, type);
    }
    if (!err) {
        err = netdev_class_find(type)->get_tunnel_config(name, opts, n, cfg);
    }
    if (err) {
        memset(cfg, 0, sizeof *cfg);
    }
    return err;
}

static char *check_name(const char *name)
{
    if (!name || !name[0]) {
        return xstrdup("port name is empty");
    }
    /* Every class but patch names a kernel interface; holding all of them
     * to IFNAMSIZ keeps names portable between types. */
    if (strlen(name) >= IFNAMSIZ) {
        return xasprintf("%s: port name longer than %d characters", name,
                         IFNAMSIZ - 1);
    }
    if (strchr(name, '/') || strchr(name, ' ')) {
        return xasprintf("%s: port name contains '/' or space", name);
    }
    return NULL;
}

char *netdev_check_options(const char *type, const char *name,
                           const struct netdev_option *opts, size_t n)
{
    const struct netdev_class *class = type ? netdev_class_find(type) : NULL;
    if (!class) {
        return xasprintf("%s: unknown port type '%s'", name ? name : "",
                         type ? type : "");
    }
    char *err = check_name(name);
    if (err) {
        return err;
    }
    return class->check_options(name, opts, n);
}

int netdev_open(const char *type, const char *name,
                const struct netdev_option *opts, size_t n,
                struct netdev **devp, char **errp)
{
    return netdev_open_flags(type, name, opts, n, 0, devp, errp);
}

int netdev_open_flags(const char *type, const char *name,
                      const struct netdev_option *opts, size_t n,
                      unsigned flags, struct netdev **devp, char **errp)
{
    *devp = NULL;
    *errp = netdev_check_options(type, name, opts, n);
    if (*errp) {
        return EINVAL;
    }
    const struct netdev_class *class = netdev_class_find(type);
    int error = class->open(name, opts, n, flags, devp, errp);
    if (error && !*errp) {
        *errp = xasprintf("%s: %s", name, strerror(error));
    }
    return error;
}

void netdev_close(struct netdev *dev)
{
    if (dev) {
        dev->class->close(dev);
    }
}

void netdev_close_keep(struct netdev *dev)
{
    if (dev) {
        (dev->class->close_keep ? dev->class->close_keep
                                : dev->class->close)(dev);
    }
}

int netdev_set_etheraddr(struct netdev *dev, const uint8_t mac[6])
{
    if (!dev->class->set_etheraddr) {
        return EOPNOTSUPP;
    }
    int error = dev->class->set_etheraddr(dev, mac);
    if (!error) {
        memcpy(dev->mac, mac, 6);
    }
    return error;
}

const char *netdev_type(const struct netdev *dev)
{
    return dev->class->type;
}

const char *netdev_name(const struct netdev *dev)
{
    return dev->name;
}

void netdev_set_aux(struct netdev *dev, void *aux)
{
    dev->aux = aux;
}

void *netdev_get_aux(const struct netdev *dev)
{
    return dev->aux;
}

int netdev_get_fd(const struct netdev *dev)
{
    return dev->class->get_fd ? dev->class->get_fd(dev) : -1;
}

int netdev_recv(struct netdev *dev, struct packet *pkt,
                struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    struct netdev_tunnel dummy;
    if (!tnl) {
        tnl = &dummy;
    }
    memset(tnl, 0, sizeof *tnl);
    *rxdevp = dev;
    if (!dev->class->recv) {
        return EAGAIN;
    }
    int error = dev->class->recv(dev, pkt, tnl, rxdevp);
    if (!error) {
        (*rxdevp)->stats.rx_packets++;
        (*rxdevp)->stats.rx_bytes += pkt->len;
    } else if (error != EAGAIN) {
        dev->stats.rx_errors++;
    }
    return error;
}

bool netdev_rx_pending(const struct netdev *dev)
{
    return dev->class->rx_pending && dev->class->rx_pending(dev);
}

void netdev_report_drops(void)
{
    vxlan_sockets_report();
}

static void count_tx(struct netdev *dev, int error, size_t bytes)
{
    if (!error) {
        dev->stats.tx_packets++;
        dev->stats.tx_bytes += bytes;
    } else if (error == EMSGSIZE || error == ENOBUFS || error == EAGAIN
               || error == EIO) {
        dev->stats.tx_dropped++;
    } else {
        dev->stats.tx_errors++;
    }
}

/* True if 'pkt' may be a TCP super frame too big for 'dev': a cheap test
 * on the length first, so that ordinary frames never get parsed. */
static bool needs_segmenting(const struct netdev *dev,
                             const struct packet *pkt)
{
    if (dev->tx_gso || dev->mtu <= 0) {
        return false;
    }
    if (dev->tx_max_frame && pkt->len > dev->tx_max_frame) {
        return true;
    }
    /* Ethernet + two VLAN tags + the MTU: nothing shorter can exceed it. */
    return pkt->len > (size_t)dev->mtu + 14
           && tso_l3_len(packet_data(pkt), pkt->len) > (size_t)dev->mtu;
}

/* Counts the 'n' frames of a batch whose first 'n_sent' went out and
 * whose rest were lost with 'error'. */
static void count_batch(struct netdev *dev, const size_t *lens, size_t n,
                        size_t n_sent, int error)
{
    for (size_t j = 0; j < n; j++) {
        count_tx(dev, j < n_sent ? 0 : error, lens[j]);
    }
}

/* Sends the segments of a TCP super frame in pieces, headers plus a
 * slice of the frame (a class with send_batch); counts each as a
 * packet. */
static int send_split(struct netdev *dev, const struct tso_split *segs,
                      const struct netdev_tunnel *tnl)
{
    enum { BATCH = 64 };
    size_t lens[BATCH];
    int first_error = 0;
    for (size_t i = 0; i < segs->n; i += BATCH) {
        size_t n = segs->n - i < BATCH ? segs->n - i : BATCH;
        for (size_t j = 0; j < n; j++) {
            lens[j] = frame_ref_len(&segs->seg[i + j]);
        }
        size_t n_sent = 0;
        int error =
            dev->class->send_batch(dev, &segs->seg[i], n, tnl, &n_sent);
        /* On an error the rest of this batch is lost with the failed
         * one: a full queue will not drain within this call. */
        count_batch(dev, lens, n, n_sent, error);
        if (error && !first_error) {
            first_error = error;
        }
    }
    return first_error;
}

/* Sends the segments of a TCP super frame laid out whole, one send() a
 * segment (a class without send_batch). */
static int send_segments(struct netdev *dev, const struct tso_segs *segs,
                         const struct netdev_tunnel *tnl)
{
    for (size_t i = 0; i < segs->n; i++) {
        struct packet seg = {
            .base = segs->buf + segs->ofs[i],
            .allocated = segs->len[i],
            .ofs = 0,
            .len = segs->len[i],
        };
        int error = dev->class->send(dev, &seg, tnl);
        count_tx(dev, error, segs->len[i]);
        if (error) {
            /* The rest is lost with the failed one. */
            count_batch(dev, segs->len + i + 1, segs->n - i - 1, 0, error);
            return error;
        }
    }
    return 0;
}

int netdev_send(struct netdev *dev, const struct packet *pkt,
                const struct netdev_tunnel *tnl)
{
    static const struct netdev_tunnel no_tnl;
    /* The daemon is single-threaded; one buffer serves every device. */
    static struct tso_segs segs;
    tnl = tnl ? tnl : &no_tnl;
    if (needs_segmenting(dev, pkt)) {
        int error;
        if (dev->class->send_batch) {
            error = tso_split(packet_data(pkt), pkt->len, (size_t)dev->mtu,
                              dev->tx_max_frame, 0, &segs.split);
            if (!error) {
                return send_split(dev, &segs.split, tnl);
            }
        } else {
            error = tso_segment(packet_data(pkt), pkt->len, (size_t)dev->mtu,
                                dev->tx_max_frame, 0, &segs);
            if (!error) {
                return send_segments(dev, &segs, tnl);
            }
        }
        /* Not TCP: the class refuses it as too big, as before. */
    }
    int error = dev->class->send(dev, pkt, tnl);
    count_tx(dev, error, pkt->len);
    return error;
}

void netdev_get_stats(const struct netdev *dev, struct netdev_stats *stats)
{
    *stats = dev->stats;
}

void netdev_count_rx(struct netdev *dev, size_t bytes)
{
    dev->stats.rx_packets++;
    dev->stats.rx_bytes += bytes;
}

void netdev_count_tx(struct netdev *dev, size_t bytes)
{
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += bytes;
}

void netdev_count_n(struct netdev *dev, bool tx, uint64_t packets,
                    uint64_t bytes)
{
    if (tx) {
        dev->stats.tx_packets += packets;
        dev->stats.tx_bytes += bytes;
    } else {
        dev->stats.rx_packets += packets;
        dev->stats.rx_bytes += bytes;
    }
}

void netdev_get_etheraddr(const struct netdev *dev, uint8_t mac[6])
{
    memcpy(mac, dev->mac, 6);
}

int netdev_get_mtu(const struct netdev *dev)
{
    return dev->mtu;
}

bool netdev_is_host_device(const struct netdev *dev)
{
    return dev->class->host_device;
}

void netdev_format(const struct netdev *dev, struct ds *ds)
{
    ds_put_cstr(ds, dev->class->type);
    if (dev->class->format) {
        ds_put_cstr(ds, ": ");
        dev->class->format(dev, ds);
    }
}
