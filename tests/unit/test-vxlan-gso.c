/* Unit tests for vxlan-gso.c (one UDP GSO send per super frame) and the
 * receive side's split of coalesced datagrams (vxlan_gro_count): the
 * planning as pure functions, the sends through real sockets on the
 * loopback device, which does UDP GSO in software. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check-main.h"
#include "vxlan-gso.h"
#include "vxlan.h"

#define LO 0x7f000001u

/* Frames of the given lengths for the planner, which reads lengths
 * only: each split as a segment would be, 54 bytes of headers. */
static void set_len(struct frame_ref *f, size_t len)
{
    static const uint8_t bytes[1500];
    *f = (struct frame_ref){ .head = bytes,
                             .head_len = len < 54 ? len : 54,
                             .body = bytes,
                             .body_len = len < 54 ? 0 : len - 54 };
}

START_TEST(test_plan)
{
    struct frame_ref lens[80];
    memset(lens, 0, sizeof lens);
    ck_assert_uint_eq(vxlan_gso_plan(lens, 0), 0);

    /* A 64 KB super frame's 45 segments of 1464 bytes: 44 fit one send
     * (44 * 1472 = 64768 <= 65507), the 45th starts the next. */
    for (size_t i = 0; i < 45; i++) {
        set_len(&lens[i], 1464);
    }
    ck_assert_uint_eq(vxlan_gso_plan(lens, 45), 44);
    ck_assert_uint_eq(vxlan_gso_plan(lens + 44, 1), 1);

    /* A shorter last one joins and ends the send. */
    set_len(&lens[2], 500);
    ck_assert_uint_eq(vxlan_gso_plan(lens, 45), 3);
    /* A longer one cannot follow a shorter first. */
    ck_assert_uint_eq(vxlan_gso_plan(lens + 2, 43), 1);

    /* Small frames: the segment count bounds a send. */
    for (size_t i = 0; i < 80; i++) {
        set_len(&lens[i], 100);
    }
    ck_assert_uint_eq(vxlan_gso_plan(lens, 80), VXLAN_GSO_MAX_SEGS);
}
END_TEST

START_TEST(test_gro_count)
{
    ck_assert_uint_eq(vxlan_gro_count(0, 0), 1);
    ck_assert_uint_eq(vxlan_gro_count(1472, 0), 1);
    ck_assert_uint_eq(vxlan_gro_count(1472, 1472), 1);
    ck_assert_uint_eq(vxlan_gro_count(100, 1472), 1);
    ck_assert_uint_eq(vxlan_gro_count(1473, 1472), 2);
    ck_assert_uint_eq(vxlan_gro_count(44 * 1472, 1472), 44);
    ck_assert_uint_eq(vxlan_gro_count(43 * 1472 + 1, 1472), 44);
}
END_TEST

/* A UDP socket on 127.0.0.1 (any port) that reports TTLs, and, with
 * 'gro', takes coalesced datagrams whole. */
static int open_receiver(bool gro, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    int one = 1;
    ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one),
                     0);
    if (gro) {
        ck_assert_int_eq(setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one),
                         0);
    }
    struct timeval tv = { .tv_sec = 2 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(LO);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t sl = sizeof sin;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
    *port = ntohs(sin.sin_port);
    return fd;
}

/* One datagram: its length, source port, TTL and UDP_GRO size (0 if
 * none). */
struct rx {
    ssize_t len;
    uint16_t sport;
    int ttl;
    int gso;
};

static struct rx receive(int fd, uint8_t *buf, size_t size)
{
    struct rx r = { .ttl = -1 };
    struct sockaddr_in sin;
    struct iovec iov = { buf, size };
    _Alignas(struct cmsghdr) char control[256];
    struct msghdr msg = {
        .msg_name = &sin,
        .msg_namelen = sizeof sin,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = sizeof control,
    };
    r.len = recvmsg(fd, &msg, 0);
    ck_assert_int_gt(r.len, 0);
    r.sport = ntohs(sin.sin_port);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
         c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            memcpy(&r.ttl, CMSG_DATA(c), sizeof r.ttl);
        } else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            memcpy(&r.gso, CMSG_DATA(c), sizeof r.gso);
        }
    }
    return r;
}

/* Three inner frames as a super frame's segments would be: two of 200
 * bytes, the last of 90, each filled with its own byte and given in two
 * pieces (40 bytes of "headers", then the rest), as tso_split() gives
 * them; 'whole' holds each frame as the wire must carry it. */
static uint8_t frame_bytes[3][200];
static uint8_t frame_heads[3][40];
static const size_t frame_lens[3] = { 200, 200, 90 };

static void fill_frames(struct frame_ref *frames, const uint8_t **whole)
{
    for (size_t i = 0; i < 3; i++) {
        memset(frame_bytes[i], 0xa0 + (int)i, sizeof frame_bytes[i]);
        memset(frame_bytes[i], 0x10 + (int)i, 40);
        memcpy(frame_heads[i], frame_bytes[i], 40);
        /* The head piece is a separate buffer, as segment headers are. */
        frames[i] = (struct frame_ref){ .head = frame_heads[i],
                                        .head_len = 40,
                                        .body = frame_bytes[i] + 40,
                                        .body_len = frame_lens[i] - 40 };
        whole[i] = frame_bytes[i];
    }
}

