/* bridge: live bridges and ports following the configuration, packet
 * dispatch between netdevs and ofprotos, and swofctl's requests. */
#include "bridge.h"
#include "bridge-private.h"

#include <errno.h>
#include <event2/event.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actions.h"
#include "clock.h"
#include "ds.h"
#include "fields.h"
#include "hash.h"
#include "hmap.h"
#include "log.h"
#include "match.h"
#include "netdev.h"
#include "ofproto.h"
#include "portmap.h"
#include "util.h"

/* Frames read from one port per readable event, so that one busy port
 * cannot starve the others or the control socket. */
#define BRIDGE_RX_BATCH 64

/* ---- Lookup. ---- */

struct bridge *
bridge_lookup(const struct bridges *bs, const char *name)
{
    for (size_t i = 0; i < bs->n; i++) {
        if (!strcmp(bs->v[i]->name, name)) {
            return bs->v[i];
        }
    }
    return NULL;
}

struct bridge *
bridge_lookup_ofproto(const struct bridges *bs, const struct ofproto *ofp)
{
    for (size_t i = 0; i < bs->n; i++) {
        if (bs->v[i]->ofproto == ofp) {
            return bs->v[i];
        }
    }
    return NULL;
}

struct bridge_port *
bridge_port_lookup(const struct bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!strcmp(br->ports[i]->name, name)) {
            return br->ports[i];
        }
    }
    return NULL;
}

struct bridge_port *
bridge_port_lookup_number(const struct bridge *br, int ofport)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (br->ports[i]->ofport == ofport) {
            return br->ports[i];
        }
    }
    return NULL;
}

static struct bridge_port *
find_port_anywhere(const struct bridges *bs, const char *name)
{
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge_port *p = bridge_port_lookup(bs->v[i], name);
        if (p) {
            return p;
        }
    }
    return NULL;
}

struct ofproto *
bridges_find_ofproto(const struct bridges *bs, const char *name)
{
    struct bridge *br = bridge_lookup(bs, name);
    return br ? br->ofproto : NULL;
}

const char *
bridges_iface_error(const struct bridges *bs, const char *iface)
{
    struct bridge_port *p = find_port_anywhere(bs, iface);
    if (!p) {
        return NULL;
    }
    return p->open_error ? p->open_error : p->patch_error;
}

/* ---- Packet path. ---- */

/* Port 'port' of bridge 'ofproto', or NULL. */
static struct bridge_port *
port_of(const struct bridges *bs, const struct ofproto *ofproto,
        uint16_t port)
{
    const struct bridge *br = bridge_lookup_ofproto(bs, ofproto);
    return br ? bridge_port_lookup_number(br, port) : NULL;
}

/* Patch crossings happen inside the pipeline, so no device saw them:
 * credit tx on the sending patch port and rx on its peer here, for
 * dump-ports, and hand the frame to their captures (the walk copied it
 * if any capture was running). */
static void
credit_crossings(const struct bridges *bs, const struct xlate_result *xr)
{
    for (size_t i = 0; i < xr->n_crossings; i++) {
        const struct xlate_crossing *c = &xr->crossings[i];
        struct bridge_port *tx = port_of(bs, c->from, c->port);
        struct bridge_port *rx = port_of(bs, c->to, c->peer_port);
        if (tx && tx->netdev) {
            netdev_count_tx(tx->netdev, c->bytes);
        }
        if (rx && rx->netdev) {
            netdev_count_rx(rx->netdev, c->bytes);
        }
        if (c->copied && tx && tx->captures) {
            bridge_sub_capture(tx, CAPTURE_TX, &c->packet, NULL);
        }
        if (c->copied && rx && rx->captures) {
            bridge_sub_capture(rx, CAPTURE_RX, &c->packet, NULL);
        }
    }
}

/* Sends what one pipeline walk output on the devices of the ports it
 * chose, and credits its patch crossings: what a received packet and a
 * packet-out both end with.  Returns the number of outputs that had a
 * device to go to. */
static size_t
send_outputs(struct bridges *bs, const struct xlate_result *xr)
{
    size_t n_sent = 0;
    for (size_t i = 0; i < xr->n_outputs; i++) {
        const struct xlate_output *out = &xr->outputs[i];
        struct bridge_port *op = port_of(bs, out->ofproto, out->port);
        if (!op || !op->netdev) {
            LOG_RL(LOG_DBG, "output to port %u with no device dropped",
                   out->port);
            continue;
        }
        struct netdev_tunnel otnl = {out->tun_id, out->tun_src,
                                     out->tun_dst, 0};
        if (op->captures) {
            bridge_sub_capture(op, CAPTURE_TX, &out->packet, &otnl);
        }
        int error = netdev_send(op->netdev, &out->packet, &otnl);
        /* A full queue, or a TAP whose link is down (EIO), is an
         * ordinary counted drop (netdev counts it), not worth a warning
         * per flooded packet. */
        if (error && error != EAGAIN && error != ENOBUFS && error != EIO) {
            LOG_RL(LOG_WARN, "%s: send failed: %s", op->name,
                   strerror(error));
        }
        n_sent++;
    }
    credit_crossings(bs, xr);
    return n_sent;
}

/* Frames read but not yet run: consecutive frames for one bridge go
 * through its pipeline together (ofproto_execute_batch(), which
 * overlaps the memory loads of large flow tables), the way recvmmsg()
 * hands the vxlan socket's datagrams over. */
