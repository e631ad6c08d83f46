/* Live tests for the netdev classes on real kernel devices, inside network
 * namespaces this test creates (root only; without root it prints SKIP and
 * passes, since nothing here can run unprivileged).
 *
 * The world, rebuilt for every test by a checked fixture (which Check runs
 * even after a failed assertion with CK_FORK=no):
 *
 *   ns P-a                                  ns P-b
 *   P-ua 192.168.77.1/24 ---- veth ---- P-ub 192.168.77.2/24, .3/24
 *                                       P-vx kernel vxlan id 0 remote .1,
 *                                            10.7.0.2/24
 *   P-sa (no address)    ---- veth ---- P-sb 10.8.0.2/24
 *   P-tap (our TAP, opened by the test) 10.9.0.1/24
 *
 * P is "nl<pid>" so parallel runs never collide.  Devices are opened with
 * the test's thread inside P-a (setns), then it returns to its own
 * namespace at once: sockets, TAP fds and pcap handles stay bound to the
 * namespace they were created in, so the rest of the test runs from home.
 * Teardown returns home in case an assertion fired in between, closes our
 * devices and deletes both namespaces, which removes every link in them. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>

#include "check-main.h"
#include "netdev.h"
#include "tso.h"
#include "util.h"
#include "vxlan.h"

static char P[16]; /* Name prefix. */
static int home_ns = -1;
static struct netdev *devs[8];
static pid_t tcpdump_pid;
static char tmpdir[64];

static void run(const char *fmt, ...) SW_PRINTF(1, 2);
static void run(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *cmd = xvasprintf(fmt, args);
    va_end(args);
    int status = system(cmd);
    ck_assert_msg(status == 0, "command failed (%d): %s", status, cmd);
    free(cmd);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Switches this thread into namespace P-'which'; leave_ns() returns. */
static void enter_ns(char which)
{
    char path[128];
    snprintf(path, sizeof path, "/var/run/netns/%s-%c", P, which);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert_int_eq(setns(fd, CLONE_NEWNET), 0);
    close(fd);
}

static void leave_ns(void)
{
    ck_assert_int_eq(setns(home_ns, CLONE_NEWNET), 0);
}

/* Opens a device inside P-a and remembers it for teardown. */
static struct netdev *open_in_a(const char *type, const char *name,
                                const struct netdev_option *o, size_t n)
{
    struct netdev *dev = NULL;
    char *err = NULL;
    enter_ns('a');
    int error = netdev_open(type, name, o, n, &dev, &err);
    leave_ns();
    ck_assert_msg(!error, "opening %s: %s", name, err ? err : "");
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        if (!devs[i]) {
            devs[i] = dev;
            return dev;
        }
    }
    ck_abort_msg("too many devices");
    return NULL;
}

static void close_dev(struct netdev *dev)
{
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        if (devs[i] == dev) {
            devs[i] = NULL;
        }
    }
    netdev_close(dev);
}

static void setup(void)
{
    snprintf(P, sizeof P, "nl%d", (int)getpid());
    home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(home_ns, 0);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/%s.XXXXXX", P);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));

    run("ip netns add %s-a && ip netns add %s-b", P, P);
    for (char c = 'a'; c <= 'b'; c++) {
        /* No IPv6: router solicitations would only add noise. */
        run("ip netns exec %s-%c sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
            "net.ipv6.conf.default.disable_ipv6=1 && ip -n %s-%c link set lo "
            "up",
            P, c, P, c);
    }
    run("ip link add %s-ua netns %s-a type veth peer name %s-ub netns %s-b", P,
        P, P, P);
    run("ip -n %s-a addr add 192.168.77.1/24 dev %s-ua && "
        "ip -n %s-a link set %s-ua up",
        P, P, P, P);
    run("ip -n %s-b addr add 192.168.77.2/24 dev %s-ub && "
        "ip -n %s-b addr add 192.168.77.3/24 dev %s-ub && "
        "ip -n %s-b link set %s-ub up",
        P, P, P, P, P, P);
    run("ip -n %s-b link add %s-vx type vxlan id 0 dstport 4789 "
        "remote 192.168.77.1 local 192.168.77.2 dev %s-ub",
        P, P, P);
    run("ip -n %s-b link set %s-vx address 02:00:00:00:07:02 && "
        "ip -n %s-b addr add 10.7.0.2/24 dev %s-vx && "
        "ip -n %s-b link set %s-vx up",
        P, P, P, P, P, P);
    run("ip link add %s-sa netns %s-a type veth peer name %s-sb netns %s-b", P,
        P, P, P);
    run("ip -n %s-a link set %s-sa up && "
        "ip -n %s-b addr add 10.8.0.2/24 dev %s-sb && "
        "ip -n %s-b link set %s-sb up",
        P, P, P, P, P, P);
}

static void teardown(void)
{
    if (home_ns >= 0) {
        setns(home_ns, CLONE_NEWNET);
    }
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        netdev_close(devs[i]);
        devs[i] = NULL;
    }
    if (tcpdump_pid > 0) {
        kill(tcpdump_pid, SIGKILL);
        waitpid(tcpdump_pid, NULL, 0);
        tcpdump_pid = 0;
    }
    char *cmd = xasprintf("ip netns del %s-a 2>/dev/null; "
                          "ip netns del %s-b 2>/dev/null; rm -rf %s",
                          P, P, tmpdir);
    if (system(cmd)) {
        /* Nothing more to do: the namespaces may not have been made. */
    }
    free(cmd);
    if (home_ns >= 0) {
        close(home_ns);
        home_ns = -1;
    }
}

/* Builds a broadcast ARP request "who has 'tpa' tell 'spa'" from 'sha'. */
static size_t arp_request(uint8_t *f, const uint8_t sha[6], const char *spa,
                          const char *tpa)
{
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, sha, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    static const uint8_t hdr[] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    memcpy(f + 14, hdr, sizeof hdr);
    memcpy(f + 22, sha, 6);
    inet_pton(AF_INET, spa, f + 28);
    inet_pton(AF_INET, tpa, f + 38);
    return 60;
}

