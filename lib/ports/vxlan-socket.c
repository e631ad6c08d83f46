/* vxlan-socket: shared UDP endpoints for vxlan ports (see the header). */
#include "vxlan-socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "netdev-provider.h"
#include "tso.h"
#include "util.h"
#include "vxlan-gso.h"
#include "vxlan.h"

/* Datagrams read per recvmmsg(): enough for the segments of one 64 KB
 * super frame (about 45), so that they can be merged back. */
#define VXLAN_RX_BATCH 48
/* Segments one received datagram may hold (UDP_GRO): the kernel's
 * UDP_MAX_SEGMENTS (128 since Linux 6.9, 64 before) bounds what a sender
 * coalesces; UDP_GRO_CNT_MAX (64) what GRO does. */
#define VXLAN_RX_MAX_SEGS 128
/* recvmmsg() calls one vxlan_socket_recv() may make while it finds only
 * datagrams no port takes.  Every datagram of a batch already read is
 * looked at, whatever this says (a batch is never left half read with
 * nothing to wake us: the kernel queue may be empty by then); this only
 * bounds how long a junk flood holds the loop in one call.  When it
 * stops a call, vxlan_socket_rx_pending() says so and the caller comes
 * back after its other work. */
#define VXLAN_RX_MAX_FILLS 4
/* The drop summary (vxlan_socket_report) is logged at most this often. */
#define VXLAN_REPORT_MSEC 10000

struct vxlan_port {
    struct vxlan_port *next;
    struct netdev *dev;
    struct vxlan_port_cfg cfg;
};

/* One group joined on one interface, and how many ports want it. */
struct vxlan_membership {
    struct vxlan_membership *next;
    uint32_t group;
    int ifindex;
    int users;
};

/* One datagram on the receive ring: 'len' bytes at 'data' (inside one of
 * 'rxbuf'), from 'src':'sport' to 'dst'. */
struct vxlan_rx_dgram {
    uint8_t *data;
    size_t len;
    uint32_t src, dst;
    uint16_t sport;
    bool trunc;
};

struct vxlan_socket {
    struct vxlan_socket *next; /* In 'all_sockets'. */
    uint32_t local_ip;
    uint16_t dst_port;
    int refcnt;
    bool rx_bound; /* False: the kernel receives (datapath_type=system). */
    int udp_fd;    /* Bound if 'rx'; receives, and sends when 'raw_fd' < 0. */
    int raw_fd;    /* IPPROTO_RAW sender, or -1. */
    struct vxlan_gso_pool gso; /* Super frames' segments (with raw_fd). */
    struct vxlan_port *ports;
    struct vxlan_membership *groups;
    struct netdev_vxlan_socket_stats stats;

    /* Receive ring, filled by one recvmmsg() into 'rxbuf' and handed out
     * one datagram at a time; a coalesced (UDP_GRO) datagram is split
     * into the datagrams it was made of, each its own entry. */
    size_t rx_next, rx_n;
    uint8_t *rxbuf[VXLAN_RX_BATCH]; /* NETDEV_RX_BUF bytes each. */
    struct vxlan_rx_dgram *ring;    /* VXLAN_RX_BATCH * VXLAN_RX_MAX_SEGS. */
    bool rx_more; /* The last recv stopped at VXLAN_RX_MAX_FILLS. */

    /* The counters as last logged, and when (vxlan_socket_report). */
    struct netdev_vxlan_socket_stats reported;
    int64_t reported_msec;
};

/* The daemon is single-threaded; a plain list is enough for the handful
 * of (local_ip, dst_port) pairs a switch uses. */
static struct vxlan_socket *all_sockets;

