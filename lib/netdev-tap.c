/* netdev-tap: the "internal" port type, a TAP device named after the port.
 *
 * IFF_NO_PI: frames are plain Ethernet with no 4-byte packet-information
 * prefix, so what we read is what we hand to the pipeline.  The fd is
 * non-blocking because the daemon's loop polls it.  The device is not
 * brought up: as with OVS internal ports, the host configures it (ip addr
 * add ...; ip link set ... up), and until then writes fail with EIO and
 * count as tx drops. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "netdev-provider.h"
#include "util.h"

struct netdev_tap {
    struct netdev up;
    int fd;
    uint8_t *rxbuf; /* NETDEV_RX_BUF bytes. */
};

static struct netdev_tap *netdev_tap_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_tap, up);
}

static char *tap_check_options(const char *name,
                               const struct netdev_option *opts, size_t n)
{
    static const char *const known[] = {"mtu", NULL};
    char *err = netdev_options_check_known(name, opts, n, known);
    if (err) {
        return err;
    }
    const char *mtu = netdev_option_find(opts, n, "mtu");
    uint64_t v;
    /* 68 is IPv4's minimum MTU; 65535 the largest frame we read. */
    if (mtu && (!str_to_u64(mtu, 65000, &v) || v < 68)) {
        return xasprintf("%s: options:mtu: '%s' is not a number in 68..65000",
                         name, mtu);
    }
    return NULL;
}

static int tap_open(const char *name, const struct netdev_option *opts,
                    size_t n, struct netdev **devp, char **errp)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        *errp =
            xasprintf("%s: opening /dev/net/tun: %s", name, strerror(error));
        return error;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int error = errno;
        *errp =
            xasprintf("%s: creating TAP device: %s", name, strerror(error));
        close(fd);
        return error;
    }

    const char *mtu_s = netdev_option_find(opts, n, "mtu");
    uint64_t mtu = NETDEV_INTERNAL_MTU;
    if (mtu_s) {
        str_to_u64(mtu_s, 65000, &mtu);
    }
    int error = netdev_ioctl_set_mtu(name, (int)mtu);
    if (error) {
        *errp = xasprintf("%s: setting MTU %d: %s", name, (int)mtu,
                          strerror(error));
        close(fd);
        return error;
    }

    struct netdev_tap *tap = xzalloc(sizeof *tap);
    netdev_init_(&tap->up, &netdev_tap_class, name);
    tap->fd = fd;
    tap->rxbuf = xmalloc(NETDEV_RX_BUF);
    tap->up.mtu = (int)mtu;
    /* The kernel picked a random MAC; report the one the host sees. */
    netdev_ioctl_get_mac(name, tap->up.mac);
    *devp = &tap->up;
    return 0;
}

static void tap_close(struct netdev *dev)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    /* Closing the last fd of a non-persistent TAP deletes the device. */
    close(tap->fd);
    free(tap->rxbuf);
    netdev_uninit_(dev);
    free(tap);
}

static int tap_get_fd(const struct netdev *dev)
{
    return netdev_tap_cast(dev)->fd;
}

static int tap_recv(struct netdev *dev, struct packet *pkt,
                    struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    for (;;) {
        ssize_t n = read(tap->fd, tap->rxbuf, NETDEV_RX_BUF);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
        packet_init(pkt, tap->rxbuf, (size_t)n);
        return 0;
    }
}

static int tap_send(struct netdev *dev, const struct packet *pkt,
                    const struct netdev_tunnel *tnl)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    for (;;) {
        ssize_t n = write(tap->fd, packet_data(pkt), pkt->len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
        return (size_t)n == pkt->len ? 0 : EIO;
    }
}

static void tap_format(const struct netdev *dev, struct ds *ds)
{
    ds_put_format(ds, "mtu=%d", dev->mtu);
}

const struct netdev_class netdev_tap_class = {
    .type = "internal",
    .check_options = tap_check_options,
    .open = tap_open,
    .close = tap_close,
    .get_fd = tap_get_fd,
    .recv = tap_recv,
    .send = tap_send,
    .format = tap_format,
};
