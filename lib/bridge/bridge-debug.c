/* bridge-debug: the read-only looking glasses of the bridge layer:
 * fdb-show (NORMAL's MAC table) and trace (one packet through the
 * pipeline, with the ports' tunnel options filled in). */
#include <arpa/inet.h>
#include <string.h>

#include "bridge-private.h"
#include "ds.h"
#include "eth-addr.h"
#include "ofproto.h"
#include "trace.h"
#include "util.h"

/* ---- Port information for trace and capture. ---- */

/* Parses an IPv4 option value into host order; "flow" sets '*flow'. */
static void
info_ip(const char *value, bool *flow, uint32_t *ip)
{
    struct in_addr a;
    if (!value) {
        return;
    }
    if (flow && !strcmp(value, "flow")) {
        *flow = true;
    } else if (inet_pton(AF_INET, value, &a) == 1) {
        *ip = ntohl(a.s_addr);
    }
}

void
bridge_port_info_from_config(const struct config_port *cp,
                             struct trace_port_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->type, sizeof info->type, "%s", cp->type);
    if (strcmp(cp->type, "vxlan")) {
        return;
    }
    /* The options were validated by netdev_check_options() before they
     * reached the configuration, so values that do not parse cannot
     * occur; they would leave the field at its default. */
    info->tunnel = true;
    const char *key = config_port_get_option(cp, "key");
    uint64_t v;
    if (key && !strcmp(key, "flow")) {
        info->key_flow = true;
    } else if (key && str_to_u64(key, 0xffffff, &v)) {
        info->key = v;
    }
    info_ip(config_port_get_option(cp, "remote_ip"), &info->remote_flow,
            &info->remote_ip);
    info_ip(config_port_get_option(cp, "local_ip"), NULL, &info->local_ip);
    const char *dst_port = config_port_get_option(cp, "dst_port");
    info->dst_port = CONFIG_VXLAN_PORT;
    if (dst_port && str_to_u64(dst_port, 65535, &v) && v) {
        info->dst_port = (uint16_t)v;
    }
}

/* trace_port_info_func for every bridge in 'bs_': a trace that crosses a
 * patch asks about ports of the peer bridge too. */
static bool
trace_port_info_cb(const struct ofproto *ofproto, uint16_t port,
                   struct trace_port_info *info, void *bs_)
{
    const struct bridges *bs = bs_;
    const struct bridge *br = bridge_lookup_ofproto(bs, ofproto);
    const struct bridge_port *p = br ? bridge_port_lookup_number(br, port)
                                     : NULL;
    if (!p) {
        return false;
    }
    *info = p->info;
    return true;
}

/* ---- fdb-show. ---- */

static void
fdb_entry_cb(uint16_t port, uint16_t vlan, const uint8_t mac[6],
             int64_t age_sec, void *entries_)
{
    json_t *entries = entries_;
    char macs[ETH_ADDR_STRLEN];
    eth_addr_to_str(mac, macs);
    json_array_append_new(entries,
                          json_pack("{s:i, s:i, s:s, s:I}", "port", port,
                                    "vlan", vlan, "mac", macs, "age",
                                    (json_int_t)age_sec));
}

char *
bridge_ofctl_fdb_show(struct bridges *bs, const char *name,
                      json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    json_t *entries = json_array();
    ofproto_fdb_dump(br->ofproto, fdb_entry_cb, entries);
    *resultp = json_pack("{s:s, s:o}", "bridge", br->name, "entries",
                         entries);
    return NULL;
}

/* ---- trace. ---- */

char *
bridge_ofctl_trace(struct bridges *bs, const char *name,
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
    struct trace *t = trace_run(br->ofproto, &packet, &md, &opts);
    packet_uninit(&packet);

    json_t *j = trace_to_json(t);
    struct ds text = DS_EMPTY_INITIALIZER;
    trace_format(t, &text);
    json_object_set_new(j, "text", json_string(ds_cstr(&text)));
    ds_destroy(&text);
    trace_destroy(t);
    *resultp = j;
    return NULL;
}