START_TEST(test_send_segments)
{
    uint16_t rport;
    int rx = open_receiver(false, &rport);
    struct vxlan_gso_pool pool;
    vxlan_gso_init(&pool, LO);
    const uint32_t hash = 0x9abcdef0;
    /* Before the slot opens, the raw sender's port for the flow. */
    ck_assert_uint_eq(vxlan_gso_src_port(&pool, hash), vxlan_src_port(hash));

    struct frame_ref frames[3];
    const uint8_t *whole[3];
    fill_frames(frames, whole);
    struct vxlan_gso_dest d = {
        .dst_ip = LO, .dst_port = rport, .vni = 0x123456, .ttl = 9
    };
    ck_assert_uint_eq(vxlan_gso_plan(frames, 3), 3);
    ck_assert_int_eq(vxlan_gso_send(&pool, &d, hash, frames, 3), 0);

    /* The slot's port is in the flow's 1/64 of the range, and from now
     * on the raw sender uses it for the flow too. */
    uint16_t port = vxlan_gso_src_port(&pool, hash);
    uint16_t stripe = (VXLAN_SRC_PORT_MAX - VXLAN_SRC_PORT_MIN + 1) / 64;
    uint16_t base = VXLAN_SRC_PORT_MIN + (hash >> 26) * stripe;
    ck_assert_uint_ge(port, base);
    ck_assert_uint_lt(port, base + stripe);

    /* A receiver without UDP_GRO gets the three datagrams, each a VXLAN
     * header and one frame, from the slot's port with the TTL asked. */
    uint8_t buf[65536];
    for (size_t i = 0; i < 3; i++) {
        struct rx r = receive(rx, buf, sizeof buf);
        ck_assert_int_eq(r.len, (ssize_t)(VXLAN_HLEN + frame_lens[i]));
        ck_assert_uint_eq(r.sport, port);
        ck_assert_int_eq(r.ttl, 9);
        ck_assert_int_eq(r.gso, 0);
        uint32_t vni = 0;
        ck_assert_int_eq(vxlan_header_parse(buf, (size_t)r.len, &vni),
                         VXLAN_OK);
        ck_assert_uint_eq(vni, 0x123456);
        ck_assert_mem_eq(buf + VXLAN_HLEN, whole[i], frame_lens[i]);
    }
    /* Nothing sent to the slot's port is kept: its socket only sends. */
    int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in to = { .sin_family = AF_INET };
    to.sin_addr.s_addr = htonl(LO);
    to.sin_port = htons(port);
    ck_assert_int_eq(
        sendto(probe, "x", 1, 0, (struct sockaddr *)&to, sizeof to), 1);
    close(probe);
    int queued = -1;
    ck_assert_int_eq(recv(pool.fd[hash >> 26], buf, 1, MSG_DONTWAIT), -1);
    queued = errno;
    ck_assert_int_eq(queued, EAGAIN);

    vxlan_gso_uninit(&pool);
    ck_assert_uint_eq(vxlan_gso_src_port(&pool, hash), vxlan_src_port(hash));
    close(rx);
}
END_TEST

START_TEST(test_send_to_gro_receiver)
{
    /* A receiver with UDP_GRO takes the send whole: one buffer, and the
     * size of every datagram but the last in a control message, which
     * vxlan_gro_count() splits back into three. */
    uint16_t rport;
    int rx = open_receiver(true, &rport);
    struct vxlan_gso_pool pool;
    vxlan_gso_init(&pool, LO);
    struct frame_ref frames[3];
    const uint8_t *whole[3];
    fill_frames(frames, whole);
    struct vxlan_gso_dest d = { .dst_ip = LO, .dst_port = rport, .vni = 7 };
    ck_assert_int_eq(vxlan_gso_send(&pool, &d, 42, frames, 3), 0);
    uint8_t buf[65536];
    struct rx r = receive(rx, buf, sizeof buf);
    size_t seg = VXLAN_HLEN + 200;
    ck_assert_int_eq(r.len, (ssize_t)(2 * seg + VXLAN_HLEN + 90));
    ck_assert_int_eq(r.gso, (int)seg);
    ck_assert_uint_eq(vxlan_gro_count((size_t)r.len, (size_t)r.gso), 3);
    ck_assert_mem_eq(buf + VXLAN_HLEN, whole[0], 200);
    ck_assert_mem_eq(buf + seg + VXLAN_HLEN, whole[1], 200);
    ck_assert_mem_eq(buf + 2 * seg + VXLAN_HLEN, whole[2], 90);
    vxlan_gso_uninit(&pool);
    close(rx);
}
END_TEST

START_TEST(test_refused)
{
    /* A pool that turned itself off, a single frame, or too many for
     * one send: nothing sent, the caller's raw sender takes them. */
    struct vxlan_gso_pool pool;
    vxlan_gso_init(&pool, LO);
    struct frame_ref frames[3];
    const uint8_t *whole[3];
    fill_frames(frames, whole);
    struct vxlan_gso_dest d = { .dst_ip = LO, .dst_port = 9 };
    ck_assert_int_eq(vxlan_gso_send(&pool, &d, 1, frames, 1), EOPNOTSUPP);
    pool.off = true;
    ck_assert_int_eq(vxlan_gso_send(&pool, &d, 1, frames, 3), EOPNOTSUPP);
    /* No slot was opened for either. */
    for (size_t k = 0; k < VXLAN_GSO_SLOTS; k++) {
        ck_assert_uint_eq(pool.port[k], 0);
    }
    vxlan_gso_uninit(&pool);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("vxlan-gso");
    TCase *tc = tcase_create("vxlan-gso");
    tcase_add_test(tc, test_plan);
    tcase_add_test(tc, test_gro_count);
    tcase_add_test(tc, test_send_segments);
    tcase_add_test(tc, test_send_to_gro_receiver);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
