/* netdev: the devices behind ports, one small table of operations per
 * port type (struct netdev_class in netdev-provider.h).
 *
 *   internal  a TAP device named after the port (/dev/net/tun, IFF_TAP |
 *             IFF_NO_PI, non-blocking).  Frames the host sends into it
 *             are received; frames we send reach the host stack.  Its MTU
 *             defaults to NETDEV_INTERNAL_MTU (1450) so that whatever the
 *             host sends through it still fits a 1500-byte underlay after
 *             VXLAN's 50 bytes; options:mtu=N overrides.  With
 *             options:offload=true (the default) the TAP has a virtio
 *             header and TSO/checksum offloads, so frames read from it
 *             may be TCP super frames bigger than the MTU (tso.h).
 *   system    an existing device (veth end, NIC) opened with libpcap in
 *             immediate, non-blocking mode, capturing inbound frames only
 *             (PCAP_D_IN) so that frames we inject never come back to us
 *             as received ones.
 *   vxlan     RFC 7348 over UDP.  Every vxlan port on one (local_ip,
 *             dst_port) shares one receive socket; received datagrams are
 *             handed to the port whose remote_ip is the outer source (and
 *             whose key is the VNI, when the key is fixed).  Options:
 *             remote_ip=A.B.C.D|GROUP|flow (required), local_ip=A.B.C.D,
 *             key=N|flow (default 0), dst_port=N (default 4789), ttl=N,
 *             dev=IFNAME.  Sending is described in vxlan-socket.h.
 *             A remote_ip in 224.0.0.0/4 makes a multicast port, the
 *             kernel's "group" mode: the port joins the group on the
 *             underlay interface (options:dev, else the one holding
 *             local_ip; one of them is required), takes the group's
 *             datagrams and unicast ones of its VNI from any VTEP, floods
 *             to the group and sends unicast to the flow's tun_dst when
 *             the pipeline set one (netdev_tunnel_dst()).  It leaves the
 *             group when it closes.  TTL: options:ttl if set; otherwise 1
 *             to a group (as the kernel) and 64 to a unicast VTEP.
 *   patch     no device: the pipeline crosses to the peer bridge, so the
 *             class only validates options:peer.  The pipeline reports
 *             each crossing (struct xlate_crossing) and the bridge
 *             credits the sender with netdev_count_tx() and the peer with
 *             netdev_count_rx(); netdev_send() on a patch port only
 *             counts.
 *
 * Polling: the daemon polls netdev_get_fd() for every port that has one
 * and calls netdev_recv() when it is readable.  Ports sharing a socket
 * (vxlan) return the same fd; a frame read through any of them may belong
 * to another, so netdev_recv() reports the receiving device in '*rxdevp'
 * and the bridge finds its port with netdev_get_aux().  Registering the
 * shared fd once per port is harmless: the first callback drains it and
 * the others see EAGAIN.
 *
 * Counters: netdev.c counts every successful receive and send; a send the
 * device refuses for lack of room (EMSGSIZE: too big for the MTU,
 * ENOBUFS/EAGAIN: queue full, EIO: TAP down) is a tx drop, any other send
 * failure a tx error.  Classes count their own receive drops (VXLAN packets
 * with a VNI the port does not accept) and receive errors (bad headers).
 *
 * Errors: functions return 0 or a positive errno; open and option checks
 * also return an allocated message (caller frees) naming the port, the
 * option and the reason. */
#ifndef SW_NETDEV_H
#define SW_NETDEV_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "packet.h"

/* Default MTU of internal (TAP) ports: 1500 - VXLAN_OVERHEAD. */
#define NETDEV_INTERNAL_MTU 1450

struct netdev;

/* An option list: key=value pairs as configured (options:remote_ip=...).
 * Not owned by the netdev: it copies what it keeps. */
struct netdev_option {
    const char *key;
    const char *value;
};

struct netdev_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

