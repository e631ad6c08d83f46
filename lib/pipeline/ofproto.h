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

#define OFPROTO_N_TABLES (OFPTT_MAX + 1)
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
/* OpenFlow port config bits, OpenFlow 1.0's values (swofctl mod-port).
 * PORT_DOWN is the device's state and is not kept here; NO_STP,
 * NO_RECV_STP and NO_PACKET_IN are kept and shown only, as in OVS with
 * STP off and table misses that drop. */
enum ofport_config {
    OFPPC_PORT_DOWN = 1 << 0,
    OFPPC_NO_STP = 1 << 1,
    OFPPC_NO_RECV = 1 << 2, /* Frames received on it are dropped. */
    OFPPC_NO_RECV_STP = 1 << 3,
    OFPPC_NO_FLOOD = 1 << 4, /* FLOOD and NORMAL's flooding skip it. */
    OFPPC_NO_FWD = 1 << 5,   /* Every output to it is dropped. */
    OFPPC_NO_PACKET_IN = 1 << 6,
};
/* Sets the bits of 'mask' in 'port''s config to those of 'config'. */
void ofproto_port_mod_config(struct ofproto *, uint16_t port, uint32_t config,
                             uint32_t mask);
/* The port's config bits (0 for a port it does not have). */
uint32_t ofproto_port_get_config(const struct ofproto *, uint16_t port);
/* NORMAL's VLANs for 'port', as OVS's Port tag and trunks columns:
 * 'tag' 0..4095 makes it an access port of that VLAN (frames arrive and
 * leave untagged; tagged arrivals are dropped), -1 a trunk (frames keep
 * or get their VLAN's tag, VLAN 0 untagged) limited to the 'n' VLANs in
 * 'trunks' if 'n' is not 0.  NORMAL learns, forwards and floods within
 * one VLAN.  A new port is a trunk of every VLAN. */
void ofproto_port_set_vlan(struct ofproto *, uint16_t port, int tag,
                           const uint16_t *trunks, size_t n);
const struct portmap *ofproto_portmap(const struct ofproto *);

/* Applies 'n' flow_mods all-or-nothing: on error nothing changed and
 * '*errp' is an allocated message naming the failing flow_mod (by
 * index).  Returns 0 or a positive errno. */
int ofproto_flow_mods(struct ofproto *, const struct flow_mod *, size_t n,
                      char **errp);

/* The same in slices, for a large file (add-flows): the batch is checked
 * whole first, so that it fails before it changes anything, then applied
 * a slice at a time, the caller's loop running in between.  From the end
 * of the check it holds room below the flow limit for the flows it may
 * add, so that learning cannot take that room meanwhile.  Packets
 * between two slices see part of the batch applied, as with ovs-ofctl
 * add-flows without --bundle; ofproto_flow_mods() is the --bundle form.
 * 'fms' must outlive the batch. */
struct ofproto_batch;
struct ofproto_batch *
ofproto_batch_start(struct ofproto *, const struct flow_mod *fms, size_t n);
/* Checks or applies for about 'max_msec'.  Returns false while there is
 * more to do; true when done, or failed with '*errp' (allocated, naming
 * the flow_mod by index) and '*errnum' (a positive errno) set: nothing
 * was applied then, unless the bridge went away half way (ENODEV). */
bool ofproto_batch_step(struct ofproto_batch *, int max_msec, int *errnum,
                        char **errp);
void ofproto_batch_destroy(struct ofproto_batch *);
/* True while a batch of this bridge has not finished. */
bool ofproto_batches_running(const struct ofproto *);

/* replace-flows: makes the flows whose cookie matches 'cookie' under
 * 'cookie_mask' (a mask of 0 selects every flow) exactly 'adds'.  A
 * selected flow identical to an add (table, priority, match, cookie,
 * timeouts, actions) is left alone with its counters; the other selected
 * flows are deleted and the other adds added, all-or-nothing as
 * ofproto_flow_mods().  Takes the adds' actions (the caller still uninits
 * each add).  '*n_addedp' and '*n_deletedp' count what changed. */
int ofproto_replace_flows(struct ofproto *, struct flow_mod *adds,
                          size_t n_adds, uint64_t cookie, uint64_t cookie_mask,
                          size_t *n_addedp, size_t *n_deletedp, char **errp);