struct rx_batch {
    struct bridge *bridge; /* Of every frame held, or NULL when empty. */
    size_t n;
    struct packet pkts[OFPROTO_BATCH_MAX];
    struct flow md[OFPROTO_BATCH_MAX];
};

/* Runs and sends the frames held in 'b', and empties it. */
static void
rx_batch_flush(struct rx_batch *b)
{
    if (!b->n) {
        return;
    }
    struct bridges *bs = b->bridge->bridges;
    const struct packet *ptrs[OFPROTO_BATCH_MAX];
    for (size_t i = 0; i < b->n; i++) {
        ptrs[i] = &b->pkts[i];
        bs->rx_results[i].copy_crossings = bs->n_captures > 0;
    }
    ofproto_execute_batch(b->bridge->ofproto, ptrs, b->md, b->n,
                          bs->rx_results);
    for (size_t i = 0; i < b->n; i++) {
        send_outputs(bs, &bs->rx_results[i]);
        xlate_result_clear(&bs->rx_results[i]);
        packet_uninit(&b->pkts[i]);
    }
    b->n = 0;
    b->bridge = NULL;
}

/* Takes 'pkt' (ownership included), which arrived on 'port' with the
 * tunnel metadata 'tnl', into 'b', running what 'b' held first if it
 * is full or for another bridge. */
static void
rx_batch_add(struct rx_batch *b, struct bridge_port *port, struct packet *pkt,
             const struct netdev_tunnel *tnl)
{
    if (b->n && (b->bridge != port->bridge || b->n == OFPROTO_BATCH_MAX)) {
        rx_batch_flush(b);
    }
    if (port->captures) {
        bridge_sub_capture(port, CAPTURE_RX, pkt, tnl);
    }
    struct flow *md = &b->md[b->n];
    memset(md, 0, sizeof *md);
    md->in_port = (uint16_t)port->ofport;
    md->tun_id = tnl->tun_id;
    md->tun_src = tnl->tun_src;
    md->tun_dst = tnl->tun_dst;
    b->pkts[b->n++] = *pkt;
    b->bridge = port->bridge;
}

/* Reads up to 'budget' frames through 'port's device.  Frames on a
 * shared socket may belong to another port: netdev tells us which. */
static size_t
port_poll(struct bridge_port *port, size_t budget)
{
    struct rx_batch b = {.n = 0};
    size_t n = 0;
    while (port->netdev && n < budget) {
        struct packet pkt;
        struct netdev_tunnel tnl;
        struct netdev *rxdev = NULL;
        memset(&tnl, 0, sizeof tnl);
        int error = netdev_recv(port->netdev, &pkt, &tnl, &rxdev);
        if (error) {
            if (error != EAGAIN) {
                LOG_RL(LOG_WARN, "%s: receive failed: %s", port->name,
                       strerror(error));
            }
            break;
        }
        struct bridge_port *rxport = rxdev ? netdev_get_aux(rxdev) : port;
        rx_batch_add(&b, rxport ? rxport : port, &pkt, &tnl);
        n++;
    }
    rx_batch_flush(&b);
    return n;
}

static void
port_rx_cb(evutil_socket_t fd, short what, void *port_)
{
    port_poll(port_, BRIDGE_RX_BATCH);
}

size_t
bridges_poll_once(struct bridges *bs, size_t budget)
{
    size_t n = 0;
    for (size_t i = 0; i < bs->n; i++) {
        for (size_t j = 0; j < bs->v[i]->n_ports; j++) {
            n += port_poll(bs->v[i]->ports[j], budget);
        }
    }
    return n;
}

/* ---- Reconfiguration. ---- */

static char *
options_string(const struct config_port *cp)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_format(&ds, "%s;", cp->type);
    for (size_t i = 0; i < cp->n_options; i++) {
        ds_put_format(&ds, "%s=%s,", cp->options[i].key,
                      cp->options[i].value);
    }
    return ds_steal_cstr(&ds);
}

static void
port_destroy(struct bridge_port *p)
{
    if (!p) {
        return;
    }
    bridge_sub_port_gone(p);
    if (p->rx_event) {
        event_free(p->rx_event);
    }
    ofproto_port_del(p->bridge->ofproto, (uint16_t)p->ofport);
    netdev_close(p->netdev);
    free(p->name);
    free(p->type);
    free(p->options);
    free(p->open_error);
    free(p->patch_error);
    free(p);
}

static void
port_create(struct bridge *br, const struct config_port *cp)
{
    struct bridge_port *p = xzalloc(sizeof *p);
    p->bridge = br;
    p->name = xstrdup(cp->name);
    p->type = xstrdup(cp->type);
    p->options = options_string(cp);
    p->ofport = cp->ofport;
    bridge_port_info_from_config(cp, &p->info);
    br->ports = xrealloc(br->ports, (br->n_ports + 1) * sizeof *br->ports);
    br->ports[br->n_ports++] = p;

    ofproto_port_add(br->ofproto, (uint16_t)cp->ofport, cp->name);

    struct netdev_option *opts = xcalloc(cp->n_options + 1, sizeof *opts);
    for (size_t i = 0; i < cp->n_options; i++) {
        opts[i].key = cp->options[i].key;
        opts[i].value = cp->options[i].value;
    }
    int error = netdev_open(cp->type, cp->name, opts, cp->n_options,
                            &p->netdev, &p->open_error);
    free(opts);
    if (error) {
        LOG(LOG_WARN, "%s", p->open_error ? p->open_error : cp->name);
        ofproto_port_set_up(br->ofproto, (uint16_t)p->ofport, false);
        return;
    }
    netdev_set_aux(p->netdev, p);
    int fd = netdev_get_fd(p->netdev);
    if (fd >= 0 && br->bridges->base) {
        p->rx_event = event_new(br->bridges->base, fd, EV_READ | EV_PERSIST,
                                port_rx_cb, p);
        event_add(p->rx_event, NULL);
    }
}

