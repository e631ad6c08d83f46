/* trace: where a packet goes, step by step ("swofctl trace").
 *
 * A trace runs one packet through ofproto_execute_trace(), the very walk
 * that forwards real packets, and records every step it reports (table
 * lookups, actions, field changes, patch crossings, outputs, learns,
 * drops) into a list of steps that it owns.  The list is then rendered
 * twice by one printer: as text for people (trace_format) and as JSON for
 * scripts (trace_to_json), so the two can never disagree.  The format is
 * described in docs/debugging.md.
 *
 * Ports' tunnel options (remote_ip, key) live in the bridge layer, above
 * this one; the caller passes a lookup callback so outputs on VXLAN ports
 * show the VNI and remote they would be sent with.
 *
 * A trace is bounded: after 'max_events' steps recording stops (the walk
 * itself still completes, so the outputs and drop reason stay right) and
 * the rendering says it was truncated. */
#ifndef SW_TRACE_H
#define SW_TRACE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "flow.h"
#include "netdev.h"
#include "ofproto.h"
#include "packet.h"
#include "portmap.h"

#define TRACE_DEFAULT_MAX_EVENTS 4096

/* What the bridge layer knows of a port that the pipeline does not. */
struct trace_port_info {
    char type[16]; /* "vxlan", "internal", "system", "patch"... */
    bool tunnel;   /* A VXLAN port: outputs are encapsulated. */
    /* When 'tunnel': as the port's class reads its options; a dst_port of
     * 0 means VXLAN_DST_PORT. */
    struct netdev_tunnel_config cfg;
};

/* Fills '*info' (zeroed by the caller) for 'port' of 'ofproto' and
 * returns true, or returns false when it knows nothing of the port. */
typedef bool trace_port_info_func(const struct ofproto *, uint16_t port,
                                  struct trace_port_info *info, void *aux);

struct trace_options {
    bool generate;     /* Side effects: learn, counters (--generate). */
    size_t max_events; /* 0: TRACE_DEFAULT_MAX_EVENTS. */
    trace_port_info_func *port_info; /* May be NULL. */
    void *port_info_aux;
};

struct trace;

/* Builds the packet to trace from its description: 'flow_text' in match
 * syntax ("in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_spa=10.1.1.2";
 * fields left out are zero, masks are refused) and, if 'packet_hex' is
 * not NULL, the raw frame in hex (white space and ':' ignored), in which
 * case only the metadata of 'flow_text' (in_port, tun_id, tun_src,
 * tun_dst, metadata, regs) is used.  Port names resolve through 'ports'
 * (may be NULL).  On success returns NULL, '*packet' initialized (caller
 * uninits) and '*md' the metadata; otherwise an allocated message naming
 * the token, its position and why (caller frees). */
char *trace_parse_packet(const char *flow_text, const char *packet_hex,
                         const struct portmap *ports, struct packet *packet,
                         struct flow *md);

/* Just the flow part: every field of 'text' into '*flow' (zeroed first). */
char *trace_parse_flow(const char *text, const struct portmap *ports,
                       struct flow *flow);

/* Runs 'packet' with metadata 'md' through 'ofproto' and records it.
 * Caller destroys the result. */
struct trace *trace_run(struct ofproto *, const struct packet *packet,
                        const struct flow *md, const struct trace_options *);
void trace_destroy(struct trace *);

/* Appends the text rendering (several lines, each ending in '\n'). */
void trace_format(const struct trace *, struct ds *);
/* The JSON rendering: a new reference (caller decrefs). */
json_t *trace_to_json(const struct trace *);

/* The outcome, as ofproto_execute_trace() left it. */
const struct xlate_result *trace_result(const struct trace *);
size_t trace_n_steps(const struct trace *);
bool trace_truncated(const struct trace *);

#endif