/* The same in slices, for a large list (replace-flows without --bundle):
 * the table's flows are copied a dump step at a time, compared with the
 * adds and the difference applied as a batch (ofproto_batch_step()), a
 * slice of about 'max_msec' per step, so a table of a million flows never
 * holds the caller; packets meanwhile see part of the change.  Takes the
 * adds' actions as ofproto_replace_flows() does; 'adds' must outlive
 * the replace.  A step returns true when done or failed ('*errp' and
 * '*errnum' set; nothing changed unless the bridge went away). */
struct ofproto_replace;
struct ofproto_replace *ofproto_replace_start(struct ofproto *,
                                              struct flow_mod *adds,
                                              size_t n_adds, uint64_t cookie,
                                              uint64_t cookie_mask);
bool ofproto_replace_step(struct ofproto_replace *, int max_msec, int *errnum,
                          char **errp);
void ofproto_replace_counts(const struct ofproto_replace *, size_t *n_added,
                            size_t *n_deleted);
void ofproto_replace_destroy(struct ofproto_replace *);

/* Calls 'cb' for each flow that 'filter' selects (table_id, match with
 * loose semantics unless 'strict', cookie/cookie_mask, out_port), in
 * table order then descending priority.  'filter' NULL: every flow. */
void ofproto_dump_flows(const struct ofproto *, const struct flow_mod *filter,
                        bool strict,
                        void (*cb)(const struct flow_print *, void *aux),
                        void *aux);
size_t ofproto_n_flows(const struct ofproto *);

/* The same dump in pieces, so that a dump of a million flows never holds
 * the caller for long: ofproto_dump_step() reports up to 'max' more flows
 * (in the order ofproto_dump_flows() uses) and returns true once every
 * flow was reported.  Between steps anything may happen: flows added
 * since the dump reached their table are not reported, flows removed
 * before they were reached are not reported, and a flow is reported as it
 * is when reached.  Memory: one pointer per flow of the table being
 * dumped.  A step may report nothing yet return false: it sorted one
 * run of 1,024 flows of a large table (a table is sorted a run per step
 * and the runs merged as they are reported), so no step costs more than
 * collecting a table's pointers.  If the bridge is destroyed meanwhile, the
 * next step returns true with '*gone' set.  'filter' is copied. */
struct ofproto_dump;
struct ofproto_dump *ofproto_dump_start(struct ofproto *,
                                        const struct flow_mod *filter,
                                        bool strict);
/* Sorts the dump (before its first step) as dump-flows --sort does: by
 * each key in turn, a field or (NULL) the priority, ascending unless
 * 'reverse'; flows that do not match on a key's field come after those
 * that do, whichever the direction; ties in the unsorted dump's order.
 * Every table is then collected before the first flow is reported (a
 * table per step), sorted a run per step and the runs merged, so a
 * sorted dump of a million flows never holds the caller either.
 * Memory: a pointer, two words and the keys' values per flow.  At most
 * OFPROTO_SORT_KEYS_MAX keys. */
#define OFPROTO_SORT_KEYS_MAX 32
struct ofproto_sort_key {
    const struct mf_field *field; /* NULL: priority. */
    bool reverse;
};
void ofproto_dump_sort(struct ofproto_dump *, const struct ofproto_sort_key *,
                       size_t n);
bool ofproto_dump_step(struct ofproto_dump *, size_t max,
                       void (*cb)(const struct flow_print *, void *aux),
                       void *aux, bool *gone);
void ofproto_dump_destroy(struct ofproto_dump *);
/* True once the dump's bridge went away. */
bool ofproto_dump_gone(const struct ofproto_dump *);

struct ofproto_table_stats {
    uint64_t active;  /* Flows in the table. */
    uint64_t lookups; /* Packets looked up. */
    uint64_t matched; /* Lookups that hit a flow. */
};
void ofproto_table_stats(const struct ofproto *, uint8_t table,
                         struct ofproto_table_stats *);

