/* Unit tests for netdev: option checking, the patch class, and vxlan ports
 * talking to each other over loopback (127.0.0.x), which needs no
 * namespace and no privilege (without CAP_NET_RAW the sender falls back to
 * the bound UDP socket and the source-port test checks that instead). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check-main.h"
#include "netdev.h"
#include "util.h"
#include "vxlan.h"

#define LO(n) (0x7f000000u | (n)) /* 127.0.0.n */

static void check_ok(const char *type, const char *name,
                     const struct netdev_option *o, size_t n)
{
    char *err = netdev_check_options(type, name, o, n);
    ck_assert_msg(!err, "unexpected error: %s", err ? err : "");
}

static void check_err(const char *type, const char *name,
                      const struct netdev_option *o, size_t n,
                      const char *want)
{
    char *err = netdev_check_options(type, name, o, n);
    ck_assert_msg(err != NULL, "expected an error containing '%s'", want);
    ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
    free(err);
}

START_TEST(test_check_options)
{
    ck_assert(netdev_type_exists("internal"));
    ck_assert(netdev_type_exists("system"));
    ck_assert(netdev_type_exists("vxlan"));
    ck_assert(netdev_type_exists("patch"));
    ck_assert(!netdev_type_exists("gre"));
    ck_assert(!netdev_type_exists(NULL));

    check_err("gre", "gre0", NULL, 0, "gre0: unknown port type 'gre'");
    check_err("internal", "a-name-that-is-too-long", NULL, 0,
              "longer than 15");
    check_err("internal", "", NULL, 0, "empty");
    struct netdev_option off[] = { { "offload", "false" }, { "mtu", "9000" } };
    check_ok("internal", "p0", off, 2);
    off[0].value = "true";
    check_ok("internal", "p0", off, 1);
    off[0].value = "yes";
    check_err("internal", "p0", off, 1,
              "p0: options:offload: 'yes' is not true or false");

    struct netdev_option vx[] = { { "remote_ip", "192.168.33.13" },
                                  { "key", "flow" },
                                  { "local_ip", "192.168.33.12" },
                                  { "dst_port", "8472" },
                                  { "ttl", "9" } };
    check_ok("vxlan", "vxlan1", vx, ARRAY_SIZE(vx));
    check_ok("vxlan", "vxlan1", vx, 1);
    check_err("vxlan", "vxlan1", NULL, 0,
              "vxlan1: vxlan port needs options:remote_ip");
    struct netdev_option bad_ip[] = { { "remote_ip", "192.168.33" } };
    check_err("vxlan", "vxlan1", bad_ip, 1,
              "vxlan1: options:remote_ip: '192.168.33' is not an IPv4");
    struct netdev_option flow_ip[] = { { "remote_ip", "flow" } };
    check_ok("vxlan", "vxlan1", flow_ip, 1);
    struct netdev_option big_key[] = { { "remote_ip", "1.2.3.4" },
                                       { "key", "16777216" } };
    check_err("vxlan", "v", big_key, 2, "options:key: '16777216'");
    struct netdev_option max_key[] = { { "remote_ip", "1.2.3.4" },
                                       { "key", "0xffffff" } };
    check_ok("vxlan", "v", max_key, 2);
    struct netdev_option port0[] = { { "remote_ip", "1.2.3.4" },
                                     { "dst_port", "0" } };
    check_err("vxlan", "v", port0, 2, "options:dst_port: '0'");
    struct netdev_option typo[] = { { "remote_ip", "1.2.3.4" },
                                    { "remote-ip", "1.2.3.4" } };
    check_err("vxlan", "v", typo, 2, "v: unknown option 'remote-ip'");

    struct netdev_option peer[] = { { "peer", "patch-tun" } };
    check_ok("patch", "patch-int", peer, 1);
    check_err("patch", "patch-int", NULL, 0, "needs options:peer");
    check_err("patch", "patch-tun", peer, 1, "its own peer");

    struct netdev_option mtu[] = { { "mtu", "9000" } };
    check_ok("internal", "br-int", mtu, 1);
    struct netdev_option badmtu[] = { { "mtu", "12" } };
    check_err("internal", "br-int", badmtu, 1, "options:mtu: '12'");
    check_err("system", "eth0", mtu, 1, "eth0: unknown option 'mtu'");
}
END_TEST