/* True if 'f' is an ARP reply from 'spa' to 'tha'. */
static bool is_arp_reply(const struct packet *p, const char *spa,
                         const uint8_t tha[6])
{
    const uint8_t *f = packet_data(p);
    uint8_t ip[4];
    inet_pton(AF_INET, spa, ip);
    return p->len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2
           && !memcmp(f + 28, ip, 4) && !memcmp(f + 32, tha, 6)
           && !memcmp(f, tha, 6);
}

/* Receives frames on 'dev' for up to 'ms' milliseconds, until one is an
 * ARP reply from 'spa' to 'tha' (returns true with '*reply' set, caller
 * uninits).  Every frame received is checked against 'never', which must
 * not come back. */
static bool wait_arp_reply(struct netdev *dev, const char *spa,
                           const uint8_t tha[6], int ms, const uint8_t *never,
                           size_t never_len, struct packet *reply,
                           struct netdev_tunnel *tnl, int *n_frames)
{
    int64_t deadline = now_ms() + ms;
    *n_frames = 0;
    while (now_ms() < deadline) {
        struct pollfd pfd = { .fd = netdev_get_fd(dev), .events = POLLIN };
        poll(&pfd, 1, (int)SW_MAX(1, deadline - now_ms()));
        struct packet p;
        struct netdev *rx;
        int error;
        while (!(error = netdev_recv(dev, &p, tnl, &rx))) {
            (*n_frames)++;
            ck_assert_ptr_eq(rx, dev);
            ck_assert_msg(!(never && p.len == never_len
                            && !memcmp(packet_data(&p), never, never_len)),
                          "our own injected frame came back as received");
            if (is_arp_reply(&p, spa, tha)) {
                *reply = p;
                return true;
            }
            packet_uninit(&p);
        }
        ck_assert_int_eq(error, EAGAIN);
    }
    return false;
}

static const uint8_t our_mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x01 };

START_TEST(test_tap)
{
    char name[32];
    snprintf(name, sizeof name, "%s-tap", P);
    struct netdev *tap = open_in_a("internal", name, NULL, 0);
    ck_assert(netdev_is_host_device(tap));
    ck_assert_str_eq(netdev_type(tap), "internal");
    ck_assert_int_ge(netdev_get_fd(tap), 0);
    /* The overlay default, visible to the host. */
    ck_assert_int_eq(netdev_get_mtu(tap), NETDEV_INTERNAL_MTU);
    run("ip -n %s-a link show %s | grep -q 'mtu 1450 '", P, name);
    /* The MAC we report is the kernel's. */
    uint8_t mac[6];
    netdev_get_etheraddr(tap, mac);
    run("ip -n %s-a link show %s | grep -q "
        "'link/ether %02x:%02x:%02x:%02x:%02x:%02x '",
        P, name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);

    uint8_t req[60];
    size_t len = arp_request(req, our_mac, "10.9.0.2", "10.9.0.1");
    struct packet out;
    packet_init(&out, req, len);

    /* Link down: the kernel refuses the frame; a drop, not an error. */
    ck_assert_int_eq(netdev_send(tap, &out, NULL), EIO);
    struct netdev_stats st;
    netdev_get_stats(tap, &st);
    ck_assert_uint_eq(st.tx_dropped, 1);
    ck_assert_uint_eq(st.tx_packets, 0);

    /* As in the article: the host configures the port. */
    run("ip -n %s-a addr add 10.9.0.1/24 dev %s && "
        "ip -n %s-a link set %s up",
        P, name, P, name);
    ck_assert_int_eq(netdev_send(tap, &out, NULL), 0);

    /* The host's stack answers through the TAP. */
    struct packet reply;
    struct netdev_tunnel tnl;
    int n;
    ck_assert_msg(wait_arp_reply(tap, "10.9.0.1", our_mac, 3000, NULL, 0,
                                 &reply, &tnl, &n),
                  "no ARP reply from the host through the TAP");
    /* Sent from the TAP's own address. */
    ck_assert_mem_eq(packet_data(&reply) + 6, mac, 6);
    ck_assert_uint_eq(tnl.tun_id + tnl.tun_src + tnl.tun_dst, 0);
    packet_uninit(&reply);
    netdev_get_stats(tap, &st);
    ck_assert_uint_eq(st.tx_packets, 1);
    ck_assert_uint_eq(st.tx_bytes, 60);
    ck_assert_uint_ge(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_packets, (uint64_t)n);
    ck_assert_uint_ge(st.rx_bytes, 42);
    /* The kernel learned us from the frame we sent. */
    run("ip -n %s-a neigh show 10.9.0.2 | grep -q 02:5e:00:00:00:01", P);

    /* options:mtu is honoured; an existing name is refused cleanly. */
    struct netdev_option mtu[] = { { "mtu", "1400" } };
    char name2[32];
    snprintf(name2, sizeof name2, "%s-tap2", P);
    struct netdev *tap2 = open_in_a("internal", name2, mtu, 1);
    ck_assert_int_eq(netdev_get_mtu(tap2), 1400);
    run("ip -n %s-a link show %s | grep -q 'mtu 1400 '", P, name2);
    struct netdev *dup = NULL;
    char *err = NULL;
    enter_ns('a');
    int error = netdev_open("internal", name2, NULL, 0, &dup, &err);
    leave_ns();
    ck_assert_int_ne(error, 0);
    ck_assert_ptr_null(dup);
    ck_assert(strstr(err, "creating TAP device"));
    free(err);

    /* Closing deletes the device. */
    close_dev(tap);
    close_dev(tap2);
    run("! ip -n %s-a link show %s >/dev/null 2>&1", P, name);
    packet_uninit(&out);
}
END_TEST

