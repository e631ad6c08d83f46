/* vxlan-gso: the segments of one TCP super frame leave as one UDP GSO
 * send (UDP_SEGMENT), and the flow's outer source port stays the same
 * whichever way a frame leaves.
 *
 * A TAP hands us TCP super frames of up to 64 KB that tso_segment() cuts
 * into ~45 inner frames.  Sent one datagram each (the raw socket's
 * sendmmsg()), every one is a trip through the IP output path, the
 * underlay and the peer's UDP receive path.  With UDP_SEGMENT the kernel
 * takes one buffer of equal-sized datagram payloads (the last may be
 * shorter) and carries it as one GSO packet as far as it can: through
 * veth and bridges whole, cut by the NIC or at the last device that
 * cannot take it, and delivered whole to a receiver that set UDP_GRO.
 *
 * One GSO send shares one UDP header, so its source port is the sending
 * socket's.  RFC 7348 wants the source port to follow the inner flow, so
 * a flow's inner hash picks one of VXLAN_GSO_SLOTS sockets (its top bits,
 * so slot k covers the k-th 1/64 of the VXLAN_SRC_PORT_MIN..MAX range
 * that vxlan_src_port() maps the hash into), and each slot's socket is
 * bound, on first use, to a port of its stripe: the one vxlan_src_port()
 * gives the first flow, or the next free one.  The raw sender then uses
 * the slot's port too for every flow of an open slot
 * (vxlan_gso_src_port()), so that a flow's small frames and its
 * segments take one path through an ECMP underlay.  That spends up to 64
 * local UDP ports in 49152..65535 per (local_ip, dst_port), bound only
 * by a socket that drops whatever is sent to it.
 *
 * What stays as the raw sender does it: DF (IP_PMTUDISC_DO; a segment
 * that does not fit the route is refused and the caller falls back to
 * the raw sender, which drops and counts it as too big), the TTL (IP_TTL
 * per send), TOS 0.  What differs: the kernel fills the UDP checksum
 * (offloaded, or computed once per GSO packet's segments by the device
 * that cuts it) where the raw sender writes zero, and the IP ID.
 *
 * Multicast destinations keep the raw sender.  When the kernel lacks UDP
 * GSO (no UDP_SEGMENT, or a route whose device cannot checksum: EIO), the
 * pool turns itself off and everything goes the raw way, as before. */
#ifndef SW_VXLAN_GSO_H
#define SW_VXLAN_GSO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

#define VXLAN_GSO_SLOTS 64
/* Segments per send: the kernel's UDP_MAX_SEGMENTS on older kernels. */
#define VXLAN_GSO_MAX_SEGS 64
/* The UDP payload of one send: 65535 minus the IPv4 and UDP headers. */
#define VXLAN_GSO_MAX_PAYLOAD (65535 - 20 - 8)

struct vxlan_gso_pool {
    uint32_t local_ip; /* Host order; 0: any. */
    bool off;          /* The kernel cannot: never try again. */
    int fd[VXLAN_GSO_SLOTS];
    uint16_t port[VXLAN_GSO_SLOTS]; /* 0: the slot has no socket. */
    bool failed[VXLAN_GSO_SLOTS];   /* No socket could be bound. */
};

/* Where one send goes (host order). */
struct vxlan_gso_dest {
    uint32_t dst_ip;
    uint16_t dst_port;
    uint32_t vni;
    uint8_t ttl; /* 0: the kernel's default. */
};

void vxlan_gso_init(struct vxlan_gso_pool *, uint32_t local_ip);
void vxlan_gso_uninit(struct vxlan_gso_pool *);

/* The outer source port for a flow whose inner hash is 'hash': its
 * slot's port if the slot has a socket, else vxlan_src_port(hash). */
uint16_t vxlan_gso_src_port(const struct vxlan_gso_pool *, uint32_t hash);

/* How many of the 'n' inner frames, from the first, make one GSO send:
 * all but the last of the same length as the first, the last no longer,
 * at most VXLAN_GSO_MAX_SEGS, and their VXLAN payloads (8 + length each)
 * within VXLAN_GSO_MAX_PAYLOAD.  0 if n is 0; 1 means the first frame
 * goes alone. */
size_t vxlan_gso_plan(const struct frame_ref *frames, size_t n);

/* Sends the 'n' frames (n >= 2, as vxlan_gso_plan() allowed) as one GSO
 * send from the socket of 'hash''s slot, each behind a VXLAN header, its
 * two pieces as two vectors (the payload is not copied here).  Returns 0
 * (all sent), EAGAIN or ENOBUFS (none sent: the queue is full), or
 * EOPNOTSUPP (none sent: use the raw sender for these; the pool may have
 * turned itself off). */
int vxlan_gso_send(struct vxlan_gso_pool *, const struct vxlan_gso_dest *,
                   uint32_t hash, const struct frame_ref *frames, size_t n);

#endif
