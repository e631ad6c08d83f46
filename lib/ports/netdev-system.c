/* netdev-system: an existing device (veth end, NIC) attached with libpcap.
 *
 * Immediate mode: a frame is handed over as soon as it arrives instead of
 * waiting for a buffer to fill, which a switch needs for latency.
 * Direction PCAP_D_IN: a packet socket sees outgoing frames too, including
 * the ones we inject; capturing only inbound frames is what keeps our own
 * output from coming back as input (and looping through the bridge).
 * Non-blocking: the daemon polls pcap_get_selectable_fd(). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "netdev-provider.h"
#include "util.h"

struct netdev_system {
    struct netdev up;
    pcap_t *pcap;
    int fd;
};

static struct netdev_system *netdev_system_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_system, up);
}

static char *system_check_options(const char *name,
                                  const struct netdev_option *opts, size_t n)
{
    static const char *const known[] = { NULL };
    return netdev_options_check_known(name, opts, n, known);
}

static int pcap_status_to_errno(int status)
{
    switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        return ENODEV;
    case PCAP_ERROR_PERM_DENIED:
        return EPERM;
    case PCAP_ERROR_IFACE_NOT_UP:
        return ENETDOWN;
    default:
        return EIO;
    }
}

/* With the kernel fast path receiving, the capture would copy every frame
 * for nobody: a filter that accepts nothing keeps the kernel from it. */
static bool reject_all(pcap_t *pcap)
{
    struct bpf_insn ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
    struct bpf_program prog = { .bf_len = 1, .bf_insns = &ret0 };
    return pcap_setfilter(pcap, &prog) == 0;
}

static int system_open(const char *name, const struct netdev_option *opts,
                       size_t n, unsigned flags, struct netdev **devp,
                       char **errp)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pcap = pcap_create(name, errbuf);
    if (!pcap) {
        *errp = xasprintf("%s: %s", name, errbuf);
        return ENODEV;
    }
    /* Big enough for any frame, including GSO-less jumbo frames. */
    pcap_set_snaplen(pcap, NETDEV_RX_BUF);
    pcap_set_promisc(pcap, 1);
    pcap_set_immediate_mode(pcap, 1);
    pcap_set_buffer_size(pcap, 4 * 1024 * 1024);
    int status = pcap_activate(pcap);
    if (status < 0) {
        int error = pcap_status_to_errno(status);
        /* ovs-vswitchd's wording for the same, which ovs-vsctl's "Error
         * detected while setting up" quotes. */
        *errp =
            error == ENODEV || error == EPERM
                ? xasprintf("could not open network device %s (%s)", name,
                            strerror(error))
                : xasprintf("%s: cannot attach: %s", name, pcap_geterr(pcap));
        pcap_close(pcap);
        return error;
    }
    if (pcap_datalink(pcap) != DLT_EN10MB) {
        *errp = xasprintf("%s: not an Ethernet device", name);
        pcap_close(pcap);
        return EINVAL;
    }
    if (pcap_setdirection(pcap, PCAP_D_IN) < 0) {
        *errp = xasprintf("%s: cannot capture inbound only: %s", name,
                          pcap_geterr(pcap));
        pcap_close(pcap);
        return EOPNOTSUPP;
    }
    if (pcap_setnonblock(pcap, 1, errbuf) < 0) {
        *errp = xasprintf("%s: %s", name, errbuf);
        pcap_close(pcap);
        return EIO;
    }
    if ((flags & NETDEV_F_KERNEL_RX) && !reject_all(pcap)) {
        *errp = xasprintf("%s: cannot stop capturing: %s", name,
                          pcap_geterr(pcap));
        pcap_close(pcap);
        return EIO;
    }
    /* With the fast path receiving, the port only injects: no fd. */
    bool kernel_rx = flags & NETDEV_F_KERNEL_RX;
    int fd = kernel_rx ? -1 : pcap_get_selectable_fd(pcap);
    if (!kernel_rx && fd < 0) {
        *errp = xasprintf("%s: libpcap gives no pollable fd", name);
        pcap_close(pcap);
        return EOPNOTSUPP;
    }

    struct netdev_system *sys = xzalloc(sizeof *sys);
    netdev_init_(&sys->up, &netdev_system_class, name);
    sys->pcap = pcap;
    sys->fd = fd;
    netdev_ioctl_get_mtu(name, &sys->up.mtu);
    netdev_ioctl_get_mac(name, sys->up.mac);
    *devp = &sys->up;
    return 0;
}

static void system_close(struct netdev *dev)
{
    struct netdev_system *sys = netdev_system_cast(dev);
    pcap_close(sys->pcap);
    netdev_uninit_(dev);
    free(sys);
}

static int system_get_fd(const struct netdev *dev)
{
    return netdev_system_cast(dev)->fd;
}

static int system_recv(struct netdev *dev, struct packet *pkt,
                       struct netdev_tunnel *tnl, struct netdev **rxdevp)
{
    struct netdev_system *sys = netdev_system_cast(dev);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int status = pcap_next_ex(sys->pcap, &hdr, &data);
    if (status == 0) {
        return EAGAIN;
    } else if (status < 0) {
        /* PCAP_ERROR covers the device going away, among others. */
        return status == PCAP_ERROR_BREAK ? EAGAIN : ENODEV;
    }
    if (hdr->caplen < hdr->len) {
        return EMSGSIZE;
    }
    packet_init(pkt, data, hdr->caplen);
    return 0;
}

static int system_send(struct netdev *dev, const struct packet *pkt,
                       const struct netdev_tunnel *tnl)
{
    struct netdev_system *sys = netdev_system_cast(dev);
    if (pkt->len > (size_t)dev->mtu + 18) {
        /* Frame bigger than the device takes (MTU + Ethernet header and a
         * VLAN tag): the kernel would refuse it too, but say why. */
        return EMSGSIZE;
    }
    if (pcap_inject(sys->pcap, packet_data(pkt), pkt->len) < 0) {
        /* libpcap does not hand back errno; the common failures are a
         * full queue or a down link, which are drops. */
        return ENOBUFS;
    }
    return 0;
}

const struct netdev_class netdev_system_class = {
    .type = "system",
    .check_options = system_check_options,
    .open = system_open,
    .close = system_close,
    .get_fd = system_get_fd,
    .recv = system_recv,
    .send = system_send,
    .host_device = true,
};
