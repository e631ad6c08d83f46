/* Unit tests for lib/overlay: the store mirror (keys and values parsed,
 * bad ones reported and ignored), the keys and values a host writes, and
 * the desired-flows function: its exact text for a small world, the same
 * flows loaded into a real pipeline and packets run through it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-ofctl.h"
#include "check-main.h"
#include "flow.h"
#include "ofproto.h"
#include "overlay.h"
#include "packet.h"

static const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t MAC9[6] = { 0x02, 0, 0, 0, 0, 0x09 };

#define VTEP1 0xc0a8210c /* 192.168.33.12, this host */
#define VTEP2 0xc0a8210d
#define VTEP3 0xc0a8210e

static void put(struct overlay_store *st, const char *key, const char *value)
{
    char *err = overlay_store_put(st, key, value, 1);
    ck_assert_msg(!err, "%s", err ? err : "");
}

/* h1 (us) and h2 serve VNI 100 and 200, h3 VNI 100 and 300. */
static void world(struct overlay_store *st)
{
    overlay_store_init(st, "/sw/");
    put(st, "/sw/hosts/h1", "{\"vtep\":\"192.168.33.12\",\"vnis\":[100]}");
    put(st, "/sw/hosts/h2", "{\"vtep\":\"192.168.33.13\",\"vnis\":[100,200]}");
    put(st, "/sw/endpoints/100/02:00:00:00:00:01",
        "{\"vtep\":\"192.168.33.12\",\"host\":\"h1\",\"ip\":\"10.1.1.2\"}");
    put(st, "/sw/endpoints/100/02:00:00:00:00:02",
        "{\"vtep\":\"192.168.33.13\",\"host\":\"h2\",\"ip\":\"10.1.1.3\"}");
    /* A static endpoint behind a hardware VTEP: no host, no IP. */
    put(st, "/sw/endpoints/100/02:00:00:00:00:03",
        "{\"vtep\":\"192.168.33.14\"}");
    put(st, "/sw/endpoints/200/02:00:00:00:00:09",
        "{\"vtep\":\"192.168.33.13\",\"ip\":\"10.2.0.9\"}");
    put(st, "/sw/endpoints/300/02:00:00:00:00:03",
        "{\"vtep\":\"192.168.33.14\",\"ip\":\"10.3.0.3\"}");
    /* Elsewhere under the prefix, and outside it: ignored. */
    put(st, "/sw/other/x", "not json");
    put(st, "/swx/hosts/h9", "not json");
}

static const struct overlay_local_vni LOCAL[] = { { 200, 2 }, { 100, 1 } };

static struct overlay_params params(void)
{
    struct overlay_params p = {
        .vtep = VTEP1,
        .patch_port = 1,
        .tunnel_port = 2,
        .cookie = 0x5a,
        .vnis = LOCAL,
        .n_vnis = 2,
    };
    return p;
}

