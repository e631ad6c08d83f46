/* swbench pipeline / flowmod: the article's br-tun bridge, in process.
 *
 * 'pipeline' installs the article's nine br-tun flows, lets table 2's
 * learn action install N MACs into table 20 by sending one tunnel
 * arrival per MAC through the pipeline, then pushes a mix of 64-byte
 * frames the same way, in batches of --batch frames through
 * ofproto_execute_batch() (--batch 1: one by one through
 * ofproto_execute()): broadcasts from the patch port
 * (flooded to both tunnels), unicasts to learned MACs (one tunnel), and
 * tunnel arrivals that learn again (refreshing an existing flow).
 *
 * 'scaling' runs two such bridges (few and many MACs) in alternating
 * rounds in one process and prints the ratio of their rates.
 *
 * 'flowmod' measures how fast flow text becomes installed flows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "bench.h"
#include "flowmod.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

#define PORT_PATCH ARTICLE_PORT_PATCH
#define PORT_VX13 ARTICLE_PORT_VXLAN0 /* To 192.168.33.13. */
#define PORT_VX14 ARTICLE_PORT_VXLAN1 /* To .14. */
#define VNI 100

/* Remote MAC number 'i' (behind a tunnel). */
static void remote_mac(uint32_t i, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0xaa;
    mac[2] = (uint8_t)(i >> 24);
    mac[3] = (uint8_t)(i >> 16);
    mac[4] = (uint8_t)(i >> 8);
    mac[5] = (uint8_t)i;
}