static int open_udp(uint32_t local_ip, uint16_t dst_port, bool rx, char **errp)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int error = errno;
        *errp = xasprintf("vxlan socket: %s", strerror(error));
        return -error;
    }
    int one = 1, zero = 0;
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    /* Only the groups we joined, and never our own group datagrams (the
     * fallback sender uses this socket). */
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero);
    /* Only matters for the fallback sender: refuse to fragment. */
    int pmtu = IP_PMTUDISC_DO;
    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
    /* A burst of tunnel traffic should not be dropped by a small default
     * buffer; the kernel caps this at rmem_max. */
    int rcvbuf = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    /* The kernel then tells us, with each datagram, how many it dropped
     * because our buffer was full: the drops nobody else sees. */
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    /* Take the datagrams of a peer's GSO send (or of the kernel's UDP
     * GRO) as they arrived, one buffer with the size of each (a
     * UDP_GRO control message), rather than having the kernel cut them
     * up first.  Where the kernel cannot, it delivers them one by one. */
    setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one);

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(local_ip);
    sin.sin_port = htons(dst_port);
    if (!rx) {
        /* The kernel's vxlan device owns the port: this socket only
         * sends, from an ephemeral port, if the raw socket is missing. */
        return fd;
    }
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
        int error = errno;
        char ipbuf[16];
        *errp =
            xasprintf("vxlan socket: binding %s:%u: %s",
                      ipv4_to_str(local_ip, ipbuf), dst_port, strerror(error));
        close(fd);
        return -error;
    }
    return fd;
}

static int open_raw(void)
{
    int fd =
        socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0) {
        LOG(LOG_WARN,
            "no raw socket (%s): VXLAN source port will not vary "
            "with the inner flow",
            strerror(errno));
        return fd;
    }
    /* A frame we flood to a group must not come back to our own group
     * socket as if a peer had sent it. */
    int zero = 0;
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero);
    return fd;
}

int vxlan_socket_ref(uint32_t local_ip, uint16_t dst_port, bool rx,
                     struct vxlan_socket **sockp, char **errp)
{
    for (struct vxlan_socket *s = all_sockets; s; s = s->next) {
        if (s->local_ip == local_ip && s->dst_port == dst_port
            && s->rx_bound == rx) {
            s->refcnt++;
            *sockp = s;
            return 0;
        }
    }
    int fd = open_udp(local_ip, dst_port, rx, errp);
    if (fd < 0) {
        return -fd;
    }
    struct vxlan_socket *s = xzalloc(sizeof *s);
    s->local_ip = local_ip;
    s->dst_port = dst_port;
    s->refcnt = 1;
    s->rx_bound = rx;
    s->udp_fd = fd;
    /* A socket bound to a group only receives: ports send through the
     * socket of their local_ip. */
    s->raw_fd = netdev_ip_is_multicast(local_ip) ? -1 : open_raw();
    /* Without the raw sender every datagram leaves from dst_port; GSO
     * sends would vary it for some only. */
    vxlan_gso_init(&s->gso, local_ip);
    s->gso.off = s->raw_fd < 0;
    s->next = all_sockets;
    all_sockets = s;
    *sockp = s;
    return 0;
}