START_TEST(test_store)
{
    struct overlay_store st;
    world(&st);
    ck_assert_uint_eq(hmap_count(&st.endpoints), 5);
    ck_assert_uint_eq(hmap_count(&st.hosts), 2);
    const struct overlay_endpoint *ep =
        overlay_store_find_endpoint(&st, 100, MAC2);
    ck_assert_ptr_nonnull(ep);
    ck_assert_uint_eq(ep->vtep, VTEP2);
    ck_assert_uint_eq(ep->ip, 0x0a010103);
    ck_assert_str_eq(ep->host, "h2");
    ck_assert_ptr_null(ep->port);
    ep = overlay_store_find_endpoint(&st, 100, MAC3);
    ck_assert_ptr_null(ep->host);
    ck_assert_uint_eq(ep->ip, 0);

    size_t n;
    const struct overlay_endpoint **eps = overlay_store_endpoints(&st, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(eps[0]->vni, 100);
    ck_assert(!memcmp(eps[0]->mac, MAC1, 6));
    ck_assert_uint_eq(eps[4]->vni, 300);
    free(eps);
    const struct overlay_host **hosts = overlay_store_hosts(&st, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(hosts[1]->name, "h2");
    ck_assert_uint_eq(hosts[1]->n_vnis, 2);
    ck_assert_uint_eq(hosts[1]->vnis[1], 200);
    free(hosts);

    ck_assert(
        overlay_store_delete(&st, "/sw/endpoints/100/02:00:00:00:00:02"));
    ck_assert(
        !overlay_store_delete(&st, "/sw/endpoints/100/02:00:00:00:00:02"));
    ck_assert_ptr_null(overlay_store_find_endpoint(&st, 100, MAC2));
    ck_assert(overlay_store_delete(&st, "/sw/hosts/h2"));
    ck_assert_uint_eq(hmap_count(&st.hosts), 1);
    overlay_store_uninit(&st);
}
END_TEST

static void bad(struct overlay_store *st, const char *key, const char *value,
                const char *expect)
{
    char *err = overlay_store_put(st, key, value, 1);
    ck_assert_msg(err && strstr(err, expect), "%s=%s: got \"%s\", want \"%s\"",
                  key, value, err ? err : "(null)", expect);
    free(err);
}

START_TEST(test_store_errors)
{
    struct overlay_store st;
    world(&st);
    const char *k = "/sw/endpoints/100/02:00:00:00:00:02";
    bad(&st, k, "{\"vtep\":", "value is not JSON");
    /* A bad value replaces a good one: the key counts as absent. */
    ck_assert_ptr_null(overlay_store_find_endpoint(&st, 100, MAC2));
    bad(&st, k, "[1]", "value is not a JSON object");
    bad(&st, k, "{}", "\"vtep\" is missing");
    bad(&st, k, "{\"vtep\":7}", "\"vtep\" is not a string");
    bad(&st, k, "{\"vtep\":\"1.2.3\"}", "\"vtep\": \"1.2.3\" is not an IPv4");
    bad(&st, k, "{\"vtep\":\"0.0.0.0\"}", "is not an IPv4");
    bad(&st, k, "{\"vtep\":\"1.2.3.4\",\"ip\":\"x\"}", "\"ip\": \"x\"");
    bad(&st, k, "{\"vtep\":\"1.2.3.4\",\"host\":1}",
        "\"host\" is not a string");
    bad(&st, k, "{\"vtep\":\"1.2.3.4\",\"vtep\":\"1.2.3.5\"}", "not JSON");
    bad(&st, "/sw/endpoints/0/02:00:00:00:00:02", "{\"vtep\":\"1.2.3.4\"}",
        "VNI from 1 to 16777215");
    bad(&st, "/sw/endpoints/16777216/02:00:00:00:00:02",
        "{\"vtep\":\"1.2.3.4\"}", "VNI from 1");
    bad(&st, "/sw/endpoints/+5/02:00:00:00:00:02", "{\"vtep\":\"1.2.3.4\"}",
        "VNI from 1");
    bad(&st, "/sw/endpoints/100", "{\"vtep\":\"1.2.3.4\"}", "VNI/MAC");
    bad(&st, "/sw/endpoints/100/02:00:00:00:00", "{\"vtep\":\"1.2.3.4\"}",
        "\"02:00:00:00:00\" is not a MAC address");
    bad(&st, "/sw/endpoints/100/02:00:00:00:00:0g", "{\"vtep\":\"1.2.3.4\"}",
        "is not a MAC address");
    bad(&st, "/sw/hosts/h2/x", "{\"vtep\":\"1.2.3.4\"}", "hosts/HOST");
    bad(&st, "/sw/hosts/h2", "{\"vtep\":\"1.2.3.4\",\"vnis\":[0]}",
        "\"vnis\" item 1 is not a VNI");
    bad(&st, "/sw/hosts/h2", "{\"vtep\":\"1.2.3.4\",\"vnis\":5}",
        "\"vnis\" is not an array");
    ck_assert_uint_eq(hmap_count(&st.hosts), 1);
    /* Upper-case MACs are read (an operator's etcdctl put). */
    char *err = overlay_store_put(&st, "/sw/endpoints/7/02:00:00:00:00:AB",
                                  "{\"vtep\":\"1.2.3.4\"}", 3);
    ck_assert_ptr_null(err);
    overlay_store_uninit(&st);
}
END_TEST

START_TEST(test_keys_values)
{
    char *s = overlay_endpoint_key("/switchd", 100, MAC9);
    ck_assert_str_eq(s, "/switchd/endpoints/100/02:00:00:00:00:09");
    free(s);
    s = overlay_host_key("/switchd", "h1");
    ck_assert_str_eq(s, "/switchd/hosts/h1");
    free(s);
    s = overlay_endpoint_value("h1", VTEP1, 0x0a010102, "vm1");
    ck_assert_str_eq(s,
                     "{\"host\":\"h1\",\"ip\":\"10.1.1.2\",\"port\":\"vm1\","
                     "\"vtep\":\"192.168.33.12\"}");
    free(s);
    s = overlay_endpoint_value(NULL, VTEP1, 0, NULL);
    ck_assert_str_eq(s, "{\"vtep\":\"192.168.33.12\"}");
    free(s);
    uint32_t vnis[] = { 100, 200 };
    s = overlay_host_value(VTEP2, vnis, 2);
    ck_assert_str_eq(s, "{\"vnis\":[100,200],\"vtep\":\"192.168.33.13\"}");
    free(s);

    /* What a host writes, the store reads back. */
    struct overlay_store st;
    overlay_store_init(&st, "/switchd");
    s = overlay_endpoint_value("h1", VTEP1, 0x0a010102, "vm1");
    char *key = overlay_endpoint_key("/switchd", 100, MAC9);
    ck_assert_ptr_null(overlay_store_put(&st, key, s, 1));
    const struct overlay_endpoint *ep =
        overlay_store_find_endpoint(&st, 100, MAC9);
    ck_assert_str_eq(ep->port, "vm1");
    ck_assert_uint_eq(ep->ip, 0x0a010102);
    free(key);
    free(s);
    overlay_store_uninit(&st);
}
END_TEST

/* The whole text for the small world, as br-tun gets it. */
static const char EXPECTED[] =
    "cookie=0x5a,table=0,priority=10,in_port=1,actions=resubmit(,1)\n"
    "cookie=0x5a,table=0,priority=10,in_port=2,actions=resubmit(,4)\n"
    "cookie=0x5a,table=0,priority=0,actions=drop\n"
    /* VNI 100 on VLAN 1. */
    "cookie=0x5a,table=1,priority=10,dl_vlan=1,dl_dst=01:00:00:00:00:00/"
    "01:00:00:00:00:00,actions=resubmit(,3)\n"
    "cookie=0x5a,table=1,priority=5,dl_vlan=1,actions=resubmit(,2)\n"
    "cookie=0x5a,table=1,priority=20,arp,dl_vlan=1,arp_op=1,"
    "arp_tpa=10.1.1.3,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
    "mod_dl_src:02:00:00:00:00:02,load:0x2->NXM_OF_ARP_OP[],"
    "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
    "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
    "load:0x020000000002->NXM_NX_ARP_SHA[],"
    "load:0x0a010103->NXM_OF_ARP_SPA[],in_port\n"
    "cookie=0x5a,table=2,priority=10,dl_vlan=1,dl_dst=02:00:00:00:00:02,"
    "actions=strip_vlan,set_tunnel:100,set_field:192.168.33.13->tun_dst,"
    "output:2\n"
    "cookie=0x5a,table=2,priority=10,dl_vlan=1,dl_dst=02:00:00:00:00:03,"
    "actions=strip_vlan,set_tunnel:100,set_field:192.168.33.14->tun_dst,"
    "output:2\n"
    "cookie=0x5a,table=3,priority=10,dl_vlan=1,actions=strip_vlan,"
    "set_tunnel:100,set_field:192.168.33.13->tun_dst,output:2,"
    "set_field:192.168.33.14->tun_dst,output:2\n"
    "cookie=0x5a,table=4,priority=10,tun_id=100,actions=mod_vlan_vid:1,"
    "output:1\n"
    /* VNI 200 on VLAN 2. */
    "cookie=0x5a,table=1,priority=10,dl_vlan=2,dl_dst=01:00:00:00:00:00/"
    "01:00:00:00:00:00,actions=resubmit(,3)\n"
    "cookie=0x5a,table=1,priority=5,dl_vlan=2,actions=resubmit(,2)\n"
    "cookie=0x5a,table=1,priority=20,arp,dl_vlan=2,arp_op=1,"
    "arp_tpa=10.2.0.9,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
    "mod_dl_src:02:00:00:00:00:09,load:0x2->NXM_OF_ARP_OP[],"
    "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
    "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
    "load:0x020000000009->NXM_NX_ARP_SHA[],"
    "load:0x0a020009->NXM_OF_ARP_SPA[],in_port\n"
    "cookie=0x5a,table=2,priority=10,dl_vlan=2,dl_dst=02:00:00:00:00:09,"
    "actions=strip_vlan,set_tunnel:200,set_field:192.168.33.13->tun_dst,"
    "output:2\n"
    "cookie=0x5a,table=3,priority=10,dl_vlan=2,actions=strip_vlan,"
    "set_tunnel:200,set_field:192.168.33.13->tun_dst,output:2\n"
    "cookie=0x5a,table=4,priority=10,tun_id=200,actions=mod_vlan_vid:2,"
    "output:1\n"
    "cookie=0x5a,table=1,priority=0,actions=drop\n"
    "cookie=0x5a,table=2,priority=0,actions=drop\n"
    "cookie=0x5a,table=3,priority=0,actions=drop\n"
    "cookie=0x5a,table=4,priority=0,actions=drop\n";

START_TEST(test_flows_text)
{
    struct overlay_store st;
    world(&st);
    struct overlay_params p = params();
    struct ds out = DS_EMPTY_INITIALIZER;
    struct overlay_flow_counts c;
    overlay_flows(&st, &p, &out, &c);
    ck_assert_str_eq(ds_cstr(&out), EXPECTED);
    ck_assert_uint_eq(c.n_unicast, 3);
    ck_assert_uint_eq(c.n_arp, 2);
    ck_assert_uint_eq(c.n_flood_targets, 3);
    ck_assert_uint_eq(c.n_flows, 20);

    /* A pure function: the same store gives the same text, whatever the
     * order the keys arrived in. */
    struct overlay_store st2;
    overlay_store_init(&st2, "/sw");
    size_t n;
    const struct overlay_endpoint **eps = overlay_store_endpoints(&st, &n);
    for (size_t i = n; i-- > 0;) {
        char *v = overlay_endpoint_value(eps[i]->host, eps[i]->vtep,
                                         eps[i]->ip, eps[i]->port);
        ck_assert_ptr_null(overlay_store_put(&st2, eps[i]->key, v, 2));
        free(v);
    }
    free(eps);
    struct ds out2 = DS_EMPTY_INITIALIZER;
    overlay_flows(&st2, &p, &out2, NULL);
    ck_assert_str_eq(ds_cstr(&out2), EXPECTED);
    ds_destroy(&out2);
    overlay_store_uninit(&st2);

    /* With flood_unknown, table 2 sends what it does not know to 3. */
    ds_clear(&out);
    p.flood_unknown = true;
    overlay_flows(&st, &p, &out, NULL);
    ck_assert_ptr_nonnull(strstr(ds_cstr(&out), "table=2,priority=1,dl_vlan=1,"
                                                "actions=resubmit(,3)\n"));

    /* No VNI served: only the classification and the drops. */
    ds_clear(&out);
    p.n_vnis = 0;
    overlay_flows(&st, &p, &out, &c);
    ck_assert_uint_eq(c.n_flows, 7);
    ck_assert_ptr_null(strstr(ds_cstr(&out), "tun_id"));
    ds_destroy(&out);
    overlay_store_uninit(&st);
}
END_TEST

/* The flows in a real br-tun (port 1 = patch, 2 = tunnel). */
static struct ofproto *br_tun(const struct overlay_store *st,
                              const struct overlay_params *p)
{
    struct ofproto *of = ofproto_create("br-tun");
    ofproto_port_add(of, 1, "patch-tun");
    ofproto_port_add(of, 2, "vxlan0");
    struct ds out = DS_EMPTY_INITIALIZER;
    overlay_flows(st, p, &out, NULL);
    struct flow_mod *fms;
    size_t n;
    char *err = bridge_parse_flows(ds_cstr(&out), FM_ADD, FM_PARSE_ADD,
                                   ofproto_portmap(of), &fms, &n);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_int_eq(ofproto_flow_mods(of, fms, n, &err), 0);
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
    ds_destroy(&out);
    return of;
}

static void run(struct ofproto *of, struct flow *f, struct xlate_result *res)
{
    uint8_t frame[256];
    size_t len = flow_compose(f, frame, sizeof frame);
    ck_assert_uint_gt(len, 0);
    struct packet pkt;
    packet_init(&pkt, frame, len);
    ofproto_execute(of, &pkt, f, false, res);
    xlate_result_own(res); /* Read after the input is gone. */
    packet_uninit(&pkt);
}

static struct flow frame(uint16_t in_port, uint16_t vlan, const uint8_t src[6],
                         const uint8_t dst[6])
{
    struct flow f;
    memset(&f, 0, sizeof f);
    f.in_port = in_port;
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    if (vlan) {
        f.vlan_tci = VLAN_CFI | vlan;
    }
    f.dl_type = ETH_TYPE_IP;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_proto = 1;
    f.nw_ttl = 64;
    return f;
}

START_TEST(test_flows_pipeline)
{
    struct overlay_store st;
    world(&st);
    struct overlay_params p = params();
    struct ofproto *of = br_tun(&st, &p);
    struct xlate_result res;
    xlate_result_init(&res);

    /* Unicast to a remote MAC in VNI 100: one copy to its VTEP. */
    struct flow f = frame(1, 1, MAC1, MAC2);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 1);
    ck_assert_uint_eq(res.outputs[0].port, 2);
    ck_assert_uint_eq(res.outputs[0].tun_id, 100);
    ck_assert_uint_eq(res.outputs[0].tun_dst, VTEP2);

    /* The same MAC on VLAN 2 (VNI 200) is not known there: dropped. */
    f = frame(1, 2, MAC1, MAC2);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 0);

    /* Broadcast in VNI 100: one copy per remote VTEP with an endpoint in
     * the VNI (.13 and .14), none to ourselves. */
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    f = frame(1, 1, MAC1, bcast);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 2);
    ck_assert_uint_eq(res.outputs[0].tun_dst, VTEP2);
    ck_assert_uint_eq(res.outputs[1].tun_dst, VTEP3);
    ck_assert_uint_eq(res.outputs[1].tun_id, 100);
    /* In VNI 200 only h2 has endpoints. */
    f = frame(1, 2, MAC1, bcast);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 1);
    ck_assert_uint_eq(res.outputs[0].tun_dst, VTEP2);
    ck_assert_uint_eq(res.outputs[0].tun_id, 200);

    /* From the tunnel: VNI 100 goes up tagged 1; VNI 300 (not served
     * here) is dropped. */
    f = frame(2, 0, MAC2, MAC1);
    f.tun_id = 100;
    f.tun_src = VTEP2;
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 1);
    ck_assert_uint_eq(res.outputs[0].port, 1);
    f.tun_id = 300;
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 0);

    /* An untagged frame from the patch belongs to no VNI. */
    f = frame(1, 0, MAC1, MAC2);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 0);

    /* ARP who-has 10.1.1.3 on VLAN 1 is answered back to the patch. */
    f = frame(1, 1, MAC1, bcast);
    f.dl_type = ETH_TYPE_ARP;
    f.nw_proto = 1;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    memcpy(f.arp_sha, MAC1, 6);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 1);
    ck_assert_uint_eq(res.outputs[0].port, 1);
    struct flow reply;
    memset(&reply, 0, sizeof reply);
    const struct packet *rp = &res.outputs[0].packet;
    flow_extract(rp->base + rp->ofs, rp->len, &reply);
    ck_assert_uint_eq(reply.nw_proto, 2);
    ck_assert(!memcmp(reply.dl_src, MAC2, 6));
    ck_assert(!memcmp(reply.dl_dst, MAC1, 6));
    ck_assert(!memcmp(reply.arp_sha, MAC2, 6));
    ck_assert_uint_eq(reply.nw_src, 0x0a010103);
    ck_assert_uint_eq(reply.nw_dst, 0x0a010102);
    ck_assert_uint_eq(reply.vlan_tci & 0xfff, 1);

    /* Unknown unicast, with flood_unknown: the flood list. */
    ofproto_destroy(of);
    p.flood_unknown = true;
    of = br_tun(&st, &p);
    f = frame(1, 1, MAC1, MAC9);
    run(of, &f, &res);
    ck_assert_uint_eq(res.n_outputs, 2);

    xlate_result_uninit(&res);
    ofproto_destroy(of);
    overlay_store_uninit(&st);
}
END_TEST

static Suite *overlay_suite(void)
{
    Suite *s = suite_create("overlay");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_store);
    tcase_add_test(tc, test_store_errors);
    tcase_add_test(tc, test_keys_values);
    tcase_add_test(tc, test_flows_text);
    tcase_add_test(tc, test_flows_pipeline);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(overlay_suite)