START_TEST(test_system)
{
    char name[32];
    snprintf(name, sizeof name, "%s-sa", P);
    struct netdev *sys = open_in_a("system", name, NULL, 0);
    ck_assert(netdev_is_host_device(sys));
    ck_assert_int_ge(netdev_get_fd(sys), 0);
    ck_assert_int_eq(netdev_get_mtu(sys), 1500);

    uint8_t req[60];
    size_t len = arp_request(req, our_mac, "10.8.0.1", "10.8.0.2");
    struct packet out;
    packet_init(&out, req, len);
    /* Several copies: any one of them coming back fails the test. */
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(netdev_send(sys, &out, NULL), 0);
    }
    struct packet reply;
    struct netdev_tunnel tnl;
    int n;
    ck_assert_msg(wait_arp_reply(sys, "10.8.0.2", our_mac, 3000, req, len,
                                 &reply, &tnl, &n),
                  "no ARP reply from the peer namespace");
    packet_uninit(&reply);
    /* Keep listening a little: late echoes of our frames would show up. */
    ck_assert(!wait_arp_reply(sys, "10.8.0.99", our_mac, 300, req, len, &reply,
                              &tnl, &n));

    struct netdev_stats st;
    netdev_get_stats(sys, &st);
    ck_assert_uint_eq(st.tx_packets, 3);
    ck_assert_uint_eq(st.tx_bytes, 180);
    ck_assert_uint_ge(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_errors, 0);
    run("ip -n %s-b neigh show 10.8.0.1 | grep -q 02:5e:00:00:00:01", P);

    /* Frames the host itself sends out of the device are not input
     * either: only what arrives on the wire is.  Let the host ping through
     * P-sa, then nothing we receive may carry P-sa's own source MAC,
     * though the peer's replies must arrive. */
    uint8_t own[6];
    netdev_get_etheraddr(sys, own);
    run("ip -n %s-a addr add 10.8.0.1/24 dev %s && "
        "ip netns exec %s-a ping -c 2 -i 0.2 -W 2 10.8.0.2 >/dev/null",
        P, name, P);
    int from_peer = 0;
    int64_t deadline = now_ms() + 300;
    while (now_ms() < deadline) {
        struct packet p;
        struct netdev *rx;
        if (netdev_recv(sys, &p, NULL, &rx)) {
            usleep(10 * 1000);
            continue;
        }
        ck_assert_msg(memcmp(packet_data(&p) + 6, own, 6),
                      "the host's outgoing frame was received");
        from_peer++;
        packet_uninit(&p);
    }
    ck_assert_int_ge(from_peer, 2);

    /* Frames larger than the device takes are dropped and counted. */
    struct packet big;
    packet_init(&big, req, len);
    packet_set_len(&big, 1500 + 19);
    ck_assert_int_eq(netdev_send(sys, &big, NULL), EMSGSIZE);
    netdev_get_stats(sys, &st);
    ck_assert_uint_eq(st.tx_dropped, 1);
    packet_uninit(&big);

    /* A missing device is an error with a message, not a crash. */
    struct netdev *none = NULL;
    char *err = NULL;
    char missing[32];
    snprintf(missing, sizeof missing, "%s-nope", P);
    enter_ns('a');
    int error = netdev_open("system", missing, NULL, 0, &none, &err);
    leave_ns();
    ck_assert_int_ne(error, 0);
    ck_assert_ptr_null(none);
    ck_assert_ptr_nonnull(strstr(err, missing));
    free(err);
    packet_uninit(&out);
}
END_TEST

/* Starts tcpdump writing P-ub's VXLAN traffic to a file; waits until it
 * is listening. */
static void start_tcpdump(const char *file)
{
    char log[128];
    snprintf(log, sizeof log, "%s/tcpdump.log", tmpdir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (!pid) {
        char ns[64], dev[64];
        snprintf(ns, sizeof ns, "%s-b", P);
        snprintf(dev, sizeof dev, "%s-ub", P);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execlp("timeout", "timeout", "20", "ip", "netns", "exec", ns,
               "tcpdump", "--immediate-mode", "-Z", "root", "-i", dev, "-n",
               "-U", "-w", file, "udp", "port", "4789", (char *)NULL);
        _exit(127);
    }
    tcpdump_pid = pid;
    int64_t deadline = now_ms() + 5000;
    for (;;) {
        char *cmd = xasprintf("grep -q 'listening on' %s 2>/dev/null", log);
        int status = system(cmd);
        free(cmd);
        if (!status) {
            return;
        }
        ck_assert_msg(now_ms() < deadline, "tcpdump did not start (is it "
                                           "installed?)");
        usleep(50 * 1000);
    }
}

static void stop_tcpdump(void)
{
    kill(tcpdump_pid, SIGINT);
    int status;
    waitpid(tcpdump_pid, &status, 0);
    tcpdump_pid = 0;
}

/* A UDP socket bound to 'ip' inside P-b, for forging datagrams. */
static int udp_in_b(const char *ip)
{
    enter_ns('b');
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    leave_ns();
    struct sockaddr_in sin = { .sin_family = AF_INET };
    inet_pton(AF_INET, ip, &sin.sin_addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    return fd;
}

static void send_to_a(int fd, const void *data, size_t n)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789) };
    inet_pton(AF_INET, "192.168.77.1", &sin.sin_addr);
    ck_assert_int_eq(
        sendto(fd, data, n, 0, (struct sockaddr *)&sin, sizeof sin),
        (ssize_t)n);
}