void vxlan_socket_unref(struct vxlan_socket *s)
{
    if (!s || --s->refcnt > 0) {
        return;
    }
    for (struct vxlan_socket **p = &all_sockets; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    close(s->udp_fd);
    if (s->raw_fd >= 0) {
        close(s->raw_fd);
    }
    vxlan_gso_uninit(&s->gso);
    while (s->ports) {
        struct vxlan_port *port = s->ports;
        s->ports = port->next;
        free(port);
    }
    /* Closing the socket dropped its memberships. */
    while (s->groups) {
        struct vxlan_membership *m = s->groups;
        s->groups = m->next;
        free(m);
    }
    for (size_t i = 0; i < VXLAN_RX_BATCH; i++) {
        free(s->rxbuf[i]);
    }
    free(s->ring);
    free(s);
}

/* The address a port is told apart by: for a group port, "any group",
 * since unicast datagrams to it come from VTEPs no port names. */
static uint32_t demux_addr(uint32_t remote_ip)
{
    return netdev_ip_is_multicast(remote_ip) ? 0xe0000000u : remote_ip;
}

int vxlan_socket_add_port(struct vxlan_socket *s, struct netdev *dev,
                          const struct vxlan_port_cfg *cfg)
{
    for (struct vxlan_port *p = s->ports; p; p = p->next) {
        if (demux_addr(p->cfg.remote_ip) == demux_addr(cfg->remote_ip)
            && p->cfg.key_flow == cfg->key_flow
            && (cfg->key_flow || p->cfg.vni == cfg->vni)) {
            return EEXIST;
        }
    }
    struct vxlan_port *port = xzalloc(sizeof *port);
    port->dev = dev;
    port->cfg = *cfg;
    /* Append, so that among equals the first configured port wins. */
    struct vxlan_port **tail = &s->ports;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = port;
    return 0;
}

void vxlan_socket_remove_port(struct vxlan_socket *s, struct netdev *dev)
{
    for (struct vxlan_port **p = &s->ports; *p; p = &(*p)->next) {
        if ((*p)->dev == dev) {
            struct vxlan_port *port = *p;
            *p = port->next;
            free(port);
            return;
        }
    }
}

static struct vxlan_membership *find_membership(struct vxlan_socket *s,
                                                uint32_t group, int ifindex)
{
    for (struct vxlan_membership *m = s->groups; m; m = m->next) {
        if (m->group == group && m->ifindex == ifindex) {
            return m;
        }
    }
    return NULL;
}

static int set_membership(int fd, int opt, uint32_t group, int ifindex)
{
    struct ip_mreqn mr;
    memset(&mr, 0, sizeof mr);
    mr.imr_multiaddr.s_addr = htonl(group);
    mr.imr_ifindex = ifindex;
    return setsockopt(fd, IPPROTO_IP, opt, &mr, sizeof mr) < 0 ? errno : 0;
}

int vxlan_socket_join(struct vxlan_socket *s, uint32_t group, int ifindex,
                      char **errp)
{
    struct vxlan_membership *m = find_membership(s, group, ifindex);
    if (m) {
        m->users++;
        return 0;
    }
    int error = set_membership(s->udp_fd, IP_ADD_MEMBERSHIP, group, ifindex);
    if (error) {
        char ipbuf[16], ifname[IF_NAMESIZE] = "?";
        if_indextoname((unsigned)ifindex, ifname);
        *errp = xasprintf("joining group %s on %s: %s",
                          ipv4_to_str(group, ipbuf), ifname, strerror(error));
        return error;
    }
    m = xzalloc(sizeof *m);
    m->group = group;
    m->ifindex = ifindex;
    m->users = 1;
    m->next = s->groups;
    s->groups = m;
    return 0;
}

void vxlan_socket_leave(struct vxlan_socket *s, uint32_t group, int ifindex)
{
    for (struct vxlan_membership **p = &s->groups; *p; p = &(*p)->next) {
        struct vxlan_membership *m = *p;
        if (m->group != group || m->ifindex != ifindex) {
            continue;
        }
        if (--m->users == 0) {
            int error =
                set_membership(s->udp_fd, IP_DROP_MEMBERSHIP, group, ifindex);
            if (error) {
                char ipbuf[16];
                LOG(LOG_WARN, "leaving group %s: %s",
                    ipv4_to_str(group, ipbuf), strerror(error));
            }
            *p = m->next;
            free(m);
        }
        return;
    }
}

int vxlan_socket_fd(const struct vxlan_socket *s)
{
    return s->rx_bound ? s->udp_fd : -1;
}

bool vxlan_socket_has_raw(const struct vxlan_socket *s)
{
    return s->raw_fd >= 0;
}

static uint64_t drops_total(const struct netdev_vxlan_socket_stats *);

/* Chooses the port for a datagram from 'src' to 'dst' with 'vni'.
 * Returns it, or NULL with '*peerp' set to a port of that source (to
 * charge the drop to) or NULL for an unknown peer. */
static struct vxlan_port *demux(const struct vxlan_socket *s, uint32_t src,
                                uint32_t dst, uint32_t vni,
                                struct vxlan_port **peerp)
{
    *peerp = NULL;
    for (int pass = 0; pass < NETDEV_VXLAN_DEMUX_PASSES; pass++) {
        for (struct vxlan_port *p = s->ports; p; p = p->next) {
            if (!netdev_vxlan_demux_candidate(pass, p->cfg.remote_ip, src,
                                              dst)) {
                continue;
            }
            if (p->cfg.key_flow || p->cfg.vni == vni) {
                return p;
            }
            if (!*peerp) {
                *peerp = p;
            }
        }
        /* A port naming the source owns it: no other port takes what it
         * refused.  A group port's refusal leaves remote_ip=flow ports
         * their chance. */
        if (*peerp && pass == 0) {
            return NULL;
        }
    }
    return NULL;
}

/* Puts what recvmmsg() message 'msg' ('len' bytes at 'buf', from 'sin')
 * on the ring: one entry per datagram it holds ('gso' bytes each, the
 * last shorter, when the kernel coalesced them; 0: one datagram). */
static void ring_put(struct vxlan_socket *s, struct msghdr *msg, uint8_t *buf,
                     size_t len, const struct sockaddr_in *sin)
{
    struct vxlan_rx_dgram d = {
        .data = buf,
        .len = len,
        .src = ntohl(sin->sin_addr.s_addr),
        .dst = s->local_ip,
        .sport = ntohs(sin->sin_port),
        .trunc = (msg->msg_flags & MSG_TRUNC) != 0,
    };
    size_t gso = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            d.dst = ntohl(pi.ipi_addr.s_addr);
        } else if (c->cmsg_level == SOL_SOCKET
                   && c->cmsg_type == SO_RXQ_OVFL) {
            /* A running count for the socket's lifetime. */
            uint32_t drops;
            memcpy(&drops, CMSG_DATA(c), sizeof drops);
            s->stats.rx_overflow = drops;
        } else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int size;
            memcpy(&size, CMSG_DATA(c), sizeof size);
            gso = size > 0 ? (size_t)size : 0;
        }
    }
    size_t n_segs = vxlan_gro_count(len, gso);
    if (d.trunc || n_segs <= 1) {
        s->ring[s->rx_n++] = d;
        return;
    }
    for (size_t k = 0; k < n_segs; k++) {
        struct vxlan_rx_dgram *e = &s->ring[s->rx_n++];
        *e = d;
        e->data = buf + k * gso;
        e->len = k + 1 < n_segs ? gso : len - k * gso;
        if (k + 1 == VXLAN_RX_MAX_SEGS && k + 1 < n_segs) {
            /* More than any kernel coalesces: the rest is dropped. */
            e->trunc = true;
            break;
        }
    }
}

