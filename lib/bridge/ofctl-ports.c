/* ofctl-ports: swofctl's requests about a bridge's ports and tables
 * (show, dump-ports-desc, dump-ports, dump-tables, stats, mod-port).
 *
 * Each reply has one renderer, written on printer.h: the same calls make
 * the JSON reply and ovs-ofctl 3.1's text (in the OpenFlow version the
 * view asks for), so a key or a line layout lives in one place and
 * swofctl only prints what it gets. */
#include "bridge-ofctl.h"
#include "bridge-private.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "eth-addr.h"
#include "netdev.h"
#include "ofproto.h"
#include "portmap.h"
#include "printer.h"
#include "util.h"

/* " (OF1.3)" after a message name, as ovs-ofctl marks non-1.0 replies. */
static const char *of_tag(const struct ofctl_view *view)
{
    return view->of_version == 13 ? " (OF1.3)" : "";
}

/* ---- A port's description. ---- */

static bool port_has_device(const struct bridge_port *p)
{
    return p->netdev && netdev_is_host_device(p->netdev);
}

static void port_mac(const struct bridge_port *p, uint8_t mac[6])
{
    if (p->netdev) {
        netdev_get_etheraddr(p->netdev, mac);
    } else {
        eth_addr_from_name(p->name, mac);
    }
}

struct port_desc {
    bool admin_up, link_up;
    uint32_t speed_mbps; /* 0: no device, or the device does not say. */
    bool full_duplex;
    bool copper;
};

/* For a port with a Linux device (internal, system), the device's flags
 * and what ethtool says of its link, as ovs-vswitchd reads them; other
 * ports are up once they opened. */
static void port_describe(const struct bridge_port *p, struct port_desc *d)
{
    memset(d, 0, sizeof *d);
    d->admin_up = d->link_up = p->netdev != NULL && !p->patch_error;
    if (!port_has_device(p)) {
        return;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, p->name, IFNAMSIZ - 1);
    if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
        d->admin_up = ifr.ifr_flags & IFF_UP;
        d->link_up = ifr.ifr_flags & IFF_RUNNING;
    }
    struct ethtool_cmd ecmd;
    memset(&ecmd, 0, sizeof ecmd);
    ecmd.cmd = ETHTOOL_GSET;
    ifr.ifr_data = (void *)&ecmd;
    if (!ioctl(s, SIOCETHTOOL, &ifr)) {
        uint32_t speed = ethtool_cmd_speed(&ecmd);
        d->speed_mbps = speed == (uint32_t)SPEED_UNKNOWN ? 0 : speed;
        d->full_duplex = ecmd.duplex == DUPLEX_FULL;
        d->copper = ecmd.port == PORT_TP;
    }
    close(s);
}

/* Here rather than in bridge.c: the state is what swofctl show prints
 * (port_describe()), and bridge.c never calls up into this file. */
bool bridges_iface_state(const struct bridges *bs, const char *iface,
                         bool *admin_up, bool *link_up)
{
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge_port *p = bridge_port_lookup(bs->v[i], iface);
        if (p) {
            if (!p->netdev) {
                return false;
            }
            struct port_desc d;
            port_describe(p, &d);
            *admin_up = d.admin_up;
            *link_up = d.link_up;
            return true;
        }
    }
    return false;
}

