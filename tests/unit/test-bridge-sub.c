/* Unit tests for the bridge layer's looking glasses: monitor and capture
 * subscriptions (lib/bridge-sub.c), fdb-show and trace with the ports'
 * tunnel options (lib/bridge-debug.c).  No event loop: the tests take
 * lines with bridge_sub_next() as the daemon's loop would. */
#include <check.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge-private.h"
#include "bridge-sub.h"
#include "bridge.h"
#include "bridge-ofctl.h"
#include "check-main.h"
#include "config.h"
#include "util.h"
#include "vsctl-line.h"
#include "vsctl.h"

/* Replies as JSON, in OpenFlow 1.0 terms. */
static const struct ofctl_view json_view = { false, 10 };

/* TAP devices of the LOCAL ports and vxlan sockets must not touch the
 * host: as root the tests run in a network namespace of their own; as
 * anyone else the devices simply fail to open, and the ports still have
 * their numbers, which is all the pipeline needs. */
static void private_netns(void)
{
    static bool done;
    if (!done && geteuid() == 0) {
        ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
    }
    done = true;
}

static void run_ok(struct config *cfg, const char *line)
{
    char *err = vsctl_line(cfg, line, NULL, NULL);
    ck_assert_msg(!err, "\"%s\": %s", line, err);
}

struct fixture {
    struct config *cfg;
    struct bridges *bs;
    int notified;
};

static void notify_cb(void *f_)
{
    struct fixture *f = f_;
    f->notified++;
}

/* br0 with a patch to br1, and (as root only, where the socket lives in
 * our own namespace) a key=flow vxlan port. */
static void setup(struct fixture *f, bool vxlan)
{
    private_netns();
    memset(f, 0, sizeof *f);
    f->cfg = config_create();
    run_ok(f->cfg, "add-br br0");
    run_ok(f->cfg, "add-br br1");
    run_ok(f->cfg, "add-port br0 p1 -- set interface p1 type=patch "
                   "options:peer=q1");
    run_ok(f->cfg, "add-port br1 q1 -- set interface q1 type=patch "
                   "options:peer=p1");
    if (vxlan) {
        run_ok(f->cfg, "add-port br0 vx0 -- set interface vx0 type=vxlan "
                       "options:remote_ip=flow options:key=flow "
                       "options:local_ip=10.0.0.1 options:dst_port=4790 "
                       "ofport_request=7");
    }
    f->bs = bridges_create(NULL);
    bridges_reconfigure(f->bs, f->cfg);
}

static void teardown(struct fixture *f)
{
    bridges_destroy(f->bs);
    config_destroy(f->cfg);
}

