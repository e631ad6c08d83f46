/* Unit tests for the bridge layer's receive path (lib/bridge.c): frames
 * read from a port run through the pipeline in batches of consecutive
 * frames for one bridge.  Two bridges share one VXLAN socket (same local
 * address and port, told apart by VNI), so one read hands over frames for
 * both, in any order: each must reach its own bridge, none twice, none
 * lost, also past a full batch.  Real UDP datagrams on loopback in a
 * network namespace of the test's own (root only). */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "bridge-ofctl.h"
#include "check-main.h"
#include "config.h"
#include "ofproto.h"
#include "util.h"
#include "vsctl-line.h"
#include "vsctl.h"
#include "vxlan.h"

/* Replies as JSON, in OpenFlow 1.0 terms. */
static const struct ofctl_view json_view = { false, 10 };

static void run_ok(struct config *cfg, const char *line)
{
    char *err = vsctl_line(cfg, line, NULL, NULL);
    ck_assert_msg(!err, "\"%s\": %s", line, err);
}

/* n_packets of the single flow of bridge 'br'. */
static long long flow_packets(struct bridges *bs, const char *br)
{
    struct bridge_dump_options o = { .stats = true };
    json_t *r;
    char *err = bridge_ofctl_dump_flows(bs, br, &o, &r);
    ck_assert_msg(!err, "%s", err);
    json_t *flows = json_object_get(r, "flows");
    ck_assert_uint_eq(json_array_size(flows), 1);
    long long n = json_integer_value(
        json_object_get(json_array_get(flows, 0), "n_packets"));
    json_decref(r);
    return n;
}

/* rx_packets of port 'port' of bridge 'br'. */
static long long port_rx(struct bridges *bs, const char *br, const char *port)
{
    json_t *r;
    char *err = bridge_ofctl_dump_ports(bs, br, port, &json_view, &r);
    ck_assert_msg(!err, "%s", err);
    long long n = json_integer_value(json_object_get(
        json_array_get(json_object_get(r, "ports"), 0), "rx_packets"));
    json_decref(r);
    return n;
}

START_TEST(test_shared_socket_batches)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0
        || system("ip link set lo up") != 0) {
        SW_SKIP("needs root for a private network namespace");
    }
    struct config *cfg = config_create();
    /* The userspace receive path is what this is about. */
    run_ok(cfg, "add-br br0 -- set bridge br0 datapath_type=netdev");
    run_ok(cfg, "add-br br1 -- set bridge br1 datapath_type=netdev");
    run_ok(cfg, "add-port br0 vx0 -- set interface vx0 type=vxlan "
                "options:remote_ip=127.0.0.1 options:key=1");
    run_ok(cfg, "add-port br1 vx1 -- set interface vx1 type=vxlan "
                "options:remote_ip=127.0.0.1 options:key=2");
    struct bridges *bs = bridges_create(NULL);
    bridges_reconfigure(bs, cfg);
    /* One flow per bridge that drops, so its n_packets counts exactly
     * the frames that bridge ran. */
    static const char *const brs[] = { "br0", "br1" };
    for (size_t i = 0; i < 2; i++) {
        json_t *r;
        char *err = bridge_ofctl_flow_mods(bs, brs[i], FM_DELETE, "", &r);
        ck_assert_msg(!err, "%s", err);
        json_decref(r);
        err = bridge_ofctl_flow_mods(bs, brs[i], FM_ADD,
                                     "priority=1 actions=drop", &r);
        ck_assert_msg(!err, "%s", err);
        json_decref(r);
    }

    /* 40 frames for br0 first (more than one batch), then the two
     * bridges alternating in runs of 1 to 3. */
    static const uint8_t vnis[] = { 2, 1, 2, 2, 1, 1, 1, 2, 1, 2, 2, 2 };
    size_t want[3] = { 0, 0, 0 };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(4789) };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (size_t i = 0; i < 40 + sizeof vnis; i++) {
        uint8_t vni = i < 40 ? 1 : vnis[i - 40];
        uint8_t dgram[VXLAN_HLEN + 60];
        memset(dgram, 0, sizeof dgram);
        vxlan_header_put(dgram, vni);
        uint8_t *eth = dgram + VXLAN_HLEN;
        memset(eth, 0xff, 6); /* Broadcast. */
        eth[6] = 0x02;        /* Local source MAC. */
        eth[11] = (uint8_t)i;
        eth[12] = 0x88, eth[13] = 0xb5; /* Experimental. */
        ck_assert_int_eq(sendto(fd, dgram, sizeof dgram, 0,
                                (struct sockaddr *)&to, sizeof to),
                         (ssize_t)sizeof dgram);
        want[vni]++;
    }
    close(fd);

    /* Loopback delivers at once; one poll with a budget larger than the
     * frames sent reads them all, but allow a few in case. */
    size_t got = 0;
    for (int tries = 0; tries < 100 && got < 40 + sizeof vnis; tries++) {
        got += bridges_poll_once(bs, 256);
        if (got < 40 + sizeof vnis) {
            usleep(10000);
        }
    }
    ck_assert_uint_eq(got, 40 + sizeof vnis);
    ck_assert_int_eq(port_rx(bs, "br0", "vx0"), (long long)want[1]);
    ck_assert_int_eq(port_rx(bs, "br1", "vx1"), (long long)want[2]);
    ck_assert_int_eq(flow_packets(bs, "br0"), (long long)want[1]);
    ck_assert_int_eq(flow_packets(bs, "br1"), (long long)want[2]);

    bridges_destroy(bs);
    config_destroy(cfg);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bridge-rx");
    TCase *tc = tcase_create("rx");
    tcase_add_test(tc, test_shared_socket_batches);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