/* OpenFlow's name for a link speed ("10GB-FD"), NULL if it has none. */
static const char *speed_feature(uint32_t mbps, bool full)
{
    static const struct {
        uint32_t mbps;
        const char *hd, *fd;
    } speeds[] = {
        { 10, "10MB-HD", "10MB-FD" }, { 100, "100MB-HD", "100MB-FD" },
        { 1000, "1GB-HD", "1GB-FD" }, { 10000, NULL, "10GB-FD" },
        { 40000, NULL, "40GB-FD" },   { 100000, NULL, "100GB-FD" },
        { 1000000, NULL, "1TB-FD" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(speeds); i++) {
        if (speeds[i].mbps == mbps) {
            return full ? speeds[i].fd : speeds[i].hd;
        }
    }
    return mbps ? "OTHER" : NULL;
}

static const char *const config_names[] = {
    "PORT_DOWN", "NO_STP", "NO_RECV",      "NO_RECV_STP",
    "NO_FLOOD",  "NO_FWD", "NO_PACKET_IN",
};

/* The bits OpenFlow 1.1 and later still have: a 1.3 port mod carries
 * only these (OVS leaves the others as they were), and a 1.3 port
 * description shows only these. */
#define OFPPC_OF13_BITS \
    (OFPPC_PORT_DOWN | OFPPC_NO_RECV | OFPPC_NO_FWD | OFPPC_NO_PACKET_IN)

/* "config:" as ovs-ofctl prints it: the names of the bits set (those of
 * the view's OpenFlow version), or 0; in JSON, "config" lists them. */
static void render_port_config(struct printer *pr,
                               const struct ofctl_view *view,
                               const struct bridge_port *p, bool admin_up)
{
    uint32_t config =
        ofproto_port_get_config(p->bridge->ofproto, (uint16_t)p->ofport);
    config |= admin_up ? 0 : OFPPC_PORT_DOWN;
    if (view->of_version != 10) {
        config &= OFPPC_OF13_BITS;
    }
    const char *names[ARRAY_SIZE(config_names)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(config_names); i++) {
        if (config & (1u << i)) {
            names[n++] = config_names[i];
        }
    }
    pr_text(pr, "     config:     %s", n ? "" : "0");
    pr_str_array(pr, "config", "%s", " ", names, n);
    pr_text(pr, "\n");
}

static void render_port_desc(struct printer *pr, const struct ofctl_view *view,
                             const struct bridge_port *p)
{
    struct port_desc d;
    port_describe(p, &d);
    uint8_t mac[6];
    char addr[ETH_ADDR_STRLEN];
    port_mac(p, mac);
    eth_addr_to_str(mac, addr);

    struct ds num = DS_EMPTY_INITIALIZER;
    port_format((uint16_t)p->ofport, NULL, &num);
    pr_text(pr, " %s", ds_cstr(&num));
    ds_destroy(&num);
    pr_uint(pr, "port", "", (uint64_t)p->ofport);
    pr_str(pr, "name", "(%s): ", p->name);
    pr_str(pr, "type", "", p->type);
    pr_str(pr, "addr", "addr:%s\n", addr);
    pr_bool(pr, "admin_up", "", "", "", d.admin_up);
    render_port_config(pr, view, p, d.admin_up);
    pr_bool(pr, "link_up", "     state:      %s\n",
            view->of_version == 13 ? "LIVE" : "0", "LINK_DOWN", d.link_up);
    const char *feature = speed_feature(d.speed_mbps, d.full_duplex);
    if (feature) {
        pr_text(pr, "     current:    %s%s\n", feature,
                d.copper ? " COPPER" : "");
    }
    pr_uint(pr, "speed_mbps", "     speed: %" PRIu64 " Mbps now, 0 Mbps max\n",
            d.speed_mbps);
}

static int cmp_port_number(const void *a_, const void *b_)
{
    const struct bridge_port *const *a = a_, *const *b = b_;
    return (*a)->ofport - (*b)->ofport;
}

/* The bridge's ports by number, so LOCAL (65534) comes last as in
 * ovs-ofctl show. */
static struct bridge_port **sorted_ports(const struct bridge *br)
{
    struct bridge_port **v = xcalloc(br->n_ports + 1, sizeof *v);
    memcpy(v, br->ports, br->n_ports * sizeof *v);
    qsort(v, br->n_ports, sizeof *v, cmp_port_number);
    return v;
}

static void render_ports_desc(struct printer *pr,
                              const struct ofctl_view *view,
                              const struct bridge *br)
{
    struct bridge_port **v = sorted_ports(br);
    struct pr_list l = pr_list_open(pr, "ports");
    for (size_t i = 0; i < br->n_ports; i++) {
        pr_list_item(pr, &l);
        render_port_desc(pr, view, v[i]);
    }
    pr_list_close(pr, &l);
    free(v);
}

char *bridge_ofctl_show(struct bridges *bs, const char *name,
                        const struct ofctl_view *view, bool desc_only,
                        json_t **resultp)
{
    char *err;
    struct printer pr;
    struct bridge *br = bridge_read_begin(bs, name, view, &pr, &err);
    if (!br) {
        return err;
    }
    const char *tag = of_tag(view);
    if (desc_only) {
        pr_text(&pr, "OFPST_PORT_DESC reply%s (xid=0x2):\n", tag);
        render_ports_desc(&pr, view, br);
        *resultp = pr_reply_end(&pr);
        return NULL;
    }
    uint8_t mac[6] = { 0 };
    struct bridge_port *local = bridge_port_lookup(br, br->name);
    if (local) {
        port_mac(local, mac);
    }
    /* other_config:datapath-id, else as OVS: 0000 and the LOCAL MAC. */
    char dpid[17];
    if (br->dpid) {
        snprintf(dpid, sizeof dpid, "%016" PRIx64, br->dpid);
    } else {
        snprintf(dpid, sizeof dpid, "0000%02x%02x%02x%02x%02x%02x", mac[0],
                 mac[1], mac[2], mac[3], mac[4], mac[5]);
    }
    pr_text(&pr, "OFPT_FEATURES_REPLY%s (xid=0x2): ", tag);
    pr_str(&pr, "dpid", "dpid:%s\n", dpid);
    pr_uint(&pr, "n_tables", "n_tables:%" PRIu64 ", ", OFPROTO_N_TABLES - 1);
    pr_uint(&pr, "n_buffers", "n_buffers:%" PRIu64 "\n", 0);
    if (view->of_version == 13) {
        pr_text(&pr, "capabilities: FLOW_STATS TABLE_STATS PORT_STATS "
                     "GROUP_STATS QUEUE_STATS\n"
                     "OFPST_PORT_DESC reply (OF1.3) (xid=0x3):\n");
    } else {
        pr_text(&pr, "capabilities: FLOW_STATS TABLE_STATS PORT_STATS "
                     "QUEUE_STATS ARP_MATCH_IP\n"
                     "actions: output enqueue set_vlan_vid set_vlan_pcp "
                     "strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst "
                     "mod_nw_tos mod_tp_src mod_tp_dst\n");
    }
    render_ports_desc(&pr, view, br);
    pr_text(&pr,
            "OFPT_GET_CONFIG_REPLY%s (xid=0x%d): frags=normal "
            "miss_send_len=0\n",
            tag, view->of_version == 13 ? 5 : 4);
    *resultp = pr_reply_end(&pr);
    return NULL;
}

/* ---- mod-port. ---- */

/* ovs-ofctl's mod-port words: each sets one config bit, and "no" or
 * "no-" before it (any case) says the opposite ("no-up" is down). */
static const struct {
    const char *name;
    uint32_t bit;
    bool set; /* The word without "no" sets the bit. */
} mod_port_words[] = {
    { "up", OFPPC_PORT_DOWN, false },
    { "down", OFPPC_PORT_DOWN, true },
    { "stp", OFPPC_NO_STP, false },
    { "receive", OFPPC_NO_RECV, false },
    { "receive-stp", OFPPC_NO_RECV_STP, false },
    { "forward", OFPPC_NO_FWD, false },
    { "flood", OFPPC_NO_FLOOD, false },
    { "packet-in", OFPPC_NO_PACKET_IN, false },
};

static bool parse_mod_port(const char *action, uint32_t *bit, bool *set)
{
    const char *word = action;
    bool not = false;
    if (!strncasecmp(word, "no-", 3)) {
        word += 3;
        not = true;
    } else if (!strncasecmp(word, "no", 2)) {
        word += 2;
        not = true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(mod_port_words); i++) {
        if (!strcasecmp(word, mod_port_words[i].name)) {
            *bit = mod_port_words[i].bit;
            *set = mod_port_words[i].set != not ;
            return true;
        }
    }
    return false;
}

/* Brings the port's device up or down.  As ovs-vswitchd, a port without
 * one (patch, vxlan) takes the request and stays as it is. */
static char *set_device_up(const struct bridge_port *p, bool up)
{
    if (!port_has_device(p)) {
        return NULL;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, p->name, IFNAMSIZ - 1);
    int rc = s < 0 ? -1 : ioctl(s, SIOCGIFFLAGS, &ifr);
    if (!rc) {
        ifr.ifr_flags =
            (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    char *err = rc ? xasprintf("%s: cannot bring the device %s: %s", p->name,
                               up ? "up" : "down", strerror(errno))
                   : NULL;
    if (s >= 0) {
        close(s);
    }
    return err;
}

char *bridge_ofctl_mod_port(struct bridges *bs, const char *name,
                            const char *port, const char *action,
                            const struct ofctl_view *view, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    uint16_t n;
    struct bridge_port *p = NULL;
    if (port_parse(port, ofproto_portmap(br->ofproto), &n)) {
        p = bridge_port_lookup_number(br, n);
    }
    if (!p) {
        return xasprintf("%s: couldn't find port `%s'", name, port);
    }
    uint32_t bit;
    bool set;
    if (!parse_mod_port(action, &bit, &set)) {
        return xasprintf("unknown mod-port command '%s'", action);
    }
    if (view->of_version != 10 && !(bit & OFPPC_OF13_BITS)) {
        *resultp = json_object(); /* Not in a 1.3 port mod: no change. */
        return NULL;
    }
    if (bit == OFPPC_PORT_DOWN) {
        /* As ovs-vswitchd: the port's config is its device's. */
        err = set_device_up(p, !set);
    } else {
        /* Not saved: ovs-vswitchd too forgets them on restart. */
        ofproto_port_mod_config(br->ofproto, (uint16_t)p->ofport,
                                set ? bit : 0, bit);
    }
    if (!err) {
        *resultp = json_object();
    }
    return err;
}

/* ---- dump-ports. ---- */

/* A port whose device keeps error counters (a Linux device); patch and
 * VXLAN ports count packets and bytes only, and ovs-ofctl prints '?'
 * for what a port does not count. */
static void render_counter(struct printer *pr, bool known, const char *key,
                           const char *label, uint64_t value)
{
    if (!known) {
        pr_text(pr, "%s?", label); /* JSON: the key is absent. */
        return;
    }
    char fmt[32];
    snprintf(fmt, sizeof fmt, "%s%%" PRIu64, label);
    pr_uint(pr, key, fmt, value);
}

static void render_port_stats(struct printer *pr,
                              const struct ofctl_view *view,
                              const struct bridge_port *p)
{
    struct netdev_stats st;
    memset(&st, 0, sizeof st);
    if (p->netdev) {
        netdev_get_stats(p->netdev, &st);
    }
    bool known = port_has_device(p);
    struct ds num = DS_EMPTY_INITIALIZER;
    port_format((uint16_t)p->ofport, NULL, &num);
    pr_text(pr, "  port %2s: ", ds_cstr(&num));
    ds_destroy(&num);
    pr_uint(pr, "port", "", (uint64_t)p->ofport);
    pr_str(pr, "name", "", p->name);
    pr_uint(pr, "rx_packets", "rx pkts=%" PRIu64, st.rx_packets);
    pr_uint(pr, "rx_bytes", ", bytes=%" PRIu64, st.rx_bytes);
    render_counter(pr, known, "rx_dropped", ", drop=", st.rx_dropped);
    render_counter(pr, known, "rx_errors", ", errs=", st.rx_errors);
    render_counter(pr, known, "rx_frame_err", ", frame=", 0);
    render_counter(pr, known, "rx_over_err", ", over=", 0);
    render_counter(pr, known, "rx_crc_err", ", crc=", 0);
    pr_uint(pr, "tx_packets", "\n           tx pkts=%" PRIu64, st.tx_packets);
    pr_uint(pr, "tx_bytes", ", bytes=%" PRIu64, st.tx_bytes);
    render_counter(pr, known, "tx_dropped", ", drop=", st.tx_dropped);
    render_counter(pr, known, "tx_errors", ", errs=", st.tx_errors);
    render_counter(pr, known, "collisions", ", coll=", 0);
    pr_text(pr, "\n");
    if (view->of_version == 13) {
        struct ds d = DS_EMPTY_INITIALIZER;
        ds_put_duration(&d, clock_msec() - p->created_msec);
        pr_str(pr, "duration", "           duration=%s\n", ds_cstr(&d));
        ds_destroy(&d);
    }
}

char *bridge_ofctl_dump_ports(struct bridges *bs, const char *name,
                              const char *port, const struct ofctl_view *view,
                              json_t **resultp)
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
    struct bridge_port **v = sorted_ports(br);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        n += want == OFPP_NONE || v[i]->ofport == want;
    }
    if (!n) {
        free(v);
        return xasprintf("%s: no such port on bridge %s", port, name);
    }
    struct printer pr;
    pr_reply_begin(&pr, view->text);
    /* ovs-ofctl asks for the port names first when PORT is a name. */
    uint64_t number;
    bool by_name = port && *port && !str_to_u64(port, UINT16_MAX, &number)
                   && !port_is_reserved_name(port);
    pr_text(&pr, "OFPST_PORT reply%s (xid=0x%d): %zu ports\n", of_tag(view),
            by_name ? 4 : 2, n);
    struct pr_list l = pr_list_open(&pr, "ports");
    /* LOCAL first, then by number (ovs-ofctl's own order is its hash
     * table's). */
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < br->n_ports; i++) {
            struct bridge_port *p = v[i];
            if ((p->ofport == OFPP_LOCAL) != (pass == 0)
                || (want != OFPP_NONE && p->ofport != want)) {
                continue;
            }
            pr_list_item(&pr, &l);
            render_port_stats(&pr, view, p);
        }
    }
    pr_list_close(&pr, &l);
    free(v);
    *resultp = pr_reply_end(&pr);
    return NULL;
}

