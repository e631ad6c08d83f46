/* vxlan-gso: one UDP GSO send per super frame (see the header). */
#include "vxlan-gso.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "vxlan.h"

/* Ports of one slot's stripe of VXLAN_SRC_PORT_MIN..MAX. */
#define STRIPE \
    ((VXLAN_SRC_PORT_MAX - VXLAN_SRC_PORT_MIN + 1) / VXLAN_GSO_SLOTS)
/* Ports of the stripe tried before the slot gives up. */
#define BIND_TRIES 16

void vxlan_gso_init(struct vxlan_gso_pool *p, uint32_t local_ip)
{
    memset(p, 0, sizeof *p);
    p->local_ip = local_ip;
}

void vxlan_gso_uninit(struct vxlan_gso_pool *p)
{
    for (size_t k = 0; k < VXLAN_GSO_SLOTS; k++) {
        if (p->port[k]) {
            close(p->fd[k]);
            p->port[k] = 0;
        }
    }
}

static size_t slot_of(uint32_t hash)
{
    return hash >> 26; /* 64 slots. */
}

uint16_t vxlan_gso_src_port(const struct vxlan_gso_pool *p, uint32_t hash)
{
    uint16_t port = p->port[slot_of(hash)];
    return port ? port : vxlan_src_port(hash);
}

size_t vxlan_gso_plan(const struct frame_ref *frames, size_t n)
{
    if (!n) {
        return 0;
    }
    size_t seg = VXLAN_HLEN + frame_ref_len(&frames[0]);
    size_t total = seg, k = 1;
    while (k < n && k < VXLAN_GSO_MAX_SEGS) {
        size_t next = VXLAN_HLEN + frame_ref_len(&frames[k]);
        if (next > seg || total + next > VXLAN_GSO_MAX_PAYLOAD) {
            break;
        }
        total += next;
        k++;
        if (next < seg) {
            break; /* A shorter one ends a send. */
        }
    }
    return k;
}

/* A socket that sends only: whatever reaches its port is dropped by a
 * filter before it is queued. */
static int open_sender(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { .len = 1, .filter = &drop };
    int pmtu = IP_PMTUDISC_DO, zero = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0
        || setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu) < 0
        /* 0 turns GSO off by default; refused where the kernel has none. */
        || setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof zero) < 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

/* Opens slot k's socket on a free port of its stripe, starting from the
 * one vxlan_src_port(hash) gives.  False if none. */
static bool open_slot(struct vxlan_gso_pool *p, size_t k, uint32_t hash)
{
    int fd = open_sender();
    if (fd < 0) {
        if (errno == ENOPROTOOPT || errno == EOPNOTSUPP || errno == EINVAL) {
            LOG(LOG_INFO,
                "no UDP GSO (%s): VXLAN sends one datagram a "
                "segment",
                strerror(errno));
            p->off = true;
        }
        p->failed[k] = true;
        return false;
    }
    uint16_t base = (uint16_t)(VXLAN_SRC_PORT_MIN + k * STRIPE);
    uint16_t first = (uint16_t)(vxlan_src_port(hash) - base);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(p->local_ip);
    for (unsigned i = 0; i < BIND_TRIES; i++) {
        uint16_t port = (uint16_t)(base + (first + i) % STRIPE);
        sin.sin_port = htons(port);
        if (!bind(fd, (struct sockaddr *)&sin, sizeof sin)) {
            p->fd[k] = fd;
            p->port[k] = port;
            return true;
        }
        if (errno != EADDRINUSE) {
            break;
        }
    }
    LOG(LOG_INFO,
        "VXLAN GSO: no free source port in %u..%u (%s): those "
        "flows send one datagram a segment",
        base, base + STRIPE - 1, strerror(errno));
    close(fd);
    p->failed[k] = true;
    return false;
}

/* Control data: the segment size and the TTL. */
struct gso_control {
    _Alignas(struct cmsghdr) char buf[CMSG_SPACE(sizeof(uint16_t))
                                      + CMSG_SPACE(sizeof(int))];
};

static size_t gso_control_put(struct gso_control *c, uint16_t gso_size,
                              uint8_t ttl)
{
    memset(c, 0, sizeof *c);
    struct msghdr msg = { .msg_control = c->buf,
                          .msg_controllen = sizeof c->buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof gso_size);
    memcpy(CMSG_DATA(cm), &gso_size, sizeof gso_size);
    size_t len = CMSG_SPACE(sizeof gso_size);
    if (ttl) {
        int v = ttl;
        cm = CMSG_NXTHDR(&msg, cm);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_TTL;
        cm->cmsg_len = CMSG_LEN(sizeof v);
        memcpy(CMSG_DATA(cm), &v, sizeof v);
        len += CMSG_SPACE(sizeof v);
    }
    return len;
}

int vxlan_gso_send(struct vxlan_gso_pool *p, const struct vxlan_gso_dest *d,
                   uint32_t hash, const struct frame_ref *frames, size_t n)
{
    size_t k = slot_of(hash);
    if (p->off || n < 2 || n > VXLAN_GSO_MAX_SEGS || p->failed[k]
        || (!p->port[k] && !open_slot(p, k, hash))) {
        return EOPNOTSUPP;
    }
    uint8_t vxh[VXLAN_HLEN];
    vxlan_header_put(vxh, d->vni);
    /* The kernel cuts the concatenation of the vectors every gso_size
     * bytes: VXLAN header, frame headers, payload slice, VXLAN header... */
    struct iovec iov[3 * VXLAN_GSO_MAX_SEGS];
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        const struct frame_ref *f = &frames[i];
        iov[nv++] = (struct iovec){ vxh, VXLAN_HLEN };
        iov[nv++] = (struct iovec){ (void *)f->head, f->head_len };
        if (f->body_len) {
            iov[nv++] = (struct iovec){ (void *)f->body, f->body_len };
        }
    }
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(d->dst_ip);
    sin.sin_port = htons(d->dst_port);
    struct gso_control control;
    struct msghdr msg = {
        .msg_name = &sin,
        .msg_namelen = sizeof sin,
        .msg_iov = iov,
        .msg_iovlen = nv,
        .msg_control = control.buf,
    };
    msg.msg_controllen = gso_control_put(
        &control, (uint16_t)(VXLAN_HLEN + frame_ref_len(&frames[0])), d->ttl);
    ssize_t r;
    do {
        r = sendmsg(p->fd[k], &msg, 0);
    } while (r < 0 && errno == EINTR);
    if (r >= 0) {
        return 0;
    }
    int error = errno;
    if (error == EWOULDBLOCK || error == EAGAIN || error == ENOBUFS) {
        return error == ENOBUFS ? ENOBUFS : EAGAIN;
    }
    if (error == EIO || error == ENOPROTOOPT || error == EOPNOTSUPP) {
        /* EIO: the route's device cannot checksum, which GSO needs. */
        LOG(LOG_INFO,
            "VXLAN GSO send refused (%s): one datagram a segment "
            "from now on",
            strerror(error));
        p->off = true;
    }
    /* EINVAL: a segment bigger than the route's MTU; the raw sender
     * refuses it with EMSGSIZE and counts it. */
    return EOPNOTSUPP;
}