START_TEST(test_vxlan_kernel)
{
    struct netdev_option o[] = { { "remote_ip", "192.168.77.2" },
                                 { "local_ip", "192.168.77.1" } };
    char name[32];
    snprintf(name, sizeof name, "%s-v", P);
    struct netdev *vx = open_in_a("vxlan", name, o, 2);

    char pcap[128];
    snprintf(pcap, sizeof pcap, "%s/vxlan.pcap", tmpdir);
    start_tcpdump(pcap);

    /* Ours -> kernel: the kernel must decapsulate our ARP request and
     * answer; kernel -> ours: we must decapsulate its reply. */
    uint8_t req[60];
    size_t len = arp_request(req, our_mac, "10.7.0.1", "10.7.0.2");
    struct packet out;
    packet_init(&out, req, len);
    ck_assert_int_eq(netdev_send(vx, &out, NULL), 0);

    struct packet reply;
    struct netdev_tunnel tnl;
    int n;
    ck_assert_msg(wait_arp_reply(vx, "10.7.0.2", our_mac, 3000, NULL, 0,
                                 &reply, &tnl, &n),
                  "no VXLAN-encapsulated ARP reply from the kernel");
    static const uint8_t kmac[6] = { 0x02, 0, 0, 0, 0x07, 0x02 };
    ck_assert_mem_eq(packet_data(&reply) + 6, kmac, 6);
    ck_assert_uint_eq(tnl.tun_id, 0);
    char ipbuf[16];
    ck_assert_str_eq(ipv4_to_str(tnl.tun_src, ipbuf), "192.168.77.2");
    ck_assert_str_eq(ipv4_to_str(tnl.tun_dst, ipbuf), "192.168.77.1");
    /* The kernel chose the outer source port (from its ephemeral
     * range); captures show it as it was. */
    ck_assert_uint_ne(tnl.udp_src, 0);
    ck_assert_uint_ne(tnl.udp_src, 4789);
    packet_uninit(&reply);
    run("ip -n %s-b neigh show 10.7.0.1 dev %s-vx | grep -q "
        "02:5e:00:00:00:01",
        P, P);
    /* The kernel's VXLAN FDB learned our inner MAC behind our address. */
    run("bridge -n %s-b fdb show dev %s-vx | grep -q "
        "'02:5e:00:00:00:01 dst 192.168.77.1'",
        P, P);

    /* MTU: the underlay is 1500, so 1464-byte inner frames fit and
     * 1465-byte ones are dropped and counted, never fragmented. */
    struct packet big;
    packet_init(&big, req, len);
    packet_set_len(&big, 1464);
    ck_assert_int_eq(netdev_send(vx, &big, NULL), 0);
    packet_set_len(&big, 1465);
    ck_assert_int_eq(netdev_send(vx, &big, NULL), EMSGSIZE);
    struct netdev_stats st;
    netdev_get_stats(vx, &st);
    ck_assert_uint_eq(st.tx_packets, 2);
    ck_assert_uint_eq(st.tx_dropped, 1);
    ck_assert_uint_eq(st.tx_errors, 0);
    packet_uninit(&big);

    stop_tcpdump();
    char *cmd = xasprintf("tcpdump -r %s -nn -v 2>&1", pcap);
    FILE *f = popen(cmd, "r");
    free(cmd);
    ck_assert_ptr_nonnull(f);
    char line[512];
    struct ds dump = DS_EMPTY_INITIALIZER;
    int ours = 0, theirs = 0, vxlan_lines = 0, big_frags = 0;
    unsigned sport = 0;
    while (fgets(line, sizeof line, f)) {
        ds_put_cstr(&dump, line);
        if (strstr(line, "VXLAN, flags [I] (0x08), vni 0")) {
            vxlan_lines++;
        }
        const char *p = strstr(line, "192.168.77.1.");
        if (p && strstr(line, "> 192.168.77.2.4789")) {
            ours++;
            sport = (unsigned)atoi(p + strlen("192.168.77.1."));
        }
        if (strstr(line, "192.168.77.2.")
            && strstr(line, "> 192.168.77.1.4789")) {
            theirs++;
        }
        if (strstr(line, "frag") && !strstr(line, "offset 0, flags [DF]")) {
            big_frags++;
        }
    }
    pclose(f);
    /* Our request and the 1464-byte frame; the kernel's reply. */
    ck_assert_msg(ours == 2 && theirs >= 1 && vxlan_lines >= 3
                      && big_frags == 0,
                  "tcpdump saw %d of ours, %d of the kernel's, %d VXLAN "
                  "lines, %d fragments:\n%s",
                  ours, theirs, vxlan_lines, big_frags, ds_cstr(&dump));
    ds_destroy(&dump);
    ck_assert_uint_ge(sport, VXLAN_SRC_PORT_MIN);
    ck_assert_uint_le(sport, VXLAN_SRC_PORT_MAX);

    /* Forged datagrams: unknown peer, bad header, wrong VNI. */
    uint8_t dgram[8 + 60];
    memcpy(dgram + 8, req, 60);
    int from3 = udp_in_b("192.168.77.3");
    int from2 = udp_in_b("192.168.77.2");
    vxlan_header_put(dgram, 0);
    send_to_a(from3, dgram, sizeof dgram);
    vxlan_header_put(dgram, 42);
    send_to_a(from2, dgram, sizeof dgram);
    dgram[0] = 0;
    send_to_a(from2, dgram, sizeof dgram);
    close(from3);
    close(from2);
    struct netdev_vxlan_socket_stats vs;
    int64_t deadline = now_ms() + 2000;
    do {
        struct packet p;
        struct netdev *rx;
        usleep(10 * 1000);
        /* The forged datagrams never come through; the kernel's answers
         * to our earlier frames still might. */
        int error;
        while (!(error = netdev_recv(vx, &p, &tnl, &rx))) {
            ck_assert_uint_eq(tnl.tun_src, 0xc0a84d02);
            packet_uninit(&p);
        }
        ck_assert_int_eq(error, EAGAIN);
        netdev_vxlan_get_socket_stats(vx, &vs);
    } while (vs.rx_unknown_peer + vs.rx_wrong_vni + vs.rx_bad_header < 3
             && now_ms() < deadline);
    ck_assert_uint_eq(vs.rx_unknown_peer, 1);
    ck_assert_uint_eq(vs.rx_wrong_vni, 1);
    ck_assert_uint_eq(vs.rx_bad_header, 1);
    netdev_get_stats(vx, &st);
    ck_assert_uint_eq(st.rx_dropped, 1);
    ck_assert_uint_eq(st.rx_errors, 1);

    /* The port's socket is gone when the port is: 4789 can be bound
     * again. */
    close_dev(vx);
    vx = open_in_a("vxlan", name, o, 2);
    close_dev(vx);
    packet_uninit(&out);
}
END_TEST

