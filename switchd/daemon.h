/* daemon: the running switch, owned by main.c and served by the socket
 * methods (methods.c).
 *
 * 'struct switchd' holds the committed configuration, the live bridges
 * and the timers the loop runs besides I/O: the flow timeout timer
 * (expires idle and hard timeouts, sleeping until the next one is due)
 * and the flow save timer (writes the flow tables that changed, at most
 * once per SWITCHD_SAVE_MSEC).  This file is their only owner: a method
 * that may have changed flows says so with switchd_flows_changed() and
 * never touches a timer itself.
 *
 * Include order, lowest first: daemon.h <- methods.h <- server.h <-
 * main.c; nothing includes upwards. */
#ifndef SWITCHD_DAEMON_H
#define SWITCHD_DAEMON_H 1

#include <stdbool.h>

struct bridges;
struct config;
struct event;
struct event_base;

struct switchd {
    struct event_base *base; /* NULL: no timers (the methods fuzzer). */
    struct config *cfg;      /* The committed configuration. */
    const char *db_path;
    struct bridges *bridges;
    int exit_requested;      /* The "exit" method: stop after replying. */
    struct event *flow_timer;
};

/* Starts the switch on 'cfg' (takes ownership): bridges and their
 * ports, and the timers on 'base'. */
void switchd_start(struct switchd *, struct event_base *, struct config *,
                   const char *db_path);
/* Stops everything switchd_start() started. */
void switchd_stop(struct switchd *);

/* Installs 'cfg' (takes ownership) as the committed configuration,
 * already saved to the database, and brings the bridges in line. */
void switchd_commit(struct switchd *, struct config *cfg);

/* Flows may have changed (a flow request, a learn through packet-out
 * or trace): re-arms the timeout timer for the next expiry. */
void switchd_flows_changed(struct switchd *);

#endif
