/* datapath: the kernel fast path under the OpenFlow pipeline, for the
 * bridges with datapath_type=system.
 *
 * One 'struct dp' per daemon serves every system bridge (a cache entry
 * made by a walk that crossed a patch pair covers both bridges).  The
 * programs (bpf/datapath.bpf.c) sit at TC egress of internal (TAP) ports,
 * at TC ingress of system ports and at TC ingress of one kernel vxlan
 * device per (local_ip, dst_port) that the datapath creates in external
 * (collect_md) mode.  They look the packet's key up in a hash map and run
 * the entry's action list.
 *
 * Misses: a TAP's reach switchd through the TAP as with netdev; the
 * owner runs them and calls dp_miss_handled().  An ingress miss comes
 * through a perf buffer (dp_upcall_fd(), dp_upcall_run()) with its
 * device and tunnel metadata; the datapath finds the port and calls the
 * owner's upcall function, which runs the pipeline and sends the
 * outputs; then it installs the entry, the same way.
 *
 * What is cached: the walk's outputs become an action list (set the
 * tunnel key and redirect into the vxlan device; redirect into a TAP's
 * receive path; redirect out of a system port; rewrite the Ethernet
 * addresses; pop or push a VLAN tag), derived by comparing each output's
 * bytes with the input,
 * so anything the list cannot express leaves the packet uncached (always
 * correct, only slower).  Not cached: walks that reach the controller,
 * learn something new (the next packet is cached), go too deep.
 *
 * Consistency: every bridge's ofproto_version() is watched; after any
 * change (flows, NORMAL's MAC table) dp_sync() credits what the cache
 * counted and walks every entry again without side effects, keeping
 * those whose actions come out the same and removing the others, within
 * a budget of 1/DP_REVALIDATE_SHARE of a CPU (beyond it the rest is
 * flushed); a port change flushes the whole cache.  dp_run(), every
 * DP_RUN_INTERVAL_MS, reads each entry's counters and replays its walk once
 * with the count (ofproto_execute_credit()): rule counters, idle timeouts,
 * learn refreshes, NORMAL's MAC ages and the ports' rx/tx counters (through
 * dp_port_count_fn, for dump-ports) follow fast-path traffic; an entry the
 * replay would translate differently is removed; an entry idle for
 * DP_IDLE_MS is removed. */
#ifndef SW_DATAPATH_H
#define SW_DATAPATH_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct dp;
struct flow;
struct ofproto;
struct packet;
struct pr_list;
struct printer;
struct xlate_result;

#define DP_RUN_INTERVAL_MS 500
#define DP_IDLE_MS 10000
/* Revalidation may take 1/DP_REVALIDATE_SHARE of the time, in bursts of
 * up to DP_REVALIDATE_BURST_US. */
#define DP_REVALIDATE_SHARE 10
#define DP_REVALIDATE_BURST_US 100000

enum dp_port_kind {
    DP_PORT_INTERNAL, /* A TAP. */
    DP_PORT_SYSTEM,   /* An existing device. */
    DP_PORT_VXLAN,    /* Through the shared kernel vxlan device. */
};

struct dp_port_spec {
    enum dp_port_kind kind;
    const char *devname; /* INTERNAL, SYSTEM: the device. */
    /* VXLAN, as the port's options say. */
    uint32_t remote_ip; /* 0: remote_ip=flow. */
    bool key_flow;
    uint32_t vni;
    uint32_t local_ip;
    uint16_t dst_port;
    uint8_t ttl;
};

/* Runs a missed packet: executes 'pkt' that arrived with metadata 'md'
 * on 'ofproto' (with side effects), sends the outputs, and leaves the
 * walk's result in 'res'. */
typedef void dp_upcall_fn(void *aux, struct ofproto *, const struct packet *,
                          const struct flow *md, struct xlate_result *res);