START_TEST(test_patch)
{
    struct netdev_option peer[] = { { "peer", "patch-tun" } };
    struct netdev *dev;
    char *err = NULL;
    ck_assert_int_eq(netdev_open("patch", "patch-int", peer, 1, &dev, &err),
                     0);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(netdev_type(dev), "patch");
    ck_assert_str_eq(netdev_name(dev), "patch-int");
    ck_assert_str_eq(netdev_patch_peer(dev), "patch-tun");
    ck_assert(!netdev_is_host_device(dev));
    ck_assert_int_eq(netdev_get_fd(dev), -1);

    struct packet pkt, in;
    uint8_t frame[60] = { 0 };
    packet_init(&pkt, frame, sizeof frame);
    struct netdev *rx;
    ck_assert_int_eq(netdev_recv(dev, &in, NULL, &rx), EAGAIN);
    ck_assert_int_eq(netdev_send(dev, &pkt, NULL), 0);
    netdev_count_rx(dev, 42);
    struct netdev_stats st;
    netdev_get_stats(dev, &st);
    ck_assert_uint_eq(st.tx_packets, 1);
    ck_assert_uint_eq(st.tx_bytes, 60);
    ck_assert_uint_eq(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_bytes, 42);

    /* The MAC is stable, locally administered and unicast. */
    uint8_t mac[6], mac2[6];
    netdev_get_etheraddr(dev, mac);
    ck_assert_uint_eq(mac[0] & 3, 2);
    struct ds ds = DS_EMPTY_INITIALIZER;
    netdev_format(dev, &ds);
    ck_assert_str_eq(ds_cstr(&ds), "patch: peer=patch-tun");
    ds_destroy(&ds);
    struct netdev_vxlan_socket_stats vs;
    ck_assert(!netdev_vxlan_get_socket_stats(dev, &vs));
    netdev_close(dev);

    ck_assert_int_eq(netdev_open("patch", "patch-int", peer, 1, &dev, &err),
                     0);
    netdev_get_etheraddr(dev, mac2);
    ck_assert_mem_eq(mac, mac2, 6);
    netdev_close(dev);
    netdev_close(NULL);

    /* Open fails with the same message as the check. */
    ck_assert_int_eq(netdev_open("patch", "p", NULL, 0, &dev, &err), EINVAL);
    ck_assert_ptr_null(dev);
    ck_assert_str_eq(err, "p: patch port needs options:peer");
    free(err);
    packet_uninit(&pkt);
}
END_TEST

/* A UDP port free on both 127.0.0.1 and 127.0.0.2, so parallel runs of
 * this test do not collide. */
static uint16_t pick_port(void)
{
    for (unsigned i = 0; i < 1000; i++) {
        uint16_t port = (uint16_t)(30000 + (getpid() * 7 + i * 13) % 20000);
        bool ok = true;
        for (int h = 1; h <= 2 && ok; h++) {
            int fd = socket(AF_INET, SOCK_DGRAM, 0);
            struct sockaddr_in sin = { .sin_family = AF_INET,
                                       .sin_port = htons(port),
                                       .sin_addr.s_addr = htonl(LO(h)) };
            ok = bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
            close(fd);
        }
        if (ok) {
            return port;
        }
    }
    ck_abort_msg("no free UDP port");
    return 0;
}

