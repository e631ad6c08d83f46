/* bridge: the live switch that a configuration describes.
 *
 * 'struct bridges' owns one ofproto per configured bridge and, for each
 * port, its netdev.  bridges_reconfigure() brings the live state in line
 * with a config (the way ovs-vswitchd follows its database): bridges and
 * ports that disappeared are torn down, changed ports are reopened, new
 * ones opened, and patch ports are wired to their peers.  A port whose
 * device cannot be opened, or a patch whose peer does not exist, stays in
 * the ofproto (it keeps its number) with an error string that swctl show
 * prints.
 *
 * A new bridge starts with the flows it had when it was last saved
 * (bridges_set_flow_store() below), or else, if standalone (the
 * default), with the single flow "priority=0 actions=NORMAL" in table 0,
 * as in OVS; a secure bridge starts with no flows (config.h's fail_mode).
 * Changing a running bridge's fail mode removes its flows, as OVS does,
 * and a bridge that became standalone gets its NORMAL flow.
 *
 * Internal ports' TAP devices (a bridge's LOCAL port among them) get the
 * MAC their name gives when they are created (other_config:hwaddr sets
 * the LOCAL one) and are persistent: bridges_keep_devices() before
 * bridges_destroy() leaves them, with their addresses and link state,
 * for the next daemon to take back; otherwise they are deleted.
 *
 * When given an event base, the bridges poll every port's fd and run
 * received frames through the pipeline, sending the outputs.  Without
 * one (unit tests) nothing is polled.
 *
 * swofctl's requests on live bridges are in bridge-ofctl.h. */
#ifndef SW_BRIDGE_H
#define SW_BRIDGE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct bridges;
struct event_base;
struct ofproto;

struct bridges *bridges_create(struct event_base *);
void bridges_destroy(struct bridges *);
void bridges_reconfigure(struct bridges *, const struct config *);

/* Runs the event loop of the base 'bs' was created with until a
 * callback calls event_base_loopbreak() or event_base_loopexit()
 * (bridge-loop.c).  With 'busy_poll_usec' 0 that is
 * event_base_dispatch(): the loop sleeps whenever nothing is ready.
 * Otherwise, once the bridges have forwarded frames, the loop goes on
 * polling without sleeping while frames keep coming, and after the last
 * one for up to 'busy_poll_usec' microseconds, but never longer than it
 * worked since it last woke up: an idle switch sleeps, and polling at
 * most doubles the CPU that forwarding takes. */
void bridges_dispatch(struct bridges *, unsigned busy_poll_usec);
/* The rule, for tests: whether a loop that worked 'worked_us' since it
 * woke and then found nothing for 'idle_us' should sleep now, polling at
 * most 'max_us' (all in microseconds). */
bool bridges_busy_poll_done(int64_t worked_us, int64_t idle_us,
                            int64_t max_us);
/* The largest --busy-poll switchd takes, in microseconds. */
#define BRIDGES_BUSY_POLL_MAX_USEC 10000

struct ofproto *bridges_find_ofproto(const struct bridges *, const char *name);
/* Why 'iface' is not working, or NULL.  The string belongs to the
 * bridges and lives until the next reconfigure. */
const char *bridges_iface_error(const struct bridges *, const char *iface);
/* Whether 'iface' could not be opened at all (no device, no permission):
 * it has no OpenFlow port, and ovs-vsctl would show ofport -1. */
bool bridges_iface_open_failed(const struct bridges *, const char *iface);
/* Whether 'iface' is up as its device says (IFF_UP, IFF_RUNNING for a
 * Linux device; a port without one is up once it opened): false if no
 * such port is open, so there is no state to show. */
bool bridges_iface_state(const struct bridges *, const char *iface,
                         bool *admin_up, bool *link_up);

/* Brings the kernel fast path (datapath_type=system) in line with the
 * bridges: whatever a change made stale is gone when this returns.  The
 * daemon calls it after every request, before the reply goes out, so a
 * del-flows that returned has reached cached packets too. */
void bridges_sync(struct bridges *);
/* Before a request: credits what the fast path forwarded so far to the
 * flows (counters, learns), so that it counts as having come before the
 * request's changes. */
void bridges_credit(struct bridges *);

/* Expires flow timeouts in every bridge.  Returns flows removed. */
size_t bridges_run(struct bridges *);
/* clock_msec() of the next timeout, or INT64_MAX. */
int64_t bridges_next_timeout(const struct bridges *);

/* Saved flow tables.  Each bridge's flows are saved to the file
 * '<dir>/<bridge>' (atomically: temporary file, fsync, rename) by
 * bridges_save_flows(), and a bridge created afterwards restores them
 * before it forwards anything, unless 'restore' is false (then bridges
 * start as new ones, and saving goes on).  A bridge with
 * other_config:restore-flows=false is neither saved nor restored, and
 * its file goes; so does the file of a bridge that is deleted.  Call
 * before the first bridges_reconfigure(); without it nothing is saved.
 * Returns NULL or an allocated message (the directory cannot be made). */
char *bridges_set_flow_store(struct bridges *, const char *dir, bool restore);
/* Saving, in three steps so that the writing can happen in a forked
 * child while the loop goes on (the daemon does that; see
 * bridge-flows.c).  bridges_save_begin() picks the bridges due: those
 * whose flows changed since their last save, or that have flows with
 * timeouts and were last saved more than BRIDGE_SAVE_REFRESH_MSEC ago
 * (so remaining times stay close), or, with 'all', every bridge; a
 * bridge whose last save took D ms is not due again (unless 'all')
 * before BRIDGE_SAVE_BACKOFF * D ms.  It returns false when none is due.
 * bridges_save_write() writes their files (NULL, or an allocated message
 * naming each file that could not be written); bridges_save_end() tells
 * whether that worked ('ok' false: the next begin tries again).
 * bridges_save_flows() does the three in a row. */
#define BRIDGE_SAVE_REFRESH_MSEC 30000
#define BRIDGE_SAVE_BACKOFF 4
bool bridges_save_begin(struct bridges *, bool all);
char *bridges_save_write(struct bridges *);
void bridges_save_end(struct bridges *, bool ok);
char *bridges_save_flows(struct bridges *, bool all);
/* bridges_destroy() will leave internal ports' devices in place (a
 * daemon that exits to be restarted), instead of deleting them. */
void bridges_keep_devices(struct bridges *);

/* Polls every port once for input without an event loop: processes up
 * to 'budget' frames per port.  Returns frames processed (tests). */
size_t bridges_poll_once(struct bridges *, size_t budget);

#endif