/* Tunnel metadata of a received or sent packet, host byte order.  On
 * receive: tun_id = VNI, tun_src = outer source, tun_dst = outer
 * destination (our address).  On send: tun_id is the VNI when key=flow,
 * tun_dst the destination when remote_ip=flow, tun_src is ignored. */
struct netdev_tunnel {
    uint64_t tun_id;
    uint32_t tun_src;
    uint32_t tun_dst;
    /* Received only: the outer UDP source port the peer chose (for
     * captures, which rebuild the outer headers); 0 when unknown.
     * Sending derives its own from the inner flow and ignores this. */
    uint16_t udp_src;
};

/* True if 'type' names a port type ("internal", "system", "vxlan",
 * "patch"). */
bool netdev_type_exists(const char *type);
/* What a type is, asked of its class (false for unknown types): a patch
 * port crosses to its peer inside the pipeline and has no device; a
 * tunnel port has a tunnel configuration (netdev_get_tunnel_config()). */
bool netdev_type_is_patch(const char *type);
bool netdev_type_is_tunnel(const char *type);

/* Checks the options for 'type' without opening anything.  Returns NULL
 * or an allocated error ("vxlan0: options:remote_ip: 'x' is not an IPv4
 * address"). */
char *netdev_check_options(const char *type, const char *name,
                           const struct netdev_option *, size_t n);

/* Opens a device.  Returns 0 and '*devp', or a positive errno and an
 * allocated message in '*errp' (shown by swctl show as error:).  The
 * device lives in the network namespace current at open time. */
int netdev_open(const char *type, const char *name,
                const struct netdev_option *, size_t n, struct netdev **devp,
                char **errp);
/* As netdev_open() with NETDEV_F_* 'flags':
 *   NETDEV_F_KERNEL_RX  the kernel fast path (lib/datapath) receives for
 *                       this port: system and vxlan ports then only send
 *                       (no fd to poll; a vxlan port binds nothing, so
 *                       the kernel's vxlan device can own the UDP port;
 *                       a system port's capture accepts nothing).
 *                       Internal ports are unchanged: the fast path's
 *                       misses still arrive through the TAP. */
#define NETDEV_F_KERNEL_RX 0x1
int netdev_open_flags(const char *type, const char *name,
                      const struct netdev_option *, size_t n, unsigned flags,
                      struct netdev **devp, char **errp);
/* Closes and frees 'dev' (NULL is fine). */
void netdev_close(struct netdev *dev);
/* Closes 'dev' but leaves the kernel device that switchd made for it (an
 * internal port's TAP) in place, with its addresses, link state and
 * MAC, for the next switchd to take back on netdev_open() of the same
 * name: what a daemon restart wants.  netdev_close() deletes it. */
void netdev_close_keep(struct netdev *dev);

const char *netdev_type(const struct netdev *);
const char *netdev_name(const struct netdev *);

/* An opaque pointer the owner (the bridge's port) attaches, so frames
 * received through a shared socket find their port. */
void netdev_set_aux(struct netdev *, void *aux);
void *netdev_get_aux(const struct netdev *);

/* A file descriptor to poll for input, or -1 if the device never receives
 * (patch).  vxlan ports on one socket share its fd. */
int netdev_get_fd(const struct netdev *);

/* Receives one frame if one is waiting: returns 0 with '*pkt' initialized
 * (caller uninits) and '*rxdevp' set to the device it arrived on (another
 * port than 'dev' only for shared sockets), EAGAIN if nothing is waiting,
 * another errno on error.  'tnl' is filled for tunnel ports and zeroed for
 * others; it may be NULL. */
int netdev_recv(struct netdev *dev, struct packet *pkt,
                struct netdev_tunnel *tnl, struct netdev **rxdevp);
/* True if frames 'dev' already took from the kernel wait in user space
 * (a vxlan socket's batch): its fd may then be quiet although
 * netdev_recv() has more to give, so a caller that stopped early (its
 * budget) must call again without waiting for the fd. */