static struct netdev *open_vx(const char *name, const char *local,
                              const char *remote, const char *key,
                              uint16_t port)
{
    char portbuf[8];
    snprintf(portbuf, sizeof portbuf, "%u", port);
    struct netdev_option o[] = { { "local_ip", local },
                                 { "remote_ip", remote },
                                 { "dst_port", portbuf },
                                 { "key", key } };
    struct netdev *dev;
    char *err = NULL;
    int error = netdev_open("vxlan", name, o, key ? 4 : 3, &dev, &err);
    ck_assert_msg(!error, "opening %s: %s", name, err ? err : "");
    return dev;
}

static bool wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    return poll(&pfd, 1, 2000) == 1;
}

/* Waits for and receives one frame through 'dev'. */
static int recv_wait(struct netdev *dev, struct packet *pkt,
                     struct netdev_tunnel *tnl, struct netdev **rxp)
{
    int error = EAGAIN;
    for (int i = 0; i < 3 && error == EAGAIN; i++) {
        wait_readable(netdev_get_fd(dev));
        error = netdev_recv(dev, pkt, tnl, rxp);
    }
    return error;
}

/* Sends a raw UDP datagram 'data' from 127.0.0.'from' to 127.0.0.2. */
static void send_udp(int from, uint16_t port, const void *data, size_t n)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_addr.s_addr = htonl(LO(from)) };
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    sin.sin_addr.s_addr = htonl(LO(2));
    sin.sin_port = htons(port);
    ck_assert_int_eq(
        sendto(fd, data, n, 0, (struct sockaddr *)&sin, sizeof sin),
        (ssize_t)n);
    close(fd);
}

static void make_frame(uint8_t *f, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i++) {
        f[i] = (uint8_t)(i * 7 + tag);
    }
    f[0] = 0x02; /* Unicast destination. */
}