/* ---- Saving and restoring a flow table (ofproto-save.c). ----
 *
 * A restart must bring a bridge back with the flows it had, learned
 * ones included, or a mesh floods (a bridge without its flows is a
 * learning switch, or drops everything).  ofproto_save_flows() writes
 * every flow as one line of text:
 *
 *   switchd-flows 1
 *   <age> <since_modified> <since_used> <modified> <n_packets> <n_bytes>
 * <flow>
 *
 * where the first three are milliseconds before the save, <modified> is
 * 1 if the flow was modified since it was added (dump-flows' hard_age),
 * and <flow> is the flow as add-flow takes it (table, priority, cookie,
 * timeouts, importance, flags, match, actions; port numbers, never
 * names).  Ages are relative, so the time the daemon was down does not
 * count against a timeout: a flow saved with 100 s left of its
 * hard_timeout has 100 s left after the restart.
 *
 * ofproto_restore_flows() adds the saved flows to 'p' as one
 * all-or-nothing flow_mod batch, then gives each back its ages and
 * counters.  What is not kept: which flow learned a learned flow (so a
 * learner's delete_learned no longer removes it until a learn that
 * fires again re-links it) and NORMAL's MAC table. */
void ofproto_save_flows(const struct ofproto *, struct ds *out);
/* Returns NULL and the number of flows restored in '*np', or an
 * allocated message ("line N: why") after which 'p' is unchanged. */
char *ofproto_restore_flows(struct ofproto *, const char *text, size_t *np);
/* A number that changes whenever a flow is added, modified or removed
 * (by a request, a learn, a timeout or an eviction), and only then: a
 * learn that merely refreshes a flow and a packet that hits one do not
 * change it.  The flow saver compares it with its value at the last
 * save. */
uint64_t ofproto_change_seq(const struct ofproto *);

/* Expires idle and hard timeouts, in slices: one call looks at no more
 * than OFPROTO_EXPIRE_SCAN flows with a timeout and removes no more than
 * OFPROTO_EXPIRE_SLICE, so that expiring a million flows at once never
 * holds the caller's loop for long (packets are forwarded between
 * slices).  The flows it looks at are the due ones and the ones a hit or
 * a learn postponed since they were filed (ofproto-expire.c), never the
 * whole table.  While a pass is unfinished, ofproto_next_timeout() returns
 * a time already reached: call again soon.  Returns the number of flows
 * removed by this call.  After a pass that removed many flows, freed
 * memory is handed back to the system (sw_trim_memory()). */
#define OFPROTO_EXPIRE_SCAN 8192
#define OFPROTO_EXPIRE_SLICE 1024
size_t ofproto_run(struct ofproto *);
/* clock_msec() time of the next expiry, or INT64_MAX. */
int64_t ofproto_next_timeout(const struct ofproto *);

/* One packet to send: on port 'port' of bridge 'ofproto' (which differs
 * from the executing bridge after a patch crossing), with the tunnel
 * metadata the flow had at output time. */
struct xlate_output {
    struct ofproto *ofproto;
    uint16_t port;
    /* Owned by the result; or, for an output of the bytes exactly as
     * they came in, a view of the input packet (packet_view()): the
     * caller keeps the input until it is done with the outputs. */
    struct packet packet;
    uint64_t tun_id;
    uint32_t tun_src;
    uint32_t tun_dst;
};

/* One crossing of a patch port pair during a walk: the packet, 'bytes'
 * long at that moment, left 'from' through its patch port 'port' and
 * entered 'to' at 'peer_port'.  The bridge layer credits tx on the
 * sender's device and rx on the peer's (the devices never see the
 * packet, so nobody else would count it).  A walk that hits the depth
 * limit reports no crossings, as it reports no outputs: the packet is
 * dropped as a whole and counted in ofproto_stats.n_depth_exceeded, and
 * counting some of its crossings would make one side of a patch pair
 * disagree with the other in a loop.  Crossings are recorded with or
 * without side effects (trace shows them); only the packet path credits
 * counters. */
struct xlate_crossing {
    struct ofproto *from;
    struct ofproto *to;
    uint16_t port;
    uint16_t peer_port;
    uint32_t bytes;
    /* With xlate_result.copy_crossings, a copy of the frame as it
     * crossed (for captures of patch ports); else unused. */
    bool copied;
    struct packet packet;
};

