/* libFuzzer target for the pipeline under flows a client chose: what
 * "swofctl add-flows" followed by traffic can make the daemon do.
 *
 * Unlike fuzz-packet (the article's fixed flows), here the flows come
 * from the input too.  The input is cut at NUL bytes into up to three
 * parts:
 *
 *   1. flows to add, one per line (flow_mods_parse_text, as add-flows);
 *   2. a packet: 1 byte N, then N + 1 bytes: 1 byte picking the
 *      in_port and the Ethernet frame (then one separator byte);
 *   3. optional: 1 byte picking modify / delete / strict delete, then
 *      flows in that mode, applied after the packet ran.
 *
 * Each input gets fresh bridges: br0 (ports 1, 2, 3, 5 and patch port 4
 * to br1) and br1 (NORMAL, patch port 1 back).  The packet runs without
 * side effects, twice with them (so learned flows are hit) and under
 * trace; then the flows are changed and the packet runs again.  Oracles
 * beyond memory safety: every flow in every table (learned ones too)
 * prints as text that parses back to the same match, priority and
 * actions, so dump-flows output can always be fed back to add-flows; the
 * flow limit holds; a run without side effects changes no flow; every
 * output names a real bridge; the monitor sees every flow change with a
 * printable flow. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "clock.h"
#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLOW_LIMIT 200

static struct ofproto *br0, *br1;

static void print_and_reparse(const struct flow_print *fp, void *aux_)
{
    const struct portmap *map = aux_;
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct flow_print copy = *fp;
    copy.show_stats = false;
    flow_print_format(&copy, map, &ds);

    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, ds_cstr(&ds), FM_PARSE_ADD, map);
    if (err) {
        abort(); /* dump-flows printed a flow add-flows refuses. */
    }
    if (!match_equal(fp->match, &fm.match) || fm.priority != fp->priority
        || fm.table_id != fp->table_id
        || !ofpacts_equal(fp->ofpacts, fp->ofpacts_len,
                          (const struct ofpact *)(const void *)fm.ofpacts.data,
                          fm.ofpacts.size)) {
        abort(); /* ... or text that means another flow. */
    }
    flow_mod_uninit(&fm);
    ds_destroy(&ds);
}

static void monitor_cb(const struct ofproto_flow_change *c, void *aux)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_print_format(c->flow, ofproto_portmap(c->ofproto), &ds);
    ds_destroy(&ds);
    (void)aux;
}

static void packet_in_cb(const struct ofproto_packet_in *pi, void *aux)
{
    unsigned *n = aux;
    if (pi->len && !pi->packet) {
        abort();
    }
    (*n)++;
}

static void trace_cb(const struct xlate_event *e, void *aux)
{
    (void)aux;
    if (e->type == XE_TABLE && e->rule) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        flow_print_format(e->rule, NULL, &ds);
        ds_destroy(&ds);
    }
}

static void check_tables(void)
{
    ofproto_dump_flows(br0, NULL, false, print_and_reparse,
                       (void *)ofproto_portmap(br0));
    ofproto_dump_flows(br1, NULL, false, print_and_reparse,
                       (void *)ofproto_portmap(br1));
    if (ofproto_n_flows(br0) > FLOW_LIMIT) {
        abort();
    }
}

static void check_result(const struct xlate_result *res)
{
    for (size_t i = 0; i < res->n_outputs; i++) {
        const struct xlate_output *o = &res->outputs[i];
        if (o->ofproto != br0 && o->ofproto != br1) {
            abort();
        }
        if (o->packet.len && !o->packet.base) {
            abort();
        }
    }
    if (!res->n_outputs && !res->drop_reason) {
        abort();
    }
}

static void build(unsigned *n_packet_in)
{
    br0 = ofproto_create("br0");
    ofproto_port_add(br0, 1, "p1");
    ofproto_port_add(br0, 2, "p2");
    ofproto_port_add(br0, 3, "p3");
    ofproto_port_add(br0, 4, "patch0");
    ofproto_port_add(br0, 5, "vxlan0");
    ofproto_set_flow_limit(br0, FLOW_LIMIT);
    ofproto_set_mac_aging(br0, 0, 32);
    br1 = ofproto_create("br1");
    ofproto_port_add(br1, 1, "patch1");
    ofproto_port_add(br1, 2, "tap0");
    ofproto_set_flow_limit(br1, FLOW_LIMIT);
    ofproto_set_mac_aging(br1, 0, 32);
    ofproto_port_set_patch(br0, 4, br1, 1);
    ofproto_port_set_patch(br1, 1, br0, 4);
    ofproto_set_packet_in_cb(br0, packet_in_cb, n_packet_in);
    ofproto_set_packet_in_cb(br1, packet_in_cb, n_packet_in);
    ofproto_set_flow_monitor_cb(br0, monitor_cb, NULL);

    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    if (flow_mod_parse(&fm, "priority=0,actions=NORMAL", FM_PARSE_ADD, NULL)) {
        abort();
    }
    char *err = NULL;
    if (ofproto_flow_mods(br1, &fm, 1, &err)) {
        abort();
    }
    flow_mod_uninit(&fm);
}

