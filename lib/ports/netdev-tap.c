/* netdev-tap: the "internal" port type, a TAP device named after the port.
 *
 * IFF_NO_PI: frames are plain Ethernet with no 4-byte packet-information
 * prefix, so what we read is what we hand to the pipeline.  The fd is
 * non-blocking because the daemon's loop polls it.  The device is not
 * brought up: as with OVS internal ports, the host configures it (ip addr
 * add ...; ip link set ... up), and until then writes fail with EIO and
 * count as tx drops.
 *
 * Offloads (default on; options:offload=false turns them off): the device
 * is opened with IFF_VNET_HDR, so every frame carries a virtio-net header,
 * and TUNSETOFFLOAD tells the host it may hand us TCP super frames (TSO4,
 * TSO6) with partial checksums (CSUM).  On receive we complete the
 * checksum the header says is partial, so every frame in the pipeline
 * has valid checksums whatever device it leaves by; a super frame stays
 * whole through the pipeline (one table walk per 64 KB) and netdev_send()
 * segments it for devices that cannot carry it (tso.h).  On send, a TCP
 * frame bigger than our MTU goes to the host as a super frame with a GSO
 * header (the host's stack takes it like a GRO'd packet); any other frame
 * gets a header with no flags: its checksums are already complete. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <linux/virtio_net.h>
#include <unistd.h>

#include "log.h"
#include "netdev-provider.h"
#include "tso.h"
#include "util.h"

struct netdev_tap {
    struct netdev up;
    int fd;
    bool vnet_hdr; /* Frames carry a struct virtio_net_hdr. */
    /* packet_buf_alloc(NETDEV_RX_BUF), or NULL after a big frame took it
     * over. */
    uint8_t *rxbuf;
};

static struct netdev_tap *netdev_tap_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_tap, up);
}

static char *tap_check_options(const char *name,
                               const struct netdev_option *opts, size_t n)
{
    static const char *const known[] = { "mtu", "offload", NULL };
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
    const char *offload = netdev_option_find(opts, n, "offload");
    if (offload && strcmp(offload, "true") && strcmp(offload, "false")) {
        return xasprintf("%s: options:offload: '%s' is not true or false",
                         name, offload);
    }
    return NULL;
}

/* Deletes the device behind 'fd' (persistent or not) and closes it. */
static void tap_delete(int fd)
{
    ioctl(fd, TUNSETPERSIST, 0);
    close(fd);
}

static int tap_open(const char *name, const struct netdev_option *opts,
                    size_t n, unsigned flags, struct netdev **devp,
                    char **errp)
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
    const char *offload = netdev_option_find(opts, n, "offload");
    bool vnet_hdr = !offload || !strcmp(offload, "true");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    /* A TAP left by an earlier switchd (netdev_close_keep(), or a kill)
     * is taken back as it is: its addresses, link state and MAC stay. */
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int error = errno;
        *errp =
            xasprintf("%s: creating TAP device: %s", name, strerror(error));
        close(fd);
        return error;
    }
    if (vnet_hdr) {
        /* The header is 10 bytes unless TUNSETVNETHDRSZ says otherwise;
         * set it so that a kernel default can never surprise us. */
        int hdrsz = sizeof(struct virtio_net_hdr);
        unsigned long offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0
            || ioctl(fd, TUNSETOFFLOAD, offloads) < 0) {
            /* Still correct with the header and no offloads: the host
             * then sends only finished, MTU-sized frames. */
            LOG(LOG_WARN, "%s: TAP offloads unavailable: %s", name,
                strerror(errno));
        }
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
        tap_delete(fd);
        return error;
    }
    /* Persistent, so that the device outlives this process when it is
     * killed or restarted (tap_close() undoes it for a port that goes
     * away).  Its MAC is the bridge layer's to choose
     * (netdev_set_etheraddr()). */
    if (ioctl(fd, TUNSETPERSIST, 1) < 0) {
        error = errno;
        *errp = xasprintf("%s: making the TAP device persistent: %s", name,
                          strerror(error));
        tap_delete(fd);
        return error;
    }

    struct netdev_tap *tap = xzalloc(sizeof *tap);
    netdev_init_(&tap->up, &netdev_tap_class, name);
    tap->fd = fd;
    tap->vnet_hdr = vnet_hdr;
    /* Super frames go to the host whole, with a GSO header. */
    tap->up.tx_gso = vnet_hdr;
    tap->up.mtu = (int)mtu;
    /* Report the MAC the host sees (ours, or the one the device kept). */
    netdev_ioctl_get_mac(name, tap->up.mac);
    *devp = &tap->up;
    return 0;
}

static void tap_free(struct netdev_tap *tap)
{
    close(tap->fd);
    free(tap->rxbuf);
    netdev_uninit_(&tap->up);
    free(tap);
}

static void tap_close(struct netdev *dev)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    /* No longer persistent, closing its last fd deletes the device. */
    ioctl(tap->fd, TUNSETPERSIST, 0);
    tap_free(tap);
}