START_TEST(test_vxlan_loopback)
{
    uint16_t port = pick_port();
    struct netdev *a = open_vx("vxa", "127.0.0.1", "127.0.0.2", "5", port);
    struct netdev *b = open_vx("vxb", "127.0.0.2", "127.0.0.1", "5", port);
    /* Same socket as 'b' (same local_ip, dst_port), another peer. */
    struct netdev *b2 =
        open_vx("vxb2", "127.0.0.2", "127.0.0.3", "flow", port);
    ck_assert_int_eq(netdev_get_fd(b), netdev_get_fd(b2));
    ck_assert(!netdev_is_host_device(b));
    ck_assert_int_ne(netdev_get_fd(a), netdev_get_fd(b));

    /* Same remote and key as 'b': refused. */
    char portbuf[8];
    snprintf(portbuf, sizeof portbuf, "%u", port);
    struct netdev_option dup[] = { { "local_ip", "127.0.0.2" },
                                   { "remote_ip", "127.0.0.1" },
                                   { "dst_port", portbuf },
                                   { "key", "5" } };
    struct netdev *dev;
    char *err = NULL;
    ck_assert_int_eq(netdev_open("vxlan", "vxdup", dup, 4, &dev, &err),
                     EEXIST);
    ck_assert(strstr(err, "already has this remote_ip and key"));
    free(err);

    struct ds ds = DS_EMPTY_INITIALIZER;
    netdev_format(b2, &ds);
    ds_put_format(&ds, "|%u", port);
    char want[128];
    snprintf(want, sizeof want,
             "vxlan: remote_ip=127.0.0.3, local_ip=127.0.0.2, key=flow, "
             "dst_port=%u|%u",
             port, port);
    ck_assert_str_eq(ds_cstr(&ds), want);
    ds_destroy(&ds);

    /* A -> B: frame, VNI and outer addresses arrive. */
    uint8_t frame[100];
    make_frame(frame, sizeof frame, 1);
    struct packet out, in;
    packet_init(&out, frame, sizeof frame);
    ck_assert_int_eq(netdev_send(a, &out, NULL), 0);
    struct netdev_tunnel tnl;
    struct netdev *rx = NULL;
    /* Received through b2's handle: the shared socket hands it to b. */
    ck_assert_int_eq(recv_wait(b2, &in, &tnl, &rx), 0);
    ck_assert_ptr_eq(rx, b);
    ck_assert_uint_eq(in.len, sizeof frame);
    ck_assert_mem_eq(packet_data(&in), frame, sizeof frame);
    ck_assert_uint_eq(tnl.tun_id, 5);
    ck_assert_uint_eq(tnl.tun_src, LO(1));
    ck_assert_uint_eq(tnl.tun_dst, LO(2));
    packet_uninit(&in);
    ck_assert_int_eq(netdev_recv(b, &in, &tnl, &rx), EAGAIN);

    struct netdev_stats st;
    netdev_get_stats(a, &st);
    ck_assert_uint_eq(st.tx_packets, 1);
    ck_assert_uint_eq(st.tx_bytes, sizeof frame);
    netdev_get_stats(b, &st);
    ck_assert_uint_eq(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_bytes, sizeof frame);
    netdev_get_stats(b2, &st);
    ck_assert_uint_eq(st.rx_packets, 0);

    /* Wrong VNI from a known peer: dropped, charged to b. */
    uint8_t dgram[8 + 60];
    make_frame(dgram + 8, 60, 2);
    vxlan_header_put(dgram, 6);
    send_udp(1, port, dgram, sizeof dgram);
    /* Unknown peer (127.0.0.4). */
    vxlan_header_put(dgram, 5);
    send_udp(4, port, dgram, sizeof dgram);
    /* Bad header (no I flag) from a known peer. */
    dgram[0] = 0;
    send_udp(1, port, dgram, sizeof dgram);
    /* Truncated: header only. */
    vxlan_header_put(dgram, 5);
    send_udp(1, port, dgram, 8);
    /* key=flow port b2 takes any VNI from 127.0.0.3. */
    vxlan_header_put(dgram, 0x77);
    send_udp(3, port, dgram, sizeof dgram);

    ck_assert_int_eq(recv_wait(b, &in, &tnl, &rx), 0);
    ck_assert_ptr_eq(rx, b2);
    ck_assert_uint_eq(tnl.tun_id, 0x77);
    ck_assert_uint_eq(tnl.tun_src, LO(3));
    ck_assert_mem_eq(packet_data(&in), dgram + 8, 60);
    packet_uninit(&in);

    struct netdev_vxlan_socket_stats vs;
    ck_assert(netdev_vxlan_get_socket_stats(b, &vs));
    ck_assert_uint_eq(vs.rx_wrong_vni, 1);
    ck_assert_uint_eq(vs.rx_unknown_peer, 1);
    ck_assert_uint_eq(vs.rx_bad_header, 2);
    netdev_get_stats(b, &st);
    ck_assert_uint_eq(st.rx_dropped, 1);
    ck_assert_uint_eq(st.rx_errors, 2);
    ck_assert_uint_eq(st.rx_packets, 1);
    netdev_get_stats(b2, &st);
    ck_assert_uint_eq(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_dropped + st.rx_errors, 0);

    /* key=flow on send: the VNI comes from tun_id.  b2 sends to .3, so
     * listen there with a plain socket. */
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(port),
                               .sin_addr.s_addr = htonl(LO(3)) };
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    struct netdev_tunnel stnl = { .tun_id = 0x123456 };
    ck_assert_int_eq(netdev_send(b2, &out, &stnl), 0);
    /* A second inner flow, to see the source port follow the flow. */
    uint8_t frame2[100];
    make_frame(frame2, sizeof frame2, 9);
    struct packet out2;
    packet_init(&out2, frame2, sizeof frame2);
    ck_assert_int_eq(netdev_send(b2, &out2, &stnl), 0);

    uint16_t sports[2];
    for (int i = 0; i < 2; i++) {
        uint8_t buf[2048];
        socklen_t slen = sizeof sin;
        ck_assert(wait_readable(fd));
        ssize_t n =
            recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&sin, &slen);
        ck_assert_int_eq(n, 8 + 100);
        uint32_t vni = 0;
        ck_assert_int_eq(vxlan_header_parse(buf, (size_t)n, &vni), VXLAN_OK);
        ck_assert_uint_eq(vni, 0x123456);
        ck_assert_uint_eq(ntohl(sin.sin_addr.s_addr), LO(2));
        sports[i] = ntohs(sin.sin_port);
        const uint8_t *f = i ? frame2 : frame;
        ck_assert_mem_eq(buf + 8, f, 100);
        ck_assert_uint_eq(
            sports[i],
            geteuid() == 0 ? vxlan_src_port(vxlan_inner_hash(f, 100)) : port);
    }
    if (geteuid() == 0) {
        ck_assert_uint_ne(sports[0], sports[1]);
    }
    close(fd);

    packet_uninit(&out);
    packet_uninit(&out2);
    netdev_close(a);
    netdev_close(b);
    netdev_close(b2);
}
END_TEST