static void
bridge_del_port_at(struct bridge *br, size_t i)
{
    struct bridge_port *p = br->ports[i];
    memmove(&br->ports[i], &br->ports[i + 1],
            (br->n_ports - i - 1) * sizeof *br->ports);
    br->n_ports--;
    port_destroy(p);
}

static void
bridge_destroy(struct bridge *br)
{
    bridge_sub_bridge_gone(br);
    while (br->n_ports) {
        bridge_del_port_at(br, br->n_ports - 1);
    }
    free(br->ports);
    ofproto_destroy(br->ofproto);
    free(br->name);
    free(br);
}

static struct bridge *
bridge_create(struct bridges *bs, const char *name)
{
    struct bridge *br = xzalloc(sizeof *br);
    br->bridges = bs;
    br->name = xstrdup(name);
    br->ofproto = ofproto_create(name);

    /* As in OVS, a new bridge behaves like a learning switch until
     * someone installs flows. */
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, "priority=0,actions=NORMAL",
                               FM_PARSE_ADD, NULL);
    if (!err) {
        ofproto_flow_mods(br->ofproto, &fm, 1, &err);
    }
    if (err) {
        LOG(LOG_ERR, "%s: installing the default flow: %s", name, err);
        free(err);
    }
    flow_mod_uninit(&fm);

    bs->v = xrealloc(bs->v, (bs->n + 1) * sizeof *bs->v);
    bs->v[bs->n++] = br;
    return br;
}

struct bridges *
bridges_create(struct event_base *base)
{
    struct bridges *bs = xzalloc(sizeof *bs);
    bs->base = base;
    for (size_t i = 0; i < OFPROTO_BATCH_MAX; i++) {
        xlate_result_init(&bs->rx_results[i]);
    }
    return bs;
}

void
bridges_destroy(struct bridges *bs)
{
    if (!bs) {
        return;
    }
    /* Unwire patches first so no ofproto points into a freed one. */
    for (size_t i = 0; i < bs->n; i++) {
        for (size_t j = 0; j < bs->v[i]->n_ports; j++) {
            ofproto_port_set_patch(bs->v[i]->ofproto,
                                   (uint16_t)bs->v[i]->ports[j]->ofport,
                                   NULL, 0);
        }
    }
    for (size_t i = 0; i < bs->n; i++) {
        bridge_destroy(bs->v[i]);
    }
    for (size_t i = 0; i < OFPROTO_BATCH_MAX; i++) {
        xlate_result_uninit(&bs->rx_results[i]);
    }
    free(bs->v);
    free(bs);
}

/* True if live port 'p' still matches config port 'cp'. */
static bool
port_unchanged(const struct bridge_port *p, const struct config_port *cp)
{
    char *opts = options_string(cp);
    bool same = p->ofport == cp->ofport && !strcmp(p->options, opts);
    free(opts);
    return same;
}

static void
wire_patches(struct bridges *bs, const struct config *cfg)
{
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge *br = bs->v[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            struct bridge_port *p = br->ports[j];
            free(p->patch_error);
            p->patch_error = NULL;
            if (strcmp(p->type, "patch") || !p->netdev) {
                continue;
            }
            struct config_port *cp = config_find_port(cfg, p->name, NULL);
            const char *peer_name = cp ? config_port_get_option(cp, "peer")
                                       : NULL;
            struct bridge_port *peer = peer_name
                                           ? find_port_anywhere(bs, peer_name)
                                           : NULL;
            if (!peer) {
                p->patch_error = xasprintf("%s: peer %s does not exist",
                                           p->name,
                                           peer_name ? peer_name : "(none)");
            } else if (strcmp(peer->type, "patch")) {
                p->patch_error = xasprintf("%s: peer %s is not a patch port",
                                           p->name, peer_name);
            } else {
                struct config_port *pcp = config_find_port(cfg, peer->name,
                                                           NULL);
                const char *back = pcp ? config_port_get_option(pcp, "peer")
                                       : NULL;
                if (!back || strcmp(back, p->name)) {
                    p->patch_error = xasprintf(
                        "%s: peer %s has options:peer=%s, not %s", p->name,
                        peer->name, back ? back : "(none)", p->name);
                }
            }
            if (p->patch_error) {
                ofproto_port_set_patch(br->ofproto, (uint16_t)p->ofport,
                                       NULL, 0);
                ofproto_port_set_up(br->ofproto, (uint16_t)p->ofport, false);
            } else {
                ofproto_port_set_patch(br->ofproto, (uint16_t)p->ofport,
                                       peer->bridge->ofproto,
                                       (uint16_t)peer->ofport);
                ofproto_port_set_up(br->ofproto, (uint16_t)p->ofport, true);
            }
        }
    }
}

