/* ofctl-ports: swofctl's requests about a bridge's ports and tables
 * (show, dump-ports, dump-tables, stats). */
#include "bridge-ofctl.h"
#include "bridge-private.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "eth-addr.h"
#include "netdev.h"
#include "ofproto.h"
#include "portmap.h"
#include "util.h"

static void
port_mac(const struct bridge_port *p, uint8_t mac[6])
{
    if (p->netdev) {
        netdev_get_etheraddr(p->netdev, mac);
    } else {
        eth_addr_from_name(p->name, mac);
    }
}

/* For an internal port, whether the host has it administratively up and
 * running; other ports are up once they opened. */
static void
port_flags(const struct bridge_port *p, bool *admin_up, bool *link_up)
{
    *admin_up = *link_up = p->netdev != NULL && !p->patch_error;
    if (!p->netdev || strcmp(p->type, "internal")) {
        return;
    }
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, p->name, IFNAMSIZ - 1);
    if (s >= 0 && !ioctl(s, SIOCGIFFLAGS, &ifr)) {
        *admin_up = ifr.ifr_flags & IFF_UP;
        *link_up = ifr.ifr_flags & IFF_RUNNING;
    }
    if (s >= 0) {
        close(s);
    }
}

static int
cmp_port_number(const void *a_, const void *b_)
{
    const struct bridge_port *const *a = a_, *const *b = b_;
    return (*a)->ofport - (*b)->ofport;
}

static struct bridge_port **
sorted_ports(const struct bridge *br)
{
    struct bridge_port **v = xcalloc(br->n_ports + 1, sizeof *v);
    memcpy(v, br->ports, br->n_ports * sizeof *v);
    qsort(v, br->n_ports, sizeof *v, cmp_port_number);
    return v;
}

char *
bridge_ofctl_show(struct bridges *bs, const char *name, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    uint8_t mac[6] = {0};
    struct bridge_port *local = bridge_port_lookup(br, br->name);
    if (local) {
        port_mac(local, mac);
    }
    char *dpid = xasprintf("0000%02x%02x%02x%02x%02x%02x", mac[0], mac[1],
                           mac[2], mac[3], mac[4], mac[5]);
    json_t *ports = json_array();
    struct bridge_port **v = sorted_ports(br);
    for (size_t i = 0; i < br->n_ports; i++) {
        bool admin_up, link_up;
        uint8_t pmac[6];
        port_mac(v[i], pmac);
        port_flags(v[i], &admin_up, &link_up);
        char addr[ETH_ADDR_STRLEN];
        eth_addr_to_str(pmac, addr);
        json_array_append_new(
            ports, json_pack("{s:i, s:s, s:s, s:s, s:b, s:b}", "port",
                             v[i]->ofport, "name", v[i]->name, "type",
                             v[i]->type, "addr", addr, "admin_up", admin_up,
                             "link_up", link_up));
    }
    free(v);
    *resultp = json_pack("{s:s, s:i, s:o}", "dpid", dpid, "n_tables", 254,
                         "ports", ports);
    free(dpid);
    return NULL;
}

/* ---- dump-ports, dump-tables. ---- */

char *
bridge_ofctl_dump_ports(struct bridges *bs, const char *name,
                        const char *port, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    uint16_t want = OFPP_NONE;
    if (port && *port
        && !port_parse(port, ofproto_portmap(br->ofproto), &want)) {
        return xasprintf("%s: unknown port on bridge %s", port, name);
    }
    json_t *ports = json_array();
    struct bridge_port **v = sorted_ports(br);
    /* ovs-ofctl lists LOCAL first. */
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < br->n_ports; i++) {
            struct bridge_port *p = v[i];
            bool is_local = p->ofport == OFPP_LOCAL;
            if (is_local != (pass == 0)
                || (want != OFPP_NONE && p->ofport != want)) {
                continue;
            }
            struct netdev_stats st;
            memset(&st, 0, sizeof st);
            if (p->netdev) {
                netdev_get_stats(p->netdev, &st);
            }
            json_array_append_new(
                ports,
                json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                          "s:I}",
                          "port", p->ofport, "name", p->name, "rx_packets",
                          (json_int_t)st.rx_packets, "rx_bytes",
                          (json_int_t)st.rx_bytes, "rx_dropped",
                          (json_int_t)st.rx_dropped, "rx_errors",
                          (json_int_t)st.rx_errors, "tx_packets",
                          (json_int_t)st.tx_packets, "tx_bytes",
                          (json_int_t)st.tx_bytes, "tx_dropped",
                          (json_int_t)st.tx_dropped, "tx_errors",
                          (json_int_t)st.tx_errors));
        }
    }
    free(v);
    if (want != OFPP_NONE && !json_array_size(ports)) {
        json_decref(ports);
        return xasprintf("%s: no such port on bridge %s", port, name);
    }
    *resultp = json_pack("{s:o}", "ports", ports);
    return NULL;
}