static void add_flows(struct fixture *f, const char *br, const char *text)
{
    json_t *r;
    char *err = bridge_ofctl_flow_mods(f->bs, br, FM_ADD, text, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
}

static void del_flows(struct fixture *f, const char *br, const char *text)
{
    json_t *r;
    char *err = bridge_ofctl_flow_mods(f->bs, br, FM_DELETE, text, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
}

/* The next line of 's' parsed, or NULL. */
static json_t *next_json(struct bridge_sub *s)
{
    char *line = bridge_sub_next(s);
    if (!line) {
        return NULL;
    }
    size_t n = strlen(line);
    ck_assert(n && line[n - 1] == '\n');
    ck_assert_ptr_null(memchr(line, '\n', n - 1));
    json_error_t jerr;
    json_t *j = json_loads(line, 0, &jerr);
    ck_assert_msg(j != NULL, "bad line %s", line);
    free(line);
    return j;
}

static const char *jstr(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    ck_assert_msg(s != NULL, "no string \"%s\"", key);
    return s;
}

START_TEST(test_monitor_events)
{
    struct fixture f;
    setup(&f, false);
    struct bridge_sub *s;
    json_t *r;
    struct bridge_monitor_options o = { .watch = NULL };
    char *err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "n_initial")), 1);
    json_decref(r);

    json_t *j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "INITIAL");
    ck_assert_str_eq(jstr(j, "text"), " event=INITIAL bridge=br0 table=0 "
                                      "cookie=0x0 priority=0 "
                                      "actions=NORMAL");
    json_decref(j);
    ck_assert_ptr_null(bridge_sub_next(s));

    /* A client add and delete: queued by the hook, one notify each. */
    add_flows(&f, "br0", "table=3,priority=5,in_port=1,actions=drop");
    ck_assert_int_eq(f.notified, 1);
    del_flows(&f, "br0", "table=3");
    ck_assert_int_eq(f.notified, 2);
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "text"),
                     " event=ADDED reason=client bridge=br0 table=3 "
                     "cookie=0x0 priority=5,in_port=1 actions=drop");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "table")), 3);
    json_decref(j);
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "DELETED");
    ck_assert_str_eq(jstr(j, "reason"), "client");
    json_decref(j);
    ck_assert_ptr_null(bridge_sub_next(s));

    /* Another bridge's changes are not ours. */
    add_flows(&f, "br1", "table=3,actions=drop");
    ck_assert_ptr_null(bridge_sub_next(s));

    /* A packet-in, as trace --generate produces it. */
    add_flows(&f, "br0", "table=0,priority=9,in_port=5,actions=controller");
    json_decref(next_json(s));
    err = bridge_ofctl_trace(f.bs, "br0", "in_port=5,dl_dst=00:00:00:00:00:01",
                             NULL, true, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "PACKET_IN");
    ck_assert_str_eq(jstr(j, "reason"), "action");
    ck_assert(strstr(jstr(j, "text"), " event=PACKET_IN bridge=br0 table=0"));
    json_decref(j);

    /* Once destroyed, the hooks are gone: changes reach nobody. */
    bridge_sub_destroy(s);
    int before = f.notified;
    add_flows(&f, "br0", "table=4,actions=drop");
    ck_assert_int_eq(f.notified, before);
    teardown(&f);
}
END_TEST

START_TEST(test_monitor_watch)
{
    struct fixture f;
    setup(&f, false);
    add_flows(&f, "br0",
              "table=20,priority=1,dl_dst=00:00:00:00:00:01,"
              "actions=output:1");
    struct bridge_sub *s;
    json_t *r;
    struct bridge_monitor_options o = { .watch = "watch:table=20,!actions",
                                        .names = true };
    char *err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    json_t *j = next_json(s);
    ck_assert_str_eq(jstr(j, "text"),
                     " event=INITIAL bridge=br0 table=20 cookie=0x0 "
                     "priority=1,dl_dst=00:00:00:00:00:01");
    ck_assert_ptr_null(json_object_get(j, "actions"));
    json_decref(j);
    add_flows(&f, "br0", "table=21,actions=drop");
    ck_assert_ptr_null(bridge_sub_next(s));
    bridge_sub_destroy(s);

    /* Port names with --names; a bad watch is refused. */
    o.watch = "watch:!initial";
    err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    add_flows(&f, "br0", "table=5,in_port=1,actions=output:p1");
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "text"),
                     " event=ADDED reason=client bridge=br0 table=5 "
                     "cookie=0x0 priority=32768,in_port=p1 "
                     "actions=output:p1");
    json_decref(j);
    bridge_sub_destroy(s);
    o.watch = "watch:!nope";
    err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s, &r);
    ck_assert(err && strstr(err, "!nope"));
    ck_assert_ptr_null(s);
    free(err);
    err = bridge_monitor_start(f.bs, "br7", &o, notify_cb, &f, &s, &r);
    ck_assert_str_eq(err, "no bridge named br7");
    free(err);
    teardown(&f);
}
END_TEST

