/* netdev: the devices behind ports, one small table of operations per
 * port type.
 *
 *   internal  a TAP device named after the port; the host's frames come
 *             in, our frames go out to the host stack.
 *   system    an existing device (veth end, NIC) opened with libpcap.
 *   vxlan     RFC 7348 over UDP; a receive socket per (local_ip,
 *             dst_port) shared by every vxlan port on it.
 *   patch     no device: the pipeline crosses to the peer bridge, so
 *             the patch class only validates options.
 *
 * The bridge layer polls netdev_get_fd() with libevent and calls
 * netdev_recv() when it is readable. */
#ifndef SW_NETDEV_H
#define SW_NETDEV_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "packet.h"

struct netdev;

/* An option list: key=value pairs as configured (options:remote_ip=...). */
struct netdev_option {
    const char *key;
    const char *value;
};

struct netdev_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

/* Tunnel metadata of a received or sent packet. */
struct netdev_tunnel {
    uint64_t tun_id;
    uint32_t tun_src;
    uint32_t tun_dst;
};

/* Checks the options for 'type' without opening anything.  Returns NULL
 * or an allocated error ("vxlan0: options:remote_ip: 'x' is not an IPv4
 * address"). */
char *netdev_check_options(const char *type, const char *name,
                           const struct netdev_option *, size_t n);

/* Opens a device.  Returns 0 and '*devp', or a positive errno and an
 * allocated message in '*errp' (shown by swctl show as error:). */
int netdev_open(const char *type, const char *name,
                const struct netdev_option *, size_t n, struct netdev **devp,
                char **errp);
void netdev_close(struct netdev *);

const char *netdev_type(const struct netdev *);
const char *netdev_name(const struct netdev *);
/* A file descriptor to poll for input, or -1 if the device receives
 * through a shared socket (vxlan) or not at all (patch). */
int netdev_get_fd(const struct netdev *);
/* Receives one frame if one is waiting: 0 and '*pkt' filled (caller
 * uninits), EAGAIN if none, other errno on error.  'tnl' is set for
 * tunnel ports. */
int netdev_recv(struct netdev *, struct packet *pkt,
                struct netdev_tunnel *tnl);
/* Sends 'pkt' (not consumed).  'tnl' carries the flow's tunnel metadata
 * for tunnel ports (VNI when key=flow, destination when
 * remote_ip=flow). */
int netdev_send(struct netdev *, const struct packet *pkt,
                const struct netdev_tunnel *tnl);
void netdev_get_stats(const struct netdev *, struct netdev_stats *);
/* The device's Ethernet address (a random stable one for vxlan). */
void netdev_get_etheraddr(const struct netdev *, uint8_t mac[6]);
int netdev_get_mtu(const struct netdev *);

#endif
