/* bridge-ofctl: swofctl's requests on the live bridges.
 *
 * Each function takes the text the user typed (flows, matches, port
 * names: parsed here, where the bridge's port map is), works through the
 * bridge's state (bridge-private.h) and the pipeline's API, and returns
 * the JSON that swofctl renders.  Each returns NULL or an allocated
 * message for the user and changes nothing when it fails.  The files are
 * split by what they serve: ofctl-ports.c (show, dump-ports,
 * dump-tables), ofctl-flows.c (flow_mods, replace-flows, dump-flows,
 * dump-aggregate), ofctl-packet-out.c, bridge-debug.c (fdb-show,
 * trace). */
#ifndef SW_BRIDGE_OFCTL_H
#define SW_BRIDGE_OFCTL_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "flowmod.h"

struct bridges;
struct portmap;
struct printer;

/* How a read command's reply is rendered.  One renderer per reply (on
 * printer.h) builds either form, so a key or a line layout lives in one
 * place and swofctl only prints what it gets. */
struct ofctl_view {
    bool text;      /* {"text": "..."}: ovs-ofctl 3.1's text.  Else JSON. */
    int of_version; /* 10 or 13: whose layout the text follows. */
};

/* A reply starts with pr_reply_begin(&pr, view->text) (printer.h). */

/* swofctl show: {"dpid", "n_tables", "n_buffers", "ports": [{"port",
 * "name", "type", "addr", "admin_up", "link_up", "speed_mbps"}]}; with
 * 'desc_only', dump-ports-desc: {"ports": [...]} alone. */
char *bridge_ofctl_show(struct bridges *, const char *br,
                        const struct ofctl_view *, bool desc_only,
                        json_t **resultp);

/* mod-port: 'action' is one of ovs-ofctl's words (up, down, stp,
 * receive, receive-stp, forward, flood, packet-in, each also with "no-"
 * or "no" before it).  up/down set the port's device up or down (a port
 * without a device, patch or vxlan, stays as it is); the others set the
 * port's OpenFlow config bits, kept until the daemon stops.  In an
 * OpenFlow 1.3 view the bits 1.3 lacks (stp, receive-stp, flood) change
 * nothing, as in OVS.  Result: {}. */
char *bridge_ofctl_mod_port(struct bridges *, const char *br, const char *port,
                            const char *action, const struct ofctl_view *,
                            json_t **resultp);

/* add-flow/add-flows/mod-flows/del-flows: 'text' holds one flow per line
 * (blank lines and lines starting with '#' are skipped).  All lines are
 * parsed, then applied all-or-nothing, in one go.  Result:
 * {"n_flow_mods": N}.  The daemon applies requests in slices through
 * bridge_flow_upload_*() instead; this is the library's one-call form. */
char *bridge_ofctl_flow_mods(struct bridges *, const char *br, enum fm_command,
                             const char *text, json_t **resultp);
/* The same as swofctl sends them in OpenFlow 'of_version' (10 or 13; 0
 * for neither).  As ovs-ofctl: in 1.0 a flow with reset_counts is
 * refused (the flag needs 1.2's OXM) and every add carries
 * FM_F_RESET_COUNTS (a 1.0 add resets what it replaces; a 1.3 dump shows
 * the flag). */
char *bridge_ofctl_flow_mods_flags(struct bridges *, const char *br,
                                   enum fm_command, const char *text,
                                   int of_version, json_t **resultp);

/* The same request with its flow text in pieces (an upload): a file of
 * any size is parsed and checked a piece at a time as it arrives, and
 * then committed a slice at a time by bridge_flow_upload_step(), so the
 * caller can run other work (packets) between pieces and between
 * slices.  All-or-nothing: the whole file is checked against the table
 * before the first flow_mod applies, so a bad line anywhere installs
 * nothing.  Between slices packets see part of the file applied, as
 * with ovs-ofctl add-flows; with 'bundle' (--bundle) the commit is one
 * step, so they see the table before or after the file, never half of
 * it, at the cost of holding the caller for the whole commit.  A line
 * may be cut between pieces.  start() fails like
 * bridge_ofctl_flow_mods_flags() for an unknown bridge; feed() with
 * "line N: why" for a bad line, a line over BRIDGE_FLOW_MAX_LINE, or when
 * the upload holds more flows than the bridge's flow limit, or all
 * uploads together more than a full default table (the upload is then
 * useless: destroy it).  step() parses what is left and commits for
 * about UPLOAD_SLICE_MSEC; it returns false while there is more, true
 * when done, with the same result or error as
 * bridge_ofctl_flow_mods_flags() for the same text.  Port names are
 * looked up when their line is parsed. */
