/* server: the listening unix socket and its clients (server.c). */
#ifndef SWITCHD_SERVER_H
#define SWITCHD_SERVER_H 1

struct event_base;
struct server;
struct switchd;

/* Listens on 'path' (mode 0700 from the moment it exists) with events on
 * 'base', for requests to 'sw' (which may start after this returns: the
 * loop serves nobody before it runs).  Returns the server, or NULL and
 * an allocated message in '*errp'. */
struct server *server_create(struct event_base *base, struct switchd *sw,
                             const char *path, char **errp);
void server_destroy(struct server *);

#endif