/* An IPv4 TCP frame (ACK, no options) of 'payload' bytes from 10.7.0.1 to
 * 10.7.0.99 behind a MAC nobody has, so the kernel on P-b drops it
 * rather than answering with a reset. */
static size_t tcp_frame(uint8_t *f, size_t payload)
{
    static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0x07, 0x99 };
    memcpy(f, dst, 6);
    memcpy(f + 6, our_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    size_t tot = 40 + payload;
    uint8_t ip[20] = { 0x45,
                       0,
                       (uint8_t)(tot >> 8),
                       (uint8_t)tot,
                       0,
                       7,
                       0x40,
                       0,
                       64,
                       6,
                       0,
                       0,
                       10,
                       7,
                       0,
                       1,
                       10,
                       7,
                       0,
                       99 };
    memcpy(f + 14, ip, 20);
    uint8_t th[20] = { 0x30, 0x39, 0x13, 0x89, 0,    0,    1,    0,
                       0,    0,    0,    1,    0x50, 0x10, 0x10, 0 };
    memcpy(f + 34, th, 20);
    for (size_t i = 0; i < payload; i++) {
        f[54 + i] = (uint8_t)(i % 253);
    }
    size_t len = 54 + payload;
    struct tso_tcp t;
    ck_assert(tso_parse_tcp(f, len, &t));
    tso_tcp_csum(f, &t);
    /* The IPv4 header checksum (the field is zero so far). */
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) {
        sum += (uint32_t)(f[14 + i] << 8 | f[15 + i]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    f[24] = (uint8_t)(~sum >> 8);
    f[25] = (uint8_t)~sum;
    return len;
}

START_TEST(test_vxlan_tso_gro)
{
    struct netdev_option o[] = { { "remote_ip", "192.168.77.2" },
                                 { "local_ip", "192.168.77.1" } };
    char name[32];
    snprintf(name, sizeof name, "%s-v", P);
    struct netdev *vx = open_in_a("vxlan", name, o, 2);

    /* Send: a 20,000-byte TCP super frame leaves as 15 segments of at
     * most 1410 bytes of payload (1450 - 40 header bytes), each counted,
     * none dropped. */
    static uint8_t f[21000];
    size_t len = tcp_frame(f, 20000);
    struct packet pkt;
    packet_init(&pkt, f, len);
    ck_assert_int_eq(netdev_send(vx, &pkt, NULL), 0);
    packet_uninit(&pkt);
    struct netdev_stats st;
    netdev_get_stats(vx, &st);
    ck_assert_uint_eq(st.tx_packets, 15);
    ck_assert_uint_eq(st.tx_dropped, 0);
    ck_assert_uint_eq(st.tx_errors, 0);
    /* The kernel's vxlan device on P-b received all 15. */
    run("test \"$(ip netns exec %s-b cat /sys/class/net/%s-vx/statistics/"
        "rx_packets)\" -ge 15",
        P, P);

    /* Receive: the same segments sent back to back from P-b come out of
     * netdev_recv() as the one original frame. */
    struct tso_segs segs;
    tso_segs_init(&segs);
    ck_assert_int_eq(tso_segment(f, len, 1450, 1464, 0, &segs), 0);
    ck_assert_uint_eq(segs.n, 15);
    int fd = udp_in_b("192.168.77.2");
    static uint8_t dgram[2000];
    for (size_t i = 0; i < segs.n; i++) {
        vxlan_header_put(dgram, 0);
        memcpy(dgram + VXLAN_HLEN, segs.buf + segs.ofs[i], segs.len[i]);
        send_to_a(fd, dgram, VXLAN_HLEN + segs.len[i]);
    }
    close(fd);
    tso_segs_uninit(&segs);
    usleep(100 * 1000);

    struct netdev_tunnel tnl;
    struct netdev *rxdev;
    int error = EAGAIN;
    for (int64_t deadline = now_ms() + 3000; now_ms() < deadline;) {
        error = netdev_recv(vx, &pkt, &tnl, &rxdev);
        if (error != EAGAIN) {
            break;
        }
        usleep(10 * 1000);
    }
    ck_assert_int_eq(error, 0);
    ck_assert_uint_eq(pkt.len, len);
    ck_assert_mem_eq(packet_data(&pkt), f, len);
    packet_uninit(&pkt);
    ck_assert_int_eq(netdev_recv(vx, &pkt, &tnl, &rxdev), EAGAIN);
    netdev_get_stats(vx, &st);
    ck_assert_uint_eq(st.rx_packets, 1);
    ck_assert_uint_eq(st.rx_bytes, len);
}
END_TEST

/* ---- Multicast ports (the kernel's "group" mode). ---- */

/* True if P-a's underlay P-ua is a member of 239.1.1.1. */
static bool a_in_group(void)
{
    char *cmd = xasprintf("ip -n %s-a maddr show dev %s-ua | grep -q "
                          "-E 'inet +239[.]1[.]1[.]1$'",
                          P, P);
    int status = system(cmd);
    free(cmd);
    return status == 0;
}

/* Sends 'data' from 'fd' (bound in P-b) to 'ip':4789; for a group, out
 * of P-ub. */
static void send_from_b(int fd, const char *ip, const void *data, size_t n)
{
    struct in_addr ifaddr;
    inet_pton(AF_INET, "192.168.77.2", &ifaddr);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof ifaddr);
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789) };
    inet_pton(AF_INET, ip, &sin.sin_addr);
    ck_assert_int_eq(
        sendto(fd, data, n, 0, (struct sockaddr *)&sin, sizeof sin),
        (ssize_t)n);
}