void
bridges_reconfigure(struct bridges *bs, const struct config *cfg)
{
    /* Unwire every patch: bridges and ports may go away below. */
    for (size_t i = 0; i < bs->n; i++) {
        for (size_t j = 0; j < bs->v[i]->n_ports; j++) {
            struct bridge_port *p = bs->v[i]->ports[j];
            if (!strcmp(p->type, "patch")) {
                ofproto_port_set_patch(bs->v[i]->ofproto,
                                       (uint16_t)p->ofport, NULL, 0);
            }
        }
    }

    /* Remove bridges and ports that are gone or changed. */
    for (size_t i = bs->n; i-- > 0;) {
        struct bridge *br = bs->v[i];
        struct config_bridge *cbr = config_find_bridge(cfg, br->name);
        if (!cbr) {
            memmove(&bs->v[i], &bs->v[i + 1], (bs->n - i - 1) * sizeof *bs->v);
            bs->n--;
            bridge_destroy(br);
            continue;
        }
        for (size_t j = br->n_ports; j-- > 0;) {
            struct bridge_port *p = br->ports[j];
            struct config_bridge *owner;
            struct config_port *cp = config_find_port(cfg, p->name, &owner);
            if (!cp || owner != cbr || !port_unchanged(p, cp)) {
                bridge_del_port_at(br, j);
            }
        }
    }

    /* Add what is new.  All removals happened first, so a port that
     * moved between bridges or changed number can reopen its device. */
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        const struct config_bridge *cbr = cfg->bridges[i];
        struct bridge *br = bridge_lookup(bs, cbr->name);
        if (!br) {
            br = bridge_create(bs, cbr->name);
        }
        for (size_t j = 0; j < cbr->n_ports; j++) {
            if (!bridge_port_lookup(br, cbr->ports[j]->name)
                && cbr->ports[j]->ofport > 0) {
                port_create(br, cbr->ports[j]);
            }
        }
    }
    wire_patches(bs, cfg);
}

size_t
bridges_run(struct bridges *bs)
{
    size_t n = 0;
    for (size_t i = 0; i < bs->n; i++) {
        n += ofproto_run(bs->v[i]->ofproto);
    }
    return n;
}

int64_t
bridges_next_timeout(const struct bridges *bs)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < bs->n; i++) {
        int64_t t = ofproto_next_timeout(bs->v[i]->ofproto);
        next = t < next ? t : next;
    }
    return next;
}

/* ---- swofctl requests. ---- */

struct bridge *
bridge_need(struct bridges *bs, const char *name, char **errp)
{
    struct bridge *br = bridge_lookup(bs, name);
    *errp = br ? NULL : xasprintf("no bridge named %s", name);
    return br;
}

/* A stable locally administered address for ports without a device. */
static void
mac_from_name(const char *name, uint8_t mac[6])
{
    uint32_t h = hash_string(name, 0x5eed);
    uint32_t h2 = hash_string(name, h);
    mac[0] = (uint8_t)(((h >> 24) & 0xfe) | 0x02);
    mac[1] = (uint8_t)(h >> 16);
    mac[2] = (uint8_t)(h >> 8);
    mac[3] = (uint8_t)h;
    mac[4] = (uint8_t)(h2 >> 8);
    mac[5] = (uint8_t)h2;
}

static void
port_mac(const struct bridge_port *p, uint8_t mac[6])
{
    if (p->netdev) {
        netdev_get_etheraddr(p->netdev, mac);
    } else {
        mac_from_name(p->name, mac);
    }
}

static char *
mac_string(const uint8_t mac[6])
{
    return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                     mac[3], mac[4], mac[5]);
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
        char *addr = mac_string(pmac);
        json_array_append_new(
            ports, json_pack("{s:i, s:s, s:s, s:s, s:b, s:b}", "port",
                             v[i]->ofport, "name", v[i]->name, "type",
                             v[i]->type, "addr", addr, "admin_up", admin_up,
                             "link_up", link_up));
        free(addr);
    }
    free(v);
    *resultp = json_pack("{s:s, s:i, s:o}", "dpid", dpid, "n_tables", 254,
                         "ports", ports);
    free(dpid);
    return NULL;
}

static enum fm_parse_mode
parse_mode_for(enum fm_command cmd)
{
    switch (cmd) {
    case FM_ADD:
        return FM_PARSE_ADD;
    case FM_MODIFY:
    case FM_MODIFY_STRICT:
        return FM_PARSE_MODIFY;
    case FM_DELETE:
    case FM_DELETE_STRICT:
    default:
        return FM_PARSE_DELETE;
    }
}

char *
bridge_parse_flows(const char *text, enum fm_command cmd,
                   enum fm_parse_mode mode, const struct portmap *map,
                   struct flow_mod **fmsp, size_t *np)
{
    struct flow_mod *fms = NULL;
    size_t n = 0, allocated = 0;
    size_t lineno = 0;
    const char *p = text;
    char *err = NULL;

    while (*p && !err) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char *line = xstrndup(p, len);
        p += len + (nl ? 1 : 0);