/* Refills the receive ring with one recvmmsg(): 0, EAGAIN, or an
 * errno. */
static int fill_ring(struct vxlan_socket *s)
{
    struct sockaddr_in sin[VXLAN_RX_BATCH];
    struct iovec iov[VXLAN_RX_BATCH];
    struct {
        _Alignas(struct cmsghdr) char buf[CMSG_SPACE(sizeof(struct in_pktinfo))
                                          + CMSG_SPACE(sizeof(uint32_t))
                                          + CMSG_SPACE(sizeof(int))];
    } cmsgbuf[VXLAN_RX_BATCH];
    struct mmsghdr msgs[VXLAN_RX_BATCH];
    if (!s->ring) {
        /* Allocated on first use: a socket that only sends never pays
         * for the ring. */
        s->ring =
            xmalloc(VXLAN_RX_BATCH * VXLAN_RX_MAX_SEGS * sizeof *s->ring);
    }
    for (size_t i = 0; i < VXLAN_RX_BATCH; i++) {
        if (!s->rxbuf[i]) {
            s->rxbuf[i] = xmalloc(NETDEV_RX_BUF);
        }
        iov[i] = (struct iovec){ s->rxbuf[i], NETDEV_RX_BUF };
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr = (struct msghdr){
            .msg_name = &sin[i],
            .msg_namelen = sizeof sin[i],
            .msg_iov = &iov[i],
            .msg_iovlen = 1,
            .msg_control = cmsgbuf[i].buf,
            .msg_controllen = sizeof cmsgbuf[i].buf,
        };
    }
    int n;
    do {
        n = recvmmsg(s->udp_fd, msgs, VXLAN_RX_BATCH, 0, NULL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno == EWOULDBLOCK ? EAGAIN : errno;
    }
    s->rx_next = 0;
    s->rx_n = 0;
    for (int i = 0; i < n; i++) {
        ring_put(s, &msgs[i].msg_hdr, s->rxbuf[i], msgs[i].msg_len, &sin[i]);
    }
    return n ? 0 : EAGAIN;
}

/* Takes the next datagram off the ring: 0 (its index in '*ip'), EAGAIN,
 * EMSGSIZE (truncated, counted), or an errno.  Refilling the ring costs
 * one of '*fills'; with none left it returns EAGAIN and sets 'rx_more'. */
static int read_one(struct vxlan_socket *s, size_t *ip, int *fills)
{
    if (s->rx_next >= s->rx_n) {
        if (*fills <= 0) {
            s->rx_more = true;
            return EAGAIN;
        }
        (*fills)--;
        int error = fill_ring(s);
        if (error) {
            return error;
        }
    }
    size_t i = s->rx_next++;
    if (s->ring[i].trunc) {
        s->stats.rx_truncated++;
        return EMSGSIZE;
    }
    *ip = i;
    return 0;
}

/* Merges the TCP segments that follow datagram 'i' on the ring and
 * continue its inner frame (same outer source and VNI, see tso.h) into
 * '*pkt'.  Returns false, consuming nothing, if there is nothing to
 * merge. */
static bool gro(struct vxlan_socket *s, size_t i, uint32_t vni,
                struct packet *pkt)
{
    const struct vxlan_rx_dgram *di = &s->ring[i];
    const uint8_t *a = di->data + VXLAN_HLEN;
    size_t alen = di->len - VXLAN_HLEN;
    struct tso_tcp t;
    if (s->rx_next >= s->rx_n || !tso_gro_can_start(a, alen, &t)) {
        return false;
    }
    size_t first_seg = t.l3_end - t.payload_ofs;
    size_t len = t.l3_end;
    uint8_t psh = 0;
    /* The merged payload's checksum sum, from the verified segments'
     * headers (tso.h): no second pass over the payload. */
    uint32_t psum = tso_tcp_payload_sum(a, &t);
    /* The merged frame is built in the buffer the packet will own
     * (packet_adopt()): one copy of each payload, not two. */
    uint8_t *buf = NULL, *merged = NULL;
    while (s->rx_next < s->rx_n && !psh) {
        const struct vxlan_rx_dgram *dj = &s->ring[s->rx_next];
        uint32_t vj = 0;
        if (dj->trunc || dj->src != di->src || dj->dst != di->dst
            || vxlan_header_parse(dj->data, dj->len, &vj) != VXLAN_OK
            || vj != vni) {
            break;
        }
        const uint8_t *b = dj->data + VXLAN_HLEN;
        struct tso_tcp tb;
        /* The merged frame's IP packet stays within 65535 bytes, and the
         * whole frame within the buffer. */
        size_t max_l3 = NETDEV_RX_BUF - 1 - t.l3_ofs;
        if (!tso_gro_continues(merged ? merged : a, &t, first_seg, b,
                               dj->len - VXLAN_HLEN, max_l3, &tb)) {
            break;
        }
        if (!merged) {
            buf = packet_buf_alloc(NETDEV_RX_BUF);
            merged = packet_buf_frame(buf);
            memcpy(merged, a, len);
        }
        /* Copied and verified in one pass; the copy of a segment whose
         * checksum is wrong lies beyond 'len' and is overwritten or
         * ignored, and the segment goes through on its own. */
        uint16_t bsum;
        if (!tso_gro_copy_payload(merged + len, b, &tb, &bsum)) {
            break;
        }
        size_t plen = tb.l3_end - tb.payload_ofs;
        psum += tso_csum_shift(bsum, len - t.payload_ofs);
        len += plen;
        t.l3_end = len;
        psh = b[tb.l4_ofs + 13] & 0x08;
        s->rx_next++;
        /* A shorter segment is the last of its super frame. */
        if (plen < first_seg) {
            break;
        }
    }
    if (!merged) {
        return false;
    }
    tso_gro_finish_sum(merged, &t, psh, tso_csum_fold(psum));
    packet_adopt(pkt, buf, NETDEV_RX_BUF, len);
    return true;
}

int vxlan_socket_recv(struct vxlan_socket *s, struct packet *pkt,
                      struct netdev_tunnel *tnl, struct netdev **devp)
{
    int fills = VXLAN_RX_MAX_FILLS;
    uint64_t drops_before = drops_total(&s->stats);
    s->rx_more = false;
    for (;;) {
        size_t ri = 0;
        int error = read_one(s, &ri, &fills);
        if (error == EMSGSIZE) {
            continue;
        } else if (error) {
            if (drops_total(&s->stats) != drops_before) {
                vxlan_socket_report(s);
            }
            return error;
        }
        const struct vxlan_rx_dgram *d = &s->ring[ri];
        size_t len = d->len;
        uint32_t src = d->src, dst = d->dst;

        uint32_t vni = 0;
        enum vxlan_parse_error perr = vxlan_header_parse(d->data, len, &vni);
        struct vxlan_port *peer;
        struct vxlan_port *port = demux(s, src, dst, vni, &peer);
        char ipbuf[16];
        if (perr != VXLAN_OK) {
            s->stats.rx_bad_header++;
            struct vxlan_port *charge = port ? port : peer;
            if (charge) {
                charge->dev->stats.rx_errors++;
            }
            LOG_RL(LOG_DBG, "vxlan from %s: %s", ipv4_to_str(src, ipbuf),
                   vxlan_parse_error_str(perr));
            continue;
        }
        if (!port) {
            if (peer) {
                s->stats.rx_wrong_vni++;
                peer->dev->stats.rx_dropped++;
                LOG_RL(LOG_DBG, "vxlan from %s: no port takes VNI %u",
                       ipv4_to_str(src, ipbuf), vni);
            } else {
                s->stats.rx_unknown_peer++;
                LOG_RL(LOG_DBG, "vxlan from unknown peer %s",
                       ipv4_to_str(src, ipbuf));
            }
            continue;
        }
        if (!gro(s, ri, vni, pkt)) {
            packet_init(pkt, d->data + VXLAN_HLEN, len - VXLAN_HLEN);
        }
        tnl->tun_id = vni;
        tnl->tun_src = src;
        tnl->tun_dst = dst;
        tnl->udp_src = d->sport;
        *devp = port->dev;
        return 0;
    }
}

bool vxlan_socket_rx_pending(const struct vxlan_socket *s)
{
    return s->rx_next < s->rx_n || s->rx_more;
}

/* Sum of the counters that mean a datagram was lost. */
static uint64_t drops_total(const struct netdev_vxlan_socket_stats *st)
{
    return st->rx_unknown_peer + st->rx_bad_header + st->rx_wrong_vni
           + st->rx_truncated + st->rx_overflow;
}

void vxlan_socket_report(struct vxlan_socket *s)
{
    const struct netdev_vxlan_socket_stats *now = &s->stats;
    const struct netdev_vxlan_socket_stats *was = &s->reported;
    int64_t msec = clock_msec();
    if (drops_total(now) == drops_total(was)
        || msec - s->reported_msec < VXLAN_REPORT_MSEC) {
        return;
    }
    char ipbuf[16];
    LOG(LOG_WARN,
        "vxlan socket %s:%u dropped, in the last %lld s: %llu from "
        "unknown peers, %llu malformed, %llu with a VNI no port takes, "
        "%llu too big, %llu for want of buffer space (totals: %llu, "
        "%llu, %llu, %llu, %llu)",
        ipv4_to_str(s->local_ip, ipbuf), s->dst_port,
        (long long)((msec - s->reported_msec) / 1000),
        (unsigned long long)(now->rx_unknown_peer - was->rx_unknown_peer),
        (unsigned long long)(now->rx_bad_header - was->rx_bad_header),
        (unsigned long long)(now->rx_wrong_vni - was->rx_wrong_vni),
        (unsigned long long)(now->rx_truncated - was->rx_truncated),
        (unsigned long long)(now->rx_overflow - was->rx_overflow),
        (unsigned long long)now->rx_unknown_peer,
        (unsigned long long)now->rx_bad_header,
        (unsigned long long)now->rx_wrong_vni,
        (unsigned long long)now->rx_truncated,
        (unsigned long long)now->rx_overflow);
    s->reported = *now;
    s->reported_msec = msec;
}

void vxlan_sockets_report(void)
{
    for (struct vxlan_socket *s = all_sockets; s; s = s->next) {
        vxlan_socket_report(s);
    }
}

static int send_error(void)
{
    int error = errno;
    return error == EWOULDBLOCK ? EAGAIN : error;
}

/* Control data for one destination: the interface a datagram to a group
 * leaves by (IP_PKTINFO) and, for the fallback sender, which builds no IP
 * header of its own, the TTL (IP_TTL). */
struct tx_control {
    struct {
        /* Aligned as a cmsghdr (a union with one would put glibc's
         * flexible array member in the middle of this struct). */
        _Alignas(struct cmsghdr) char buf[CMSG_SPACE(sizeof(struct in_pktinfo))
                                          + CMSG_SPACE(sizeof(int))];
    } u;
    size_t len;
};

static void tx_control_init(struct tx_control *c, uint32_t src_ip,
                            const struct vxlan_dest *d, bool with_ttl)
{
    memset(c, 0, sizeof *c);
    struct msghdr msg = { .msg_control = c->u.buf,
                          .msg_controllen = sizeof c->u.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (d->mc_ifindex && netdev_ip_is_multicast(d->dst_ip)) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_ifindex = d->mc_ifindex;
        /* Else it would override the bound address with "any". */
        pi.ipi_spec_dst.s_addr = htonl(src_ip);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(cm), &pi, sizeof pi);
        c->len += CMSG_SPACE(sizeof pi);
        cm = CMSG_NXTHDR(&msg, cm);
    }
    if (with_ttl && d->ttl) {
        int ttl = d->ttl;
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_TTL;
        cm->cmsg_len = CMSG_LEN(sizeof ttl);
        memcpy(CMSG_DATA(cm), &ttl, sizeof ttl);
        c->len += CMSG_SPACE(sizeof ttl);
    }
}