/* Receives one frame through 'dev' within 5 s: 0, or the last error. */
static int recv_one(struct netdev *dev, struct packet *pkt,
                    struct netdev_tunnel *tnl, struct netdev **rxp)
{
    int error = EAGAIN;
    for (int64_t deadline = now_ms() + 5000;
         error == EAGAIN && now_ms() < deadline;) {
        struct pollfd pfd = { .fd = netdev_get_fd(dev), .events = POLLIN };
        poll(&pfd, 1, 100);
        error = netdev_recv(dev, pkt, tnl, rxp);
    }
    return error;
}

/* Counts the VXLAN packets from 192.168.77.1 in 'pcap': to the group
 * with TTL 'group_ttl', to .2 with TTL 'uni_ttl', and any other; 'dump'
 * gets the text. */
static void count_ours_ttl(const char *pcap, int group_ttl, int uni_ttl,
                           int *to_group, int *to_b_64, int *other,
                           struct ds *dump)
{
    char gt[16], ut[16];
    snprintf(gt, sizeof gt, "ttl %d,", group_ttl);
    snprintf(ut, sizeof ut, "ttl %d,", uni_ttl);
    *to_group = *to_b_64 = *other = 0;
    ds_clear(dump);
    char *cmd = xasprintf("tcpdump -r %s -nn -v 2>&1", pcap);
    FILE *f = popen(cmd, "r");
    free(cmd);
    ck_assert_ptr_nonnull(f);
    char line[512], prev[512] = "";
    while (fgets(line, sizeof line, f)) {
        ds_put_cstr(dump, line);
        /* -v prints the IP header (with the TTL) on the line before the
         * addresses. */
        bool ours = strstr(line, "192.168.77.1.") == line + strspn(line, " ");
        if (ours && strstr(line, "> 239.1.1.1.4789")) {
            *to_group += strstr(prev, gt) != NULL;
            *other += strstr(prev, gt) == NULL;
        } else if (ours && strstr(line, "> 192.168.77.2.4789")) {
            *to_b_64 += strstr(prev, ut) != NULL;
            *other += strstr(prev, ut) == NULL;
        }
        snprintf(prev, sizeof prev, "%s", line);
    }
    pclose(f);
}

/* The defaults: TTL 1 to the group, 64 to a VTEP. */
static void count_ours(const char *pcap, int *to_group, int *to_b_64,
                       int *other, struct ds *dump)
{
    count_ours_ttl(pcap, 1, 64, to_group, to_b_64, other, dump);
}

/* Our multicast port against a kernel vxlan device in group mode: our
 * flood reaches the kernel through the group with TTL 1, its answer comes
 * back unicast, its own flood comes through the group, and a frame with
 * tun_dst set goes unicast with TTL 64.  The membership goes with the
 * port. */
START_TEST(test_vxlan_mcast_kernel)
{
    run("ip -n %s-b link add %s-gx type vxlan id 42 group 239.1.1.1 "
        "dev %s-ub dstport 4789 && "
        "ip -n %s-b link set %s-gx address 02:00:00:00:42:02 && "
        "ip -n %s-b addr add 10.42.0.2/24 dev %s-gx && "
        "ip -n %s-b link set %s-gx up",
        P, P, P, P, P, P, P, P, P);
    ck_assert(!a_in_group());
    struct netdev_option o[] = { { "remote_ip", "239.1.1.1" },
                                 { "local_ip", "192.168.77.1" },
                                 { "key", "42" } };
    char name[32];
    snprintf(name, sizeof name, "%s-m", P);
    struct netdev *m = open_in_a("vxlan", name, o, 3);
    ck_assert(a_in_group());

    char pcap[128];
    snprintf(pcap, sizeof pcap, "%s/mcast.pcap", tmpdir);
    start_tcpdump(pcap);

    /* Our flood: an ARP request to the group; the kernel learns us from
     * the outer source and answers us unicast. */
    uint8_t req[60];
    size_t len = arp_request(req, our_mac, "10.42.0.1", "10.42.0.2");
    struct packet out;
    packet_init(&out, req, len);
    ck_assert_int_eq(netdev_send(m, &out, NULL), 0);
    struct packet reply;
    struct netdev_tunnel tnl;
    int n;
    ck_assert_msg(wait_arp_reply(m, "10.42.0.2", our_mac, 5000, NULL, 0,
                                 &reply, &tnl, &n),
                  "no answer from the kernel to our flood");
    packet_uninit(&reply);
    char ipbuf[16];
    ck_assert_uint_eq(tnl.tun_id, 42);
    ck_assert_str_eq(ipv4_to_str(tnl.tun_src, ipbuf), "192.168.77.2");
    ck_assert_str_eq(ipv4_to_str(tnl.tun_dst, ipbuf), "192.168.77.1");
    run("bridge -n %s-b fdb show dev %s-gx | grep -q "
        "'02:5e:00:00:00:01 dst 192.168.77.1'",
        P, P);

    /* The kernel's flood (an ARP request for an address nobody has)
     * arrives through the group. */
    run("ip netns exec %s-b ping -c1 -W1 10.42.0.99 >/dev/null 2>&1 || true",
        P);
    struct netdev *rx = NULL;
    int error;
    do {
        error = recv_one(m, &reply, &tnl, &rx);
        ck_assert_int_eq(error, 0);
        packet_uninit(&reply);
    } while (tnl.tun_dst != 0xef010101u);
    ck_assert_ptr_eq(rx, m);
    ck_assert_uint_eq(tnl.tun_id, 42);
    ck_assert_str_eq(ipv4_to_str(tnl.tun_src, ipbuf), "192.168.77.2");

    /* A learned VTEP: unicast. */
    struct netdev_tunnel to_b = { .tun_dst = 0xc0a84d02u };
    ck_assert_int_eq(netdev_send(m, &out, &to_b), 0);
    /* Until tcpdump has written both (a loaded machine is slow). */
    struct ds dump = DS_EMPTY_INITIALIZER;
    int to_group, to_b_64, other_ours;
    for (int64_t deadline = now_ms() + 5000;; usleep(50 * 1000)) {
        count_ours(pcap, &to_group, &to_b_64, &other_ours, &dump);
        if ((to_group && to_b_64) || now_ms() > deadline) {
            break;
        }
    }
    stop_tcpdump();
    count_ours(pcap, &to_group, &to_b_64, &other_ours, &dump);
    ck_assert_msg(to_group == 1 && to_b_64 == 1 && !other_ours,
                  "want 1 flood to the group with TTL 1 and 1 unicast with "
                  "TTL 64, saw %d, %d and %d others:\n%s",
                  to_group, to_b_64, other_ours, ds_cstr(&dump));
    ds_destroy(&dump);

    close_dev(m);
    ck_assert(!a_in_group());
    packet_uninit(&out);
}
END_TEST