        /* Trim, and skip blank lines and comments as ovs-ofctl does. */
        char *s = line;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        size_t slen = strlen(s);
        while (slen && (s[slen - 1] == ' ' || s[slen - 1] == '\t'
                        || s[slen - 1] == '\r')) {
            s[--slen] = '\0';
        }
        if (!*s || *s == '#') {
            free(line);
            continue;
        }
        if (n >= allocated) {
            fms = x2nrealloc(fms, &allocated, n + 1, sizeof *fms);
        }
        flow_mod_init(&fms[n], cmd);
        char *perr = flow_mod_parse(&fms[n], s, mode, map);
        if (perr) {
            flow_mod_uninit(&fms[n]);
            err = xasprintf("line %zu: %s", lineno, perr);
            free(perr);
        } else {
            n++;
        }
        free(line);
    }
    if (err) {
        for (size_t i = 0; i < n; i++) {
            flow_mod_uninit(&fms[i]);
        }
        free(fms);
        fms = NULL;
        n = 0;
    }
    *fmsp = fms;
    *np = n;
    return err;
}

static void
free_flow_mods(struct flow_mod *fms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
}

/* Single-line requests report errors without the "line 1: " prefix. */
static char *
strip_line_prefix(char *err, const char *text)
{
    if (err && !strchr(text, '\n') && str_starts_with(err, "line 1: ")) {
        char *s = xstrdup(err + strlen("line 1: "));
        free(err);
        return s;
    }
    return err;
}

char *
bridge_ofctl_flow_mods(struct bridges *bs, const char *name,
                       enum fm_command cmd, const char *text,
                       json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    const struct portmap *map = ofproto_portmap(br->ofproto);
    struct flow_mod *fms;
    size_t n;
    err = bridge_parse_flows(text, cmd, parse_mode_for(cmd), map, &fms, &n);
    err = strip_line_prefix(err, text);
    if (err) {
        return err;
    }
    if (!n && (cmd == FM_DELETE || cmd == FM_DELETE_STRICT)) {
        /* "del-flows BR" with no match deletes everything. */
        fms = xzalloc(sizeof *fms);
        flow_mod_init(&fms[0], cmd);
        err = flow_mod_parse(&fms[0], "", FM_PARSE_DELETE, map);
        if (err) {
            free_flow_mods(fms, 1);
            return err;
        }
        n = 1;
    }
    if (n) {
        ofproto_flow_mods(br->ofproto, fms, n, &err);
    }
    free_flow_mods(fms, n);
    if (err) {
        return strip_line_prefix(err, text);
    }
    *resultp = json_pack("{s:I}", "n_flow_mods", (json_int_t)n);
    return NULL;
}

/* ---- replace-flows. ---- */

/* A flow as dump shows it, copied so that it outlives the callback. */
struct flow_copy {
    struct hmap_node node;
    struct match match;
    int priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout, hard_timeout;
    struct buf ofpacts;
    bool keep;
};

static uint32_t
flow_copy_hash(const struct match *m, int priority, uint8_t table)
{
    return match_hash(m, hash_u32((uint32_t)priority, table));
}

static void
collect_flow_cb(const struct flow_print *fp, void *hmap_)
{
    struct hmap *map = hmap_;
    struct flow_copy *fc = xzalloc(sizeof *fc);
    fc->match = *fp->match;
    fc->priority = fp->priority;
    fc->table_id = fp->table_id;
    fc->cookie = fp->cookie;
    fc->idle_timeout = fp->idle_timeout;
    fc->hard_timeout = fp->hard_timeout;
    buf_init(&fc->ofpacts);
    buf_put(&fc->ofpacts, fp->ofpacts, fp->ofpacts_len);
    hmap_insert(map, &fc->node,
                flow_copy_hash(&fc->match, fc->priority, fc->table_id));
}

char *
bridge_ofctl_replace_flows(struct bridges *bs, const char *name,
                           const char *text, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct flow_mod *adds;
    size_t n_adds;
    err = bridge_parse_flows(text, FM_ADD, FM_PARSE_ADD,
                             ofproto_portmap(br->ofproto), &adds, &n_adds);
    if (err) {
        return err;
    }

    struct hmap old = HMAP_INITIALIZER;
    ofproto_dump_flows(br->ofproto, NULL, false, collect_flow_cb, &old);

    /* New flows identical to an existing one leave it (and its counters)
     * alone; everything else existing is deleted, everything else new is
     * added. */
    struct flow_mod *mods = xcalloc(hmap_count(&old) + n_adds + 1,
                                    sizeof *mods);
    size_t n_mods = 0, n_added = 0, n_deleted = 0;
    bool *skip = xcalloc(n_adds + 1, sizeof *skip);
    for (size_t i = 0; i < n_adds; i++) {
        struct flow_mod *fm = &adds[i];
        struct flow_copy *fc;
        HMAP_FOR_EACH_WITH_HASH (fc, node,
                                 flow_copy_hash(&fm->match, fm->priority,
                                                fm->table_id),
                                 &old) {
            if (fc->priority == fm->priority && fc->table_id == fm->table_id
                && match_equal(&fc->match, &fm->match)
                && fc->cookie == fm->cookie
                && fc->idle_timeout == fm->idle_timeout
                && fc->hard_timeout == fm->hard_timeout
                && ofpacts_equal((const struct ofpact *)fc->ofpacts.data,
                                 fc->ofpacts.size,
                                 (const struct ofpact *)fm->ofpacts.data,
                                 fm->ofpacts.size)) {
                fc->keep = true;
                skip[i] = true;
            }
        }
    }
    struct flow_copy *fc;
    HMAP_FOR_EACH (fc, node, &old) {
        if (!fc->keep) {
            struct flow_mod *fm = &mods[n_mods++];
            flow_mod_init(fm, FM_DELETE_STRICT);
            fm->match = fc->match;
            fm->priority = (uint16_t)fc->priority;
            fm->table_id = fc->table_id;
            fm->out_port = OFPP_ANY;
            fm->cookie_mask = 0;
            n_deleted++;
        }
    }
    for (size_t i = 0; i < n_adds; i++) {
        if (!skip[i]) {
            /* Moves the parsed add (and its actions) into 'mods'. */
            mods[n_mods++] = adds[i];
            buf_init(&adds[i].ofpacts);
            n_added++;
        }
    }
    if (n_mods) {
        ofproto_flow_mods(br->ofproto, mods, n_mods, &err);
    }
    free_flow_mods(mods, n_mods);
    free_flow_mods(adds, n_adds);
    free(skip);
    HMAP_FOR_EACH_SAFE (fc, node, &old) {
        hmap_remove(&old, &fc->node);
        buf_uninit(&fc->ofpacts);
        free(fc);
    }
    hmap_destroy(&old);
    if (err) {
        return err;
    }
    *resultp = json_pack("{s:I, s:I}", "added", (json_int_t)n_added,
                         "deleted", (json_int_t)n_deleted);
    return NULL;
}

