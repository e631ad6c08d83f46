/* daemon: the running switch, owned by main.c and served by the socket
 * methods (methods.c).
 *
 * 'struct switchd' holds the committed configuration, the live bridges
 * and the timers the loop runs besides I/O: the flow timeout timer
 * (expires idle and hard timeouts, sleeping until the next one is due)
 * and the flow save timer (writes the flow tables that changed, at most
 * once per SWITCHD_SAVE_MSEC, in a forked child so that a large table
 * never holds the loop).  This file is their only owner: a method
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

/* How often at most the flow tables that changed are saved. */
#define SWITCHD_SAVE_MSEC 1000

/* Where and whether flows are saved (switchd's --no-restore-flows). */
struct switchd_flow_options {
    const char *dir; /* NULL: flows are neither saved nor restored. */
    bool restore;    /* Bridges start from their saved flows. */
};

struct switchd {
    struct event_base *base; /* NULL: no timers (the methods fuzzer). */
    struct config *cfg;      /* The committed configuration. */
    const char *db_path;
    struct bridges *bridges;
    int exit_requested; /* The "exit" method: stop after replying. */
    struct event *flow_timer;
    struct event *save_timer;
    int save_child; /* pid of the flow writer, or 0. */
};

/* Starts the switch on 'cfg' (takes ownership): bridges and their ports
 * (with their saved flows), and the timers on 'base'.  Returns NULL or
 * an allocated message (the flow directory cannot be made: the switch
 * runs, without saving flows); switchd_stop() cleans up either way. */
char *switchd_start(struct switchd *, struct event_base *, struct config *,
                    const char *db_path, const struct switchd_flow_options *);
/* Stops everything switchd_start() started.  With 'restart' (a daemon
 * that exits) the flow tables are saved and internal ports' devices
 * stay for the next daemon; otherwise they are deleted. */
void switchd_stop(struct switchd *, bool restart);

/* Installs 'cfg' (takes ownership) as the committed configuration,
 * already saved to the database, and brings the bridges in line. */
void switchd_commit(struct switchd *, struct config *cfg);

/* Flows may have changed (a flow request, a learn through packet-out
 * or trace): re-arms the timeout timer for the next expiry. */
void switchd_flows_changed(struct switchd *);

#endif
