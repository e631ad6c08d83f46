/* The article's br-tun as a test (issue 3).
 *
 * br-tun has patch-tun = 1, vxlan0 = 5 (to 192.168.33.13) and vxlan1 = 6
 * (to .14), and the nine flows of the article, added through the same
 * parser swofctl uses.  Packet by packet:
 *   1. an ARP broadcast from port 1 leaves on 5 and 6 and learns nothing;
 *   2. the ARP reply arriving on 5 is output to 1 and learns
 *      "priority=1,dl_dst=2e:7a:a2:53:7b:31
 *       actions=load:<vni>->NXM_NX_TUN_ID[],output:5" in table 20;
 *   3. unicast from 1 to that MAC leaves only on 5 and credits the flow;
 *   4. the MAC seen on 6 modifies the flow in place (output:6, hard_age
 *      reset, duration and counters kept);
 *   5. 300 s without re-learning expires it and unicast floods again;
 *   6. unknown unicast floods to 5 and 6; other ports are dropped.
 * The whole sequence runs twice: with tun_id 0 (the article's key=0
 * tunnels) and with tun_id 0x64 (a key=flow tunnel), which shows the VNI
 * is learned too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "article.h"
#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "match.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

/* Host .2 behind patch-tun, host .13 behind vxlan0 (the article's MAC). */
static const uint8_t LOCAL_MAC[6] = { 0x52, 0x54, 0x00, 0x0a, 0x01, 0x02 };
static const uint8_t REMOTE_MAC[6] = { 0x2e, 0x7a, 0xa2, 0x53, 0x7b, 0x31 };
static const uint8_t OTHER_MAC[6] = { 0x52, 0x54, 0x00, 0x0a, 0x01, 0x09 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct ofproto *build_br_tun(void)
{
    char *err = NULL;
    struct ofproto *p = article_br_tun_create(&err);
    ck_assert_msg(p, "%s", err ? err : "");
    ck_assert_uint_eq(ofproto_n_flows(p), 9);
    return p;
}

static struct flow arp_flow(const uint8_t src[6], const uint8_t dst[6],
                            uint8_t op)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    f.dl_type = ETH_TYPE_ARP;
    f.nw_proto = op;
    f.nw_src = op == 1 ? 0x0a010102 : 0x0a010103;
    f.nw_dst = op == 1 ? 0x0a010103 : 0x0a010102;
    memcpy(f.arp_sha, src, 6);
    if (op == 2) {
        memcpy(f.arp_tha, dst, 6);
    }
    return f;
}

static struct flow icmp_flow(const uint8_t src[6], const uint8_t dst[6])
{
    struct flow f;
    memset(&f, 0, sizeof f);
    memcpy(f.dl_src, src, 6);
    memcpy(f.dl_dst, dst, 6);
    f.dl_type = ETH_TYPE_IP;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_proto = IPPROTO_ICMP_;
    f.nw_ttl = 64;
    f.tp_src = 8; /* Echo request. */
    return f;
}

/* Sends the frame for 'f' into br-tun on 'in_port' with 'tun_id'.
 * Returns the frame length. */
static size_t send_frame(struct ofproto *p, struct flow f, uint16_t in_port,
                         uint64_t tun_id, struct xlate_result *res)
{
    uint8_t frame[256];
    size_t len = flow_compose(&f, frame, sizeof frame);
    ck_assert_uint_gt(len, 0);
    struct packet pkt;
    packet_init(&pkt, frame, len);
    f.in_port = in_port;
    f.tun_id = tun_id;
    if (in_port == 5 || in_port == 6) {
        f.tun_src = in_port == 5 ? 0xc0a8210d : 0xc0a8210e;
        f.tun_dst = 0xc0a8210c;
    }
    ofproto_execute(p, &pkt, &f, true, res);
    /* Every output carries the frame unchanged: br-tun only forwards. */
    for (size_t i = 0; i < res->n_outputs; i++) {
        ck_assert_uint_eq(res->outputs[i].packet.len, len);
        ck_assert(!memcmp(packet_data(&res->outputs[i].packet), frame, len));
    }
    packet_uninit(&pkt);
    return len;
}