bool netdev_rx_pending(const struct netdev *dev);
/* Logs the drop summaries of every shared socket (vxlan), at most once
 * every 10 s each; called from the daemon's timer. */
void netdev_report_drops(void);

/* Sends 'pkt' (not consumed).  A TCP super frame bigger than the device
 * carries is segmented first (tso.h) and every segment counts as a
 * packet; the result is the first failed segment's error, if any.  'tnl'
 * carries the flow's tunnel metadata for tunnel ports (VNI when key=flow,
 * destination when remote_ip=flow); it may be NULL for other ports. */
int netdev_send(struct netdev *, const struct packet *pkt,
                const struct netdev_tunnel *tnl);

void netdev_get_stats(const struct netdev *, struct netdev_stats *);
/* Credits a frame of 'bytes' received on 'dev' by other means than
 * netdev_recv() (a patch port's peer). */
void netdev_count_rx(struct netdev *, size_t bytes);
/* Its counterpart: credits a frame of 'bytes' sent on 'dev' without
 * netdev_send() (a patch crossing made inside the pipeline). */
void netdev_count_tx(struct netdev *, size_t bytes);
/* Credits 'packets' frames, 'bytes' in all, received ('tx' false) or
 * sent on 'dev' by the kernel fast path, which switchd never saw. */
void netdev_count_n(struct netdev *, bool tx, uint64_t packets,
                    uint64_t bytes);

/* The device's Ethernet address (a random stable one for vxlan and patch,
 * derived from the name). */
void netdev_get_etheraddr(const struct netdev *, uint8_t mac[6]);
/* Sets the device's Ethernet address (internal ports: the TAP's MAC).
 * 0, or EOPNOTSUPP for types whose address cannot be set, or an errno. */
int netdev_set_etheraddr(struct netdev *, const uint8_t mac[6]);
/* The device's MTU (for vxlan, the largest inner IP packet a 1500-byte
 * underlay carries, NETDEV_INTERNAL_MTU). */
int netdev_get_mtu(const struct netdev *);

/* The peer port's name of a patch port, NULL for other types. */
const char *netdev_patch_peer(const struct netdev *);

/* Drops counted on a vxlan port's shared socket that no port could be
 * charged with (unknown peer) or that were also charged to a port. */
struct netdev_vxlan_socket_stats {
    uint32_t local_ip;        /* Which socket: its address (0: any)... */
    uint16_t dst_port;        /* ...and UDP port. */
    uint64_t rx_unknown_peer; /* No port has this remote_ip. */
    uint64_t rx_bad_header;   /* Truncated, or I flag clear. */
    uint64_t rx_wrong_vni;    /* Known peer, but no port takes the VNI. */
    uint64_t rx_truncated;    /* Datagram bigger than our buffer. */
    uint64_t rx_overflow;     /* Dropped by the kernel: our socket buffer
                               * was full (SO_RXQ_OVFL). */
};
/* Fills '*stats' for the socket a vxlan port is on; returns false (and
 * zeroes it) for other types. */
bool netdev_vxlan_get_socket_stats(const struct netdev *,
                                   struct netdev_vxlan_socket_stats *);
/* The same for the socket bound to a multicast port's group (local_ip is
 * the group); false (zeroed) for ports without one. */
bool netdev_vxlan_get_group_socket_stats(const struct netdev *,
                                         struct netdev_vxlan_socket_stats *);

/* True if 'dev' is a Linux interface named after the port (internal,
 * system): the host owns its flags and link state, which ioctls on that
 * name read.  Other ports are up once open. */
bool netdev_is_host_device(const struct netdev *);

/* ---- Tunnel configuration: one reading of a tunnel port's options. ---- */

#define NETDEV_TUNNEL_TTL_UNICAST 64 /* Default TTL to a unicast VTEP. */
#define NETDEV_TUNNEL_TTL_GROUP 1    /* Default TTL to a group: the link. */
#define NETDEV_IFNAME_SIZE 16        /* IFNAMSIZ. */

