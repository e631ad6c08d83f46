/* bridge-private: the bridge layer's internals, shared by bridge.c (live
 * state, packet path), the request files (ofctl-*.c, bridge-debug.c) and
 * bridge-sub.c (monitor and capture subscriptions).  Nothing
 * outside the bridge layer includes this. */
#ifndef SW_BRIDGE_PRIVATE_H
#define SW_BRIDGE_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "bridge.h"
#include "bridge-ofctl.h"
#include "capture.h"
#include "netdev.h"
#include "packet.h"
#include "trace.h"

struct bridge;
struct bridge_sub;
struct dp;
struct event;
struct netdev;

struct bridge_port {
    struct bridge *bridge;
    char *name;
    char *type;
    char *options; /* "k=v,k=v": detects option changes. */
    int ofport;
    int64_t created_msec;  /* clock_msec() when added (dump-ports 1.3). */
    struct netdev *netdev; /* NULL if it failed to open. */
    char *open_error;      /* Why netdev_open() failed. */
    char *patch_error;     /* Why the patch is not wired. */
    struct event *rx_event;
    /* What trace and capture need of the port's tunnel options, read
     * from the configuration when the port was created. */
    struct trace_port_info info;
    /* Active captures of this port (bridge-sub.c), or NULL: the packet
     * path tests this one pointer, so ports nobody captures pay nothing
     * more. */
    struct bridge_sub *captures;
};

struct bridge {
    struct bridges *bridges;
    char *name;
    /* datapath_type=system and the fast path loaded: its ports are in
     * bridges->dp. */
    bool system;
    struct ofproto *ofproto;
    struct bridge_port **ports;
    size_t n_ports;
    struct bridge_sub *monitors; /* Active monitors (bridge-sub.c). */
    bool secure;   /* fail_mode=secure: no NORMAL flow of its own. */
    uint64_t dpid; /* other_config:datapath-id, 0: from the MAC. */
    char *hwaddr;  /* other_config:hwaddr applied, or NULL. */
    /* Saved flows (bridge-flows.c). */
    bool save_flows;      /* other_config:restore-flows is not false. */
    uint64_t saved_seq;   /* ofproto_change_seq() at the last save. */
    int64_t saved_at;     /* clock_msec() of the last save. */
    int64_t save_after;   /* No periodic save before this clock_msec(). */
    bool flow_file_gone;  /* Removed since saving was turned off. */
    bool save_pending;    /* Being written by the current save. */
    uint64_t pending_seq; /* ofproto_change_seq() it is writing. */
};

struct bridges {
    struct event_base *base;
    struct bridge **v;
    size_t n;
    /* Captures attached to a port, on any bridge (bridge-sub.c keeps
     * the count).  While nonzero, packet walks copy the frames that
     * cross patch ports, which no device sees, so a capture of a patch
     * port gets them. */
    size_t n_captures;
    /* Reused by every receive batch (bridge.c), so the packet path does
     * not allocate result arrays per frame. */
    struct xlate_result rx_results[OFPROTO_BATCH_MAX];
    /* The kernel fast path, loaded for the first system bridge (NULL
     * until then, or if it cannot load: such bridges run as netdev). */
    struct dp *dp;
    struct event *dp_upcall_event; /* Ingress misses waiting. */
    struct event *dp_timer;        /* dp_run() every DP_RUN_INTERVAL_MS. */
    /* Frames read from ports and misses handed up by the fast path, so
     * far: the event loop polls on while it grows (bridge-loop.c). */
    uint64_t n_rx;
    /* Set by the first subscription (bridge-sub.c), else NULL. */
    const struct bridge_sub_hooks *sub_hooks;
    /* Saved flows: the directory (NULL: not saved), whether new
     * bridges restore from it, and whether bridges_destroy() keeps the
     * internal ports' devices. */
    char *flow_dir;
    bool restore_flows;
    bool keep_devices;
    char *uuid; /* The database's: seeds internal ports' MACs. */
    /* A save between bridges_save_begin() and bridges_save_end(), and
     * the bridges deleted meanwhile (their files go again at the end). */
    bool save_active;
    int64_t save_started;
    char **forgotten;
    size_t n_forgotten;
};

struct bridge *bridge_lookup(const struct bridges *, const char *name);
struct bridge *bridge_lookup_ofproto(const struct bridges *,
                                     const struct ofproto *);
struct bridge_port *bridge_port_lookup(const struct bridge *,
                                       const char *name);
struct bridge_port *bridge_port_lookup_number(const struct bridge *,
                                              int ofport);
/* The bridge called 'name', or NULL and an allocated "no bridge named"
 * message in '*errp'. */
struct bridge *bridge_need(struct bridges *, const char *name, char **errp);
/* A read request's start: the bridge called 'name' with its reply begun
 * in 'view''s form ('pr', printer.h), or NULL and '*errp' as
 * bridge_need() (nothing begun). */
struct bridge *bridge_read_begin(struct bridges *, const char *name,
                                 const struct ofctl_view *, struct printer *,
                                 char **errp);

/* Sends what one pipeline walk output on the devices of the ports it
 * chose, and credits its patch crossings (the packet path and
 * packet-out).  Returns the number of outputs that had a device. */
size_t bridges_send_outputs(struct bridges *, const struct xlate_result *);

/* Saved flows (bridge-flows.c).  bridge_restore_flows() fills a new
 * bridge's table from its file and returns true, or returns false (no
 * store, restoring off, no file, or a file that does not restore: that
 * one is logged) and changes nothing.  bridge_forget_flows() removes the
 * file of a bridge that is deleted. */
bool bridge_restore_flows(struct bridge *);
/* OpenFlow 1.0's rules for flows swofctl sends ('of_version' 10; 13 and
 * 0 change nothing): reset_counts refused with ovs-ofctl's message, and
 * every FM_ADD marked FM_F_RESET_COUNTS (lib/bridge/ofctl-flows.c). */
char *bridge_ofctl_of10_flags(struct flow_mod *, size_t n, enum fm_command,
                              int of_version);
void bridge_forget_flows(struct bridge *);

/* What the subscriptions (bridge-sub.c: monitor, capture) need to hear
 * from the live state.  bridge.c calls them through 'bridges.sub_hooks',
 * which the first subscription sets: the live state does not depend on
 * what is built on it, and with no subscription nothing is called.
 *
 * 'capture' copies a frame that 'port' received (CAPTURE_RX, with the
 * tunnel metadata it arrived with, outer UDP source port included) or
 * sends (CAPTURE_TX, with the flow's tunnel metadata at output) into
 * every capture of the port; 'tnl' may be NULL.  It is called only when
 * port->captures is not NULL.  'port_gone' and 'bridge_gone' end the
 * subscriptions of a port or bridge that is going away (their owners see
 * an END event). */
struct bridge_sub_hooks {
    void (*capture)(struct bridge_port *, enum capture_dir,
                    const struct packet *, const struct netdev_tunnel *);
    void (*port_gone)(struct bridge_port *);
    void (*bridge_gone)(struct bridge *);
};

#endif
