/* monitor: flow table changes and packet-ins as lines people and
 * programs read ("swofctl monitor BR [watch:...]").
 *
 * Two kinds of events stream to a monitor:
 *
 *   - flow changes, reported by the pipeline through a hook (see below):
 *     a flow was ADDED, MODIFIED or DELETED, and why (a client's
 *     flow_mod, a learn action, an idle or hard timeout, a replacing
 *     add);
 *   - packet-ins: packets the controller action (or an expiring TTL)
 *     sends up, as ofproto_set_packet_in_cb() hands them over.
 *
 * Each formats as one text line in the spirit of ovs-ofctl monitor
 * (" event=ADDED reason=learned table=20 cookie=0x0 ... actions=...")
 * and as one JSON object, from one printer.  A 'struct monitor_watch'
 * parsed from "watch:[SPEC,...]" selects which flow changes a
 * subscriber wants.  The formats are documented in docs/debugging.md.
 *
 * Nothing here keeps state between events: the daemon owns subscribers
 * and their (bounded) queues. */
#ifndef SW_MONITOR_H
#define SW_MONITOR_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "flowmod.h"
#include "ofproto.h"
#include "portmap.h"

/* A flow-table change as a monitor shows it.  The pipeline reports
 * changes through its own hook (ofproto_set_flow_monitor_cb); the daemon
 * turns each report into a monitor_event, and adds MONITOR_INITIAL
 * events for the flows present when a monitor starts. */
enum monitor_event_type {
    MONITOR_ADDED,
    MONITOR_MODIFIED, /* Actions or timeouts changed in place. */
    MONITOR_DELETED,
    MONITOR_INITIAL, /* Never from the pipeline: what a monitor
                      * shows for flows present when it starts. */
};

enum monitor_reason {
    MONITOR_REASON_CLIENT,       /* A client's flow_mod (add/mod/del-flows). */
    MONITOR_REASON_LEARNED,      /* A learn action added or changed it. */
    MONITOR_REASON_IDLE_TIMEOUT, /* Expired: idle_timeout. */
    MONITOR_REASON_HARD_TIMEOUT, /* Expired: hard_timeout. */
    MONITOR_REASON_REPLACED,     /* An add with the same match and priority
                                  * replaced it (reported as DELETED then
                                  * ADDED, or MODIFIED). */
    MONITOR_REASON_DELETE_LEARNED, /* Its learning flow went away. */
    MONITOR_REASON_EVICTED, /* Made room for a learn at the flow limit. */
};

/* 'flow' is the flow after the change (for DELETED: as it was), valid
 * only during the callback.  Statistics in it are optional. */
struct monitor_event {
    enum monitor_event_type type;
    enum monitor_reason reason;
    const struct ofproto *ofproto;
    const struct flow_print *flow;
};

/* Names as printed: "ADDED", "learned"... */
const char *monitor_event_name(enum monitor_event_type);
const char *monitor_reason_name(enum monitor_reason);

struct monitor_watch;

/* Appends one line (with a leading space and a trailing '\n'):
 *  " event=ADDED reason=learned bridge=br-tun table=20 cookie=0x0
 *    hard_timeout=300 priority=1,dl_dst=... actions=..."
 * 'w' (may be NULL) may ask to leave the actions out.  Port numbers
 * print as names where 'ports' has them (may be NULL). */
void monitor_format_flow_event(const struct monitor_event *,
                               const struct monitor_watch *w,
                               const struct portmap *ports, struct ds *);
/* The same as a JSON object (new reference). */
json_t *monitor_flow_event_to_json(const struct monitor_event *,
                                   const struct monitor_watch *w,
                                   const struct portmap *ports);

/* Appends " event=PACKET_IN bridge=B table=T cookie=C reason=R
 * total_len=N FLOW\n". */
void monitor_format_packet_in(const struct ofproto_packet_in *, struct ds *);
/* The same as JSON, with the packet's first bytes in hex under "packet":
 * at most the controller action's max_len and at most 'max_bytes' (0: no
 * cap of our own). */
json_t *monitor_packet_in_to_json(const struct ofproto_packet_in *,
                                  size_t max_bytes);

/* What a subscriber asked to see: "watch:[SPEC[,SPEC]...]" where SPEC is
 * !initial, !add, !delete, !modify (leave that kind out), !actions (omit
 * actions from the lines), table=N, out_port=P, or match fields (a flow
 * is shown when it is at least as specific, like dump-flows' filter). */
struct monitor_watch {
    bool initial, add, del, modify;
    bool actions;
    struct flow_mod filter; /* table_id, out_port, cookie, match. */
};

/* Parses 'text' (NULL or "" = everything).  Returns NULL, or an allocated
 * message naming the bad spec (then 'w' needs no uninit). */
char *monitor_watch_parse(struct monitor_watch *w, const char *text,
                          const struct portmap *ports);
void monitor_watch_uninit(struct monitor_watch *);
/* True if 'ev' passes the watch. */
bool monitor_watch_wants(const struct monitor_watch *,
                         const struct monitor_event *);

#endif