START_TEST(test_monitor_overflow)
{
    struct fixture f;
    setup(&f, false);
    struct bridge_sub *s;
    json_t *r;
    struct bridge_monitor_options o = { .watch = "watch:!initial",
                                        .max_lines = 2 };
    char *err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);

    /* Five events into room for two: three are lost and counted; the
     * LOST line comes where they went missing. */
    for (int i = 1; i <= 5; i++) {
        char *flow = xasprintf("table=1,priority=%d,actions=drop", i);
        add_flows(&f, "br0", flow);
        free(flow);
    }
    ck_assert_int_eq(bridge_sub_dropped(s), 3);
    json_t *j = next_json(s);
    ck_assert(strstr(jstr(j, "text"), "priority=1 "));
    json_decref(j);
    /* Room again: the next event goes in after a LOST line. */
    add_flows(&f, "br0", "table=1,priority=6,actions=drop");
    j = next_json(s);
    ck_assert(strstr(jstr(j, "text"), "priority=2 "));
    json_decref(j);
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "LOST");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "n_lost")), 3);
    json_decref(j);
    j = next_json(s);
    ck_assert(strstr(jstr(j, "text"), "priority=6 "));
    json_decref(j);
    ck_assert_ptr_null(bridge_sub_next(s));

    /* Lost at the end with nothing after: the LOST line still comes. */
    for (int i = 7; i <= 9; i++) {
        char *flow = xasprintf("table=1,priority=%d,actions=drop", i);
        add_flows(&f, "br0", flow);
        free(flow);
    }
    json_decref(next_json(s));
    json_decref(next_json(s));
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "LOST");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "n_lost")), 1);
    json_decref(j);
    ck_assert_int_eq(bridge_sub_dropped(s), 4);
    bridge_sub_destroy(s);
    teardown(&f);
}
END_TEST

/* Issue 16: ten monitors cost an event one rendering, and monitors that
 * do not read cost it none: the cost of a change does not grow with the
 * watchers. */
START_TEST(test_monitor_shared_lines)
{
    struct fixture f;
    setup(&f, false);
    struct bridge_sub *s[10];
    json_t *r;
    struct bridge_monitor_options o = { .watch = "watch:!initial",
                                        .max_lines = 2 };
    for (int i = 0; i < 10; i++) {
        char *err =
            bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s[i], &r);
        ck_assert_msg(!err, "%s", err);
        json_decref(r);
    }
    uint64_t before = bridge_sub_renders();
    add_flows(&f, "br0", "table=1,priority=1,actions=drop");
    ck_assert_uint_eq(bridge_sub_renders() - before, 1);
    ck_assert_int_eq(f.notified, 10);
    add_flows(&f, "br0", "table=1,priority=2,actions=drop");
    ck_assert_uint_eq(bridge_sub_renders() - before, 2);
    /* Every queue is full now: no rendering, no wakeup, a count each. */
    add_flows(&f, "br0", "table=1,priority=3,actions=drop");
    ck_assert_uint_eq(bridge_sub_renders() - before, 2);
    ck_assert_int_eq(f.notified, 20);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(bridge_sub_dropped(s[i]), 1);
    }
    /* Each reader gets the shared line whole, then its LOST line. */
    for (int i = 0; i < 10; i++) {
        json_t *j = next_json(s[i]);
        ck_assert(strstr(jstr(j, "text"), "priority=1 "));
        json_decref(j);
    }
    bridge_sub_destroy(s[0]);
    /* A monitor that prints port names needs a rendering of its own. */
    for (int i = 1; i < 10; i++) {
        bridge_sub_destroy(s[i]);
    }
    struct bridge_monitor_options on = { .watch = "watch:!initial",
                                         .names = true };
    char *err =
        bridge_monitor_start(f.bs, "br0", &on, notify_cb, &f, &s[0], &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    err = bridge_monitor_start(f.bs, "br0", &o, notify_cb, &f, &s[1], &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    before = bridge_sub_renders();
    add_flows(&f, "br0", "table=1,priority=4,in_port=p1,actions=drop");
    ck_assert_uint_eq(bridge_sub_renders() - before, 2);
    json_t *j = next_json(s[0]);
    ck_assert(strstr(jstr(j, "text"), "in_port=p1"));
    json_decref(j);
    j = next_json(s[1]);
    ck_assert(strstr(jstr(j, "text"), "in_port=1"));
    json_decref(j);
    bridge_sub_destroy(s[0]);
    bridge_sub_destroy(s[1]);
    teardown(&f);
}
END_TEST

START_TEST(test_monitor_bridge_gone)
{
    struct fixture f;
    setup(&f, false);
    struct bridge_sub *s;
    json_t *r;
    struct bridge_monitor_options o = { .watch = "watch:!initial" };
    char *err = bridge_monitor_start(f.bs, "br1", &o, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    add_flows(&f, "br1", "table=1,actions=drop");

    run_ok(f.cfg, "del-br br1");
    bridges_reconfigure(f.bs, f.cfg);
    ck_assert(!bridge_sub_finished(s));
    json_t *j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "ADDED");
    json_decref(j);
    j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "END");
    ck_assert_str_eq(jstr(j, "reason"), "bridge br1 was removed");
    json_decref(j);
    ck_assert(bridge_sub_finished(s));
    ck_assert_ptr_null(bridge_sub_next(s));
    bridge_sub_destroy(s);
    teardown(&f);
}
END_TEST

