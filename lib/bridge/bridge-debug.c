/* bridge-debug: the read-only looking glasses of the bridge layer:
 * fdb-show (NORMAL's MAC table) and trace (one packet through the
 * pipeline, with the ports' tunnel options filled in). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-private.h"
#include "datapath.h"
#include "ds.h"
#include "netdev.h"
#include "eth-addr.h"
#include "ofproto.h"
#include "portmap.h"
#include "printer.h"
#include "trace.h"
#include "util.h"

/* ---- Port information for trace and capture. ---- */

/* trace_port_info_func for every bridge in 'bs_': a trace that crosses a
 * patch asks about ports of the peer bridge too. */
static bool trace_port_info_cb(const struct ofproto *ofproto, uint16_t port,
                               struct trace_port_info *info, void *bs_)
{
    const struct bridges *bs = bs_;
    const struct bridge *br = bridge_lookup_ofproto(bs, ofproto);
    const struct bridge_port *p =
        br ? bridge_port_lookup_number(br, port) : NULL;
    if (!p) {
        return false;
    }
    *info = p->info;
    return true;
}

/* ---- fdb-show. ---- */

struct fdb_render {
    struct printer *pr;
    struct pr_list list;
};

static void fdb_entry_cb(uint16_t port, uint16_t vlan, const uint8_t mac[6],
                         int64_t age_sec, void *r_)
{
    struct fdb_render *r = r_;
    char macs[ETH_ADDR_STRLEN];
    eth_addr_to_str(mac, macs);
    struct ds num = DS_EMPTY_INITIALIZER;
    port_format(port, NULL, &num);
    pr_list_item(r->pr, &r->list);
    pr_text(r->pr, "%5s", ds_cstr(&num));
    ds_destroy(&num);
    pr_uint(r->pr, "port", "", port);
    pr_uint(r->pr, "vlan", "  %4" PRIu64, vlan);
    pr_str(r->pr, "mac", "  %s", macs);
    pr_uint(r->pr, "age", "  %3" PRIu64 "\n", (uint64_t)age_sec);
}

char *bridge_ofctl_fdb_show(struct bridges *bs, const char *name,
                            const struct ofctl_view *view, json_t **resultp)
{
    char *err;
    struct printer pr;
    struct bridge *br = bridge_read_begin(bs, name, view, &pr, &err);
    if (!br) {
        return err;
    }
    /* ovs-appctl fdb/show's layout. */
    pr_str(&pr, "bridge", "", br->name);
    pr_text(&pr, " port  VLAN  MAC                Age\n");
    struct fdb_render r = { &pr, pr_list_open(&pr, "entries") };
    ofproto_fdb_dump(br->ofproto, fdb_entry_cb, &r);
    pr_list_close(&pr, &r.list);
    *resultp = pr_reply_end(&pr);
    return NULL;
}

char *bridge_ofctl_fdb_flush(struct bridges *bs, const char *name,
                             json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    ofproto_fdb_flush(br->ofproto);
    /* ovs-appctl fdb/flush's answer. */
    *resultp = json_pack("{s:s}", PR_KEY_TEXT, "table successfully flushed\n");
    return NULL;
}

/* ---- dump-dp-flows. ---- */

char *bridge_ofctl_dump_dp_flows(struct bridges *bs, const char *name,
                                 const struct ofctl_view *view,
                                 json_t **resultp)
{
    char *err;
    struct printer pr;
    struct bridge *br = bridge_read_begin(bs, name, view, &pr, &err);
    if (!br) {
        return err;
    }
    /* The text is the entries' lines alone, as ovs-dpctl dump-flows. */
    pr_str(&pr, "bridge", "", br->name);
    pr_str(&pr, "datapath_type", "", br->system ? "system" : "netdev");
    struct pr_list l = pr_list_open(&pr, "flows");
    if (br->system) {
        dp_dump_flows(bs->dp, br->ofproto, &pr, &l);
    }
    pr_list_close(&pr, &l);
    if (br->system) {
        struct dp_stats st;
        dp_get_stats(bs->dp, &st);
        json_t *outer = pr_open(&pr, "stats");
        pr_uint(&pr, "hits", "", st.hits);
        pr_uint(&pr, "misses", "", st.misses);
        pr_uint(&pr, "uncacheable", "", st.uncacheable);
        pr_uint(&pr, "miss_dropped", "", st.miss_too_big + st.miss_lost);
        pr_uint(&pr, "n_flows", "", st.n_flows);
        pr_uint(&pr, "installed", "", st.n_installed);
        pr_uint(&pr, "flushes", "", st.n_flushes);
        pr_uint(&pr, "revalidations", "", st.n_revalidations);
        pr_uint(&pr, "revalidated_out", "", st.n_revalidated_out);
        pr_uint(&pr, "idle_out", "", st.n_idle_out);
        pr_close(&pr, outer);
    }
    *resultp = pr_reply_end(&pr);
    return NULL;
}

/* ---- trace. ---- */

char *bridge_ofctl_trace(struct bridges *bs, const char *name,
                         const char *flow_text, const char *packet_hex,
                         bool generate, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct packet packet;
    struct flow md;
    err = trace_parse_packet(flow_text ? flow_text : "", packet_hex,
                             ofproto_portmap(br->ofproto), &packet, &md);
    if (err) {
        return err;
    }
    struct trace_options opts = {
        .generate = generate,
        .port_info = trace_port_info_cb,
        .port_info_aux = bs,
    };
    /* Asked before the walk, which may learn and so flush the cache. */
    const char *cache =
        br->system ? dp_would_hit(bs->dp, br->ofproto, &packet, &md) : NULL;
    struct trace *t = trace_run(br->ofproto, &packet, &md, &opts);
    packet_uninit(&packet);

    json_t *j = trace_to_json(t);
    struct ds text = DS_EMPTY_INITIALIZER;
    trace_format(t, &text);
    json_object_set_new(j, "datapath_type",
                        json_string(br->system ? "system" : "netdev"));
    if (cache) {
        json_object_set_new(j, "datapath_cache", json_string(cache));
        ds_put_format(&text, "\nDatapath: system, kernel cache %s\n", cache);
    }
    json_object_set_new(j, PR_KEY_TEXT, json_string(ds_cstr(&text)));
    ds_destroy(&text);
    trace_destroy(t);
    *resultp = j;
    return NULL;
}
