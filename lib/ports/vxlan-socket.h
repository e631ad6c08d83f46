/* vxlan-socket: the UDP endpoint every vxlan port on one (local_ip,
 * dst_port) shares, with receive demultiplexing.
 *
 * Receiving: one UDP socket bound to local_ip:dst_port (0.0.0.0 when no
 * local_ip), with IP_PKTINFO so the outer destination is known.  Each
 * datagram goes to a registered port chosen by
 *   1. the ports whose remote_ip is the outer source, else the ports with
 *      remote_ip=flow;
 *   2. among those, the one whose key is the VNI, or whose key is flow.
 * A datagram from a source no port names is an unknown peer; one with a
 * bad header, or a VNI none of the source's ports takes, is charged to the
 * first such port (rx_errors / rx_dropped) as well as to the socket.
 *
 * Sending: a bound UDP socket has a fixed source port, but RFC 7348 wants
 * the source port to vary with the inner flow so that ECMP underlays
 * spread the load.  We send through one raw IPPROTO_RAW socket (implying
 * IP_HDRINCL) and build the IPv4 and UDP headers ourselves.  We chose that
 * over a pool of bound UDP sockets because it gives the full 16384-port
 * range with one fd and no ports reserved, and the daemon already needs
 * CAP_NET_ADMIN for TAP devices, so CAP_NET_RAW costs nothing.  The kernel
 * never fragments IP_HDRINCL packets: one bigger than the route's MTU
 * fails with EMSGSIZE, which is exactly the "drop and count, never
 * fragment silently" rule.  Without CAP_NET_RAW we fall back to sending
 * from the bound UDP socket (source port = dst_port) with
 * IP_PMTUDISC_DO, which keeps the no-fragmentation guarantee and loses only
 * the source port entropy.  The segments of a TCP super frame go out as
 * one UDP GSO send where the kernel can (vxlan-gso.h), from sockets whose
 * source ports follow the flow as the raw sender's do.
 *
 * Multicast (a port whose remote_ip is a group): a socket bound to a
 * unicast local_ip never sees datagrams addressed to a group, so the
 * group's datagrams come in on a socket bound to (group, dst_port), shared
 * by every port of that group, which joins the group once per underlay
 * interface (vxlan_socket_join(), counted, so the last port leaving
 * drops the membership).  A port without local_ip already has a wildcard
 * socket, which receives the group once joined; it joins there.  Sending
 * to a group names the underlay interface per datagram (IP_PKTINFO), as
 * ports on one socket may use different ones, and never loops a copy back
 * to us (IP_MULTICAST_LOOP off, as the kernel's vxlan).  Sockets take only
 * groups they joined (IP_MULTICAST_ALL off). */
#ifndef SW_VXLAN_SOCKET_H
#define SW_VXLAN_SOCKET_H 1

#include <stdbool.h>
#include <stdint.h>

#include "netdev.h"
#include "packet.h"

struct vxlan_socket;
struct netdev;

/* How a port is addressed: remote_ip 0 means remote_ip=flow; a group
 * (224.0.0.0/4) takes the group's datagrams and, as the kernel's group
 * mode, unicast ones of its VNI from any source. */
struct vxlan_port_cfg {
    uint32_t remote_ip;
    bool key_flow;
    uint32_t vni; /* When !key_flow. */
};

/* Where and how one encapsulated frame goes. */
struct vxlan_dest {
    uint32_t src_ip; /* 0: the socket's local_ip, or the kernel's choice. */
    uint32_t dst_ip;
    uint32_t vni;
    uint8_t ttl;
    int mc_ifindex; /* For a group 'dst_ip': the interface to send on. */
};

/* Finds or creates the socket for (local_ip, dst_port) and takes a
 * reference.  0 or an errno with an allocated message in '*errp'.  With
 * 'rx' false the socket only sends (the kernel's vxlan device receives,
 * datapath_type=system): nothing is bound and vxlan_socket_fd() is -1. */
int vxlan_socket_ref(uint32_t local_ip, uint16_t dst_port, bool rx,
                     struct vxlan_socket **sockp, char **errp);
/* Drops a reference; the last one closes the socket. */
void vxlan_socket_unref(struct vxlan_socket *);

/* Registers 'dev' to receive datagrams matching 'cfg'.  EEXIST if
 * another port already takes exactly that (remote_ip, key), or, for a
 * group, if another group's port takes that key (a unicast datagram
 * could not tell them apart). */
int vxlan_socket_add_port(struct vxlan_socket *, struct netdev *dev,
                          const struct vxlan_port_cfg *cfg);
void vxlan_socket_remove_port(struct vxlan_socket *, struct netdev *dev);

/* Joins 'group' on interface 'ifindex' for the socket, or counts one
 * more user of a membership it has.  0 or an errno with an allocated
 * message in '*errp'. */
int vxlan_socket_join(struct vxlan_socket *, uint32_t group, int ifindex,
                      char **errp);
/* Drops one user of the membership; the last drops it from the kernel. */
void vxlan_socket_leave(struct vxlan_socket *, uint32_t group, int ifindex);

int vxlan_socket_fd(const struct vxlan_socket *);
/* True if sending varies the source port (raw socket available). */
bool vxlan_socket_has_raw(const struct vxlan_socket *);

/* Receives datagrams (read in batches by recvmmsg(), a coalesced one
 * split into its datagrams by UDP_GRO's size, and in-order TCP
 * segments of one batch merged back into one frame, tso.h) until one is
 * accepted by a port (0, '*pkt' holds the
 * inner frame, '*devp' the port, 'tnl' the outer addresses and VNI) or
 * nothing is left (EAGAIN).  Rejected datagrams are counted. */
int vxlan_socket_recv(struct vxlan_socket *, struct packet *pkt,
                      struct netdev_tunnel *tnl, struct netdev **devp);
/* True if datagrams already read from the kernel wait in our ring, or
 * the last vxlan_socket_recv() stopped at its bound with more perhaps
 * queued: the fd need not be readable, so the caller must come back
 * without waiting for it. */
bool vxlan_socket_rx_pending(const struct vxlan_socket *);
/* Logs the socket's drop counters (what changed since the last report,
 * and the totals) at warning level, at most once every 10 s and only
 * when something was dropped.  recv calls it after a drop; the daemon
 * calls vxlan_sockets_report() from its timer so that the last drops of
 * a burst are reported too. */
void vxlan_socket_report(struct vxlan_socket *);
void vxlan_sockets_report(void);

/* Encapsulates 'frame' as 'dest' says and sends it.  EMSGSIZE if it does
 * not fit the underlay. */
int vxlan_socket_send(struct vxlan_socket *, const struct vxlan_dest *dest,
                      const uint8_t *frame, size_t len);

/* As vxlan_socket_send() for 'n' frames, each in two pieces (packet.h),
 * to the same destination: runs of
 * equal-sized frames (a super frame's segments) as UDP GSO sends, the
 * rest, or all when GSO is unavailable, with one sendmmsg() on the raw
 * socket (a loop on the fallback).  '*n_sent' is how many went out;
 * returns 0 or the error that stopped the rest. */
int vxlan_socket_send_batch(struct vxlan_socket *,
                            const struct vxlan_dest *dest,
                            const struct frame_ref *frames, size_t n,
                            size_t *n_sent);

void vxlan_socket_get_stats(const struct vxlan_socket *,
                            struct netdev_vxlan_socket_stats *);

#endif