/* Issue 16: 130 datagrams no port takes, then one valid one, all queued
 * before the receiver looks (the daemon was stopped).  The receiver
 * reads the way the daemon's loop does: it comes back while the fd is
 * readable or netdev_rx_pending() says a batch is half read.  The valid
 * datagram must come out; it used to stay stranded in the ring after 64
 * rejects, with the kernel queue empty and nothing to wake the loop. */
START_TEST(test_vxlan_junk_then_valid)
{
    uint16_t port = pick_port();
    struct netdev *b = open_vx("vxb", "127.0.0.2", "127.0.0.1", "5", port);
    uint8_t dgram[8 + 60];
    make_frame(dgram + 8, 60, 3);
    vxlan_header_put(dgram, 5);
    for (int i = 0; i < 130; i++) {
        send_udp(4, port, dgram, sizeof dgram); /* Unknown peer. */
    }
    dgram[8 + 20] = 0x5a; /* Marks the valid one. */
    send_udp(1, port, dgram, sizeof dgram);

    int got = 0, wakeups = 0;
    struct pollfd pfd = { .fd = netdev_get_fd(b), .events = POLLIN };
    while (wakeups < 100 && (netdev_rx_pending(b) || poll(&pfd, 1, 0) == 1)) {
        wakeups++;
        /* One wakeup: a budget of 32 frames, as the bridge's. */
        for (int n = 0; n < 32; n++) {
            struct packet in;
            struct netdev_tunnel tnl;
            struct netdev *rx;
            if (netdev_recv(b, &in, &tnl, &rx)) {
                break;
            }
            ck_assert_ptr_eq(rx, b);
            ck_assert_uint_eq(packet_data(&in)[20], 0x5a);
            packet_uninit(&in);
            got++;
        }
    }
    ck_assert_int_eq(got, 1);
    ck_assert(!netdev_rx_pending(b));
    struct netdev_vxlan_socket_stats vs;
    ck_assert(netdev_vxlan_get_socket_stats(b, &vs));
    ck_assert_uint_eq(vs.rx_unknown_peer, 130);
    ck_assert_uint_eq(vs.rx_overflow, 0);
    netdev_close(b);
}
END_TEST