static const char *outs(const struct xlate_result *res)
{
    static char buf[128];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < res->n_outputs && n < sizeof buf - 16; i++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%u", i ? "," : "",
                              res->outputs[i].port);
    }
    return res->n_outputs ? buf : "drop";
}

/* Table 20 as dump-flows prints it, one line per flow. */
struct t20 {
    int n;
    char lines[4][512];
    char flows[4][256]; /* "priority=...,match actions=..." only. */
    struct flow_print fp[4];
};

static void t20_cb(const struct flow_print *fp, void *aux)
{
    struct t20 *t = aux;
    ck_assert_int_lt(t->n, 4);
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct flow_print plain = *fp;
    plain.show_ages = true; /* As the article's dump-flows prints. */
    flow_print_format(&plain, NULL, &ds);
    snprintf(t->lines[t->n], sizeof t->lines[t->n], "%s", ds_cstr(&ds));
    ds_clear(&ds);
    match_format(fp->match, fp->priority, NULL, &ds);
    ds_put_cstr(&ds, " actions=");
    ofpacts_format(fp->ofpacts, fp->ofpacts_len, NULL, &ds);
    snprintf(t->flows[t->n], sizeof t->flows[t->n], "%s", ds_cstr(&ds));
    ds_destroy(&ds);
    t->fp[t->n] = *fp;
    t->n++;
}

static void dump_t20(struct ofproto *p, struct t20 *t)
{
    struct flow_mod filter;
    flow_mod_init(&filter, FM_DELETE);
    char *err = flow_mod_parse(&filter, "table=20", FM_PARSE_DUMP, NULL);
    ck_assert_msg(!err, "%s", err ? err : "");
    t->n = 0;
    ofproto_dump_flows(p, &filter, false, t20_cb, t);
    flow_mod_uninit(&filter);
}

