/* ofctl-packet-out: swofctl packet-out, running an action list on
 * frames the user gives as if they had arrived on a port, and sending
 * what comes out like a received packet's outputs. */
#include "bridge-ofctl.h"
#include "bridge-private.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "flow.h"
#include "match.h"
#include "ofproto.h"
#include "packet.h"
#include "portmap.h"
#include "trace.h"
#include "util.h"

/* Parses packet-out's in_port: a port of 'br' (by number or name,
 * LOCAL included), or "none" or "controller" for a packet from no
 * port. */
static char *packet_out_in_port(const struct bridge *br, const char *text,
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
                         "none)",
                         text, br->name);
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
static char *packet_out_check_actions(const struct ofpact *ofpacts, size_t len)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        if (ofpact_is_instruction(a->type)) {
            return xasprintf("actions: %s is an instruction, which "
                             "packet-out does not take (resubmit(,N) runs "
                             "a table)",
                             ofpact_name(a->type));
        }
    }
    return NULL;
}

/* Turns trace_parse_packet()'s "packet: ..." into "packet N: ...", so
 * that the user knows which of several packets is wrong. */
static char *packet_out_packet_error(char *err, size_t idx)
{
    const char *why =
        str_starts_with(err, "packet: ") ? err + strlen("packet: ") : err;
    char *msg = xasprintf("packet %zu: %s", idx + 1, why);
    free(err);
    return msg;
}

char *bridge_ofctl_packet_out(struct bridges *bs, const char *name,
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
            n_outputs += bridges_send_outputs(bs, &xr);
        }
        xlate_result_uninit(&xr);
        *resultp = json_pack("{s:I, s:I}", "n_packets", (json_int_t)n_packets,
                             "n_outputs", (json_int_t)n_outputs);
    }
    for (size_t i = 0; i < n_parsed; i++) {
        packet_uninit(&pkts[i]);
    }
    free(pkts);
    buf_uninit(&ofpacts);
    return err;
}