struct xlate_result {
    struct xlate_output *outputs;
    size_t n_outputs, allocated;
    /* Patch crossings in walk order; the array is kept across
     * xlate_result_clear() like 'outputs'. */
    struct xlate_crossing *crossings;
    size_t n_crossings, allocated_crossings;
    /* Set by the caller (and kept by xlate_result_clear()): copy each
     * crossing's frame into its 'packet'.  The bridge sets it only while
     * a capture runs, so the packet path copies nothing otherwise. */
    bool copy_crossings;
    bool depth_exceeded;     /* A resubmit/patch chain went too deep. */
    const char *drop_reason; /* Static string when nothing was output. */
    unsigned n_controller;   /* Packets sent to the controller hook. */
    unsigned n_learned;      /* learn actions that added or changed a flow. */
};

void xlate_result_init(struct xlate_result *);
void xlate_result_uninit(struct xlate_result *);
/* Empties 'result' for the next packet but keeps its buffers, so a caller
 * executing packet after packet does not allocate per packet.  Packets in
 * 'outputs' stay the result's (or views of the input, see struct
 * xlate_output); copy them before the next call. */
void xlate_result_clear(struct xlate_result *);
/* Gives every output that is a view of the input its own copy, for a
 * caller that lets the input go before it is done with the outputs. */
void xlate_result_own(struct xlate_result *);

/* Runs 'packet' through the pipeline.  'md' supplies the metadata
 * (in_port, tun_id, tun_src, tun_dst); its header fields are ignored.
 * 'packet' must outlive the caller's use of the result's outputs: an
 * unchanged output shares its bytes instead of copying them.
 * With 'side_effects' false nothing changes (no counters, no learning):
 * that is what trace uses. */
void ofproto_execute(struct ofproto *, const struct packet *,
                     const struct flow *md, bool side_effects,
                     struct xlate_result *);

/* For a cache of walk results (lib/datapath): runs the walk of a packet
 * the cache forwarded 'n_packets' times ('n_bytes' in all) since it last
 * asked, with side effects, as if they had all come through here: each
 * rule the walk visits is credited with 'n_packets' and 'n_bytes' and
 * marked used now (so idle_timeout sees them), a learn refreshes or
 * installs its flow (so learned flows stay alive), NORMAL learns the
 * source MAC.  The controller hook is not called: those packets were
 * forwarded long ago.  'res' is the walk's result as ofproto_execute()
 * gives it, which the cache compares with what it holds (revalidation). */
void ofproto_execute_credit(struct ofproto *, const struct packet *,
                            const struct flow *md, uint64_t n_packets,
                            uint64_t n_bytes, struct xlate_result *res);

/* Changes whenever what a walk would do may have changed (flows, ports,
 * NORMAL's MAC table): see 'version' in ofproto-private.h. */
uint64_t ofproto_version(const struct ofproto *);

/* Packet-out: runs the action list 'ofpacts' ('len' bytes) on 'packet'
 * instead of looking the packet up in table 0, otherwise exactly as
 * ofproto_execute() does (same walk, same 'md' metadata, same result).
 * resubmit(,N) and goto_table then look the packet up as usual; an
 * output to md->in_port needs output:in_port, as in a flow.  With
 * md->in_port OFPP_NONE or OFPP_CONTROLLER (a packet from no port),
 * NORMAL floods and forwards but learns nothing. */
void ofproto_execute_actions(struct ofproto *, const struct packet *,
                             const struct flow *md,
                             const struct ofpact *ofpacts, size_t len,
                             bool side_effects, struct xlate_result *);

/* ---- Additions beyond the first interface (pipeline owner). ---- */

/* Bounds the number of flows in all tables of the bridge (default
 * OFPROTO_DEFAULT_FLOW_LIMIT).  At the limit:
 *   - a client's add (add-flows, mod-flows that adds, replace-flows)
 *     fails with ENOSPC, all or nothing, counted in n_add_refused;
 *   - a learn that would add a flow first evicts one flow the same
 *     learning flow learned into the same table: the first, from the
 *     one learned longest ago, that was never hit nor refreshed since
 *     it was learned (what a flood of new source MACs leaves behind,
 *     so a storm costs one look per eviction), else of the (up to
 *     OFPROTO_EVICT_SCAN) it learned longest ago, the one refreshed
 *     longest ago; the others looked at go to the back of the queue
 *     (a second chance).  So a flood of new source MACs recycles the flood's
 * own flows, and a MAC that keeps talking is learned again on its next packet
 * at worst: unicast never degrades to flooding for long, and memory stays
 * bounded by the limit.  Counted in n_evicted.  Only when the learner has
 * nothing to evict (the table is full of other flows) does the learn fail,
 * counted in n_learn_failed. Lowering the limit below the flows present
 * removes nothing; adds and learns then behave as at the limit. */