/* ---- dump-tables. ---- */

static bool same_table_stats(const struct ofproto_table_stats *a,
                             const struct ofproto_table_stats *b)
{
    return a->active == b->active && a->lookups == b->lookups
           && a->matched == b->matched;
}

/* "  table N: ditto" or "  tables A...B: ditto" for a run of tables whose
 * counters repeat the last table printed in full, as ovs-ofctl 3.1. */
static void render_ditto(struct printer *pr, int first, int last)
{
    if (first == last) {
        pr_text(pr, "\n  table %d: ditto\n", first);
    } else if (first < last) {
        pr_text(pr, "\n  tables %d...%d: ditto\n", first, last);
    }
}

char *bridge_ofctl_dump_tables(struct bridges *bs, const char *name,
                               const struct ofctl_view *view, json_t **resultp)
{
    char *err;
    struct printer pr;
    struct bridge *br = bridge_read_begin(bs, name, view, &pr, &err);
    if (!br) {
        return err;
    }
    pr_text(&pr, "OFPST_TABLE reply%s (xid=0x2):\n", of_tag(view));
    struct pr_list l = pr_list_open(&pr, "tables");
    struct ofproto_table_stats prev;
    int ditto_from = -1;
    /* Table 254 is not one a flow can be in (OFPTT_ALL is 255). */
    int n_tables = OFPROTO_N_TABLES - 1;
    for (int t = 0; t < n_tables; t++) {
        struct ofproto_table_stats st;
        ofproto_table_stats(br->ofproto, (uint8_t)t, &st);
        bool ditto = t && same_table_stats(&st, &prev);
        if (!pr_is_text(&pr) && !st.active && !st.lookups && t) {
            /* The JSON reply lists table 0 and the tables in use. */
            prev = st;
            continue;
        }
        if (ditto && pr_is_text(&pr)) {
            ditto_from = ditto_from < 0 ? t : ditto_from;
            continue;
        }
        if (ditto_from >= 0) {
            render_ditto(&pr, ditto_from, t - 1);
            ditto_from = -1;
        }
        pr_list_item(&pr, &l);
        pr_text(&pr, t ? "\n" : "");
        pr_uint(&pr, "table", "  table %" PRIu64 ":\n", (uint64_t)t);
        pr_uint(&pr, "active", "    active=%" PRIu64, st.active);
        pr_uint(&pr, "lookup", ", lookup=%" PRIu64, st.lookups);
        pr_uint(&pr, "matched", ", matched=%" PRIu64 "\n", st.matched);
        if (view->of_version != 13) {
            pr_text(&pr, t ? "    (same features)\n"
                           : "    max_entries=1000000\n"
                             "    matching:\n"
                             "      exact match or wildcard: in_port "
                             "eth_{src,dst,type} vlan_{vid,pcp} "
                             "ip_{src,dst} nw_{proto,tos} tcp_{src,dst}\n");
        }
        prev = st;
    }
    if (ditto_from >= 0) {
        render_ditto(&pr, ditto_from, n_tables - 1);
    }
    pr_list_close(&pr, &l);
    *resultp = pr_reply_end(&pr);
    return NULL;
}

