/* libFuzzer target for "swofctl trace"'s packet description
 * (lib/trace.h): the flow text and hex frame a client sends the daemon.
 *
 * The input is cut at its first NUL byte: before it the flow text, after
 * it (if there is a NUL) the packet hex.  trace_parse_flow() gets the
 * whole text, trace_parse_packet() both parts.  A packet that parses is
 * traced through the article's br-tun without side effects and rendered
 * as text and JSON, as the daemon's "trace" method does.  Oracles beyond
 * memory safety: a refused description says why; a packet built from
 * the flow text (no hex) is a frame that flow_extract() reads back into
 * a flow that composes to the very same bytes (trace must show the
 * packet the pipeline sees); a trace that was not truncated reports one
 * output per packet the pipeline sent. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "ds.h"
#include "flow.h"
#include "ofproto.h"
#include "packet.h"
#include "trace.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Besides the article's flows, two that rewrite, so XE_FIELDS steps are
 * rendered too. */
static const char *const extra_flows[] = {
    "table=0,priority=2,in_port=7,ip actions=dec_ttl,mod_dl_src:"
    "00:00:00:00:00:07,set_field:9->tun_id,resubmit(,21)",
    "table=0,priority=2,in_port=8 actions=push_vlan:0x8100,"
    "mod_vlan_vid:10,controller,output:5",
};

static struct ofproto *br_tun;

static bool tunnel_info(const struct ofproto *p, uint16_t port,
                        struct trace_port_info *info, void *aux)
{
    (void)p;
    (void)aux;
    if (port != 5 && port != 6) {
        return false;
    }
    strcpy(info->type, "vxlan");
    info->tunnel = true;
    info->cfg.key_flow = port == 6;
    info->cfg.remote_ip = port == 5 ? 0xc0a8210d : 0xc0a8210e;
    return true;
}

static void build(void)
{
    char *err = NULL;
    br_tun = article_br_tun_create(&err);
    if (!br_tun) {
        abort();
    }
    ofproto_port_add(br_tun, 7, "tap7");
    ofproto_port_add(br_tun, 8, "tap8");
    if (article_add_flows(br_tun, extra_flows,
                          sizeof extra_flows / sizeof extra_flows[0])) {
        abort();
    }
}

/* A frame built from a flow must read back as a flow that builds a frame
 * reading back the same way: what trace shows is what the pipeline
 * sees.  (Not "the same flow as the text": a flow without dl_type builds
 * an 802.3 frame, which reads back as dl_type 0x05ff, as in OVS.) */
static void check_compose(const struct packet *pkt)
{
    struct flow g1, g2;
    memset(&g1, 0, sizeof g1);
    flow_extract(packet_data(pkt), pkt->len, &g1);
    uint8_t frame[256];
    size_t len = flow_compose(&g1, frame, sizeof frame);
    if (!len) {
        abort();
    }
    memset(&g2, 0, sizeof g2);
    flow_extract(frame, len, &g2);
    if (memcmp(&g1, &g2, sizeof g1)) {
        abort();
    }
}

static void run_trace(const struct packet *pkt, const struct flow *md,
                      size_t max_events)
{
    struct trace_options opts;
    memset(&opts, 0, sizeof opts);
    opts.max_events = max_events;
    opts.port_info = tunnel_info;
    size_t n_flows = ofproto_n_flows(br_tun);
    struct trace *t = trace_run(br_tun, pkt, md, &opts);
    if (ofproto_n_flows(br_tun) != n_flows) {
        abort(); /* A trace without --generate must not learn. */
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    trace_format(t, &ds);
    if (!ds.length) {
        abort();
    }
    json_t *j = trace_to_json(t);
    if (!j) {
        abort();
    }
    char *s = json_dumps(j, JSON_COMPACT);
    if (!s) {
        abort(); /* The daemon could not send this reply. */
    }
    free(s);
    json_decref(j);
    const struct xlate_result *res = trace_result(t);
    if (!res->n_outputs && !res->drop_reason) {
        abort();
    }
    if (max_events && trace_n_steps(t) > max_events) {
        abort();
    }
    ds_destroy(&ds);
    trace_destroy(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!br_tun) {
        build();
    }
    if (size > 8192) {
        return 0;
    }
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const uint8_t *nul = memchr(data, '\0', size);
    const char *hex = nul ? text + (nul - data) + 1 : NULL;

    struct flow f;
    char *err = trace_parse_flow(text, ofproto_portmap(br_tun), &f);
    if (err) {
        if (!*err) {
            abort();
        }
        free(err);
    }

    struct packet pkt;
    struct flow md;
    err = trace_parse_packet(text, hex, ofproto_portmap(br_tun), &pkt, &md);
    if (err) {
        if (!*err) {
            abort();
        }
        free(err);
    } else {
        if (!hex) {
            check_compose(&pkt);
        }
        run_trace(&pkt, &md, 0);
        run_trace(&pkt, &md, 1 + (size & 7));
        packet_uninit(&pkt);
    }
    free(text);
    return 0;
}