/* ---- dump-flows, dump-aggregate. ---- */

/* Parses the MATCH of dump-flows and dump-aggregate (may include
 * table=N) into '*filter' for ofproto_dump_flows(); '*have_filter' false
 * (and '*filter' untouched) when 'match' is NULL or empty, meaning every
 * flow.  On success with a filter the caller uninits '*filter'. */
static char *
dump_filter_parse(const char *match, bool strict, const struct portmap *map,
                  struct flow_mod *filter, bool *have_filter)
{
    *have_filter = match && *match;
    if (!*have_filter) {
        return NULL;
    }
    flow_mod_init(filter, strict ? FM_DELETE_STRICT : FM_DELETE);
    char *err = flow_mod_parse(filter, match, FM_PARSE_DUMP, map);
    if (err) {
        flow_mod_uninit(filter);
        *have_filter = false;
    }
    return err;
}

struct sort_key {
    const struct mf_field *field; /* NULL: priority. */
    bool reverse;
};

struct dump_entry {
    json_t *json;           /* Structured form, or NULL if 'text_only'. */
    size_t text_ofs, text_len; /* The line in dump_ctx's 'text'. */
    int priority;
    union mf_value *values; /* One per sort key. */
    bool *has;
};

struct dump_ctx {
    const struct bridge_dump_options *opts;
    const struct portmap *map;
    const struct sort_key *keys;
    size_t n_keys;
    struct dump_entry *entries;
    size_t n, allocated;
    struct ds ds;
    struct ds text; /* Every line, when 'text_only'. */
};

static void
dump_flow_cb(const struct flow_print *fp_, void *ctx_)
{
    struct dump_ctx *ctx = ctx_;
    struct flow_print fp = *fp_;
    const struct portmap *map = ctx->opts->names ? ctx->map : NULL;
    char cookie[24];

    if (ctx->n >= ctx->allocated) {
        ctx->entries = x2nrealloc(ctx->entries, &ctx->allocated, ctx->n + 1,
                                  sizeof *ctx->entries);
    }
    struct dump_entry *e = &ctx->entries[ctx->n++];

    fp.show_stats = ctx->opts->stats;
    json_t *j = NULL;
    if (ctx->opts->text_only) {
        /* Text rendering: only the line, kept in one shared buffer, so a
         * dump of 100,000 flows costs no per-flow allocation. */
        e->text_ofs = ctx->text.length;
        flow_print_format(&fp, map, &ctx->text);
        e->text_len = ctx->text.length - e->text_ofs;
    } else {
        j = json_object();
        ds_clear(&ctx->ds);
        flow_print_format(&fp, map, &ctx->ds);
        json_object_set_new(j, "text", json_string(ds_cstr(&ctx->ds)));
        snprintf(cookie, sizeof cookie, "0x%llx",
                 (unsigned long long)fp.cookie);
        json_object_set_new(j, "cookie", json_string(cookie));
        json_object_set_new(j, "table", json_integer(fp.table_id));
        json_object_set_new(j, "priority", json_integer(fp.priority));
        json_object_set_new(j, "duration",
                            json_real((double)fp.duration_msec / 1000.0));
        json_object_set_new(j, "n_packets",
                            json_integer((json_int_t)fp.n_packets));
        json_object_set_new(j, "n_bytes",
                            json_integer((json_int_t)fp.n_bytes));
        json_object_set_new(j, "idle_timeout",
                            json_integer(fp.idle_timeout));
        json_object_set_new(j, "hard_timeout",
                            json_integer(fp.hard_timeout));
        json_object_set_new(j, "idle_age", json_integer(fp.idle_age));
        if (fp.hard_age >= 0) {
            json_object_set_new(j, "hard_age", json_integer(fp.hard_age));
        }
        ds_clear(&ctx->ds);
        match_format(fp.match, -1, map, &ctx->ds);
        json_object_set_new(j, "match", json_string(ds_cstr(&ctx->ds)));
        ds_clear(&ctx->ds);
        ofpacts_format(fp.ofpacts, fp.ofpacts_len, map, &ctx->ds);
        json_object_set_new(j, "actions", json_string(ds_cstr(&ctx->ds)));
    }

    e->json = j;
    e->priority = fp.priority;
    e->values = NULL;
    e->has = NULL;
    if (ctx->n_keys) {
        e->values = xcalloc(ctx->n_keys, sizeof *e->values);
        e->has = xcalloc(ctx->n_keys, sizeof *e->has);
        for (size_t k = 0; k < ctx->n_keys; k++) {
            const struct mf_field *f = ctx->keys[k].field;
            if (!f) {
                mf_value_from_u64(&e->values[k], (uint64_t)fp.priority);
                e->has[k] = true;
            } else if (match_has_field(fp.match, f)) {
                union mf_value mask;
                match_get_field(fp.match, f, &e->values[k], &mask);
                e->has[k] = true;
            }
        }
    }
}