/* A broadcast ARP frame from 00:00:00:00:00:0a. */
static void arp_frame(struct packet *pkt)
{
    static const uint8_t frame[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0,  0x0a, 0x08, 0x06,
        0,    1,    0x08, 0,    6,    4,    0, 1, 0, 0, 0,  0,    0,    0x0a,
        10,   0,    0,    1,    0,    0,    0, 0, 0, 0, 10, 0,    0,    2,
    };
    packet_init(pkt, frame, sizeof frame);
}

START_TEST(test_capture)
{
    struct fixture f;
    setup(&f, false);
    struct bridge_sub *s, *s2;
    json_t *r;
    struct capture_queue_config cfg = { .count = 2, .snaplen = 20 };
    char *err =
        bridge_capture_start(f.bs, "br0", "p1", &cfg, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    ck_assert_str_eq(jstr(r, "port"), "p1");
    ck_assert_int_eq(json_integer_value(json_object_get(r, "port_no")), 1);
    ck_assert(json_is_false(json_object_get(r, "tunnel")));
    json_decref(r);
    /* By number, a second capture of the same port. */
    struct capture_queue_config cfg2 = { .count = 0 };
    err =
        bridge_capture_start(f.bs, "br0", "1", &cfg2, notify_cb, &f, &s2, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);

    struct bridge *br = bridge_lookup(f.bs, "br0");
    struct bridge_port *p = bridge_port_lookup(br, "p1");
    ck_assert_ptr_eq(p->captures, s2);
    struct packet pkt;
    arp_frame(&pkt);
    for (int i = 0; i < 3; i++) {
        f.bs->sub_hooks->capture(p, i == 1 ? CAPTURE_TX : CAPTURE_RX, &pkt,
                                 NULL);
    }
    packet_uninit(&pkt);
    ck_assert_int_eq(f.notified, 6);

    /* The first capture stops at its count, with its snap length. */
    for (int i = 0; i < 2; i++) {
        json_t *j = next_json(s);
        ck_assert_str_eq(jstr(j, "dir"), i ? "tx" : "rx");
        ck_assert_int_eq(json_integer_value(json_object_get(j, "orig_len")),
                         42);
        ck_assert_int_eq(strlen(jstr(j, "data")), 40);
        struct capture_record rec;
        char *e = capture_record_from_json(j, &rec);
        ck_assert_msg(!e, "%s", e);
        ck_assert(!rec.has_tunnel);
        capture_record_uninit(&rec);
        json_decref(j);
    }
    json_t *j = next_json(s);
    ck_assert_str_eq(jstr(j, "event"), "END");
    ck_assert_str_eq(jstr(j, "reason"), "packet count reached");
    ck_assert_int_ge(json_integer_value(json_object_get(j, "seen")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "queued")), 2);
    json_decref(j);
    ck_assert(bridge_sub_finished(s));
    bridge_sub_destroy(s);
    ck_assert_ptr_eq(p->captures, s2);

    /* The second got all three, then its port goes away. */
    for (int i = 0; i < 3; i++) {
        json_decref(next_json(s2));
    }
    ck_assert_ptr_null(bridge_sub_next(s2));
    run_ok(f.cfg, "del-port br0 p1");
    bridges_reconfigure(f.bs, f.cfg);
    j = next_json(s2);
    ck_assert_str_eq(jstr(j, "reason"), "port p1 was removed");
    json_decref(j);
    bridge_sub_destroy(s2);

    err = bridge_capture_start(f.bs, "br0", "p1", &cfg, notify_cb, &f, &s, &r);
    ck_assert_str_eq(err, "p1: no such port on bridge br0");
    free(err);
    teardown(&f);
}
END_TEST