char *
bridge_ofctl_dump_tables(struct bridges *bs, const char *name,
                         json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    json_t *tables = json_array();
    for (int t = 0; t < OFPROTO_N_TABLES; t++) {
        struct ofproto_table_stats st;
        ofproto_table_stats(br->ofproto, (uint8_t)t, &st);
        if (t && !st.active && !st.lookups) {
            continue;
        }
        json_array_append_new(
            tables, json_pack("{s:i, s:I, s:I, s:I}", "table", t, "active",
                              (json_int_t)st.active, "lookup",
                              (json_int_t)st.lookups, "matched",
                              (json_int_t)st.matched));
    }
    *resultp = json_pack("{s:o}", "tables", tables);
    return NULL;
}


/* The entry of 'sockets' for the socket 'st' describes, added if new. */
static json_t *
socket_entry(json_t *sockets, const struct netdev_vxlan_socket_stats *st)
{
    char ip[16];
    ipv4_to_str(st->local_ip, ip);
    size_t i;
    json_t *e;
    json_array_foreach(sockets, i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "local_ip")), ip)
            && json_integer_value(json_object_get(e, "dst_port"))
                   == st->dst_port) {
            return e;
        }
    }
    e = json_pack("{s:s, s:i, s:[], s:I, s:I, s:I, s:I, s:I}", "local_ip",
                  ip, "dst_port", (int)st->dst_port, "ports",
                  "rx_unknown_peer", (json_int_t)st->rx_unknown_peer,
                  "rx_bad_header", (json_int_t)st->rx_bad_header,
                  "rx_wrong_vni", (json_int_t)st->rx_wrong_vni,
                  "rx_truncated", (json_int_t)st->rx_truncated,
                  "rx_overflow", (json_int_t)st->rx_overflow);
    json_array_append_new(sockets, e);
    return e;
}

char *
bridge_ofctl_stats(struct bridges *bs, const char *name, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct ofproto_stats st;
    ofproto_get_stats(br->ofproto, &st);
    json_t *sockets = json_array();
    struct bridge_port **v = sorted_ports(br);
    for (size_t i = 0; i < br->n_ports; i++) {
        struct netdev_vxlan_socket_stats vs;
        if (v[i]->netdev && netdev_vxlan_get_socket_stats(v[i]->netdev,
                                                          &vs)) {
            json_array_append_new(
                json_object_get(socket_entry(sockets, &vs), "ports"),
                json_string(v[i]->name));
        }
    }
    free(v);
    json_t *r = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "bridge",
        br->name, "n_flows", (json_int_t)ofproto_n_flows(br->ofproto),
        "flow_limit", (json_int_t)ofproto_get_flow_limit(br->ofproto),
        "n_evicted", (json_int_t)st.n_evicted, "n_learn_failed",
        (json_int_t)st.n_learn_failed, "n_learn_limited",
        (json_int_t)st.n_learn_limited, "n_add_refused",
        (json_int_t)st.n_add_refused, "n_expired", (json_int_t)st.n_expired,
        "n_depth_exceeded", (json_int_t)st.n_depth_exceeded, "n_packet_in",
        (json_int_t)st.n_packet_in);
    json_object_set_new(r, "vxlan_sockets", sockets);
    *resultp = r;
    return NULL;
}