/* qsort has no context argument; dumps are not reentrant, so a file
 * static is enough. */
static const struct dump_ctx *sort_ctx;

static int
cmp_entries(const void *a_, const void *b_)
{
    const struct dump_entry *a = a_, *b = b_;
    for (size_t k = 0; k < sort_ctx->n_keys; k++) {
        /* Flows that do not match on the key sort after those that do,
         * whichever the direction. */
        if (a->has[k] != b->has[k]) {
            return a->has[k] ? -1 : 1;
        }
        int c = memcmp(&a->values[k], &b->values[k], sizeof a->values[k]);
        if (c) {
            return sort_ctx->keys[k].reverse ? -c : c;
        }
    }
    return 0;
}

char *
bridge_ofctl_dump_flows(struct bridges *bs, const char *name,
                        const struct bridge_dump_options *opts,
                        json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    const struct portmap *map = ofproto_portmap(br->ofproto);
    struct sort_key *keys = xcalloc(opts->n_sort_keys + 1, sizeof *keys);
    for (size_t k = 0; k < opts->n_sort_keys; k++) {
        const char *key = opts->sort_keys[k];
        keys[k].reverse = opts->rsort[k];
        if (strcmp(key, "priority")) {
            keys[k].field = mf_from_name(key, strlen(key));
            if (!keys[k].field) {
                free(keys);
                return xasprintf("%s: unknown field for --sort", key);
            }
        }
    }

    struct flow_mod filter;
    bool have_filter;
    err = dump_filter_parse(opts->match, opts->strict, map, &filter,
                            &have_filter);
    if (err) {
        free(keys);
        return err;
    }

    struct dump_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opts = opts;
    ctx.map = map;
    ctx.keys = keys;
    ctx.n_keys = opts->n_sort_keys;
    ds_init(&ctx.ds);
    ds_init(&ctx.text);
    ofproto_dump_flows(br->ofproto, have_filter ? &filter : NULL,
                       opts->strict, dump_flow_cb, &ctx);
    /* With no flow selected 'entries' is NULL, which qsort() must not
     * get even for zero elements (UBSan: nonnull argument). */
    if (ctx.n_keys && ctx.n > 1) {
        sort_ctx = &ctx;
        qsort(ctx.entries, ctx.n, sizeof *ctx.entries, cmp_entries);
        sort_ctx = NULL;
    }
    json_t *flows = opts->text_only ? NULL : json_array();
    struct ds lines = DS_EMPTY_INITIALIZER;
    if (opts->text_only) {
        ds_reserve(&lines, ctx.text.length + ctx.n);
    }
    for (size_t i = 0; i < ctx.n; i++) {
        struct dump_entry *e = &ctx.entries[i];
        if (opts->text_only) {
            ds_put_buffer(&lines, ctx.text.string + e->text_ofs,
                          e->text_len);
            ds_put_char(&lines, '\n');
        } else {
            json_array_append_new(flows, e->json);
        }
        free(e->values);
        free(e->has);
    }
    free(ctx.entries);
    ds_destroy(&ctx.ds);
    ds_destroy(&ctx.text);
    free(keys);
    if (have_filter) {
        flow_mod_uninit(&filter);
    }
    if (opts->text_only) {
        *resultp = json_pack("{s:s%, s:I}", "text",
                             lines.string ? lines.string : "", lines.length,
                             "n_flows", (json_int_t)ctx.n);
        ds_destroy(&lines);
    } else {
        *resultp = json_pack("{s:o}", "flows", flows);
    }
    return NULL;
}

struct aggregate {
    uint64_t n_packets, n_bytes, n_flows;
};

static void
aggregate_flow_cb(const struct flow_print *fp, void *agg_)
{
    struct aggregate *agg = agg_;
    agg->n_packets += fp->n_packets;
    agg->n_bytes += fp->n_bytes;
    agg->n_flows++;
}