static const uint8_t local_mac[6] = { 0x02, 0x11, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A 64-byte frame on the wire (60 without the FCS): Ethernet, IPv4,
 * UDP, zero payload.  Only the MACs change between packets. */
static void build_frame(uint8_t frame[60], const uint8_t dst[6],
                        const uint8_t src[6])
{
    static const uint8_t l3[] = {
        0x08, 0x00,                                     /* IPv4 */
        0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, /* len 46, DF */
        0x40, 0x11, 0x00, 0x00,                         /* ttl, UDP */
        0x0a, 0x01, 0x01, 0x02, 0x0a, 0x01, 0x01, 0x03, /* src, dst */
        0x30, 0x39, 0x00, 0x35, 0x00, 0x1a, 0x00, 0x00, /* UDP */
    };
    memset(frame, 0, 60);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    memcpy(frame + 12, l3, sizeof l3);
    /* IPv4 header checksum, so the frame is valid if anyone looks. */
    uint32_t sum = 0;
    for (int i = 14; i < 34; i += 2) {
        sum += (uint32_t)(frame[i] << 8 | frame[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    frame[24] = (uint8_t)(~sum >> 8);
    frame[25] = (uint8_t)~sum;
}

static struct ofproto *make_br_tun(void)
{
    char *err = NULL;
    struct ofproto *ofp = article_br_tun_create(&err);
    if (!ofp) {
        fprintf(stderr, "swbench: br-tun: %s\n", err);
        exit(1);
    }
    return ofp;
}

/* What one slot of a batch carries. */
enum pkt_kind { PK_BCAST, PK_ARRIVAL, PK_UCAST };

/* A batch of frames and everything needed to run it: packets are built
 * once and only their MACs and metadata change between runs.  'results'
 * are reused across batches, as the datapath reuses them. */
struct batch {
    size_t size, n;
    struct packet *pkts;
    const struct packet **ptrs;
    struct flow *md;
    struct xlate_result *results;
    enum pkt_kind *kind;
};

static void batch_init(struct batch *b, size_t size)
{
    uint8_t frame[60];
    build_frame(frame, bcast_mac, local_mac);
    b->size = size;
    b->n = 0;
    b->pkts = xcalloc(size, sizeof *b->pkts);
    b->ptrs = xcalloc(size, sizeof *b->ptrs);
    b->md = xcalloc(size, sizeof *b->md);
    b->results = xcalloc(size, sizeof *b->results);
    b->kind = xcalloc(size, sizeof *b->kind);
    for (size_t i = 0; i < size; i++) {
        packet_init(&b->pkts[i], frame, sizeof frame);
        b->ptrs[i] = &b->pkts[i];
        xlate_result_init(&b->results[i]);
    }
}

static void batch_uninit(struct batch *b)
{
    for (size_t i = 0; i < b->size; i++) {
        packet_uninit(&b->pkts[i]);
        xlate_result_uninit(&b->results[i]);
    }
    free(b->pkts);
    free(b->ptrs);
    free(b->md);
    free(b->results);
    free(b->kind);
}

/* Appends a frame of 'kind' for remote MAC number 'i'. */
static void batch_add(struct batch *b, enum pkt_kind kind, uint32_t i)
{
    size_t j = b->n++;
    uint8_t *eth = packet_data(&b->pkts[j]);
    struct flow *md = &b->md[j];
    memset(md, 0, sizeof *md);
    b->kind[j] = kind;
    switch (kind) {
    case PK_BCAST:
        memcpy(eth, bcast_mac, 6);
        memcpy(eth + 6, local_mac, 6);
        md->in_port = PORT_PATCH;
        break;
    case PK_ARRIVAL:
        memcpy(eth, bcast_mac, 6);
        remote_mac(i, eth + 6);
        md->in_port = i & 1 ? PORT_VX14 : PORT_VX13;
        md->tun_id = VNI;
        md->tun_src = i & 1 ? 0xc0a8210e : 0xc0a8210d;
        md->tun_dst = 0xc0a8210c; /* 192.168.33.12 */
        break;
    case PK_UCAST:
        remote_mac(i, eth);
        memcpy(eth + 6, local_mac, 6);
        md->in_port = PORT_PATCH;
        break;
    }
}

struct mix_counts {
    uint64_t bcast, arrival, ucast, outputs, ucast_flooded;
};

/* Runs the batch's frames, with ofproto_execute_batch() or, when the
 * batch size is 1, ofproto_execute() (the single-packet path), and
 * counts what came out. */
static void batch_run(struct ofproto *ofp, struct batch *b,
                      struct mix_counts *c)
{
    if (b->size == 1) {
        ofproto_execute(ofp, b->ptrs[0], &b->md[0], true, &b->results[0]);
    } else {
        ofproto_execute_batch(ofp, b->ptrs, b->md, b->n, b->results);
    }
    for (size_t j = 0; j < b->n; j++) {
        size_t n = b->results[j].n_outputs;
        c->outputs += n;
        switch (b->kind[j]) {
        case PK_BCAST:
            c->bcast++;
            break;
        case PK_ARRIVAL:
            c->arrival++;
            break;
        case PK_UCAST:
            /* A learned MAC goes to one tunnel; two means it flooded. */
            c->ucast_flooded += n != 1;
            c->ucast++;
            break;
        }
    }
    b->n = 0;
}

/* One br-tun with its learned MACs and the state of its traffic, so that
 * 'pipeline' can run one and 'scaling' two side by side. */
struct pipe {
    struct ofproto *ofp;
    uint64_t n_macs;
    struct batch b;
    uint64_t rng;        /* The traffic's generator. */
    struct mix_counts c; /* Traffic only. */
    size_t learned;      /* Flows the learning phase added. */
    double bytes_per_flow, learn_per_s;
};

/* Builds br-tun and lets table 2's learn install 'n_macs' flows. */
static void pipe_setup(struct pipe *pp, uint64_t n_macs, size_t batch_size)
{
    memset(pp, 0, sizeof *pp);
    pp->ofp = make_br_tun();
    pp->n_macs = n_macs;
    pp->rng = 0x853c49e6748fea9bULL;
    size_t flows0 = ofproto_n_flows(pp->ofp);
    struct batch *b = &pp->b;
    batch_init(b, batch_size);
    struct mix_counts learn_counts;
    memset(&learn_counts, 0, sizeof learn_counts);

    /* One batch of broadcasts first (they learn nothing), so that the
     * results' buffers are allocated before the heap is measured. */
    for (size_t j = 0; j < b->size; j++) {
        batch_add(b, PK_BCAST, 0);
    }
    batch_run(pp->ofp, b, &learn_counts);

    /* Learning: one tunnel arrival per remote MAC, alternating tunnels.
     * The heap delta over this phase is what N learned flows cost. */
    size_t heap0 = bench_heap_bytes();
    uint64_t t0 = bench_now_ns();
    for (uint32_t i = 0; i < n_macs; i++) {
        batch_add(b, PK_ARRIVAL, i);
        if (b->n == b->size || i + 1 == n_macs) {
            batch_run(pp->ofp, b, &learn_counts);
        }
    }
    uint64_t t1 = bench_now_ns();
    size_t heap1 = bench_heap_bytes();
    pp->learned = ofproto_n_flows(pp->ofp) - flows0;
    /* 0 when the allocator does not report (ASan builds). */
    pp->bytes_per_flow = pp->learned && heap1 > heap0
                             ? (double)(heap1 - heap0) / (double)pp->learned
                             : 0;
    pp->learn_per_s = (double)n_macs / ((double)(t1 - t0) / 1e9);
}

/* Runs 'n' packets of traffic: 1 in 8 broadcast from the patch port, 1 in
 * 8 a tunnel arrival from a known MAC (learn refreshes it), the rest
 * unicast from the patch port to a random learned MAC. */
static void pipe_traffic(struct pipe *pp, uint64_t n)
{
    struct batch *b = &pp->b;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t r = bench_random(&pp->rng);
        uint32_t i = (uint32_t)((r >> 8) % pp->n_macs);
        batch_add(b,
                  (r & 7) == 0   ? PK_BCAST
                  : (r & 7) == 1 ? PK_ARRIVAL
                                 : PK_UCAST,
                  i);
        if (b->n == b->size || k + 1 == n) {
            batch_run(pp->ofp, b, &pp->c);
        }
    }
}

static void pipe_teardown(struct pipe *pp)
{
    batch_uninit(&pp->b);
    ofproto_destroy(pp->ofp);
}

int bench_pipeline(int argc, char *argv[])
{
    uint64_t n_macs = 100000, n_packets = 5000000, batch_size = 32;
    uint64_t huge = 1;
    struct bench_opt opts[] = {
        { "macs", &n_macs, 50000000 },
        { "packets", &n_packets, UINT64_MAX },
        { "batch", &batch_size, 256 },
        { "huge", &huge, 1 },
    };
    if (bench_parse_opts(argc, argv, opts, ARRAY_SIZE(opts))) {
        return -1;
    }
    /* --huge 0: big indexes and rules from malloc, for comparison. */
    sw_huge_enable(huge != 0);
    n_macs = SW_MAX(n_macs, 1);
    batch_size = SW_MAX(batch_size, 1);

    struct pipe pp;
    pipe_setup(&pp, n_macs, batch_size);
    uint64_t t2 = bench_now_ns(), cpu2 = bench_cpu_ns();
    pipe_traffic(&pp, n_packets);
    uint64_t t3 = bench_now_ns(), cpu3 = bench_cpu_ns();
    double secs = (double)(t3 - t2) / 1e9;
    double cpu_secs = (double)(cpu3 - cpu2) / 1e9;
    const struct mix_counts *c = &pp.c;

    printf(
        "bench=pipeline macs=%llu learned=%zu packets=%llu batch=%llu "
        "huge=%d "
        "pps=%.0f ns_per_pkt=%.1f cpu_pps=%.0f bytes_per_flow=%.1f "
        "learn_per_s=%.0f bcast=%llu ucast=%llu arrivals=%llu "
        "outputs=%llu ucast_flooded=%llu\n",
        (unsigned long long)n_macs, pp.learned, (unsigned long long)n_packets,
        (unsigned long long)batch_size, huge != 0, (double)n_packets / secs,
        (double)(t3 - t2) / (double)n_packets,
        cpu_secs > 0 ? (double)n_packets / cpu_secs : 0, pp.bytes_per_flow,
        pp.learn_per_s, (unsigned long long)c->bcast,
        (unsigned long long)c->ucast, (unsigned long long)c->arrival,
        (unsigned long long)c->outputs, (unsigned long long)c->ucast_flooded);
    pipe_teardown(&pp);
    return 0;
}

/* 'scaling': the same traffic through a bridge with --small learned MACs
 * and one with --large, in one process, in alternating rounds.  The
 * machine's speed drifts over seconds (docs/performance.md: the same run
 * lands at 4 or 5.5 M pps), and rounds a second apart see the same
 * machine, so their ratio is steadier than that of two separate runs. */
int bench_scaling(int argc, char *argv[])
{
    uint64_t small = 1000, large = 1000000, rounds = 10;
    uint64_t per_round = 1000000, batch_size = 32;
    struct bench_opt opts[] = {
        { "small", &small, 50000000 }, { "large", &large, 50000000 },
        { "rounds", &rounds, 1000 },   { "packets", &per_round, UINT64_MAX },
        { "batch", &batch_size, 256 },
    };
    if (bench_parse_opts(argc, argv, opts, ARRAY_SIZE(opts))) {
        return -1;
    }
    small = SW_MAX(small, 1);
    large = SW_MAX(large, 1);
    rounds = SW_MAX(rounds, 1);
    per_round = SW_MAX(per_round, 1);
    batch_size = SW_MAX(batch_size, 1);

    struct pipe pp[2];
    pipe_setup(&pp[0], small, batch_size);
    pipe_setup(&pp[1], large, batch_size);
    /* A first round each, untimed: the tables' memory gets touched once
     * after the other bridge's setup. */
    pipe_traffic(&pp[0], per_round);
    pipe_traffic(&pp[1], per_round);
    memset(&pp[0].c, 0, sizeof pp[0].c);
    memset(&pp[1].c, 0, sizeof pp[1].c);

    uint64_t ns[2] = { 0, 0 };
    double rmin = 0, rmax = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        uint64_t t[2];
        /* Small then large, then large then small (ABBA): a drift
         * during a round favours neither. */
        for (int j = 0; j < 2; j++) {
            int k = (int)(r & 1) ^ j;
            uint64_t t0 = bench_now_ns();
            pipe_traffic(&pp[k], per_round);
            t[k] = bench_now_ns() - t0;
            ns[k] += t[k];
        }
        /* Rate ratio of this round: large over small. */
        double ratio = (double)t[0] / (double)t[1];
        rmin = r ? SW_MIN(rmin, ratio) : ratio;
        rmax = r ? SW_MAX(rmax, ratio) : ratio;
    }
    double pkts = (double)(rounds * per_round);
    double pps[2] = { pkts / ((double)ns[0] / 1e9),
                      pkts / ((double)ns[1] / 1e9) };
    printf(
        "bench=scaling small=%llu large=%llu learned_small=%zu "
        "learned_large=%zu rounds=%llu packets=%llu batch=%llu "
        "small_pps=%.0f large_pps=%.0f ratio=%.3f ratio_min=%.3f "
        "ratio_max=%.3f ucast_flooded=%llu\n",
        (unsigned long long)small, (unsigned long long)large, pp[0].learned,
        pp[1].learned, (unsigned long long)rounds,
        (unsigned long long)per_round, (unsigned long long)batch_size, pps[0],
        pps[1], pps[1] / pps[0], rmin, rmax,
        (unsigned long long)(pp[0].c.ucast_flooded + pp[1].c.ucast_flooded));
    pipe_teardown(&pp[0]);
    pipe_teardown(&pp[1]);
    return 0;
}

int bench_flowmod(int argc, char *argv[])
{
    uint64_t n_flows = 100000;
    struct bench_opt opts[] = {
        { "flows", &n_flows, 50000000 },
    };
    if (bench_parse_opts(argc, argv, opts, ARRAY_SIZE(opts))) {
        return -1;
    }

    struct ofproto *ofp = make_br_tun();
    size_t flows0 = ofproto_n_flows(ofp);
    uint64_t parse_ns = 0, apply_ns = 0;
    char text[160];
    for (uint32_t i = 0; i < n_flows; i++) {
        uint8_t mac[6];
        remote_mac(i, mac);
        snprintf(text, sizeof text,
                 "table=20,priority=1,hard_timeout=300,"
                 "dl_dst=%02x:%02x:%02x:%02x:%02x:%02x,"
                 "actions=load:0x%x->NXM_NX_TUN_ID[],output:%d",
                 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], VNI,
                 i & 1 ? PORT_VX14 : PORT_VX13);
        struct flow_mod fm;
        flow_mod_init(&fm, FM_ADD);
        uint64_t t0 = bench_now_ns();
        char *err =
            flow_mod_parse(&fm, text, FM_PARSE_ADD, ofproto_portmap(ofp));
        uint64_t t1 = bench_now_ns();
        if (err) {
            fprintf(stderr, "swbench: %s: %s\n", text, err);
            exit(1);
        }
        if (ofproto_flow_mods(ofp, &fm, 1, &err)) {
            fprintf(stderr, "swbench: %s: %s\n", text, err ? err : "?");
            exit(1);
        }
        uint64_t t2 = bench_now_ns();
        parse_ns += t1 - t0;
        apply_ns += t2 - t1;
        flow_mod_uninit(&fm);
    }
    size_t added = ofproto_n_flows(ofp) - flows0;
    double total = (double)(parse_ns + apply_ns) / 1e9;
    printf("bench=flowmod flows=%llu added=%zu adds_per_s=%.0f "
           "parse_ns=%.0f apply_ns=%.0f\n",
           (unsigned long long)n_flows, added,
           total > 0 ? (double)n_flows / total : 0,
           (double)parse_ns / (double)n_flows,
           (double)apply_ns / (double)n_flows);
    ofproto_destroy(ofp);
    return 0;
}
