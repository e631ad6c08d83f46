/* netdev-provider: what a port type implements.  Private to lib/netdev*.c
 * and lib/vxlan-socket.c; the rest of the code sees only netdev.h.
 *
 * A class embeds 'struct netdev' as its first member and allocates the
 * whole; netdev.c owns the common parts (name, counters, aux) and does the
 * counting common to every class, so a class's recv/send only move bytes
 * and report errors. */
#ifndef SW_NETDEV_PROVIDER_H
#define SW_NETDEV_PROVIDER_H 1

#include "netdev.h"

struct netdev_class;

struct netdev {
    const struct netdev_class *class;
    char *name;
    struct netdev_stats stats;
    void *aux;
    uint8_t mac[6];
    int mtu;
    /* Transmit limits netdev_send() enforces by segmenting TCP super
     * frames (tso.h) before the class sees them: IP packets of at most
     * 'mtu' bytes and, if 'tx_max_frame' is nonzero, frames of at most
     * that many bytes (vxlan: what fits the underlay).  A class that
     * passes super frames through (a TAP with a virtio header) sets
     * 'tx_gso' and gets them whole. */
    size_t tx_max_frame;
    bool tx_gso;
};

struct netdev_class {
    const char *type;

    /* Validates options; NULL or an allocated message. */
    char *(*check_options)(const char *name, const struct netdev_option *,
                           size_t n);
    /* Called after check_options() succeeded.  Allocates the class's
     * struct, calls netdev_init_() on its 'struct netdev', and stores it
     * in '*devp'; or returns an errno and a message in '*errp'.  'flags'
     * are netdev_open_flags()'s NETDEV_F_*. */
    int (*open)(const char *name, const struct netdev_option *, size_t n,
                unsigned flags, struct netdev **devp, char **errp);
    /* Frees everything, including 'dev' itself (after netdev_uninit_()). */
    void (*close)(struct netdev *dev);
    /* Optional: as close(), but a kernel device that open() created
     * stays for the next open() of the same name to take back
     * (netdev_close_keep()).  NULL: close() does it. */
    void (*close_keep)(struct netdev *dev);
    /* Optional: sets the device's Ethernet address; 0 or an errno.
     * NULL: the address cannot be set (EOPNOTSUPP). */
    int (*set_etheraddr)(struct netdev *, const uint8_t mac[6]);
    int (*get_fd)(const struct netdev *);
    /* As netdev_recv(): 0, EAGAIN or an errno.  NULL: never receives. */
    int (*recv)(struct netdev *, struct packet *, struct netdev_tunnel *,
                struct netdev **rxdevp);
    /* Optional, as netdev_rx_pending(); NULL: never. */
    bool (*rx_pending)(const struct netdev *);
    /* As netdev_send(). */
    int (*send)(struct netdev *, const struct packet *,
                const struct netdev_tunnel *);
    /* Optional: sends 'n' frames, each in two pieces (a segment's
     * headers and the slice of its super frame, packet.h), with one
     * system call where the device allows (the segments of one super
     * frame).  Sets '*n_sent' to how many went out before an error;
     * returns 0 or the error of the first frame that failed.  Without it,
     * netdev_send() lays the segments out whole and calls send() per
     * frame. */
    int (*send_batch)(struct netdev *, const struct frame_ref *frames,
                      size_t n, const struct netdev_tunnel *, size_t *n_sent);
    /* Optional: appends class-specific configuration. */
    void (*format)(const struct netdev *, struct ds *);
    /* Tunnel types only (its presence makes a type a tunnel): reads
     * options into '*cfg' as open() would, without opening anything, so
     * that a port that failed to open still has its configuration.
     * NULL or an allocated error, as check_options(). */
    char *(*get_tunnel_config)(const char *name, const struct netdev_option *,
                               size_t n, struct netdev_tunnel_config *cfg);
    /* The device is a Linux interface named after the port, which the
     * host configures: its flags and link are the host's to report
     * (netdev_is_host_device()). */
    bool host_device;
};

extern const struct netdev_class netdev_tap_class;
extern const struct netdev_class netdev_system_class;
extern const struct netdev_class netdev_vxlan_class;
extern const struct netdev_class netdev_patch_class;

void netdev_init_(struct netdev *, const struct netdev_class *,
                  const char *name);
void netdev_uninit_(struct netdev *);

/* Option helpers for classes. */
const char *netdev_option_find(const struct netdev_option *, size_t n,
                               const char *key);
/* Returns an allocated error naming the first option not in 'known'
 * (NULL-terminated), or NULL. */
char *netdev_options_check_known(const char *name,
                                 const struct netdev_option *, size_t n,
                                 const char *const known[]);
/* Parses dotted-quad IPv4 into host order. */
bool netdev_parse_ipv4(const char *s, uint32_t *ip);
/* A locally administered MAC derived from 'name'. */
/* Interface MTU and MAC via ioctl on an AF_INET socket; 0 or errno. */
int netdev_ioctl_get_mtu(const char *ifname, int *mtu);
int netdev_ioctl_set_mtu(const char *ifname, int mtu);
int netdev_ioctl_get_mac(const char *ifname, uint8_t mac[6]);
int netdev_ioctl_set_mac(const char *ifname, const uint8_t mac[6]);

/* netdev-tap: the virtio-net header to send 'frame' to a TAP with
 * offloads whose MTU is 'mtu': a TCP GSO header, and in '*seedp' the
 * pseudo-header sum its checksum field must hold, if the frame is a TCP
 * super frame; else all zeros (a finished frame). */
struct virtio_net_hdr;
void netdev_tap_vnet_hdr_for(const uint8_t *frame, size_t len, int mtu,
                             struct virtio_net_hdr *vh, uint16_t *seedp);

/* Size of the buffer classes receive into: any frame or datagram fits. */
#define NETDEV_RX_BUF 65536

/* A received frame at least this long becomes a packet in the buffer it
 * was read into (packet_adopt()); a shorter one is copied, which costs
 * less than a fresh 64 KB buffer for the next read. */
#define NETDEV_ADOPT_MIN 4096

#endif
