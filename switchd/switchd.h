/* switchd's internal wiring: the daemon state shared by the socket
 * server and the method table.  All logic lives in lib/; these files
 * only connect it to libevent and the unix socket. */
#ifndef SWITCHD_SWITCHD_H
#define SWITCHD_SWITCHD_H 1

#include <jansson.h>

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

/* Handles one request.  Returns NULL and '*resultp' (new reference), or
 * an allocated error message for the client. */
char *switchd_dispatch(struct switchd *, const char *method, json_t *params,
                       json_t **resultp);

/* Re-arms the flow timeout timer (after flow changes). */
void switchd_kick_timer(struct switchd *);

/* The server: a listening unix socket and its clients. */
struct server *server_create(struct switchd *, const char *path,
                             char **errp);
void server_destroy(struct server *);

#endif