/* A vxlan socket the bridge's ports are on, with those ports' names. */
struct stats_socket {
    struct netdev_vxlan_socket_stats st;
    const char **ports;
    size_t n_ports;
};

/* Adds port 'name' to the entry of 'v' (of '*n', room for 'cap' ports
 * each) for the socket 'st' describes, adding the entry if new. */
static void socket_add_port(struct stats_socket *v, size_t *n, size_t cap,
                            const struct netdev_vxlan_socket_stats *st,
                            const char *name)
{
    size_t i;
    for (i = 0; i < *n; i++) {
        if (v[i].st.local_ip == st->local_ip
            && v[i].st.dst_port == st->dst_port) {
            break;
        }
    }
    if (i == *n) {
        v[i].st = *st;
        v[i].ports = xcalloc(cap, sizeof *v[i].ports);
        v[i].n_ports = 0;
        (*n)++;
    }
    v[i].ports[v[i].n_ports++] = name;
}

static void render_socket(struct printer *pr, const struct stats_socket *s)
{
    pr_ip(pr, "local_ip", "vxlan socket %s", s->st.local_ip);
    pr_uint(pr, "dst_port", ":%" PRIu64 " (", s->st.dst_port);
    pr_str_array(pr, "ports", "%s", " ", s->ports, s->n_ports);
    pr_uint(pr, "rx_unknown_peer",
            "): dropped %" PRIu64 " from unknown peers, ",
            s->st.rx_unknown_peer);
    pr_uint(pr, "rx_bad_header", "%" PRIu64 " malformed, ",
            s->st.rx_bad_header);
    pr_uint(pr, "rx_wrong_vni", "%" PRIu64 " with a VNI no port takes, ",
            s->st.rx_wrong_vni);
    pr_uint(pr, "rx_truncated", "%" PRIu64 " too big, ", s->st.rx_truncated);
    pr_uint(pr, "rx_overflow", "%" PRIu64 " for want of buffer space\n",
            s->st.rx_overflow);
}