#define OFPROTO_DEFAULT_FLOW_LIMIT 2000000
#define OFPROTO_EVICT_SCAN 16
void ofproto_set_flow_limit(struct ofproto *, size_t limit);
size_t ofproto_get_flow_limit(const struct ofproto *);

struct ofproto_stats {
    uint64_t n_depth_exceeded; /* Packets dropped: chain too deep. */
    uint64_t n_learn_failed;   /* Learns refused by the flow limit. */
    uint64_t n_learn_limited;  /* Learns refused by learn(limit=N). */
    uint64_t n_evicted;        /* Learned flows evicted at the limit. */
    uint64_t n_add_refused;    /* Client flow_mods refused at the limit. */
    uint64_t n_expired;        /* Flows removed by idle/hard timeouts. */
    uint64_t n_packet_in;      /* Packets handed to the controller hook. */
};
void ofproto_get_stats(const struct ofproto *, struct ofproto_stats *);
/* Logs, at warning level, what the flow limit and learn limits refused
 * or evicted since the last summary: at most once every
 * OFPROTO_SUMMARY_MSEC and only when something happened, so a flood
 * gives one line every minute with its counts instead of a rate limit
 * that goes silent.  ofproto_run() calls it. */
#define OFPROTO_SUMMARY_MSEC 60000
void ofproto_log_summary(struct ofproto *);

/* NORMAL's MAC table (fdb-show).  Ages in seconds since last seen. */
void ofproto_fdb_dump(const struct ofproto *,
                      void (*cb)(uint16_t port, uint16_t vlan,
                                 const uint8_t mac[6], int64_t age_sec,
                                 void *aux),
                      void *aux);
void ofproto_fdb_flush(struct ofproto *);
/* 0 keeps the current value (defaults: 300 s, 8192 entries). */
void ofproto_set_mac_aging(struct ofproto *, unsigned idle_sec,
                           size_t max_entries);

/* The controller action (and dec_ttl on an expiring TTL) hands packets
 * to this hook; issue 6's monitor streams them.  Called synchronously
 * during ofproto_execute() with side effects; 'packet' bytes include
 * header changes made so far and are valid only during the call.  The
 * hook must only queue: changing flows or ports from inside it would pull
 * rules out from under the running walk. */
struct ofproto_packet_in {
    const struct ofproto *ofproto;
    uint8_t table_id;
    uint8_t reason; /* 0 no_match, 1 action, 2 invalid_ttl. */
    uint16_t max_len;
    uint64_t cookie;
    const struct flow *flow;
    const uint8_t *packet;
    size_t len;
};
void ofproto_set_packet_in_cb(struct ofproto *,
                              void (*cb)(const struct ofproto_packet_in *,
                                         void *aux),
                              void *aux);

/* Batched execution: the datapath's entry point for packets received
 * together (recvmmsg).  Runs packets[i] with metadata md[i] into
 * results[i], always with side effects, exactly as n calls of
 * ofproto_execute() in order would: packet i sees the flows learned by
 * packets before it.  The difference is speed: all n flow keys are
 * extracted first and the memory of large tables (index slots, rules,
 * and the flows a learn is about to refresh) is prefetched for all of
 * them before the first packet runs, so the cache misses of different
 * packets overlap instead of queueing.  Any 'n' works; internally the
 * packets go in groups of OFPROTO_BATCH_MAX, and the packets of a group
 * share one clock_msec() reading (they arrived together), which is the
 * only thing that may differ from one-by-one execution.  Each result is
 * cleared first, as ofproto_execute() does. */
#define OFPROTO_BATCH_MAX 32
void ofproto_execute_batch(struct ofproto *,
                           const struct packet *const *packets,
                           const struct flow *md, size_t n,
                           struct xlate_result *results);