/* A tunnel port's configuration as its class reads the options; host
 * byte order.  Trace, capture and the port itself use this one struct and
 * the functions below, so "where does this frame go" has one answer. */
struct netdev_tunnel_config {
    bool remote_flow;   /* remote_ip=flow: the flow's tun_dst. */
    uint32_t remote_ip; /* A VTEP, or a group (224.0.0.0/4); 0 if flow. */
    uint32_t local_ip;  /* 0: the kernel chooses. */
    bool key_flow;      /* key=flow: the VNI is the flow's tun_id. */
    uint32_t vni;       /* When !key_flow. */
    uint16_t dst_port;  /* UDP destination port. */
    uint8_t ttl;        /* 0: not set, see netdev_tunnel_ttl(). */
    char dev[NETDEV_IFNAME_SIZE]; /* options:dev, "" if not set. */
};

/* Reads the options of a port of tunnel type 'type' (see
 * netdev_type_is_tunnel()) into '*cfg'.  Returns NULL, or an allocated
 * error (the same netdev_check_options() gives, or "not a tunnel type")
 * with '*cfg' zeroed: never silently a default. */
char *netdev_get_tunnel_config(const char *type, const char *name,
                               const struct netdev_option *, size_t n,
                               struct netdev_tunnel_config *cfg);

/* True if 'ip' (host order) is an IPv4 multicast address, 224.0.0.0/4. */
bool netdev_ip_is_multicast(uint32_t ip);
/* True for a multicast port: remote_ip is a group. */
bool netdev_tunnel_is_multicast(const struct netdev_tunnel_config *);

/* Which vxlan port a datagram from 'src' to 'dst' belongs to is decided
 * in NETDEV_VXLAN_DEMUX_PASSES passes over the ports sharing its socket
 * (or, on the fast path, its kernel device); the first port a pass
 * offers whose key is the VNI (or key=flow) takes it:
 *   0: the port whose remote_ip is 'src'; if it refuses the VNI, no
 *      other port takes the datagram (its peer owns it);
 *   1: a multicast port, which takes its group's datagrams and unicast
 *      ones from VTEPs no port names (answers to its floods);
 *   2: remote_ip=flow ports.
 * This says whether the port with 'remote_ip' (0: flow) is one 'pass'
 * offers.  The netdev socket and the fast path's upcalls both ask here,
 * so the two datapaths demultiplex alike. */
#define NETDEV_VXLAN_DEMUX_PASSES 3
bool netdev_vxlan_demux_candidate(int pass, uint32_t remote_ip, uint32_t src,
                                  uint32_t dst);
/* Where a frame output with the flow's 'tun_dst' goes: remote_ip=flow
 * ports and multicast ports send to 'tun_dst' when it is set (a learned
 * VTEP), multicast ports to their group otherwise, fixed ports always to
 * remote_ip.  0: nowhere (remote_ip=flow and no tun_dst). */
uint32_t netdev_tunnel_dst(const struct netdev_tunnel_config *,
                           uint32_t tun_dst);
/* The VNI a frame with the flow's 'tun_id' is sent with. */
uint32_t netdev_tunnel_vni(const struct netdev_tunnel_config *,
                           uint64_t tun_id);
/* The outer TTL towards 'dst': options:ttl if set, else
 * NETDEV_TUNNEL_TTL_GROUP to a group and NETDEV_TUNNEL_TTL_UNICAST to a
 * VTEP, as the Linux kernel's vxlan does. */
uint8_t netdev_tunnel_ttl(const struct netdev_tunnel_config *, uint32_t dst);

/* Appends a description of 'dev' for swctl show / logs: type, and for
 * vxlan "remote_ip=..., key=..., dst_port=...". */
void netdev_format(const struct netdev *, struct ds *);

#endif
