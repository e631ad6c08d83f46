/* libFuzzer target for the packet path: a frame from the wire (a tap or
 * a VXLAN tunnel) through flow_extract() and the article's two bridges.
 *
 * The bridges are built once: br-tun with the article's nine flows
 * (patch-tun 1, vxlan0 5, vxlan1 6) and br-int with one NORMAL flow
 * (patch-int 1, taps 2 and 3), the patch pair joining them.  Each input
 * is
 *
 *   2 bytes  selector: bit 0 picks the bridge, the rest the in_port
 *   8 bytes  tun_id (big endian), as a VXLAN port would set it
 *   rest     the Ethernet frame
 *
 * and runs with side effects (so br-tun learns and br-int's MAC table
 * fills) and without.  Besides memory safety the target checks what
 * must hold whatever the frame says: neither bridge rewrites a header,
 * so every output is the input frame byte for byte; nothing is sent back
 * out of the port it came in on; flow_extract() leaves the metadata
 * alone and is deterministic; a run without side effects changes no
 * flow count.  Learned state is bounded (flow limit, MAC table size)
 * and the bridges are rebuilt every REBUILD_EVERY inputs so one input's
 * leftovers cannot hide the next one's behaviour for long. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "clock.h"
#include "flow.h"
#include "ofproto.h"
#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REBUILD_EVERY 256
#define FLOW_LIMIT 64
#define HDR_LEN 10

static const char *const br_int_flows[] = {
    "priority=0,actions=NORMAL",
};

static struct ofproto *br_tun, *br_int;
static unsigned runs;

static void build(void)
{
    if (br_tun) {
        ofproto_destroy(br_int);
        ofproto_destroy(br_tun);
    }
    char *err = NULL;
    br_tun = article_br_tun_create(&err);
    if (!br_tun) {
        abort(); /* The article's flows must install. */
    }
    ofproto_set_flow_limit(br_tun, FLOW_LIMIT);

    br_int = ofproto_create("br-int");
    ofproto_port_add(br_int, 1, "patch-int");
    ofproto_port_add(br_int, 2, "tap0");
    ofproto_port_add(br_int, 3, "tap1");
    if (article_add_flows(br_int, br_int_flows,
                          sizeof br_int_flows / sizeof br_int_flows[0])) {
        abort();
    }
    ofproto_set_flow_limit(br_int, FLOW_LIMIT);
    ofproto_set_mac_aging(br_int, 0, 32);

    ofproto_port_set_patch(br_tun, 1, br_int, 1);
    ofproto_port_set_patch(br_int, 1, br_tun, 1);
}

/* The ports a frame can arrive on, and two it cannot (unknown, LOCAL). */
static const uint16_t in_ports[] = { 1, 2, 3, 5, 6, 7, OFPP_LOCAL };

static void check_outputs(const struct ofproto *p, uint16_t in_port,
                          const struct xlate_result *res, const uint8_t *frame,
                          size_t len)
{
    for (size_t i = 0; i < res->n_outputs; i++) {
        const struct xlate_output *o = &res->outputs[i];
        if (o->packet.len != len
            || (len && memcmp(packet_data(&o->packet), frame, len))) {
            abort(); /* No flow here rewrites a header. */
        }
        if (o->ofproto == p && o->port == in_port) {
            abort(); /* Never back out of the ingress port. */
        }
        if (o->ofproto != br_tun && o->ofproto != br_int) {
            abort();
        }
    }
    if (!res->n_outputs && !res->drop_reason) {
        abort(); /* A drop always says why. */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!br_tun) {
        clock_fake_set(1000000);
        build();
    }
    if (size < HDR_LEN || size > 65535 + HDR_LEN) {
        return 0;
    }
    if (++runs % REBUILD_EVERY == 0) {
        build();
    }

    unsigned sel = (unsigned)data[0] << 8 | data[1];
    struct ofproto *p = sel & 1 ? br_int : br_tun;
    size_t pi = (sel >> 1) % (sizeof in_ports / sizeof in_ports[0]);
    uint16_t in_port = in_ports[pi];
    uint64_t tun_id = 0;
    for (int i = 0; i < 8; i++) {
        tun_id = tun_id << 8 | data[2 + i];
    }
    const uint8_t *frame = data + HDR_LEN;
    size_t len = size - HDR_LEN;

    /* flow_extract(): metadata kept, deterministic. */
    struct flow md, f1, f2;
    memset(&md, 0, sizeof md);
    md.in_port = in_port;
    md.tun_id = tun_id;
    if (in_port == 5 || in_port == 6) {
        md.tun_src = in_port == 5 ? 0xc0a8210d : 0xc0a8210e;
        md.tun_dst = 0xc0a8210c;
    }
    f1 = md;
    flow_extract(frame, len, &f1);
    if (f1.in_port != md.in_port || f1.tun_id != md.tun_id
        || f1.tun_src != md.tun_src || f1.tun_dst != md.tun_dst
        || memcmp(&f1, &md, FLOW_HEADERS_OFS)) {
        abort();
    }
    memset(&f2, 0xa5, sizeof f2); /* Stale header fields must be cleared. */
    memcpy(&f2, &md, FLOW_HEADERS_OFS); /* The metadata, as flow.h says. */
    flow_extract(frame, len, &f2);
    if (memcmp(&f1, &f2, sizeof f1)) {
        abort();
    }

    struct packet pkt;
    packet_init(&pkt, frame, len);
    struct xlate_result res;
    xlate_result_init(&res);

    /* Without side effects first: nothing may change. */
    size_t n_tun = ofproto_n_flows(br_tun), n_int = ofproto_n_flows(br_int);
    ofproto_execute(p, &pkt, &md, false, &res);
    check_outputs(p, in_port, &res, frame, len);
    if (ofproto_n_flows(br_tun) != n_tun || ofproto_n_flows(br_int) != n_int) {
        abort();
    }
    size_t n_dry = res.n_outputs;

    /* The real thing: learns, counts, fills the MAC table. */
    xlate_result_clear(&res);
    ofproto_execute(p, &pkt, &md, true, &res);
    check_outputs(p, in_port, &res, frame, len);
    if (ofproto_n_flows(br_tun) > FLOW_LIMIT
        || ofproto_n_flows(br_int) > FLOW_LIMIT) {
        abort();
    }
    (void)n_dry;

    /* And once more through the batch entry point, twice in one batch. */
    const struct packet *pkts[2] = { &pkt, &pkt };
    struct flow mds[2] = { md, md };
    struct xlate_result results[2];
    xlate_result_init(&results[0]);
    xlate_result_init(&results[1]);
    ofproto_execute_batch(p, pkts, mds, 2, results);
    check_outputs(p, in_port, &results[0], frame, len);
    check_outputs(p, in_port, &results[1], frame, len);
    xlate_result_uninit(&results[0]);
    xlate_result_uninit(&results[1]);

    /* Let time pass now and then so hard timeouts and MAC ageing run. */
    if (data[0] == 0xff) {
        clock_fake_advance(301 * 1000);
        ofproto_run(br_tun);
        ofproto_run(br_int);
    }

    xlate_result_uninit(&res);
    packet_uninit(&pkt);
    return 0;
}