struct bridge_flow_upload;
#define BRIDGE_FLOW_MAX_LINE (1024u * 1024) /* Bytes in one flow's line. */
char *bridge_flow_upload_start(struct bridges *, const char *br,
                               enum fm_command, int of_version, bool bundle,
                               struct bridge_flow_upload **);
char *bridge_flow_upload_feed(struct bridge_flow_upload *, const char *text,
                              size_t len);
bool bridge_flow_upload_step(struct bridge_flow_upload *, json_t **resultp,
                             char **errp);
/* Makes the upload (started with FM_ADD) a replace-flows: its flows
 * become the bridge's, in the scope of 'cookie'/'cookie_mask' (mask 0:
 * every flow), applied in slices (ofproto_replace_start()) or with
 * 'bundle' in one go; the result is {"added", "deleted"}.  Call before
 * the first feed(). */
void bridge_flow_upload_set_replace(struct bridge_flow_upload *,
                                    uint64_t cookie, uint64_t cookie_mask);
void bridge_flow_upload_destroy(struct bridge_flow_upload *);

/* replace-flows: makes the bridge's flows exactly those in 'text',
 * leaving identical flows (and their counters) alone.  With a nonzero
 * 'cookie_mask', only the flows whose cookie matches 'cookie' under the
 * mask are replaced and every other flow stays as it is (an agent owns
 * its cookie and nothing else); each flow in 'text' must then carry a
 * cookie in that scope, or nothing changes.  'of_version' as for
 * bridge_ofctl_flow_mods_flags(): in 1.0 reset_counts is refused.
 * Result: {"added": N, "deleted": M}. */
char *bridge_ofctl_replace_flows(struct bridges *, const char *br,
                                 const char *text, uint64_t cookie,
                                 uint64_t cookie_mask, int of_version,
                                 json_t **resultp);

/* Options of dump-flows. */
struct bridge_dump_options {
    const char *match; /* Filter text, NULL or "" for all flows. */
    bool strict;
    bool stats; /* Statistics in the text lines. */
    bool names; /* Port names instead of numbers. */
    /* Only the text, as one string: the reply swofctl asks for when it
     * prints text, because building one JSON object per flow costs more
     * than everything else in a dump of 100,000 flows. */
    bool text_only;
    int of_version; /* 10 or 13: ovs-ofctl's rendering for that version. */
    /* Sort keys, applied in order: a field name or "priority"; 'rsort'
     * per key reverses it. */
    const char **sort_keys;
    const bool *rsort;
    size_t n_sort_keys;
};

/* dump-flows: {"flows": [{"table", "priority", "cookie", ...,
 * "match", "actions", "text"}]} where "text" is the ovs-ofctl line; with
 * 'text_only', {"text": "...", "n_flows": N}: what ovs-ofctl prints,
 * whose header ("NXST_FLOW reply (xid=0x4):") and ages only its plain
 * dump has (statistics, no --names, no sorting). */
char *bridge_ofctl_dump_flows(struct bridges *, const char *br,
                              const struct bridge_dump_options *,
                              json_t **resultp);

/* dump-flows in pieces, sorted or not: with 'text_only' the lines
 * bridge_ofctl_dump_flows() would put in "text", without it one line per
 * flow holding the object it would put in "flows" (compact JSON),
 * produced a few at a time so that the daemon sends a dump of millions of
 * flows in chunks with packets forwarded in between, holding one chunk
 * and one pointer per flow of the table being dumped (of every table,
 * and the sort keys' values, when sorted).  Flows that change meanwhile
 * are shown as they are when reached (ofproto_dump_step()).  Fails like
 * bridge_ofctl_dump_flows() (unknown bridge, bad match, bad sort key). */
struct bridge_flow_stream;
char *bridge_ofctl_dump_flows_stream(struct bridges *, const char *br,
                                     const struct bridge_dump_options *,
                                     struct bridge_flow_stream **);
/* Appends the lines of up to 'max_flows' more flows to 'out' (the reply
 * header first).  Returns true when the dump is complete, or with an
 * allocated message in '*errp' if the bridge went away. */
bool bridge_flow_stream_step(struct bridge_flow_stream *, size_t max_flows,
                             struct ds *out, char **errp);
size_t bridge_flow_stream_n_flows(const struct bridge_flow_stream *);
void bridge_flow_stream_destroy(struct bridge_flow_stream *);