static void tap_close_keep(struct netdev *dev)
{
    tap_free(netdev_tap_cast(dev));
}

static int tap_set_etheraddr(struct netdev *dev, const uint8_t mac[6])
{
    return netdev_ioctl_set_mac(dev->name, mac);
}

static int tap_get_fd(const struct netdev *dev)
{
    return netdev_tap_cast(dev)->fd;
}

static int tap_recv(struct netdev *dev, struct packet *pkt,
                    struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    if (!tap->rxbuf) {
        tap->rxbuf = packet_buf_alloc(NETDEV_RX_BUF);
    }
    uint8_t *frame = packet_buf_frame(tap->rxbuf);
    struct virtio_net_hdr vh;
    struct iovec iov[2] = {
        { &vh, sizeof vh },
        { frame, NETDEV_RX_BUF },
    };
    struct iovec *v = tap->vnet_hdr ? iov : iov + 1;
    int nv = tap->vnet_hdr ? 2 : 1;
    for (;;) {
        ssize_t n = readv(tap->fd, v, nv);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
        size_t len = (size_t)n;
        if (tap->vnet_hdr) {
            if (len < sizeof vh) {
                return EIO;
            }
            len -= sizeof vh;
            if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
                /* Every frame leaves here with valid checksums, so no
                 * later step has to know the header. */
                tso_complete_csum(frame, len, vh.csum_start, vh.csum_offset);
            }
        }
        if (len >= NETDEV_ADOPT_MIN) {
            packet_adopt(pkt, tap->rxbuf, NETDEV_RX_BUF, len);
            tap->rxbuf = NULL;
        } else {
            packet_init(pkt, frame, len);
        }
        return 0;
    }
}

void netdev_tap_vnet_hdr_for(const uint8_t *frame, size_t len, int mtu,
                             struct virtio_net_hdr *vh, uint16_t *seedp)
{
    memset(vh, 0, sizeof *vh);
    struct tso_tcp t;
    if (mtu <= 0 || !tso_parse_tcp(frame, len, &t)
        || t.l3_end - t.l3_ofs <= (size_t)mtu) {
        return;
    }
    size_t l3_hdrs = t.payload_ofs - t.l3_ofs;
    if ((size_t)mtu <= l3_hdrs) {
        return;
    }
    vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    vh->gso_type =
        t.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
    vh->gso_size = (uint16_t)((size_t)mtu - l3_hdrs);
    vh->hdr_len = (uint16_t)t.payload_ofs;
    vh->csum_start = (uint16_t)t.l4_ofs;
    vh->csum_offset = 16;
    *seedp = tso_tcp_pseudo_csum(frame, &t);
}

static int tap_send(struct netdev *dev, const struct packet *pkt,
                    const struct netdev_tunnel *tnl)
{
    struct netdev_tap *tap = netdev_tap_cast(dev);
    const uint8_t *frame = packet_data(pkt);
    struct virtio_net_hdr vh;
    uint8_t hdrs[256];
    struct iovec iov[3];
    int nv = 0;
    if (tap->vnet_hdr) {
        uint16_t seed = 0;
        netdev_tap_vnet_hdr_for(frame, pkt->len, dev->mtu, &vh, &seed);
        iov[nv++] = (struct iovec){ &vh, sizeof vh };
        if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE
            && vh.hdr_len <= sizeof hdrs) {
            /* A partial checksum holds the pseudo-header sum; the frame is
             * const, so the headers go out from a copy. */
            memcpy(hdrs, frame, vh.hdr_len);
            hdrs[vh.csum_start + 16] = (uint8_t)(seed >> 8);
            hdrs[vh.csum_start + 17] = (uint8_t)seed;
            iov[nv++] = (struct iovec){ hdrs, vh.hdr_len };
            iov[nv++] = (struct iovec){ (void *)(frame + vh.hdr_len),
                                        pkt->len - vh.hdr_len };
        } else {
            memset(&vh, 0, sizeof vh);
            iov[nv++] = (struct iovec){ (void *)frame, pkt->len };
        }
    } else {
        iov[nv++] = (struct iovec){ (void *)frame, pkt->len };
    }
    size_t want = 0;
    for (int i = 0; i < nv; i++) {
        want += iov[i].iov_len;
    }
    for (;;) {
        ssize_t n = writev(tap->fd, iov, nv);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
        return (size_t)n == want ? 0 : EIO;
    }
}

static void tap_format(const struct netdev *dev, struct ds *ds)
{
    ds_put_format(ds, "mtu=%d", dev->mtu);
    if (!netdev_tap_cast(dev)->vnet_hdr) {
        ds_put_cstr(ds, ", offload=false");
    }
}

const struct netdev_class netdev_tap_class = {
    .type = "internal",
    .check_options = tap_check_options,
    .open = tap_open,
    .close = tap_close,
    .close_keep = tap_close_keep,
    .set_etheraddr = tap_set_etheraddr,
    .get_fd = tap_get_fd,
    .recv = tap_recv,
    .send = tap_send,
    .format = tap_format,
    .host_device = true,
};
