/* swbench storm: a learn storm and the mass expiry after it, in process.
 *
 * The article's br-tun (learned flows live 300 s) receives --macs tunnel
 * arrivals, each from a new source MAC to one unknown destination, in
 * batches of 32 as the receive path hands them over, spread evenly over
 * --seconds of a fake clock (a peer flooding random MACs), with the
 * bridge's flow limit at --limit (0: the default).  Then the clock moves
 * on in 10 ms steps, the daemon's shortest flow timer, calling
 * ofproto_run() until every learned flow expired (they leave at the rate
 * they came).  Prints the CPU cost of one storm packet and of expiring,
 * the most one ofproto_run() call took (what a packet waiting behind it
 * waits), and the calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "bench.h"
#include "clock.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

#define STORM_BATCH 32
#define STORM_HARD_MSEC 300000 /* The article's learn hard_timeout. */

static void storm_frame(uint8_t frame[60], uint64_t i)
{
    memset(frame, 0, 60);
    memset(frame, 0xee, 6);
    frame[0] = 0x02;
    frame[6] = 0x02;
    frame[7] = 0x5a;
    for (int k = 0; k < 4; k++) {
        frame[8 + k] = (uint8_t)(i >> (24 - 8 * k));
    }
    frame[12] = 0x88;
    frame[13] = 0xb5;
}

struct storm {
    struct ofproto *ofp;
    struct packet pkts[STORM_BATCH];
    const struct packet *ptrs[STORM_BATCH];
    struct flow md[STORM_BATCH];
    struct xlate_result res[STORM_BATCH];
    uint64_t sent;
    uint64_t storm_cpu, run_cpu, worst_run, runs;
};

/* Sends storm packets numbered up to 'until' (exclusive). */
static void storm_send(struct storm *s, uint64_t until)
{
    while (s->sent < until) {
        size_t n = (size_t)SW_MIN((uint64_t)STORM_BATCH, until - s->sent);
        for (size_t k = 0; k < n; k++) {
            uint8_t frame[60];
            storm_frame(frame, s->sent + k);
            packet_init(&s->pkts[k], frame, sizeof frame);
        }
        uint64_t t0 = bench_cpu_ns();
        ofproto_execute_batch(s->ofp, s->ptrs, s->md, n, s->res);
        s->storm_cpu += bench_cpu_ns() - t0;
        for (size_t k = 0; k < n; k++) {
            packet_uninit(&s->pkts[k]);
        }
        s->sent += n;
    }
}

/* The daemon's flow timer at 't': ofproto_run(), and again at once
 * while a pass is unfinished. */
static void storm_run(struct storm *s, int64_t t)
{
    do {
        uint64_t t0 = bench_cpu_ns();
        ofproto_run(s->ofp);
        uint64_t d = bench_cpu_ns() - t0;
        s->run_cpu += d;
        s->worst_run = SW_MAX(s->worst_run, d);
        s->runs++;
    } while (ofproto_next_timeout(s->ofp) <= t && s->runs < 100000000);
}

static uint64_t expired(const struct ofproto *ofp)
{
    struct ofproto_stats st;
    ofproto_get_stats(ofp, &st);
    return st.n_expired;
}

int bench_storm(int argc, char *argv[])
{
    uint64_t n_macs = 1000000, seconds = 20, limit = 0;
    struct bench_opt opts[] = {
        { "macs", &n_macs, 16000000 },
        { "seconds", &seconds, 3600 },
        { "limit", &limit, 50000000 },
    };
    if (bench_parse_opts(argc, argv, opts, ARRAY_SIZE(opts))) {
        return -1;
    }
    char *err = NULL;
    clock_fake_set(0);
    struct ofproto *ofp = article_br_tun_create(&err);
    if (!ofp) {
        fprintf(stderr, "swbench: br-tun: %s\n", err);
        exit(1);
    }
    if (limit) {
        ofproto_set_flow_limit(ofp, limit);
    }
    static struct storm s;
    memset(&s, 0, sizeof s);
    s.ofp = ofp;
    for (size_t k = 0; k < STORM_BATCH; k++) {
        xlate_result_init(&s.res[k]);
        s.md[k].in_port = ARTICLE_PORT_VXLAN0;
        s.md[k].tun_id = 100;
        s.md[k].tun_src = 0xc0a8210d;
        s.ptrs[k] = &s.pkts[k];
    }
    size_t base = ofproto_n_flows(ofp);
    seconds = seconds ? seconds : 1;
    /* One timeline in 10 ms steps: the storm, the 300 s the flows live,
     * and their expiry. */
    int64_t storm_end = (int64_t)seconds * 1000;
    size_t learned = 0;
    for (int64_t t = 0; t <= STORM_HARD_MSEC + storm_end + 1000; t += 10) {
        clock_fake_set(t);
        if (t <= storm_end) {
            storm_send(&s, SW_MIN(n_macs, n_macs * (uint64_t)(t + 10)
                                              / (uint64_t)storm_end));
            learned = SW_MAX(learned, ofproto_n_flows(ofp) - base);
        }
        storm_run(&s, t);
    }
    size_t left = ofproto_n_flows(ofp) - base;
    printf("bench=storm macs=%llu seconds=%llu limit=%llu learned=%zu "
           "storm_ns_per_pkt=%.0f expired=%zu run_ms=%.1f "
           "worst_run_ms=%.2f runs=%llu\n",
           (unsigned long long)n_macs, (unsigned long long)seconds,
           (unsigned long long)limit, learned,
           n_macs ? (double)s.storm_cpu / (double)n_macs : 0,
           (size_t)expired(ofp), (double)s.run_cpu / 1e6,
           (double)s.worst_run / 1e6, (unsigned long long)s.runs);
    (void)left;
    for (size_t k = 0; k < STORM_BATCH; k++) {
        xlate_result_uninit(&s.res[k]);
    }
    ofproto_destroy(ofp);
    clock_fake_off();
    return 0;
}
