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
 * A new bridge starts with the single flow "priority=0 actions=NORMAL"
 * in table 0, as in OVS.
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

struct ofproto *bridges_find_ofproto(const struct bridges *,
                                     const char *name);
/* Why 'iface' is not working, or NULL.  The string belongs to the
 * bridges and lives until the next reconfigure. */
const char *bridges_iface_error(const struct bridges *, const char *iface);
/* Whether 'iface' could not be opened at all (no device, no permission):
 * it has no OpenFlow port, and ovs-vsctl would show ofport -1. */
bool bridges_iface_open_failed(const struct bridges *, const char *iface);

/* Expires flow timeouts in every bridge.  Returns flows removed. */
size_t bridges_run(struct bridges *);
/* clock_msec() of the next timeout, or INT64_MAX. */
int64_t bridges_next_timeout(const struct bridges *);

/* Polls every port once for input without an event loop: processes up
 * to 'budget' frames per port.  Returns frames processed (tests). */
size_t bridges_poll_once(struct bridges *, size_t budget);

#endif