/* Ports and sockets shared: two groups' worth of ports, a unicast port on
 * the same local_ip, and a wildcard port joined by options:dev. */
START_TEST(test_vxlan_mcast_sharing)
{
    char n1[32], n2[32], nu[32], nd[32];
    snprintf(n1, sizeof n1, "%s-m1", P);
    snprintf(n2, sizeof n2, "%s-m2", P);
    snprintf(nu, sizeof nu, "%s-u", P);
    snprintf(nd, sizeof nd, "%s-d", P);
    struct netdev_option o1[] = { { "remote_ip", "239.1.1.1" },
                                  { "local_ip", "192.168.77.1" },
                                  { "key", "42" } };
    struct netdev_option o2[] = { { "remote_ip", "239.1.1.1" },
                                  { "local_ip", "192.168.77.1" },
                                  { "key", "43" } };
    struct netdev_option ou[] = { { "remote_ip", "192.168.77.3" },
                                  { "local_ip", "192.168.77.1" },
                                  { "key", "42" } };
    struct netdev *u = open_in_a("vxlan", nu, ou, 3);
    struct netdev *m1 = open_in_a("vxlan", n1, o1, 3);
    struct netdev *m2 = open_in_a("vxlan", n2, o2, 3);

    /* Another port of key 42 in any group: a unicast answer could not
     * tell it from m1. */
    struct netdev_option o3[] = { { "remote_ip", "239.2.2.2" },
                                  { "local_ip", "192.168.77.1" },
                                  { "key", "42" } };
    struct netdev *dev = NULL;
    char *err = NULL;
    enter_ns('a');
    int error = netdev_open("vxlan", "dup", o3, 3, &dev, &err);
    leave_ns();
    ck_assert_int_eq(error, EEXIST);
    ck_assert_str_eq(err, "dup: another multicast vxlan port on this socket "
                          "already has this key");
    free(err);

    uint8_t req[60], dgram[8 + 60];
    arp_request(req, our_mac, "10.42.0.1", "10.42.0.2");
    memcpy(dgram + 8, req, 60);
    int from2 = udp_in_b("192.168.77.2");
    int from3 = udp_in_b("192.168.77.3");
    struct {
        int fd;
        const char *to;
        uint32_t vni;
        struct netdev *want;
    } cases[] = {
        { from2, "239.1.1.1", 42, m1 }, /* The group, by VNI. */
        { from2, "239.1.1.1", 43, m2 },
        { from3, "192.168.77.1", 42, u },  /* A named peer first. */
        { from2, "192.168.77.1", 43, m2 }, /* Any VTEP, unicast. */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        vxlan_header_put(dgram, cases[i].vni);
        send_from_b(cases[i].fd, cases[i].to, dgram, sizeof dgram);
        struct packet p;
        struct netdev_tunnel tnl;
        struct netdev *rx = NULL;
        /* Through any port's handle: each sees both sockets' input. */
        ck_assert_int_eq(recv_one(i % 2 ? m2 : m1, &p, &tnl, &rx), 0);
        packet_uninit(&p);
        ck_assert_msg(rx == cases[i].want, "case %zu: went to %s", i,
                      netdev_name(rx));
        char want_dst[16];
        ck_assert_uint_eq(tnl.tun_id, cases[i].vni);
        ck_assert_str_eq(ipv4_to_str(tnl.tun_dst, want_dst), cases[i].to);
    }

    /* A VNI no port of the group takes is counted on the group's own
     * socket, which stats report under the group's address. */
    vxlan_header_put(dgram, 99);
    send_from_b(from2, "239.1.1.1", dgram, sizeof dgram);
    struct netdev_vxlan_socket_stats gs;
    ck_assert(netdev_vxlan_get_group_socket_stats(m1, &gs));
    for (int64_t deadline = now_ms() + 5000;
         !gs.rx_wrong_vni && now_ms() < deadline;) {
        struct packet p;
        struct netdev_tunnel tnl;
        struct netdev *rx;
        usleep(10 * 1000);
        ck_assert_int_eq(netdev_recv(m1, &p, &tnl, &rx), EAGAIN);
        netdev_vxlan_get_group_socket_stats(m1, &gs);
    }
    char gbuf[16];
    ck_assert_str_eq(ipv4_to_str(gs.local_ip, gbuf), "239.1.1.1");
    ck_assert_uint_eq(gs.rx_wrong_vni, 1);
    ck_assert(!netdev_vxlan_get_group_socket_stats(u, &gs));

    /* One membership for both ports; it ends with the last. */
    close_dev(m1);
    ck_assert(a_in_group());
    close_dev(m2);
    ck_assert(!a_in_group());
    close_dev(u);

    /* No local_ip: the wildcard socket joins the group itself and takes
     * both the group and unicast. */
    char ua[32];
    snprintf(ua, sizeof ua, "%s-ua", P);
    struct netdev_option od[] = { { "remote_ip", "239.1.1.1" },
                                  { "dev", ua },
                                  { "key", "42" } };
    struct netdev *d = open_in_a("vxlan", nd, od, 3);
    ck_assert(a_in_group());
    /* A unicast port on the same wildcard socket keeps it open after d
     * is gone: d must leave the group itself. */
    char nw[32];
    snprintf(nw, sizeof nw, "%s-w", P);
    struct netdev_option ow[] = { { "remote_ip", "192.168.77.3" } };
    struct netdev *w = open_in_a("vxlan", nw, ow, 1);
    ck_assert_int_eq(netdev_get_fd(w), netdev_get_fd(d));
    const char *tos[] = { "239.1.1.1", "192.168.77.1" };
    vxlan_header_put(dgram, 42);
    for (size_t i = 0; i < ARRAY_SIZE(tos); i++) {
        send_from_b(from2, tos[i], dgram, sizeof dgram);
        struct packet p;
        struct netdev_tunnel tnl;
        struct netdev *rx = NULL;
        ck_assert_int_eq(recv_one(d, &p, &tnl, &rx), 0);
        packet_uninit(&p);
        ck_assert_ptr_eq(rx, d);
        char dst[16];
        ck_assert_str_eq(ipv4_to_str(tnl.tun_dst, dst), tos[i]);
    }
    close(from2);
    close(from3);
    close_dev(d);
    ck_assert(!a_in_group());
    close_dev(w);

    /* An interface that does not exist: a clear error, nothing joined. */
    struct netdev_option onx[] = { { "remote_ip", "239.1.1.1" },
                                   { "dev", "nx0" } };
    enter_ns('a');
    error = netdev_open("vxlan", "nx", onx, 2, &dev, &err);
    leave_ns();
    ck_assert_int_eq(error, ENODEV);
    ck_assert_str_eq(err, "nx: options:dev: no interface named 'nx0'");
    free(err);
}
END_TEST

