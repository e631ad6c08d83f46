/* bridge: live bridges and ports following the configuration, and packet
 * dispatch between netdevs and ofprotos.  swofctl's requests on them are
 * in the ofctl-*.c files (bridge-ofctl.h). */
#include "bridge.h"
#include "bridge-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "datapath.h"
#include "ds.h"
#include "eth-addr.h"
#include "log.h"
#include "netdev.h"
#include "ofproto.h"
#include "printer.h"
#include "util.h"
#include "vxlan.h"

/* Frames read from one port per readable event, so that one busy port
 * cannot starve the others or the control socket. */
#define BRIDGE_RX_BATCH 64

/* ---- Lookup. ---- */

struct bridge *bridge_lookup(const struct bridges *bs, const char *name)
{
    for (size_t i = 0; i < bs->n; i++) {
        if (!strcmp(bs->v[i]->name, name)) {
            return bs->v[i];
        }
    }
    return NULL;
}

struct bridge *bridge_lookup_ofproto(const struct bridges *bs,
                                     const struct ofproto *ofp)
{
    for (size_t i = 0; i < bs->n; i++) {
        if (bs->v[i]->ofproto == ofp) {
            return bs->v[i];
        }
    }
    return NULL;
}

struct bridge_port *bridge_port_lookup(const struct bridge *br,
                                       const char *name)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!strcmp(br->ports[i]->name, name)) {
            return br->ports[i];
        }
    }
    return NULL;
}

struct bridge_port *bridge_port_lookup_number(const struct bridge *br,
                                              int ofport)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (br->ports[i]->ofport == ofport) {
            return br->ports[i];
        }
    }
    return NULL;
}

static struct bridge_port *find_port_anywhere(const struct bridges *bs,
                                              const char *name)
{
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge_port *p = bridge_port_lookup(bs->v[i], name);
        if (p) {
            return p;
        }
    }
    return NULL;
}

struct ofproto *bridges_find_ofproto(const struct bridges *bs,
                                     const char *name)
{
    struct bridge *br = bridge_lookup(bs, name);
    return br ? br->ofproto : NULL;
}

bool bridges_iface_open_failed(const struct bridges *bs, const char *iface)
{
    struct bridge_port *p = find_port_anywhere(bs, iface);
    return p && !p->netdev && p->open_error;
}

const char *bridges_iface_error(const struct bridges *bs, const char *iface)
{
    struct bridge_port *p = find_port_anywhere(bs, iface);
    if (!p) {
        return NULL;
    }
    return p->open_error ? p->open_error : p->patch_error;
}

/* ---- Packet path. ---- */

/* Hands a frame to the captures of 'port' (call only when it has some). */
static void bridge_capture(struct bridge_port *port, enum capture_dir dir,
                           const struct packet *pkt,
                           const struct netdev_tunnel *tnl)
{
    port->bridge->bridges->sub_hooks->capture(port, dir, pkt, tnl);
}

/* Port 'port' of bridge 'ofproto', or NULL. */
static struct bridge_port *
port_of(const struct bridges *bs, const struct ofproto *ofproto, uint16_t port)
{
    const struct bridge *br = bridge_lookup_ofproto(bs, ofproto);
    return br ? bridge_port_lookup_number(br, port) : NULL;
}

/* Patch crossings happen inside the pipeline, so no device saw them:
 * credit tx on the sending patch port and rx on its peer here, for
 * dump-ports, and hand the frame to their captures (the walk copied it
 * if any capture was running). */
static void credit_crossings(const struct bridges *bs,
                             const struct xlate_result *xr)
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
            bridge_capture(tx, CAPTURE_TX, &c->packet, NULL);
        }
        if (c->copied && rx && rx->captures) {
            bridge_capture(rx, CAPTURE_RX, &c->packet, NULL);
        }
    }
}

/* Sends what one pipeline walk output on the devices of the ports it
 * chose, and credits its patch crossings: what a received packet and a
 * packet-out both end with.  Returns the number of outputs that had a
 * device to go to. */