static void render_bridge_stats(struct printer *pr, struct bridge *br)
{
    struct ofproto_stats st;
    ofproto_get_stats(br->ofproto, &st);
    pr_str(pr, "bridge", "bridge %s: ", br->name);
    pr_uint(pr, "n_flows", "%" PRIu64 " flows, ",
            (uint64_t)ofproto_n_flows(br->ofproto));
    pr_uint(pr, "flow_limit", "limit %" PRIu64 "\n",
            (uint64_t)ofproto_get_flow_limit(br->ofproto));
    pr_uint(pr, "n_evicted",
            "  learned flows evicted at the limit: %" PRIu64 "\n",
            st.n_evicted);
    pr_uint(pr, "n_learn_failed",
            "  learns failed at the limit: %" PRIu64 "\n", st.n_learn_failed);
    pr_uint(pr, "n_learn_limited",
            "  learns refused by learn(limit): %" PRIu64 "\n",
            st.n_learn_limited);
    pr_uint(pr, "n_add_refused",
            "  flow adds refused at the limit: %" PRIu64 "\n",
            st.n_add_refused);
    pr_uint(pr, "n_expired", "  flows expired: %" PRIu64 "\n", st.n_expired);
    pr_uint(pr, "n_depth_exceeded",
            "  packets dropped, resubmit too deep: %" PRIu64 "\n",
            st.n_depth_exceeded);
    pr_uint(pr, "n_packet_in", "  packet-ins: %" PRIu64 "\n", st.n_packet_in);
}

