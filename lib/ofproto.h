/* ofproto: one bridge's OpenFlow pipeline.
 *
 * An ofproto owns tables 0-254 (each a classifier), applies flow_mods
 * with OVS semantics, keeps per-flow and per-table statistics, expires
 * idle and hard timeouts against clock_msec(), and executes packets:
 * ofproto_execute() walks table 0, follows resubmits and patch ports
 * into peer bridges, runs learn, and returns what to send where.  It
 * never touches a device: the caller (bridge layer) sends the outputs.
 *
 * Ports are known here only by number and name (for FLOOD/ALL, NORMAL,
 * port names in flows, and patch peers). */
#ifndef SW_OFPROTO_H
#define SW_OFPROTO_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "flow.h"
#include "flowmod.h"
#include "packet.h"
#include "portmap.h"

#define OFPROTO_N_TABLES 255
#define OFPROTO_MAX_RESUBMIT_DEPTH 64

struct ofproto;

struct ofproto *ofproto_create(const char *name);
void ofproto_destroy(struct ofproto *);
const char *ofproto_name(const struct ofproto *);

/* Ports. */
void ofproto_port_add(struct ofproto *, uint16_t port, const char *name);
void ofproto_port_del(struct ofproto *, uint16_t port);
/* Makes 'port' a patch port: output to it enters 'peer' at table 0 with
 * in_port 'peer_port'.  'peer' NULL makes it an ordinary port again. */
void ofproto_port_set_patch(struct ofproto *, uint16_t port,
                            struct ofproto *peer, uint16_t peer_port);
/* Marks 'port' up or down: down ports receive no FLOOD/ALL/NORMAL copy. */
void ofproto_port_set_up(struct ofproto *, uint16_t port, bool up);
const struct portmap *ofproto_portmap(const struct ofproto *);

/* Applies 'n' flow_mods all-or-nothing: on error nothing changed and
 * '*errp' is an allocated message naming the failing flow_mod (by
 * index).  Returns 0 or a positive errno. */
int ofproto_flow_mods(struct ofproto *, const struct flow_mod *, size_t n,
                      char **errp);

/* Calls 'cb' for each flow that 'filter' selects (table_id, match with
 * loose semantics unless 'strict', cookie/cookie_mask, out_port), in
 * table order then descending priority.  'filter' NULL: every flow. */
void ofproto_dump_flows(const struct ofproto *, const struct flow_mod *filter,
                        bool strict,
                        void (*cb)(const struct flow_print *, void *aux),
                        void *aux);
size_t ofproto_n_flows(const struct ofproto *);

struct ofproto_table_stats {
    uint64_t active;   /* Flows in the table. */
    uint64_t lookups;  /* Packets looked up. */
    uint64_t matched;  /* Lookups that hit a flow. */
};
void ofproto_table_stats(const struct ofproto *, uint8_t table,
                         struct ofproto_table_stats *);

/* Expires idle and hard timeouts.  Returns the number of flows removed. */
size_t ofproto_run(struct ofproto *);
/* clock_msec() time of the next expiry, or INT64_MAX. */
int64_t ofproto_next_timeout(const struct ofproto *);

/* One packet to send: on port 'port' of bridge 'ofproto' (which differs
 * from the executing bridge after a patch crossing), with the tunnel
 * metadata the flow had at output time. */
struct xlate_output {
    struct ofproto *ofproto;
    uint16_t port;
    struct packet packet; /* Owned by the result. */
    uint64_t tun_id;
    uint32_t tun_src;
    uint32_t tun_dst;
};

struct xlate_result {
    struct xlate_output *outputs;
    size_t n_outputs, allocated;
    bool depth_exceeded; /* A resubmit/patch chain went too deep. */
    const char *drop_reason; /* Static string when nothing was output. */
};

void xlate_result_init(struct xlate_result *);
void xlate_result_uninit(struct xlate_result *);

/* Runs 'packet' through the pipeline.  'md' supplies the metadata
 * (in_port, tun_id, tun_src, tun_dst); its header fields are ignored.
 * With 'side_effects' false nothing changes (no counters, no learning):
 * that is what trace uses. */
void ofproto_execute(struct ofproto *, const struct packet *,
                     const struct flow *md, bool side_effects,
                     struct xlate_result *);

#endif