size_t bridges_send_outputs(struct bridges *bs, const struct xlate_result *xr)
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
        struct netdev_tunnel otnl = { out->tun_id, out->tun_src, out->tun_dst,
                                      0 };
        if (op->captures) {
            bridge_capture(op, CAPTURE_TX, &out->packet, &otnl);
        }
        int error = netdev_send(op->netdev, &out->packet, &otnl);
        /* A full queue, or a TAP whose link is down (EIO), is an
         * ordinary counted drop (netdev counts it), not worth a warning
         * per flooded packet. */
        if (error && error != EAGAIN && error != ENOBUFS && error != EIO) {
            LOG_RL(LOG_WARN, "%s: send failed: %s", op->name, strerror(error));
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
static void rx_batch_flush(struct rx_batch *b)
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
        bridges_send_outputs(bs, &bs->rx_results[i]);
        if (b->bridge->system) {
            /* A fast path miss that came through a TAP. */
            dp_miss_handled(bs->dp, b->bridge->ofproto, &b->pkts[i], &b->md[i],
                            &bs->rx_results[i]);
        }
        xlate_result_clear(&bs->rx_results[i]);
        packet_uninit(&b->pkts[i]);
    }
    b->n = 0;
    b->bridge = NULL;
}

/* Takes 'pkt' (ownership included), which arrived on 'port' with the
 * tunnel metadata 'tnl', into 'b', running what 'b' held first if it
 * is full or for another bridge. */