START_TEST(test_article)
{
    const uint64_t vni = _i ? 0x64 : 0;
    char learned[256];
    snprintf(learned, sizeof learned,
             "priority=1,dl_dst=2e:7a:a2:53:7b:31 "
             "actions=load:%s->NXM_NX_TUN_ID[],output:%%u",
             vni ? "0x64" : "0");
    char want[256];

    clock_fake_set(1000000);
    struct ofproto *p = build_br_tun();
    struct xlate_result res;
    xlate_result_init(&res);
    struct t20 t;

    /* 1. ARP request broadcast from patch-tun: 0 -> 1 -> 21, out 5, 6. */
    send_frame(p, arp_flow(LOCAL_MAC, BCAST, 1), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "5,6");
    ck_assert_uint_eq(res.outputs[0].tun_id, 0);
    ck_assert_uint_eq(ofproto_n_flows(p), 9);
    dump_t20(p, &t);
    ck_assert_int_eq(t.n, 1);
    ck_assert_str_eq(t.flows[0], "priority=0 actions=resubmit(,21)");

    /* 2. ARP reply from .13 arrives on vxlan0 and goes up to patch-tun,
     * learning where 2e:7a:a2:53:7b:31 lives. */
    clock_fake_advance(1000);
    send_frame(p, arp_flow(REMOTE_MAC, LOCAL_MAC, 2), 5, vni, &res);
    ck_assert_str_eq(outs(&res), "1");
    ck_assert_uint_eq(res.outputs[0].tun_id, vni);
    ck_assert_uint_eq(ofproto_n_flows(p), 10);
    dump_t20(p, &t);
    ck_assert_int_eq(t.n, 2);
    snprintf(want, sizeof want, learned, 5);
    ck_assert_str_eq(t.flows[0], want);
    ck_assert_uint_eq(t.fp[0].hard_timeout, 300);
    ck_assert_uint_eq(t.fp[0].idle_timeout, 0);
    ck_assert_uint_eq(t.fp[0].n_packets, 0);
    ck_assert_int_eq(t.fp[0].hard_age, -1);
    ck_assert_msg(strstr(t.lines[0], "hard_timeout=300"), "%s", t.lines[0]);
    ck_assert_msg(strstr(t.lines[0], want), "%s", t.lines[0]);

    /* 3. Unicast from the local host to .13 now leaves only on 5, with
     * the learned VNI, and credits the learned flow. */
    clock_fake_advance(1000);
    size_t len = send_frame(p, icmp_flow(LOCAL_MAC, REMOTE_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "5");
    ck_assert_uint_eq(res.outputs[0].tun_id, vni);
    send_frame(p, icmp_flow(LOCAL_MAC, REMOTE_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "5");
    dump_t20(p, &t);
    ck_assert_uint_eq(t.fp[0].n_packets, 2);
    ck_assert_uint_eq(t.fp[0].n_bytes, 2 * len);

    /* 4. The same MAC now shows up behind vxlan1: the learned flow is
     * modified in place. */
    clock_fake_advance(10000);
    send_frame(p, icmp_flow(REMOTE_MAC, LOCAL_MAC), 6, vni, &res);
    ck_assert_str_eq(outs(&res), "1");
    ck_assert_uint_eq(ofproto_n_flows(p), 10);
    clock_fake_advance(5000);
    dump_t20(p, &t);
    ck_assert_int_eq(t.n, 2);
    snprintf(want, sizeof want, learned, 6);
    ck_assert_str_eq(t.flows[0], want);
    ck_assert_uint_eq(t.fp[0].n_packets, 2);        /* Kept. */
    ck_assert_int_eq(t.fp[0].duration_msec, 16000); /* Kept. */
    ck_assert_int_eq(t.fp[0].hard_age, 5);          /* Reset. */
    ck_assert_int_lt(t.fp[0].hard_age, t.fp[0].duration_msec / 1000);
    /* The dump line, as in the article (everything after the cookie and
     * duration, whose exact spelling is flow_print's business). */
    char line[512];
    snprintf(line, sizeof line,
             "table=20, n_packets=2, n_bytes=%zu, hard_timeout=300, "
             "idle_age=15, hard_age=5, %s",
             2 * len, want);
    ck_assert_msg(strstr(t.lines[0], line), "%s", t.lines[0]);
    ck_assert_msg(strstr(t.lines[0], "duration=16"), "%s", t.lines[0]);
    send_frame(p, icmp_flow(LOCAL_MAC, REMOTE_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "6");
    ck_assert_uint_eq(res.outputs[0].tun_id, vni);

    /* A re-learn with identical actions only refreshes hard_age. */
    clock_fake_advance(20000);
    send_frame(p, icmp_flow(REMOTE_MAC, LOCAL_MAC), 6, vni, &res);
    dump_t20(p, &t);
    ck_assert_int_eq(t.n, 2);
    ck_assert_int_eq(t.fp[0].hard_age, 0);
    ck_assert_uint_eq(t.fp[0].n_packets, 3);

    /* 5. 300 s after the last learn the flow expires; unicast to the
     * MAC floods again. */
    clock_fake_advance(299999);
    ck_assert_uint_eq(ofproto_run(p), 0);
    send_frame(p, icmp_flow(LOCAL_MAC, REMOTE_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "6");
    clock_fake_advance(1);
    ck_assert_uint_eq(ofproto_run(p), 1);
    ck_assert_uint_eq(ofproto_n_flows(p), 9);
    send_frame(p, icmp_flow(LOCAL_MAC, REMOTE_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "5,6");
    ck_assert_uint_eq(res.outputs[0].tun_id, 0);

    /* 6. Unknown unicast floods; other ports hit the priority-0 drop. */
    send_frame(p, icmp_flow(LOCAL_MAC, OTHER_MAC), 1, 0, &res);
    ck_assert_str_eq(outs(&res), "5,6");
    send_frame(p, icmp_flow(OTHER_MAC, LOCAL_MAC), 9, 0, &res);
    ck_assert_str_eq(outs(&res), "drop");
    ck_assert_ptr_nonnull(res.drop_reason);
    send_frame(p, arp_flow(OTHER_MAC, BCAST, 1), 2, 0, &res);
    ck_assert_str_eq(outs(&res), "drop");
    struct ofproto_table_stats ts;
    ofproto_table_stats(p, 0, &ts);
    ck_assert_uint_eq(ts.matched, ts.lookups); /* Drops matched prio 0. */
    ck_assert_uint_eq(ofproto_n_flows(p), 9);

    xlate_result_uninit(&res);
    ofproto_destroy(p);
    clock_fake_off();
}
END_TEST

/* ---- Batches give the same results as packets one by one. ---- */

/* The article's traffic mix, deterministic: what packet 'k' is. */
struct mix_pkt {
    struct packet pkt;
    struct flow md;
};

static void remote_mac(uint32_t i, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0xaa;
    mac[2] = (uint8_t)(i >> 24);
    mac[3] = (uint8_t)(i >> 16);
    mac[4] = (uint8_t)(i >> 8);
    mac[5] = (uint8_t)i;
}

static uint32_t mix_rand(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

/* Fills 'm' with the next packet of the mix over 'n_macs' remote MACs:
 * broadcasts from patch-tun, tunnel arrivals (which learn, and now and
 * then come from the other tunnel, so the MAC moves), unicasts to
 * known and unknown MACs, and packets from a port nothing matches. */
static void mix_next(uint64_t *rng, uint32_t n_macs, struct mix_pkt *m)
{
    uint32_t r = mix_rand(rng);
    uint32_t i = mix_rand(rng) % n_macs;
    uint8_t mac[6];
    remote_mac(i, mac);
    struct flow f;
    uint16_t in_port = 1;
    switch (r % 16) {
    case 0:
        f = arp_flow(LOCAL_MAC, BCAST, 1);
        break;
    case 1:
    case 2:
        f = icmp_flow(mac, LOCAL_MAC);
        /* Mostly the MAC's own tunnel; 1 in 8 the other one. */
        in_port = (i & 1) ^ ((r >> 8) % 8 == 0) ? 6 : 5;
        break;
    case 3:
        f = icmp_flow(LOCAL_MAC, OTHER_MAC);
        break;
    case 4:
        f = icmp_flow(mac, LOCAL_MAC);
        in_port = 9;
        break;
    default:
        f = icmp_flow(LOCAL_MAC, mac);
        break;
    }
    uint8_t frame[256];
    size_t len = flow_compose(&f, frame, sizeof frame);
    ck_assert_uint_gt(len, 0);
    packet_init(&m->pkt, frame, len);
    memset(&m->md, 0, sizeof m->md);
    m->md.in_port = in_port;
    if (in_port == 5 || in_port == 6) {
        m->md.tun_id = 0x64;
        m->md.tun_src = in_port == 5 ? 0xc0a8210d : 0xc0a8210e;
        m->md.tun_dst = 0xc0a8210c;
    }
}

static void expect_same_result(const struct xlate_result *a,
                               const struct xlate_result *b, size_t k)
{
    ck_assert_msg(a->n_outputs == b->n_outputs,
                  "packet %zu: %zu vs %zu "
                  "outputs",
                  k, a->n_outputs, b->n_outputs);
    for (size_t i = 0; i < a->n_outputs; i++) {
        const struct xlate_output *x = &a->outputs[i], *y = &b->outputs[i];
        ck_assert_uint_eq(x->port, y->port);
        ck_assert_uint_eq(x->tun_id, y->tun_id);
        ck_assert_uint_eq(x->tun_src, y->tun_src);
        ck_assert_uint_eq(x->tun_dst, y->tun_dst);
        ck_assert_uint_eq(x->packet.len, y->packet.len);
        ck_assert(!memcmp(packet_data(&x->packet), packet_data(&y->packet),
                          x->packet.len));
    }
    ck_assert_int_eq(a->depth_exceeded, b->depth_exceeded);
    ck_assert_uint_eq(a->n_learned, b->n_learned);
    ck_assert_uint_eq(a->n_controller, b->n_controller);
    ck_assert_str_eq(a->drop_reason ? a->drop_reason : "-",
                     b->drop_reason ? b->drop_reason : "-");
}

static void dump_text_cb(const struct flow_print *fp, void *aux)
{
    flow_print_format(fp, NULL, aux);
    ds_put_char(aux, '\n');
}

/* Everything observable about a bridge's tables, as text. */
static char *state_text(struct ofproto *p)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ofproto_dump_flows(p, NULL, false, dump_text_cb, &ds);
    for (uint8_t t = 0; t < 32; t++) {
        struct ofproto_table_stats ts;
        ofproto_table_stats(p, t, &ts);
        ds_put_format(&ds, "table %u: %llu %llu %llu\n", t,
                      (unsigned long long)ts.active,
                      (unsigned long long)ts.lookups,
                      (unsigned long long)ts.matched);
    }
    struct ofproto_stats st;
    ofproto_get_stats(p, &st);
    ds_put_format(&ds, "stats: %llu %llu %llu\n",
                  (unsigned long long)st.n_depth_exceeded,
                  (unsigned long long)st.n_learn_failed,
                  (unsigned long long)st.n_expired);
    return ds_steal_cstr(&ds);
}

/* Runs 'n' packets into 'one' one by one and into 'batch' in groups of
 * sizes that vary from 1 to 70 (across OFPROTO_BATCH_MAX), comparing
 * every result. */
static void run_both(struct ofproto *one, struct ofproto *batch, uint64_t *rng,
                     uint32_t n_macs, size_t n)
{
    enum { MAXB = 70 };
    struct mix_pkt m[MAXB];
    const struct packet *ptrs[MAXB];
    struct flow md[MAXB];
    struct xlate_result r1, rb[MAXB];
    xlate_result_init(&r1);
    for (size_t i = 0; i < MAXB; i++) {
        xlate_result_init(&rb[i]);
    }
    size_t done = 0, group = 0;
    while (done < n) {
        size_t k = SW_MIN(n - done, (size_t)(1 + (group++ * 23) % MAXB));
        for (size_t i = 0; i < k; i++) {
            mix_next(rng, n_macs, &m[i]);
            ptrs[i] = &m[i].pkt;
            md[i] = m[i].md;
        }
        ofproto_execute_batch(batch, ptrs, md, k, rb);
        for (size_t i = 0; i < k; i++) {
            ofproto_execute(one, &m[i].pkt, &m[i].md, true, &r1);
            expect_same_result(&r1, &rb[i], done + i);
            packet_uninit(&m[i].pkt);
        }
        done += k;
    }
    xlate_result_uninit(&r1);
    for (size_t i = 0; i < MAXB; i++) {
        xlate_result_uninit(&rb[i]);
    }
}

static void expect_same_state(struct ofproto *a, struct ofproto *b)
{
    char *x = state_text(a), *y = state_text(b);
    /* Line by line, so a failure names one line, not megabytes. */
    char *sx, *sy;
    char *lx = strtok_r(x, "\n", &sx), *ly = strtok_r(y, "\n", &sy);
    int line = 1;
    while (lx || ly) {
        ck_assert_msg(lx && ly && !strcmp(lx, ly), "line %d: '%s' vs '%s'",
                      line, lx ? lx : "(end)", ly ? ly : "(end)");
        lx = strtok_r(NULL, "\n", &sx);
        ly = strtok_r(NULL, "\n", &sy);
        line++;
    }
    free(x);
    free(y);
}

/* _i = 0: 40 MACs (small tables); _i = 1: 6000 MACs, enough for table
 * 20 to count as large, so batches prefetch and use learn hints. */
START_TEST(test_batch_same_as_single)
{
    const uint32_t n_macs = _i ? 6000 : 40;
    clock_fake_set(5000000);
    struct ofproto *one = build_br_tun(), *batch = build_br_tun();
    uint64_t rng = 42;

    /* Learn every MAC first (in both, by batch and one by one). */
    struct xlate_result r1, rb[64];
    xlate_result_init(&r1);
    for (size_t i = 0; i < 64; i++) {
        xlate_result_init(&rb[i]);
    }
    for (uint32_t base = 0; base < n_macs; base += 64) {
        struct mix_pkt m[64];
        const struct packet *ptrs[64];
        struct flow md[64];
        size_t k = SW_MIN(64u, n_macs - base);
        for (size_t i = 0; i < k; i++) {
            uint8_t mac[6];
            remote_mac(base + (uint32_t)i, mac);
            struct flow f = icmp_flow(mac, LOCAL_MAC);
            uint8_t frame[256];
            size_t len = flow_compose(&f, frame, sizeof frame);
            packet_init(&m[i].pkt, frame, len);
            memset(&m[i].md, 0, sizeof m[i].md);
            m[i].md.in_port = (base + i) & 1 ? 6 : 5;
            m[i].md.tun_id = 0x64;
            ptrs[i] = &m[i].pkt;
            md[i] = m[i].md;
        }
        ofproto_execute_batch(batch, ptrs, md, k, rb);
        for (size_t i = 0; i < k; i++) {
            ofproto_execute(one, &m[i].pkt, &m[i].md, true, &r1);
            expect_same_result(&r1, &rb[i], base + i);
            ck_assert_uint_eq(rb[i].n_learned, 1);
            packet_uninit(&m[i].pkt);
        }
    }
    xlate_result_uninit(&r1);
    for (size_t i = 0; i < 64; i++) {
        xlate_result_uninit(&rb[i]);
    }
    ck_assert_uint_eq(ofproto_n_flows(batch), 9 + n_macs);
    expect_same_state(one, batch);

    /* The mix, then changes under it: a deleted learner (learn hints go
     * stale), a MAC deleted by hand, time passing and expiry. */
    run_both(one, batch, &rng, n_macs, 3000);
    expect_same_state(one, batch);
    clock_fake_advance(100000);
    for (int pass = 0; pass < 2; pass++) {
        struct ofproto *p = pass ? batch : one;
        struct flow_mod fm;
        flow_mod_init(&fm, FM_DELETE_STRICT);
        char *err = flow_mod_parse(&fm,
                                   "table=20,priority=1,"
                                   "dl_dst=02:aa:00:00:00:03",
                                   FM_PARSE_DELETE, ofproto_portmap(p));
        ck_assert_msg(!err, "%s", err ? err : "");
        ck_assert_int_eq(ofproto_flow_mods(p, &fm, 1, &err), 0);
        flow_mod_uninit(&fm);
    }
    run_both(one, batch, &rng, n_macs, 2000);
    expect_same_state(one, batch);
    clock_fake_advance(250000);
    ck_assert_uint_eq(ofproto_run(one), ofproto_run(batch));
    run_both(one, batch, &rng, n_macs, 2000);
    expect_same_state(one, batch);
    /* Re-adding the learner with the same match replaces it. */
    for (int pass = 0; pass < 2; pass++) {
        struct ofproto *p = pass ? batch : one;
        struct flow_mod fm;
        flow_mod_init(&fm, FM_ADD);
        char *err = flow_mod_parse(&fm, article_flows[ARTICLE_FLOW_LEARN],
                                   FM_PARSE_ADD, ofproto_portmap(p));
        ck_assert_msg(!err, "%s", err ? err : "");
        ck_assert_int_eq(ofproto_flow_mods(p, &fm, 1, &err), 0);
        flow_mod_uninit(&fm);
    }
    run_both(one, batch, &rng, n_macs, 2000);
    expect_same_state(one, batch);

    ofproto_destroy(one);
    ofproto_destroy(batch);
    clock_fake_off();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("article-pipeline");
    TCase *tc = tcase_create("br-tun");
    /* _i = 0: tun_id 0 (the article); _i = 1: tun_id 0x64 (key=flow). */
    tcase_add_loop_test(tc, test_article, 0, 2);
    tcase_add_loop_test(tc, test_batch_same_as_single, 0, 2);
    /* 6000 learned MACs under ASan take a while. */
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