/* Drops (false) or restores (true) CAP_NET_RAW in this thread's
 * effective set, so a test can open a port as an unprivileged daemon
 * would. */
static void set_net_raw(bool on)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
    if (on) {
        d[0].effective |= 1u << CAP_NET_RAW;
    } else {
        d[0].effective &= ~(1u << CAP_NET_RAW);
    }
    ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

/* Without CAP_NET_RAW a port sends from its bound UDP socket: a flood
 * still leaves by the underlay interface and options:ttl still holds,
 * given per datagram (IP_PKTINFO, IP_TTL) rather than in a header we
 * build. */
START_TEST(test_vxlan_mcast_fallback)
{
    struct netdev_option o[] = { { "remote_ip", "239.1.1.1" },
                                 { "local_ip", "192.168.77.1" },
                                 { "key", "42" },
                                 { "ttl", "5" } };
    char name[32];
    snprintf(name, sizeof name, "%s-f", P);
    set_net_raw(false);
    struct netdev *dev = NULL;
    char *err = NULL;
    enter_ns('a');
    int error = netdev_open("vxlan", name, o, 4, &dev, &err);
    leave_ns();
    set_net_raw(true);
    ck_assert_msg(!error, "%s", err ? err : "");
    devs[0] = dev;

    char pcap[128];
    snprintf(pcap, sizeof pcap, "%s/fallback.pcap", tmpdir);
    start_tcpdump(pcap);
    uint8_t req[60];
    size_t len = arp_request(req, our_mac, "10.42.0.1", "10.42.0.2");
    struct packet out;
    packet_init(&out, req, len);
    ck_assert_int_eq(netdev_send(dev, &out, NULL), 0);
    struct netdev_tunnel to_b = { .tun_dst = 0xc0a84d02u };
    ck_assert_int_eq(netdev_send(dev, &out, &to_b), 0);
    packet_uninit(&out);

    struct ds dump = DS_EMPTY_INITIALIZER;
    int to_group, to_b_64, other;
    for (int64_t deadline = now_ms() + 5000;; usleep(50 * 1000)) {
        count_ours_ttl(pcap, 5, 5, &to_group, &to_b_64, &other, &dump);
        if ((to_group && to_b_64) || now_ms() > deadline) {
            break;
        }
    }
    stop_tcpdump();
    count_ours_ttl(pcap, 5, 5, &to_group, &to_b_64, &other, &dump);
    /* The bound socket's source port shows it was the fallback. */
    ck_assert_msg(
        to_group == 1 && to_b_64 == 1 && !other
            && strstr(ds_cstr(&dump), "192.168.77.1.4789 > 239.1.1.1.4789"),
        "want 1 flood from port 4789 and 1 unicast, both with "
        "TTL 5, saw %d, %d and %d others:\n%s",
        to_group, to_b_64, other, ds_cstr(&dump));
    ds_destroy(&dump);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("netdev-live");
    TCase *tc = tcase_create("live");
    if (geteuid() != 0) {
        /* Exit code 77 makes ctest report the test as skipped, never as
         * passed. */
        printf("SKIP: test-netdev-live needs root to create network "
               "namespaces, TAP devices and raw sockets\n");
        exit(77);
    }
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tap);
    tcase_add_test(tc, test_system);
    tcase_add_test(tc, test_vxlan_kernel);
    tcase_add_test(tc, test_vxlan_tso_gro);
    tcase_add_test(tc, test_vxlan_mcast_kernel);
    tcase_add_test(tc, test_vxlan_mcast_sharing);
    tcase_add_test(tc, test_vxlan_mcast_fallback);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