START_TEST(test_capture_tunnel)
{
    if (geteuid() != 0) {
        /* The vxlan socket would live in the host namespace. */
        SW_SKIP("needs root for a private network namespace");
    }
    struct fixture f;
    setup(&f, true);
    struct bridge_sub *s;
    json_t *r;
    struct capture_queue_config cfg = { .count = 0 };
    char *err =
        bridge_capture_start(f.bs, "br0", "vx0", &cfg, notify_cb, &f, &s, &r);
    ck_assert_msg(!err, "%s", err);
    ck_assert(json_is_true(json_object_get(r, "tunnel")));
    json_decref(r);
    struct bridge_port *p =
        bridge_port_lookup(bridge_lookup(f.bs, "br0"), "vx0");
    struct packet pkt;
    arp_frame(&pkt);
    /* Received from 192.168.1.2 (UDP source port 43210) with VNI 5; sent
     * with the flow's VNI 9 to the flow's destination (key=flow,
     * remote_ip=flow). */
    struct netdev_tunnel rx = { 5, 0xc0a80102, 0x0a000001, 43210 };
    struct netdev_tunnel tx = { 9, 0, 0xc0a80103, 0 };
    f.bs->sub_hooks->capture(p, CAPTURE_RX, &pkt, &rx);
    f.bs->sub_hooks->capture(p, CAPTURE_TX, &pkt, &tx);
    packet_uninit(&pkt);
    struct capture_record rec;
    json_t *j = next_json(s);
    ck_assert_ptr_null(capture_record_from_json(j, &rec));
    ck_assert(rec.has_tunnel);
    ck_assert_int_eq(rec.tunnel.vni, 5);
    ck_assert_uint_eq(rec.tunnel.src_ip, 0xc0a80102);
    ck_assert_uint_eq(rec.tunnel.dst_ip, 0x0a000001);
    ck_assert_int_eq(rec.tunnel.dst_port, 4790);
    ck_assert_int_eq(rec.tunnel.src_port, 43210); /* The peer's choice. */
    capture_record_uninit(&rec);
    json_decref(j);
    j = next_json(s);
    ck_assert_ptr_null(capture_record_from_json(j, &rec));
    ck_assert_int_eq(rec.tunnel.vni, 9);
    ck_assert_uint_eq(rec.tunnel.src_ip, 0x0a000001);
    ck_assert_uint_eq(rec.tunnel.dst_ip, 0xc0a80103);
    capture_record_uninit(&rec);
    json_decref(j);

    /* trace shows the same tunnel data for an output on vx0. */
    add_flows(&f, "br0",
              "table=0,priority=9,in_port=1,"
              "actions=set_field:0x2a->tun_id,"
              "set_field:192.168.1.9->tun_dst,output:vx0");
    err = bridge_ofctl_trace(f.bs, "br0", "in_port=p1", NULL, false, &r);
    ck_assert_msg(!err, "%s", err);
    json_t *o = json_array_get(json_object_get(r, "outputs"), 0);
    json_t *t = json_object_get(o, "tunnel");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "vni")), 42);
    ck_assert_str_eq(jstr(t, "remote_ip"), "192.168.1.9");
    ck_assert_str_eq(jstr(t, "local_ip"), "10.0.0.1");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "dst_port")), 4790);
    ck_assert_msg(
        strstr(jstr(r, "text"), "vxlan vni 42 10.0.0.1 -> 192.168.1.9:4790"),
        "%s", jstr(r, "text"));
    json_decref(r);
    bridge_sub_destroy(s);
    teardown(&f);
}
END_TEST

