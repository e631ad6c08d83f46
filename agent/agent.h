/* swagent: one per host, beside switchd.  It publishes the host's
 * endpoints into etcd under a lease it keeps alive, mirrors the whole
 * PREFIX with one range read and a watch, and keeps br-tun's flows equal
 * to overlay_flows() of that mirror (lib/overlay), each change as one
 * replace-flows request restricted to the agent's cookie.
 *
 * Files: agent-etcd.c (the etcd session: lease, publish, range, watch,
 * keepalive, backoff and resync), agent-local.c (switchd: bridges and
 * tunnel port, the local endpoints read from the database, VLAN tags,
 * the flows), agent-status.c (what `swagent status` prints and the
 * socket it asks), swagent.c (options and the loop).
 *
 * Everything runs on one libevent loop.  etcd calls are asynchronous;
 * switchd calls are short blocking calls on a local socket (bounded by a
 * socket timeout), as swctl's are.  Replies that arrive for an etcd
 * session that was since restarted carry an old 'epoch' and are
 * dropped, so a late reply can never undo a resync. */
#ifndef SW_AGENT_H
#define SW_AGENT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "etcd-client.h"
#include "overlay.h"

#define AGENT_COOKIE 0x5377a6e700000000ULL /* High bits: "Sw" agent. */
#define AGENT_COOKIE_MASK 0xffffffff00000000ULL

struct agent_config {
    const char *etcd_urls;
    const char *host;
    const char *prefix;
    const char *int_bridge;
    const char *tun_bridge;
    const char *rundir; /* switchd's; the status socket lives there. */
    uint32_t vtep;
    int ttl;     /* Lease TTL, seconds. */
    int poll_ms; /* How often the local ports are read. */
    bool flood_unknown;
};

enum agent_state {
    AGENT_CONNECTING, /* Lease, publish, range read in progress. */
    AGENT_WATCHING,   /* In line with the store and following it. */
    AGENT_BACKOFF,    /* Waiting to try again. */
};

/* A port on the integration bridge with external_ids:vni. */
struct agent_local {
    char *port;
    uint32_t vni;
    uint8_t mac[6];
    uint32_t ip;
    int tag;              /* The port's tag now (-1: none). */
    int64_t mod_revision; /* Of our put, 0 if not (yet) published. */
    bool lost;            /* Another writer took the key: not ours now. */
};

struct agent_stats {
    uint64_t n_puts, n_deletes, n_txns, n_resyncs, n_watch_events;
    uint64_t n_flow_applies, n_flow_apply_errors, n_switchd_connects;
    uint64_t n_keepalives, n_leases;
    /* Wall-clock milliseconds (Unix epoch), so that a test can compare
     * the moments several agents applied a change with when it made it. */
    int64_t last_apply_unix_ms;
    int64_t converged_unix_ms; /* First apply while in line with etcd. */
};

struct agent;

/* How the agent's halves reach each other: swagent.c sets these, so
 * agent-etcd.c and agent-local.c never call into each other. */
struct agent_hooks {
    /* The mirror changed: recompute br-tun's flows soon. */
    void (*store_changed)(struct agent *);
    /* The local endpoints changed: publish and withdraw ('gone'). */
    void (*locals_changed)(struct agent *, struct agent_local *gone,
                           size_t n_gone);
};

struct agent {
    struct agent_config cfg;
    struct agent_hooks hooks;
    struct event_base *base;

    /* etcd. */
    struct etcd_client *etcd;
    struct overlay_store store;
    enum agent_state state;
    uint64_t epoch;
    int64_t revision; /* Store revision mirrored. */
    int64_t lease;    /* 0: none. */
    struct etcd_watch *watch;
    int backoff_ms;
    char *last_error;
    struct event *retry_timer, *keepalive_timer;
    bool keepalive_pending;
    bool host_published; /* PREFIX/hosts/HOST up to date. */

    /* switchd. */
    int sw_fd; /* -1: not connected. */
    struct event *sw_event;
    uint16_t patch_port, tunnel_port;
    struct event *poll_timer;
    struct agent_local *locals;
    size_t n_locals;
    json_t *port_macs;              /* Port name -> MAC switchd reported, asked
                                     * only for ports it does not hold yet. */
    struct overlay_local_vni *vnis; /* VNI -> local VLAN. */
    size_t n_vnis;
    char *applied; /* Flow text in switchd, NULL: unknown. */
    size_t n_flows;
    struct overlay_flow_counts counts;
    struct event *apply_event;
    char *sw_error;

    struct event *status_listener_ev;
    int status_fd;
    struct agent_stats stats;
};

/* agent-etcd.c */
void agent_etcd_start(struct agent *);
void agent_etcd_stop(struct agent *);
/* The local endpoints or VNIs changed: publish what is new, withdraw
 * what is gone. */
void agent_etcd_publish_changes(struct agent *, struct agent_local *gone,
                                size_t n_gone);
char *agent_endpoint_key(const struct agent *, const struct agent_local *);

/* agent-local.c */
void agent_local_start(struct agent *);
void agent_local_stop(struct agent *);
/* Recomputes br-tun's flows soon (once per loop iteration). */
void agent_schedule_apply(struct agent *);
uint16_t agent_vlan_for_vni(struct agent *, uint32_t vni);

/* agent-status.c */
json_t *agent_status_json(const struct agent *);
void agent_status_format(const json_t *, struct ds *);
char *agent_status_listen(struct agent *);
void agent_status_close(struct agent *);
/* Client side: asks the agent of 'rundir'.  Returns NULL and '*statusp'
 * or an allocated message. */
char *agent_status_query(const char *rundir, json_t **statusp);

#endif