char *
bridge_ofctl_dump_aggregate(struct bridges *bs, const char *name,
                            const char *match, bool strict, json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    struct flow_mod filter;
    bool have_filter;
    err = dump_filter_parse(match, strict, ofproto_portmap(br->ofproto),
                            &filter, &have_filter);
    if (err) {
        return err;
    }
    struct aggregate agg = {0, 0, 0};
    ofproto_dump_flows(br->ofproto, have_filter ? &filter : NULL, strict,
                       aggregate_flow_cb, &agg);
    if (have_filter) {
        flow_mod_uninit(&filter);
    }
    *resultp = json_pack("{s:I, s:I, s:I}", "packet_count",
                         (json_int_t)agg.n_packets, "byte_count",
                         (json_int_t)agg.n_bytes, "flow_count",
                         (json_int_t)agg.n_flows);
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

/* ---- packet-out. ---- */

/* Parses packet-out's in_port: a port of 'br' (by number or name,
 * LOCAL included), or "none" or "controller" for a packet from no
 * port. */
static char *
packet_out_in_port(const struct bridge *br, const char *text,
                   uint16_t *portp)
{
    uint16_t port;
    if (!port_parse(text, ofproto_portmap(br->ofproto), &port)) {
        return xasprintf("in_port %s: unknown port on bridge %s", text,
                         br->name);
    }
    switch (port) {
    case OFPP_NONE:
    case OFPP_CONTROLLER:
        break;
    case OFPP_IN_PORT:
    case OFPP_TABLE:
    case OFPP_NORMAL:
    case OFPP_FLOOD:
    case OFPP_ALL:
        return xasprintf("in_port %s: a packet cannot come from this port "
                         "(use a port of bridge %s, LOCAL, controller or "
                         "none)", text, br->name);
    default:
        if (!bridge_port_lookup_number(br, port)) {
            return xasprintf("in_port %s: unknown port on bridge %s", text,
                             br->name);
        }
        break;
    }
    *portp = port;
    return NULL;
}

/* OpenFlow's packet-out carries actions, not instructions, as in
 * ovs-ofctl: a top-level instruction is refused rather than run. */
static char *
packet_out_check_actions(const struct ofpact *ofpacts, size_t len)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        if (ofpact_is_instruction(a->type)) {
            return xasprintf("actions: %s is an instruction, which "
                             "packet-out does not take (resubmit(,N) runs "
                             "a table)", ofpact_name(a->type));
        }
    }
    return NULL;
}

/* Turns trace_parse_packet()'s "packet: ..." into "packet N: ...", so
 * that the user knows which of several packets is wrong. */
static char *
packet_out_packet_error(char *err, size_t idx)
{
    const char *why = str_starts_with(err, "packet: ")
                          ? err + strlen("packet: ")
                          : err;
    char *msg = xasprintf("packet %zu: %s", idx + 1, why);
    free(err);
    return msg;
}

char *
bridge_ofctl_packet_out(struct bridges *bs, const char *name,
                        const char *in_port, const char *actions,
                        const char *const *packets, size_t n_packets,
                        json_t **resultp)
{
    char *err;
    struct bridge *br = bridge_need(bs, name, &err);
    if (!br) {
        return err;
    }
    if (!n_packets) {
        return xstrdup("packet-out needs at least one packet");
    }
    uint16_t port = 0; /* Set by packet_out_in_port(); gcc -O3 cannot tell. */
    err = packet_out_in_port(br, in_port, &port);
    if (err) {
        return err;
    }
    struct buf ofpacts = BUF_INITIALIZER;
    err = ofpacts_parse(actions, ofproto_portmap(br->ofproto), &ofpacts);
    if (err) {
        char *msg = xasprintf("actions: %s", err);
        free(err);
        buf_uninit(&ofpacts);
        return msg;
    }
    const struct ofpact *acts =
        (const struct ofpact *)(const void *)ofpacts.data;
    err = packet_out_check_actions(acts, ofpacts.size);

    /* Every packet is parsed before any is sent: one bad packet sends
     * none.  The hex parser is trace --packet's, which also bounds the
     * size (65535 bytes) and refuses frames shorter than 14 bytes. */
    struct packet *pkts = xcalloc(n_packets, sizeof *pkts);
    size_t n_parsed = 0;
    while (!err && n_parsed < n_packets) {
        size_t i = n_parsed;
        struct flow md;
        err = trace_parse_packet("", packets[i], NULL, &pkts[i], &md);
        if (err) {
            err = packet_out_packet_error(err, i);
            break;
        }
        n_parsed++;
        /* As in OVS, the actions must fit each packet: one that writes
         * a field the packet lacks (mod_nw_src on ARP) is refused here
         * instead of being skipped by the pipeline.  Prerequisites are
         * about dl_type and nw_proto, so the match holds just those. */
        struct flow key;
        memset(&key, 0, sizeof key);
        flow_extract(packet_data(&pkts[i]), pkts[i].len, &key);
        struct match kind;
        match_init_catchall(&kind);
        kind.flow.dl_type = key.dl_type;
        kind.wc.dl_type = UINT16_MAX;
        if (key.dl_type == ETH_TYPE_IP || key.dl_type == ETH_TYPE_IPV6) {
            kind.flow.nw_proto = key.nw_proto;
            kind.wc.nw_proto = UINT8_MAX;
        }
        char *why = ofpacts_check(acts, ofpacts.size, &kind, "the packet");
        if (why) {
            err = xasprintf("packet %zu: %s", i + 1, why);
            free(why);
        }
    }

    size_t n_outputs = 0;
    if (!err) {
        struct flow md;
        memset(&md, 0, sizeof md);
        md.in_port = port;
        struct xlate_result xr;
        xlate_result_init(&xr);
        xr.copy_crossings = bs->n_captures > 0;
        for (size_t i = 0; i < n_packets; i++) {
            ofproto_execute_actions(br->ofproto, &pkts[i], &md, acts,
                                    ofpacts.size, true, &xr);
            n_outputs += send_outputs(bs, &xr);
        }
        xlate_result_uninit(&xr);
        *resultp = json_pack("{s:I, s:I}", "n_packets",
                             (json_int_t)n_packets, "n_outputs",
                             (json_int_t)n_outputs);
    }
    for (size_t i = 0; i < n_parsed; i++) {
        packet_uninit(&pkts[i]);
    }
    free(pkts);
    buf_uninit(&ofpacts);
    return err;
}
