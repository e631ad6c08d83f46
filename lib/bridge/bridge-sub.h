/* bridge-sub: subscriptions to a live bridge ("swofctl monitor" and
 * "swofctl capture").
 *
 * A subscription turns things that happen inside the dataplane (a flow
 * learned, a flow expiring, a packet sent to the controller, a frame
 * crossing a port) into a stream of lines, each one compact JSON object
 * ending in '\n', that the daemon writes to the subscriber's socket.
 *
 * The dataplane never waits for a subscriber:
 *
 *   - The hooks (ofproto's flow-monitor and packet-in hooks, the bridge's
 *     rx and tx paths for captured ports) only format and queue.  A
 *     monitor event is formatted once per way of printing it (names or
 *     numbers, actions or not) and the line is shared, reference
 *     counted, by every monitor that queues it; a monitor whose queue is
 *     full costs an event one test and a count, not a rendering, so ten
 *     monitors that never read cost add-flows almost nothing.  Each
 *     queue is bounded: a monitor holds at most BRIDGE_MONITOR_MAX_LINES
 *     lines and BRIDGE_MONITOR_MAX_BYTES bytes, a capture what its
 *     capture_queue allows.  What does not fit is counted and dropped;
 *     a monitor then tells its reader with an {"event":"LOST"} line in
 *     the place the events went missing.
 *   - After queueing, a hook calls the owner's 'notify' function, which
 *     must only schedule work (the daemon activates an event); the owner
 *     then takes lines with bridge_sub_next() from its event loop.
 *   - Hooks are installed only while someone subscribes: a port nobody
 *     captures costs the packet path one pointer test, a bridge nobody
 *     monitors costs the pipeline nothing.
 *
 * A subscription ends when its bridge or port goes away (reconfigured
 * out) or, for a capture with a packet count, when the count is reached
 * and every record was taken.  Its last line is then {"event":"END",
 * "reason":...}, after which bridge_sub_finished() is true.  The owner
 * destroys it whenever it likes (normally when the client disconnects),
 * never from inside a notify.
 *
 * Line formats (docs/protocol.md):
 *   monitor  monitor_flow_event_to_json() or monitor_packet_in_to_json()
 *            plus "text": the line ovs-ofctl monitor would print;
 *            {"event":"LOST","n_lost":N,"text":...};
 *            {"event":"END","reason":...}.
 *   capture  capture_record_to_json() per frame;
 *            {"event":"END","reason":...,"seen":N,"queued":N,
 *             "dropped":N}. */
#ifndef SW_BRIDGE_SUB_H
#define SW_BRIDGE_SUB_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

#define BRIDGE_MONITOR_MAX_LINES 4096
#define BRIDGE_MONITOR_MAX_BYTES (4u << 20)
/* Bytes of a packet-in's frame a monitor line carries (hex). */
#define BRIDGE_MONITOR_PACKET_BYTES 256

struct bridges;
struct bridge_sub;

/* Called after something was queued or the subscription ended. */
typedef void bridge_sub_notify_func(void *aux);

struct bridge_monitor_options {
    const char *watch; /* "watch:[...]" or NULL (monitor_watch_parse). */
    bool names;        /* Port names instead of numbers in the lines. */
    size_t max_lines;  /* 0: BRIDGE_MONITOR_MAX_LINES. */
    size_t max_bytes;  /* 0: BRIDGE_MONITOR_MAX_BYTES. */
};

/* Starts monitoring bridge 'br': flow changes that pass the watch and
 * packet-ins.  Queues an INITIAL event per flow present (unless the watch
 * says !initial).  Returns NULL, '*subp' and '*resultp' ({"bridge",
 * "n_initial"}), or an allocated message (unknown bridge, bad watch). */
char *bridge_monitor_start(struct bridges *, const char *br,
                           const struct bridge_monitor_options *,
                           bridge_sub_notify_func *, void *aux,
                           struct bridge_sub **subp, json_t **resultp);

/* Starts capturing what port 'port' (name or number) of bridge 'br'
 * receives and sends.  Returns NULL, '*subp' and '*resultp' ({"bridge",
 * "port", "port_no", "tunnel": bool, "snaplen"}), or an allocated
 * message. */
char *bridge_capture_start(struct bridges *, const char *br, const char *port,
                           const struct capture_queue_config *,
                           bridge_sub_notify_func *, void *aux,
                           struct bridge_sub **subp, json_t **resultp);

/* Takes the next line to send (JSON, '\n'-terminated; caller frees), or
 * returns NULL if nothing is waiting now. */
char *bridge_sub_next(struct bridge_sub *);
/* True once the END line was taken: nothing more will come. */
bool bridge_sub_finished(const struct bridge_sub *);
/* Events or frames dropped because the queue was full. */
uint64_t bridge_sub_dropped(const struct bridge_sub *);
/* Monitor lines rendered so far, process-wide: an event costs one
 * rendering per way of printing it that some monitor with room wants
 * (port names or numbers, with or without actions), not one per monitor
 * (tests and figures). */
uint64_t bridge_sub_renders(void);
/* Detaches from the bridge and frees.  NULL is fine. */
void bridge_sub_destroy(struct bridge_sub *);

#endif
