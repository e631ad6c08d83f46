/* switchd's internal wiring: the daemon state shared by the socket
 * server and the method table.  All logic lives in lib/; these files
 * only connect it to libevent and the unix socket. */
#ifndef SWITCHD_SWITCHD_H
#define SWITCHD_SWITCHD_H 1

#include <jansson.h>

#include "bridge-sub.h"

struct bridges;
struct config;
struct event_base;
struct server;

struct switchd {
    struct event_base *base;
    struct config *cfg;     /* The committed configuration. */
    const char *db_path;
    struct bridges *bridges;
    struct server *server;
    int exit_requested;
};

/* What a request may turn into besides a reply: a subscription
 * (monitor, capture) that keeps the connection and streams lines. */
struct switchd_call {
    bridge_sub_notify_func *notify; /* In: wakes the connection. */
    void *notify_aux;
    struct bridge_sub *sub; /* Out: the subscription, if one started. */
};

/* Handles one request.  Returns NULL and '*resultp' (new reference), or
 * an allocated error message for the client. */
char *switchd_dispatch(struct switchd *, const char *method, json_t *params,
                       struct switchd_call *, json_t **resultp);

/* Re-arms the flow timeout timer (after flow changes). */
void switchd_kick_timer(struct switchd *);

/* The server: a listening unix socket and its clients. */
struct server *server_create(struct switchd *, const char *path,
                             char **errp);
void server_destroy(struct server *);

#endif