START_TEST(test_vxlan_remote_flow)
{
    uint16_t port = pick_port();
    struct netdev *a = open_vx("vxa", "127.0.0.1", "flow", "9", port);
    struct netdev *b = open_vx("vxb", "127.0.0.2", "flow", "9", port);

    uint8_t frame[64];
    make_frame(frame, sizeof frame, 3);
    struct packet out, in;
    packet_init(&out, frame, sizeof frame);

    /* No tun_dst: nowhere to send; an error, not a drop. */
    ck_assert_int_eq(netdev_send(a, &out, NULL), EDESTADDRREQ);
    struct netdev_stats st;
    netdev_get_stats(a, &st);
    ck_assert_uint_eq(st.tx_errors, 1);
    ck_assert_uint_eq(st.tx_packets, 0);

    struct netdev_tunnel tnl = { .tun_dst = LO(2), .tun_id = 1234 };
    ck_assert_int_eq(netdev_send(a, &out, &tnl), 0);
    struct netdev *rx;
    ck_assert_int_eq(recv_wait(b, &in, &tnl, &rx), 0);
    ck_assert_ptr_eq(rx, b);
    /* Fixed key: VNI 9 whatever tun_id said. */
    ck_assert_uint_eq(tnl.tun_id, 9);
    ck_assert_uint_eq(tnl.tun_src, LO(1));
    packet_uninit(&in);

    /* A frame too big for any IPv4 packet is dropped, not sent. */
    struct packet huge;
    packet_init(&huge, NULL, 0);
    packet_set_len(&huge, 65535 - 20);
    ck_assert_int_eq(netdev_send(a, &huge, &tnl), EMSGSIZE);
    netdev_get_stats(a, &st);
    ck_assert_uint_eq(st.tx_dropped, 1);
    ck_assert_uint_eq(st.tx_packets, 1);
    packet_uninit(&huge);

    packet_uninit(&out);
    netdev_close(a);
    netdev_close(b);
}
END_TEST

START_TEST(test_type_predicates)
{
    ck_assert(netdev_type_is_patch("patch"));
    ck_assert(!netdev_type_is_patch("vxlan"));
    ck_assert(!netdev_type_is_patch("gre"));
    ck_assert(!netdev_type_is_patch(NULL));
    ck_assert(netdev_type_is_tunnel("vxlan"));
    ck_assert(!netdev_type_is_tunnel("internal"));
    ck_assert(!netdev_type_is_tunnel("patch"));
    ck_assert(!netdev_type_is_tunnel(NULL));
}
END_TEST

/* Options of a multicast port: what is refused and why. */
START_TEST(test_multicast_options)
{
    struct netdev_option ok[] = { { "remote_ip", "239.1.1.1" },
                                  { "key", "42" },
                                  { "local_ip", "192.168.33.12" } };
    check_ok("vxlan", "vx0", ok, ARRAY_SIZE(ok));
    struct netdev_option by_dev[] = { { "remote_ip", "239.1.1.1" },
                                      { "dev", "eth1" } };
    check_ok("vxlan", "vx0", by_dev, ARRAY_SIZE(by_dev));
    /* Which interface joins the group must be said. */
    check_err("vxlan", "vx0", ok, 2,
              "vx0: a multicast remote_ip needs options:local_ip or "
              "options:dev");
    struct netdev_option dev_unicast[] = { { "remote_ip", "192.168.33.13" },
                                           { "dev", "eth1" } };
    check_err("vxlan", "vx0", dev_unicast, 2,
              "vx0: options:dev: only a multicast remote_ip");
    struct netdev_option long_dev[] = { { "remote_ip", "239.1.1.1" },
                                        { "dev", "a-name-that-is-too-long" } };
    check_err("vxlan", "vx0", long_dev, 2,
              "options:dev: 'a-name-that-is-too-long' is not an interface");
    struct netdev_option mc_local[] = { { "remote_ip", "239.1.1.1" },
                                        { "local_ip", "239.1.1.2" } };
    check_err("vxlan", "vx0", mc_local, 2,
              "options:local_ip: '239.1.1.2' is a multicast address");
    struct netdev_option ttl0[] = { { "remote_ip", "239.1.1.1" },
                                    { "dev", "eth1" },
                                    { "ttl", "0" } };
    check_err("vxlan", "vx0", ttl0, 3, "options:ttl: '0' is not in 1..255");
}
END_TEST

/* The configuration a class reads, and the rules trace, capture and the
 * sender share. */