char *bridge_ofctl_stats(struct bridges *bs, const char *name,
                         const struct ofctl_view *view, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    /* A multicast port also takes its group's own socket: a port is on
     * at most two sockets, so 2 * n_ports bounds both the sockets and
     * the names one socket lists. */
    size_t cap = 2 * br->n_ports, n = 0;
    struct stats_socket *socks = xcalloc(cap ? cap : 1, sizeof *socks);
    struct bridge_port **v = sorted_ports(br);
    for (size_t i = 0; i < br->n_ports; i++) {
        struct netdev_vxlan_socket_stats vs;
        if (v[i]->netdev && netdev_vxlan_get_socket_stats(v[i]->netdev, &vs)) {
            socket_add_port(socks, &n, cap, &vs, v[i]->name);
        }
        if (v[i]->netdev
            && netdev_vxlan_get_group_socket_stats(v[i]->netdev, &vs)) {
            socket_add_port(socks, &n, cap, &vs, v[i]->name);
        }
    }
    struct printer pr;
    pr_reply_begin(&pr, view->text);
    render_bridge_stats(&pr, br);
    struct pr_list l = pr_list_open(&pr, "vxlan_sockets");
    for (size_t i = 0; i < n; i++) {
        pr_list_item(&pr, &l);
        render_socket(&pr, &socks[i]);
        free(socks[i].ports);
    }
    pr_list_close(&pr, &l);
    free(socks);
    free(v);
    *resultp = pr_reply_end(&pr);
    return NULL;
}