/* Applies 'text' in 'mode' to br0.  A refusal is fine, a crash is not. */
static void apply(const char *text, enum fm_parse_mode mode, bool strict)
{
    struct flow_mod *fms;
    size_t n;
    char *err =
        flow_mods_parse_text(text, mode, ofproto_portmap(br0), &fms, &n);
    if (err) {
        free(err);
        return;
    }
    if (strict) {
        for (size_t i = 0; i < n; i++) {
            fms[i].command = fms[i].command == FM_DELETE ? FM_DELETE_STRICT
                                                         : FM_MODIFY_STRICT;
        }
    }
    size_t before = ofproto_n_flows(br0);
    err = NULL;
    int error = ofproto_flow_mods(br0, fms, n, &err);
    if (error) {
        if (!err || ofproto_n_flows(br0) != before) {
            abort(); /* All or nothing, and say why. */
        }
        free(err);
    } else if (err) {
        abort();
    }
    flow_mods_free(fms, n);
}

static void run_packet(const uint8_t *frame, size_t len, uint16_t in_port)
{
    struct packet pkt;
    packet_init(&pkt, frame, len);
    struct flow md;
    memset(&md, 0, sizeof md);
    md.in_port = in_port;
    md.tun_id = in_port == 5 ? 0x64 : 0;
    struct xlate_result res;
    xlate_result_init(&res);

    size_t n0 = ofproto_n_flows(br0), n1 = ofproto_n_flows(br1);
    ofproto_execute(br0, &pkt, &md, false, &res);
    check_result(&res);
    if (ofproto_n_flows(br0) != n0 || ofproto_n_flows(br1) != n1) {
        abort();
    }
    for (int i = 0; i < 2; i++) {
        xlate_result_clear(&res);
        ofproto_execute(br0, &pkt, &md, true, &res);
        check_result(&res);
    }
    xlate_result_clear(&res);
    ofproto_execute_trace(br0, &pkt, &md, false, &res, trace_cb, NULL);
    check_result(&res);

    xlate_result_uninit(&res);
    packet_uninit(&pkt);
}

static const uint16_t in_ports[] = { 1, 2, 3, 4, 5, 9, OFPP_LOCAL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool clock_set;
    if (!clock_set) {
        clock_fake_set(1000000);
        clock_set = true;
    }
    if (size > 8192) {
        return 0;
    }
    char *copy = xmalloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';

    /* Cut into parts at NUL bytes. */
    const char *part[3] = { copy, NULL, NULL };
    size_t part_len[3] = { strlen(copy), 0, 0 };
    size_t used = part_len[0];
    for (int i = 1; i < 3 && used < size; i++) {
        part[i] = copy + used + 1;
        /* The frame (part 2) is binary: it takes a length byte. */
        if (i == 1) {
            size_t rest = size - used - 1;
            size_t len = rest ? (size_t)(uint8_t)part[1][0] + 2 : 0;
            part_len[1] = len < rest ? len : rest;
        } else {
            part_len[i] = strlen(part[i]);
        }
        used += 1 + part_len[i];
    }

    unsigned n_packet_in = 0;
    build(&n_packet_in);
    apply(part[0], FM_PARSE_ADD, false);
    check_tables();

    if (part[1] && part_len[1] >= 2) {
        const uint8_t *frame = (const uint8_t *)part[1] + 2;
        size_t len = part_len[1] - 2;
        uint16_t in_port = in_ports[(uint8_t)part[1][1]
                                    % (sizeof in_ports / sizeof in_ports[0])];
        run_packet(frame, len, in_port);
        check_tables();

        if (part[2] && *part[2]) {
            static const enum fm_parse_mode modes[] = {
                FM_PARSE_MODIFY,
                FM_PARSE_DELETE,
                FM_PARSE_DELETE,
                FM_PARSE_MODIFY,
            };
            unsigned m = (uint8_t)part[2][0] % 4;
            apply(part[2] + 1, modes[m], m >= 2);
            check_tables();
            run_packet(frame, len, in_port);
        }
        clock_fake_advance(61 * 1000);
        ofproto_run(br0);
        ofproto_run(br1);
        check_tables();
    }

    ofproto_destroy(br0);
    ofproto_destroy(br1);
    br0 = br1 = NULL;
    free(copy);
    return 0;
}