/* Flow monitor hook (issue 6).  Called synchronously, in the middle of a
 * flow_mod, a learn, or ofproto_run(), once per flow added, modified or
 * removed; the callback must only queue (changing flows from inside it
 * is not allowed).  'flow' and everything it points to are valid only
 * during the call; its statistics are filled (show_stats set) for
 * MODIFIED and DELETED, not for ADDED.
 *
 * What is reported:
 *   - add-flow of a new flow: ADDED/CLIENT; an add that replaces a flow
 *     with the same match and priority: MODIFIED/REPLACED (one event, as
 *     OVS reports it: the flow keeps existing, with new actions and
 *     fresh counters);
 *   - mod-flows: MODIFIED/CLIENT per flow changed (ADDED/CLIENT when it
 *     adds);
 *   - del-flows: DELETED/CLIENT per flow, and DELETED/DELETE_LEARNED for
 *     each flow removed with its learner (delete_learned);
 *   - timeouts (ofproto_run): DELETED/IDLE_TIMEOUT or HARD_TIMEOUT;
 *   - eviction at the flow limit: DELETED/EVICTED;
 *   - a learn action: ADDED/LEARNED for a new flow, MODIFIED/LEARNED
 *     when the learned actions differ (the MAC moved).  A learn that only
 *     refreshes an identical flow (same actions: the common case, once
 *     per packet from a known MAC) reports NOTHING: it would flood the
 *     monitor, and only hard_age changed.
 * Destroying the bridge reports nothing.  'cb' NULL turns the hook off. */
enum ofproto_flow_event {
    OFPROTO_FLOW_ADDED,
    OFPROTO_FLOW_MODIFIED,
    OFPROTO_FLOW_DELETED,
};

enum ofproto_flow_reason {
    OFPROTO_REASON_CLIENT,
    OFPROTO_REASON_LEARNED,
    OFPROTO_REASON_IDLE_TIMEOUT,
    OFPROTO_REASON_HARD_TIMEOUT,
    OFPROTO_REASON_DELETE_LEARNED,
    OFPROTO_REASON_REPLACED,
    OFPROTO_REASON_EVICTED, /* Made room for a learn at the flow limit. */
};

struct ofproto_flow_change {
    const struct ofproto *ofproto;
    enum ofproto_flow_event event;
    enum ofproto_flow_reason reason;
    const struct flow_print *flow; /* No stats for ADDED. */
};

void ofproto_set_flow_monitor_cb(struct ofproto *,
                                 void (*cb)(const struct ofproto_flow_change *,
                                            void *aux),
                                 void *aux);

/* Trace: ofproto_execute_trace() runs the very same walk as
 * ofproto_execute() and reports each step to 'cb'.  Pointers in an event
 * are valid only during the callback. */
enum xlate_event_type {
    XE_TABLE,      /* Lookup in 'table_id': 'rule' matched, NULL = miss. */
    XE_ACTION,     /* 'action' is about to run on 'flow'. */
    XE_FIELDS,     /* 'action' changed the flow from 'old_flow' to 'flow'. */
    XE_SKIP,       /* 'action' had no effect, 'reason' says why. */
    XE_OUTPUT,     /* A packet was output on 'port' of 'ofproto'. */
    XE_PATCH,      /* Crossing patch 'port' into 'peer' at 'peer_port'. */
    XE_LEARN,      /* 'rule' (in its table) was learned; 'reason' says
                    * "added", "modified", "refreshed", "table full" or
                    * "not installed (no side effects)". */
    XE_CONTROLLER, /* Sent to the controller ('reason'). */
    XE_DROP,       /* Translation ended with no output: 'reason'. */
};

struct xlate_event {
    enum xlate_event_type type;
    int depth;                     /* Resubmit/patch nesting, 0 at the
                                    * first lookup. */
    const struct ofproto *ofproto; /* Bridge being executed. */
    uint8_t table_id;
    const struct flow *flow;
    const struct flow *old_flow;   /* XE_FIELDS. */
    const struct flow_print *rule; /* XE_TABLE, XE_LEARN (no stats). */
    const struct ofpact *action;   /* XE_ACTION, XE_FIELDS, XE_SKIP. */
    uint16_t port;                 /* XE_OUTPUT, XE_PATCH. */
    const struct ofproto *peer;    /* XE_PATCH. */
    uint16_t peer_port;            /* XE_PATCH. */
    const char *reason;
};

void ofproto_execute_trace(struct ofproto *, const struct packet *,
                           const struct flow *md, bool side_effects,
                           struct xlate_result *,
                           void (*cb)(const struct xlate_event *, void *aux),
                           void *aux);

#endif