START_TEST(test_tunnel_config)
{
    struct netdev_tunnel_config c;
    struct netdev_option mc[] = { { "remote_ip", "239.1.1.1" },
                                  { "key", "42" },
                                  { "dev", "eth1" } };
    char *err = netdev_get_tunnel_config("vxlan", "vx0", mc, 3, &c);
    ck_assert_msg(!err, "%s", err);
    ck_assert(netdev_tunnel_is_multicast(&c));
    ck_assert(!c.remote_flow && !c.key_flow);
    ck_assert_uint_eq(c.remote_ip, 0xef010101u);
    ck_assert_uint_eq(c.vni, 42);
    ck_assert_uint_eq(c.dst_port, VXLAN_DST_PORT);
    ck_assert_str_eq(c.dev, "eth1");
    ck_assert_uint_eq(c.ttl, 0);
    /* Floods go to the group with TTL 1, as the kernel's; once the
     * pipeline knows the VTEP (tun_dst), unicast with TTL 64. */
    ck_assert_uint_eq(netdev_tunnel_dst(&c, 0), 0xef010101u);
    ck_assert_uint_eq(netdev_tunnel_ttl(&c, 0xef010101u), 1);
    ck_assert_uint_eq(netdev_tunnel_dst(&c, 0xc0a8210du), 0xc0a8210du);
    ck_assert_uint_eq(netdev_tunnel_ttl(&c, 0xc0a8210du), 64);
    ck_assert_uint_eq(netdev_tunnel_vni(&c, 7), 42);

    /* An explicit TTL holds for both. */
    struct netdev_option ttl[] = { { "remote_ip", "239.1.1.1" },
                                   { "dev", "eth1" },
                                   { "ttl", "5" },
                                   { "key", "flow" } };
    ck_assert_ptr_null(netdev_get_tunnel_config("vxlan", "v", ttl, 4, &c));
    ck_assert_uint_eq(netdev_tunnel_ttl(&c, 0xef010101u), 5);
    ck_assert_uint_eq(netdev_tunnel_ttl(&c, 0xc0a8210du), 5);
    ck_assert_uint_eq(netdev_tunnel_vni(&c, 0x1000007), 7);

    /* A fixed unicast remote ignores tun_dst; remote_ip=flow needs it. */
    struct netdev_option uni[] = { { "remote_ip", "192.168.33.13" },
                                   { "dst_port", "8472" } };
    ck_assert_ptr_null(netdev_get_tunnel_config("vxlan", "v", uni, 2, &c));
    ck_assert(!netdev_tunnel_is_multicast(&c));
    ck_assert_uint_eq(c.dst_port, 8472);
    ck_assert_uint_eq(netdev_tunnel_dst(&c, 0x01020304u), 0xc0a8210du);
    struct netdev_option flow[] = { { "remote_ip", "flow" } };
    ck_assert_ptr_null(netdev_get_tunnel_config("vxlan", "v", flow, 1, &c));
    ck_assert(c.remote_flow && !netdev_tunnel_is_multicast(&c));
    ck_assert_uint_eq(netdev_tunnel_dst(&c, 0), 0);
    ck_assert_uint_eq(netdev_tunnel_dst(&c, 0x01020304u), 0x01020304u);

    /* Never a silent default: bad options and non-tunnels are errors. */
    struct netdev_option bad[] = { { "remote_ip", "239.1.1.1" } };
    err = netdev_get_tunnel_config("vxlan", "v", bad, 1, &c);
    ck_assert_ptr_nonnull(strstr(err, "needs options:local_ip"));
    ck_assert_uint_eq(c.remote_ip, 0);
    free(err);
    err = netdev_get_tunnel_config("internal", "br0", NULL, 0, &c);
    ck_assert_str_eq(err, "br0: type 'internal' is not a tunnel");
    free(err);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("netdev");
    TCase *tc = tcase_create("netdev");
    tcase_add_test(tc, test_check_options);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_vxlan_loopback);
    tcase_add_test(tc, test_vxlan_remote_flow);
    tcase_add_test(tc, test_vxlan_junk_then_valid);
    tcase_add_test(tc, test_type_predicates);
    tcase_add_test(tc, test_multicast_options);
    tcase_add_test(tc, test_tunnel_config);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