/* dump-aggregate: sums over the flows that 'match' selects, with the
 * same filter as dump-flows (NULL or "" for every flow; table=N for one
 * table; 'strict' as in dump-flows): {"packet_count", "byte_count",
 * "flow_count"}. */
char *bridge_ofctl_dump_aggregate(struct bridges *, const char *br,
                                  const char *match, bool strict,
                                  const struct ofctl_view *, json_t **resultp);

/* packet-out: runs 'actions' (action syntax, port names allowed) on each
 * of the 'n_packets' frames in 'packets' (hex, as trace --packet takes
 * them, at most 65535 bytes, at least 14) as if it had arrived on
 * 'in_port' (a port of the bridge by number or name, LOCAL, or "none" /
 * "controller" for no port), through ofproto_execute_actions(), and
 * sends the outputs on the ports' devices like a received packet's,
 * with the same counters.  Everything is parsed first: an error sends
 * nothing.  Result: {"n_packets": N, "n_outputs": M} where M counts the
 * copies handed to a device. */
char *bridge_ofctl_packet_out(struct bridges *, const char *br,
                              const char *in_port, const char *actions,
                              const char *const *packets, size_t n_packets,
                              json_t **resultp);

/* dump-ports: {"ports": [{"port", "name", "rx_packets", ...}]}; 'port'
 * NULL for all ports. */
char *bridge_ofctl_dump_ports(struct bridges *, const char *br,
                              const char *port, const struct ofctl_view *,
                              json_t **resultp);

/* dump-tables: {"tables": [{"table", "active", "lookup", "matched"}]}
 * for every table that has flows or has seen lookups, and table 0. */
char *bridge_ofctl_dump_tables(struct bridges *, const char *br,
                               const struct ofctl_view *, json_t **resultp);

/* stats: what the bridge's bounds refused and what its vxlan sockets
 * dropped, as text ("bridge NAME: N flows, limit L" and one line per
 * counter and per socket) or JSON: {"bridge", "n_flows", "flow_limit",
 * "n_evicted", "n_learn_failed", "n_learn_limited", "n_add_refused",
 * "n_expired", "n_depth_exceeded", "n_packet_in", "vxlan_sockets":
 * [{"local_ip", "dst_port", "ports": [names], "rx_unknown_peer",
 * "rx_bad_header", "rx_wrong_vni", "rx_truncated", "rx_overflow"}]} (one entry
 * per socket the bridge's vxlan ports share; its counters are the socket's,
 * whichever bridge asks). */
char *bridge_ofctl_stats(struct bridges *, const char *br,
                         const struct ofctl_view *, json_t **resultp);

/* dump-dp-flows: the kernel fast path's entries for packets entering
 * bridge 'br' (none on a netdev bridge): {"bridge", "datapath_type",
 * "flows": [{"key", "packets", "bytes", "used", "actions"}], and on a
 * system bridge "stats" (the programs' hits, misses, ... for all
 * bridges)}, or as text one ovs-dpctl line per entry (dp_dump_flows()). */
char *bridge_ofctl_dump_dp_flows(struct bridges *, const char *br,
                                 const struct ofctl_view *, json_t **resultp);

/* fdb-show: NORMAL's MAC table, oldest sighting first: {"bridge",
 * "entries": [{"port", "vlan", "mac", "age" (seconds)}]}. */
char *bridge_ofctl_fdb_show(struct bridges *, const char *br,
                            const struct ofctl_view *, json_t **resultp);
/* fdb-flush (ovs-appctl fdb/flush): forgets every MAC NORMAL learned.
 * Result: {"text"}. */
char *bridge_ofctl_fdb_flush(struct bridges *, const char *br,
                             json_t **resultp);

/* trace: runs the packet that 'flow_text' (and 'packet_hex', may be NULL)
 * describe through bridge 'br' (trace_parse_packet() syntax), with the
 * ports' tunnel options; 'generate' applies side effects (learning,
 * counters, packet-ins), though nothing is sent.  Result: trace_to_json()
 * plus "text", the trace_format() rendering. */
char *bridge_ofctl_trace(struct bridges *, const char *br,
                         const char *flow_text, const char *packet_hex,
                         bool generate, json_t **resultp);

/* Parses flow text (one flow per line) into '*fmsp' ('*np' of them,
 * caller uninits each and frees the array).  Errors name the line.
 * Shared with swofctl's offline parse-flows. */
char *bridge_parse_flows(const char *text, enum fm_command, enum fm_parse_mode,
                         const struct portmap *, struct flow_mod **fmsp,
                         size_t *np);

#endif