static void tx_control_attach(struct tx_control *c, struct msghdr *msg)
{
    msg->msg_control = c->len ? c->u.buf : NULL;
    msg->msg_controllen = c->len;
}

/* Sends one frame in its two pieces, one datagram. */
static int send_one(struct vxlan_socket *s, const struct vxlan_dest *d,
                    const struct frame_ref *f)
{
    size_t len = frame_ref_len(f);
    uint8_t hdr[VXLAN_IP_UDP_VXLAN_HLEN];
    uint8_t *vxh = hdr + VXLAN_IP_HLEN + VXLAN_UDP_HLEN;
    vxlan_header_put(vxh, d->vni);
    uint32_t src_ip = d->src_ip ? d->src_ip : s->local_ip;

    if (len + VXLAN_IP_UDP_VXLAN_HLEN > 65535) {
        return EMSGSIZE;
    }
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(d->dst_ip);

    struct iovec iov[3];
    iov[1] = (struct iovec){ (void *)f->head, f->head_len };
    iov[2] = (struct iovec){ (void *)f->body, f->body_len };
    struct msghdr msg = {
        .msg_name = &sin,
        .msg_namelen = sizeof sin,
        .msg_iov = iov,
        .msg_iovlen = f->body_len ? 3 : 2,
    };
    struct tx_control control;
    int fd;
    if (s->raw_fd >= 0) {
        uint16_t sport = vxlan_gso_src_port(
            &s->gso, vxlan_inner_hash(f->head, f->head_len));
        vxlan_put_ip_udp(hdr, src_ip, d->dst_ip, sport, s->dst_port,
                         VXLAN_HLEN + len, d->ttl, 0);
        iov[0].iov_base = hdr;
        iov[0].iov_len = sizeof hdr;
        fd = s->raw_fd;
        tx_control_init(&control, src_ip, d, false);
    } else {
        sin.sin_port = htons(s->dst_port);
        iov[0].iov_base = vxh;
        iov[0].iov_len = VXLAN_HLEN;
        fd = s->udp_fd;
        tx_control_init(&control, src_ip, d, true);
    }
    tx_control_attach(&control, &msg);
    ssize_t n;
    do {
        n = sendmsg(fd, &msg, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? send_error() : 0;
}

int vxlan_socket_send(struct vxlan_socket *s, const struct vxlan_dest *d,
                      const uint8_t *frame, size_t len)
{
    const struct frame_ref f = { .head = frame, .head_len = len };
    return send_one(s, d, &f);
}

/* vxlan_socket_send_batch() one datagram a frame: one sendmmsg() on the
 * raw socket, a loop on the fallback. */
static int send_batch_raw(struct vxlan_socket *s, const struct vxlan_dest *d,
                          const struct frame_ref *frames, size_t n,
                          size_t *n_sent)
{
    enum { MAX = 64 };
    *n_sent = 0;
    if (s->raw_fd < 0 || n > MAX) {
        for (; *n_sent < n; (*n_sent)++) {
            int error = send_one(s, d, &frames[*n_sent]);
            if (error) {
                return error;
            }
        }
        return 0;
    }

    /* One header block per frame: the IP length, checksum and source
     * port differ (the source port hashes the inner flow, which is the
     * same for every segment, but computing it per frame keeps this
     * correct for any batch). */
    uint8_t hdrs[MAX][VXLAN_IP_UDP_VXLAN_HLEN];
    struct iovec iov[MAX][3];
    struct mmsghdr msgs[MAX];
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(d->dst_ip);
    uint32_t src_ip = d->src_ip ? d->src_ip : s->local_ip;
    struct tx_control control;
    tx_control_init(&control, src_ip, d, false);
    size_t n_all = n;
    for (size_t i = 0; i < n; i++) {
        const struct frame_ref *f = &frames[i];
        size_t len = frame_ref_len(f);
        if (len + VXLAN_IP_UDP_VXLAN_HLEN > 65535) {
            n = i;
            break;
        }
        uint8_t *hdr = hdrs[i];
        vxlan_header_put(hdr + VXLAN_IP_HLEN + VXLAN_UDP_HLEN, d->vni);
        uint16_t sport = vxlan_gso_src_port(
            &s->gso, vxlan_inner_hash(f->head, f->head_len));
        vxlan_put_ip_udp(hdr, src_ip, d->dst_ip, sport, s->dst_port,
                         VXLAN_HLEN + len, d->ttl, 0);
        iov[i][0] = (struct iovec){ hdr, VXLAN_IP_UDP_VXLAN_HLEN };
        iov[i][1] = (struct iovec){ (void *)f->head, f->head_len };
        iov[i][2] = (struct iovec){ (void *)f->body, f->body_len };
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_name = &sin;
        msgs[i].msg_hdr.msg_namelen = sizeof sin;
        msgs[i].msg_hdr.msg_iov = iov[i];
        msgs[i].msg_hdr.msg_iovlen = f->body_len ? 3 : 2;
        /* The kernel only reads it: one buffer serves every message. */
        tx_control_attach(&control, &msgs[i].msg_hdr);
    }
    while (*n_sent < n) {
        int r = sendmmsg(s->raw_fd, msgs + *n_sent,
                         (unsigned int)(n - *n_sent), 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return send_error();
        }
        *n_sent += (size_t)r;
    }
    /* A frame too big for a datagram cut the batch short above. */
    return n < n_all ? EMSGSIZE : 0;
}

int vxlan_socket_send_batch(struct vxlan_socket *s, const struct vxlan_dest *d,
                            const struct frame_ref *frames, size_t n,
                            size_t *n_sent)
{
    *n_sent = 0;
    if (s->gso.off || netdev_ip_is_multicast(d->dst_ip)) {
        return send_batch_raw(s, d, frames, n, n_sent);
    }
    const struct vxlan_gso_dest gd = {
        .dst_ip = d->dst_ip,
        .dst_port = s->dst_port,
        .vni = d->vni,
        .ttl = d->ttl,
    };
    while (*n_sent < n) {
        size_t i = *n_sent;
        size_t k = vxlan_gso_plan(frames + i, n - i);
        int error = EOPNOTSUPP;
        if (k >= 2) {
            uint32_t hash =
                vxlan_inner_hash(frames[i].head, frames[i].head_len);
            error = vxlan_gso_send(&s->gso, &gd, hash, frames + i, k);
        }
        if (!error) {
            *n_sent += k;
            continue;
        }
        if (error != EOPNOTSUPP) {
            return error;
        }
        if (k < 2) {
            /* Alone: so do the frames after it that make no GSO send. */
            while (i + k < n
                   && vxlan_gso_plan(frames + i + k, n - i - k) < 2) {
                k++;
            }
        }
        /* These go one datagram each (alone, or refused). */
        size_t done = 0;
        error = send_batch_raw(s, d, frames + i, k, &done);
        *n_sent += done;
        if (error) {
            return error;
        }
    }
    return 0;
}

void vxlan_socket_get_stats(const struct vxlan_socket *s,
                            struct netdev_vxlan_socket_stats *stats)
{
    *stats = s->stats;
    stats->local_ip = s->local_ip;
    stats->dst_port = s->dst_port;
}