static void rx_batch_add(struct rx_batch *b, struct bridge_port *port,
                         struct packet *pkt, const struct netdev_tunnel *tnl)
{
    if (b->n && (b->bridge != port->bridge || b->n == OFPROTO_BATCH_MAX)) {
        rx_batch_flush(b);
    }
    if (port->captures) {
        bridge_capture(port, CAPTURE_RX, pkt, tnl);
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
static size_t port_poll(struct bridge_port *port, size_t budget)
{
    struct rx_batch b = { .n = 0 };
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
    port->bridge->bridges->n_rx += n;
    return n;
}

static void port_rx_cb(evutil_socket_t fd, short what, void *port_)
{
    struct bridge_port *port = port_;
    port_poll(port, BRIDGE_RX_BATCH);
    if (port->rx_event && port->netdev && netdev_rx_pending(port->netdev)) {
        /* Frames already read from the kernel wait in user space (a
         * vxlan batch) or a junk flood cut the read short: the fd may
         * stay quiet, so come back on the next loop iteration, after
         * the other ready events. */
        event_active(port->rx_event, EV_READ, 0);
    }
}

size_t bridges_poll_once(struct bridges *bs, size_t budget)
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

/* Fills 'p->info' from its type and, for a tunnel, the configuration
 * its class reads from 'opts' (so a port that failed to open still shows
 * where it would send). */
static void bridge_port_info_init(struct bridge_port *p,
                                  const struct netdev_option *opts, size_t n)
{
    struct trace_port_info *info = &p->info;
    memset(info, 0, sizeof *info);
    snprintf(info->type, sizeof info->type, "%s", p->type);
    if (!netdev_type_is_tunnel(p->type)) {
        return;
    }
    /* The port's class reads its options, as it does when it opens them.
     * Options it refuses leave the port without tunnel data; opening it
     * fails with the same message, which swctl show reports. */
    char *err =
        netdev_get_tunnel_config(p->type, p->name, opts, n, &info->cfg);
    info->tunnel = !err;
    free(err);
}

static char *options_string(const struct config_port *cp)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_format(&ds, "%s;", cp->type);
    for (size_t i = 0; i < cp->n_options; i++) {
        ds_put_format(&ds, "%s=%s,", cp->options[i].key, cp->options[i].value);
    }
    return ds_steal_cstr(&ds);
}

static void port_destroy(struct bridge_port *p)
{
    if (!p) {
        return;
    }
    if (p->bridge->bridges->sub_hooks) {
        p->bridge->bridges->sub_hooks->port_gone(p);
    }
    if (p->rx_event) {
        event_free(p->rx_event);
    }
    if (p->bridge->system) {
        dp_port_del(p->bridge->bridges->dp, p->bridge->ofproto,
                    (uint16_t)p->ofport);
    }
    ofproto_port_del(p->bridge->ofproto, (uint16_t)p->ofport);
    if (p->bridge->bridges->keep_devices) {
        netdev_close_keep(p->netdev);
    } else {
        netdev_close(p->netdev);
    }
    free(p->name);
    free(p->type);
    free(p->options);
    free(p->open_error);
    free(p->patch_error);
    free(p);
}

/* The MAC switchd gives an internal port's TAP: derived from the port's
 * name and the database's uuid, so that it is the same at every start
 * (peers' ARP caches stay right) and differs between hosts whose bridges
 * have the same names (every host of the article has a br-int).  The
 * LOCAL port takes other_config:hwaddr instead when it is set. */
static void port_stable_mac(const struct bridge_port *p,
                            uint8_t mac[ETH_ADDR_LEN])
{
    const struct bridge *br = p->bridge;
    if (!strcmp(p->name, br->name) && br->hwaddr
        && eth_addr_parse(br->hwaddr, mac)) {
        return;
    }
    char *seed = xasprintf("%s/%s", br->bridges->uuid ? br->bridges->uuid : "",
                           p->name);
    eth_addr_from_name(seed, mac);
    free(seed);
}

static void port_apply_mac(struct bridge_port *p)
{
    uint8_t mac[ETH_ADDR_LEN];
    port_stable_mac(p, mac);
    int error = p->netdev ? netdev_set_etheraddr(p->netdev, mac) : 0;
    if (error) {
        LOG(LOG_WARN, "%s: cannot set the MAC of %s: %s", p->bridge->name,
            p->name, strerror(error));
    }
}

/* Puts a system bridge's port into the fast path.  NULL or an error for
 * swctl show. */
static char *port_join_fast_path(struct bridge_port *p,
                                 const struct config_port *cp)
{
    struct dp_port_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.devname = p->name;
    bool internal = !strcmp(cp->type, "internal");
    if (!netdev_type_is_tunnel(cp->type)) {
        spec.kind = internal ? DP_PORT_INTERNAL : DP_PORT_SYSTEM;
    } else {
        const struct netdev_tunnel_config *c = &p->info.cfg;
        spec.kind = DP_PORT_VXLAN;
        spec.remote_ip = c->remote_flow ? 0 : c->remote_ip;
        spec.key_flow = c->key_flow;
        spec.vni = c->vni;
        spec.local_ip = c->local_ip;
        spec.dst_port = c->dst_port ? c->dst_port : VXLAN_DST_PORT;
        /* What the cache sends is unicast: a multicast port's floods to
         * its group stay in the slow path (dp-cache.c). */
        spec.ttl = netdev_tunnel_ttl(c, 0);
    }
    char *err = dp_port_add(p->bridge->bridges->dp, p->bridge->ofproto,
                            (uint16_t)p->ofport, &spec);
    if (err) {
        char *msg = xasprintf("%s: fast path: %s", p->name, err);
        free(err);
        return msg;
    }
    return NULL;
}

static void port_create(struct bridge *br, const struct config_port *cp)
{
    struct bridge_port *p = xzalloc(sizeof *p);
    p->bridge = br;
    p->name = xstrdup(cp->name);
    p->type = xstrdup(cp->type);
    p->options = options_string(cp);
    p->ofport = cp->ofport;
    p->created_msec = clock_msec();
    br->ports = xrealloc(br->ports, (br->n_ports + 1) * sizeof *br->ports);
    br->ports[br->n_ports++] = p;

    ofproto_port_add(br->ofproto, (uint16_t)cp->ofport, cp->name);

    struct netdev_option *opts = xcalloc(cp->n_options + 1, sizeof *opts);
    for (size_t i = 0; i < cp->n_options; i++) {
        opts[i].key = cp->options[i].key;
        opts[i].value = cp->options[i].value;
    }
    bridge_port_info_init(p, opts, cp->n_options);
    /* On a system bridge the fast path receives for system and vxlan
     * ports; their netdevs only send what the slow path outputs. */
    bool on_fast_path = br->system && !netdev_type_is_patch(cp->type);
    unsigned flags =
        on_fast_path && strcmp(cp->type, "internal") ? NETDEV_F_KERNEL_RX : 0;
    int error = netdev_open_flags(cp->type, cp->name, opts, cp->n_options,
                                  flags, &p->netdev, &p->open_error);
    free(opts);
    if (!error && !netdev_type_is_tunnel(cp->type)
        && !netdev_type_is_patch(cp->type)
        && dp_remove_stale_hooks(cp->name)) {
        LOG(LOG_INFO,
            "%s: %s: removed a fast-path program left on the device by an "
            "earlier switchd",
            br->name, cp->name);
    }
    if (!error && on_fast_path) {
        p->open_error = port_join_fast_path(p, cp);
        error = p->open_error ? EINVAL : 0;
    }
    if (error) {
        LOG(LOG_WARN, "%s", p->open_error ? p->open_error : cp->name);
        ofproto_port_set_up(br->ofproto, (uint16_t)p->ofport, false);
        return;
    }
    netdev_set_aux(p->netdev, p);
    if (!strcmp(p->type, "internal")) {
        port_apply_mac(p);
    }
    int fd = netdev_get_fd(p->netdev);
    if (fd >= 0 && br->bridges->base) {
        p->rx_event = event_new(br->bridges->base, fd, EV_READ | EV_PERSIST,
                                port_rx_cb, p);
        event_add(p->rx_event, NULL);
    }
}

static void bridge_del_port_at(struct bridge *br, size_t i)
{
    struct bridge_port *p = br->ports[i];
    memmove(&br->ports[i], &br->ports[i + 1],
            (br->n_ports - i - 1) * sizeof *br->ports);
    br->n_ports--;
    port_destroy(p);
}

static void bridge_destroy(struct bridge *br)
{
    if (br->bridges->sub_hooks) {
        br->bridges->sub_hooks->bridge_gone(br);
    }
    while (br->n_ports) {
        bridge_del_port_at(br, br->n_ports - 1);
    }
    if (br->system) {
        dp_bridge_del(br->bridges->dp, br->ofproto);
    }
    free(br->ports);
    ofproto_destroy(br->ofproto);
    free(br->name);
    free(br->hwaddr);
    free(br);
}

/* The flows a bridge has when nobody gave it any: NORMAL in table 0
 * when standalone (OVS's default learning switch), nothing when
 * secure. */
static void bridge_default_flows(struct bridge *br)
{
    if (br->secure) {
        LOG(LOG_INFO, "%s: fail_mode secure: starting without flows",
            br->name);
        return;
    }
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err =
        flow_mod_parse(&fm, "priority=0,actions=NORMAL", FM_PARSE_ADD, NULL);
    if (!err) {
        ofproto_flow_mods(br->ofproto, &fm, 1, &err);
    }
    if (err) {
        LOG(LOG_ERR, "%s: installing the default flow: %s", br->name, err);
        free(err);
    }
    flow_mod_uninit(&fm);
}

/* A fail mode change removes every flow, as in OVS (the flows were made
 * for the other mode), then installs the new mode's default. */
static void bridge_set_secure(struct bridge *br, bool secure)
{
    if (br->secure == secure) {
        return;
    }
    br->secure = secure;
    struct flow_mod fm;
    flow_mod_init(&fm, FM_DELETE);
    fm.table_id = FM_TABLE_ALL;
    char *err = NULL;
    ofproto_flow_mods(br->ofproto, &fm, 1, &err);
    free(err);
    flow_mod_uninit(&fm);
    LOG(LOG_INFO, "%s: fail_mode now %s: flows removed", br->name,
        secure ? "secure" : "standalone");
    bridge_default_flows(br);
}

/* The bridge columns that apply at once (fail_mode's change is in
 * bridge_set_secure()). */
static void bridge_configure(struct bridge *br,
                             const struct config_bridge *cbr)
{
    /* At once, never removing flows: see ofproto_set_flow_limit(). */
    ofproto_set_flow_limit(br->ofproto, config_bridge_flow_limit(cbr));
    br->save_flows = config_bridge_restores_flows(cbr);
    const char *dpid = config_bridge_get_other(cbr, CONFIG_BR_DATAPATH_ID);
    if (!dpid || !config_parse_datapath_id(dpid, &br->dpid)) {
        br->dpid = 0;
    }
    const char *hwaddr = config_bridge_get_other(cbr, CONFIG_BR_HWADDR);
    if (!hwaddr != !br->hwaddr || (hwaddr && strcmp(hwaddr, br->hwaddr))) {
        free(br->hwaddr);
        br->hwaddr = hwaddr ? xstrdup(hwaddr) : NULL;
        struct bridge_port *local = bridge_port_lookup(br, br->name);
        if (local) {
            port_apply_mac(local);
        }
    }
}

static struct bridge *bridge_create(struct bridges *bs,
                                    const struct config_bridge *cbr)
{
    struct bridge *br = xzalloc(sizeof *br);
    br->bridges = bs;
    br->name = xstrdup(cbr->name);
    br->ofproto = ofproto_create(cbr->name);
    br->secure = config_bridge_is_secure(cbr);
    bridge_configure(br, cbr);

    /* The saved flows come back before any port is opened, so the first
     * packet already meets them. */
    bool restored = bridge_restore_flows(br);
    if (!restored) {
        bridge_default_flows(br);
    }
    /* A restored table is what the file holds; anything else is saved
     * at the first chance. */
    br->saved_seq = restored ? ofproto_change_seq(br->ofproto) : UINT64_MAX;

    bs->v = xrealloc(bs->v, (bs->n + 1) * sizeof *bs->v);
    bs->v[bs->n++] = br;
    return br;
}

struct bridges *bridges_create(struct event_base *base)
{
    struct bridges *bs = xzalloc(sizeof *bs);
    bs->base = base;
    for (size_t i = 0; i < OFPROTO_BATCH_MAX; i++) {
        xlate_result_init(&bs->rx_results[i]);
    }
    return bs;
}

void bridges_destroy(struct bridges *bs)
{
    if (!bs) {
        return;
    }
    /* Unwire patches first so no ofproto points into a freed one. */
    for (size_t i = 0; i < bs->n; i++) {
        for (size_t j = 0; j < bs->v[i]->n_ports; j++) {
            ofproto_port_set_patch(bs->v[i]->ofproto,
                                   (uint16_t)bs->v[i]->ports[j]->ofport, NULL,
                                   0);
        }
    }
    for (size_t i = 0; i < bs->n; i++) {
        bridge_destroy(bs->v[i]);
    }
    if (bs->dp_upcall_event) {
        event_free(bs->dp_upcall_event);
    }
    if (bs->dp_timer) {
        event_free(bs->dp_timer);
    }
    dp_destroy(bs->dp);
    for (size_t i = 0; i < OFPROTO_BATCH_MAX; i++) {
        xlate_result_uninit(&bs->rx_results[i]);
    }
    free(bs->v);
    free(bs->flow_dir);
    free(bs->uuid);
    for (size_t i = 0; i < bs->n_forgotten; i++) {
        free(bs->forgotten[i]);
    }
    free(bs->forgotten);
    free(bs);
}

/* True if live port 'p' still matches config port 'cp'. */
static bool port_unchanged(const struct bridge_port *p,
                           const struct config_port *cp)
{
    char *opts = options_string(cp);
    bool same = p->ofport == cp->ofport && !strcmp(p->options, opts);
    free(opts);
    return same;
}

static void wire_patches(struct bridges *bs, const struct config *cfg)
{
    for (size_t i = 0; i < bs->n; i++) {
        struct bridge *br = bs->v[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            struct bridge_port *p = br->ports[j];
            free(p->patch_error);
            p->patch_error = NULL;
            if (!netdev_type_is_patch(p->type) || !p->netdev) {
                continue;
            }
            struct config_port *cp = config_find_port(cfg, p->name, NULL);
            const char *peer_name =
                cp ? config_port_get_option(cp, "peer") : NULL;
            struct bridge_port *peer =
                peer_name ? find_port_anywhere(bs, peer_name) : NULL;
            if (!peer) {
                p->patch_error =
                    xasprintf("%s: peer %s does not exist", p->name,
                              peer_name ? peer_name : "(none)");
            } else if (!netdev_type_is_patch(peer->type)) {
                p->patch_error = xasprintf("%s: peer %s is not a patch port",
                                           p->name, peer_name);
            } else {
                struct config_port *pcp =
                    config_find_port(cfg, peer->name, NULL);
                const char *back =
                    pcp ? config_port_get_option(pcp, "peer") : NULL;
                if (!back || strcmp(back, p->name)) {
                    p->patch_error = xasprintf(
                        "%s: peer %s has options:peer=%s, not %s", p->name,
                        peer->name, back ? back : "(none)", p->name);
                }
            }
            if (p->patch_error) {
                ofproto_port_set_patch(br->ofproto, (uint16_t)p->ofport, NULL,
                                       0);
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

/* ---- The kernel fast path. ---- */

/* A miss the fast path hands up: run it and send what it outputs, as a
 * packet read from the port's device would be. */
static void fast_path_upcall(void *bs_, struct ofproto *ofp,
                             const struct packet *pkt, const struct flow *md,
                             struct xlate_result *res)
{
    struct bridges *bs = bs_;
    struct bridge_port *port = port_of(bs, ofp, md->in_port);
    bs->n_rx++;
    if (port && port->netdev) {
        netdev_count_rx(port->netdev, pkt->len);
    }
    if (port && port->captures) {
        struct netdev_tunnel tnl = { md->tun_id, md->tun_src, md->tun_dst, 0 };
        bridge_capture(port, CAPTURE_RX, pkt, &tnl);
    }
    res->copy_crossings = bs->n_captures > 0;
    ofproto_execute(ofp, pkt, md, true, res);
    bridges_send_outputs(bs, res);
}

static void fast_path_upcall_cb(evutil_socket_t fd, short what, void *bs_)
{
    struct bridges *bs = bs_;
    dp_upcall_run(bs->dp);
}

/* What the kernel forwarded, for dump-ports (datapath.h). */
static void fast_path_count(void *bs_, struct ofproto *ofp, uint16_t port,
                            bool tx, uint64_t packets, uint64_t bytes)
{
    struct bridge_port *p = port_of(bs_, ofp, port);
    if (p && p->netdev) {
        netdev_count_n(p->netdev, tx, packets, bytes);
    }
}

static void fast_path_timer_cb(evutil_socket_t fd, short what, void *bs_)
{
    struct bridges *bs = bs_;
    dp_run(bs->dp);
}

/* Loads the fast path on first use; false (logged) if it cannot be. */
static bool fast_path_load(struct bridges *bs)
{
    if (bs->dp) {
        return true;
    }
    char *err = dp_create(fast_path_upcall, fast_path_count, bs, &bs->dp);
    if (err) {
        LOG_RL(LOG_WARN,
               "datapath_type=system (the default) unavailable, those "
               "bridges run as netdev: %s",
               err);
        free(err);
        return false;
    }
    if (bs->base) {
        bs->dp_upcall_event =
            event_new(bs->base, dp_upcall_fd(bs->dp), EV_READ | EV_PERSIST,
                      fast_path_upcall_cb, bs);
        event_add(bs->dp_upcall_event, NULL);
        bs->dp_timer =
            event_new(bs->base, -1, EV_PERSIST, fast_path_timer_cb, bs);
        struct timeval tv = { 0, DP_RUN_INTERVAL_MS * 1000 };
        event_add(bs->dp_timer, &tv);
    }
    dp_set_bypass(bs->dp, bs->n_captures > 0);
    LOG(LOG_INFO, "kernel fast path loaded (TC-BPF)");
    return true;
}

/* Whether 'cbr' runs on the fast path: it asks for it and the programs
 * load. */
static bool want_system(struct bridges *bs, const struct config_bridge *cbr)
{
    return config_bridge_is_system(cbr) && fast_path_load(bs);
}

void bridges_credit(struct bridges *bs)
{
    if (bs->dp) {
        dp_credit(bs->dp);
    }
}

void bridges_sync(struct bridges *bs)
{
    if (bs->dp) {
        dp_sync(bs->dp);
    }
}

void bridges_reconfigure(struct bridges *bs, const struct config *cfg)
{
    if (!bs->uuid || strcmp(bs->uuid, cfg->uuid)) {
        free(bs->uuid);
        bs->uuid = xstrdup(cfg->uuid);
    }
    /* Unwire every patch: bridges and ports may go away below. */
    for (size_t i = 0; i < bs->n; i++) {
        for (size_t j = 0; j < bs->v[i]->n_ports; j++) {
            struct bridge_port *p = bs->v[i]->ports[j];
            if (netdev_type_is_patch(p->type)) {
                ofproto_port_set_patch(bs->v[i]->ofproto, (uint16_t)p->ofport,
                                       NULL, 0);
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
            /* Its saved flows go too: a bridge added later under the
             * same name starts new. */
            bridge_forget_flows(br);
            bridge_destroy(br);
            continue;
        }
        bool system = want_system(bs, cbr);
        if (system != br->system) {
            /* Every port moves between datapaths: reopen them all. */
            while (br->n_ports) {
                bridge_del_port_at(br, br->n_ports - 1);
            }
            if (br->system) {
                dp_bridge_del(bs->dp, br->ofproto);
            }
            br->system = system;
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
            br = bridge_create(bs, cbr);
            br->system = want_system(bs, cbr);
        } else {
            bridge_set_secure(br, config_bridge_is_secure(cbr));
            bridge_configure(br, cbr);
        }
        for (size_t j = 0; j < cbr->n_ports; j++) {
            const struct config_port *cp = cbr->ports[j];
            if (!bridge_port_lookup(br, cp->name) && cp->ofport > 0) {
                port_create(br, cp);
            }
            /* Port columns that need no reopening: NORMAL's VLANs. */
            if (cp->ofport > 0) {
                ofproto_port_set_vlan(br->ofproto, (uint16_t)cp->ofport,
                                      cp->tag, cp->trunks, cp->n_trunks);
            }
        }
    }
    wire_patches(bs, cfg);
    bridges_sync(bs);
}

size_t bridges_run(struct bridges *bs)
{
    size_t n = 0;
    for (size_t i = 0; i < bs->n; i++) {
        n += ofproto_run(bs->v[i]->ofproto);
    }
    netdev_report_drops();
    bridges_sync(bs);
    return n;
}

int64_t bridges_next_timeout(const struct bridges *bs)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < bs->n; i++) {
        int64_t t = ofproto_next_timeout(bs->v[i]->ofproto);
        next = t < next ? t : next;
    }
    return next;
}

/* ---- Requests share this. ---- */

struct bridge *bridge_need(struct bridges *bs, const char *name, char **errp)
{
    struct bridge *br = bridge_lookup(bs, name);
    *errp = br ? NULL : xasprintf("no bridge named %s", name);
    return br;
}

struct bridge *bridge_read_begin(struct bridges *bs, const char *name,
                                 const struct ofctl_view *view,
                                 struct printer *pr, char **errp)
{
    struct bridge *br = bridge_need(bs, name, errp);
    if (br) {
        pr_reply_begin(pr, view->text);
    }
    return br;
}