START_TEST(test_fdb_and_trace)
{
    struct fixture f;
    setup(&f, false);
    json_t *r;
    char *err = bridge_ofctl_fdb_show(f.bs, "br0", &json_view, &r);
    ck_assert_msg(!err, "%s", err);
    ck_assert_int_eq(json_array_size(json_object_get(r, "entries")), 0);
    json_decref(r);

    /* Without --generate nothing is learned; with it, NORMAL learns. */
    const char *flow = "in_port=1,dl_src=00:00:00:00:00:0b,dl_vlan=3";
    err = bridge_ofctl_trace(f.bs, "br0", flow, NULL, false, &r);
    ck_assert_msg(!err, "%s", err);
    ck_assert(json_is_false(json_object_get(r, "generate")));
    json_decref(r);
    err = bridge_ofctl_fdb_show(f.bs, "br0", &json_view, &r);
    ck_assert_int_eq(json_array_size(json_object_get(r, "entries")), 0);
    json_decref(r);
    err = bridge_ofctl_trace(f.bs, "br0", flow, NULL, true, &r);
    ck_assert_msg(!err, "%s", err);
    json_decref(r);
    err = bridge_ofctl_fdb_show(f.bs, "br0", &json_view, &r);
    json_t *e = json_array_get(json_object_get(r, "entries"), 0);
    ck_assert_str_eq(jstr(e, "mac"), "00:00:00:00:00:0b");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "port")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "vlan")), 3);
    json_decref(r);

    err = bridge_ofctl_trace(f.bs, "br0", "in_port=1,nw_src=1.2.3.4.5", NULL,
                             false, &r);
    ck_assert(err && strstr(err, "nw_src"));
    free(err);
    err = bridge_ofctl_trace(f.bs, "br0", "in_port=1", "zz", false, &r);
    ck_assert_ptr_nonnull(err);
    free(err);
    err = bridge_ofctl_fdb_show(f.bs, "nope", &json_view, &r);
    ck_assert_str_eq(err, "no bridge named nope");
    free(err);
    teardown(&f);
}
END_TEST

/* Trace and capture of a multicast vxlan port follow the port's own rule:
 * the group, unless the flow set tun_dst.  The port need not open (its
 * local_ip is not here): its class still reads its configuration. */
START_TEST(test_multicast_port_view)
{
    struct fixture f;
    setup(&f, false);
    run_ok(f.cfg, "add-port br0 vm -- set interface vm type=vxlan "
                  "options:remote_ip=239.1.1.1 options:key=42 "
                  "options:local_ip=10.0.0.1 options:dst_port=4791 "
                  "ofport_request=8");
    bridges_reconfigure(f.bs, f.cfg);
    add_flows(&f, "br0", "table=0,priority=9,in_port=1,actions=output:vm");
    add_flows(&f, "br0",
              "table=0,priority=10,in_port=1,"
              "dl_src=00:00:00:00:00:0b,actions="
              "set_field:192.168.33.13->tun_dst,output:vm");
    static const struct {
        const char *flow, *remote;
    } cases[] = {
        { "in_port=1", "239.1.1.1" },
        { "in_port=1,dl_src=00:00:00:00:00:0b", "192.168.33.13" },
    };
    for (size_t i = 0; i < 2; i++) {
        json_t *r;
        char *err =
            bridge_ofctl_trace(f.bs, "br0", cases[i].flow, NULL, false, &r);
        ck_assert_msg(!err, "%s", err);
        json_t *o = json_array_get(json_object_get(r, "outputs"), 0);
        json_t *t = json_object_get(o, "tunnel");
        ck_assert_int_eq(json_integer_value(json_object_get(t, "vni")), 42);
        ck_assert_str_eq(jstr(t, "remote_ip"), cases[i].remote);
        char want[64];
        snprintf(want, sizeof want, "vxlan vni 42 10.0.0.1 -> %s:4791",
                 cases[i].remote);
        ck_assert_msg(strstr(jstr(r, "text"), want), "%s", jstr(r, "text"));
        json_decref(r);
    }
    teardown(&f);
}
END_TEST

static Suite *bridge_sub_suite(void)
{
    Suite *s = suite_create("bridge-sub");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_monitor_events);
    tcase_add_test(tc, test_monitor_watch);
    tcase_add_test(tc, test_monitor_overflow);
    tcase_add_test(tc, test_monitor_shared_lines);
    tcase_add_test(tc, test_monitor_bridge_gone);
    tcase_add_test(tc, test_capture);
    tcase_add_test(tc, test_capture_tunnel);
    tcase_add_test(tc, test_fdb_and_trace);
    tcase_add_test(tc, test_multicast_port_view);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(bridge_sub_suite)