/* Credits to port 'port' of 'ofproto' what the kernel forwarded for
 * it: 'packets' and 'bytes' received ('tx' false) or sent (dump-ports;
 * for a patch port, its crossings). */
typedef void dp_port_count_fn(void *aux, struct ofproto *, uint16_t port,
                              bool tx, uint64_t packets, uint64_t bytes);

/* Loads the programs.  NULL or an allocated message (no BPF, no
 * permission, ...) and nothing is left behind.  'count' may be NULL. */
char *dp_create(dp_upcall_fn *, dp_port_count_fn *count, void *aux,
                struct dp **dpp);

/* While 'on' (a capture is running), the cache is emptied and nothing is
 * installed: every packet takes the slow path, where captures see it. */
void dp_set_bypass(struct dp *, bool on);
void dp_destroy(struct dp *);

/* Makes port 'ofport' of 'ofproto' part of the fast path: attaches the
 * program to its device (for VXLAN, creating or sharing the kernel
 * device).  NULL or an allocated message naming the port's device. */
char *dp_port_add(struct dp *, struct ofproto *, uint16_t ofport,
                  const struct dp_port_spec *);
void dp_port_del(struct dp *, struct ofproto *, uint16_t ofport);
/* A bridge is going away: every port of it leaves. */
void dp_bridge_del(struct dp *, struct ofproto *);

/* Removes the fast path's programs from device 'devname''s clsact hooks
 * (both), where a switchd that died left them: a persistent TAP or a
 * system port that is now opened by a netdev bridge would still have its
 * packets forwarded by stale entries or its misses dropped.  Needs no
 * 'struct dp'.  Returns how many it removed (0: none, or no such
 * device). */
int dp_remove_stale_hooks(const char *devname);

/* The perf buffer's epoll fd: readable when ingress misses wait. */
int dp_upcall_fd(const struct dp *);
/* Handles every waiting ingress miss. */
void dp_upcall_run(struct dp *);

/* A packet received on internal port md->in_port of 'ofproto' (a TAP
 * miss) was run into 'res': installs the entry if it can be cached. */
void dp_miss_handled(struct dp *, struct ofproto *, const struct packet *,
                     const struct flow *md, const struct xlate_result *);

/* Credits what the cache forwarded so far to the rules of each entry's
 * walk (replaying its learns) without changing the cache.  Call before a
 * change: those packets came before it, so their learns must not be
 * replayed after it (a learn re-pointing a flow that a mod-flows just
 * changed). */
void dp_credit(struct dp *);

/* Revalidates the cache (see above) if any bridge changed since the
 * last call.  Call after anything that may change a bridge: flow
 * requests, reconfiguration, timeouts. */
void dp_sync(struct dp *);
/* Statistics, learn refresh, revalidation and idle expiry (see above). */
void dp_run(struct dp *);

/* swofctl dump-dp-flows: renders the entries that packets entering
 * 'ofproto' use as items of 'list' (printer.h): {"key", "packets",
 * "bytes", "used" (seconds, -1: never), "actions"}, or ovs-dpctl's line
 * "KEY, packets:N, bytes:N, used:S.SSSs|never, actions:ACTIONS". */
void dp_dump_flows(struct dp *, const struct ofproto *, struct printer *,
                   const struct pr_list *);

/* Whether a packet entering port md->in_port of 'ofproto' with these
 * bytes would hit the cache now: "hit", "miss" or "not cacheable" (for
 * trace). */
const char *dp_would_hit(struct dp *, const struct ofproto *,
                         const struct packet *, const struct flow *md);

/* Counters of the programs summed over CPUs, and the cache size. */
struct dp_stats {
    uint64_t hits, misses, uncacheable, miss_too_big, miss_lost;
    uint64_t n_flows, n_installed, n_flushes, n_revalidations;
    uint64_t n_revalidated_out, n_idle_out;
};
void dp_get_stats(struct dp *, struct dp_stats *);

#endif
